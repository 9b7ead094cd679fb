# Zhanggui — every target creates or refreshes .venv itself.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp

.PHONY: install demo test test-postgres lint bench fuzz clean messages serve-prod

$(STAMP): pyproject.toml tools/system-packages.sh
	bash tools/system-packages.sh
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

demo: $(STAMP)
	$(BIN)/zhanggui demo

test: $(STAMP)
	$(BIN)/pytest -n 2 --dist loadfile

test-postgres: $(STAMP)
	DATABASE_URL=$${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/test} $(BIN)/pytest -n 2 --dist loadfile

lint: $(STAMP)
	$(BIN)/ruff check src tests benchmarks tools
	$(BIN)/lint-imports

fuzz: $(STAMP)
	$(BIN)/python tools/fuzz.py

# The production shape: gunicorn (WEB_CONCURRENCY processes), a Celery worker and beat on
# PostgreSQL + Redis; needs DATABASE_URL, REDIS_URL and ZHANGGUI_SECRET_KEY (docs/deployment.md).
serve-prod: $(STAMP)
	$(BIN)/python tools/serve_prod.py

bench: $(STAMP)
	@for script in benchmarks/*.py; do echo "== $$script"; $(BIN)/python $$script || exit 1; done

messages: $(STAMP)
	cd src/zhanggui && ../../$(BIN)/zhanggui makemessages -l zh_Hans --ignore=.venv && ../../$(BIN)/zhanggui compilemessages

clean:
	rm -rf $(VENV) var .pytest_cache .ruff_cache
