# CSP Hub. `make` alone prints this help.
SHELL := /bin/bash
VENV := .venv
BIN := $(VENV)/bin
# Django 6 needs Python 3.12+; use the first one found (PATH, then pyenv's versions).
PYTHON ?= $(shell for p in python3.13 python3.12 $$(ls -d $${PYENV_ROOT:-$$HOME/.pyenv}/versions/3.1[2-9]*/bin/python 2>/dev/null | sort -rV); do \
	command -v $$p >/dev/null 2>&1 && $$p -c 'import sys; sys.exit(sys.version_info < (3, 12))' 2>/dev/null && { command -v $$p; break; }; done)
PG_URL ?= postgres://postgres@127.0.0.1:5432/test

.DEFAULT_GOAL := help
.PHONY: help install system-deps demo test test-sqlite test-postgres lint bench serve clean

help: ## Show this help
	@grep -hE '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-14s %s\n", $$1, $$2}'

$(BIN)/csphub: pyproject.toml
	@test -n "$(PYTHON)" || { echo "Python 3.12 or newer is needed (Django 6)"; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	@touch $@

install: $(BIN)/csphub ## Create .venv and install CSP Hub with its development tools

system-deps: ## Install Debian's chromium and poppler-utils for the browser and PDF tests (as root)
	@if ! command -v chromium >/dev/null || ! command -v pdftotext >/dev/null; then \
		if [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium poppler-utils >/dev/null; \
		else echo "note: chromium/pdftotext missing and not root: browser and PDF tests will skip"; fi; fi

demo: install ## Install, then build and load the demo partnership (start here)
	$(BIN)/csphub demo

lint: install ## ruff and mypy
	$(BIN)/ruff check src tests $(wildcard benchmarks/*.py)
	$(BIN)/mypy

test-sqlite: install system-deps ## The whole suite on the embedded default (SQLite, DuckDB)
	$(BIN)/pytest -n 2 --dist loadgroup

test-postgres: install ## The Django suite again on PostgreSQL (skips without it unless CSPHUB_REQUIRE_POSTGRES=1)
	DATABASE_URL=$(PG_URL) $(BIN)/pytest -n 2 tests/django

test: lint test-sqlite test-postgres ## Install, lint, and run every test on SQLite and PostgreSQL

bench: install ## Run the benchmarks in benchmarks/ (see docs/performance.md)
	-$(BIN)/python benchmarks/run.py
	$(BIN)/python benchmarks/bench_assess.py
	-$(BIN)/python benchmarks/bench_web.py

serve: install ## Run the web app on http://127.0.0.1:8000
	$(BIN)/csphub serve

clean: ## Remove the virtualenv and the local data directory
	rm -rf $(VENV) var
