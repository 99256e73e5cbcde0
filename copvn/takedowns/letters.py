"""The official letter of a notice (Decree 30 layout, through copvn.documents) and its email text.

The wording is data (data/letters.json), per language and per provider kind (a platform removes; an ISP
blocks access and removes from its hosting). It carries what the Manila Principles ask of a request: the
legal basis, the content's identifiers and description, the issuer, its standing and contact, the exceptions
considered with a good-faith declaration, and how to answer or dispute.
"""

from __future__ import annotations

import functools
import json
from pathlib import Path

from django.utils import timezone

from copvn.documents import Contacts, Document, Paragraph, Signer, Table, build_docx
from copvn.taxonomy.models import Category

from .models import Notice

DATA = Path(__file__).with_name("data") / "letters.json"


@functools.cache
def wording() -> dict:
    return json.loads(DATA.read_text(encoding="utf-8"))


def _when(value, language: str) -> str:
    if value is None:
        return "—"
    local = timezone.localtime(value)
    return local.strftime("%H:%M %d/%m/%Y") if language == "vi" else local.strftime("%H:%M, %d %B %Y")


def _fields(notice: Notice, recipient, language: str, note: str = "") -> dict:
    issuer = notice.issuer
    governing = issuer.parent.name if issuer.parent_id else issuer.name
    names = dict(Category.objects.filter(code__in=notice.categories).values_list("code", "name_en" if language == "en" else "name_vi"))
    contact = "; ".join(p for p in (issuer.address, issuer.phone, issuer.email) if p) or issuer.name
    basis = notice.legal_basis
    return {"issuer": issuer.name, "governing": governing, "provider": notice.provider.name, "recipient": recipient.name,
            "reference": notice.reference, "id": notice.pk, "hours": basis.hours, "note": note,
            "citation": (basis.citation_en or basis.citation) if language == "en" else basis.citation,
            "due": _when(notice.due_at, language), "sent": _when(notice.sent_at, language), "contact": contact,
            "categories": ", ".join(f"{c} – {names.get(c) or c}" for c in notice.categories)}


def build(notice: Notice, kind: str, recipient, *, language: str = "vi", note: str = "") -> bytes:
    words, fields = wording()[language], _fields(notice, recipient, language, note)
    provider_kind = "isp" if notice.provider.kind == "isp" else "platform"
    body = [] if kind == "notice" else [Paragraph(words[kind].format(**fields))]
    body += [Paragraph(words["standing"].format(**fields)), Paragraph(words["found"].format(**fields)), _table(notice, words)]
    if notice.description:
        body.append(Paragraph(notice.description))
    body += [Paragraph(words["request"][provider_kind].format(**fields)), Paragraph(words["exceptions"]),
             Paragraph(words["answer"].format(**fields)), Paragraph(words["contact"].format(**fields))]
    issuer = notice.issuer
    approver = notice.approved_by
    return build_docx(Document(
        issuer=issuer.name.upper(), governing_body=(issuer.parent.name.upper() if issuer.parent_id else ""),
        place=place_of(issuer), date=timezone.localdate(), summary=words["summary"], number="",
        symbol=f"{issuer.short_name}", recipients=[recipient.name], body=body, language=language,
        signer=Signer(authority=words["signer_authority"], position=words["signer_position"],
                      name=approver.get_full_name() if approver else ""),
        copies_to=[c.format(**fields) for c in words["copies"]], archive=f"VT, {issuer.short_name}",
        contacts=Contacts(address=issuer.address, phone=issuer.phone, email=issuer.email)))


def _table(notice: Notice, words: dict) -> Table:
    rows = [[str(i), u.url, u.case.reference or str(u.case_id), u.get_verified_display()]
            for i, u in enumerate(notice.urls.filter(dropped=False).select_related("case"), start=1)]
    return Table(header=words["table"], rows=rows, widths=[12, 95, 30, 28])


def place_of(issuer) -> str:
    """The place name of a document (Decree 30: the place, then the date): the province in the name of the
    issuer or of a body above it ("Sở … tỉnh Khánh Hòa" → "Khánh Hòa"); else the name of the body above it."""
    org = issuer
    while org is not None:
        if "tỉnh " in org.name:
            return org.name.split("tỉnh ", 1)[1].strip()
        org = org.parent
    return (issuer.parent or issuer).name


def email_text(notice: Notice, kind: str, recipient, *, language: str = "vi") -> tuple[str, str]:
    words, fields = wording()[language], _fields(notice, recipient, language)
    urls = "\n".join(f"- {u.url}" for u in notice.urls.filter(dropped=False))
    return words["subject"][kind].format(**fields), words["mail"].format(urls=urls, **fields)
