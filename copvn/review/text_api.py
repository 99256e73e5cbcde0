"""`POST /api/v1/text/classify` (staff tokens, `review.work`): the text pipeline of `copvn classify` for one text
or one conversation — the same JSON as the command line."""

from __future__ import annotations

from ninja import Field, Router, Schema
from ninja.responses import Status

from copvn.detect.text.classify import MAX_CHARS, MAX_MESSAGES

from .api import needs
from .api_schemas import Problem

router = Router(tags=["staff"])


class MessageIn(Schema):
    text: str = Field(..., max_length=MAX_CHARS)
    sender: str = Field("", alias="from", max_length=200)
    time: str = Field("", max_length=40)


class ClassifyIn(Schema):
    text: str = Field("", max_length=MAX_CHARS, description="One text…")
    messages: list[MessageIn] = Field(default_factory=list, max_length=MAX_MESSAGES,
                                      description="…or a conversation, scored as a whole; spans are "
                                                  "[message, start, end].")


@router.post("/text/classify", response={200: dict, 403: Problem, 422: Problem},
             summary="Classify a text or a conversation (abuse label and category findings with spans)",
             **needs("review.work"))
def classify_text(request, body: ClassifyIn):
    from copvn.detect.text.classify import default

    if body.messages and body.text:
        return Status(422, {"detail": "give either text or messages, not both"})
    if body.messages:
        return Status(200, default().classify_thread([m.text for m in body.messages]))
    return Status(200, default().classify(body.text))
