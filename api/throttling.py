"""Rate limits of the API: per token (each integration has its own allowance), else per
logged-in person, else per address. Counted in the rate-limit cache, the one that
RATELIMIT_CACHE_URL shares between processes (README, "Rate limits")."""

from django.core.cache import caches
from rest_framework.throttling import SimpleRateThrottle

from .models import ApiToken


class TokenRateThrottle(SimpleRateThrottle):
    scope = "token"
    cache = caches["ratelimit"]

    def get_cache_key(self, request, view):
        if isinstance(request.auth, ApiToken):
            ident = f"token-{request.auth.pk}"
        elif request.user and request.user.is_authenticated:
            ident = f"user-{request.user.pk}"
        else:
            ident = f"ip-{self.get_ident(request)}"
        return self.cache_format % {"scope": self.scope, "ident": ident}
