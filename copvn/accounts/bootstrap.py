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
    user = User.objects.create_user(FIRST_ADMIN, password=password, role="admin", last_name="Quản trị hệ thống")
    record("users.create", obj=user, reason="first administrator created by copvn serve", data={"role": "admin"})
    return FIRST_ADMIN, password
