from django.contrib import messages
from django.contrib.auth import logout
from django.shortcuts import redirect
from django.urls import reverse

from .second_factor import SESSION_KEY

# Pages a signed-in user may reach before passing the second factor.
OPEN_BEFORE_SECOND_FACTOR = {"accounts:second_factor", "accounts:enrol", "accounts:logout", "set_language", "health"}
# Pages a user whose password an administrator chose may reach before choosing their own.
OPEN_BEFORE_PASSWORD_CHANGE = {"accounts:password", "accounts:logout", "set_language", "health"}


class SecondFactorMiddleware:
    """A locked account is signed out everywhere; a user whose role sees case content gets nothing until the
    second factor is passed; a password an administrator chose must be replaced before anything else."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        user = request.user
        if not user.is_authenticated:
            return None
        if user.locked_at:  # locked after wrong codes: every session of the account ends
            from .views import LOCKED

            logout(request)
            messages.error(request, LOCKED)
            return redirect(reverse("accounts:login"))
        match = request.resolver_match
        if request.session.get(SESSION_KEY) or not (user.needs_second_factor or user.has_second_factor):
            if user.must_change_password and not (match and match.view_name in OPEN_BEFORE_PASSWORD_CHANGE):
                return redirect(reverse("accounts:password"))
            return None
        if match and match.view_name in OPEN_BEFORE_SECOND_FACTOR:
            return None
        target = "accounts:second_factor" if user.has_second_factor else "accounts:enrol"
        return redirect(reverse(target))
