"""`copvn demo`, continued: every case in the review queue, and a few decisions already made, so that the
analyst finds a queue, the senior analyst a decision to approve, and the auditor a decision log."""

from __future__ import annotations

from copvn.cases.models import Case
from copvn.review import queue
from copvn.review.models import Decision, Queue
from copvn.review.services import DecisionInput, decide

# (category of the case, decision): the oldest open case of that category gets it.
DECISIONS = [
    ("BULLY", DecisionInput(categories=["BULLY"], harmful=True, action="takedown", severity=3,
                            legal_basis="Nghị định 147/2024/NĐ-CP",
                            reason="Bài đăng chế giễu, lăng mạ một học sinh cụ thể; đề nghị nền tảng gỡ bỏ.")),
    ("GAMB", DecisionInput(categories=["GAMB"], harmful=True, action="monitor", severity=2,
                           reason="Kênh quảng cáo game đổi thưởng nhắm tới học sinh; theo dõi thêm trước khi yêu cầu.")),
    ("HATE", DecisionInput(categories=[], harmful=False, action="none", severity=1,
                           reason="Bài báo đưa tin về kỳ thị, không kích động; không vi phạm.")),
]


def add_review(analyst, senior) -> None:
    for case in Case.objects.open():
        queue.refresh(case)
    csam = Queue.objects.filter(code="csam").first()
    if csam is not None:
        csam.cleared_users.add(senior)
    if Decision.objects.exists():
        return
    for code, choice in DECISIONS:
        case = Case.objects.open().filter(categories__code=code).order_by("received_at").first()
        if case is not None and not case.decisions.exists():
            decide(case, analyst, choice)
