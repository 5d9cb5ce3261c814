# Two commands: `make demo` sets everything up and starts the site with the demo data;
# `make test` installs what the tests need and runs all of them, browser tests included.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
# Debian packages the site needs: nodejs and npm to install the H5P player, DejaVu fonts
# embedded in PDFs, gettext to update the interface translations (`make messages`; the
# compiled .mo files are committed, so the site runs without it). The tests add chromium for
# browser tests and poppler-utils to look at generated PDFs by hand.
SITE_DEBS := nodejs npm fonts-dejavu-core gettext
TEST_DEBS := $(SITE_DEBS) chromium poppler-utils zbar-tools

.PHONY: demo test install install-test site-packages system-packages lint migrate clean h5p-player axe messages

# The H5P player (h5p-standalone) comes from the npm registry, pinned by
# assessments/player/package-lock.json; its dist/ is copied into a git-ignored static folder.
# --ignore-scripts: the package's only install script is a yarn-only guard, nothing to build.
H5P_PLAYER := assessments/static/assessments/h5p-standalone

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml $(VENV)/.installed
	$(BIN)/pip install --quiet -e ".[test]"
	touch $@

$(H5P_PLAYER)/.installed: assessments/player/package.json assessments/player/package-lock.json
	@command -v npm >/dev/null || { echo "npm is missing: install Debian packages nodejs npm"; exit 1; }
	cd assessments/player && npm ci --ignore-scripts --no-audit --no-fund --loglevel=error
	rm -rf $(H5P_PLAYER)
	cp -r assessments/player/node_modules/h5p-standalone/dist $(H5P_PLAYER)
	touch $@

h5p-player: $(H5P_PLAYER)/.installed

# axe-core for the accessibility browser tests, pinned by tests/browser/axe/package-lock.json;
# the tests inject its axe.min.js into pages. Nothing to build, so no install scripts either.
AXE := tests/browser/axe/node_modules/axe-core/axe.min.js

$(AXE): tests/browser/axe/package.json tests/browser/axe/package-lock.json
	@command -v npm >/dev/null || { echo "npm is missing: install Debian packages nodejs npm"; exit 1; }
	cd tests/browser/axe && npm ci --ignore-scripts --no-audit --no-fund --loglevel=error
	touch $@

axe: $(AXE)

install: $(VENV)/.installed site-packages h5p-player

install-test: $(VENV)/.installed-test system-packages h5p-player axe

# Installs only what is missing, so a machine that has everything needs no root. npm is
# looked for as a command: NodeSource's nodejs package carries its own npm and conflicts
# with Debian's npm package.
site-packages: DEBS = $(SITE_DEBS)
system-packages: DEBS = $(TEST_DEBS)
site-packages system-packages:
	@missing=""; for p in $(DEBS); do \
		case $$p in nodejs|npm) command -v npm >/dev/null 2>&1 && continue;; esac; \
		dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
		echo "Installing Debian packages:$$missing"; \
		SUDO=""; [ "$$(id -u)" = 0 ] || SUDO=sudo; \
		$$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq --no-install-recommends $$missing >/dev/null; \
	fi

migrate: install
	$(BIN)/python manage.py migrate --no-input

demo: migrate
	$(BIN)/python manage.py load_demo
	@echo "Open http://localhost:$(PORT)/ and log in with a demo account from README.md"
	@# The certificate worker runs beside the site (bulk issuing) and stops with it.
	$(BIN)/python manage.py db_worker --backend certificates --no-reload & worker=$$!; \
	trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
	$(BIN)/python manage.py runserver 0.0.0.0:$(PORT)

lint: $(VENV)/.installed-test
	$(BIN)/ruff check .

test: install-test
	$(BIN)/ruff check .
	DATABASE_URL=sqlite://:memory: $(BIN)/python manage.py makemigrations --check --dry-run --settings=lms.settings.test
	$(BIN)/pytest $(PYTEST_ARGS)

# Interface translations: collect the strings into locale/<language>/LC_MESSAGES/django.po,
# translate what is new (see locale/README.md), then compile the .mo files. Commit both.
MESSAGES_IGNORE := --ignore=.venv --ignore=node_modules --ignore=staticfiles --ignore=media \
	--ignore=private --ignore=benchmarks --ignore=tests --ignore=assessments/player \
	--ignore=assessments/static/assessments/h5p-standalone

messages: $(VENV)/.installed site-packages
	$(BIN)/python manage.py makemessages --all --no-obsolete $(MESSAGES_IGNORE)
	$(BIN)/python manage.py compilemessages --ignore=.venv

clean:
	rm -rf $(VENV) staticfiles .pytest_cache .ruff_cache assessments/player/node_modules $(H5P_PLAYER) tests/browser/axe/node_modules
