"""`copvn demo`: a realistic province, one user per role and a few weeks of reports, so that a newcomer can
click through and every role finds work (the reports and cases are in `demo_cases.py`)."""

from __future__ import annotations

from pathlib import Path

import pyotp
from django.db import transaction
from django.utils import timezone

from copvn.audit.services import record
from copvn.orgs.models import Organisation
from copvn.orgs.services import load_file

from .demo_cases import add_cases
from .demo_review import add_review
from .models import User
from .roles import ROLES
from .second_factor import new_secret, provisioning_uri
from .services import generated_password

SEED = Path(__file__).resolve().parent.parent / "orgs" / "data" / "khanh-hoa.json"

# role -> (username, family and middle names, given name, organisation code)
PEOPLE = {
    "intake_officer": ("tiepnhan", "Nguyễn Thị", "Hoa", "trung-tam-tiep-nhan-kh"),
    "analyst": ("phantich", "Trần Văn", "Minh", "trung-tam-tiep-nhan-kh"),
    "senior_analyst": ("phantichchinh", "Lê Thị", "Thu", "trung-tam-tiep-nhan-kh"),
    "legal_officer": ("phapche", "Phạm Quốc", "Bảo", "skhcn-kh"),
    "police_liaison": ("congan", "Võ Đức", "Thắng", "pa05-kh"),
    "child_services_liaison": ("baovetreem", "Đặng Thị", "Lan", "tong-dai-111"),
    "agency_focal_point": ("sogiaoduc", "Huỳnh Văn", "Nam", "sgddt-kh"),
    "press_editor": ("bientap", "Bùi Thị", "Ngọc", "bao-ptth-kh"),
    "platform_liaison": ("nentang", "Ngô Minh", "Khoa", "vng-zalo"),
    "lead_officer": ("sochutri", "Phan Thị", "Mai", "skhcn-kh"),
    "auditor": ("kiemtoan", "Đỗ Thanh", "Tâm", "stp-kh"),
    "admin": ("quantri", "Trương Công", "Hải", "skhcn-kh"),
}


class DemoRefused(Exception):
    pass


def fill(force: bool = False) -> list[dict]:
    if User.objects.exists() and not force:
        raise DemoRefused("the database already has users; copvn demo fills an empty database (use --force to add)")
    if not Organisation.objects.filter(code="tinh-khanh-hoa").exists():
        load_file(SEED)
    with transaction.atomic():
        rows = [_person(role) for role in ROLES]
        add_cases(User.objects.get(username=PEOPLE["intake_officer"][0]))
        add_review(User.objects.get(username=PEOPLE["analyst"][0]),
                   User.objects.get(username=PEOPLE["senior_analyst"][0]))
        from copvn.takedowns.demo import add_takedowns

        add_takedowns(*(User.objects.get(username=PEOPLE[role][0]) for role in ("analyst", "senior_analyst",
                                                                                "legal_officer")))
        from copvn.monitoring.demo import add_monitoring

        add_monitoring(User.objects.get(username=PEOPLE["analyst"][0]))
        rows += [_person(role, person) for role, person in MORE_PEOPLE]
        from copvn.reporting.demo import add_coordination

        by_org = {u.organisation.code: u for u in User.objects.select_related("organisation").filter(
            role__in=("agency_focal_point", "press_editor", "police_liaison", "child_services_liaison"))}
        add_coordination(User.objects.get(username=PEOPLE["lead_officer"][0]), by_org)
    return rows


# More people of a role, so that each kind of agency finds its own work (the Front, a commune).
MORE_PEOPLE = [
    ("agency_focal_point", ("mattran", "Lương Thị", "Hạnh", "mttq-kh")),
    ("agency_focal_point", ("phuongnhatrang", "Hồ Văn", "Tài", "ubnd-xa-22366")),
]


def _person(role: str, person: tuple | None = None) -> dict:
    username, family, given, org_code = person or PEOPLE[role]
    password = generated_password()
    user, _created = User.objects.update_or_create(
        username=username,
        defaults={"role": role, "last_name": family, "first_name": given,
                  "organisation": Organisation.objects.get(code=org_code), "is_active": True},
    )
    user.set_password(password)
    row = {"role": role, "username": username, "password": password, "organisation": org_code}
    if ROLES[role].needs_second_factor:
        user.totp_secret, user.totp_confirmed_at, user.totp_last_step = new_secret(), timezone.now(), 0
        row["totp_secret"] = user.totp_secret
        row["totp_uri"] = provisioning_uri(user, user.totp_secret)
        row["totp_now"] = pyotp.TOTP(user.totp_secret).now()
    user.save()
    record("users.create", obj=user, reason="copvn demo", data={"role": role})
    return row
