"""Security headers on every page: a Content-Security-Policy that allows scripts and styles from copvn itself
only (no inline script, no inline style), and `Cache-Control: no-store` on every page a signed-in user sees
(the enrolment page shows a TOTP secret; a case page shows reporters). HSTS comes from Django's
SecurityMiddleware in production (COPVN_HSTS_SECONDS). Static files never reach this middleware (WhiteNoise
answers them before it) and keep their long cache lifetime."""

from __future__ import annotations

from django.utils.cache import add_never_cache_headers

POLICY = "; ".join([
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data: blob:",  # blob: the original shown in place after an audited reveal
    "font-src 'self'",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
])
PERMISSIONS = "camera=(), microphone=(), geolocation=(), payment=(), usb=()"


class SecurityHeadersMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault("Content-Security-Policy", POLICY)
        response.headers.setdefault("Permissions-Policy", PERMISSIONS)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            add_never_cache_headers(response)
            response["Cache-Control"] = "no-store, private"
        return response
