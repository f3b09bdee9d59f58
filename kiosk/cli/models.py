"""`changgu models list | install [NAME] [--from PATH] | verify | index [--into FOLDER]`.

`install --from PATH` without a name installs a machine-translation pack (a folder or archive with
`changgu-pack.toml`, e.g. copied from a USB stick); with a name, that model of the manifest
(a Whisper size, …) from the folder or archive.
"""

from __future__ import annotations

import argparse
import tempfile
from pathlib import Path

from kiosk.setup.model_store import ModelError, ModelManager, ModelState


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = sub.add_parser("models", help="list, install and verify the models")
    msub = parser.add_subparsers(dest="models_command", metavar="ACTION", required=True)
    p = msub.add_parser("list", help="every known model and whether it is installed")
    p.set_defaults(func=_list)
    p = msub.add_parser("install", help="install the default models, or the one named")
    p.add_argument("name", nargs="*", help="model name (default: all default models)")
    p.add_argument("--from", dest="source", type=Path, help="a folder or archive (USB stick)")
    p.set_defaults(func=_install)
    p = msub.add_parser("verify", help="re-check every installed model file against its checksum")
    p.set_defaults(func=_verify)
    p = msub.add_parser(
        "index", help="embed the phrasebook now (the installer does it once, for every user)"
    )
    p.add_argument(
        "--into", type=Path, help="the folder to write it to (default: this user's cache)"
    )
    p.set_defaults(func=_index)


def _list(args: argparse.Namespace) -> int:
    manager = ModelManager()
    print(f"{'name':24} {'role':6} {'size':>8}  {'state':10} licence")
    for spec in manager.specs:
        state = manager.state(spec.name).value
        size = f"{spec.size_mb:.0f} MB" if spec.size_mb >= 1 else f"{spec.size_mb} MB"
        mark = " (default)" if spec.default else ""
        print(f"{spec.name:24} {spec.role:6} {size:>8}  {state:10} {spec.licence}{mark}")
    print(f"\nModels folder: {manager.root}")
    return 0


def _install(args: argparse.Namespace) -> int:
    if args.source and not args.name:
        return _install_translation_pack(args.source)
    manager = ModelManager()
    names = args.name or [s.name for s in manager.specs if s.default]
    if args.source and len(names) != 1:
        print("changgu: name exactly one model to install with --from PATH")
        return 2
    for name in names:
        manager.install(name, source_path=args.source, progress=lambda msg: print(msg, flush=True))
    if not args.name:
        _build_phrase_index()
    return 0


def _install_translation_pack(source: Path) -> int:
    """A machine-translation pack from a folder or archive: checked (`install_pack` refuses a
    link, a pipe or a device anywhere in it, and a name that cannot be a folder's), then put
    beside the models."""
    from kiosk.setup import paths
    from translate.mt import install_pack
    from translate.mt.pack import MANIFEST

    if source.is_dir() and not (source / MANIFEST).is_file():
        print(
            f"changgu: {source} holds no {MANIFEST}, so it is not a translation pack. For a "
            "speech model, name it: changgu models install whisper-small --from PATH"
        )
        return 2
    print(f"translation pack: checking and copying {source}", flush=True)
    mt_dir = paths.models_dir() / "mt"
    try:
        info = install_pack(source, mt_dir)  # a PackError says what is wrong
    except OSError as exc:
        raise ModelError(
            f"cannot write the translation pack to {mt_dir} ({exc.strerror or exc}). Make the "
            "folder writable (or free some space), or set CHANGGU_DATA_DIR to a writable folder, "
            "and run the install again."
        ) from None
    print(f"translation pack {info.name} installed in {paths.models_dir() / 'mt' / info.name}")
    print("the kiosk uses it from its next start")
    return 0


def _index(args: argparse.Namespace) -> int:
    _build_phrase_index(args.into)
    return 0


def _build_phrase_index(into: Path | None = None) -> None:
    """Embed the phrasebook once at install time, so the kiosk starts in about a second. The
    .deb's installer writes it to /opt/changgu/cache, from where each user's cache is seeded."""
    from kiosk.setup import paths

    try:
        from translate import build_phrase_index
    except ImportError:
        return
    cache = into or paths.cache_dir()
    try:  # find out now, not after a minute of embedding
        cache.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=cache, prefix=".write-check-"):
            pass
        print("phrase-embeddings: embedding the phrasebook (once; one to two minutes)", flush=True)
        path = build_phrase_index(cache)
        path.chmod(0o644)  # the installer's (root's) index is read by every user
    except OSError as exc:
        raise ModelError(
            f"the models are installed, but the phrase index cannot be written to {cache} "
            f"({exc.strerror or exc}). Make that folder writable (or free some space) and run "
            "`changgu models install` again."
        ) from None
    print(f"phrase-embeddings: ready in {path}", flush=True)


def _verify(args: argparse.Namespace) -> int:
    manager = ModelManager()
    bad = 0
    for spec in manager.specs:
        if manager.state(spec.name) is ModelState.MISSING:
            continue
        problems = manager.verify(spec.name)
        if problems:
            bad += 1
            print(f"{spec.name}: DAMAGED - {'; '.join(problems)}")
            print(f"  fix: changgu models install {spec.name}")
        else:
            print(f"{spec.name}: ok")
    missing = [
        s.name for s in manager.specs if s.default and manager.state(s.name) is ModelState.MISSING
    ]
    for name in missing:
        print(f"{name}: NOT INSTALLED - fix: changgu models install {name}")
    return 1 if bad or missing else 0
