# The two commands of the README: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 5000
WORKERS ?= 2
export FLASK_APP := wsgi

.PHONY: run check test lint system-packages cluster-packages cluster clean bench

$(BIN)/.installed: pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(BIN)/.installed-test: $(BIN)/.installed
	$(BIN)/python -m pip install --quiet -e ".[test]"
	touch $@

# axe-core (npm) for the accessibility tests, kept inside the virtualenv's folder.
AXE := $(VENV)/npm/node_modules/axe-core/axe.min.js
$(AXE):
	npm install --silent --no-save --no-audit --no-fund --prefix $(VENV)/npm axe-core@4.11

run: $(BIN)/.installed
	$(BIN)/flask db upgrade
	$(BIN)/flask forum import-article
	$(BIN)/flask forum ensure-moderator
	@echo "Serving the forum on http://127.0.0.1:$(PORT)/ (Ctrl+C stops it)"
	$(BIN)/gunicorn --workers $(WORKERS) --bind 127.0.0.1:$(PORT) --no-control-socket \
		--access-logfile - wsgi:app

# Installs the Debian packages named in $$missing, as root; otherwise says what is missing.
INSTALL_MISSING = if [ -n "$$missing" ]; then \
		if [ "$$(id -u)" = 0 ]; then \
			echo "Installing Debian packages:$$missing"; \
			apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing; \
		else \
			echo "Missing Debian packages:$$missing (run make as root, or install them)"; exit 1; \
		fi; \
	fi
# The servers of the production shape: PostgreSQL, Redis and nginx.
FIND_SERVERS = { command -v pg_ctl >/dev/null || ls /usr/lib/postgresql/*/bin/pg_ctl >/dev/null 2>&1; } \
		|| missing="$$missing postgresql"; \
	command -v redis-server >/dev/null || missing="$$missing redis-server"; \
	{ command -v nginx >/dev/null || test -x /usr/sbin/nginx; } || missing="$$missing nginx-light"

# Debian packages the tests use; installed only when missing, and only as root.
system-packages:
	@missing=""; \
	command -v chromium >/dev/null || missing="$$missing chromium"; \
	command -v java >/dev/null || missing="$$missing default-jre-headless"; \
	$(FIND_SERVERS); \
	$(INSTALL_MISSING)

cluster-packages:
	@missing=""; $(FIND_SERVERS); $(INSTALL_MISSING)

# `make cluster`: nginx on PORT (default 8080) in front of APP_SERVERS (default 2) gunicorn
# app servers on PostgreSQL and Redis under CLUSTER_DIR (default instance/cluster/), all
# rendered from deploy/ and kept in the foreground; Ctrl+C stops them all (deploy/cluster.py).
cluster: cluster-packages $(BIN)/.installed
	PATH="$$PATH:/usr/sbin" PORT=$(if $(filter file,$(origin PORT)),8080,$(PORT)) $(BIN)/python -m deploy.cluster

lint: $(BIN)/.installed-test
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

# The quick tier for everyday work: lint, then every test but the browser and system
# tiers, on SQLite only. `make test` runs them all, on both databases.
check: $(BIN)/.installed-test lint
	FORUM_TEST_BACKENDS=sqlite $(BIN)/python -m pytest -q -m "not browser and not system"

# CI runs exactly this: lint, the whole test suite, then the scanners of `make security`.
test: system-packages $(BIN)/.installed-test $(AXE) lint
	$(BIN)/python -m pytest --durations=20
	$(MAKE) security
	@echo "Screenshots of the article and the queue: $(CURDIR)/test-artifacts/screenshots"

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache

# `make security`: sqlmap and wapiti3 against throwaway forums on 127.0.0.1 (see
# tests/security/scan.py); fails on any finding. The scanners live in their own
# virtualenv, so that their many pinned dependencies never touch the app's.
SECURITY_VENV := .venv-security
SECURITY_SCANNERS := sqlmap==1.10.10 wapiti3==3.2.3
.PHONY: security

$(SECURITY_VENV)/.installed: Makefile
	test -x $(SECURITY_VENV)/bin/python || $(PYTHON) -m venv $(SECURITY_VENV)
	$(SECURITY_VENV)/bin/python -m pip install --quiet --upgrade pip
	$(SECURITY_VENV)/bin/python -m pip install --quiet $(SECURITY_SCANNERS)
	touch $@

security: $(BIN)/.installed $(SECURITY_VENV)/.installed
	$(BIN)/python tests/security/scan.py

# `make bench` (not part of `make test`): the forum against a bare-Flask ceiling and
# Isso 0.14 under gunicorn, on 127.0.0.1 with wrk; see tests/bench/README.md.
bench: $(BIN)/.installed-test
	command -v wrk >/dev/null || { [ "$$(id -u)" = 0 ] && apt-get update -qq \
		&& DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk; }
	$(BIN)/python tests/bench/compare.py
