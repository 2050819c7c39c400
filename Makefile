# Quick start: `make demo` (the kiosk simulator in a window) and `make test` (the test suite).
# Both create .venv on first use from pyproject.toml.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
ARGS ?=

.PHONY: demo test bench bench-form bench-app bench-peer soak lint clean check-pi-wheels rehearse

$(BIN)/kiosk: pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "kiosk needs Python >= 3.11; found " + sys.version.split()[0])'
	@$(PYTHON) -m venv $(VENV) || { echo "could not create $(VENV): on Debian/Raspberry Pi OS run 'sudo apt install python3-venv' and retry"; exit 1; }
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	@touch $@

demo: $(BIN)/kiosk
	$(BIN)/kiosk run $(ARGS)

test: $(BIN)/kiosk
	SDL_VIDEODRIVER=dummy SDL_AUDIODRIVER=dummy GPIOZERO_PIN_FACTORY=mock $(BIN)/python -m pytest -q -n auto --dist loadfile $(ARGS)

bench: $(BIN)/kiosk
	OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 $(BIN)/python bench/vision_bench.py $(ARGS)

bench-form: $(BIN)/kiosk
	OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 $(BIN)/python bench/form_bench.py $(ARGS)

# The whole frame loop with presentation: starts (and stops) its own Xvfb (apt install xvfb); needs no
# DISPLAY or SDL_VIDEODRIVER. ARGS=--quick (under a minute), ARGS=--json (one JSON object last), --minutes N.
bench-app: $(BIN)/kiosk
	OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 $(BIN)/python bench/app_bench.py $(ARGS)

# The peer, side by side: MediaPipe Pose in a venv of its own (never a kiosk dependency; its pose
# model ships inside the cp311 x86-64 wheel, so it runs offline) against `kiosk replay` on the same frames.
PEER_VENV := bench/.peer-venv

$(PEER_VENV)/.installed:
	$(PYTHON) -m venv $(PEER_VENV)
	$(PEER_VENV)/bin/python -m pip install --quiet mediapipe==0.10.21 numpy
	@touch $@

bench-peer: $(BIN)/kiosk $(PEER_VENV)/.installed
	OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 $(PEER_VENV)/bin/python bench/peer_bench.py $(ARGS)

soak: $(BIN)/kiosk
	OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 $(BIN)/python bench/soak.py $(ARGS)

lint: $(BIN)/kiosk
	$(BIN)/ruff check kiosk tests bench

clean:
	rm -rf $(VENV) bench/out

# Nothing compiles on the Pi: every pip dependency must have a wheel for linux aarch64 on
# Python 3.11 (Bookworm) and 3.13 (Trixie).
check-pi-wheels:
	@set -e; d=$$(mktemp -d); for py in 3.11 3.13; do for pkg in pygame-ce gpiozero colorzero segno; do \
	  $(PYTHON) -m pip download --quiet --only-binary=:all: --no-deps --platform manylinux2014_aarch64 \
	    --platform manylinux_2_17_aarch64 --platform any --python-version $$py --implementation cp -d $$d $$pkg \
	  && echo "OK   $$pkg wheel for Python $$py aarch64" || { echo "FAIL $$pkg: no aarch64 wheel for Python $$py"; exit 1; }; \
	done; done; rm -rf $$d

# The appliance under a real systemd: Debian bookworm (debootstrap, cached in /var/cache/crux-rehearse)
# booted with systemd-nspawn, installed as README says, then measured. Root only, minutes; not in `make test`.
# ARGS=--worktree (uncommitted changes too), ARGS=--keep (leave it running), ARGS=--arm64 (the arm64 root).
rehearse:
	deploy/rehearse/rehearse.sh $(ARGS)
