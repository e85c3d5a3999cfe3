"""The calendar's words, in English whatever the locale: the one table of month, weekday and
season names. The date reader (checks/dates.py), coverage's span pattern, the suggester's
date reader (curate/spans.py) and the attribution lexicon derive theirs from these."""

from __future__ import annotations

MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)
WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
SEASONS = ("spring", "summer", "autumn", "winter")
SEASON_START = {season: 3 * i for i, season in enumerate(SEASONS, 1)} | {"fall": 9}
"""First month of each season; a season is that month and the two after it. "fall" (also a
verb) is autumn where a reader takes it as a season."""
