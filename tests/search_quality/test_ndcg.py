"""Search quality on the demo collection: nDCG@10 over our own judged queries."""
import json
import math
from pathlib import Path

import pytest
from werkzeug.datastructures import MultiDict

from kb.services import search as search_service

JUDGMENTS = json.loads((Path(__file__).parent / "judgments.json").read_text(encoding="utf-8"))
FLOOR = 0.82  # measured 0.878; a drop below means a ranking regression


def dcg(gains: list[float]) -> float:
    """Discounted cumulative gain of a ranked list of grades."""
    return sum(gain / math.log2(rank + 2) for rank, gain in enumerate(gains))


def ndcg_at_10(query: str, relevant: dict[str, int]) -> float:
    """nDCG@10 of one query against its judged grades, as the search page answers it."""
    page = search_service.search(search_service.parse_request(
        MultiDict({"q": query, "per_page": "10"})))
    gains = [relevant.get(example.ref, 0) for example, _ in page.examples]
    return dcg(gains) / dcg(sorted(relevant.values(), reverse=True)[:10])


def test_judged_queries_rank_relevant_examples_first(app, runner):
    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("postgresql"):
        pytest.skip("ranking does not depend on the database; measured once, on SQLite")
    assert runner.invoke(args=["demo"]).exit_code == 0
    with app.test_request_context():
        scores = {j["query"]: ndcg_at_10(j["query"], j["relevant"]) for j in JUDGMENTS}
    mean = sum(scores.values()) / len(scores)
    print(f"\nnDCG@10 over {len(scores)} judged queries: {mean:.3f}")
    for query, score in sorted(scores.items(), key=lambda item: item[1])[:5]:
        print(f"  weakest: {score:.2f} {query}")
    assert mean >= FLOOR
