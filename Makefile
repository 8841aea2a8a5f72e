# Praktijkbank: `make run` serves the demo knowledge base, `make test` runs the whole suite.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 5000
PO_FILES := $(wildcard kb/translations/*/LC_MESSAGES/messages.po)
MO_FILES := $(PO_FILES:.po=.mo)

.PHONY: run test install install-test init translations extract-messages bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: $(BIN)/python setup.cfg pyproject.toml
	$(BIN)/pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: $(BIN)/python setup.cfg pyproject.toml
	$(BIN)/pip install --quiet -e '.[test,postgres]'
	touch $@ $(VENV)/.installed

%.mo: %.po
	$(BIN)/pybabel compile --statistics -i $< -o $@

install: $(VENV)/.installed translations
install-test: $(VENV)/.installed-test translations
translations: $(MO_FILES)

init: install
	$(BIN)/kb init
	$(BIN)/kb demo --if-empty

# A local demo has no mail server: its mail (registration and reset links) goes to the log.
run: init
	KB_MAIL_LOG_LINKS=true $(BIN)/kb run --host $(HOST) --port $(PORT)

test: install-test
	$(BIN)/python -m pytest $(PYTEST_ARGS)

N ?= 10000
bench: install
	$(BIN)/pip install --quiet -e '.[bench]'
	$(BIN)/python bench/search.py --n $(N)

extract-messages: install
	$(BIN)/pybabel extract -F babel.cfg -k lazy_gettext -o kb/translations/messages.pot .
	$(BIN)/pybabel update -i kb/translations/messages.pot -d kb/translations --no-fuzzy-matching

clean:
	rm -rf $(VENV) build *.egg-info .pytest_cache $(MO_FILES)
