"""Score briefgen's extractor against the hand-annotated development data (`../shared/eval-dev`).

    python bench/score.py [--task timex|ner|all] [--data DIR] [--json] [--errors N] [files...]

Each record's `text`, `lang` and `dct` go through `briefgen.extract.extract`; its dates (timex
files) or actor mentions (NER files) are compared with the gold spans, counts are added over the
records of a file (micro-average) and each file is reported on its own, as the data's README asks.
words/s is the speed of those calls on one core, after an untimed first call per language.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from briefgen.extract import extract
from briefgen.model import Actor, DatedEvent, Published

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DATA = Path(os.environ.get("BRIEFGEN_EVAL_DEV", ROOT.parent / "shared" / "eval-dev"))
#: NER records carry no creation date; actors do not depend on it, any fixed day does.
FIXED_DCT = datetime.date(2000, 1, 1)
NER_LABELS = ("PER", "ORG", "LOC")
ACTOR_LABEL = {
    "person": "PER",
    "organization": "ORG",
    "group": "ORG",
    "country": "LOC",
    "place": "LOC",
}
TIMEX_TYPES = ("DATE", "TIME", "DURATION", "SET")

DatesFn = Callable[[str, str, Published], Sequence[DatedEvent]]
ActorsFn = Callable[[str, str, Published], Sequence[Actor]]


@dataclass(frozen=True, slots=True)
class Span:
    """A gold or predicted span; `tag` is the label (NER) or the normalised value (timex)."""

    start: int
    end: int
    tag: str
    kind: str = ""


@dataclass(slots=True)
class Rate:
    """Hits among predictions and among gold items, as precision, recall and F1."""

    hits: int = 0
    predicted: int = 0
    gold: int = 0

    def add(self, hits: int, predicted: int, gold: int) -> None:
        self.hits += hits
        self.predicted += predicted
        self.gold += gold

    @property
    def precision(self) -> float:
        return self.hits / self.predicted if self.predicted else 0.0

    @property
    def recall(self) -> float:
        return self.hits / self.gold if self.gold else 0.0

    @property
    def f1(self) -> float:
        total = self.precision + self.recall
        return 2 * self.precision * self.recall / total if total else 0.0

    def as_json(self) -> dict[str, float | int]:
        return {
            "p": round(self.precision, 4),
            "r": round(self.recall, 4),
            "f1": round(self.f1, 4),
            "hits": self.hits,
            "predicted": self.predicted,
            "gold": self.gold,
        }


@dataclass(slots=True)
class Misses:
    """Examples of what went wrong in a file, for `--errors`."""

    missed: list[str] = field(default_factory=list)
    false: list[str] = field(default_factory=list)


@dataclass(slots=True)
class FileScore:
    """Everything measured on one file."""

    name: str
    task: str
    records: int = 0
    words: int = 0
    seconds: float = 0.0
    rates: dict[str, Rate] = field(default_factory=dict)
    extras: dict[str, Rate] = field(default_factory=dict)
    misses: Misses = field(default_factory=Misses)

    def rate(self, name: str) -> Rate:
        return self.rates.setdefault(name, Rate())

    def extra(self, name: str) -> Rate:
        return self.extras.setdefault(name, Rate())

    @property
    def words_per_second(self) -> float:
        return self.words / self.seconds if self.seconds else 0.0


def pair_by_overlap(
    gold: Sequence[Span], predicted: Sequence[Span], same_tag: bool
) -> list[tuple[int, int]]:
    """One-to-one pairs (gold index, predicted index) of overlapping spans, by overlap."""
    candidates: list[tuple[int, int, int]] = []
    for gold_index, gold_span in enumerate(gold):
        for predicted_index, predicted_span in enumerate(predicted):
            overlap = min(gold_span.end, predicted_span.end) - max(
                gold_span.start, predicted_span.start
            )
            if overlap > 0 and (not same_tag or gold_span.tag == predicted_span.tag):
                candidates.append((-overlap, gold_index, predicted_index))
    candidates.sort()
    used_gold: set[int] = set()
    used_predicted: set[int] = set()
    pairs: list[tuple[int, int]] = []
    for _, gold_index, predicted_index in candidates:
        if gold_index not in used_gold and predicted_index not in used_predicted:
            used_gold.add(gold_index)
            used_predicted.add(predicted_index)
            pairs.append((gold_index, predicted_index))
    return pairs


def exact_hits(gold: Sequence[Span], predicted: Sequence[Span], with_tag: bool) -> int:
    """How many predicted spans equal a gold span (as a multiset)."""

    def key(span: Span) -> tuple[int, int, str]:
        return (span.start, span.end, span.tag if with_tag else "")

    return sum((Counter(map(key, gold)) & Counter(map(key, predicted))).values())


def read_records(path: Path) -> Iterator[dict[str, Any]]:
    with path.open(encoding="utf-8") as lines:
        for line in lines:
            if line.strip():
                yield json.loads(line)


def record_dct(record: dict[str, Any]) -> datetime.date:
    dct = record.get("dct")
    return datetime.date.fromisoformat(dct) if dct else FIXED_DCT


def excerpt(text: str, start: int, end: int, width: int = 40) -> str:
    before = text[max(0, start - width) : start]
    after = text[end : end + width]
    return " ".join(f"{before}[{text[start:end]}]{after}".split())


def timed(score: FileScore, run: Callable[[], Any]) -> Any:
    began = time.perf_counter()
    result = run()
    score.seconds += time.perf_counter() - began
    return result


def score_timex_record(
    score: FileScore, record: dict[str, Any], find: DatesFn, errors: int
) -> None:
    text: str = record["text"]
    gold = [Span(t["start"], t["end"], t["value"], t["type"]) for t in record["timexes"]]
    events = timed(score, lambda: find(text, record["lang"], record_dct(record)))
    predicted = [
        Span(e.start, e.end, e.value, e.kind.upper())
        for e in events
        if e.start is not None and e.end is not None
    ]
    pairs = pair_by_overlap(gold, predicted, same_tag=False)
    right_values = [(g, p) for g, p in pairs if gold[g].tag == predicted[p].tag]
    score.rate("detection").add(len(pairs), len(predicted), len(gold))
    score.rate("strict").add(exact_hits(gold, predicted, with_tag=False), len(predicted), len(gold))
    score.rate("value").add(len(right_values), len(predicted), len(gold))
    score.extra("value accuracy").add(len(right_values), len(pairs), len(pairs))
    score.extra("type accuracy").add(
        sum(gold[g].kind == predicted[p].kind for g, p in pairs), len(pairs), len(pairs)
    )
    days = [(g, p) for g, p in pairs if _is_day(gold[g].tag)]
    score.extra("same day").add(
        sum(predicted[p].tag[:10] == gold[g].tag[:10] for g, p in days), len(days), len(days)
    )
    found = {g for g, _ in pairs}
    right = {g for g, _ in right_values}
    for index, span in enumerate(gold):
        score.extra(f"{span.kind} found").add(index in found, 0, 1)
        score.extra(f"{span.kind} value").add(index in right, 0, 1)
    _note_timex_errors(score.misses, record, gold, predicted, pairs, errors)


def _is_day(value: str) -> bool:
    return len(value) >= 10 and value[4] == "-" and value[7] == "-" and value[:4].isdigit()


def _note_timex_errors(
    misses: Misses,
    record: dict[str, Any],
    gold: Sequence[Span],
    predicted: Sequence[Span],
    pairs: Sequence[tuple[int, int]],
    errors: int,
) -> None:
    text: str = record["text"]
    partner = dict(pairs)
    for index, span in enumerate(gold):
        if len(misses.missed) >= errors:
            break
        got = predicted[partner[index]].tag if index in partner else "—"
        if got != span.tag:
            misses.missed.append(
                f"{record['id']} dct={record.get('dct')} gold={span.tag} got={got}: "
                f"{excerpt(text, span.start, span.end)}"
            )
    paired = set(partner.values())
    for index, span in enumerate(predicted):
        if len(misses.false) < errors and index not in paired:
            misses.false.append(
                f"{record['id']} dct={record.get('dct')} got={span.tag} ({span.kind}): "
                f"{excerpt(text, span.start, span.end)}"
            )


def score_ner_record(score: FileScore, record: dict[str, Any], find: ActorsFn, errors: int) -> None:
    text: str = record["text"]
    gold = [Span(e["start"], e["end"], e["label"]) for e in record["entities"]]
    gold = [span for span in gold if span.tag in NER_LABELS]
    actors = timed(score, lambda: find(text, record["lang"], record_dct(record)))
    predicted = sorted(
        {
            Span(mention.start, mention.end, ACTOR_LABEL[actor.kind])
            for actor in actors
            for mention in actor.mentions
            if actor.kind in ACTOR_LABEL
        },
        key=lambda span: (span.start, span.end, span.tag),
    )
    pairs = pair_by_overlap(gold, predicted, same_tag=True)
    score.rate("strict").add(exact_hits(gold, predicted, with_tag=True), len(predicted), len(gold))
    score.rate("overlap").add(len(pairs), len(predicted), len(gold))
    score.rate("span only").add(
        exact_hits(gold, predicted, with_tag=False), len(predicted), len(gold)
    )
    for label in NER_LABELS:
        gold_of = [span for span in gold if span.tag == label]
        predicted_of = [span for span in predicted if span.tag == label]
        score.extra(label).add(
            exact_hits(gold_of, predicted_of, with_tag=True), len(predicted_of), len(gold_of)
        )
    _note_ner_errors(score.misses, record, gold, predicted, errors)


def _note_ner_errors(
    misses: Misses,
    record: dict[str, Any],
    gold: Sequence[Span],
    predicted: Sequence[Span],
    errors: int,
) -> None:
    text: str = record["text"]
    gold_set, predicted_set = set(gold), set(predicted)
    for span in gold:
        if len(misses.missed) < errors and span not in predicted_set:
            misses.missed.append(
                f"{record['id']} {span.tag}: {excerpt(text, span.start, span.end)}"
            )
    for span in predicted:
        if len(misses.false) < errors and span not in gold_set:
            misses.false.append(f"{record['id']} {span.tag}: {excerpt(text, span.start, span.end)}")


class Extractor:
    """The function under test: `briefgen.extract.extract`, its actors and its dates."""

    def __init__(self) -> None:
        self.actors: ActorsFn = lambda text, lang, dct: extract(text, lang, dct).actors
        self.dates: DatesFn = lambda text, lang, dct: extract(text, lang, dct).dates


def score_file(path: Path, extractor: Extractor, errors: int) -> FileScore:
    records = list(read_records(path))
    task = "timex" if records and "timexes" in records[0] else "ner"
    score = FileScore(path.stem, task)
    for lang in sorted({record["lang"] for record in records}):
        # Untimed: words/s is the steady state, not the one-off building of a language's rules.
        extractor.dates("2021-12-29", lang, FIXED_DCT)
    for record in records:
        score.records += 1
        score.words += len(record["text"].split())
        if task == "timex":
            score_timex_record(score, record, extractor.dates, errors)
        else:
            score_ner_record(score, record, extractor.actors, errors)
    return score


def render_table(scores: Sequence[FileScore]) -> str:
    lines: list[str] = []
    for task, headline in (("timex", ("detection", "strict", "value")), ("ner", NER_HEAD)):
        of_task = [score for score in scores if score.task == task]
        if not of_task:
            continue
        lines.append(
            f"{task:<30}{'gold':>6}{'pred':>6} | "
            + " | ".join(f"{name:^17}" for name in headline)
            + " | words/s"
        )
        lines.append(f"{'':<42} | " + " | ".join(f"{'P    R    F1':^17}" for _ in headline) + " |")
        for score in of_task:
            first = score.rates[headline[0]]
            cells = " | ".join(_prf(score.rates[name]) for name in headline)
            lines.append(
                f"{score.name:<30}{first.gold:>6}{first.predicted:>6} | {cells} | "
                f"{score.words_per_second:>7,.0f}"
            )
            lines.append("    " + _extras_line(score))
        lines.append("")
    return "\n".join(lines)


NER_HEAD = ("strict", "overlap", "span only")


def _prf(rate: Rate) -> str:
    return f"{rate.precision:.2f} {rate.recall:.2f} {rate.f1:.3f}"


def _extras_line(score: FileScore) -> str:
    if score.task == "ner":
        return "per-label F1: " + "  ".join(
            f"{label} {score.extras[label].f1:.3f} ({score.extras[label].gold})"
            for label in NER_LABELS
        )
    ratios = [
        f"{name} {score.extras[name].hits / (score.extras[name].gold or 1):.2f}"
        for name in ("value accuracy", "type accuracy", "same day")
    ]
    by_type = [
        f"{kind} {_recall(score, kind, 'found')}/{_recall(score, kind, 'value')}"
        f" ({score.extras[f'{kind} found'].gold})"
        for kind in TIMEX_TYPES
        if f"{kind} found" in score.extras
    ]
    return "  ".join(ratios) + " | recall found/value: " + "  ".join(by_type)


def _recall(score: FileScore, kind: str, what: str) -> str:
    return f"{score.extras[f'{kind} {what}'].recall:.2f}"


def as_json(scores: Sequence[FileScore]) -> str:
    return json.dumps(
        {
            "files": {
                score.name: {
                    "task": score.task,
                    "records": score.records,
                    "words": score.words,
                    "words_per_second": round(score.words_per_second),
                    **{name: rate.as_json() for name, rate in score.rates.items()},
                    "extras": {name: rate.as_json() for name, rate in score.extras.items()},
                    "missed": score.misses.missed,
                    "false": score.misses.false,
                }
                for score in scores
            },
        },
        ensure_ascii=False,
        indent=2,
    )


def render_errors(scores: Sequence[FileScore]) -> str:
    lines: list[str] = []
    for score in scores:
        missed = "missed or wrong value" if score.task == "timex" else "missed"
        lines.append(f"== {score.name}: {missed}")
        lines.extend(f"  - {line}" for line in score.misses.missed)
        lines.append(f"== {score.name}: false hits")
        lines.extend(f"  + {line}" for line in score.misses.false)
    return "\n".join(lines)


def data_files(args: argparse.Namespace) -> list[Path]:
    if args.files:
        return [Path(name) for name in args.files]
    prefixes = ("timex_", "ner_") if args.task == "all" else (f"{args.task}_",)
    return sorted(
        path for path in Path(args.data).glob("*.jsonl") if path.name.startswith(prefixes)
    )


def parse_arguments(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("files", nargs="*", help="JSONL files (default: every file of the task)")
    parser.add_argument("--task", choices=("timex", "ner", "all"), default="all")
    parser.add_argument("--data", default=str(DEFAULT_DATA), help="the eval-dev directory")
    parser.add_argument("--json", action="store_true", help="machine-readable output")
    parser.add_argument("--errors", type=int, default=0, metavar="N", help="N examples per file")
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_arguments(argv)
    files = data_files(args)
    missing = [str(path) for path in files if not path.is_file()]
    if missing or not files:
        print(f"score.py: no data file: {', '.join(missing) or args.data}", file=sys.stderr)
        return 2
    extractor = Extractor()
    scores = [score_file(path, extractor, args.errors) for path in files]
    if args.json:
        print(as_json(scores))
        return 0
    print(render_table(scores))
    if args.errors:
        print(render_errors(scores))
    return 0


if __name__ == "__main__":
    sys.exit(main())
