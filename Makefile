# ZC Enforcement: every set-up and run step a user or CI needs. `make demo` and `make test` on a
# fresh Debian 12 machine install what they need first (see `setup`).
SHELL := /bin/bash
PLUGIN := zc_enforcement_plugin
VENV := .venv
PY := $(VENV)/bin/python
SYSPY := /usr/bin/python3
QGIS_PROCESS := /usr/bin/qgis_process.bin
# fiona, rasterio and pyproj come from Debian, built against the same GDAL and PROJ as QGIS:
# PyPI's wheels bundle their own copies, and inside qgis_process or QGIS desktop (which link
# GDAL, PROJ and GEOS into the executable) those clash and crash. For the same reason shapely 2
# is compiled here against Debian's GEOS (libgeos-dev) instead of taken as a wheel.
# qttranslations5-l10n: Qt's own Chinese for the forms' Save/Cancel, which the plugin loads in a
# QGIS set to 简体中文 (zh-Hans) where QGIS does not.
APT_PACKAGES := qgis python3-qgis qgis-providers qttools5-dev-tools xvfb xauth python3-venv \
	python3-fiona python3-rasterio python3-pyproj libgeos-dev python3-dev zip unzip \
	fonts-wqy-microhei python3-pil poppler-utils python3-psycopg2 \
	qttranslations5-l10n
PIP_PACKAGES := "numpy<2" "affine<3" "shapely>=2.0,<2.2" pytest pytest-qgis ruff openpyxl \
	chinesecalendar
SETUP_STAMP := $(VENV)/.setup-done
DEMO_DIR := demo_output
# Headless Qt everywhere: tests, qgis_process and the demo never need a screen.
export QT_QPA_PLATFORM ?= offscreen
export QGIS_PLUGINPATH := $(CURDIR)
export PYTHONPATH := $(CURDIR)

.PHONY: setup apt venv demo test lint bench package deploy run translations clean screenshots

setup: $(SETUP_STAMP)

# Re-run only when the pinned package list changes: a second `make test` costs nothing here.
$(SETUP_STAMP): Makefile
	@if ! dpkg -s $(APT_PACKAGES) >/dev/null 2>&1; then \
	  echo "== installing Debian packages: $(APT_PACKAGES)"; \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq $(APT_PACKAGES) >/dev/null; \
	fi
	@[ -x $(PY) ] || $(SYSPY) -m venv --system-site-packages $(VENV)
	@echo "== installing Python packages into $(VENV)"
	@$(PY) -m pip install -q --disable-pip-version-check --no-binary shapely $(PIP_PACKAGES)
	@touch $@

lint: setup
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check $(PLUGIN) tests bench scripts

test: setup translations lint
	$(PY) -m pytest

demo: setup translations
	$(PY) scripts/demo.py --out $(DEMO_DIR)

screenshots: demo
	$(PY) scripts/screenshots.py

bench: setup
	$(PY) bench/bench_screening.py
	$(PY) bench/bench_dock.py
	$(PY) bench/bench_reports.py
	$(PY) bench/bench_export.py

translations: $(PLUGIN)/resources/i18n/zc_enforcement_zh_CN.qm

$(PLUGIN)/resources/i18n/%.qm: $(PLUGIN)/resources/i18n/%.ts
	@command -v lrelease >/dev/null || { echo "lrelease missing: run make setup"; exit 1; }
	lrelease -silent $< -qm $@

# Where the zip goes: `make package PACKAGE_ZIP=/tmp/x.zip` (the tests build theirs outside the
# repository).
PACKAGE_ZIP ?= $(CURDIR)/$(PLUGIN).zip
# The licence goes inside the plugin folder, where the QGIS plugin repository looks for it.
# Paths quoted: a folder name with a space must not split into two files.
package: translations
	@staging=; zip_path="$$(realpath -m "$(PACKAGE_ZIP)")" && rm -f "$$zip_path" \
	  && zip -qr "$$zip_path" $(PLUGIN) -x '*__pycache__*' '*.pyc' '*.ts' \
	  && staging="$$(mktemp -d)" && mkdir "$$staging/$(PLUGIN)" \
	  && cp LICENSE "$$staging/$(PLUGIN)/" \
	  && (cd "$$staging" && zip -q "$$zip_path" $(PLUGIN)/LICENSE); \
	  status=$$?; [ -n "$$staging" ] && rm -rf "$$staging"; \
	  [ $$status -eq 0 ] && echo "wrote $$zip_path (install with QGIS: Plugins >" \
	    "Manage and Install Plugins > Install from ZIP)"; exit $$status

# The default QGIS 3 profile; override with `make deploy QGIS_PROFILE_DIR=...`.
QGIS_PROFILE_DIR ?= $(HOME)/.local/share/QGIS/QGIS3/profiles/default
# Worked out by the shell, quoted where used: a space in the profile path stays in it.
QGIS_CONFIG_DIR = $$(realpath -m "$(QGIS_PROFILE_DIR)/../..")
# QGIS's Python must see the venv's shapely 2 (Debian 12 only has shapely 1.8).
VENV_SITE = $(shell $(PY) -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')
deploy: package
	mkdir -p "$(QGIS_PROFILE_DIR)/python/plugins"
	rm -rf "$(QGIS_PROFILE_DIR)/python/plugins/$(PLUGIN)"
	unzip -qo "$$(realpath -m "$(PACKAGE_ZIP)")" -d "$(QGIS_PROFILE_DIR)/python/plugins"
	@env -u QGIS_PLUGINPATH QGIS_CUSTOM_CONFIG_PATH="$(QGIS_CONFIG_DIR)" PYTHONPATH=$(VENV_SITE) \
	  $(QGIS_PROCESS) plugins enable $(PLUGIN) >/dev/null 2>&1 \
	  && echo "enabled in $(QGIS_PROFILE_DIR)" \
	  || echo "(already enabled, or enable it in Plugins > Manage and Install Plugins)"
	@echo "deployed into $(QGIS_PROFILE_DIR)/python/plugins/$(PLUGIN)"

# QGIS runs the deployed copy, not the checkout the exported QGIS_PLUGINPATH names: the variable
# is removed (env -u). Set empty instead, QGIS took the working folder for a plugin folder and
# Install from ZIP failed there ('NoneType' object has no attribute 'copy').
QGIS_DESKTOP ?= qgis
run: deploy demo
	env -u QGIS_PLUGINPATH QT_QPA_PLATFORM= QGIS_CUSTOM_CONFIG_PATH="$(QGIS_CONFIG_DIR)" \
	  PYTHONPATH=$(VENV_SITE) $$( [ -n "$$DISPLAY" ] || echo xvfb-run -a ) \
	  $(QGIS_DESKTOP) --noversioncheck $(DEMO_DIR)/demo_district.qgz

clean:
	rm -rf $(DEMO_DIR) $(PLUGIN).zip .pytest_cache

# --- the shared ledger on PostgreSQL 15 + PostGIS 3 (Debian packages, installed when missing) ---
# A local server on 127.0.0.1:$(PG_PORT) (data in .pgdata/, or as root under
# /var/lib/postgresql/zc-enforcement/): roles, row-level security and the demo ledger copied from
# $(DEMO_DIR)/ledger.gpkg. Passwords are generated into the data folder's pgpass only.
PG_PORT ?= $(or $(ZC_PG_PORT),54329)
export ZC_PG_PORT := $(PG_PORT)
.PHONY: postgis-start postgis-stop postgis-demo

postgis-start: setup
	$(PY) scripts/postgis_server.py start

postgis-stop:
	$(PY) scripts/postgis_server.py stop

postgis-demo: demo
	$(PY) scripts/postgis_server.py demo --ledger $(DEMO_DIR)/ledger.gpkg
