"""The API tokens panel of the profile page: the profile view lives in a lower layer and
knows nothing of the API, so the panel fetches its own rows (one query)."""

from django import template

from ..forms import TokenForm
from ..models import ApiToken

register = template.Library()


@register.inclusion_tag("api/_tokens.html", takes_context=True)
def api_tokens_panel(context):
    user = context["request"].user
    return {"tokens": list(ApiToken.objects.active().filter(user_id=user.pk)),
            "form": TokenForm(), "csrf_token": context.get("csrf_token")}
