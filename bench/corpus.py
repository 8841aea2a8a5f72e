"""A seeded synthetic Dutch corpus in the import format, built from the demo sentences."""
import json
import random
import re
from pathlib import Path

from kb.seed_data import PARTNERS, TAXONOMY

DEMO = Path(__file__).resolve().parent.parent / "kb" / "demo"
MUNICIPALITIES = ["Alphen aan den Rijn", "Hillegom", "Kaag en Braassem", "Katwijk", "Leiden",
                  "Leiderdorp", "Lisse", "Nieuwkoop", "Noordwijk", "Oegstgeest", "Teylingen",
                  "Voorschoten", "Wassenaar", "Zoeterwoude"]


def _sentences() -> dict[str, list[str]]:
    """Sentences per field from the demo examples, to recombine."""
    pools = {"title": [], "summary": [], "body": [], "impact": [], "evidence": []}
    for path in sorted(DEMO.glob("examples-*.json")):
        for record in json.loads(path.read_text(encoding="utf-8")):
            pools["title"].append(record["title"])
            for name in ("summary", "impact", "evidence"):
                pools[name] += re.split(r"(?<=[.!?])\s+", record[name])
            pools["body"] += [p for p in record["body"].split("\n\n") if not p.startswith("#")]
    return pools


def _slugs(kind: str) -> list[str]:
    """The taxonomy slugs of one kind."""
    return [slug for slug, _nl, _en in TAXONOMY[kind]]


def generate(n: int, seed: int = 1) -> list[dict]:
    """n realistic records: recombined Dutch text, taxonomy spread like the demo."""
    rng = random.Random(seed)
    pools = _sentences()
    records = []
    for number in range(n):
        organisation, org_type = rng.choice(PARTNERS)
        title = rng.choice(pools["title"])
        records.append({
            "ref": f"bench-{number}",
            "title": f"{title[:150]} ({number})",
            "summary": " ".join(rng.sample(pools["summary"], 2))[:590],
            "body": "## Aanleiding\n\n" + "\n\n".join(rng.sample(pools["body"], 4))
                    + "\n\n## Wat we leerden\n\n" + rng.choice(pools["body"]),
            "impact": rng.choice(pools["impact"]),
            "evidence": rng.choice(pools["evidence"]),
            "dimensions": rng.sample(_slugs("dimension"), rng.randint(1, 3)),
            "themes": rng.sample(_slugs("theme"), rng.randint(1, 3)),
            "organisation": organisation,
            "organisation_type": org_type,
            "level": rng.choice(_slugs("level")),
            "setting": rng.choice(_slugs("setting")),
            "target_groups": rng.sample(_slugs("target_group"), rng.randint(1, 2)),
            "municipality": rng.choice(MUNICIPALITIES),
            "year": rng.randint(2019, 2025),
        })
    return records


QUERY_WORDS = ["eenzaamheid", "ouderen", "senioren", "mantelzorg", "huisarts", "schulden",
               "geldzorgen", "jongeren", "spinnenweb", "wijk", "bewegen", "dementie",
               "vrijwilligers", "gemeente", "gesprek", "zingeving", "school", "wonen",
               "werk", "impact", "leefstijl", "armoede", "revalidatie", "welzijn"]
# Words a visitor types that the corpus lacks or barely has: with them a query finds too
# few examples with every word and search relaxes (or suggests a near spelling).
ABSENT_WORDS = ["participatiewet", "overgewicht", "taalcafe", "mbo", "statushouders",
                "schuldhulpmaatje", "valpreventie", "rouwverwerking"]


def queries(n: int, seed: int = 2) -> list[dict]:
    """n mixed searches: one to three words (a fifth with a word the corpus lacks, so that
    search relaxes), half with one or two filters, some browsing."""
    rng = random.Random(seed)
    mixed = []
    for _ in range(n):
        params: dict[str, list[str] | str] = {}
        if rng.random() > 0.1:
            words = rng.sample(QUERY_WORDS, rng.randint(1, 3))
            if rng.random() < 0.2:
                words.append(rng.choice(ABSENT_WORDS))
            params["q"] = " ".join(words)
        if rng.random() < 0.5:
            params["theme"] = [rng.choice(_slugs("theme"))]
            if rng.random() < 0.5:
                params["level"] = [rng.choice(_slugs("level"))]
        mixed.append(params)
    return mixed
