"""The installer staff run: `packaging/build.sh` builds the .deb from this tree (PyInstaller, then
dpkg-deb), which is unpacked into a throwaway root and started there as on a counter PC — no Python
anywhere it can see, no network.

Slow (a full PyInstaller build: about a minute here), hence `@pytest.mark.package`; `make test`
runs these after the rest of the suite. PyInstaller (dev extras) and dpkg-deb are required, not
optional: a missing one fails these tests rather than skipping them, so CI cannot pass without
them. The build happens once per session (module-scoped fixture) into build/package-test/, so the
release build in dist/ is left alone, and the .deb is compressed with zstd -1 (seconds) instead of
the release's xz -6 (7-12 minutes on 2 shared cores): the archive is the same apart from its
compression, and dpkg reads both. Environment:
  CHANGGU_PACKAGE_DEB=PATH           test an existing .deb (e.g. the release one) without building
  CHANGGU_PACKAGE_COMPRESSION=xz     build with another compression (xz, zstd, gzip, none)
The city-repository test (marker `city_apt`) installs the .deb with apt into a fresh minimal
Debian 12 chroot (root, debootstrap and reprepro, the Debian mirror reachable), which has no Python
at all. It takes about 3 minutes, so `make bench` and `make package-test` run it, `make test` (CI)
does not.
"""

from __future__ import annotations

import importlib.util
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator, Sequence
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
OUT = REPO / "build" / "package-test"
sys.path.insert(0, str(REPO / "packaging"))
from bundle_contents import our_modules  # noqa: E402
from check_bundle import archived_modules, problems  # noqa: E402

pytestmark = pytest.mark.package

DEPENDS = (
    "libxcb-cursor0",
    "libxkbcommon-x11-0",
    "libegl1",
    "libportaudio2",
    "libpulse0",
    "fonts-noto-cjk",
    "fonts-noto-core",
)


@pytest.fixture(scope="module")
def deb() -> Path:
    assert importlib.util.find_spec("PyInstaller"), "PyInstaller is missing: run `make setup`"
    assert shutil.which("dpkg-deb") and shutil.which("dpkg"), "dpkg-deb is missing (Debian only)"
    prebuilt = os.environ.get("CHANGGU_PACKAGE_DEB")
    if prebuilt:
        return Path(prebuilt)
    for old in OUT.glob("changgu_*.deb"):
        old.unlink()
    env = {
        **os.environ,
        "CHANGGU_DIST": str(OUT),
        "CHANGGU_DEB_COMPRESSION": os.environ.get("CHANGGU_PACKAGE_COMPRESSION", "zstd"),
    }
    OUT.mkdir(parents=True, exist_ok=True)
    log = OUT / "build.log"
    with log.open("w") as out:
        result = subprocess.run(
            ["bash", str(REPO / "packaging" / "build.sh")],
            cwd=REPO,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            timeout=1500,
        )
    text = log.read_text(errors="replace")
    assert result.returncode == 0, f"build.sh failed (full log: {log}):\n{text[-4000:]}"
    print(text)  # the step timings, shown with -s or -rA
    debs = list(OUT.glob("changgu_*.deb"))
    assert len(debs) == 1, f"build.sh made {len(debs)} .deb files in {OUT}"
    return debs[0]


@pytest.fixture(scope="module")
def sandbox() -> Iterator[Path]:
    """A throwaway folder the unprivileged user can reach (pytest's own are private to root)."""
    folder = Path(tempfile.mkdtemp(prefix="changgu-package-test-"))
    folder.chmod(0o755)
    yield folder
    shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture(scope="module")
def root(deb: Path, sandbox: Path) -> Path:
    """The .deb's files, extracted as dpkg would install them (without running as root there)."""
    target = sandbox / "root"
    subprocess.run(["dpkg", "-x", str(deb), str(target)], check=True)
    # what the postinst does next, as root: the phrase index for every user of the PC. The tree's
    # own index (`make setup` built it from the same phrasebook, glossary and model) is put there
    # first: the packaged program must find it current and keep it (its name is a sha256 of every
    # wording and the model's name), which takes seconds where embedding takes two minutes. The
    # postinst's own embedding runs in the city APT repository test (`make bench`).
    from kiosk.setup.paths import cache_dir
    from translate import build_phrase_index

    tree_index = build_phrase_index(cache_dir())
    cache = target / "opt/changgu/cache"
    cache.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(tree_index, cache / tree_index.name)
    (cache / tree_index.name).chmod(0o600)  # the installer makes it readable by every user
    home = sandbox / "postinst"
    home.mkdir()
    program = [str(target / "opt/changgu/changgu"), "models", "index", "--into", str(cache)]
    index = isolated(program, home, 600, user=False)
    assert index.returncode == 0, index.stdout[-2000:] + index.stderr[-2000:]
    # the packaged program reads the same book as the tree: the index is current, and kept
    assert [p.name for p in cache.iterdir()] == [tree_index.name], index.stdout[-2000:]
    assert [p.stat().st_mode & 0o777 for p in cache.iterdir()] == [0o644]
    return target


@pytest.fixture
def workdir(sandbox: Path, request: pytest.FixtureRequest) -> Path:
    """A fresh folder for one run: its HOME and current folder, owned by the user it runs as."""
    folder = sandbox / f"run-{request.node.name}"
    folder.mkdir()
    if drop_to_nobody():
        os.chown(folder, NOBODY, NOBODY)
    return folder


def test_control_declares_the_system_libraries(deb: Path) -> None:
    depends = subprocess.run(
        ["dpkg-deb", "-f", str(deb), "Depends"], capture_output=True, text=True, check=True
    ).stdout
    for package in DEPENDS:
        assert package in depends
    scripts = subprocess.run(
        ["dpkg-deb", "-I", str(deb), "postinst"], capture_output=True, text=True, check=True
    ).stdout
    assert "--self-test" in scripts
    assert "models index --into /opt/changgu/cache" in scripts  # the phrase index, not shipped
    assert not any("opt/changgu/cache" in name for name in _listing(deb))


def _listing(deb: Path) -> list[str]:
    return subprocess.run(
        ["dpkg-deb", "-c", str(deb)], capture_output=True, text=True, check=True
    ).stdout.splitlines()


def test_installs_the_launcher_and_desktop_entries(root: Path) -> None:
    assert os.access(root / "usr/bin/changgu", os.X_OK)
    assert "/opt/changgu/changgu" in (root / "usr/bin/changgu").read_text()
    desktop = (root / "usr/share/applications/changgu.desktop").read_text()
    assert "Exec=changgu" in desktop
    assert (root / "usr/share/xsessions/changgu-kiosk.desktop").is_file()
    assert (root / "usr/share/changgu/autostart.desktop").is_file()


def test_every_installed_file_is_readable_by_every_user(root: Path) -> None:
    """dpkg installs as root; the kiosk runs as the counter's user (models were once 0700)."""
    private = []
    for path in [root, *root.rglob("*")]:
        if path.is_symlink():
            continue
        needed = 0o005 if path.is_dir() else 0o004  # others may list and enter, or read
        if path.stat().st_mode & needed != needed:
            private.append(f"{path.relative_to(root)} ({path.stat().st_mode & 0o777:o})")
    assert private == []


def test_bundle_holds_no_tests_caches_or_torch(root: Path) -> None:
    bundle = root / "opt/changgu"
    assert problems(bundle) == []  # also: every module and data file of this tree is there
    names = [p.name for p in bundle.rglob("*")]
    assert not [n for n in names if n.endswith(".pyc")], "loose .pyc files (tests or caches)"
    heavy = ("torch", "libcuda", "libcudnn", "libcublas", "libnvrtc", "jaxlib")
    assert not [n for n in names if n.lower().startswith(heavy)]
    modules = archived_modules(bundle / "changgu")
    assert modules is not None
    assert not [m for m in modules if m == "tests" or m.startswith(("tests.", "_pytest", "torch"))]


def test_bundle_holds_every_module_of_our_packages(root: Path) -> None:
    """Whole packages: modules imported lazily or found with pkgutil (kiosk.cli.*, the UI)."""
    modules = archived_modules(root / "opt/changgu/changgu")
    assert modules is not None
    ours = our_modules(REPO)
    for package in (
        "kiosk",
        "kiosk.cli",
        "kiosk.core",
        "kiosk.demo",
        "kiosk.runtime",
        "kiosk.setup",
        "kiosk.ui",
        "asr",
        "translate",
        "sign",
        "assets",
    ):
        assert package in ours
    assert [m for m in ours if m not in modules] == []
    commands = [m for m in ours if m.startswith("kiosk.cli.")]
    assert len(commands) >= 5 and set(commands) <= modules


def test_isolation_really_hides_python_and_the_network(workdir: Path) -> None:
    """What the packaged program sees below: no python anywhere, only a loopback interface, and
    (when the tests run as root) an ordinary user's rights."""
    if not namespaces_work():
        pytest.skip("needs root and unshare: the program then runs with only PATH/env stripped")
    runs = "\"$p\" -c 'print(6*7)' 2>/dev/null | grep -q 42"
    probe = (
        "PATH=/usr/local/bin:/usr/bin:/bin; "  # the system's PATH: would find a visible python
        "for p in python3 python python3.11; do "
        f"command -v $p >/dev/null && {runs} && exit 11; done; "
        f"for p in /usr/bin/python3* /usr/local/bin/python3* {_q(REPO / '.venv/bin/python')}; do "
        f"{runs} && exit 12; done; "
        "ls /usr/lib/python3*/os.py /usr/local/lib/python3*/os.py 2>/dev/null | grep . && exit 13; "
        f"test -e {_q(REPO / 'kiosk/__init__.py')} && exit 14; "
        "grep -v -e '^Inter' -e '^ face' -e '^ *lo:' /proc/net/dev | grep . && exit 15; "
        + (f'test "$(id -u)" = {NOBODY} || exit 16; ' if drop_to_nobody() else "")
        + "exit 0"
    )
    result = isolated(["/bin/sh", "-c", probe], workdir, 30)
    assert result.returncode == 0, (result.returncode, result.stdout, result.stderr)


def test_packaged_self_test_passes_without_python_or_network(root: Path, workdir: Path) -> None:
    result = run_isolated(root, ["--self-test"], workdir, timeout=300)
    out = result.stdout
    assert result.returncode == 0, out[-3000:] + result.stderr[-3000:]
    assert f"models in {root}/opt/changgu/models" in out  # the bundle's own models
    for check in (
        "[ok  ] speech recognition (Whisper)",
        "[ok  ] voice activity (Silero VAD)",
        "[ok  ] phrase matching model",
        "[ok  ] sign language (MediaPipe Holistic)",
        "[ok  ] font for Korean",
        "[ok  ] font for Thai",
        "[ok  ] word boundaries",
        "[ok  ] visitor keyboards",  # pinyin and kana dictionaries inside the bundle
        "All required checks passed",
    ):
        assert check in out


def test_packaged_microphone_process_starts_without_python(root: Path, workdir: Path) -> None:
    """The kiosk captures each microphone in a process of the packaged binary itself."""
    result = run_isolated(root, ["__mic_worker__", "no microphone is called this"], workdir, 60)
    header = json.loads(result.stdout.splitlines()[0])
    assert result.returncode == 2, result.stdout[-2000:] + result.stderr[-2000:]
    assert header["ok"] is False and "microphone" in header["error"]


def test_packaged_offscreen_demo(root: Path, workdir: Path) -> None:
    shots = workdir / "shots"
    result = run_isolated(
        root, ["demo", "--offscreen", "--fast", "--screenshots", str(shots)], workdir, timeout=600
    )
    out = result.stdout
    assert result.returncode == 0, out[-3000:] + result.stderr[-3000:]
    assert list(shots.glob("*.png")), "the demo painted no screen"
    assert "models ready" in out, out[-3000:]
    # the bundled recordings were recognised and translated by the packaged engines
    assert re.search(r"^\[visitor\] \(\w+\) \w", out, re.MULTILINE), out[-3000:]
    assert re.search(r"^ +→ \(ko, \w+\) \w", out, re.MULTILINE), out[-3000:]


def test_staff_install_a_model_from_a_usb_stick(
    root: Path, sandbox: Path, workdir: Path, whisper_release: Path
) -> None:
    """packaging/README.md, section 4: `sudo changgu models install NAME --from PATH`, then the
    counter's user runs the kiosk. The installed tree is put at /opt/changgu (a private mount).
    Whisper base comes as its float16 release and the packaged program stores it as int8."""
    if not namespaces_work():
        pytest.skip("needs root and unshare (/opt/changgu is mounted in a private namespace)")
    copy = sandbox / "root-usb"  # hard links: the model manager replaces folders, never edits files
    subprocess.run(["cp", "-al", str(root), str(copy)], check=True)
    usb = sandbox / "usb"
    (usb / "silero-vad").mkdir(parents=True)
    shutil.copy(root / "opt/changgu/models/silero-vad/silero_vad_v6.onnx", usb / "silero-vad")
    shutil.copytree(whisper_release, usb / "whisper-base")
    for path in (usb, *usb.rglob("*")):
        path.chmod(0o755 if path.is_dir() else 0o644)
    for name in ("silero-vad", "whisper-base"):  # as if they had never been installed
        shutil.rmtree(copy / "opt/changgu/models" / name)
    admin_home = sandbox / "admin-home"  # root's files stay out of the user's HOME
    install = f"env HOME={_q(admin_home)} {_q(copy / 'usr/bin/changgu')} models install"
    as_root = (
        f"{install} silero-vad --from {_q(usb / 'silero-vad')} && "
        f"{install} whisper-base --from {_q(usb / 'whisper-base')}"
    )
    as_user = f"{_q(copy / 'usr/bin/changgu')} models verify"
    result = isolated(
        # the launcher is a shell script: it needs the system's tools (no Python is visible)
        ["/bin/sh", "-c", f"PATH=/usr/bin:/bin; {as_root} && {_setpriv()} {as_user}"],
        workdir,
        120,
        user=False,
        opt=copy / "opt/changgu",
    )
    out = result.stdout + result.stderr
    assert result.returncode == 0, out[-3000:]
    assert "silero-vad: installed in /opt/changgu/models/silero-vad" in out
    assert "whisper-base: storing model.bin as int8 weights" in out
    assert "whisper-base: installed in /opt/changgu/models/whisper-base" in out
    assert "silero-vad: ok" in out and "whisper-base: ok" in out  # read by the counter's user
    for name in ("silero-vad", "whisper-base"):
        assert (copy / "opt/changgu/models" / name).stat().st_mode & 0o005 == 0o005
    assert (copy / "opt/changgu/models/whisper-base/model.bin").stat().st_size == 75104311


@pytest.mark.city_apt
def test_a_city_repository_installs_and_upgrades_keeping_what_staff_made(
    deb: Path, tmp_path: Path
) -> None:
    """The city's own repository (packaging/apt_repo.sh, reprepro) as a file:// source in a fresh
    Debian: apt-get install, staff's settings, enrolled signs and office phrases, a newer build
    added to the repository, apt-get upgrade: all of it still there, and the kiosk starts."""
    from sign.store import VocabularyStore, demo_vocabulary
    from translate.office import OfficeBook, SaidBy

    # about 3 minutes (debootstrap fetches a minimal Debian from its mirror, as `make` fetches the
    # system packages); `make setup` installs debootstrap and reprepro
    assert os.geteuid() == 0, "installing into a chroot needs root (as `make test` runs on Debian)"
    assert shutil.which("debootstrap") and shutil.which("reprepro"), (
        "apt-get install debootstrap reprepro (make setup does)"
    )
    chroot = tmp_path / "debian"
    subprocess.run(
        [
            "debootstrap",
            "--variant=minbase",
            "bookworm",
            str(chroot),
            "http://deb.debian.org/debian",
        ],
        check=True,
        capture_output=True,
        timeout=900,
    )
    assert not list((chroot / "usr/bin").glob("python*")), "minbase has no Python"
    shutil.copy("/etc/resolv.conf", chroot / "etc/resolv.conf")
    repo = chroot / "srv/changgu-repo"
    script = REPO / "packaging" / "apt_repo.sh"
    subprocess.run(["bash", str(script), str(repo), str(deb)], check=True, capture_output=True)
    (chroot / "etc/apt/sources.list.d/changgu.list").write_text(
        "deb [trusted=yes] file:/srv/changgu-repo bookworm main\n"
    )
    install = in_chroot(
        chroot,
        "apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "
        "--no-install-recommends changgu",
        timeout=1200,
    )
    assert install.returncode == 0, install.stdout[-3000:] + install.stderr[-3000:]
    assert "All required checks passed" in install.stdout  # postinst ran the self-test
    index = list((chroot / "opt/changgu/cache").glob("phrase-index-*.npz"))  # postinst built it
    assert len(index) == 1 and index[0].stat().st_mode & 0o777 == 0o644
    assert not list((chroot / "usr/bin").glob("python*")), "the package pulled in Python"
    old = in_chroot(chroot, "dpkg-query -W -f '${Version}' changgu", timeout=60).stdout

    # what staff made on this counter: settings, an enrolled vocabulary, an office phrase
    home = chroot / "root"
    config, data = home / ".config/changgu", home / ".local/share/changgu"
    config.mkdir(parents=True, exist_ok=True)
    settings = config / "settings.json"
    settings.write_text(json.dumps({"languages": ["vi", "en"], "idle_timeout_s": 120}))
    VocabularyStore(data / "sign").save(demo_vocabulary())
    book = OfficeBook()
    book.add("office.lunch", SaidBy.STAFF, "점심시간은 12시부터 1시까지입니다.", by="김민지")
    (data / "office").mkdir(parents=True, exist_ok=True)
    book.save(data / "office/phrases.toml")
    staff_made = [settings, *(data / "sign").rglob("*"), data / "office/phrases.toml"]
    made = {p: p.read_bytes() for p in staff_made if p.is_file()}
    assert len(made) >= 3

    # a newer build in the repository (the same files under a higher version)
    newer = tmp_path / "newer.deb"
    unpacked = tmp_path / "unpacked"
    subprocess.run(["dpkg-deb", "-R", str(deb), str(unpacked)], check=True)
    control = unpacked / "DEBIAN/control"
    control.write_text(re.sub(r"(?m)^Version: (.*)$", r"Version: \1+city1", control.read_text()))
    subprocess.run(
        ["dpkg-deb", "--root-owner-group", "-Zzstd", "-z1", "-b", str(unpacked), str(newer)],
        check=True,
        capture_output=True,
    )
    subprocess.run(["bash", str(script), str(repo), str(newer)], check=True, capture_output=True)
    upgrade = in_chroot(
        chroot,
        "apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get upgrade -y -qq",
        timeout=1200,
    )
    assert upgrade.returncode == 0, upgrade.stdout[-3000:] + upgrade.stderr[-3000:]
    new = in_chroot(chroot, "dpkg-query -W -f '${Version}' changgu", timeout=60).stdout
    assert new == f"{old}+city1"
    for path, content in made.items():
        assert path.read_bytes() == content, f"{path} changed in the upgrade"
    started = in_chroot(
        chroot,
        "env -i HOME=/root PATH=/usr/bin:/bin QT_QPA_PLATFORM=offscreen sh -c "
        "'changgu --self-test && changgu sign vocab list && changgu office list'",
        timeout=300,
        network=False,
    )
    out = started.stdout + started.stderr
    assert started.returncode == 0, out[-3000:]
    assert demo_vocabulary().name in out and "office.lunch" in out
    assert list((chroot / "opt/changgu/cache").glob("phrase-index-*.npz")) == index  # kept

    removed = in_chroot(chroot, "DEBIAN_FRONTEND=noninteractive apt-get remove -y -qq changgu", 300)
    assert removed.returncode == 0, removed.stdout[-2000:] + removed.stderr[-2000:]
    assert not (chroot / "opt/changgu/cache").exists()  # what postinst built goes with it


def in_chroot(
    chroot: Path, command: str, timeout: float, network: bool = True
) -> subprocess.CompletedProcess[str]:
    """`command` run by /bin/sh inside the chroot, with /proc mounted (in a private namespace)."""
    script = (
        f"mount -t proc proc {_q(chroot / 'proc')} && exec chroot {_q(chroot)} sh -c {_q(command)}"
    )
    namespaces = ["--mount"] if network else ["--mount", "--net"]
    return subprocess.run(
        ["unshare", *namespaces, "/bin/sh", "-c", script],
        capture_output=True,
        text=True,
        timeout=timeout,
    )


# -- helpers ---------------------------------------------------------------------------------


def run_isolated(
    root: Path, args: Sequence[str], workdir: Path, timeout: float
) -> subprocess.CompletedProcess[str]:
    """Run the installed program as on a counter PC (see `isolated`)."""
    return isolated([str(root / "opt/changgu/changgu"), *args], workdir, timeout)


def isolated(
    program: Sequence[str],
    workdir: Path,
    timeout: float,
    user: bool = True,
    opt: Path | None = None,
) -> subprocess.CompletedProcess[str]:
    """Run `program` with no Python and no network available to it, in `workdir` (also HOME).

    As root: in new mount and network namespaces, with every Python on this machine (the system's,
    the venv, the source tree) hidden behind empty folders, no network interface but loopback
    (which is down), and, when `user`, as the unprivileged user `nobody` (a counter PC's kiosk does
    not run as root). `opt`: a folder mounted at /opt/changgu there. Otherwise: only PATH and the
    environment are stripped.
    """
    empty = workdir / ".empty"
    empty.mkdir(exist_ok=True)
    env = [
        "env",
        "-i",
        f"HOME={workdir}",
        f"PATH={empty}",
        "LANG=C.UTF-8",
        "QT_QPA_PLATFORM=offscreen",
    ]
    command = [*env, *program]
    if namespaces_work():
        hide = [REPO, *_python_dirs()]
        mounts = [
            f"mount --bind {_q(empty if p.is_dir() else Path('/dev/null'))} {_q(p)}" for p in hide
        ]
        if opt is not None:  # a tmpfs over /opt (in this namespace only) to hold the mount point
            mounts += [
                "mount -t tmpfs tmpfs /opt",
                "mkdir /opt/changgu",
                f"mount --bind {_q(opt)} /opt/changgu",
            ]
        drop = _setpriv() + " " if user and drop_to_nobody() else ""
        script = " && ".join(mounts) + f" && exec {drop}" + " ".join(_q(a) for a in command)
        command = ["unshare", "--mount", "--net", "/bin/sh", "-c", script]
    return subprocess.run(command, capture_output=True, text=True, timeout=timeout, cwd=workdir)


NOBODY = 65534


def drop_to_nobody() -> bool:
    return namespaces_work() and shutil.which("setpriv") is not None


def _setpriv() -> str:
    return f"setpriv --reuid={NOBODY} --regid={NOBODY} --clear-groups"


def _python_dirs() -> list[Path]:
    found: set[Path] = set()
    for folder in (Path("/usr/bin"), Path("/usr/local/bin")):
        found.update(p for p in folder.glob("python3*") if p.is_file() and not p.is_symlink())
    for folder in (Path("/usr/lib"), Path("/usr/local/lib")):
        found.update(p for p in folder.glob("python3*") if p.is_dir())
    return sorted(found)


def namespaces_work() -> bool:
    if os.geteuid() != 0 or shutil.which("unshare") is None:
        return False
    probe = subprocess.run(["unshare", "--mount", "--net", "true"], capture_output=True)
    return probe.returncode == 0


def _q(path: Path | str) -> str:
    return "'" + str(path).replace("'", "'\\''") + "'"
