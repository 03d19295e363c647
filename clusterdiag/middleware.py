from urllib.parse import unquote_to_bytes

import csp.constants
import csp.middleware
import csp.utils
from django.conf import settings
from django.conf.urls.i18n import is_language_prefix_patterns_used
from django.contrib import messages
from django.contrib.auth import SESSION_KEY
from django.contrib.messages import middleware as messages_middleware
from django.contrib.messages.storage import default_storage
from django.middleware import locale
from django.shortcuts import render
from django.utils import translation
from django.utils.cache import patch_vary_headers
from django.utils.functional import SimpleLazyObject, empty
from django.utils.translation import gettext as _
from simple_history import middleware as history_middleware


class LocaleMiddleware(locale.LocaleMiddleware):
    """Django's LocaleMiddleware, without its look for a language in the URL path when no
    URL has a language prefix (ours have none: i18n_patterns is not used).

    Django looks at the path twice per request even then, and tries a path such as /ping
    as a language code each time (a failed lookup is not cached), only to ignore the
    answer. Where the prefixes are used, Django's own code runs."""

    def process_request(self, request):
        if is_language_prefix_patterns_used(getattr(request, "urlconf",
                                                    settings.ROOT_URLCONF))[0]:
            return super().process_request(request)
        translation.activate(translation.get_language_from_request(request))
        request.LANGUAGE_CODE = translation.get_language()
        return None

    def process_response(self, request, response):
        if is_language_prefix_patterns_used(getattr(request, "urlconf",
                                                    settings.ROOT_URLCONF))[0]:
            return super().process_response(request, response)
        patch_vary_headers(response, ("Accept-Language",))
        response.headers.setdefault("Content-Language", translation.get_language())
        return response


class MessageMiddleware(messages_middleware.MessageMiddleware):
    """Django's MessageMiddleware, with the message storage built when a message is first
    added or read. Most responses (/ping, an autosave, the API) never touch it, and building
    it (a cookie signer, a session store) was a fixed cost of every request. A storage never
    built holds nothing to save."""

    def process_request(self, request):
        request._messages = SimpleLazyObject(lambda: default_storage(request))

    def process_response(self, request, response):
        storage = getattr(request, "_messages", None)
        if type(storage) is SimpleLazyObject and storage._wrapped is empty:
            return response
        return super().process_response(request, response)


class HistoryRequestMiddleware:
    """simple_history's, for the requests that may write only: it hands the request to the
    history records (who made a change), and a GET never writes
    (tests/security/test_headers_csrf.py checks every URL for every role). Setting and
    clearing its context-local variable was about a twentieth of an anonymous /ping
    (bench/profile_ping.py, issue 16)."""

    SAFE = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})

    def __init__(self, get_response):
        self.get_response = get_response
        self.recording = history_middleware.HistoryRequestMiddleware(get_response)

    def __call__(self, request):
        if request.method in self.SAFE:
            return self.get_response(request)
        return self.recording(request)


class UserLanguageMiddleware:
    """Use the language a logged-in user chose, on every device they log in from.

    LocaleMiddleware has already picked a language from the cookie or the browser; a saved
    choice of the user wins over both, and the cookie is brought in line with it.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        # Without a user id in the session the user is anonymous: the lazy request.user is
        # then left for the views that read it (a /ping, the login page) to build.
        session = getattr(request, "session", None)
        user = (getattr(request, "user", None)
                if session is None or SESSION_KEY in session else None)
        language = user.language if user is not None and user.is_authenticated else ""
        if language:
            translation.activate(language)
            request.LANGUAGE_CODE = language
        response = self.get_response(request)
        if language and request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME) != language:
            response.set_cookie(
                settings.LANGUAGE_COOKIE_NAME,
                language,
                max_age=settings.LANGUAGE_COOKIE_AGE,
                secure=settings.LANGUAGE_COOKIE_SECURE,
                httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
                samesite=settings.LANGUAGE_COOKIE_SAMESITE,
            )
        return response


# Bodies whose text Django decodes leniently, and how to check them.
FORM = "application/x-www-form-urlencoded"
MULTIPART = "multipart/form-data"


def _utf8(data: bytes) -> bool:
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def _body_is_text(request) -> bool:
    content_type = request.content_type or ""
    if content_type == FORM:
        # Django reads these bodies as UTF-8 (it refuses any other declared charset), but
        # decodes a body that is not valid UTF-8 as Latin-1, and each %-escape with
        # errors="replace": either way the text would be stored garbled. So the raw bytes
        # and the bytes behind the %-escapes must both be UTF-8. (Separators are ASCII, so
        # decoding the whole body at once judges every name and value.)
        return _utf8(request.body) and _utf8(unquote_to_bytes(request.body))
    if content_type == "application/json" or content_type.endswith("+json"):
        # RFC 8259: JSON exchanged between systems is UTF-8.
        return _utf8(request.body)
    if content_type == MULTIPART and request.method == "POST":
        # No page of ours posts multipart, but Django parses it for any POST (and for POST
        # only), decoding each field with errors="replace": invalid bytes in a field arrive
        # as U+FFFD, which is refused here (so is a U+FFFD typed on purpose, a price worth
        # paying). A part whose headers are not UTF-8 is skipped by Django; files are not
        # text and are not looked at. Parsing before the CSRF check is what that check
        # does anyway; no view of ours changes the upload handlers.
        return not any("\ufffd" in name or any("\ufffd" in value for value in values)
                       for name, values in request.POST.lists())
    return True


class RejectUndecodableBodyMiddleware:
    """Refuse, with a 400 and a message, a form or JSON body that is not valid UTF-8,
    instead of letting Django store it as mojibake or U+FFFD. GET never writes, so its
    query string is left to the views."""

    methods = {"POST", "PUT", "PATCH"}

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            readable = request.method not in self.methods or _body_is_text(request)
        except OSError:
            readable = True  # The client went away: the view meets the same error.
        if not readable:
            messages.error(request, _("The form could not be read: it contains characters "
                                      "that are not valid text. Please type it again."))
            return render(request, "invalid_encoding.html", status=400)
        return self.get_response(request)


class CSPMiddleware(csp.middleware.CSPMiddleware):
    """django-csp, with the policy built once per process instead of twice per response.

    django-csp builds the policy from the settings for every response, then does the same
    for the report-only policy (which we do not set). Ours is the same for every response
    unless a view changes it (csp decorators) or a nonce is used; those responses, and
    DEBUG (which exempts error pages), go through django-csp unchanged."""

    PER_RESPONSE = ("_csp_config", "_csp_update", "_csp_replace", "_csp_exempt",
                    "_csp_config_ro", "_csp_update_ro", "_csp_replace_ro", "_csp_exempt_ro")

    def __init__(self, get_response):
        super().__init__(get_response)
        self.policy = csp.utils.build_policy()
        self.plain = (not settings.DEBUG
                      and not getattr(settings, "CONTENT_SECURITY_POLICY_REPORT_ONLY", None)
                      and not settings.CONTENT_SECURITY_POLICY.get("EXCLUDE_URL_PREFIXES"))

    def process_response(self, request, response):
        if (not self.plain or getattr(request, "_csp_nonce", None) is not None
                or any(getattr(response, name, None) for name in self.PER_RESPONSE)):
            return super().process_response(request, response)
        if self.policy and csp.constants.HEADER not in response:
            response[csp.constants.HEADER] = self.policy
        # As django-csp does: a nonce asked for after the header is written is an error.
        request.csp_nonce = csp.middleware.CheckableLazyObject(self._csp_nonce_post_response)
        return response
