"""The English catalogue is complete: every message the code and the templates can show,
extracted the way `make extract-messages` does, has an English translation."""
import re
from pathlib import Path

from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parent.parent
CATALOGUE = ROOT / "kb" / "translations" / "en" / "LC_MESSAGES" / "messages.po"


def _keywords() -> dict:
    """Babel's keywords plus those the Makefile's extraction adds (`-k name`)."""
    makefile = (ROOT / "Makefile").read_text()
    line = next(line for line in makefile.splitlines() if "pybabel extract" in line)
    return {**DEFAULT_KEYWORDS, **{name: None for name in re.findall(r"-k (\w+)", line)}}


def _messages() -> dict[str, str]:
    """Every message id in the code and templates, with where it is."""
    with open(ROOT / "babel.cfg") as handle:
        method_map, options_map = parse_mapping_cfg(handle)
    found = {}
    for filename, lineno, message, _comments, _context in extract_from_dir(
            ROOT, method_map, options_map, keywords=_keywords()):
        msgid = message[0] if isinstance(message, tuple) else message  # plurals: singular
        if msgid:
            found.setdefault(msgid, f"{filename}:{lineno}")
    return found


def test_every_message_has_an_english_translation():
    with open(CATALOGUE, "rb") as handle:
        catalogue = read_po(handle, locale="en")
    missing = []
    for msgid, where in _messages().items():
        entry = catalogue.get(msgid)
        strings = entry.string if entry is not None else ""
        strings = strings if isinstance(strings, tuple) else (strings,)
        if entry is None or entry.fuzzy or not all(strings):
            missing.append(f"{where}: {msgid[:60]}")
    assert missing == []


def test_the_extraction_knows_the_lazy_alias():
    assert {"lazy_gettext", "_l"} <= set(_keywords())
