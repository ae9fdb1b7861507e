"""A generator of realistic planning documents, for measuring plangraph at 1k-100k documents.

    from bench.corpus_gen import generate, harvest
    fragments = harvest([Path("../shared/corpus"), Path("../shared/corpus-legal")])
    generate(out_dir, n=1000, seed=7, fragments=fragments)

The structure (header, "Căn cứ" preamble, numbered sections, task tables split across page breaks, signature)
is written here; the prose comes from sentence fragments harvested at run time from the source directories and
re-parameterised (numbers, provinces). Documents of one province cite earlier generated documents of that
province, so basis / implements chains run several levels deep across the corpus. A JSONL sidecar states what
each document contains, so benchmarks can check answers at scale.
"""
from .corpus import GROUND_TRUTH_FILE, documents, generate
from .harvest import Fragments, harvest

__all__ = ["GROUND_TRUTH_FILE", "Fragments", "documents", "generate", "harvest"]
