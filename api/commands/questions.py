"""`plangraph cites | basis | agency | person | duplicates | lint`: the graph questions, readable or `--json`.

Each command is a thin layer over `graph.questions`: it opens the store, asks, and prints. A name that fits
several entities prints the candidates (with their keys, which can be passed back) and exits 2; a name that fits
none prints why and exits 1.
"""
from __future__ import annotations

import argparse
import json
import sys
from typing import Callable

from api.commands.errors import existing_store, nothing_to_read
from api.commands.inputs import read_inputs
from api.commands.store import DEFAULT_STORE
from graph import questions as q
from graph.store import Store

CITERS_SHOWN = 50   # a national resolution has tens of thousands of citers: a page of them, and the counts
TASKS_SHOWN = 50    # a provincial department leads thousands of tasks: a page of each role, and the counts


def add_parser(sub: argparse._SubParsersAction) -> None:
    cites = _command(sub, "cites", "documents and tasks citing a legal document, directly or through a chain",
                     _cites, ("reference", "any form: \"Nghị quyết 57\", \"NQ 57\", \"57-NQ/TW\", \"Quyết định 749\""))
    cites.add_argument("--limit", type=_count, default=CITERS_SHOWN,
                       help=f"citers to list, in the order of provinces and documents (default {CITERS_SHOWN}; 0: all)")
    cites.add_argument("--offset", type=_count, default=0, help="citers to skip first (the next page)")
    _command(sub, "basis", "what a document or task rests on, up to the top of its chains", _basis,
             ("subject", "a document (doc_id or file name) or a task (FILE#TASK-ID)"))
    agency = _command(sub, "agency", "what an agency leads, cooperates on, receives and directs; whom it works with",
                      _agency, ("name", "any name or alias: \"Phòng QLKH\", \"Sở KH&CN Quảng Ngãi\""))
    _paged(agency, "tasks to list of each role")
    _paged(_command(sub, "person", "what a leader directs", _person, ("name", "e.g. \"Trần Công Hòa\"")),
           "tasks to list")
    dup = _command(sub, "duplicates", "tasks that repeat, recur or overlap, within and across documents",
                   _duplicates)
    dup.add_argument("--doc", help="only groups touching this document (doc_id or file name)")
    dup.add_argument("--task", help="only groups holding this task (FILE#TASK-ID, or a task id)")
    dup.add_argument("--no-embed", action="store_true", help="judge on wording alone (no embedding model)")
    lint = sub.add_parser("lint", help="inconsistencies in documents (a file or folder, or the store)")
    lint.add_argument("path", nargs="?", help="file or folder to read now (default: the documents in --store)")
    lint.add_argument("--store", default=DEFAULT_STORE)
    lint.add_argument("--json", action="store_true")
    lint.set_defaults(func=_lint)


def _paged(parser: argparse.ArgumentParser, what: str) -> None:
    parser.add_argument("--limit", type=_count, default=TASKS_SHOWN,
                        help=f"{what}, in the order of files, periods and task ids (default {TASKS_SHOWN}; 0: all)")
    parser.add_argument("--offset", type=_count, default=0, help="tasks to skip first (the next page)")


def _command(sub: argparse._SubParsersAction, name: str, help_text: str, func: Callable,
             positional: tuple[str, str] | None = None) -> argparse.ArgumentParser:
    parser = sub.add_parser(name, help=help_text)
    if positional:
        parser.add_argument(positional[0], help=positional[1])
    parser.add_argument("--store", default=DEFAULT_STORE, help="store directory")
    parser.add_argument("--json", action="store_true", help="print JSON instead of text")
    parser.set_defaults(func=lambda args: _answer(args, func))
    return parser


def _answer(args: argparse.Namespace, func: Callable) -> int:
    store = existing_store(args.store)
    try:
        result = func(store, args)
    except q.QuestionError as err:
        print(f"error: {err}", file=sys.stderr)
        return 1
    if args.json:
        json.dump(result.to_dict(), sys.stdout, ensure_ascii=False, indent=1)
        sys.stdout.write("\n")
    else:
        print(_readable(result))
    return 2 if isinstance(result, q.Ambiguous) else 0


def _cites(store: Store, args: argparse.Namespace):
    return q.cites(store, args.reference, offset=args.offset, limit=args.limit or None)


def _count(text: str) -> int:
    value = int(text) if text.isdigit() else -1
    if value < 0:
        raise argparse.ArgumentTypeError(f"not a count: {text!r}")
    return value


def _basis(store: Store, args: argparse.Namespace):
    return q.basis(store, args.subject)


def _agency(store: Store, args: argparse.Namespace):
    return q.agency(store, args.name, offset=args.offset, limit=args.limit or None)


def _person(store: Store, args: argparse.Namespace):
    return q.person(store, args.name, offset=args.offset, limit=args.limit or None)


def _duplicates(store: Store, args: argparse.Namespace):
    try:
        return q.duplicates(store, doc=args.doc, task=args.task, embed=not args.no_embed)
    except KeyError as error:   # "no task ... in ...", "no document ...": one the store does not hold
        raise q.QuestionError(str(error.args[0])) from None


def _lint(args: argparse.Namespace) -> int:
    if args.path:
        report, unreadable = _lint_files(args.path)
    else:
        report, unreadable = q.lint(existing_store(args.store)), 0
    if args.json:
        json.dump(report.to_dict(), sys.stdout, ensure_ascii=False, indent=1)
        sys.stdout.write("\n")
    else:
        print(_readable(report))
    return 1 if unreadable else 0


def _lint_files(path: str) -> tuple[q.LintReport, int]:
    """The anomalies of the files at `path`, and how many of them could not be read (each said on stderr)."""
    report, unreadable, found = q.LintReport(), 0, 0
    for file, doc in read_inputs([path]):
        found += 1
        if doc is None:
            unreadable += 1
        else:
            report.items.extend(q.lint(file).items)
    if not found:
        raise nothing_to_read([path])
    return report, unreadable


# ------------------------------------------------------------------------------------------------ text
def _readable(result) -> str:
    for kind, render in _RENDERERS:
        if isinstance(result, kind):
            return "\n".join(render(result))
    raise TypeError(f"no text form for {type(result).__name__}")


def _ambiguous_lines(a: q.Ambiguous) -> list[str]:
    lines = [f"{a.query!r} fits {len(a.candidates)} candidates ({a.what}); say which, by its key:"]
    for c in a.candidates:
        details = ", ".join(f"{k} {v}" for k, v in c.details.items() if v)
        lines.append(f"  {c.label}  ({details}; {c.count})\n    key: {c.key}")
    return lines


def _cites_lines(answer: q.CitesAnswer) -> list[str]:
    d = answer.document
    counts = answer.counts.values()
    lines = [f"{d.label} — {'; '.join(d.issuers) or 'issuer unknown'}, {d.province or 'national'}, "
             f"{d.year or 'year unknown'}",
             f"cited by {sum(c['documents'] for c in counts)} documents, {sum(c['tasks'] for c in counts)} tasks "
             f"in {len(answer.counts)} provinces (or nationally)"]
    if len(answer.citing) < answer.total:
        lines.append(f"listing {answer.offset + 1}–{answer.offset + len(answer.citing)} of {answer.total} citers "
                     f"(--offset {answer.offset + len(answer.citing)} for the next)")
    for province, documents in answer.groups().items():
        lines.append(f"\n{province}")
        for source, hits in documents.items():
            lines.append(f"  {source}: {hits[0].document}")
            for hit in hits:
                who = f"task {hit.task_id}" if hit.kind == "task" else "the document"
                lines.append(f"    {who} [{hit.relation}{'' if hit.direct else ', through a chain'}]: "
                             f"{hit.chains[-1] if hit.chains and not hit.direct else hit.chain()}")
                if hit.sentence:
                    lines.append(f"      “{_short(hit.sentence, 220)}”")
            plan = answer.plan_tasks.get(hits[0].doc_id)
            if plan:
                lines.append(f"    its {len(plan)} tasks rest on it through the document: {', '.join(plan[:12])}"
                             + (" …" if len(plan) > 12 else ""))
    if answer.through:
        shown = "" if len(answer.through) == answer.through_total else f" (the {len(answer.through)} nearest of " \
            f"{answer.through_total})"
        lines.append(f"\nthrough{shown}")
        for hit in answer.through:
            lines.append(f"  {hit.chain()} [{hit.relation}] (stated in {hit.source})")
    return lines


def _basis_lines(answer: q.BasisAnswer) -> list[str]:
    lines = [f"{answer.subject.label} ({answer.source}) rests on {len(answer.basis)} documents"]
    for document, relation, path in answer.basis:
        lines.append(f"  {' → '.join(s.label for s in path[1:])} [{relation}]")
    return lines


def _agency_lines(answer: q.AgencyAnswer) -> list[str]:
    lines = [answer.name + (f" (unit of {answer.parent})" if answer.parent else "")]
    if answer.aliases:
        lines.append(f"  also written: {', '.join(answer.aliases)}")
    for role in q.ROLES:
        items = answer.roles.get(role, [])
        if not items:
            continue
        total = answer.counts[role]
        shown = (f"{answer.offset + 1}–{answer.offset + len(items)} of {total}, --offset "
                 f"{answer.offset + len(items)} for the next" if len(items) < total else str(total))
        lines.append(f"\n{_ROLE_TITLES[role]} ({shown})")
        for source, periods in answer.by_document(role).items():
            lines.append(f"  {source}")
            for period, rows in periods.items():
                lines.append(f"    {period}")
                for item in rows:
                    directed = f"  — directed by {', '.join(item.directed_by)}" if item.directed_by else ""
                    target = " (target)" if item.kind == "target" else ""
                    lines.append(f"      {item.task_id}{target}: {_short(item.text, 110)}{directed}")
    if answer.collaborators:
        lines.append("\nworks with")
        lines += [f"  {count:3d}  {name}" for name, count in answer.collaborators[:15]]
    if answer.units:
        lines.append(f"\nunits: {', '.join(answer.units)}")
    return lines


def _person_lines(answer: q.PersonAnswer) -> list[str]:
    lines = [f"{answer.name}" + (f" — {'; '.join(answer.titles)}" if answer.titles else ""),
             f"directs {answer.total} tasks" + (f", listing {answer.offset + 1}–{answer.offset + len(answer.directs)} "
                                                f"(--offset {answer.offset + len(answer.directs)} for the next)"
                                                if len(answer.directs) < answer.total else "")]
    for item in answer.directs:
        lines.append(f"  {item.source} {item.task_id} [{item.period or '—'}]: {_short(item.text, 110)}")
    return lines


def _duplicates_lines(answer: q.DuplicatesAnswer) -> list[str]:
    lines = [f"{len(answer.groups)} groups" + ("" if answer.embedded else " (wording only: no embedding model)")]
    for group in answer.groups:
        lines.append(f"\n{group.kind} {group.score:.2f}: {group.why}")
        for source, task_id in group.tasks:
            lines.append(f"  {source} {task_id}: {_short(answer.texts.get(f'{source}#{task_id}', ''), 110)}")
    return lines


def _lint_lines(report: q.LintReport) -> list[str]:
    if not report.items:
        return ["no inconsistencies found"]
    lines = []
    for item in report.items:
        lines.append(f"{item.source}: {item.kind}: {item.detail}")
        for span in item.spans:
            lines.append(f"    line {span.line}: “{_short(span.quote, 120)}”")
    return lines


def _short(text: str, width: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= width else text[:width - 1] + "…"


_ROLE_TITLES = {"lead": "leads (chủ trì)", "cooperating": "cooperates on (phối hợp)",
                "recipient": "receives the results of", "directed_by": "directs"}
_RENDERERS = ((q.Ambiguous, _ambiguous_lines), (q.CitesAnswer, _cites_lines), (q.BasisAnswer, _basis_lines),
              (q.AgencyAnswer, _agency_lines), (q.PersonAnswer, _person_lines),
              (q.DuplicatesAnswer, _duplicates_lines), (q.LintReport, _lint_lines))
