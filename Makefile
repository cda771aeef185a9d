# Two commands from a fresh clone: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test demo screenshots bench clean

$(STAMP): pyproject.toml
	test -d $(VENV) || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip setuptools  # the ones venv brings may have advisories
	$(BIN)/pip install --quiet -e '.[test]'
	touch $(STAMP)

run: $(STAMP)
	$(BIN)/launch-wizard --sandbox

demo: $(STAMP)
	$(BIN)/launch-wizard demo

# Lint and types first (quick), then every test: one worker process per CPU and one more
# (tests/conftest.py says why; PYTEST_WORKERS=0: all in one process). A worker that finishes its
# share takes tests from the others. Byte-code is cached even where the environment says not to
# (PYTHONDONTWRITEBYTECODE): each worker and each command a test runs would compile it again.
PYTEST_WORKERS ?= auto
test: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/mypy
	PYTHONDONTWRITEBYTECODE= $(BIN)/python -m pytest -q -n $(PYTEST_WORKERS) --dist worksteal $(PYTEST_ARGS)

# Whole-process benchmarks against baselines measured in the same run (not part of `make test`).
bench: $(STAMP)
	$(BIN)/python -m bench.run

# Every screen as SVG (and the main ones as PNG where rsvg-convert is installed).
MAIN_SHOTS := 01-organization 04-role-created 06-keys-generated 11-test-passed 13-done
screenshots: $(STAMP)
	$(BIN)/python -m tests.tour screenshots
	if command -v rsvg-convert >/dev/null; then \
	  for s in $(MAIN_SHOTS); do rsvg-convert -w 1200 screenshots/$$s.svg -o screenshots/$$s.png; done; fi

clean:
	rm -rf .venv .venv-3.* .pytest_cache .mypy_cache .ruff_cache
