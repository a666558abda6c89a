# gongkai — make site | make test | make check | make serve
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-$(shell cksum requirements.txt | cut -d' ' -f1)

export PYTHONPATH := $(CURDIR)/hooks
export NO_MKDOCS_2_WARNING := 1

.PHONY: site test check serve schema-doc docs clean

$(STAMP): requirements.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -r requirements.txt
	rm -f $(VENV)/.installed-*
	touch $@

## Build the site into site/ (stops with a list of errors when the catalogue has any).
site: $(STAMP)
	$(BIN)/mkdocs build --clean

## Run the test suite.
test: $(STAMP)
	$(BIN)/python -m pytest -q tests

## Validate the catalogue only (fast, no rendering); exits non-zero on errors.
check: $(STAMP)
	$(BIN)/python -m gongkai check

## Preview at http://127.0.0.1:8000/ while editing.
serve: $(STAMP)
	$(BIN)/mkdocs serve

## Print the front-matter field table generated from the schema.
schema-doc: $(STAMP)
	@$(BIN)/python -m gongkai schema-doc

clean:
	rm -rf site

## Regenerate the field tables in README.md from the schema.
docs: $(STAMP)
	$(BIN)/python -m gongkai schema-doc --update README.md
