"""The password policy's word checks: the commonest passwords, the site's name, the
person's own name and address. The list of common passwords is the 30,000 of zxcvbn
(Dropbox's password strength estimator, MIT licence; in Python the `zxcvbn` package):
the passwords seen most often in leaked password lists."""
import functools
import re

SITE_NAME = "praktijkbank"
MIN_PART = 4  # shorter parts of a name or address ("jan", "nl") are in too many passwords
MIN_CORE = 4  # a common password with digits or signs around it ("welkom2026!") counts
WORD_PARTS = re.compile(r"[^\W\d_]+|\d+")  # runs of letters, runs of digits
EDGES = re.compile(r"^[\W\d_]+|[\W\d_]+$")  # digits and signs at the start or the end


@functools.cache
def common_passwords() -> frozenset[str]:
    """The common passwords, lowercased (read once per process: about 30,000 words)."""
    from zxcvbn.frequency_lists import FREQUENCY_LISTS
    return frozenset(word.lower() for word in FREQUENCY_LISTS["passwords"])


def personal_parts(email: str, name: str) -> set[str]:
    """The parts of a person's address (before the @) and name a password may not
    contain: the whole local part and each run of letters or digits, of 4 characters or
    more, lowercased."""
    local = (email or "").rpartition("@")[0] or (email or "")
    parts = {local.lower()} | {part.lower() for text in (local, name or "")
                               for part in WORD_PARTS.findall(text)}
    return {part for part in parts if len(part) >= MIN_PART}


def is_common(password: str) -> bool:
    """A common password, as typed (any case) or with digits and signs around it."""
    common = common_passwords()
    lowered = password.lower()
    core = EDGES.sub("", lowered)
    return lowered in common or (len(core) >= MIN_CORE and core in common)


def refusal(password: str, email: str = "", name: str = "") -> str | None:
    """Why a password is too easy to guess ("common", "site" or "person"), or None."""
    lowered = password.lower()
    if is_common(password):
        return "common"
    if SITE_NAME in lowered:
        return "site"
    if any(part in lowered for part in personal_parts(email, name)):
        return "person"
    return None
