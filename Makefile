# The kit's commands. Each target installs what it needs into .venv first;
# a second run reinstalls nothing unless requirements.txt or pyproject.toml changed.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
LAB_ARGS ?=
# lab puts .venv/bin on PATH: nbgrader runs the `alembic` command when it creates the gradebook.
# Its terminals run bash with .venv/terminal.bashrc, not a login shell: a login shell (Jupyter
# starts one when make lab's output is not a terminal) reads /etc/profile, which resets PATH, and
# `infowork` would not be found in the JupyterLab terminal.
# Jupyter refuses to start as root (a Docker container, a fresh VM) unless told it may.
ROOT_ARGS := $(if $(filter 0,$(shell id -u 2>/dev/null)),--allow-root)

.PHONY: lab test exercises datasets bench bench-hub course site clean help

help:
	@$(PY_CHECK)
	@echo "make lab        - установить окружение и открыть JupyterLab с курсом"
	@echo "make test       - установить окружение и запустить все тесты"
	@echo "make exercises  - пересобрать exercises/ из solutions/ (nbgrader generate_assignment)"
	@echo "make datasets   - пересоздать учебные наборы данных в datasets/"
	@echo "make bench      - замеры: загрузка данных и память, генератор, проверка группы, открытые отчёты"
	@echo "make bench-hub  - нагрузка на JupyterHub семинара: 30 слушателей входят и проходят урок (нужен root)"
	@echo "make course     - показать карту курса и программы семинаров"
	@echo "make site       - собрать сайт курса для дистанционного обучения в out/site/ (работает без интернета)"

# The Python check comes first: an older Python would fail later with an unreadable error.
PY_CHECK = $(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null || { \
	echo "Нужен Python 3.11 или новее, а сейчас: $$($(PYTHON) --version 2>/dev/null || echo "$(PYTHON) не найден")." >&2; \
	echo "Установите Python 3.11+ (python.org; Ubuntu: sudo apt install python3.11 python3.11-venv;" >&2; \
	echo "macOS: brew install python@3.12) и укажите его make: make lab PYTHON=python3.12" >&2; \
	exit 1; }

# A failed or interrupted install removes .venv: the next run starts afresh instead of reusing a
# half-built environment (a venv without pip, half-installed packages).
$(STAMP): requirements.txt pyproject.toml jupyter/overrides.json
	@$(PY_CHECK)
	@fail() { rm -rf $(VENV); echo "$$1" >&2; \
	    echo "Недоустановленное окружение .venv удалено: следующий make начнёт установку заново." >&2; \
	    exit 1; }; \
	trap 'fail "Установка прервана."' INT TERM; \
	if ! $(BIN)/python -m pip --version >/dev/null 2>&1; then \
	    rm -rf $(VENV); \
	    $(PYTHON) -m venv $(VENV) || fail "Не удалось создать .venv (Debian и Ubuntu: sudo apt install python3-venv)."; \
	fi; \
	echo "Устанавливаю пакеты в .venv (первый раз — около минуты)..."; \
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements.txt \
	    || fail "Не удалось установить пакеты из requirements.txt (нет интернета?)."; \
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-deps -e . \
	    || fail "Не удалось установить пакет infowork."; \
	mkdir -p $(VENV)/share/jupyter/lab/settings; \
	cp jupyter/overrides.json $(VENV)/share/jupyter/lab/settings/overrides.json; \
	touch $(STAMP)

lab: $(STAMP)
	@printf '%s\n' '[ -f ~/.bashrc ] && . ~/.bashrc' 'export PATH="$(CURDIR)/$(BIN):$$PATH"' \
		> $(VENV)/terminal.bashrc
	PATH="$(CURDIR)/$(BIN):$$PATH" $(BIN)/jupyter lab --ServerApp.root_dir="$(CURDIR)" \
		--LabApp.default_url="/lab/tree/$$($(BIN)/infowork course --first-lesson)" \
		--ServerApp.terminado_settings="shell_command=bash --rcfile $(CURDIR)/$(VENV)/terminal.bashrc -i" \
		$(ROOT_ARGS) $(LAB_ARGS)

test: $(STAMP)
	$(BIN)/python -m pytest

exercises: $(STAMP)
	$(BIN)/infowork exercises

datasets: $(STAMP)
	$(BIN)/python -m infowork.datagen datasets

# --reports 56: the open report of every organisation (--all), timed.
bench: $(STAMP)
	$(BIN)/python scripts/benchmark.py --reports 56

# 30 simulated trainees, 10 logging in at a time (the hub creates Linux users: root only).
bench-hub: $(STAMP)
	$(BIN)/python scripts/hub_benchmark.py --users 30 --batch 10

course: $(STAMP)
	@$(BIN)/infowork course

# The course website (infowork/site): lessons executed once and cached in out/site-build/,
# the widget script fetched once with npm into ~/.cache/infowork/site.
site: $(STAMP)
	@$(BIN)/python -m infowork.site

clean:
	rm -rf $(VENV) grading .pytest_cache
