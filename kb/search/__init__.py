"""Search: the only package that imports Whoosh. Schema and analysis, the indexer, queries."""
import whoosh

WHOOSH_DISTRIBUTION = "3.54.0"  # whoosh3, pinned exactly in setup.cfg (see DESIGN.md)


class WrongWhoosh(RuntimeError):
    """Another distribution overwrote the whoosh package."""


def check_whoosh() -> None:
    """Refuse to start with any whoosh but the pinned whoosh3."""
    found = whoosh.versionstring()
    if found != WHOOSH_DISTRIBUTION:
        raise WrongWhoosh(f"whoosh {found} is installed; Praktijkbank needs whoosh3 "
                          f"{WHOOSH_DISTRIBUTION} (pip install whoosh3=={WHOOSH_DISTRIBUTION})")
