"""Small helpers shared across layers."""
import datetime as dt
import re

from slugify import slugify as make_slug


def utcnow() -> dt.datetime:
    """The current time, timezone-aware in UTC."""
    return dt.datetime.now(dt.timezone.utc)


def slugify(text: str, max_length: int = 80) -> str:
    """A lowercase ASCII slug, letters transliterated: 'Zorg & Welzijn' -> 'zorg-welzijn',
    'Ørsted' -> 'orsted', 'Straße' -> 'strasse'."""
    slug = make_slug(text)
    if len(slug) > max_length:  # cut at a word boundary where there is one
        cut = slug[:max_length + 1]
        slug = cut[:cut.rfind("-")] if "-" in cut else slug[:max_length]
    return slug.strip("-") or "item"


MAX_ID = 2**31 - 1  # the largest id a database key holds (PostgreSQL integer)
ASCII_NUMBER = re.compile(r"[0-9]{1,18}")


def parse_int(text, low: int = 0, high: int = MAX_ID) -> int | None:
    """A whole number written in ASCII digits within [low, high], else None.

    str.isdigit() accepts digits such as '²' that int() refuses, and ids beyond the
    database's integer range fail inside the database: both are refused here.
    """
    text = text.strip() if isinstance(text, str) else str(text if text is not None else "")
    if not ASCII_NUMBER.fullmatch(text):
        return None
    value = int(text)
    return value if low <= value <= high else None


def parse_id(text) -> int | None:
    """A database id (1 to MAX_ID) from text, else None."""
    return parse_int(text, 1, MAX_ID)


def file_size(size: int) -> str:
    """A file's size as people read it: "340 kB", "1,2 MB" (in the current language)."""
    from flask_babel import format_decimal
    if size < 1_000_000:
        return f"{format_decimal(max(1, round(size / 1000)))} kB"
    return f"{format_decimal(round(size / 1_000_000, 1))} MB"


def duration(seconds: int) -> str:
    """A length of time in words of the current language, in the largest unit that gives a
    whole number ("1 uur", "7 dagen", "90 minuten"): a mail never rounds a link's life up."""
    from babel.units import format_unit
    from flask_babel import get_locale
    for unit, size in (("day", 86400), ("hour", 3600), ("minute", 60)):
        if seconds >= size and seconds % size == 0:
            return format_unit(seconds // size, f"duration-{unit}", locale=get_locale())
    return format_unit(seconds, "duration-second", locale=get_locale())


def shorten(text: str, limit: int = 160) -> str:
    """The text on one line, at most `limit` characters, cut between words (a page's
    meta description)."""
    text = " ".join(str(text or "").split())
    if len(text) <= limit:
        return text
    return text[:limit - 1].rsplit(" ", 1)[0].rstrip(",;:") + "…"
