# The two commands a newcomer needs: `make run` and `make test`.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test install install-test lock bench clean

$(PY):
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip

# Stamp files make re-installs cheap: they are redone only when the dependency list or lock changes.
$(VENV)/.installed: pyproject.toml constraints.txt | $(PY)
	$(PY) -m pip install --quiet -c constraints.txt -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml constraints.txt | $(PY)
	$(PY) -m pip install --quiet -c constraints.txt -e ".[test]"
	touch $(VENV)/.installed $@

install: $(VENV)/.installed
install-test: $(VENV)/.installed-test

run: install
	$(VENV)/bin/sinmiedo migrate
	$(VENV)/bin/sinmiedo demo
	$(VENV)/bin/sinmiedo serve --host $(HOST) --port $(PORT)

test: install-test
	$(PY) -m pytest $(PYTEST_ARGS)

bench: install-test
	$(PY) -m bench $(BENCH_ARGS)

# Regenerate the lock after changing dependency ranges in pyproject.toml.
lock: install-test
	$(PY) -m pip freeze --exclude-editable | grep -v '^-e ' > constraints.txt

clean:
	rm -rf $(VENV) var/*.db var/*.db-wal var/*.db-shm
