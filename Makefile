# Portail Familles — les commandes du projet. `make run` puis `make test` suffisent.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
# Le worker des travaux de fond : la file dans la base (par défaut) ou dans Redis (TACHES=rq).
WORKER := $(if $(filter rq,$(TACHES)),rqworker default,db_worker)

.PHONY: install run demo test test-browser lint format bench bench-smoke prod-check clean css

$(BIN)/.installe: pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $@

install: $(BIN)/.installe

## make run : installe, migre, charge la démonstration et sert http://127.0.0.1:$(PORT)
## (les liens des courriels et des factures PDF suivent le port : PORTAIL_URL), avec à côté le
## worker des travaux de fond (facturation, impression en lot) et l'envoi des courriels toutes les
## 20 s (dans la console : la minuterie de la production, en plus serré) ; Ctrl-C arrête tout. Il est
## seul : les travaux laissés en cours par une session arrêtée sont d'abord remis dans la file.
run: export DEBUG ?= on
run: export PORTAIL_URL ?= http://127.0.0.1:$(PORT)
run: install
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py demo
	$(BIN)/python manage.py reprendre_travaux --inactifs-depuis 0
	trap 'kill 0' EXIT; \
	$(BIN)/python manage.py $(WORKER) & \
	while sleep 20; do $(BIN)/python manage.py envoyer_courriels; done & \
	$(BIN)/python manage.py runserver 127.0.0.1:$(PORT)

demo: export DEBUG ?= on
demo: export PORTAIL_URL ?= http://127.0.0.1:$(PORT)
demo: install
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py demo

## make test : toute la suite (SQLite par défaut ; DATABASE_URL=postgres://… pour PostgreSQL)
test: export DEBUG ?= on
test: install
	$(BIN)/pytest

test-browser: export DEBUG ?= on
test-browser: install
	$(BIN)/pytest -m browser

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

## make bench : les benchmarks sur 10 000 familles (PostgreSQL et wrk ; voir docs/performance.md)
bench: install front/node_modules/.installe
	$(BIN)/python -m bench

## make bench-smoke : la même suite en miniature (CI) ; échoue si quelque chose est cassé
bench-smoke: install front/node_modules/.installe
	$(BIN)/python -m bench --smoke

## make prod-check : la pile de production (réglages de production, PostgreSQL, gunicorn, worker,
## tâches planifiées, nginx en HTTPS) montée ici sur une base jetable et vérifiée au travers de
## nginx ; tout est arrêté à la fin (deploy/verifier-production.sh, docs/deploiement.md)
prod-check: install
	PYTHON=$(CURDIR)/$(BIN)/python deploy/verifier-production.sh

clean:
	rm -rf $(VENV) staticfiles

## make css : Bootstrap réduit aux règles que les gabarits emploient (PurgeCSS, Node et npm),
## à relancer quand un gabarit prend une classe de Bootstrap qu'aucun autre n'avait ;
## tests/portail/test_css.py le rappelle. Le fichier produit est versionné : le portail n'a pas
## besoin de Node pour tourner.
front/node_modules/.installe: front/package.json front/package-lock.json
	npm ci --prefix front --no-audit --no-fund
	touch $@

css: front/node_modules/.installe
	cd front && npx purgecss --config purgecss.config.cjs --output ../static/vendor/bootstrap/
