"""The downstream contract: the AsyncAPI document is current and valid, every released record
version is readable by the current models, the JSON Schemas stay backward compatible."""

from __future__ import annotations

import copy
from pathlib import Path

import orjson
import pytest
import yaml

from schemas import decode
from schemas.compat import check, incompatibilities, latest_release
from streams.build.asyncapi import PATH as ASYNCAPI_PATH
from streams.build.asyncapi import build, render
from streams.build.json_schemas import models as record_models
from tests.conftest import ROOT

SPECS = ROOT / ".newswire" / "asyncapi-specs" / "package" / "schemas" / "3.0.0-without-$id.json"
RECORDS = ROOT / "tests" / "fixtures" / "records"


def test_asyncapi_document_is_current() -> None:
    assert ASYNCAPI_PATH.read_text(encoding="utf-8") == render(), "run `make schemas`"


def test_asyncapi_names_every_topic_with_producer_and_consumer() -> None:
    doc = build()
    addresses = {c["address"] for c in doc["channels"].values()}
    assert addresses == {
        f"articles.{s}" for s in ("raw", "clean", "lang", "dedup", "enriched", "dlq")
    } | {"entities.trending"}
    trending = doc["components"]["messages"]["TrendingWindow"]
    assert "window id" in trending["bindings"]["kafka"]["key"]["description"]
    for cid in doc["channels"]:
        actions = {
            op["action"]
            for op in doc["operations"].values()
            if op["channel"]["$ref"] == f"#/channels/{cid}"
        }
        assert "send" in actions, cid
        if cid != "dlq":
            assert "receive" in actions, cid


def test_asyncapi_document_validates_against_the_asyncapi_3_schema() -> None:
    import jsonschema

    if not SPECS.exists():
        pytest.fail(f"{SPECS} is missing: `make install` fetches @asyncapi/specs")
    validator = jsonschema.Draft7Validator(orjson.loads(SPECS.read_bytes()))
    doc = yaml.safe_load(ASYNCAPI_PATH.read_text(encoding="utf-8"))
    errors = [f"{list(e.path)}: {e.message[:200]}" for e in validator.iter_errors(doc)]
    assert errors == []
    broken = copy.deepcopy(doc)
    del broken["info"]
    broken["channels"]["raw"]["address"] = 42
    assert list(validator.iter_errors(broken)), "the validator must reject a broken document"


@pytest.mark.parametrize("version", sorted(p.name for p in RECORDS.iterdir()))
def test_records_of_every_released_version_are_readable(version: str) -> None:
    models = {m.__name__: m for m in record_models()}
    files = list((RECORDS / version).glob("*.jsonl"))
    newest = max((p.name for p in RECORDS.iterdir()), key=lambda v: tuple(map(int, v.split("."))))
    # every record of an older release still reads; the newest release has every record
    assert {f.stem for f in files} <= set(models)
    if version == newest:
        assert {f.stem for f in files} == set(models)
    for f in files:
        for line in f.read_bytes().splitlines():
            rec = decode(line, models[f.stem])
            assert rec.schema_version.split(".")[0] == version.split(".")[0]


def test_json_schemas_are_backward_compatible_with_the_last_release() -> None:
    assert check(latest_release()) == []


def test_compatibility_check_catches_breaking_changes() -> None:
    old = orjson.loads((latest_release() / "EnrichedArticle.schema.json").read_bytes())
    new = copy.deepcopy(old)
    new["required"] = [*new.get("required", []), "url"]
    del new["properties"]["ner_model"]
    new["$defs"]["Entity"]["properties"]["count"] = {"type": "string"}
    problems = incompatibilities(old, new, "EnrichedArticle")
    assert any("url became required" in p for p in problems)
    assert any("ner_model was removed" in p for p in problems)
    assert any("Entity.count changed type" in p for p in problems)
    added = copy.deepcopy(old)
    added["properties"]["summary"] = {
        "anyOf": [{"type": "string"}, {"type": "null"}],
        "default": None,
    }
    assert incompatibilities(old, added, "EnrichedArticle") == []


def test_released_schema_files_are_kept() -> None:
    assert (
        isinstance(latest_release(), Path)
        and (latest_release() / "EnrichedArticle.schema.json").exists()
    )
