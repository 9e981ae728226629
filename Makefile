# Entry points (see README): make serve | make test | make site
# Everything is installed into .venv and node_modules from PyPI and the npm registry.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PY_STAMP := $(VENV)/.installed
NPM_STAMP := node_modules/.installed
PYODIDE_WHEELS := .cache/pyodide-wheels
PYODIDE_STAMP := $(PYODIDE_WHEELS)/.installed
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: setup site serve dev test bench browser fonts clean

$(PY_STAMP): requirements.txt pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -r requirements.txt
	$(BIN)/pip install --quiet --no-deps --no-build-isolation -e .
	touch $@

ORACLE_STAMP := $(VENV)/.oracles-installed
$(ORACLE_STAMP): requirements-oracles.txt $(PY_STAMP)
	$(BIN)/pip install --quiet -r requirements-oracles.txt
	touch $@

$(NPM_STAMP): package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

# Pure-Python wheels that the test suite installs inside Pyodide (no network at test time).
$(PYODIDE_STAMP): tests/pyodide/requirements.txt
	mkdir -p $(PYODIDE_WHEELS)
	$(BIN)/pip download --quiet --only-binary=:all: --python-version 3.14 --implementation py \
		--abi none --platform any -d $(PYODIDE_WHEELS) -r tests/pyodide/requirements.txt
	touch $@

setup: $(PY_STAMP) $(NPM_STAMP)

# The social-card images are drawn with Debian's Noto Sans CJK (fonts-noto-cjk; installed when root).
fonts:
	@bash tools/ensure_cjk_font.sh

site: setup fonts
	NO_MKDOCS_2_WARNING=1 $(BIN)/mkdocs build --strict --quiet -f mkdocs.yml
	NO_MKDOCS_2_WARNING=1 $(BIN)/mkdocs build --strict --quiet -f mkdocs.en.yml

serve: site
	$(BIN)/python tools/serve.py --host $(HOST) --port $(PORT) site

# Live reload while writing one language (the other language's switch link will 404 here).
dev: setup fonts
	$(BIN)/mkdocs serve -f mkdocs$(if $(filter en,$(LANG_BUILD)),.en,).yml -a $(HOST):$(PORT)

browser:
	@bash tools/ensure_chromium.sh

# The browser tests serve the site at the address it was built for: Material's instant navigation
# only works there (it reads sitemap.xml, whose URLs come from site_url).
TEST_PORT ?= 8765
test: setup $(ORACLE_STAMP) $(PYODIDE_STAMP) browser
	SITE_URL=http://127.0.0.1:$(TEST_PORT)/ SITE_URL_EN=http://127.0.0.1:$(TEST_PORT)/en/ $(MAKE) --no-print-directory site
	DSCALC_REQUIRE_ORACLES=1 $(BIN)/python -m pytest

bench: setup browser site
	$(BIN)/python tools/bench.py site

clean:
	rm -rf site dist build .cache .pytest_cache .hypothesis
