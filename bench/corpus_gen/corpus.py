"""The generation loop: N documents streamed to disk with their ground truth, the same bytes for the same seed.

Documents are spread over 2019-2026 in index order, so a document only cites documents generated before it.
Each document draws from its own random stream (seeded by the corpus seed and its index) and from its
province's bounded state, which is itself built only from earlier documents: the output depends on nothing but
(seed, N, the source fragments).
"""
from __future__ import annotations

import json
import random
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path

from .citing import ProvinceState, local_law
from .compose import Composer, DocumentTruth
from .gazetteer import load_lead_agencies, load_provinces
from .harvest import Fragments

GROUND_TRUTH_FILE = "ground_truth.jsonl"
_FIRST_DAY, _LAST_DAY = date(2019, 1, 2), date(2026, 11, 30)
_DOCUMENTS_PER_PROVINCE = 8   # a small corpus uses few provinces, so that each has chains to follow


def generate(out_dir: Path, n: int, seed: int, fragments: Fragments) -> Path:
    """Write n documents and `ground_truth.jsonl` into out_dir; returns the ground-truth path.
    `fragments` is `harvest(source directories)`: harvest once to generate several corpora."""
    out_dir.mkdir(parents=True, exist_ok=True)
    truth_path = out_dir / GROUND_TRUTH_FILE
    with truth_path.open("w", encoding="utf-8", newline="\n") as truth_file:
        for text, truth in documents(n, seed, fragments):
            (out_dir / truth.file).write_text(text, encoding="utf-8", newline="\n")
            truth_file.write(json.dumps(truth.to_json(), ensure_ascii=False, sort_keys=True) + "\n")
    return truth_path


def documents(n: int, seed: int, fragments: Fragments) -> Iterator[tuple[str, DocumentTruth]]:
    """(text, ground truth) for documents 0 … n-1, lazily."""
    if n < 1:
        raise ValueError(f"n must be at least 1, not {n}")
    provinces = load_provinces()
    corpus_rng = random.Random(f"{seed}/provinces")
    in_use = corpus_rng.sample(provinces, k=max(1, min(len(provinces), n // _DOCUMENTS_PER_PROVINCE)))
    composer = Composer(fragments, provinces, load_lead_agencies())
    states: dict[str, ProvinceState] = {}
    span_days = (_LAST_DAY - _FIRST_DAY).days
    width = max(6, len(str(n - 1)))
    for index in range(n):
        rng = random.Random(f"{seed}/document/{index}")
        province = rng.choice(in_use)
        state = states.get(province.name)
        if state is None:
            state = ProvinceState(province, local_law(province, random.Random(f"{seed}/law/{province.name}")))
            states[province.name] = state
        day = _FIRST_DAY + timedelta(days=int((index + rng.random()) * span_days / n))
        text, truth, citable = composer.compose(f"gen_{index:0{width}d}.txt", state, (day.day, day.month, day.year),
                                                rng)
        state.recent.append(citable)
        yield text, truth
