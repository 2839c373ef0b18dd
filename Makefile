# The kit's commands. Each target installs what it needs into .venv first;
# a second run reinstalls nothing unless requirements.txt or pyproject.toml changed.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
LAB_ARGS ?=
# lab puts .venv/bin on PATH: nbgrader runs the `alembic` command when it creates the gradebook.
# Jupyter refuses to start as root (a Docker container, a fresh VM) unless told it may.
ROOT_ARGS := $(if $(filter 0,$(shell id -u 2>/dev/null)),--allow-root)

.PHONY: lab test exercises datasets bench course clean help

help:
	@echo "make lab        - установить окружение и открыть JupyterLab с курсом"
	@echo "make test       - установить окружение и запустить все тесты"
	@echo "make exercises  - пересобрать exercises/ из solutions/ (nbgrader generate_assignment)"
	@echo "make datasets   - пересоздать учебные наборы данных в datasets/"
	@echo "make bench      - замеры: загрузка данных и память, генератор, проверка группы"
	@echo "make course     - показать карту курса и программы семинаров"

$(STAMP): requirements.txt pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements.txt
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-deps -e .
	@touch $(STAMP)

lab: $(STAMP)
	PATH="$(CURDIR)/$(BIN):$$PATH" $(BIN)/jupyter lab --ServerApp.root_dir="$(CURDIR)" \
		--LabApp.default_url="/lab/tree/$$($(BIN)/infowork course --first-lesson)" \
		$(ROOT_ARGS) $(LAB_ARGS)

test: $(STAMP)
	$(BIN)/python -m pytest

exercises: $(STAMP)
	$(BIN)/infowork exercises

datasets: $(STAMP)
	$(BIN)/python -m infowork.datagen datasets

bench: $(STAMP)
	$(BIN)/python scripts/benchmark.py

course: $(STAMP)
	@$(BIN)/infowork course

clean:
	rm -rf $(VENV) grading .pytest_cache
