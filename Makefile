# Every target sets up .venv first if it is missing (Python 3.11, no conda needed).
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
export PATH := $(abspath $(VENV))/bin:$(PATH)
export TF_CPP_MIN_LOG_LEVEL := 2

.PHONY: install lock demo test release bench bench-full clean

# constraints.txt: the exact versions of the environment the suite last passed in (`make lock` rewrites it)
$(VENV)/.installed: pyproject.toml constraints.txt
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -c constraints.txt -e ".[dev]"
	touch $@

install: $(VENV)/.installed

## lock: write constraints.txt from the installed environment (after a change of dependencies, once make test passes)
lock: install
	$(PY) -m pip freeze --exclude-editable --exclude pip | grep -v '^#' > constraints.txt

## demo: release the labs, autograde sample submissions, print the grade table, write grades.csv + feedback
demo: install
	$(PY) -m autograder demo --out demo-out

## test: the whole suite
test: install
	$(PY) -m pytest -n 2 --dist loadfile

## release: regenerate solutions/*.ipynb and labs/ from the lab sources
release: install
	$(PY) -m autograder release

## bench: notebook run times against their budgets, then grading throughput vs stock nbgrader (5 students)
bench: install
	$(PY) bench/bench_notebooks.py
	$(PY) bench/bench_grading.py --students 5

## bench-full: the grading benchmark at the issue's size (50 students, 600 notebooks: stock nbgrader alone takes about 45 minutes)
bench-full: install
	$(PY) bench/bench_grading.py --students 50 --jobs 1 2

clean:
	rm -rf demo-out .pytest_cache
