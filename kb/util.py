"""Small helpers shared across layers."""
import datetime as dt
import re
import unicodedata


def utcnow() -> dt.datetime:
    """The current time, timezone-aware in UTC."""
    return dt.datetime.now(dt.timezone.utc)


def slugify(text: str, max_length: int = 80) -> str:
    """A lowercase ASCII slug: 'Zorg & Welzijn' -> 'zorg-welzijn'."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    if len(slug) > max_length:  # cut at a word boundary where there is one
        cut = slug[:max_length + 1]
        slug = cut[:cut.rfind("-")] if "-" in cut else slug[:max_length]
    return slug.strip("-") or "item"
