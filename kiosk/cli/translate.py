"""`changgu translate`, `changgu phrases ...` and `changgu eval phrases`.

The translation engine from the command line. Thin: the work is done in `translate/`.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from kiosk.setup.paths import cache_dir, models_dir, office_phrases

if TYPE_CHECKING:  # the engines load on use: `changgu --help` stays quick
    from translate import MatchRule

_TARGETS = (
    "dev set, cross-validated: precision >= 0.97, recall >= 0.80, NONE false-match <= 0.03; "
    "unseen set: precision >= 0.95, recall >= 0.80, NONE false-match <= 0.05"
)
#: Longest file `changgu translate --file` reads (a counter utterance is a few hundred bytes).
MAX_FILE_BYTES = 64 * 1024


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    tr = subparsers.add_parser("translate", help="translate a sentence (phrasebook first, then MT)")
    tr.add_argument("text", nargs="?", help="what was said or typed")
    tr.add_argument("--file", type=Path, help="read the text from a UTF-8 file instead")
    tr.add_argument("--to", dest="target", required=True, help="target language code, e.g. vi")
    tr.add_argument("--from", dest="source", default="ko", help="source language (default ko)")
    tr.add_argument("--no-semantic", action="store_true", help="exact and fuzzy matching only")
    tr.add_argument(
        "--side",
        choices=("staff", "visitor"),
        help="who said it (default: Korean is either side's, other languages a visitor's)",
    )
    tr.set_defaults(func=run_translate)

    phrases = subparsers.add_parser("phrases", help="search and show phrasebook entries")
    sub = phrases.add_subparsers(dest="phrases_command", metavar="ACTION", required=True)
    search = sub.add_parser("search", help="phrases closest to a sentence, in any language")
    search.add_argument("query")
    search.add_argument("--lang", default="ko", help="language of the query (default ko)")
    search.add_argument("--show", default="en", help="also show each phrase in this language")
    search.add_argument("--limit", type=int, default=5)
    search.set_defaults(func=run_search)
    listing = sub.add_parser("list", help="phrases of a topic and side")
    listing.add_argument("--topic")
    listing.add_argument("--side", choices=("staff", "visitor", "both"))
    listing.add_argument("--lang", default="ko")
    listing.set_defaults(func=run_list)
    show = sub.add_parser("show", help="one phrase in a language, slots filled")
    show.add_argument("phrase_id")
    show.add_argument("--lang", default="ko")
    show.add_argument(
        "--slot",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="slot value, e.g. amount=3000 or date=2025-05-07",
    )
    show.set_defaults(func=run_show)

    evaluate = _eval_parsers(subparsers).add_parser(
        "phrases", help="precision, recall and NONE false-match rate of phrase matching on a TSV"
    )
    evaluate.add_argument("tsv", type=Path, help="lang, utterance, expected_id (NONE = no phrase)")
    evaluate.add_argument(
        "--calibrate",
        action="store_true",
        help="also fit the match rule with cross-validation and report it",
    )
    evaluate.add_argument("--errors", action="store_true", help="list the rows it got wrong")
    evaluate.set_defaults(func=run_eval)


def run_translate(args: argparse.Namespace) -> int:
    from translate import Translator, languages
    from translate.errors import TranslateError

    languages.get(args.source)
    languages.get(args.target)
    if args.file is not None:
        text = _read_text(args.file)
    elif args.text is not None:
        text = args.text
    else:
        raise TranslateError("give the text to translate, or --file PATH")
    translator = Translator.load(
        cache_dir(), models_dir() / "mt", semantic=not args.no_semantic, office=office_phrases()
    )
    result = translator.translate(text, args.source, args.target, args.side)
    if result.needs_confirmation:
        print(f"[confirm · {result.phrase_id} · not verified] did you mean:")
        for candidate in result.candidates:
            state = "reviewed" if candidate.reviewed else "draft"
            print(
                f"  {candidate.score:.3f}  {candidate.phrase_id:<28} {candidate.source_text}"
                f"  →  {candidate.text}  ({state})"
            )
        if result.machine_text:
            print(f"  machine translation: {result.machine_text}")
        return 0
    if not result.found:
        print(f"[none] no trustworthy translation ({'; '.join(result.notes)})", file=sys.stderr)
        if result.nearest:
            print("nearest staff phrases (the kiosk offers them to staff to send with a tap):")
            for candidate in result.candidates:
                print(f"  {candidate.phrase_id:<28} {candidate.source_text}  →  {candidate.text}")
        return 1
    tags = [result.kind.value, result.method]
    if result.phrase_id:
        tags.append(result.phrase_id)
        tags.append("reviewed" if result.reviewed else "draft")
    tags.append(f"confidence {result.confidence:.2f}")
    print(f"[{' · '.join(tags)}] {result.text}")
    for note in result.notes:
        print(f"  note: {note}", file=sys.stderr)
    return 0


def run_search(args: argparse.Namespace) -> int:
    from translate import Translator, languages

    languages.get(args.lang)  # an unknown code is a message naming the supported ones
    languages.get(args.show)
    if args.limit < 1:
        from translate.errors import TranslateError

        raise TranslateError("--limit must be at least 1")
    translator = Translator.load(cache_dir(), None)
    hits = translator.search(args.query, args.lang, args.limit)
    if not hits:
        print("no phrase found", file=sys.stderr)
        return 1
    for hit in hits:
        phrase = hit.phrase
        print(f"{hit.score:.3f}  {phrase.id:<32} {phrase.text['ko']}")
        if args.show != "ko":
            print(f"{'':39}{phrase.text[args.show]}")
    return 0


def run_list(args: argparse.Namespace) -> int:
    from translate import Translator, languages

    languages.get(args.lang)
    translator = Translator.load(cache_dir(), None, semantic=False)
    for phrase in translator.phrases(args.topic, args.side):
        print(f"{phrase.id:<32} {phrase.side.value:<8} {phrase.text[args.lang]}")
    return 0


def run_show(args: argparse.Namespace) -> int:
    from translate import Translator, slots
    from translate.errors import SlotError

    values = {}
    for item in args.slot:
        name, sep, raw = item.partition("=")
        if not sep:
            raise SlotError(f"write slot values as NAME=VALUE, not {item!r}")
        values[name] = slots.parse_value(name, raw)
    translator = Translator.load(cache_dir(), None, semantic=False)
    print(translator.render(args.phrase_id, args.lang, values))
    return 0


def run_eval(args: argparse.Namespace) -> int:
    from translate import Translator
    from translate.calibration import calibrate, confirm_rates, observe
    from translate.evaluation import evaluate_matcher, read_labelled

    items = read_labelled(args.tsv)
    translator = Translator.load(cache_dir(), None)
    matcher = translator.matcher
    rule = matcher.rule
    measured = evaluate_matcher(matcher, items)
    print(f"{len(items)} rows from {args.tsv.name}; shipped rule: {_describe(rule)}")
    print(f"shipped rule: {measured.scores.summary()}")
    asked, on_none, none_rows = measured.asked_count, measured.asked_on_none, measured.none_rows
    print(
        f"  confirm step asked {asked / len(items):.3f} ({asked}/{len(items)}), "
        f"on NONE rows {on_none / max(1, none_rows):.3f} ({on_none}/{none_rows})"
    )
    print(f"targets: {_TARGETS}")
    if args.errors:
        for outcome, was_asked in zip(measured.outcomes, measured.asked, strict=True):
            if not outcome.correct:
                note = "  (confirm asked)" if was_asked else ""
                print(
                    f"  {outcome.item.lang}  expected {outcome.item.expected:<26} "
                    f"got {outcome.predicted:<26} {outcome.item.text}{note}"
                )
    if args.calibrate:
        observations = observe(matcher, items)
        result = calibrate(observations)
        print(f"re-fitted rule: {_describe(result.rule)}")
        print(f"  in-sample (fitted on all rows): {result.fitted.summary()}")
        print(f"    {result.fitted_confirm.summary()}")
        print(f"  {result.folds}-fold cross-validated: {result.cross_validated.summary()}")
        print(f"    {result.cross_validated_confirm.summary()}")
        shipped = confirm_rates(observations, [rule] * len(observations))
        print(f"  shipped rule's confirm step (in-sample): {shipped.summary()}")
    return 0


def _describe(rule: MatchRule) -> str:
    return (
        f"top_k {rule.top_k}, lexical weight {rule.lexical_weight}; with key concepts: score >= "
        f"{rule.concept_min_score}, margin >= {rule.concept_min_margin}; without: score >= "
        f"{rule.min_score}, margin >= {rule.min_margin}; confirm from {rule.confirm_min_score}"
    )


def _eval_parsers(
    subparsers: argparse._SubParsersAction[argparse.ArgumentParser],
) -> argparse._SubParsersAction[argparse.ArgumentParser]:
    """The `eval` command's sub-commands, created here or shared with other command modules."""
    existing = subparsers.choices.get("eval")
    if existing is None:
        existing = subparsers.add_parser("eval", help="measure engines on labelled data")
    for action in existing._actions:
        if isinstance(action, argparse._SubParsersAction):
            return action
    return existing.add_subparsers(dest="eval_command", metavar="WHAT", required=True)


def _read_text(path: Path) -> str:
    """The file's text, read with a bound; a pipe or a device is refused, never waited on."""
    from translate.errors import TranslateError
    from translate.files import open_regular

    try:
        with open_regular(path) as handle:
            raw = handle.read(MAX_FILE_BYTES + 1)
    except OSError as exc:
        raise TranslateError(f"cannot read {path} ({exc.strerror}); check the path") from None
    if len(raw) > MAX_FILE_BYTES:
        raise TranslateError(
            f"{path} is longer than {MAX_FILE_BYTES // 1024} KB; "
            "translate a shorter text (one utterance or a few sentences)"
        )
    if b"\0" in raw:
        raise TranslateError(f"{path} holds NUL bytes, so it is not text; give a UTF-8 text file")
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise TranslateError(
            f"{path} is not UTF-8 text (invalid byte at offset {exc.start}); save it as UTF-8"
        ) from None
