# `make demo` and `make test` set up what they need on a fresh machine; `make test-fast` is the quick loop.
VENV    ?= .venv
PYTHON  ?= python3
PY      := $(VENV)/bin/python
CHARTER := $(VENV)/bin/charter
EXAMPLE ?= examples/groupe-horizon

.PHONY: demo test test-fast venv system-deps npm-deps docs clean

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test,zensical,ack,sign]'
	touch $@

venv: $(VENV)/.installed

# Debian packages the PDF, the browser tests and the DOCX tests need (installed as root).
system-deps:
	@bash scripts/system-deps.sh

# npm packages of the accessibility and editor tests (axe-core, yaml-language-server) in node_modules/.
npm-deps: system-deps
	@bash scripts/npm-deps.sh

demo: venv system-deps
	$(CHARTER) check -p $(EXAMPLE)/charter.yml
	$(CHARTER) build -p $(EXAMPLE)/charter.yml

test: venv system-deps npm-deps
	$(PY) -m pytest -q

# The inner loop: unmarked tests only (no Chromium, LibreOffice, PostgreSQL, nothing over ~2 s).
test-fast: venv
	$(PY) -m pytest -q -n auto -m "not slow and not browser and not office and not db"

docs: venv
	$(VENV)/bin/mkdocs build --strict

clean:
	rm -rf $(VENV) site tests/artifacts examples/*/build examples/*/public
