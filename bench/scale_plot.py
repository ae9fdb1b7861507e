#!/usr/bin/env python3
"""How the measured figures grow with N: `bench/scale_figures.json` (the figures of bench/README.md's tables,
one series per figure) drawn as `bench/scale.svg`, log-log, one panel per axis of growth.

    .venv/bin/pip install -e '.[bench]' && .venv/bin/python bench/scale_plot.py
"""
from __future__ import annotations

import json
from pathlib import Path

import matplotlib

matplotlib.use("svg")
import matplotlib.pyplot as plt  # noqa: E402

HERE = Path(__file__).resolve().parent


def main() -> None:
    panels = json.loads((HERE / "scale_figures.json").read_text(encoding="utf-8"))["panels"]
    figure, axes = plt.subplots(1, len(panels), figsize=(6 * len(panels), 4.8))
    for axis, panel in zip(axes, panels):
        for series in panel["series"]:
            xs, ys = zip(*series["points"])
            axis.plot(xs, ys, marker="o", linestyle=series.get("style", "-"), label=series["name"])
        for goal in panel.get("goals", []):
            axis.axhline(goal["value"], color="grey", linestyle=":", linewidth=1)
            axis.annotate(goal["name"], (axis.get_xlim()[0], goal["value"]), fontsize=7, color="grey",
                          xytext=(2, 2), textcoords="offset points")
        axis.set(xscale="log", yscale="log", title=panel["title"], xlabel=panel["x"], ylabel=panel["y"])
        axis.grid(True, which="major", linewidth=0.3)
        axis.legend(fontsize=7)
    figure.tight_layout()
    figure.savefig(HERE / "scale.svg", metadata={"Date": None})


if __name__ == "__main__":
    main()
