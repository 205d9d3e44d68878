# govscan — the two things a newcomer runs: `make demo` and `make test`.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin

.PHONY: demo test lint docs services browser clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip

$(VENV)/.demo: pyproject.toml | $(BIN)/python
	$(BIN)/pip install -q -e '.[demo,iac]'
	touch $@

$(VENV)/.dev: pyproject.toml | $(BIN)/python
	$(BIN)/pip install -q -e '.[dev]'
	touch $@

## Scan the bundled demo (an emulated AWS account and example Terraform/CloudFormation); no account needed.
demo: $(VENV)/.demo
	$(BIN)/govscan demo --lang ja

## Install the dev extras, make sure the services and the browser exist, run every test, regenerate the reliability tables.
test: $(VENV)/.dev services browser
	rm -rf tests/out/reliability
	$(BIN)/python -m pytest
	$(BIN)/python -m tests.reliability
	$(BIN)/ruff check .

## PostgreSQL and Redis for the store and distributed tests (started only if they are not running).
services:
	@pg_isready -q -h 127.0.0.1 -p 5432 || pg_ctlcluster --skip-systemctl-redirect $$(ls /etc/postgresql) main start
	@redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null 2>&1 || redis-server --daemonize yes --bind 127.0.0.1 -::1 --port 6379 --save "" --appendonly no --dir /var/lib/redis --logfile /var/log/redis/ci.log

## Debian's Chromium for the HTML report browser test.
browser:
	@[ -x /usr/bin/chromium ] || (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-ipafont-gothic >/dev/null)

lint: $(VENV)/.dev
	$(BIN)/ruff check .

## Regenerate docs/checks.md and docs/kinds.md from the catalog.
docs: $(VENV)/.dev
	$(BIN)/python -m scanner.docs

clean:
	rm -rf $(VENV) govscan-report govscan-demo tests/out
