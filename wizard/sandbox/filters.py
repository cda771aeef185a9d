"""`filter[ATTRIBUTE]=OPERATOR VALUE` on the Reactor API's list endpoints, as Adobe documents it.

Source: Adobe's guide "Filtering responses in the Reactor API" (Experience League, Tags API guides):
- one query parameter per attribute, `filter[name]=EQ Blog`; several values are comma-separated
  (`EQ a,b` keeps a or b); several attributes are several parameters, all of which must hold;
- operators EQ (exact and case-sensitive), NOT, LT, GT, BETWEEN (two values) and CONTAINS;
- an attribute named twice: only its last filter applies;
- "if the structure of your filters is incorrect, no filters are applied and the full result set
  is returned": no 400, every filter dropped. An attribute the endpoint does not filter on, an
  unknown operator, a missing value or a value that is not of the attribute's type is such a case.
- each endpoint lists its attributes (properties: created_at, enabled, name, platform, updated_at).
Where the guide is silent, the sandbox's choice: CONTAINS ignores case and reads the attribute as
the API writes it; BETWEEN includes both ends; times compare as instants (`2026-01-31` is midnight
UTC); `enabled` takes `true` or `false`.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterable, Mapping
from typing import Any

Predicate = Callable[[Any], bool]
_PARAMETER = re.compile(r"filter\[(.*)\]")
ARITY = {"EQ": None, "NOT": None, "LT": 1, "GT": 1, "BETWEEN": 2}  # values taken; None: one or more


class MalformedFilter(ValueError):
    pass


def instant(text: str) -> dt.datetime:
    """An ISO 8601 date or time as an aware datetime (UTC when it names no zone)."""
    try:
        value = dt.datetime.fromisoformat(text)
    except ValueError:
        raise MalformedFilter(f"not a date or time: {text!r}") from None
    return value if value.tzinfo else value.replace(tzinfo=dt.UTC)


def boolean(text: str) -> bool:
    if text not in ("true", "false"):
        raise MalformedFilter(f"not true or false: {text!r}")
    return text == "true"


def _comparison(operator: str, values: list[Any]) -> Predicate:
    if operator not in ARITY or ARITY[operator] not in (None, len(values)):
        raise MalformedFilter(f"{operator} with {len(values)} values")
    if operator == "EQ":
        return lambda v: v in values
    if operator == "NOT":
        return lambda v: v not in values
    if operator == "LT":
        return lambda v: v < values[0]
    if operator == "GT":
        return lambda v: v > values[0]
    return lambda v: values[0] <= v <= values[1]


def _predicate(text: str, read: Callable[[str], Any]) -> Predicate:
    """What one filter's value (`OPERATOR VALUE[,VALUE...]`) keeps of an attribute whose text
    `read` turns into the type compared (an attribute stored as text is read the same way)."""
    operator, _, rest = text.strip().partition(" ")
    values = [v.strip() for v in rest.split(",")]
    if not all(values):
        raise MalformedFilter("a value is missing")
    if operator == "CONTAINS":
        wanted = [v.lower() for v in values]
        return lambda v: any(w in str(v).lower() for w in wanted)
    compare = _comparison(operator, [read(v) for v in values])
    return lambda v: compare(read(v) if isinstance(v, str) else v)


def parse(query: Iterable[tuple[str, str]],
          attributes: Mapping[str, Callable[[str], Any]]) -> dict[str, Predicate]:
    """The filters in a query string, by attribute: `attributes` names those the endpoint filters
    on and how a value of each is read. Empty when any filter is malformed (Adobe ignores them all)."""
    texts: dict[str, str] = {}
    for key, value in query:
        match = _PARAMETER.fullmatch(key)
        if match:
            texts[match[1]] = value  # the last one for an attribute wins
    try:
        return {name: _predicate(text, attributes[name]) for name, text in texts.items()}
    except (MalformedFilter, KeyError):
        return {}


def keep(items: Iterable[Any], filters: Mapping[str, Predicate],
         value_of: Callable[[Any, str], Any]) -> list[Any]:
    """The items every filter keeps; `value_of(item, attribute)` reads an item's attribute."""
    return [item for item in items
            if all(test(value_of(item, name)) for name, test in filters.items())]
