"""Search quality on the demo collection, per judged set: nDCG@10, precision and recall.

    .venv/bin/python bench/quality.py                     # both judged sets
    .venv/bin/python bench/quality.py --worst 10          # and the weakest queries

Precision is the share of the whole returned list that is relevant (the list a visitor
gets, all pages); recall the share of the relevant examples that the list contains.
tests/search_quality/ holds the sets: judgments.json (written alongside the synonym list)
and judgments_outside.json (written by someone who saw neither that list nor the first set).
"""
import argparse
import json
import math
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

SETS = Path(__file__).resolve().parent.parent / "tests" / "search_quality"


def dcg(gains: list[float]) -> float:
    """Discounted cumulative gain of a ranked list of grades."""
    return sum(gain / math.log2(rank + 2) for rank, gain in enumerate(gains))


def judge(query: str, relevant: dict[str, int]) -> dict:
    """The figures of one judged query, as the search page answers it."""
    from werkzeug.datastructures import MultiDict

    from kb.services import search as search_service
    page = search_service.search(search_service.parse_request(
        MultiDict({"q": query, "per_page": "100"})))
    refs = [example.ref for example, _hit in page.examples]
    gains = [relevant.get(ref, 0) for ref in refs[:10]]
    ideal = dcg(sorted(relevant.values(), reverse=True)[:10])
    found = [ref for ref in refs if ref in relevant]
    return {"ndcg": dcg(gains) / ideal if ideal else 0.0,
            "precision": len(found) / len(refs) if refs else 0.0,
            "recall": len(found) / len(relevant), "returned": len(refs),
            "match": getattr(page, "match", "all")}


def measure(path: Path, worst: int) -> None:
    """Print the means over one judged set (and its weakest queries)."""
    judged = json.loads(path.read_text(encoding="utf-8"))
    rows = {item["query"]: judge(item["query"], item["relevant"]) for item in judged}
    mean = {name: sum(row[name] for row in rows.values()) / len(rows)
            for name in ("ndcg", "precision", "recall", "returned")}
    relaxed = sum(1 for row in rows.values() if row["match"] == "most")
    print(f"{path.name}: {len(rows)} queries; nDCG@10 {mean['ndcg']:.3f}, precision "
          f"{mean['precision']:.3f}, recall {mean['recall']:.3f}, results per query "
          f"{mean['returned']:.1f}, relaxed {relaxed}")
    for query, row in sorted(rows.items(), key=lambda item: item[1]["ndcg"])[:worst]:
        print(f"   {row['ndcg']:.2f} nDCG  P {row['precision']:.2f}  R {row['recall']:.2f}  "
              f"{row['returned']:3} results  {query}")


def main() -> None:
    """Load the demo into a scratch instance and measure every judged set."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--worst", type=int, default=0)
    args = parser.parse_args()
    from kb import create_app
    with tempfile.TemporaryDirectory() as folder:
        app = create_app({"INSTANCE_PATH": folder, "SECRET_KEY": "quality"})
        runner = app.test_cli_runner()
        with app.app_context():
            for command in (["init"], ["demo"]):
                result = runner.invoke(args=command)
                assert result.exit_code == 0, result.output
            with app.test_request_context():
                for path in sorted(SETS.glob("judgments*.json")):
                    measure(path, args.worst)
            from kb.search.store import close_all
            close_all()


if __name__ == "__main__":
    main()
