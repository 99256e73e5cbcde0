"""Official documents in the Decree 30/2020/NĐ-CP layout: one builder for takedown letters, referral
packages, consent forms and periodic reports. Plain Python (no Django), so every app can use it.

    doc = Document(issuer="SỞ KHOA HỌC VÀ CÔNG NGHỆ", place="Khánh Hòa", date=date.today(), summary="…")
    result = render(doc)          # result.files["docx"], result.files["pdf"], result.errors
"""

from .builder import build_docx
from .decree30 import DEFAULT_PROFILE, PROFILES, RULES, Margins, Profile, Rule, TextStyle
from .model import LETTER, URGENCY_MARKS, Block, Bullet, Contacts, Document, Heading, Paragraph, Signer, Table
from .pdf import PACKAGE, ConversionFailed, pdf_available, to_pdf
from .render import FORMATS, MEDIA_TYPES, Rendered, render

__all__ = [
    "DEFAULT_PROFILE", "FORMATS", "LETTER", "MEDIA_TYPES", "PACKAGE", "PROFILES", "RULES", "URGENCY_MARKS",
    "Block", "Bullet", "Contacts", "ConversionFailed", "Document", "Heading", "Margins", "Paragraph", "Profile",
    "Rendered", "Rule", "Signer", "Table", "TextStyle", "build_docx", "pdf_available", "render", "to_pdf",
]
