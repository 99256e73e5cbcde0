"""The referral package: what the receiving body needs to act — the case summary, the decision, the evidence
as hashes with its chain of custody — and never the media itself."""

from __future__ import annotations

from django.utils import timezone

from copvn.documents import Document, Heading, Paragraph, Signer, Table, build_docx


def content(case, decision) -> dict:
    from copvn.cases.models import Artefact
    from copvn.intake.models import Upload

    artefacts = Artefact.objects.filter(capture__case_url__case=case).select_related("capture").order_by("captured_at")
    uploads = Upload.objects.filter(report__case=case).order_by("pk")
    return {
        "case": case.reference, "received_at": timezone.localtime(case.received_at).isoformat(), "summary": case.summary,
        "urls": [u.canonical for u in case.urls.all()],
        "decision": None if decision is None else {
            "number": decision.number, "categories": decision.categories, "action": decision.action,
            "severity": decision.severity, "csam_class": decision.csam_class, "age_band": decision.age_band,
            "reason": decision.reason, "decided_by": decision.decided_by.get_full_name(),
            "decided_at": timezone.localtime(decision.decided_at).isoformat()},
        "evidence": [{"kind": a.kind, "sha256": a.sha256, "md5": a.md5, "size": a.size, "source": a.source_url,
                      "captured_at": timezone.localtime(a.captured_at).isoformat(), "component": a.component}
                     for a in artefacts]
        + [{"kind": "upload", "sha256": u.sha256, "md5": u.md5, "size": u.size, "source": "report",
            "captured_at": timezone.localtime(u.received_at).isoformat(),
            "component": "copvn.intake"} for u in uploads],
    }


def build(referral, data: dict) -> bytes:
    from copvn.takedowns.letters import place_of
    from copvn.takedowns.services import issuer_for

    issuer = issuer_for(referral.created_by)  # the sender's department, else the lead department
    decision = data["decision"] or {}
    rows = [[str(i), e["kind"], e["sha256"], e["captured_at"][:19].replace("T", " "), e["component"]]
            for i, e in enumerate(data["evidence"], start=1)]
    body = [
        Heading("Thông tin vụ việc"),
        Paragraph(f"Số hồ sơ: {data['case']}; tiếp nhận lúc {data['received_at'][:16].replace('T', ' ')}."),
        Paragraph(f"Tóm tắt: {data['summary'] or '—'}"),
        Paragraph("Địa chỉ nội dung: " + ("; ".join(data["urls"]) or "—")),
        Heading("Quyết định đánh giá"),
        Paragraph(f"Danh mục: {', '.join(decision.get('categories', [])) or '—'}; mức độ {decision.get('severity', '—')}; "
                  f"người quyết định: {decision.get('decided_by', '—')}."),
        Paragraph(f"Lý do: {decision.get('reason', '—')}"),
        Heading("Chứng cứ (chỉ mã băm, không kèm nội dung)"),
        Table(header=["STT", "Loại", "SHA-256", "Thời điểm thu thập", "Thành phần"], rows=rows or [["—"] * 5],
              widths=[10, 20, 75, 30, 30]),
        Paragraph(f"Mã băm SHA-256 của toàn bộ phiếu: {referral.package_sha256}."),
    ]
    return build_docx(Document(
        issuer=issuer.name.upper(), governing_body=issuer.parent.name.upper() if issuer.parent_id else "",
        place=place_of(issuer), date=timezone.localdate(), kind="PHIẾU CHUYỂN", summary=f"Hồ sơ vụ việc {data['case']}",
        recipients=[referral.organisation.name], body=body, symbol=issuer.short_name,
        signer=Signer(position="NGƯỜI CHUYỂN", name=referral.created_by.get_full_name() if referral.created_by else ""),
        copies_to=["Như trên;"]))
