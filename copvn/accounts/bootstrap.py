from django.db import transaction

from copvn.audit.services import record

from .models import User
from .services import generated_password

FIRST_ADMIN = "quantri"


@transaction.atomic
def ensure_first_admin() -> tuple[str, str] | None:
    """Create the first administrator when there are no users; returns (username, password) once."""
    if User.objects.exists():
        return None
    password = generated_password()
    user = User.objects.create_user(FIRST_ADMIN, password=password, role="admin", last_name="Quản trị hệ thống",
                                    must_change_password=True)
    record("users.create", obj=user, reason="first administrator created by copvn serve", data={"role": "admin"})
    return FIRST_ADMIN, password


@transaction.atomic
def create_admin(username: str, password: str, family: str = "", given: str = "") -> User:
    """An administrator with a password of their choosing (`copvn createadmin`): nothing is printed or logged."""
    from django.contrib.auth.password_validation import validate_password

    user = User(username=username, role="admin", last_name=family, first_name=given)
    validate_password(password, user)
    user.set_password(password)
    user.save()
    record("users.create", obj=user, reason="administrator created by copvn createadmin", data={"role": "admin"})
    return user
