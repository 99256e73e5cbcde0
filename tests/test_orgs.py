import datetime as dt
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from copvn.audit.models import AuditEvent
from copvn.cli import main
from copvn.orgs.loader import OrgFileError
from copvn.orgs.models import Organisation
from copvn.orgs.services import load_file

SEED = Path(__file__).resolve().parent.parent / "copvn" / "orgs" / "data" / "khanh-hoa.json"
HEADER = "code,name,short_name,kind,parent,valid_from,valid_until\n"


def write(tmp_path, name, text):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture
def seeded(db):
    load_file(SEED)


def codes_on(day):
    return set(Organisation.objects.as_of(day).values_list("code", flat=True))


def test_the_seed_reflects_the_2021_structure_of_the_order(seeded):
    on_the_order_date = codes_on(dt.date(2021, 9, 17))
    assert {"stttt-kh", "sldtbxh-kh", "ubnd-tp-nha-trang", "tinh-ninh-thuan", "bo-tttt"} <= on_the_order_date
    assert not {"skhcn-kh", "bao-ptth-kh"} & on_the_order_date
    assert not any(code.startswith("ubnd-xa-") for code in on_the_order_date)


def test_the_seed_reflects_the_2025_reorganisation(seeded):
    after = codes_on(dt.date(2025, 7, 1))
    assert {"skhcn-kh", "snv-kh", "syt-kh", "bao-ptth-kh", "bo-khcn"} <= after
    assert not {"stttt-kh", "bo-tttt", "tinh-ninh-thuan", "ubnd-tp-nha-trang"} & after
    communes = [c for c in after if c.startswith("ubnd-xa-")]
    assert len(communes) == 65
    between = codes_on(dt.date(2025, 6, 30))
    assert "skhcn-kh" in between and "ubnd-tp-nha-trang" in between and "stttt-kh" not in between
    assert Organisation.objects.get(code="stttt-kh").successor.code == "skhcn-kh"


def test_a_json_file_with_a_bad_row_names_its_line_and_changes_nothing(db, tmp_path):
    rows = [
        {"code": "a", "name": "A", "short_name": "A", "kind": "department", "valid_from": "2021-01-01"},
        {"code": "b", "name": "B", "short_name": "B", "kind": "galaxy", "valid_from": "2021-01-01"},
    ]
    path = write(tmp_path, "orgs.json", json.dumps(rows, indent=1))
    with pytest.raises(OrgFileError) as caught:
        load_file(path)
    assert caught.value.problems[0][0] == 9
    assert "unknown kind 'galaxy'" in caught.value.problems[0][1]
    assert Organisation.objects.count() == 0 and AuditEvent.objects.count() == 0


@pytest.mark.parametrize("row, expected", [
    ("x,X,X,department,,2021-13-01,", "valid_from"),
    ("x,X,X,department,,2021-01-01,2020-01-01", "valid_until must be after valid_from"),
    ("x,X,X,department,nowhere,2021-01-01,", "parent 'nowhere' is neither"),
    ("x,,X,department,,2021-01-01,", "name is required"),
    ("x y,X,X,department,,2021-01-01,", "may hold only letters"),
])
def test_a_malformed_csv_row_is_rejected_with_line_and_reason(db, tmp_path, row, expected):
    path = write(tmp_path, "orgs.csv", HEADER + "ok,Đơn vị,OK,department,,2021-01-01,\n" + row + "\n")
    with pytest.raises(OrgFileError) as caught:
        load_file(path)
    assert caught.value.problems[0][0] == 3
    assert expected in caught.value.problems[0][1]
    assert Organisation.objects.count() == 0


def test_a_duplicate_short_name_in_the_same_period_is_refused(db, tmp_path):
    path = write(tmp_path, "o.csv", HEADER + "a,A,SO,department,,2021-01-01,\nb,B,so,department,,2024-01-01,\n")
    with pytest.raises(OrgFileError, match="line 3: short_name 'so' is already used"):
        load_file(path)


def test_a_short_name_may_be_reused_after_the_first_holder_ends(db, tmp_path):
    path = write(tmp_path, "o.csv", HEADER + "a,A,SO,department,,2021-01-01,2025-03-01\nb,B,SO,department,,2025-03-01,\n")
    assert load_file(path).created == 2


def test_a_parent_that_had_expired_is_refused(db, tmp_path):
    path = write(tmp_path, "o.csv", HEADER + "p,P,P,province,,2000-01-01,2020-01-01\nc,C,C,department,p,2021-01-01,\n")
    with pytest.raises(OrgFileError, match="parent 'p' is not in force on 01/01/2021"):
        load_file(path)


def test_a_parent_cycle_is_refused(db, tmp_path):
    path = write(tmp_path, "o.csv", HEADER + "a,A,A,department,b,2021-01-01,\nb,B,B,department,a,2021-01-01,\n")
    with pytest.raises(OrgFileError, match="leads back to itself"):
        load_file(path)


def test_unknown_columns_and_broken_encoding_are_named(db, tmp_path):
    path = write(tmp_path, "o.csv", "code,name,colour\n")
    with pytest.raises(OrgFileError, match="missing column"):
        load_file(path)
    latin = tmp_path / "latin.csv"
    latin.write_bytes((HEADER + "a,Sở Tư pháp,A,department,,2021-01-01,\n").encode("cp1258", errors="replace")
                      .replace(b"\xd3", b"\xff"))
    with pytest.raises(OrgFileError, match="not UTF-8"):
        load_file(latin)


def test_loading_twice_updates_instead_of_duplicating(seeded):
    count = Organisation.objects.count()
    result = load_file(SEED)
    assert result.created == 0 and result.updated == count
    assert Organisation.objects.count() == count


def test_the_cli_prints_each_problem_and_exits_non_zero(db, tmp_path):
    path = write(tmp_path, "o.csv", HEADER + "a,A,A,nope,,2021-01-01,\n")
    result = CliRunner().invoke(main, ["load-orgs", str(path)])
    assert result.exit_code == 1
    assert "o.csv:2: unknown kind 'nope'" in result.stderr
    assert "nothing was changed" in result.stderr
    ok = write(tmp_path, "ok.csv", HEADER + "a,A,A,department,,2021-01-01,\n")
    result = CliRunner().invoke(main, ["load-orgs", str(ok)])
    assert result.exit_code == 0 and json.loads(result.stdout) == {"created": 1, "updated": 0}
    assert AuditEvent.objects.filter(action="orgs.load").count() == 1


def test_scoped_roles_see_only_their_own_organisation_and_units(db, make_org, make_user):
    platform = make_org("zalo", kind="platform")
    other = make_org("meta", kind="platform")
    agency = make_org("so-gd")
    school = make_org("truong-a", kind="school", parent=agency)
    liaison = make_user("platform_liaison", organisation=platform)
    focal = make_user("agency_focal_point", organisation=agency)
    analyst = make_user("analyst")
    assert set(Organisation.objects.visible_to(liaison)) == {platform}
    assert set(Organisation.objects.visible_to(focal)) == {agency, school}
    assert set(Organisation.objects.visible_to(analyst)) >= {platform, other, agency, school}
