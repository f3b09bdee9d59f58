# Changgu: every target sets up what it needs, from a fresh clone on Debian 12 (as root).
#   make demo   - install everything, then run the demo visit
#   make test   - install everything, then run the test suite, then the package tests (build the
#                 .deb from the tree, install it into a throwaway root, run it with no Python)
#   make bench  - the benchmarks (slow: bench.server starts a two-node Ray cluster, the soak runs an
#                 hour), then the city APT repository test (a fresh Debian installs and upgrades
#                 the .deb: ~3 minutes)
#   make lint   - ruff and mypy
#   make package      - the release installer dist/changgu_<version>_amd64.deb (xz -9e: 6-10 minutes)
#   make package-test - only the package tests, the city APT repository's too (a zstd .deb in
#                       build/package-test/; ~5 minutes)

SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

# Debian packages: PortAudio (microphones), fonts for every script the kiosk shows, Qt's X11
# libraries, Xvfb for tests in a real window, PulseAudio (test microphone), espeak-ng (speech out),
# ffmpeg/sox tools for media, openssl (test certificates for the building server), debootstrap
# and reprepro (the package test installs from a city's APT repository into a fresh Debian).
SYSTEM_PACKAGES := libportaudio2 openssl debootstrap reprepro fonts-noto-cjk fonts-noto-core xvfb xauth \
	libxcb-cursor0 libxcb-icccm4 libxcb-keysyms1 libxcb-image0 libxcb-render-util0 \
	libxcb-shape0 libxcb-xkb1 libxkbcommon-x11-0 libegl1 libgl1 libglib2.0-0 libdbus-1-3 \
	pulseaudio pulseaudio-utils libasound2-plugins espeak-ng python3-venv

.PHONY: demo test bench lint setup system models clean package package-test

demo: setup
	$(BIN)/changgu demo

# The package tests run last (they build the .deb: a minute or two), also when the rest failed;
# make test fails if either part does.
test: setup
	status=0; \
	$(BIN)/python -m pytest -q -m "not package" || status=$$?; \
	$(BIN)/python -m pytest -q -m "package and not city_apt" --durations=5 tests/packaging \
		|| status=$$?; \
	exit $$status

bench: setup
	$(BIN)/python -m bench.asr
	$(BIN)/python -m bench.translate
	$(BIN)/python -m bench.sign
	$(BIN)/python -m bench.e2e
	$(BIN)/python -m bench.server
	$(BIN)/python -m bench.soak --minutes 60
	$(BIN)/python -m pytest -q -m city_apt tests/packaging

lint: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

setup: system $(STAMP) models

system:
	@missing=$$(for p in $(SYSTEM_PACKAGES); do \
		dpkg-query -W -f='$${Status}\n' $$p 2>/dev/null | grep -q 'install ok installed' || echo $$p; \
	done); \
	if [ -n "$$missing" ]; then \
		if [ "$$(id -u)" != 0 ]; then \
			echo "Missing system packages: $$missing"; \
			echo "Run as root: apt-get install --no-install-recommends $$missing"; exit 1; \
		fi; \
		echo "Installing system packages: $$missing"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive \
			apt-get install -y -qq --no-install-recommends $$missing; \
	fi

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e ".[dev,server]"
	# MediaPipe's declared OpenCV (contrib modules and Qt 5) gives way to the headless build
	# pinned in pyproject.toml: both are the `cv2` package, so it is put back whole afterwards
	$(BIN)/pip uninstall --quiet -y opencv-contrib-python
	$(BIN)/pip install --quiet --force-reinstall --no-deps \
		"$$(grep -o 'opencv-python-headless==[0-9.]*' pyproject.toml)"
	touch $(STAMP)

models: $(STAMP)
	$(BIN)/changgu models install

clean:
	rm -rf $(VENV) build dist *.egg-info .pytest_cache .mypy_cache .ruff_cache

package: setup
	bash packaging/build.sh

package-test: setup
	$(BIN)/python -m pytest -q -m package --durations=5 tests/packaging
