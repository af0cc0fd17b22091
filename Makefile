# Two commands do all the set-up: `make run` and `make test`. See README.md.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test install verifier ob-schemas migrate seed demo-code lint security audit format clean bench cluster cluster-check drill

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

# The reference credential verifier (Digital Bazaar's libraries, pinned by its lock file) the tests check our
# credentials with. Needs Node 20 and npm; without them its tests are skipped (and fail under CI).
VERIFIER_STAMP := verifier/node_modules/.installed
$(VERIFIER_STAMP): verifier/package-lock.json
	@if command -v npm >/dev/null 2>&1; then \
		npm ci --prefix verifier --no-audit --no-fund --loglevel=error && touch $(VERIFIER_STAMP); \
	else echo "npm is not installed: the reference verifier's tests will be skipped (apt-get install nodejs npm)."; fi

verifier: $(VERIFIER_STAMP)

# 1EdTech's Open Badges 3.0 JSON schemas, pinned by SHA-256, which the tests validate our credentials against.
OB_SCHEMAS := var/ob-schemas/ob_v3p0_achievementcredential_schema.json
$(OB_SCHEMAS): scripts/fetch_ob_schemas.py | $(STAMP)
	$(BIN)/python scripts/fetch_ob_schemas.py

ob-schemas: $(OB_SCHEMAS)

migrate: install
	mkdir -p var
	$(BIN)/python manage.py migrate --no-input -v 0

seed: migrate
	$(BIN)/python manage.py seed_demo --quiet-users

# Installs, migrates, loads demo data, then serves on http://127.0.0.1:8000 with a Celery worker.
run: migrate
	$(BIN)/python scripts/run.py

demo-code: install
	@$(BIN)/python manage.py demo_totp

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

# Static security checks; each finding is fixed or justified in a `# nosec` comment where it is.
security: install
	$(BIN)/bandit -q -c pyproject.toml -r .

# Known vulnerabilities in every installed package (PyPI's advisory data; needs the network). --strict fails when
# a package could not be checked, so an unreachable advisory service fails rather than passing silently.
audit: install
	$(BIN)/pip-audit --strict --progress-spinner off

test: lint security verifier ob-schemas
	$(BIN)/python manage.py makemigrations --check --dry-run -v 0
	@echo "Running the test suite: about 12 minutes on 2 cores (one file: $(BIN)/pytest tests/PATH.py; see README.md)."
	$(BIN)/pytest

# Several nodes on this machine (docs/operations.md): a PostgreSQL primary and hot standby, Redis, two gunicorn web
# nodes behind HAProxy, two Celery workers and beat, all under var/cluster/. Needs Debian's postgresql-15,
# redis-server and haproxy. Ctrl-C stops it all.
cluster: install
	$(BIN)/python scripts/cluster.py

# The same, checked: standby streaming and read, sessions and files shared across nodes, a killed node taken out.
cluster-check: install
	$(BIN)/python scripts/cluster.py --check

# Mixed traffic through the balancer while a web node and a worker are killed and Redis restarted; what was lost.
drill: install
	$(BIN)/python scripts/drill.py

clean:
	rm -rf var/db.sqlite3 var/celery var/media var/staticfiles

# Every benchmark against PostgreSQL after generate_national_data (SCALE register entries; 100000 for England),
# one line per figure with its baseline from the same run, into benchmarks/RESULTS.md. See benchmarks/run_all.py.
SCALE ?= 10000
BENCH_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/swaccredit_bench
bench: install
	BENCH_DATABASE_URL=$(BENCH_DATABASE_URL) $(BIN)/python benchmarks/run_all.py --scale $(SCALE) $(BENCH_ARGS)
