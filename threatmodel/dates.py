"""Reading a calendar date from a parsed document: the model's and the decisions file's.

YAML gives a `date` for `2026-06-01`; JSON gives the text. Both files mean a day, so a
value with a time, a day the calendar does not have or any other spelling is refused.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import Any

ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}\Z")


def read_date(value: Any) -> date:
    """The day `value` states.

    Raises ValueError saying why a date-like value is not a day ("'2026-02-30' is not a
    valid date"), and TypeError("expected a date (YYYY-MM-DD)") for anything else, which
    the caller completes with its own description of the value.
    """
    if isinstance(value, datetime):
        raise ValueError(f"expected a date (YYYY-MM-DD) without a time, got {value}")
    if isinstance(value, date):
        return value
    if isinstance(value, str) and ISO_DATE.match(value):
        try:
            return date.fromisoformat(value)
        except ValueError:
            raise ValueError(f"'{value}' is not a valid date") from None
    raise TypeError("expected a date (YYYY-MM-DD)")
