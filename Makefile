# Two commands: `make run` serves the demo, `make test` runs the whole suite.
# Needs only Python 3.11+ and make: no root, no npm.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
STAMP := $(VENV)/.installed
PYTEST := $(BIN)/python -m pytest

.PHONY: run test install lint clean messages

$(STAMP): requirements.txt requirements-dev.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --upgrade pip
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	touch $(STAMP)

install: $(STAMP)

run: $(STAMP)
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py load_curriculum
	$(BIN)/python manage.py seed_demo
	@echo "Mở http://127.0.0.1:$(PORT)/ trong trình duyệt (Ctrl+C để dừng)."
	PORT=$(PORT) $(BIN)/daphne -b 127.0.0.1 -p $(PORT) quizsite.asgi:application

# 1) the whole suite (PostgreSQL + Redis when TEST_DATABASE_URL / REDIS_URL are set);
# 2) with services set, the paths `make run` depends on again on SQLite + in-memory layer;
# 3) the browser tests in their own process (Playwright's sync API and asyncio don't mix).
test: $(STAMP)
	$(PYTEST) -m "not e2e"
	@if [ -n "$$TEST_DATABASE_URL$$REDIS_URL" ]; then \
		echo "== embedded default: SQLite + in-memory channel layer =="; \
		env -u TEST_DATABASE_URL -u REDIS_URL -u REQUIRE_SERVICES $(PYTEST) -m "not e2e" tests/quizsite tests/contests tests/lessons tests/schools/test_access.py; \
	fi
	$(PYTEST) -m e2e -o timeout=900 tests/e2e || [ $$? -eq 5 ]

# Refresh the English catalogue after changing UI strings: makemessages needs GNU
# gettext (a developer tool, Debian package `gettext`); the .mo is compiled with
# polib and committed, so installing and running need neither.
messages: $(STAMP)
	$(BIN)/python manage.py makemessages -l en --no-obsolete --no-location \
		--ignore=tests/* --ignore=bench/* --ignore=scripts/* --ignore=var/*
	$(BIN)/python scripts/compile_messages.py

lint: $(STAMP)
	$(BIN)/ruff check .

clean:
	rm -rf var/test-*.sqlite3 var/staticfiles
