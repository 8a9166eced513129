# Two commands on a fresh machine: `make run` and `make test`.
# The venv is built from the first Python >= 3.12 found: explicit versions on PATH,
# then pyenv's installs (its shims refuse versions that are not selected), then python3.
.DEFAULT_GOAL := run
VENV := .venv
BIN := $(VENV)/bin
CANDIDATES := python3.14 python3.13 python3.12 \
	$(foreach v,3.14 3.13 3.12,$(wildcard $(HOME)/.pyenv/versions/$(v)*/bin/python3)) \
	$(wildcard /usr/local/bin/python3.1[2-9] /usr/bin/python3.1[2-9]) python3
PYTHON := $(shell for p in $(CANDIDATES); do \
	"$$p" -c 'import sys; sys.exit(sys.version_info < (3, 12))' 2>/dev/null && { echo "$$p"; break; }; \
	done)

$(BIN)/.installed: pyproject.toml
	@test -n "$(PYTHON)" || { echo "Ciphermap needs Python 3.12 or newer; none was found." >&2; exit 1; }
	@echo "Building $(VENV) with $(PYTHON)"
	"$(PYTHON)" -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $@

.PHONY: venv run test test-fast typecheck screenshots lint format bench clean graphviz
venv: $(BIN)/.installed graphviz

# Graphviz is a program, not a Python package: the diagram layout (editor and PDF) runs it.
# On Debian or Ubuntu as root it is installed here, as the other system packages are in
# .ci/run; elsewhere the message says how.
graphviz:
	@command -v dot >/dev/null 2>&1 && command -v osage >/dev/null 2>&1 || { \
		if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
			echo "Installing Graphviz (apt-get install graphviz)"; \
			apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq graphviz >/dev/null; \
		else \
			echo "Ciphermap lays out diagrams with Graphviz, which was not found." >&2; \
			echo "Install it: apt-get install graphviz (Debian/Ubuntu), brew install graphviz (macOS)." >&2; \
			exit 1; \
		fi; }

run: venv
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py seed_demo
	$(BIN)/python manage.py runserver 127.0.0.1:8000

test: venv
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/python manage.py makemigrations --check --dry-run
	$(BIN)/python -m pytest
	node --test tests/js/*.test.mjs

# The engine's tests alone, in seconds: no browser, no CLI subprocesses, no Hypothesis
# searches or large shapes.
test-fast: venv
	$(BIN)/python -m pytest tests/threatmodel -q -x \
		--ignore=tests/threatmodel/test_properties.py \
		--ignore=tests/threatmodel/test_large_shapes.py \
		--ignore=tests/threatmodel/test_cli.py \
		--ignore=tests/threatmodel/test_cli_terraform.py

# mypy over threatmodel/, reviews/, accounts/ and config/ (django-stubs); see [tool.mypy] in pyproject.toml.
typecheck: venv
	$(BIN)/mypy

# The README's editor picture, rewritten on purpose only (make test never touches tracked
# files); `benchmarks/report.py --png` redraws docs/report-page1.png.
screenshots: venv
	CIPHERMAP_SCREENSHOTS=1 $(BIN)/python -m pytest tests/e2e/test_editor.py -q -k readme_screenshot

lint: venv
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: venv
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

bench: venv
	$(BIN)/python -m pip install --quiet -e '.[dev,bench]'
	$(BIN)/python benchmarks/engine.py
	$(BIN)/python benchmarks/web.py
	$(BIN)/python benchmarks/report.py

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
