"""Vietnamese for everyone by default, whatever the browser asks for; English when the user picks it.

Django's LocaleMiddleware follows the browser's Accept-Language, so an English-language browser would get
an English interface nobody chose. Here the only input is the language cookie that the language switcher
(`/i18n/setlang/`) sets, kept for a year (LANGUAGE_COOKIE_AGE).
"""

from __future__ import annotations

from django.conf import settings
from django.utils import translation
from django.utils.cache import patch_vary_headers


def chosen_language(request) -> str:
    choice = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
    return choice if choice in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE


class LanguageMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        language = chosen_language(request)
        request.LANGUAGE_CODE = language
        with translation.override(language):  # and back afterwards: a thread serves many users
            response = self.get_response(request)
        patch_vary_headers(response, ("Cookie",))
        response.headers.setdefault("Content-Language", language)
        return response
