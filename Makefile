# The two commands of the README: `make quarter` and `make test`. Everything else is for developers.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
PMF    := $(BIN)/pmf
PERIOD := 2026-27-Q2
STAMP  := $(VENV)/.installed

.PHONY: quarter test install lint smoke bench sample-workbooks clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test,dev]'
	touch $(STAMP)

install: $(STAMP)

## The sample quarter end to end: generate the updater workbooks, then run the quarter on the sample returns.
## The sample returns hold deliberate mistakes, so `pmf quarter` exits 1 (data errors found); only 2 or more fails here.
quarter: $(STAMP)
	$(PMF) generate --period $(PERIOD) --out build/outbox
	$(PMF) quarter --period $(PERIOD) --inbox sample_workbooks --out build/packs || [ $$? -eq 1 ]

test: $(STAMP)
	$(BIN)/python -m pytest -q

lint: $(STAMP)
	$(BIN)/ruff check pmf_pipeline tests benchmarks
	$(BIN)/ruff format --check pmf_pipeline tests benchmarks
	$(BIN)/mypy pmf_pipeline

## Install the wheel into a clean environment outside the repository and run the sample quarter there (as CI does).
smoke:
	PYTHON=$(PYTHON) .ci/smoke

bench: $(STAMP)
	$(BIN)/python benchmarks/run.py

## Rebuild the curated sample returns in sample_workbooks/ (commit the result).
sample-workbooks: $(STAMP)
	$(BIN)/python -m pmf_pipeline.workbook.samples sample_workbooks

clean:
	rm -rf build data .pytest_cache

## Mutation testing of the rules, the export and the tracker against the tests that pin them ([tool.mutmut] in
## pyproject.toml); about 8 minutes on two cores. Lists the mutants no test caught: `.venv/bin/mutmut show NAME` shows one.
.PHONY: mutants
mutants: $(STAMP)
	$(BIN)/mutmut run --max-children 2
	$(BIN)/mutmut results

## Extract the fixed text of the package and the pack templates into the catalogue template (pmf.pot) and
## merge it into the Welsh catalogue (pmf.po): new messages arrive untranslated, flags such as `unchecked`
## are kept, and no translation is guessed (no fuzzy matching: a fuzzy translation would not be used).
LOCALE := pmf_pipeline/i18n/locale
.PHONY: catalogues
catalogues: $(STAMP)
	$(BIN)/pybabel extract --mapping-file babel.cfg --no-default-keywords --keyword _ --keyword gettext --keyword ngettext:1,2 --keyword N_ \
		--no-location --project pmf-pipeline --copyright-holder "pmf-pipeline contributors" --output-file $(LOCALE)/pmf.pot .
	$(BIN)/pybabel update --input-file $(LOCALE)/pmf.pot --output-dir $(LOCALE) --domain pmf --locale cy --no-fuzzy-matching --ignore-obsolete
