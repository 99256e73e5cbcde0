from django.shortcuts import redirect
from django.urls import reverse

from .second_factor import SESSION_KEY

# Pages a signed-in user may reach before passing the second factor.
OPEN_BEFORE_SECOND_FACTOR = {"accounts:second_factor", "accounts:enrol", "accounts:logout", "set_language", "health"}


class SecondFactorMiddleware:
    """A user whose role sees case content gets nothing until the second factor is passed."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        user = request.user
        if not user.is_authenticated or request.session.get(SESSION_KEY):
            return None
        if not (user.needs_second_factor or user.has_second_factor):
            return None
        match = request.resolver_match
        if match and match.view_name in OPEN_BEFORE_SECOND_FACTOR:
            return None
        target = "accounts:second_factor" if user.has_second_factor else "accounts:enrol"
        return redirect(reverse(target))
