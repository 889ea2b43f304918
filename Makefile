# Mesa: `make run` serves the draft, `make test` runs every check. Both set up .venv first.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
export MESA_PORT ?= 8000

.PHONY: run test lint format lock bench messages screenshots clean

$(STAMP): requirements.lock requirements-dev.lock pyproject.toml tests/browser/package-lock.json
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' || \
		{ echo "Mesa needs Python 3.11 or newer ($(PYTHON) is older)"; exit 1; }
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -r requirements-dev.lock
	$(BIN)/pip install --quiet --disable-pip-version-check --no-deps -e .
	@# axe-core, which the browser tests inject into pages; Mesa itself serves no npm code.
	if command -v npm >/dev/null; then cd tests/browser && npm ci --no-audit --no-fund --silent; fi
	touch $(STAMP)

run: $(STAMP)
	mkdir -p var
	$(BIN)/mesa db upgrade
	$(BIN)/mesa seed
	$(BIN)/mesa serve --port $(MESA_PORT)

lint: $(STAMP)
	$(BIN)/ruff check app tests migrations benchmarks
	$(BIN)/ruff format --check app tests migrations benchmarks
	$(BIN)/mypy

test: lint
	$(BIN)/pytest

format: $(STAMP)
	$(BIN)/ruff check --fix app tests migrations benchmarks
	$(BIN)/ruff format app tests migrations benchmarks

messages: $(STAMP)
	$(BIN)/python -m app.core.catalogs

screenshots: $(STAMP)
	$(BIN)/python -m tests.browser.screenshots

bench: $(STAMP)
	$(BIN)/python -m benchmarks

# Re-pin: resolve pyproject's pins into the full transitive lock files.
lock:
	rm -rf /tmp/mesa-lock && $(PYTHON) -m venv /tmp/mesa-lock
	/tmp/mesa-lock/bin/pip install --quiet .
	/tmp/mesa-lock/bin/pip freeze --exclude mesa > requirements.lock
	/tmp/mesa-lock/bin/pip install --quiet '.[dev]'
	{ echo "-r requirements.lock"; /tmp/mesa-lock/bin/pip freeze --exclude mesa | grep -vxF -f requirements.lock; } > requirements-dev.lock

clean:
	rm -rf $(VENV) var/*.db*
