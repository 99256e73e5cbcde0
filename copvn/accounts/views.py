from django.contrib import messages
from django.contrib.auth import authenticate
from django.contrib.auth.forms import PasswordChangeForm
from django.db.models import Q, Value
from django.db.models.functions import Concat
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from copvn.core.access import public, requires
from copvn.core.filters import text_param
from copvn.core.paging import page_of

from . import second_factor, services
from .forms import CodeForm, LoginForm, UserForm
from .models import User
from .roles import ROLES

ENROL_SESSION_KEY = "copvn_enrol_secret"


LOCKED = gettext_lazy("Tài khoản đang bị tạm khóa vì mã xác thực bị nhập sai nhiều lần. Hãy liên hệ quản trị hệ "
                      "thống để mở khóa.")


def _next_url(request) -> str:
    target = request.POST.get("next") or request.GET.get("next") or "/"
    return target if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}) else "/"


def _throttled_page(request, form, template):
    messages.error(request, _("Quá nhiều lần đăng nhập không thành công. Vui lòng thử lại sau ít phút."))
    return render(request, template, {"form": form, "next": _next_url(request)}, status=429)


@public
@require_http_methods(["GET", "POST"])
def login_view(request):
    form = LoginForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        username = form.cleaned_data["username"]
        if services.is_throttled(request, username):
            return _throttled_page(request, form, "accounts/login.html")
        user = authenticate(request, username=username, password=form.cleaned_data["password"])
        if user is None or not user.role:
            services.note_failure(request, username, "password")
            form.add_error(None, _("Tên đăng nhập hoặc mật khẩu không đúng."))
        elif user.locked_at:
            form.add_error(None, LOCKED)
        else:
            services.sign_in(request, user)
            return redirect(_next_url(request))
    return render(request, "accounts/login.html", {"form": form, "next": _next_url(request)})


@public
@require_http_methods(["GET", "POST"])
def second_factor_view(request):
    user = request.user
    if not user.is_authenticated:
        return redirect("accounts:login")
    if not user.has_second_factor:
        return redirect("accounts:enrol")
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if services.is_throttled(request, user.username):
            return _throttled_page(request, form, "accounts/second_factor.html")
        if second_factor.confirm(user, form.cleaned_data["code"]):
            services.pass_second_factor(request, user)
            return redirect(_next_url(request))
        if services.note_code_failure(request, user, "second_factor"):
            services.sign_out(request)
            messages.error(request, LOCKED)
            return redirect("accounts:login")
        form.add_error("code", _("Mã không đúng hoặc đã được dùng. Hãy nhập mã mới trên ứng dụng xác thực."))
    return render(request, "accounts/second_factor.html", {"form": form, "next": _next_url(request)})


@public
@require_http_methods(["GET", "POST"])
def enrol_view(request):
    user = request.user
    if not user.is_authenticated:
        return redirect("accounts:login")
    if user.has_second_factor:
        return redirect("accounts:second_factor")
    secret = request.session.get(ENROL_SESSION_KEY) or second_factor.new_secret()
    request.session[ENROL_SESSION_KEY] = secret
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if services.is_throttled(request, user.username):
            return _throttled_page(request, form, "accounts/enrol.html")
        if services.enrol_second_factor(request, user, secret, form.cleaned_data["code"]):
            del request.session[ENROL_SESSION_KEY]
            services.pass_second_factor(request, user)
            messages.success(request, _("Đã bật xác thực hai lớp."))
            return redirect("/")
        services.note_failure(request, user.username, "enrolment")
        form.add_error("code", _("Mã không đúng. Kiểm tra giờ trên điện thoại và thử lại."))
    uri = second_factor.provisioning_uri(user, secret)
    context = {"form": form, "secret": secret, "qr": second_factor.qr_svg(uri), "uri": uri}
    return render(request, "accounts/enrol.html", context)


@public
@require_POST
def logout_view(request):
    services.sign_out(request)
    return redirect("accounts:login")


@requires("users.manage")
def user_list(request):
    users = User.objects.select_related("organisation").order_by("username")
    role = text_param(request, "role")
    if role in ROLES:
        users = users.filter(role=role)
    query = text_param(request, "q")
    if query:
        full_name = Concat("last_name", Value(" "), "first_name")  # Vietnamese order: "Trương Công Hải"
        users = users.alias(full_name=full_name).filter(Q(username__icontains=query) | Q(full_name__icontains=query))
    page, pager_query = page_of(request, users)
    return render(request, "accounts/user_list.html", {"page": page, "query": pager_query, "roles": ROLES.values(), "role": role, "q": query})


@requires("users.manage")
@require_http_methods(["GET", "POST"])
def user_create(request):
    form = UserForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        user, password = services.create_user(request, form)
        return render(request, "accounts/password_once.html", {"target": user, "password": password})
    return render(request, "accounts/user_form.html", {"form": form, "creating": True})


@requires("users.manage")
@require_http_methods(["GET", "POST"])
def user_edit(request, pk):
    target = get_object_or_404(User, pk=pk)
    form = UserForm(request.POST or None, instance=target)
    if request.method == "POST" and form.is_valid():
        services.update_user(request, form)
        messages.success(request, _("Đã lưu thay đổi."))
        return redirect("accounts:user_list")
    return render(request, "accounts/user_form.html", {"form": form, "target": target})


@requires("users.manage")
@require_POST
def user_reset(request, pk):
    target = get_object_or_404(User, pk=pk)
    reason = request.POST.get("reason", "").strip()
    if not reason:
        messages.error(request, _("Cần ghi lý do."))
        return redirect("accounts:user_edit", pk=pk)
    if request.POST.get("what") == "password":
        password = services.reset_password(request, target, reason)
        return render(request, "accounts/password_once.html", {"target": target, "password": password})
    if request.POST.get("what") == "unlock":
        services.unlock(request, target, reason)
        messages.success(request, _("Đã mở khóa tài khoản."))
        return redirect("accounts:user_edit", pk=pk)
    services.reset_second_factor(request, target, reason)
    messages.success(request, _("Đã hủy xác thực hai lớp; người dùng sẽ đăng ký lại ở lần đăng nhập tới."))
    return redirect("accounts:user_edit", pk=pk)


@requires("account.own")
@require_http_methods(["GET", "POST"])
def password_change(request):
    """Every user changes their own password; one an administrator chose must be changed first."""
    form = PasswordChangeForm(request.user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.change_password(request, request.user, form.cleaned_data["new_password1"])
        messages.success(request, _("Đã đổi mật khẩu."))
        return redirect("/")
    return render(request, "accounts/password_change.html", {"form": form})
