# Russian military recruitment data package. `make` builds everything; `make test` tests it.
# Needs only Python 3.11+ on the machine: the virtual environment is created here.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
SIZES  ?= 10000 100000 1000000

.DEFAULT_GOAL := all
.PHONY: all help venv validate coverage export report build codebook readme release test lint format bench suggest-eval clean

all: build readme codebook ## Create .venv, install the locked dependencies, validate, publish dist/, regenerate README counts and the codebook

help: ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | sed -E 's/:.*## /\t/' | expand -t 12

$(STAMP): requirements.lock pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python 3.11+ is needed: make PYTHON=python3.11")'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --require-hashes -r requirements.lock
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-deps --no-build-isolation -e .
	@touch $(STAMP)

venv: $(STAMP) ## Create .venv with the locked dependencies

validate: $(STAMP) ## Check the package (all layers); exit 1 lists every problem
	$(BIN)/recruitment validate

coverage: $(STAMP) ## List number and date words in the seeds that no row records
	$(BIN)/recruitment coverage

export: $(STAMP) ## Validate, then write CSV, Parquet and DuckDB into dist/ (and the site, if dist/ has one)
	$(BIN)/recruitment export

report: $(STAMP) ## Rebuild only the browsable site, dist/site/ (and dist/SHA256SUMS)
	$(BIN)/recruitment report

build: $(STAMP) ## Validate and publish everything into dist/, the site included
	$(BIN)/recruitment build

codebook: $(STAMP) ## Regenerate docs/codebook.md from the schemas
	$(BIN)/recruitment codebook

readme: $(STAMP) ## Regenerate README.md's counts (between its generated markers) from data/
	$(BIN)/recruitment readme

# The browser tests check the site that `make` built, and leave their screenshots in
# dist/site/screenshots/; the other tests build what they need in temporary folders.
# The screenshots join dist/, so SHA256SUMS is rewritten to list them, pass or fail.
test: build ## Build, then run the test suite
	RECRUITMENT_SITE=dist/site $(BIN)/python -m pytest; status=$$?; \
	$(BIN)/recruitment checksums >/dev/null; exit $$status

release: build ## Build, then write dist/release/<name>-<version>.zip and CHANGES-<version>.md
	$(BIN)/recruitment release

bench: $(STAMP) ## Time validate/export against frictionless at SIZES (see bench/results.md)
	$(BIN)/python bench/run.py --sizes "$(SIZES)"

suggest-eval: $(STAMP) ## Measure recruitment suggest field by field on unseen articles and the seeds; writes bench/suggest_eval.md
	$(BIN)/python bench/suggest_eval.py --write bench/suggest_eval.md

lint: $(STAMP) ## ruff lint and format check
	$(BIN)/ruff check scripts tests bench
	$(BIN)/ruff format --check scripts tests bench

format: $(STAMP) ## ruff format and safe fixes
	$(BIN)/ruff check --fix scripts tests bench
	$(BIN)/ruff format scripts tests bench

clean: ## Remove dist/, .venv and caches
	rm -rf dist .dist-* .recruitment $(VENV) .pytest_cache .ruff_cache .hypothesis
	find . -name __pycache__ -type d -prune -exec rm -rf {} +
