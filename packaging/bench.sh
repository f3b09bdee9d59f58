#!/usr/bin/env bash
# Benchmark of the packaged kiosk: build time, installer size, installed size, cold start.
#
#   bash packaging/bench.sh            (builds with packaging/build.sh first)
#   bash packaging/bench.sh --no-build (measures the .deb already in dist/)
#
# The .deb is unpacked with `dpkg -x` into a throwaway root and started from there with no Python on
# PATH and (as root) no network. "Cold" start: the page cache is dropped first when the kernel lets
# us (root, not in a restricted container); otherwise the run says "warm cache". What is started:
#   - `changgu demo --offscreen --screenshots DIR`: the time to its first screenshot (the first
#     painted screen: the visitor can pick a language) and to "models ready" (speech, translation
#     and sign models loaded: the kiosk interprets), once the kiosk UI provides it;
#   - `changgu --self-test` otherwise (loads every model: an upper bound of the kiosk's start-up).
# Targets: installer <= 300 MB (10^6 bytes) with every model the default install needs; cold
# start <= 6 s. Ends with what each part of the installed bundle costs (packaging/sizes.py).
set -euo pipefail

REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$REPO"
RUNS="${RUNS:-3}"

if [ "${1:-}" != --no-build ]; then
	start=$(date +%s.%N)
	bash packaging/build.sh >"$REPO/build/package-bench-build.log" 2>&1 \
		|| { tail -20 "$REPO/build/package-bench-build.log"; exit 1; }
	build_s=$(awk -v a="$start" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }')
else
	build_s="(not built)"
fi

DEB="$(ls -t dist/changgu_*.deb | head -1)"
ROOT="$(mktemp -d /tmp/changgu-bench.XXXXXX)"
trap 'rm -rf "$ROOT"' EXIT
dpkg -x "$DEB" "$ROOT/root"
mkdir -p "$ROOT/home" "$ROOT/empty-path" "$ROOT/postinst"
APP="$ROOT/root/opt/changgu/changgu"
# what the package's postinst does once installed: the phrase index for every user
index_start=$(date +%s.%N)
env -i HOME="$ROOT/postinst" PATH=/usr/bin:/bin "$APP" models index --into "$ROOT/root/opt/changgu/cache" \
	>"$ROOT/index.log" 2>&1 || { cat "$ROOT/index.log"; exit 1; }
index_s=$(awk -v a="$index_start" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }')

# The packaged program as on a counter PC: no Python on PATH, no network (as root).
ISOLATE=(env -i HOME="$ROOT/home" PATH="$ROOT/empty-path" LANG=C.UTF-8 QT_QPA_PLATFORM=offscreen)
if [ "$(id -u)" = 0 ] && unshare -n true 2>/dev/null; then
	ISOLATE=(unshare -n "${ISOLATE[@]}")
fi
isolated() { "${ISOLATE[@]}" "$APP" "$@"; }

drop_caches() {
	sync
	if echo 3 >/proc/sys/vm/drop_caches 2>/dev/null; then echo cold; else echo "warm cache"; fi
}

seconds_since() { awk -v a="$1" -v b="$(date +%s.%N)" 'BEGIN { printf "%.2f", b - a }'; }

if isolated demo --help 2>/dev/null | grep -q -- --screenshots; then
	what="demo --offscreen: first painted screen / models ready"
	measure() {
		local shots="$ROOT/shots" log="$ROOT/demo.log" t0 pid painted
		rm -rf "$shots" && mkdir -p "$shots"
		t0=$(date +%s.%N)
		(exec "${ISOLATE[@]}" "$APP" demo --offscreen --screenshots "$shots" >"$log" 2>&1) &
		pid=$!
		until compgen -G "$shots/*.png" >/dev/null; do
			kill -0 "$pid" 2>/dev/null || { echo "failed"; return; }
			sleep 0.02
		done
		painted=$(seconds_since "$t0")
		until grep -q "models ready" "$log"; do
			kill -0 "$pid" 2>/dev/null || { echo "$painted/failed"; return; }
			sleep 0.02
		done
		echo "$painted/$(seconds_since "$t0")"
		kill "$pid" 2>/dev/null || true
		wait "$pid" 2>/dev/null || true
	}
else
	what="--self-test (the kiosk UI's demo --screenshots is not there yet)"
	measure() {
		local t0
		t0=$(date +%s.%N)
		if isolated --self-test >"$ROOT/selftest.log" 2>&1; then
			seconds_since "$t0"
		else
			echo "failed (see below)"
			tail -5 "$ROOT/selftest.log"
		fi
	}
fi

help_times=() start_times=() cache_state=""
for _ in $(seq "$RUNS"); do
	cache_state=$(drop_caches)
	t0=$(date +%s.%N)
	isolated --help >/dev/null
	help_times+=("$(seconds_since "$t0")")
	cache_state=$(drop_caches)
	start_times+=("$(measure)")
done

deb_mb=$(awk -v b="$(stat -c %s "$DEB")" 'BEGIN { printf "%.1f MB (%.1f MiB)", b / 1e6, b / 1048576 }')
installed_mb=$(du -sm "$ROOT/root" | cut -f1)
echo "Changgu package benchmark ($(date -u +%Y-%m-%dT%H:%MZ), $(nproc) cores)"
echo "  build time:          ${build_s} s"
echo "  installer:           $DEB ${deb_mb} (target <= 300 MB)"
echo "  installed size:      ${installed_mb} MB"
echo "  postinst index:      ${index_s} s (the phrase index, built once at install)"
echo "  start to --help:     ${help_times[*]} s ($cache_state)"
echo "  cold start:          ${start_times[*]} s ($cache_state) — $what (target <= 6 s)"
echo "What each part costs (each part compressed on its own with xz -6):"
"$REPO/.venv/bin/python" "$REPO/packaging/sizes.py" "$ROOT/root/opt/changgu" | sed 's/^/  /'
