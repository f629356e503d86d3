# The speech book. `make` imports raw/ into source/ and builds the site and EPUBs;
# `make test` runs the whole test suite. `make help` lists every target.

# Sphinx 9.2 needs Python 3.13 or newer: the first such interpreter found (pyenv's included).
PYTHON      ?= $(shell for p in python3.14 python3.13 $(wildcard $(HOME)/.pyenv/versions/3.1[3-9]*/bin/python3) python3; do \
                 $$p -c 'import sys; sys.exit(sys.version_info < (3, 13))' 2>/dev/null && { echo $$p; break; }; done)
SPHINXOPTS  ?=
VARIANTS    ?= zh-Hans zh-Hant
JOBS        ?= 0
RAW         ?= raw
SOURCE      ?= source
BUILD       ?= _build
PYTESTOPTS  ?=
STRICT      ?=

# Outside an active virtual environment, everything runs in ./.venv, created on first use.
ifdef VIRTUAL_ENV
VENV_PYTHON := python
INSTALLED   := $(BUILD)/.installed
else
VENV_PYTHON := .venv/bin/python
INSTALLED   := .venv/.installed
endif
BOOK := $(VENV_PYTHON) -m build_tools

.DEFAULT_GOAL := all

.PHONY: help
help: ## list the targets with a one-line description each
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | sort | \
	  awk 'BEGIN {FS = ":.*## "}; {printf "  %-16s %s\n", $$1, $$2}'

$(INSTALLED): pyproject.toml
ifndef VIRTUAL_ENV
	@test -n "$(PYTHON)" || { echo "make: Python 3.13 or newer is needed (set PYTHON=...)"; exit 1; }
	.venv/bin/python -c 'import sys; sys.exit(sys.version_info < (3, 13))' 2>/dev/null || \
	  { rm -rf .venv; $(PYTHON) -m venv .venv; }
endif
	$(VENV_PYTHON) -m pip install --quiet --upgrade pip
	$(VENV_PYTHON) -m pip install --quiet -e '.[test]'
	@mkdir -p $(dir $@) && touch $@

.PHONY: install
install: $(INSTALLED) ## create .venv (unless a virtualenv is active) and install the project

.PHONY: all
all: $(INSTALLED) ## import raw/ and build the HTML site, EPUBs and PDFs of every edition
	$(BOOK) import --raw $(RAW) --source $(SOURCE) --report $(BUILD)
	$(BOOK) build --variant "$(VARIANTS)" --jobs $(JOBS) --sphinx-opts "$(SPHINXOPTS)"
	@$(BOOK) import --skipped --report $(BUILD) $(if $(STRICT),--strict)

.PHONY: import
import: $(INSTALLED) ## import raw speech files into MyST files in source/ (review: _build/import-report.md)
	$(BOOK) import --raw $(RAW) --source $(SOURCE) --report $(BUILD) $(if $(STRICT),--strict)

.PHONY: html
html: $(INSTALLED) ## build the HTML site of every edition into _build/site/
	$(BOOK) build --builder html --variant "$(VARIANTS)" --jobs $(JOBS) --sphinx-opts "$(SPHINXOPTS)"

.PHONY: epub
epub: $(INSTALLED) ## build the EPUBs of every edition into _build/site/downloads/
	$(BOOK) build --builder epub --variant "$(VARIANTS)" --jobs $(JOBS) --sphinx-opts "$(SPHINXOPTS)"

.PHONY: pdf
pdf: $(INSTALLED) ## typeset the PDFs of every edition (Typst) into _build/site/downloads/
	$(BOOK) build --builder pdf --variant "$(VARIANTS)" --jobs $(JOBS) --sphinx-opts "$(SPHINXOPTS)"

.PHONY: variants-report
variants-report: $(INSTALLED) ## list the one-to-many conversions of each edition for review
	$(BOOK) variants-report --source $(SOURCE) $(foreach v,$(VARIANTS),--variant $(v))

.PHONY: serve
serve: $(INSTALLED) ## live preview of the zh-Hans edition on http://127.0.0.1:8000
	$(VENV_PYTHON) -m sphinx_autobuild -c . --host 127.0.0.1 --port 8000 \
	  -d $(BUILD)/doctrees/serve -D book_variant=zh-Hans -D language=zh_CN $(SPHINXOPTS) $(SOURCE) $(BUILD)/serve

.PHONY: test-deps
test-deps: $(INSTALLED) ## install Java (EPUBCheck), Chromium and CJK fonts when missing (needs root)
	@bash .ci/system-deps

.PHONY: test
test: test-deps ## run the whole test suite (EPUBCheck, browser and build tests included)
	$(VENV_PYTHON) -m pytest $(PYTESTOPTS)

.PHONY: bench
bench: $(INSTALLED) ## time scaled collections (100, 1,000, 5,000 speeches); writes _build/bench/
	PYTHONPATH=tests $(VENV_PYTHON) -m bench.book_bench

.PHONY: lint
lint: $(INSTALLED) ## ruff check and format check
	$(VENV_PYTHON) -m ruff check build_tools tests conf.py
	$(VENV_PYTHON) -m ruff format --check build_tools tests conf.py

.PHONY: clean
clean: ## remove _build/ (the committed source/ stays)
	rm -rf $(BUILD) $(SOURCE)/_collection
