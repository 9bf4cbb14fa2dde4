# Two commands get you going: `make demo` (a running product with a year of demo data) and
# `make test` (the whole suite). Both create .venv and install on first use; later runs skip
# the install until pyproject.toml changes (the stamp file is keyed on its content).

SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell sha1sum pyproject.toml | cut -c1-12)

.PHONY: demo test lint format bench install chromium fonts clean-demo

install: $(STAMP)

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -qq --upgrade pip
	$(BIN)/python -m pip install -qq -e '.[test,bench]'
	@rm -f $(VENV)/.installed-* && touch $@

# Debian's Chromium for the browser tests (Playwright drives it). Installed only when missing;
# without root a warning is printed and the browser tests skip themselves.
chromium:
	@if command -v chromium >/dev/null 2>&1; then :; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
		echo "Installing Debian chromium ..."; \
		(apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium \
			>/dev/null) || echo "warning: could not install chromium; browser tests will skip"; \
	else echo "warning: chromium is not installed and this is not root; browser tests will skip"; \
	fi

# The PDF reports' fonts are vendored in static/fonts (nothing to install for demo or test).
# This rebuilds their Chinese subset from Debian's fonts-noto-cjk, installed when root.
fonts: install
	@if [ ! -e /usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc ] && [ "$$(id -u)" = 0 ]; then \
		echo "Installing Debian fonts-noto-cjk ..."; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq fonts-noto-cjk \
			>/dev/null; \
	fi
	$(BIN)/python scripts/build_report_fonts.py

demo: install
	@scripts/demo.sh

# Two workers, as this machine kind has two cores; the integration tests share one of them
# (tests/conftest.py groups them: they share a broker).
test: install chromium
	$(BIN)/pytest -n 2 --dist loadgroup $(PYTEST_ARGS)

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

# Needs PostgreSQL on 127.0.0.1:5432 and, for wave_send.py, Redis on 127.0.0.1:6379; each
# script is bounded in rows and seconds and stays on the loopback interface.
bench: install
	$(BIN)/python bench/metrics_scale.py
	$(BIN)/python bench/submit_load.py
	$(BIN)/python bench/wave_send.py
	$(BIN)/python bench/alerts.py
	$(BIN)/python bench/pdf.py
	$(BIN)/python bench/plans.py

clean-demo:
	rm -f db.sqlite3 db.sqlite3-wal db.sqlite3-shm
	rm -rf var/mail var/broker var/log
