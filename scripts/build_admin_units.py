"""Rebuild copvn/detect/data/admin_units.tsv, the gazetteer of Vietnamese administrative units that the
private-information detector uses to recognise home towns and addresses.

Sources (both MIT-licensed):
- units in force from 1 July 2025 (34 provinces, 3,321 communes/wards): the thanglequoc/vietnamese-provinces-
  database JSON kept under the shared data folder (vn-admin-units-2026/);
- units before the 2025 reorganisation (63 provinces, ~700 districts, ~10,000 communes/wards): the dataset
  shipped in the `vietnamadminunits` package on PyPI (tranngocminhhieu/vietnamadminunits), table
  admin_units_legacy.

Usage: python scripts/build_admin_units.py SHARED_DATA_DIR PATH_TO/vietnamadminunits/data/dataset.db
"""

import json
import sqlite3
import sys
import unicodedata
from pathlib import Path

OUT = Path(__file__).resolve().parents[1] / "copvn" / "detect" / "data" / "admin_units.tsv"
HEADER = """# Vietnamese administrative units: level <TAB> era <TAB> unit type <TAB> name
# era: 2025 = in force from 1 July 2025; old = before the 2025 reorganisation.
# Built by scripts/build_admin_units.py from thanglequoc/vietnamese-provinces-database (MIT, (c) 2021 Thang Le Quoc)
# and tranngocminhhieu/vietnamadminunits (MIT, (c) 2025 Tran Ngoc Minh Hieu).
"""


def nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text.strip())


def main(shared: Path, legacy_db: Path) -> None:
    rows = set()
    units = json.loads((shared / "vn-admin-units-2026" / "full_json_generated_data_vn_units.json").read_text("utf-8"))
    for province in units:
        rows.add(("province", "2025", nfc(province["AdministrativeUnitShortName"]), nfc(province["Name"])))
        for ward in province["Wards"]:
            rows.add(("ward", "2025", nfc(ward["AdministrativeUnitShortName"]), nfc(ward["Name"])))
    with sqlite3.connect(legacy_db) as db:
        for full, province, district, ward, district_type, ward_type in db.execute(
                "select province, provinceShort, districtShort, wardShort, districtType, wardType "
                "from admin_units_legacy"):
            rows.add(("province", "old", nfc(full[:-len(province)]), nfc(province)))
            rows.add(("district", "old", nfc(district_type), nfc(district)))
            if ward:
                rows.add(("ward", "old", nfc(ward_type), nfc(ward)))
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(HEADER + "".join("\t".join(r) + "\n" for r in sorted(rows)), encoding="utf-8")
    print(f"{OUT}: {len(rows)} units")


if __name__ == "__main__":
    main(Path(sys.argv[1]), Path(sys.argv[2]))
