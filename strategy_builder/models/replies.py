"""The manifest of a folder of replies to ministries (``build/replies/NNN/manifest.json``)."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

REPLIES_FORMAT = 1
"""Bumped when the manifest's shape changes incompatibly; older manifests are then treated as absent."""


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid")


class ReplyEntry(_Model):
    """One ministry's reply about one partner's strategy."""

    partner: str
    partner_name: str
    ministry: str
    file: str = Field(description="The response to comments (.docx) inside the folder")
    docx_sha256: str
    redline_file: str | None = Field(description="The redline from the draft the ministry commented on to the new "
                                                 "draft (.docx, under redlines/); null when there is none")
    redline_sha256: str | None
    commented_drafts: list[int] = Field(description="The drafts whose comments the reply answers")
    redline_from: int | None = Field(description="The draft the redline starts from (the latest commented on)")
    rows: list[str] = Field(description="Register row IDs answered, in the order of the reply's table")
    dispositions: dict[str, int] = Field(description="Rows by disposition (open, accepted, ...)")


class RepliesManifest(_Model):
    """What a folder of replies contains and what it was made from."""

    format: int = REPLIES_FORMAT
    tool: str = "strategy-builder"
    series: Literal["replies"] = "replies"
    tool_version: str
    number: int = Field(description="The folder's number (build/replies/NNN)")
    to_draft: int = Field(description="The draft the replies accompany")
    issued: str = Field(description="The replies' date: the issue date of that draft")
    consultation_round: int
    register_file: str
    register_sha256: str
    fingerprint: str = Field(description="sha256 over what the replies are made from; equal means nothing changed")
    ministries: list[str] = Field(description="The ministries asked for (empty: every ministry of the register)")
    replies: list[ReplyEntry]
