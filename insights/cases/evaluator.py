"""The alert-rule evaluator: pure functions over plain data, no database.

`facts.py` turns a stored response into `ResponseFacts` and the active rules into `RuleSpec`s;
`rule_sql.py` says the same conditions as a database filter for the back catalogue. This
module is the definition of what a condition means.

Text is compared case-insensitively by `str.casefold`, as substrings: no word boundaries, so
that a phrase matches inside Chinese or Persian text, which does not separate words by
spaces the way English or Polish does.
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from .constants import ConditionKind, MatchMode, NumberOperator, ScoreTarget, TextOperator

CX_TYPES = frozenset({"cx_needs", "cx_ease", "cx_emotion"})


@dataclass(frozen=True)
class AnswerFact:
    question_id: int
    question_type: str
    number: int | None = None
    choice_value: str | None = None
    text: str = ""


@dataclass(frozen=True)
class ResponseFacts:
    response_id: int
    survey_id: int
    survey_kind: str
    touch_point_id: int | None = None
    account_id: int | None = None
    answers: tuple[AnswerFact, ...] = ()
    # The event's attributes, overlaid by the response's own copy (technician, channel...).
    attributes: Mapping[str, Any] = field(default_factory=dict)
    quadrant: str | None = None
    billed: Decimal | None = None
    forecast: Decimal | None = None


@dataclass(frozen=True)
class ConditionSpec:
    kind: str
    survey_id: int | None = None
    survey_kind: str = ""
    touch_point_id: int | None = None
    question_id: int | None = None
    score_target: str = ""
    number_operator: str = ""
    number: int | None = None
    choice_value: str = ""
    attribute: str = ""
    text_operator: str = ""
    text: str = ""
    keywords: tuple[str, ...] = ()  # casefolded, non-empty
    quadrants: frozenset[str] = frozenset()
    amount: Decimal | None = None


@dataclass(frozen=True)
class RuleSpec:
    rule_id: int
    match: str
    conditions: tuple[ConditionSpec, ...]

    @property
    def needs_quadrant(self) -> bool:
        return any(c.kind == ConditionKind.ACCOUNT_QUADRANT for c in self.conditions)

    @property
    def needs_revenue(self) -> bool:
        kinds = {ConditionKind.ACCOUNT_BILLED_ABOVE, ConditionKind.ACCOUNT_FORECAST_ABOVE}
        return any(c.kind in kinds for c in self.conditions)


def normalise_text(text: str) -> str:
    return text.casefold()


def keywords_of(text: str) -> tuple[str, ...]:
    """One word or phrase per line, casefolded, blanks dropped."""
    return tuple(normalise_text(line.strip()) for line in text.splitlines() if line.strip())


_COMPARE = {
    NumberOperator.LT: lambda a, b: a < b,
    NumberOperator.LTE: lambda a, b: a <= b,
    NumberOperator.EQ: lambda a, b: a == b,
    NumberOperator.NE: lambda a, b: a != b,
    NumberOperator.GTE: lambda a, b: a >= b,
    NumberOperator.GT: lambda a, b: a > b,
}


def score_types(target: str) -> frozenset[str]:
    """The question types a score target reads."""
    if target == ScoreTarget.CX_ANY:
        return CX_TYPES
    return frozenset({target})


def _scored_answers(condition: ConditionSpec, facts: ResponseFacts) -> Iterable[AnswerFact]:
    if condition.question_id is not None:
        return (a for a in facts.answers if a.question_id == condition.question_id)
    types = score_types(condition.score_target)
    return (a for a in facts.answers if a.question_type in types)


def _attribute_matches(condition: ConditionSpec, facts: ResponseFacts) -> bool:
    present = condition.attribute in facts.attributes
    value = facts.attributes.get(condition.attribute)
    actual = normalise_text("" if value is None else str(value)).strip()
    wanted = normalise_text(condition.text).strip()
    if condition.text_operator == TextOperator.NOT_EQUALS:
        return not present or actual != wanted
    if not present:
        return False
    if condition.text_operator == TextOperator.CONTAINS:
        return wanted in actual
    return actual == wanted


def condition_matches(condition: ConditionSpec, facts: ResponseFacts) -> bool:  # noqa: C901
    kind = condition.kind
    if kind == ConditionKind.SURVEY:
        return facts.survey_id == condition.survey_id
    if kind == ConditionKind.SURVEY_KIND:
        return facts.survey_kind == condition.survey_kind
    if kind == ConditionKind.TOUCH_POINT:
        return facts.touch_point_id is not None and facts.touch_point_id == condition.touch_point_id
    if kind == ConditionKind.ANSWER_NUMBER:
        compare = _COMPARE[condition.number_operator]
        return any(
            a.number is not None and compare(a.number, condition.number)
            for a in _scored_answers(condition, facts)
        )
    if kind == ConditionKind.ANSWER_CHOICE:
        return any(
            a.choice_value == condition.choice_value
            and (condition.question_id is None or a.question_id == condition.question_id)
            for a in facts.answers
        )
    if kind == ConditionKind.TEXT_CONTAINS:
        texts = [
            normalise_text(a.text)
            for a in facts.answers
            if a.text and (condition.question_id is None or a.question_id == condition.question_id)
        ]
        return any(word in text for text in texts for word in condition.keywords)
    if kind == ConditionKind.EVENT_ATTRIBUTE:
        return _attribute_matches(condition, facts)
    if kind == ConditionKind.ACCOUNT_QUADRANT:
        return facts.quadrant is not None and facts.quadrant in condition.quadrants
    if kind == ConditionKind.ACCOUNT_BILLED_ABOVE:
        return facts.billed is not None and facts.billed > condition.amount
    if kind == ConditionKind.ACCOUNT_FORECAST_ABOVE:
        return facts.forecast is not None and facts.forecast > condition.amount
    raise ValueError(f"unknown condition kind {kind!r}")


def rule_matches(rule: RuleSpec, facts: ResponseFacts) -> bool:
    """All / any of the rule's conditions hold. A rule without conditions matches nothing:
    a half-designed rule must not open a case for every answer."""
    if not rule.conditions:
        return False
    results = (condition_matches(c, facts) for c in rule.conditions)
    return all(results) if rule.match == MatchMode.ALL else any(results)


def rules_matching(rules: Iterable[RuleSpec], facts: ResponseFacts) -> list[RuleSpec]:
    return [rule for rule in rules if rule_matches(rule, facts)]
