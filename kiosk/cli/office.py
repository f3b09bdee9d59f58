"""`changgu office …`: the office's own phrases (address, hours, local services) and phrase packs.

Thin: the work is done in `translate/office.py`. The phrases are kept in the data folder
(`office/phrases.toml`); `--file` names another file.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from kiosk.setup.paths import office_phrases

if TYPE_CHECKING:  # the engine loads on use: `changgu --help` stays quick
    from translate.office import OfficeBook, OfficePhrase

SIDES = ("staff", "visitor", "both")


def default_file() -> Path:
    """Where this counter keeps its office phrases."""
    return office_phrases()


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "--file", type=Path, help="the office phrase file (default: DATA/office/phrases.toml)"
    )
    office = subparsers.add_parser("office", help="this office's own phrases and phrase packs")
    sub = office.add_subparsers(dest="office_command", metavar="ACTION", required=True)

    listing = sub.add_parser("list", parents=[common], help="the office phrases")
    listing.add_argument("--side", choices=SIDES)
    listing.add_argument("--lang", default="ko", help="show each phrase in this language")
    listing.set_defaults(func=run_list)

    add = sub.add_parser("add", parents=[common], help="a new office phrase")
    add.add_argument("--id", dest="phrase_id", required=True, help="office.<name>")
    add.add_argument("--side", choices=SIDES, required=True, help="who says it")
    add.add_argument("--ko", required=True, help="the Korean text")
    _translation_arguments(add)
    add.set_defaults(func=run_add)

    edit = sub.add_parser("edit", parents=[common], help="change a phrase's side or wording")
    edit.add_argument("phrase_id")
    edit.add_argument("--side", choices=SIDES)
    edit.add_argument("--ko", help="new Korean text (its review is cleared)")
    _translation_arguments(edit)
    edit.add_argument(
        "--drop", action="append", default=[], metavar="LANG", help="remove a language's text"
    )
    edit.set_defaults(func=run_edit)

    translate = sub.add_parser("translate", parents=[common], help="add or change a translation")
    translate.add_argument("phrase_id")
    translate.add_argument("lang")
    translate.add_argument("text")
    translate.add_argument("--by", required=True, help="who typed the translation")
    translate.set_defaults(func=run_translate)

    review = sub.add_parser("review", parents=[common], help="mark a translation as reviewed")
    review.add_argument("phrase_id")
    review.add_argument("lang")
    review.add_argument("--by", required=True, help="the reviewer (not who typed it)")
    review.set_defaults(func=run_review)

    remove = sub.add_parser("remove", parents=[common], help="delete an office phrase")
    remove.add_argument("phrase_id")
    remove.set_defaults(func=run_remove)

    export = sub.add_parser("export", parents=[common], help="write a .changgu-phrases pack")
    export.add_argument("path", type=Path, help="the pack file, or a folder (a USB stick)")
    export.add_argument("--office", required=True, help="this office's name, e.g. jongno-gu")
    export.set_defaults(func=run_export)

    imp = sub.add_parser("import", parents=[common], help="add the phrases of a pack")
    imp.add_argument("path", type=Path, help="a .changgu-phrases file")
    imp.add_argument(
        "--replace", action="store_true", help="replace office phrases that have the same ids"
    )
    imp.set_defaults(func=run_import)


def run_list(args: argparse.Namespace) -> int:
    from translate import languages

    languages.get(args.lang)
    book = _load(args)
    phrases = book.phrases(args.side)
    if not phrases:
        print("no office phrases yet; add one with `changgu office add`", file=sys.stderr)
        return 0
    for phrase in phrases:
        entry = phrase.texts.get(args.lang)
        text = entry.text if entry else f"(no {args.lang} text)"
        print(f"{phrase.id:<32} {phrase.side.value:<8} {text}")
        print(f"{'':33}{_languages(phrase)}")
    return 0


def run_add(args: argparse.Namespace) -> int:
    book = _load(args)
    phrase = book.add(
        args.phrase_id, args.side, args.ko, by=args.by or "", translations=_translation(args)
    )
    _save(book, args)
    print(f"added {phrase.id}: {_languages(phrase)}")
    return 0


def run_edit(args: argparse.Namespace) -> int:
    texts = _translation(args)
    if args.ko is not None:
        texts["ko"] = args.ko
    book = _load(args)
    phrase = book.edit(
        args.phrase_id, side=args.side, texts=texts, by=args.by or "", drop=args.drop
    )
    _save(book, args)
    print(f"changed {phrase.id}: {_languages(phrase)}")
    return 0


def run_translate(args: argparse.Namespace) -> int:
    book = _load(args)
    phrase = book.translate(args.phrase_id, args.lang, args.text, by=args.by)
    _save(book, args)
    print(f"{phrase.id} {args.lang}: typed by {args.by}, not reviewed yet")
    return 0


def run_review(args: argparse.Namespace) -> int:
    book = _load(args)
    phrase = book.review(args.phrase_id, args.lang, by=args.by)
    _save(book, args)
    print(f"{phrase.id} {args.lang}: reviewed by {phrase.texts[args.lang].reviewed_by}")
    return 0


def run_remove(args: argparse.Namespace) -> int:
    book = _load(args)
    phrase = book.remove(args.phrase_id)
    _save(book, args)
    print(f"removed {phrase.id}")
    return 0


def run_export(args: argparse.Namespace) -> int:
    from translate.office import export_pack

    book = _load(args)
    path = export_pack(book, args.path, office=args.office)
    print(f"exported {len(book)} office phrases of {args.office} to {path}")
    return 0


def run_import(args: argparse.Namespace) -> int:
    from translate.office import OfficeError, import_pack
    from translate.phrasebook import Phrasebook

    bundled = {phrase.id for phrase in Phrasebook.load()}
    book = _load(args)
    report = import_pack(args.path, book, bundled_ids=bundled, replace=args.replace)
    if not report.imported:
        raise OfficeError(
            f"nothing imported: this counter already has {_ids(report.conflicts)}; "
            "run again with --replace to replace them with the pack's"
        )
    _save(book, args)
    print(
        f"imported {len(report.added) + len(report.replaced)} phrases of {report.office} "
        f"(pack of {report.created.isoformat()}): {len(report.added)} added, "
        f"{len(report.replaced)} replaced"
    )
    if report.replaced:
        print(f"replaced: {', '.join(report.replaced)}")
    return 0


def _translation_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--lang", help="language of --text, e.g. vi")
    parser.add_argument("--text", help="the phrase in --lang")
    parser.add_argument("--by", help="who typed the texts given here")


def _translation(args: argparse.Namespace) -> dict[str, str]:
    from translate.office import OfficeError

    if (args.lang is None) != (args.text is None):
        raise OfficeError("give --lang and --text together (e.g. --lang vi --text '...')")
    return {} if args.lang is None else {args.lang: args.text}


def _languages(phrase: OfficePhrase) -> str:
    """ "ko, vi reviewed; en draft" for listings."""
    reviewed = [lang for lang in phrase.texts if lang in phrase.reviewed]
    drafts = [lang for lang in phrase.texts if lang not in phrase.reviewed]
    parts = []
    if reviewed:
        parts.append(f"{', '.join(reviewed)} reviewed")
    if drafts:
        parts.append(f"{', '.join(drafts)} not reviewed")
    return "; ".join(parts)


def _ids(ids: tuple[str, ...], shown: int = 5) -> str:
    listed = ", ".join(ids[:shown])
    more = f" and {len(ids) - shown} more" if len(ids) > shown else ""
    return f"{len(ids)} of its phrases ({listed}{more})"


def _path(args: argparse.Namespace) -> Path:
    path: Path = args.file if args.file is not None else default_file()
    return path


def _load(args: argparse.Namespace) -> OfficeBook:
    from translate.office import OfficeBook

    return OfficeBook.load(_path(args))


def _save(book: OfficeBook, args: argparse.Namespace) -> None:
    book.save(_path(args))
