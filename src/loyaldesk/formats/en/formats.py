"""English dates for a desk used around the world: ISO order and a 24-hour clock, which no
reader takes for another day, instead of Django's American month/day and a.m./p.m."""

SHORT_DATE_FORMAT = "Y-m-d"
SHORT_DATETIME_FORMAT = "Y-m-d H:i"
