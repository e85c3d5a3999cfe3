# Russian military recruitment data package. `make` builds everything; `make test` tests it.
# Needs only Python 3.11+ on the machine: the virtual environment is created here.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
DEV    := $(VENV)/.installed-dev
PIP    := $(BIN)/python -m pip install --quiet --disable-pip-version-check --require-hashes
SIZES  ?= 10000 100000 1000000
# The browser tests run Debian's chromium; CHROMIUM=/path/to/chrome picks another build.
CHROMIUM ?= /usr/bin/chromium
# Test workers: 2 on this project's two-core machines; PYTEST_WORKERS=0 runs in one process.
PYTEST_WORKERS ?= 2
# make mutate: which mutants (mutmut name globs, e.g. 'recruitment.numbers*'; all by default).
MUTANTS ?=
MUTATE := build/mutate

.DEFAULT_GOAL := all
.PHONY: all help venv dev browser lock validate coverage export report build codebook readme release test mutate lint format bench suggest-eval clean

all: build readme codebook ## Create .venv, install the locked dependencies, validate, publish dist/, regenerate README counts and the codebook

help: ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | sed -E 's/:.*## /\t/' | expand -t 12

# requirements.lock: what building and validating need (`make`). requirements-dev.lock: that
# and the test, lint and lock tools (`make dev`, `make test`). Both are written by `make lock`.
$(STAMP): requirements.lock pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python 3.11+ is needed: make PYTHON=python3.11")'
	$(PYTHON) -m venv $(VENV)
	$(PIP) -r requirements.lock
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-deps --no-build-isolation -e .
	@touch $(STAMP)

$(DEV): requirements-dev.lock $(STAMP)
	$(PIP) -r requirements-dev.lock
	@touch $(DEV)

venv: $(STAMP) ## Create .venv with the locked runtime dependencies (what `make` needs)

dev: $(DEV) browser ## Add the locked test, lint and lock tools to .venv, and the browser

# Debian's chromium for the browser tests, installed here and never by a test.
browser: ## Install Debian's chromium for the browser tests when it is missing (as root)
	@if [ -x "$(CHROMIUM)" ]; then exit 0; fi; \
	if [ "$(CHROMIUM)" = /usr/bin/chromium ] && [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	  echo "installing Debian's chromium for the browser tests (apt-get)"; \
	  DEBIAN_FRONTEND=noninteractive apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null && exit 0; \
	  echo "make browser: apt-get could not install chromium" >&2; exit 1; \
	fi; \
	echo "make browser: the browser tests need Chromium at $(CHROMIUM), and it is not there." >&2; \
	echo "  As root: apt-get install chromium (or run make as root to have it installed)." >&2; \
	echo "  Or name a Chrome/Chromium you have: make test CHROMIUM=/usr/bin/google-chrome" >&2; \
	exit 1

lock: $(DEV) ## Rewrite both lock files from pyproject.toml (keeps every pin that still fits)
	$(BIN)/uv pip compile pyproject.toml --extra build --universal --python-version 3.11 \
	  --generate-hashes --no-header --quiet -o requirements.lock
	$(BIN)/uv pip compile pyproject.toml --extra build --extra dev --universal --python-version 3.11 \
	  --generate-hashes --no-header --quiet -c requirements.lock -o requirements-dev.lock

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
# The slowest tests are listed at the end (--durations).
test: build $(DEV) browser ## Build, add the dev tools, then run the test suite (2 workers)
	RECRUITMENT_SITE=dist/site RECRUITMENT_CHROMIUM="$(CHROMIUM)" $(BIN)/python -m pytest \
	  -n $(PYTEST_WORKERS) --durations=15 --durations-min=1; status=$$?; \
	$(BIN)/recruitment checksums >/dev/null; exit $$status

# Mutation testing (docs/mutation.md): mutmut mutates checks/, core/cache.py, numbers.py and findings.py
# ([tool.mutmut] in pyproject.toml) and runs the fast rule tests against each mutant, one at
# a time and niced. mutmut expects the code in src/, so it runs in $(MUTATE), where src/ is
# scripts/ (and the package files the tests copy sit beside it); results stay there.
mutate: $(DEV) ## Mutation-test the rules (MUTANTS='recruitment.numbers*' for one file); prints the score per file
	rm -rf $(MUTATE) && mkdir -p $(MUTATE)
	ln -s ../../scripts $(MUTATE)/src
	for f in tests pyproject.toml datapackage.json schemas data seeds CHANGELOG.md CITATION.cff; do \
	  ln -s ../../$$f $(MUTATE)/$$f; done
	cd $(MUTATE) && start=$$(date +%s) && \
	  nice -n 10 ../../$(BIN)/mutmut run --max-children 1 $(MUTANTS); status=$$?; \
	  echo "wall time: $$(( $$(date +%s) - start )) s"; \
	  ../../$(BIN)/mutmut results --all true | awk -F': ' \
	    '{ split($$1, p, ".x"); file = p[1]; gsub(/ /, "", file); n[file]++; if ($$2 == "killed") k[file]++ } \
	     END { for (f in n) { printf "%-40s %5d/%-5d killed %5.1f%%\n", f, k[f], n[f], 100 * k[f] / n[f]; \
	       K += k[f]; N += n[f] } if (N) printf "%-40s %5d/%-5d killed %5.1f%%\n", "all", K, N, 100 * K / N }' \
	    | sort; \
	  ../../$(BIN)/mutmut results; exit $$status

release: build ## Build, then write dist/release/<name>-<version>.zip and CHANGES-<version>.md
	$(BIN)/recruitment release

bench: $(STAMP) ## Time validate/export against frictionless at SIZES (see bench/results.md)
	$(BIN)/python bench/run.py --sizes "$(SIZES)"

suggest-eval: $(STAMP) ## Measure recruitment suggest field by field on unseen articles and the seeds; writes bench/suggest_eval.md
	$(BIN)/python bench/suggest_eval.py --write bench/suggest_eval.md

lint: $(DEV) ## ruff lint and format check
	$(BIN)/ruff check scripts tests bench
	$(BIN)/ruff format --check scripts tests bench

format: $(DEV) ## ruff format and safe fixes
	$(BIN)/ruff check --fix scripts tests bench
	$(BIN)/ruff format scripts tests bench

clean: ## Remove dist/, .venv and caches
	rm -rf dist .dist-* .recruitment $(VENV) .pytest_cache .ruff_cache .hypothesis
	find . -name __pycache__ -type d -prune -exec rm -rf {} +
