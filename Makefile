# newswire: `make run` runs the pipeline end to end; `make test` installs and tests everything.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
DEV ?= ../shared/dev

.PHONY: install run test test-unit test-integration lint schemas kafka-start kafka-stop bench bench-clean bench-language bench-entities compose-check clean

install: $(STAMP)

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e ".[dev]"
	touch $(STAMP)

run: install
	$(BIN)/newswire run

test: install
	$(BIN)/newswire kafka start
	$(BIN)/python -m pytest tests

test-unit: install
	$(BIN)/python -m pytest tests/unit tests/agents

test-integration: install
	$(BIN)/newswire kafka start
	$(BIN)/python -m pytest -m integration tests

lint: install
	$(BIN)/ruff check streams schemas tests bench
	$(BIN)/mypy

schemas: install
	$(BIN)/python -m schemas.generate

kafka-start: install
	$(BIN)/newswire kafka start

kafka-stop: install
	$(BIN)/newswire kafka stop

bench: bench-clean bench-language bench-entities

bench-clean: install
	$(BIN)/python bench/clean.py $(DEV)

bench-language: install
	$(BIN)/python bench/language.py $(DEV)

bench-entities: install
	$(BIN)/python bench/entities.py $(DEV)

compose-check:
	docker-compose config -q

clean:
	rm -rf .pytest_cache .mypy_cache .ruff_cache build *.egg-info
