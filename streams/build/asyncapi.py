"""Generate schemas/asyncapi.yaml (AsyncAPI 3.0) from the record models and the topic
settings: every topic, its key, its message schema, which stage produces and consumes it.

    python -m streams.build.asyncapi          (writes the file; a test fails when it is stale)
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel
from pydantic.json_schema import models_json_schema

import schemas
from schemas.models import SCHEMA_VERSION

PATH = Path(schemas.__file__).parent / "asyncapi.yaml"
#: what the Kafka key of a record is, where it is not the article id
KEYS = {"TrendingWindow": "the window id, like 1h@2026-12-01T13:00:00Z"}


def _pipeline() -> tuple[
    dict[str, type[BaseModel]], dict[str, tuple[str, str, str]], dict[str, tuple[str, str, str]]
]:
    """Models, channels and operations, all derived from the pipeline definition."""
    from streams.pipeline import DLQ, PIPELINE, SIDE_RECORDS, models_by_state

    by_state = models_by_state(PIPELINE)
    models = {m.__name__: m for m in by_state.values()}
    models.update({m.__name__: m for _, m, _ in SIDE_RECORDS})
    first, final = PIPELINE[0], PIPELINE[-1]
    # channel id -> (topic without the prefix, message, description)
    channels = {
        first.consumes: (
            f"articles.{first.consumes}",
            first.input_model.__name__,
            "Articles as producers publish them: plain text or HTML.",
        )
    }
    for s in PIPELINE:
        channels[s.produces] = (f"articles.{s.produces}", s.output_model.__name__, s.summary)
    channels[DLQ] = (
        f"articles.{DLQ}",
        "DeadLetter",
        "Records a stage could not handle, with their original key and bytes.",
    )
    # operation id -> (action, channel, summary); action is from the application's point of view
    operations = {
        f"publish{first.input_model.__name__}": (
            "send",
            first.consumes,
            "Producers (newswire publish, streams.client.Publisher) publish articles.",
        )
    }
    for s in PIPELINE:
        operations[f"{s.name}Receives{s.consumes.title()}"] = (
            "receive",
            s.consumes,
            f"The {s.name} stage (consumer group newswire-{s.name}) reads "
            f"{s.input_model.__name__} records.",
        )
        operations[f"{s.name}Sends{s.produces.title()}"] = (
            "send",
            s.produces,
            f"The {s.name} stage writes {s.output_model.__name__} records.",
        )
    operations["stagesSendDeadLetters"] = (
        "send",
        DLQ,
        "Every stage writes what it cannot handle to the dead-letter topic.",
    )
    operations[f"subscribe{final.output_model.__name__}"] = (
        "receive",
        final.produces,
        "Downstream services (streams.client.Subscriber) read enriched articles.",
    )
    for topic, model, summary in SIDE_RECORDS:
        cid = topic.rsplit(".", 1)[-1]
        channels[cid] = (topic, model.__name__, summary)
        operations[f"trendsReceives{final.produces.title()}"] = (
            "receive",
            final.produces,
            "The trends worker (consumer group newswire-trends) counts the entities of "
            f"{final.output_model.__name__} records in tumbling windows.",
        )
        operations[f"trendsSends{cid.title()}"] = (
            "send",
            cid,
            f"The trends worker writes a {model.__name__} record when a window closes.",
        )
        operations[f"subscribe{model.__name__}"] = (
            "receive",
            cid,
            f"Dashboards and `newswire trends` read {model.__name__} records.",
        )
    return models, channels, operations


def build(partitions: int = 3, replicas: int = 1, prefix: str = "") -> dict[str, Any]:
    from streams import __version__

    models, channels_by_id, operations_by_id = _pipeline()
    pairs: list[tuple[type[BaseModel], Literal["validation"]]] = [
        (m, "validation") for m in models.values()
    ]
    _, defs = models_json_schema(pairs, ref_template="#/components/schemas/{model}")
    schemas = defs.get("$defs", {})
    messages = {
        name: {
            "name": name,
            "title": name,
            "contentType": "application/json",
            "summary": (models[name].__doc__ or name).strip().splitlines()[0],
            "payload": {"$ref": f"#/components/schemas/{name}"},
            "bindings": {
                "kafka": {
                    "key": {
                        "type": "string",
                        "description": KEYS.get(
                            name, "the article id (a dead letter keeps the original key)"
                        ),
                    },
                    "bindingVersion": "0.5.0",
                }
            },
        }
        for name in models
    }
    channels = {
        cid: {
            "address": f"{prefix}{state}",
            "description": desc,
            "messages": {msg: {"$ref": f"#/components/messages/{msg}"}},
            "bindings": {
                "kafka": {
                    "topic": f"{prefix}{state}",
                    "partitions": partitions,
                    "replicas": replicas,
                    "bindingVersion": "0.5.0",
                }
            },
        }
        for cid, (state, msg, desc) in channels_by_id.items()
    }
    operations = {
        oid: {
            "action": action,
            "channel": {"$ref": f"#/channels/{cid}"},
            "summary": summary,
            "messages": [{"$ref": f"#/channels/{cid}/messages/{channels_by_id[cid][1]}"}],
        }
        for oid, (action, cid, summary) in operations_by_id.items()
    }
    return {
        "asyncapi": "3.0.0",
        "info": {
            "title": "newswire",
            "version": __version__,
            "description": (
                f"News-enrichment pipeline on Apache Kafka. Record format {SCHEMA_VERSION}: within "
                "a major version "
                "only new optional fields are added; readers ignore fields they do not know. Topic "
                "names take "
                "the NEWSWIRE_TOPIC_PREFIX prefix on shared clusters."
            ),
        },
        "defaultContentType": "application/json",
        "servers": {
            "local": {
                "host": "127.0.0.1:9092",
                "protocol": "kafka",
                "description": "newswire kafka start",
            }
        },
        "channels": channels,
        "operations": operations,
        "components": {"messages": messages, "schemas": schemas},
    }


def render() -> str:
    return (
        "# Generated by `python -m streams.build.asyncapi` from schemas/models.py; do not edit.\n"
        + yaml.safe_dump(build(), sort_keys=False, allow_unicode=True, width=120)
    )


def main() -> int:
    PATH.write_text(render(), encoding="utf-8")
    print(f"wrote {PATH}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
