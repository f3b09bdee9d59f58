"""`changgu sign …`: recognise signs in a video, enrol signs, manage sign vocabularies."""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING

from kiosk.setup.paths import data_dir

if TYPE_CHECKING:  # the engines load on use: `changgu --help` stays quick
    from sign.events import SignEvent
    from sign.landmarks import LandmarkSequence
    from sign.store import VocabularyStore
    from sign.vocabulary import SignVocabulary


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    sign = subparsers.add_parser("sign", help="sign language: recognise, enrol, vocabularies")
    sub = sign.add_subparsers(dest="sign_command", metavar="SUBCOMMAND", required=True)

    rec = sub.add_parser("recognize", help="print the signs recognised in a video file")
    rec.add_argument("video", type=Path)
    rec.add_argument(
        "--vocab", help="enrolled vocabulary (default: office, else the MSL demo pack)"
    )
    rec.add_argument("--demo", action="store_true", help="use the bundled MSL demo pack (not KSL)")
    rec.add_argument("--realtime", action="store_true", help="pace the file like a live camera")
    rec.add_argument("--spelling", action="store_true", help="read fingerspelled letters instead")
    rec.set_defaults(func=_recognize)

    enr = sub.add_parser("enroll", help="record takes of a sign into a vocabulary")
    enr.add_argument("--gloss", required=True, help="the sign's name, e.g. 등본")
    enr.add_argument("--text", help="Korean text staff see (default: the gloss)")
    enr.add_argument("--phrase", help="phrasebook id it answers to, e.g. res.certificate")
    enr.add_argument("--letter", action="store_true", help="a fingerspelled letter (지문자)")
    enr.add_argument("--takes", type=int, default=5, help="takes to record from the camera")
    enr.add_argument("--signer", default="staff", help="who signs the takes")
    enr.add_argument("--vocab", default="office", help="vocabulary to add to (default: office)")
    enr.add_argument("--camera", help="camera index or device path (default 0)")
    enr.add_argument("files", nargs="*", type=Path, help="video files, one take each")
    enr.set_defaults(func=_enroll)

    voc = sub.add_parser("vocab", help="list, export, import or delete vocabularies")
    vsub = voc.add_subparsers(dest="vocab_command", metavar="ACTION", required=True)
    ls = vsub.add_parser("list", help="vocabularies, or the glosses of one")
    ls.add_argument("name", nargs="?")
    ls.set_defaults(func=_vocab_list)
    ex = vsub.add_parser("export", help="write a vocabulary as one .signpack file")
    ex.add_argument("name")
    ex.add_argument(
        "file",
        type=Path,
        help="the .signpack file, or a folder (a USB stick) to write NAME.signpack in",
    )
    ex.set_defaults(func=_vocab_export)
    im = vsub.add_parser("import", help="add a .signpack file to this counter")
    im.add_argument("file", type=Path)
    im.add_argument("--name", help="store it under another name")
    im.add_argument("--replace", action="store_true", help="overwrite a vocabulary of that name")
    im.set_defaults(func=_vocab_import)
    de = vsub.add_parser("delete", help="delete a vocabulary, or one gloss or take of it")
    de.add_argument("name")
    de.add_argument("--gloss", help="delete only this gloss and its takes")
    de.add_argument("--take", help="delete only this take (id from `vocab list NAME`)")
    de.set_defaults(func=_vocab_delete)


def _store() -> VocabularyStore:
    from sign.store import VocabularyStore

    return VocabularyStore(data_dir() / "sign")


def _vocabulary(name: str | None, demo: bool) -> SignVocabulary:
    from sign.store import demo_vocabulary, office_or_demo

    if name is not None and not demo:
        return _store().load(name)
    vocabulary, is_demo = (demo_vocabulary(), True) if demo else office_or_demo(_store())
    if is_demo:
        print("using the MSL-150 demo pack (Mexican signs, not KSL)", file=sys.stderr)
    return vocabulary


def _recognize(args: argparse.Namespace) -> int:
    from sign.frames import VideoFileSource
    from sign.pipeline import SignPipeline
    from sign.stream import Mode, SignStream, SignStreamConfig

    vocabulary = _vocabulary(args.vocab, args.demo)
    mode = Mode.SPELLING if args.spelling else Mode.SIGNS
    stream = SignStream(vocabulary, SignStreamConfig(mode=mode))
    pipeline = SignPipeline(
        VideoFileSource(args.video, realtime=args.realtime),
        stream,
        on_event=lambda event: print(_describe(event), flush=True),
        drop_frames=args.realtime,
    )
    events = pipeline.run()
    if not events:
        print("no signs found")
    return 0


def _describe(event: SignEvent) -> str:
    """One line per segmented sign: its time span, then the result; a question ends with "?"."""
    from sign.events import SignResult, SignUnsure

    span = f"{event.start_s:6.2f}–{event.end_s:6.2f} s"
    if isinstance(event, SignResult):
        alts = ", ".join(f"{g} {p:.2f}" for g, p in event.alternatives[1:])
        phrase = f"  [{event.phrase_id}]" if event.phrase_id else ""
        kind = " (letter)" if event.kind.value == "letter" else ""
        return f"{span}  {event.text_ko}{kind}  {event.confidence:.2f}{phrase}  (also: {alts})"
    if isinstance(event, SignUnsure):
        alts = ", ".join(f"{g} {p:.2f}" for g, p in event.candidate.alternatives[1:])
        also = f"; also: {alts}" if alts else ""
        return f"{span}  unsure ({event.reason}{also}): {event.candidate.text_ko}?"
    return f"{span}  not recognised — ask to repeat or write ({event.reason})"


def _enroll(args: argparse.Namespace) -> int:
    from sign.enrolment import take_from_video
    from sign.errors import SignError, VocabularyError
    from sign.events import ResultKind
    from sign.vocabulary import Gloss

    if args.files and args.camera is not None:
        raise SignError("give either video files or --camera, not both")
    store = _store()
    vocabulary = store.load_or_new(args.vocab)
    kind = ResultKind.LETTER if args.letter else ResultKind.SIGN
    old = vocabulary.glosses.get(args.gloss)
    vocabulary.add_gloss(
        Gloss(
            args.gloss,
            args.text or (old.text_ko if old else args.gloss),
            args.phrase or (old.phrase_id if old else None),
            kind,
        )
    )
    if args.files:
        for path in args.files:
            take = vocabulary.add_take(args.gloss, args.signer, take_from_video(path), path.name)
            print(f"take {take.id}: {len(take.landmarks)} frames from {path.name}")
    else:
        for index, landmarks in enumerate(_camera_takes(args.camera or "0", args.takes), 1):
            take = vocabulary.add_take(args.gloss, args.signer, landmarks, f"camera {args.camera}")
            print(f"take {index}/{args.takes} recorded ({len(landmarks)} frames)")
    try:
        store.save(vocabulary)
    except VocabularyError as exc:
        return _keep_unsaved_takes(vocabulary, exc)
    n = len(vocabulary.takes_for(args.gloss))
    print(f"{args.gloss}: {n} takes in vocabulary {vocabulary.name!r}")
    return 0


def _keep_unsaved_takes(vocabulary: SignVocabulary, error: Exception) -> int:
    """The store could not be written (read-only or full disk): the recorded takes are not lost,
    they go into a pack in the first writable folder, with the command that brings them back."""
    import os
    import tempfile

    from sign.errors import VocabularyError

    print(f"changgu: {error}", file=sys.stderr)
    for folder in (Path.cwd(), Path.home(), Path(tempfile.gettempdir())):
        if not os.access(folder, os.W_OK):
            continue
        try:
            kept = vocabulary.export_archive(folder / f"unsaved-{vocabulary.name}.signpack")
        except (OSError, VocabularyError):  # full, or a pipe or folder of that name: next one
            continue
        print(
            f"the recorded takes are kept in {kept}; once the folder is writable, run "
            f"`changgu sign vocab import {kept} --replace`",
            file=sys.stderr,
        )
        return 1
    print("changgu: no writable folder to keep the takes in; nothing was saved", file=sys.stderr)
    return 1


def _camera_takes(camera: str, takes: int, timeout_s: float = 60.0) -> list[LandmarkSequence]:
    from kiosk.setup.settings import camera_device
    from sign.enrolment import TakeRecorder
    from sign.errors import SignError
    from sign.frames import CameraSource, LatestFrameReader
    from sign.holistic import HolisticExtractor

    reader = LatestFrameReader(CameraSource(camera_device(camera)))
    recorder = TakeRecorder()
    out = []
    print(f"take 1/{takes}: sign now, then lower your hands", flush=True)
    deadline = time.monotonic() + timeout_s
    with HolisticExtractor() as extractor:
        try:
            for frame in reader.frames():
                landmarks = recorder.feed(extractor.process(frame.image, frame.t))
                if landmarks is not None:
                    out.append(landmarks)
                    if len(out) == takes:
                        break
                    print(f"take {len(out) + 1}/{takes}: sign again", flush=True)
                    deadline = time.monotonic() + timeout_s
                if time.monotonic() > deadline:
                    raise SignError(
                        f"no sign seen for {timeout_s:.0f} s: stand so the camera sees your upper "
                        "body and raise your hands to sign"
                    )
        except (SignError, KeyboardInterrupt) as exc:
            if not out:
                raise
            # the takes recorded so far are kept: a lost camera or Ctrl+C must not waste them
            why = str(exc) or "stopped (Ctrl+C)"
            print(f"recording ended after {len(out)} of {takes} takes: {why}", file=sys.stderr)
            print(f"keeping the {len(out)} recorded", file=sys.stderr)
        finally:
            reader.close()
    return out


def _vocab_list(args: argparse.Namespace) -> int:
    from sign.vocabulary import glosses_summary

    store = _store()
    if args.name is None:
        names = store.names()
        if not names:
            print("no vocabularies enrolled (the MSL demo pack is used until one is)")
        for name in names:
            vocab = store.load(name)
            print(
                f"{name}\t{len(vocab.glosses)} glosses\t{len(vocab.takes)} takes\t{vocab.language}"
            )
        return 0
    vocab = store.load(args.name)
    for gloss, takes, signers in glosses_summary(vocab):
        phrase = gloss.phrase_id or "-"
        print(
            f"{gloss.id}\t{gloss.text_ko}\t{phrase}\t{gloss.kind.value}\t"
            f"{takes} takes\t{signers} signers"
        )
        for take in vocab.takes_for(gloss.id):
            print(f"    {take.id}\t{take.signer}\t{len(take.landmarks)} frames\t{take.source}")
    return 0


def _vocab_export(args: argparse.Namespace) -> int:
    path = _store().export_archive(args.name, args.file)
    print(f"exported {args.name} to {path}")
    return 0


def _vocab_import(args: argparse.Namespace) -> int:
    vocab = _store().import_archive(args.file, name=args.name, replace=args.replace)
    print(f"imported {vocab.name}: {len(vocab.glosses)} glosses, {len(vocab.takes)} takes")
    return 0


def _vocab_delete(args: argparse.Namespace) -> int:
    store = _store()
    if args.gloss is None and args.take is None:
        store.delete(args.name)
        print(f"deleted vocabulary {args.name}")
        return 0
    vocab = store.load(args.name)
    if args.take:
        vocab.remove_take(args.take)
    if args.gloss:
        vocab.remove_gloss(args.gloss)
    store.save(vocab)
    print(f"updated vocabulary {args.name}")
    return 0
