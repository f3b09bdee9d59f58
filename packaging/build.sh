#!/usr/bin/env bash
# Builds Changgu's Linux installer: a PyInstaller one-folder bundle, packed as a .deb.
#
#   bash packaging/build.sh            (what `make package` runs, after `make setup`)
#
# Needs: .venv with the project and PyInstaller, the default models installed by the model manager
# (`changgu models install`), dpkg-deb. Writes dist/changgu/ (the bundle) and
# dist/changgu_<version>_amd64.deb, and prints how long each step took.
#
# Environment:
#   PYTHON               the venv's python (default .venv/bin/python)
#   CHANGGU_DIST         output folder (default dist/; the package tests use build/package-test/)
#   CHANGGU_DEB_COMPRESSION
#                        how dpkg-deb compresses the .deb: xz (default: the release, smallest,
#                        7-12 minutes on 2 shared cores), zstd (level 1, seconds; what `make test`
#                        uses), gzip (level 1) or none
#   CHANGGU_KIOSK_ARGS   arguments of the kiosk launched by the desktop and session entries
#                        (default "run")
#   CHANGGU_SHIP_INDEX=1 prebuild the phrase index and ship it in /opt/changgu/cache (12 MB more;
#                        by default the installer's postinst builds it there, in one to two minutes)
set -euo pipefail

REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$REPO"
PYTHON="${PYTHON:-$REPO/.venv/bin/python}"
KIOSK_ARGS="${CHANGGU_KIOSK_ARGS:-run}"
WORK="$REPO/build/package"
DIST="$(mkdir -p "${CHANGGU_DIST:-$REPO/dist}" && cd "${CHANGGU_DIST:-$REPO/dist}" && pwd)"
COMPRESSION="${CHANGGU_DEB_COMPRESSION:-xz}"
ARCH="$(dpkg --print-architecture 2>/dev/null || echo amd64)"

step_start=$(date +%s.%N)
build_start=$step_start
step() {  # step NAME: print the time the previous step took
	local now; now=$(date +%s.%N)
	awk -v a="$step_start" -v b="$now" 'BEGIN { printf "  (%.1f s)\n", b - a }'
	step_start=$now
	echo "== $1"
}

die() { echo "build.sh: $*" >&2; exit 1; }

[ -x "$PYTHON" ] || die "$PYTHON not found: run \`make setup\` first"
"$PYTHON" -c "import PyInstaller" 2>/dev/null \
	|| die "PyInstaller is not installed: $PYTHON -m pip install pyinstaller==6.22.3"
command -v dpkg-deb >/dev/null || die "dpkg-deb not found: apt-get install dpkg"
case "$COMPRESSION" in
	# xz -9e: about 4 MB (1.2%) smaller than dpkg's default -6, for the 300 MB target; a few
	# minutes more of the release build, about 100 MB of memory to unpack it
	xz) DEB_COMPRESS=(-Zxz -z9 -Sextreme --threads-max="$(nproc)") ;;
	zstd) DEB_COMPRESS=(-Zzstd -z1) ;;
	gzip) DEB_COMPRESS=(-Zgzip -z1) ;;
	none) DEB_COMPRESS=(-Znone) ;;
	*) die "CHANGGU_DEB_COMPRESSION=$COMPRESSION: use xz, zstd, gzip or none" ;;
esac

# One build at a time in this checkout: build/package/ is shared (e.g. `make test` and `make package`
# started together).
mkdir -p "$WORK"
exec 9>"$WORK/.lock"
if command -v flock >/dev/null && ! flock -n 9; then
	echo "== waiting for another build in $REPO to finish"
	flock 9
fi

VERSION="$("$PYTHON" -c 'import importlib.metadata as m; print(m.version("changgu"))')"
echo "== Changgu $VERSION: checking the installed models"
"$PYTHON" -m kiosk.cli models verify

rm -rf "$WORK/cache" && mkdir -p "$WORK/cache"
if [ "${CHANGGU_SHIP_INDEX:-0}" = 1 ] && "$PYTHON" -c "import translate" 2>/dev/null; then
	step "prebuilding the phrase index (about a minute when the phrasebook changed)"
	# `changgu models install` (make setup) already embedded this phrasebook into the user's cache:
	# its index is reused when its key (a hash of every wording and the model) still matches.
	"$PYTHON" -c "
import shutil, sys
from pathlib import Path
from kiosk.setup import paths
from translate import build_phrase_index
work = Path(sys.argv[1])
for index in paths.cache_dir().glob('phrase-index-*.npz'):
    if not (work / index.name).exists():
        shutil.copyfile(index, work / index.name)
kept = build_phrase_index(work)  # checks the key; embeds again only when it does not match
for other in work.glob('phrase-index-*.npz'):
    if other != kept:
        other.unlink()
print(kept)
" "$WORK/cache"
fi

step "PyInstaller (one-folder bundle)"
rm -rf "$DIST/changgu"
# The program's Python archive is stored, not zlib-compressed: the .deb's compressor does better
# on the plain bytes than on zlib's output. (PyInstaller reuses an archive whose contents did not
# change, whatever the level it was written with: its work folder goes first.)
rm -rf "$WORK/pyinstaller"
PYINSTALLER_ZLIB_COMPRESSION_LEVEL=0 CHANGGU_SYSTEM_DEPENDS="$WORK/system-depends.txt" \
	CHANGGU_BUNDLE_CACHE="$WORK/cache" "$PYTHON" -m PyInstaller --noconfirm --log-level WARN \
	--distpath "$DIST" --workpath "$WORK/pyinstaller" packaging/changgu.spec

BUNDLE="$DIST/changgu"
step "removing debug information and local symbol tables from native libraries"
# Some wheels ship their debug info (ctranslate2: 64 of its 65 MB) or full symbol tables (MediaPipe:
# 7 of its 29 MB). --strip-unneeded keeps every symbol the dynamic loader (and ctypes) look up, the
# .dynsym table; the program file itself is never touched (its Python archive is appended).
if command -v strip >/dev/null && command -v readelf >/dev/null; then
	before=$(du -sm "$BUNDLE" | cut -f1)
	find "$BUNDLE/_internal" -type f -name '*.so*' -print0 | while IFS= read -r -d '' lib; do
		# grep reads all of readelf's output: with -q it would stop at the first match and
		# readelf's SIGPIPE would fail the pipeline (pipefail), leaving the library unstripped
		if readelf -S "$lib" 2>/dev/null | grep -E '\.(debug_info|symtab) ' >/dev/null; then
			strip --strip-unneeded "$lib"
		fi
	done
	echo "$before MB -> $(du -sm "$BUNDLE" | cut -f1) MB"
else
	echo "strip/readelf not found (apt-get install binutils): keeping debug symbols"
fi

step "linking identical files (the .deb stores a hard link once)"
# e.g. Silero VAD is both an installed model and faster-whisper's asset, libquadmath is in two wheels
"$PYTHON" packaging/hardlink.py "$BUNDLE"

step "checking the bundle"
"$PYTHON" packaging/check_bundle.py "$BUNDLE"
env -i HOME="$WORK/home" PATH=/usr/bin:/bin "$BUNDLE/changgu" --help >/dev/null \
	|| die "the bundle does not start: run $BUNDLE/changgu --help to see why"

step "assembling the .deb ($COMPRESSION)"
ROOT="$WORK/deb-root"
rm -rf "$ROOT"
mkdir -p "$ROOT/opt" "$ROOT/usr/bin" "$ROOT/usr/share/applications" \
	"$ROOT/usr/share/xsessions" "$ROOT/usr/share/changgu" "$ROOT/DEBIAN"
# Hard links (the bundle is not changed any more): saves copying a gigabyte.
cp -al "$BUNDLE" "$ROOT/opt/changgu" 2>/dev/null \
	|| { rm -rf "$ROOT/opt/changgu" && cp -a "$BUNDLE" "$ROOT/opt/changgu"; }
install -m 0755 packaging/debian/changgu.sh "$ROOT/usr/bin/changgu"
install -m 0755 packaging/debian/changgu-kiosk-session.sh "$ROOT/usr/bin/changgu-kiosk-session"
for entry in changgu.desktop changgu-kiosk.desktop; do
	sed "s|@KIOSK_ARGS@|$KIOSK_ARGS|g" "packaging/debian/$entry" >"$ROOT/usr/share/applications/$entry"
done
# The kiosk session: offered on the login screen; staff opt in (see packaging/README.md).
sed "s|@KIOSK_ARGS@|$KIOSK_ARGS|g" packaging/debian/changgu-kiosk-session.desktop \
	>"$ROOT/usr/share/xsessions/changgu-kiosk.desktop"
# An autostart entry staff copy to ~/.config/autostart/ to start the kiosk at login.
cp "$ROOT/usr/share/applications/changgu-kiosk.desktop" "$ROOT/usr/share/changgu/autostart.desktop"
install -m 0644 packaging/README.md "$ROOT/usr/share/changgu/README.md"
installed_kb=$(du -sk --exclude=DEBIAN "$ROOT" | cut -f1)
# Debian's own libraries the bundle left out (packaging/system_libraries.py)
system_depends=$("$PYTHON" -c 'import sys; sys.path.insert(0, "packaging")
from system_libraries import depends_line
fixed = open("packaging/debian/control", encoding="utf-8").read().split("Depends:")[1]
fixed = fixed.split("\nRecommends:")[0]
print(depends_line(open(sys.argv[1], encoding="utf-8").read().split(), fixed))' \
	"$WORK/system-depends.txt")
sed -e "s|@VERSION@|$VERSION|g" -e "s|@ARCH@|$ARCH|g" -e "s|@SIZE@|$installed_kb|g" \
	-e "s|@SYSTEM_DEPENDS@|${system_depends:+, $system_depends}|g" \
	packaging/debian/control >"$ROOT/DEBIAN/control"
install -m 0755 packaging/debian/postinst "$ROOT/DEBIAN/postinst"
install -m 0755 packaging/debian/postrm "$ROOT/DEBIAN/postrm"

# dpkg installs as root what the kiosk's user must read: no private files or folders (the model
# manager creates its folders 0700), nothing writable by others.
chmod -R u+rwX,go+rX,go-w "$ROOT"

DEB="$DIST/changgu_${VERSION}_${ARCH}.deb"
rm -f "$DEB"
dpkg-deb --root-owner-group "${DEB_COMPRESS[@]}" --build "$ROOT" "$DEB" >/dev/null

step "done"
total=$(awk -v a="$build_start" -v b="$(date +%s.%N)" 'BEGIN { print b - a }')
printf 'bundle:    %s (%s MB)\n' "$BUNDLE" "$(du -sm "$BUNDLE" | cut -f1)"
printf 'installer: %s (%s)\n' "$DEB" "$(awk -v b="$(stat -c %s "$DEB")" 'BEGIN { printf "%.1f MB, %.1f MiB", b / 1e6, b / 1048576 }')"
printf 'installed: %s MB\n' "$((installed_kb / 1024))"
printf 'build time: %.1f s\n' "$total"
