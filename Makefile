# Mesa: `make run` serves the draft, `make test` runs every check. Both set up .venv first.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
# Swagger UI for /api/docs, served from Mesa itself (its CSP allows no other origin).
SWAGGER_UI := static/vendor/swagger-ui
SWAGGER_UI_FILES := swagger-ui-bundle.js swagger-ui.css LICENSE
export MESA_PORT ?= 8000

.PHONY: run test lint format lock bench messages screenshots clean

$(STAMP): requirements.lock requirements-dev.lock pyproject.toml package-lock.json tests/browser/package-lock.json
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' || \
		{ echo "Mesa needs Python 3.11 or newer ($(PYTHON) is older)"; exit 1; }
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -r requirements-dev.lock
	$(BIN)/pip install --quiet --disable-pip-version-check --no-deps -e .
	@command -v npm >/dev/null || { echo "Mesa needs npm to install Swagger UI for /api/docs"; exit 1; }
	@# --ignore-scripts: swagger-ui-dist's one dependency only runs a telemetry call on install.
	npm ci --no-audit --no-fund --silent --ignore-scripts
	rm -rf $(SWAGGER_UI) && mkdir -p $(SWAGGER_UI)
	cp $(addprefix node_modules/swagger-ui-dist/,$(SWAGGER_UI_FILES)) $(SWAGGER_UI)/
	@# axe-core, which the browser tests inject into pages.
	cd tests/browser && npm ci --no-audit --no-fund --silent
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
	rm -rf $(VENV) var/*.db* node_modules $(SWAGGER_UI)
