# Praktijkbank: `make run` serves the demo knowledge base, `make test` runs the whole suite.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
# Where `make run` serves: `make run PORT=8000` (PORT may also come from the environment),
# `make run HOST=0.0.0.0` for other machines. HOST only as an argument: some shells export
# HOST as the machine's name, which would quietly open the server to the network.
HOST := 127.0.0.1
PORT ?= 5000
PO_FILES := $(wildcard kb/translations/*/LC_MESSAGES/messages.po)
MO_FILES := $(PO_FILES:.po=.mo)
# Every install resolves to the versions pinned here; `make constraints` refreshes them.
CONSTRAINTS := constraints.txt
PIP_INSTALL := $(BIN)/pip install --quiet -c $(CONSTRAINTS)
PACKAGING := setup.cfg setup.py pyproject.toml $(CONSTRAINTS)

.PHONY: run serve test lint wheel-check install install-test init translations extract-messages \
	bench constraints clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: $(BIN)/python $(PACKAGING)
	$(PIP_INSTALL) -e .
	touch $@

$(VENV)/.installed-test: $(BIN)/python $(PACKAGING)
	$(PIP_INSTALL) -e '.[test,postgres,lint]'
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

# The same instance served as in production: gunicorn with the shipped configuration
# (kb/gunicorn_config.py: a worker per core plus one, graceful restarts, an access log),
# e.g. `make serve PORT=8000`; KB_WORKERS, KB_LOG_FORMAT=json ... from the environment.
serve: init
	KB_BIND=$(HOST):$(PORT) $(BIN)/gunicorn -c python:kb.gunicorn_config 'kb:create_app()'

# The standards HTML checker (Nu Html Checker, run with Java) the browser tests check every
# page with; taken from the npm registry at a pinned version and checked against its digest.
VNU_VERSION := 26.9.27
VNU_SHA256 := 22f15dd39a33bed929d2a5c0cddf5946849a647eca9272bf4d5d00bc7e7a4d47
VNU_JAR := build/vnu.jar
$(VNU_JAR):
	rm -rf build/vnu-download && mkdir -p build/vnu-download
	cd build/vnu-download && npm pack --silent vnu-jar@$(VNU_VERSION) >/dev/null
	tar -xzf build/vnu-download/vnu-jar-$(VNU_VERSION).tgz -C build/vnu-download \
	  package/build/dist/vnu.jar
	echo "$(VNU_SHA256)  build/vnu-download/package/build/dist/vnu.jar" | sha256sum -c --quiet
	mv build/vnu-download/package/build/dist/vnu.jar $@
	rm -rf build/vnu-download

# One worker per core (pytest-xdist), each with a PostgreSQL database of its own.
TEST_WORKERS ?= auto
test: install-test $(VNU_JAR)
	KB_VNU_JAR=$(VNU_JAR) $(BIN)/python -m pytest -n $(TEST_WORKERS) $(PYTEST_ARGS)

lint: install-test
	$(BIN)/ruff check kb tests bench setup.py
	$(BIN)/lint-imports

# The built wheel installs and runs outside the checkout (see .ci/wheel-check).
wheel-check: install
	.ci/wheel-check

N ?= 10000
bench: install
	$(PIP_INSTALL) -e '.[bench]'
	$(BIN)/python bench/search.py --n $(N)

extract-messages: install
	$(BIN)/pybabel extract -F babel.cfg -k lazy_gettext -k _l -o kb/translations/messages.pot .
	$(BIN)/pybabel update -i kb/translations/messages.pot -d kb/translations --no-fuzzy-matching

# Newest releases that setup.cfg allows, resolved in a scratch venv, pinned for everyone.
constraints:
	rm -rf build/constraints-venv
	$(PYTHON) -m venv build/constraints-venv
	build/constraints-venv/bin/pip install --quiet '.[test,postgres,bench,lint]'
	{ echo "# Every dependency pinned (installs use -c $(CONSTRAINTS)); refresh: make constraints"; \
	  build/constraints-venv/bin/pip freeze --exclude-editable | grep -vi '^praktijkbank'; \
	} > $(CONSTRAINTS)
	rm -rf build/constraints-venv

clean:
	rm -rf $(VENV) build *.egg-info .pytest_cache $(MO_FILES)
