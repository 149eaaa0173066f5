# Community Safety Strategic Assessment pipeline. `make help` lists the targets.
#   make all                                   # the sample area, every configured period
#   make all AREA=medway DATA_DIR=../shared/data
SHELL := /bin/bash
.DEFAULT_GOAL := help
PYTHON_BASE ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
AREA ?= sample
DATA_DIR ?=
SAMPLE_DIR := data/raw/sample
KERNEL := csp-assessment
UV_VERSION := 0.13.9
export UV_COMPILE_BYTECODE := 1
export GX_ANALYTICS_ENABLED := False

RUN_ARGS := --area $(AREA) $(if $(DATA_DIR),--data-dir $(DATA_DIR),)

.PHONY: help setup all sample-data test test-fast lint format lab lock clean distclean strip

help: ## List the targets
	@grep -hE '^[a-zA-Z_-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  %-12s %s\n", $$1, $$2}'

setup: $(STAMP) ## Create .venv from the hashed lock file and register the Jupyter kernel

$(STAMP): requirements/requirements.lock pyproject.toml
	@command -v $(PYTHON_BASE) >/dev/null || { echo "Python 3.11 is needed (set PYTHON_BASE=/path/to/python3.11)"; exit 1; }
	$(PYTHON_BASE) -m venv $(VENV)
	$(VENV)/bin/python -m pip install --quiet --disable-pip-version-check "uv==$(UV_VERSION)"
	$(VENV)/bin/uv pip install --python $(PY) --quiet --require-hashes -r requirements/requirements.lock
	$(VENV)/bin/uv pip install --python $(PY) --quiet --no-deps -e .
	$(PY) -m ipykernel install --sys-prefix --name $(KERNEL) --display-name "CSP assessment" >/dev/null
	$(VENV)/bin/nbstripout --install --attributes .gitattributes 2>/dev/null || true
	touch $(STAMP)

lock: ## Re-compile requirements/requirements.lock from requirements/requirements.in
	$(VENV)/bin/uv pip compile --quiet --generate-hashes --python-version 3.11.7 \
	  requirements/requirements.in -o requirements/requirements.lock

$(SAMPLE_DIR)/.complete: src/analysis/sample_data.py | $(STAMP)
	$(PY) -m analysis.sample_data $(SAMPLE_DIR)
	touch $@

sample-data: $(SAMPLE_DIR)/.complete ## Generate the synthetic sample area's raw data

all: $(STAMP) $(if $(filter sample,$(AREA)),$(if $(DATA_DIR),,$(SAMPLE_DIR)/.complete),) ## Run the whole assessment for AREA (default: sample) into outputs/
	$(PY) -m analysis.run $(RUN_ARGS)
	@echo "Open outputs/index.html"

test: $(STAMP) ## Run every test (unit, validation, end-to-end, screenshots)
	$(PY) -m pytest -q

test-fast: $(STAMP) ## Unit tests only (skip end-to-end runs)
	$(PY) -m pytest -q -m "not e2e"

lint: $(STAMP) ## ruff, formatting, and notebooks stripped of outputs
	$(VENV)/bin/ruff check src tests tools notebooks
	$(VENV)/bin/ruff format --check src tests tools
	$(PY) tools/check_notebooks.py notebooks/*.ipynb

format: $(STAMP) ## Apply ruff fixes and formatting
	$(VENV)/bin/ruff check --fix src tests tools notebooks
	$(VENV)/bin/ruff format src tests tools

strip: $(STAMP) ## Strip outputs from the notebooks (before commit)
	$(VENV)/bin/nbstripout notebooks/*.ipynb

lab: $(STAMP) ## Open JupyterLab on the notebooks with the project kernel
	cd notebooks && ../$(VENV)/bin/jupyter lab --MappingKernelManager.default_kernel_name=$(KERNEL)

clean: ## Remove outputs, processed data and builds (raw data is never touched)
	rm -rf outputs/* data/processed/* .build
	touch outputs/.gitkeep data/processed/.gitkeep

distclean: clean ## Also remove the virtual environment and the generated sample
	rm -rf $(VENV) $(SAMPLE_DIR)
