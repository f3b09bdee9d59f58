"""The installer staff run: `packaging/build.sh` builds the .deb, which is unpacked into a throwaway
root and started there as on a counter PC — no Python anywhere it can see, no network.

Slow (a full PyInstaller build and xz compression: minutes), hence `@pytest.mark.package`.
Set CHANGGU_PACKAGE_DEB to an existing .deb to test it without rebuilding. With
CHANGGU_PACKAGE_CHROOT=1 (root, debootstrap, the Debian mirror reachable) the .deb is also installed
with apt into a fresh minimal Debian 12 chroot, which has no Python at all, and self-tested there.
"""

from __future__ import annotations

import importlib.util
import os
import shutil
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO / "packaging"))
from check_bundle import problems  # noqa: E402

pytestmark = [
    pytest.mark.package,
    pytest.mark.skipif(
        importlib.util.find_spec("PyInstaller") is None,
        reason="PyInstaller is not installed (pip install pyinstaller==6.22.3)",
    ),
    pytest.mark.skipif(shutil.which("dpkg-deb") is None, reason="dpkg-deb is not installed"),
]

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
    prebuilt = os.environ.get("CHANGGU_PACKAGE_DEB")
    if prebuilt:
        return Path(prebuilt)
    result = subprocess.run(
        ["bash", str(REPO / "packaging" / "build.sh")],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=1500,
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    debs = sorted((REPO / "dist").glob("changgu_*.deb"), key=lambda p: p.stat().st_mtime)
    assert debs, "build.sh made no .deb"
    return debs[-1]


@pytest.fixture(scope="module")
def root(deb: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The .deb's files, extracted as dpkg would install them (without running as root there)."""
    target = tmp_path_factory.mktemp("installed")
    subprocess.run(["dpkg", "-x", str(deb), str(target)], check=True)
    return target


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


def test_installs_the_launcher_and_desktop_entries(root: Path) -> None:
    assert os.access(root / "usr/bin/changgu", os.X_OK)
    assert "/opt/changgu/changgu" in (root / "usr/bin/changgu").read_text()
    desktop = (root / "usr/share/applications/changgu.desktop").read_text()
    assert "Exec=changgu" in desktop
    assert (root / "usr/share/xsessions/changgu-kiosk.desktop").is_file()
    assert (root / "usr/share/changgu/autostart.desktop").is_file()


def test_bundle_holds_no_tests_caches_or_torch(root: Path) -> None:
    bundle = root / "opt/changgu"
    assert problems(bundle) == []
    names = [p.name for p in bundle.rglob("*")]
    assert not [n for n in names if n.endswith(".pyc")], "loose .pyc files (tests or caches)"
    heavy = ("torch", "libcuda", "libcudnn", "libcublas", "libnvrtc", "jaxlib")
    assert not [n for n in names if n.lower().startswith(heavy)]


def test_packaged_self_test_passes_without_python_or_network(root: Path, tmp_path: Path) -> None:
    result = run_isolated(root, ["--self-test"], tmp_path, timeout=300)
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
        "All required checks passed",
    ):
        assert check in out


def test_packaged_offscreen_demo(root: Path, tmp_path: Path) -> None:
    help_text = run_isolated(root, ["demo", "--help"], tmp_path, timeout=60).stdout
    if "--screenshots" not in help_text:
        pytest.skip("`changgu demo --offscreen --screenshots` does not exist yet (kiosk UI)")
    shots = tmp_path / "shots"
    result = run_isolated(
        root, ["demo", "--offscreen", "--fast", "--screenshots", str(shots)], tmp_path, timeout=600
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    assert list(shots.glob("*.png")), "the demo painted no screen"


@pytest.mark.skipif(
    os.environ.get("CHANGGU_PACKAGE_CHROOT") != "1",
    reason="set CHANGGU_PACKAGE_CHROOT=1 to install into a fresh Debian chroot (root, ~1.5 min)",
)
def test_installs_and_self_tests_on_a_bare_debian(deb: Path, tmp_path: Path) -> None:
    if os.geteuid() != 0 or shutil.which("debootstrap") is None:
        pytest.skip("needs root and debootstrap (apt-get install debootstrap)")
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
    shutil.copy(deb, chroot / "tmp/changgu.deb")
    shutil.copy("/etc/resolv.conf", chroot / "etc/resolv.conf")
    install = in_chroot(
        chroot,
        "apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "
        "--no-install-recommends /tmp/changgu.deb",
        timeout=1200,
    )
    assert install.returncode == 0, install.stdout[-3000:] + install.stderr[-3000:]
    assert "All required checks passed" in install.stdout  # postinst ran the self-test
    assert not list((chroot / "usr/bin").glob("python*")), "the package pulled in Python"
    rerun = in_chroot(
        chroot,
        "env -i HOME=/root PATH=/usr/bin:/bin QT_QPA_PLATFORM=offscreen changgu --self-test",
        timeout=300,
        network=False,
    )
    assert rerun.returncode == 0, rerun.stdout[-3000:] + rerun.stderr[-3000:]


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
    root: Path, args: Sequence[str], tmp_path: Path, timeout: float
) -> subprocess.CompletedProcess[str]:
    """Run the installed program as on a counter PC.

    As root: in new mount and network namespaces, with every Python on this machine (the system's,
    the venv, the source tree) hidden behind empty folders and no network interface but loopback.
    Otherwise: only PATH and the environment are stripped.
    """
    home = tmp_path / "home"
    empty = tmp_path / "empty"
    home.mkdir(exist_ok=True)
    empty.mkdir(exist_ok=True)
    env = [
        "env",
        "-i",
        f"HOME={home}",
        f"PATH={empty}",
        "LANG=C.UTF-8",
        "QT_QPA_PLATFORM=offscreen",
    ]
    program = [*env, str(root / "opt/changgu/changgu"), *args]
    if os.geteuid() == 0 and shutil.which("unshare") and _namespaces_work():
        hide = [REPO, *_python_dirs()]
        mounts = " && ".join(
            f"mount --bind {_q(empty if p.is_dir() else Path('/dev/null'))} {_q(p)}" for p in hide
        )
        script = f"{mounts} && exec " + " ".join(_q(Path(a)) for a in program)
        command = ["unshare", "--mount", "--net", "/bin/sh", "-c", script]
    else:
        command = program
    return subprocess.run(command, capture_output=True, text=True, timeout=timeout, cwd=tmp_path)


def _python_dirs() -> list[Path]:
    found: set[Path] = set()
    for folder in (Path("/usr/bin"), Path("/usr/local/bin")):
        found.update(p for p in folder.glob("python3*") if p.is_file() and not p.is_symlink())
    for folder in (Path("/usr/lib"), Path("/usr/local/lib")):
        found.update(p for p in folder.glob("python3*") if p.is_dir())
    return sorted(found)


def _namespaces_work() -> bool:
    probe = subprocess.run(["unshare", "--mount", "--net", "true"], capture_output=True)
    return probe.returncode == 0


def _q(path: Path | str) -> str:
    return "'" + str(path).replace("'", "'\\''") + "'"
