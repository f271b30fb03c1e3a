"""Record, typical case and withdrawal: the three kinds of feed line (CONTRACT "Feeds").

Each model validates exactly what CONTRACT requires. Values are cleaned on the
way in: USCCs normalized, region codes derived from the USCC, ID numbers and
mobile numbers masked. A validated model holds no personal number whole.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal, Self

from pydantic import AfterValidator, AliasChoices, BaseModel, ConfigDict, Field, model_validator

from credit import regions
from credit import uscc as uscc_codes
from credit import vocabulary as vocab
from credit.fields import (
    Day,
    IdNumber,
    Name,
    RegionCode,
    SourceId,
    Text,
    Timestamp,
    Url,
    Uscc,
    fail,
    one_of,
)
from credit.publication import Window

Kind = Annotated[str, AfterValidator(one_of(vocab.KINDS))]
Severity = Annotated[str, AfterValidator(one_of(vocab.SEVERITIES))]
SubjectType = Annotated[str, AfterValidator(one_of(vocab.SUBJECT_TYPES))]
DelistReason = Annotated[str, AfterValidator(one_of(vocab.DELIST_REASONS))]
CaseType = Annotated[str, AfterValidator(one_of(vocab.CASE_TYPES))]


class FeedModel(BaseModel):
    """Unknown fields are errors; `null` and `""` mean the field is absent."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    @model_validator(mode="before")
    @classmethod
    def _drop_empty(cls, data: Any) -> Any:
        if isinstance(data, dict):
            return {k: v for k, v in data.items() if v is not None and v != ""}
        return data


class CreditRecord(FeedModel):
    """One credit record: serious list, dishonest act or good credit."""

    record_id: SourceId
    kind: Kind
    category: str
    severity: Severity | None = None
    subject_type: SubjectType
    subject_name: Name
    uscc: Uscc | None = None
    former_names: tuple[Name, ...] = ()
    legal_representative: Name | None = None
    id_number_masked: IdNumber | None = Field(
        default=None, validation_alias=AliasChoices("id_number", "id_number_masked")
    )
    region_code: RegionCode | None = None
    reason: Text
    legal_basis: Text | None = None
    measures: tuple[Text, ...] = ()
    authority: Name
    decision_no: Name | None = None
    decided_on: Day
    publish_from: Day
    publish_until: Day | None = None
    delisted_on: Day | None = None
    delist_reason: DelistReason | None = None
    source: Name | None = None
    updated_at: Timestamp

    @model_validator(mode="before")
    @classmethod
    def _publish_from_defaults_to_decided_on(cls, data: Any) -> Any:
        if isinstance(data, dict) and data.get("publish_from") in (None, ""):
            data = {**data, "publish_from": data.get("decided_on")}
        return data

    @model_validator(mode="after")
    def _check_across_fields(self) -> Self:
        dishonesty = self.kind in vocab.DISHONESTY_KINDS
        if self.category not in vocab.categories_of(self.kind):
            allowed = ", ".join(vocab.categories_of(self.kind))
            fail(f"该类型下的类别无效，可选值：{allowed} (category not of this kind)", "category")
        if dishonesty and self.severity is None:
            fail("失信信息必须填写严重程度 (severity is required for dishonesty)", "severity")
        if not dishonesty and self.severity is not None:
            fail("守信激励信息不应填写严重程度 (severity is for dishonesty only)", "severity")
        if dishonesty and self.decision_no is None:
            fail("失信信息必须填写决定文书号 (decision_no is required)", "decision_no")
        if dishonesty and self.publish_until is None:
            fail("失信信息必须填写公示截止日期 (publish_until is required)", "publish_until")
        self._check_subject()
        self._check_dates()
        return self

    def _check_subject(self) -> None:
        if self.subject_type in vocab.ORGANIZATION_TYPES:
            if self.uscc is None:
                fail("组织必须填写统一社会信用代码 (uscc is required for organizations)", "uscc")
            if self.region_code is None:
                derived = uscc_codes.region_code_of(self.uscc)
                self.region_code = derived if derived and regions.province_known(derived) else None
        elif self.uscc is not None:
            fail("自然人不应有统一社会信用代码 (individuals have no uscc)", "uscc")
        if self.id_number_masked is not None and self.subject_type != "individual":
            fail("身份证号码仅适用于自然人 (id_number is for individuals only)", "id_number")

    def _check_dates(self) -> None:
        if self.publish_until is not None and self.publish_until < self.publish_from:
            fail(
                "公示截止日期早于公示开始日期 (publish_until is before publish_from)",
                "publish_until",
            )
        if self.delisted_on is not None and self.delist_reason is None:
            fail("填写了移出日期但缺少移出原因 (delist_reason is required)", "delist_reason")
        if self.delist_reason is not None and self.delisted_on is None:
            fail("填写了移出原因但缺少移出日期 (delisted_on is required)", "delisted_on")

    @property
    def window(self) -> Window:
        """The dates the publication rule reads."""
        return Window(self.publish_from, self.publish_until, self.delisted_on)


class TypicalCase(FeedModel):
    """A typical case (典型案例) article."""

    kind: Literal["case"]
    case_id: SourceId
    title: Name
    publishers: tuple[Name, ...] = Field(min_length=1)
    published_on: Day
    case_type: CaseType
    region_code: RegionCode | None = None
    summary: Text | None = None
    facts: Text
    handling: Text
    significance: Text | None = None
    legal_basis: Text | None = None
    tags: tuple[Name, ...] = ()
    related_record_ids: tuple[SourceId, ...] = ()
    source_url: Url | None = None
    updated_at: Timestamp


class Withdrawal(FeedModel):
    """Removes a record (or a case) published in error or revoked."""

    op: Literal["withdraw"]
    record_id: SourceId | None = None
    case_id: SourceId | None = None
    updated_at: Timestamp

    @model_validator(mode="after")
    def _names_exactly_one(self) -> Self:
        if (self.record_id is None) == (self.case_id is None):
            fail("撤回行须填写 record_id 或 case_id 之一 (give record_id or case_id)", "record_id")
        return self


FeedItem = CreditRecord | TypicalCase | Withdrawal
