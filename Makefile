# Quick start: `make demo` (the kiosk simulator in a window) and `make test` (the test suite).
# Both create .venv on first use from pyproject.toml.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
ARGS ?=

.PHONY: demo test bench bench-app lint clean

$(BIN)/kiosk: pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "kiosk needs Python >= 3.11; found " + sys.version.split()[0])'
	@$(PYTHON) -m venv $(VENV) || { echo "could not create $(VENV): on Debian/Raspberry Pi OS run 'sudo apt install python3-venv' and retry"; exit 1; }
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	@touch $@

demo: $(BIN)/kiosk
	$(BIN)/kiosk run $(ARGS)

test: $(BIN)/kiosk
	SDL_VIDEODRIVER=dummy SDL_AUDIODRIVER=dummy GPIOZERO_PIN_FACTORY=mock $(BIN)/python -m pytest -q $(ARGS)

bench: $(BIN)/kiosk
	OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 $(BIN)/python bench/vision_bench.py $(ARGS)

bench-app: $(BIN)/kiosk
	OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 $(BIN)/python bench/app_bench.py $(ARGS)

lint: $(BIN)/kiosk
	$(BIN)/ruff check kiosk tests bench

clean:
	rm -rf $(VENV) bench/out
