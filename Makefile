# loyaldesk developer commands. Every target installs what it needs into .venv first.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
CATALOGS := $(wildcard src/loyaldesk/locale/*/LC_MESSAGES/*.po)

.PHONY: install demo test lint format bench bench-desk messages vendor clean

$(STAMP): pyproject.toml hatch_build.py $(CATALOGS)
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	touch $@

install: $(STAMP)

demo: $(STAMP)
	$(BIN)/loyaldesk demo

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

test: lint
	LOYALDESK_DATA_DIR="$$(mktemp -d)" $(BIN)/python -m pytest -p no:cacheprovider

format: $(STAMP)
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

bench: $(STAMP)
	$(BIN)/python bench/bench_generator.py

# Server time of the desk on the 1,000,000-case data sets (SQLite, and PostgreSQL on port 55432:
# bench/pg_cluster.sh start). BENCH_DESK_ARGS=--build generates a missing data set first.
bench-desk: $(STAMP)
	$(BIN)/python bench/bench_desk.py $(BENCH_DESK_ARGS)

# Re-extract UI strings after changing them (needs GNU gettext), then translate fr and it.
messages: $(STAMP)
	cd src/loyaldesk && LOYALDESK_DATA_DIR="$$(mktemp -d)" ../../$(BIN)/loyaldesk manage makemessages -l en -l fr -l it --no-location --ignore "demo/phrasebook/*"

# Refresh the vendored front-end files from the npm registry.
vendor:
	npm install --no-audit --no-fund
	cp node_modules/htmx.org/dist/htmx.min.js src/loyaldesk/core/static/loyaldesk/vendor/
	cp node_modules/htmx.org/LICENSE src/loyaldesk/core/static/loyaldesk/vendor/htmx.LICENSE
	cp node_modules/chart.js/dist/chart.umd.min.js src/loyaldesk/core/static/loyaldesk/vendor/chart.umd.min.js
	cp node_modules/chart.js/LICENSE.md src/loyaldesk/core/static/loyaldesk/vendor/chart.LICENSE.md

clean:
	rm -rf $(VENV) loyaldesk-data node_modules
