"""How the API knows who calls: a personal token in the Authorization header
("Authorization: Bearer cdt_…"), or the browser session of a logged-in person."""

import hmac

from django.utils import translation
from django.utils.translation import gettext_lazy as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import authentication, exceptions

from .models import ApiToken
from .tokens import digest, split, token_touch

KEYWORDS = {"bearer", "token"}


class PersonalTokenAuthentication(authentication.BaseAuthentication):
    def authenticate(self, request):
        parts = authentication.get_authorization_header(request).split()
        if not parts or parts[0].decode("latin-1").lower() not in KEYWORDS:
            return None
        if len(parts) != 2:
            raise exceptions.AuthenticationFailed(_("The Authorization header is malformed."))
        try:
            raw = parts[1].decode("ascii")
        except UnicodeDecodeError:
            raise exceptions.AuthenticationFailed(_("This token is not valid.")) from None
        token = self._token(raw)
        if token is None:
            raise exceptions.AuthenticationFailed(_("This token is not valid."))
        token_touch(token=token)
        if token.user.language:
            # The person's language, as on the site (the session middleware cannot know it).
            translation.activate(token.user.language)
            request.LANGUAGE_CODE = token.user.language
        return token.user, token

    @staticmethod
    def _token(raw: str) -> ApiToken | None:
        parsed = split(raw)
        if parsed is None:
            return None
        prefix, secret = parsed
        token = (ApiToken.objects.active().select_related("user")
                 .filter(prefix=prefix, user__is_active=True).first())
        if token is None or not hmac.compare_digest(token.hashed, digest(secret)):
            return None
        return token

    def authenticate_header(self, request):
        return 'Bearer realm="api"'


class PersonalTokenScheme(OpenApiAuthenticationExtension):
    """How the OpenAPI schema describes personal tokens (registered by being defined)."""

    target_class = PersonalTokenAuthentication
    name = "personalToken"

    def get_security_definition(self, auto_schema):
        return {"type": "http", "scheme": "bearer",
                "description": "A personal API token (cdt_…), created on the profile page."}
