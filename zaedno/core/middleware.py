"""Responses with case data must not be kept by browsers or proxies."""

from __future__ import annotations

from django.utils.cache import add_never_cache_headers


class NoStoreMiddleware:
    """``Cache-Control: no-store`` on every page for a signed-in user (shared computers, phones)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if getattr(request, "user", None) is not None and request.user.is_authenticated:
            add_never_cache_headers(response)
            response["Cache-Control"] = "no-store, " + response.get("Cache-Control", "")
        return response


class LanguageMiddleware:
    """Bulgarian unless the user chose English with the language switch.

    Django's LocaleMiddleware follows the browser's Accept-Language, so a professional whose
    laptop came with an English browser would get English without asking. Pages use the
    language cookie (set by the switch) or ``LANGUAGE_CODE``; the API, called by other systems,
    still honours Accept-Language.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        from django.conf import settings
        from django.utils import translation

        if request.path.startswith("/api/"):
            language = translation.get_language_from_request(request)
        else:
            chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
            language = chosen if chosen in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()
        try:
            response = self.get_response(request)
        finally:
            # Server threads are reused: leave no language behind for work outside a request.
            translation.deactivate()
        response.headers.setdefault("Content-Language", request.LANGUAGE_CODE)
        if not request.path.startswith("/api/"):
            from django.utils.cache import patch_vary_headers

            patch_vary_headers(response, ("Cookie",))
        return response
