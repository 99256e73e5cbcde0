"""Typed shapes of the staff API (copvn/review/api.py), from which the OpenAPI document is generated."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from ninja import Field, Schema

STATES = Literal["received", "collecting", "assessing", "coordinating", "closed"]
ACTIONS = Literal["none", "monitor", "takedown", "referral", "both"]


class Problem(Schema):
    detail: dict[str, list[str]] | str


class ItemBrief(Schema):
    id: int
    queue: str
    priority: int
    state: Literal["open", "held", "done"]


class CaseSummary(Schema):
    reference: str
    state: STATES
    state_text: str
    received_at: dt.datetime
    urgent: bool
    urgent_deadline: dt.datetime | None
    categories: list[str]
    platform: str
    queue_item: ItemBrief | None = Field(None, description="The live review item, else the latest one.")


class CasePage(Schema):
    count: int
    limit: int
    offset: int
    items: list[CaseSummary]


class CaseFilter(Schema):
    state: STATES | None = Field(None, description="Only cases at this stage (default: every stage).")
    queue: str | None = Field(None, max_length=40, description="Only cases with a live item in this queue.")
    limit: int = Field(50, ge=1, le=200)
    offset: int = Field(0, ge=0)


class Span(Schema):
    start: int
    end: int
    label: str


class UploadOut(Schema):
    sha256: str
    width: int
    height: int
    bytes_kept: bool


class ReportOut(Schema):
    reference: str
    channel: str
    received_at: dt.datetime
    description: str
    spans: list[Span] = Field(description="What the detectors marked in the description, as on the case page.")
    child_in_danger: bool
    reporter: dict[str, str] | None = Field(description="Name, phone, email; null when anonymous.")
    referring_org: str | None
    external_ref: str
    via_api: str | None = Field(description="The partner organisation whose key sent it.")
    entered_by: str | None
    uploads: list[UploadOut] = Field(description="Hashes only: media is never sent by the API.")


class CaptureOut(Schema):
    status: str
    started_at: dt.datetime
    finished_at: dt.datetime | None
    http_status: int | None
    final_url: str
    title: str
    error: str


class URLOut(Schema):
    url: str = Field(description="As it was reported.")
    canonical: str
    platform: str
    host: str
    provider: str | None
    captures: list[CaptureOut]


class FindingOut(Schema):
    detector: str
    version: str
    source: str
    category_code: str
    score: float
    evidence: dict
    status: Literal["ok", "error"]
    error: str
    found_at: dt.datetime


class ApprovalOut(Schema):
    verdict: Literal["approved", "returned"]
    comment: str
    by: str
    at: dt.datetime


class DecisionOut(Schema):
    id: int
    case: str
    number: int
    supersedes: int | None
    categories: list[str]
    harmful: bool
    action: ACTIONS
    severity: int
    legal_basis: str
    csam_class: str
    age_band: str
    reason: str
    decided_by: str
    decided_at: dt.datetime
    needs_approval: bool
    approval: ApprovalOut | None


class TrailEntry(Schema):
    seq: int
    at: dt.datetime
    actor: str
    action: str
    reason: str


class CaseDetail(CaseSummary):
    summary: str
    reports: list[ReportOut]
    urls: list[URLOut]
    findings: list[FindingOut]
    decisions: list[DecisionOut] = Field(description="Newest first; send the first one's number as seen_number.")
    earlier_decisions: list[DecisionOut] = Field(description="On other cases about the same URL or image.")
    trail: list[TrailEntry]


class Reason(Schema):
    points: int
    code: str
    params: dict


class ItemOut(Schema):
    id: int
    case: str
    queue: str
    priority: int
    priority_reasons: list[Reason]
    state: Literal["open", "held", "done"]
    lease_until: dt.datetime | None


class ClaimIn(Schema):
    queue: str = Field("", max_length=40, description="A queue code; empty: the next item of any queue.")


class DecisionIn(Schema):
    categories: list[str] = Field(default_factory=list, max_length=16, description="Taxonomy codes.")
    harmful: bool
    action: ACTIONS
    reason: str = Field(..., min_length=1, max_length=10_000)
    severity: Literal[1, 2, 3, 4] = 2
    legal_basis: str = Field("", max_length=300)
    csam_class: Literal["", "baseline", "national", "not_illegal"] = ""
    age_band: Literal["", "under_13", "13_15", "16_17"] = ""
    seen_number: int = Field(..., ge=0, description="The newest decision number you saw (0: none).")


class ApprovalIn(Schema):
    approve: bool = Field(description="true approves; false returns it to its analyst (a comment is needed).")
    comment: str = Field("", max_length=2000)


class HoldIn(Schema):
    reason: str = Field(..., min_length=1, max_length=2000)


class AssignIn(Schema):
    username: str = Field("", max_length=150, description="The analyst's user name; empty to unassign.")
