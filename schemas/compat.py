"""Backward-compatibility check of the JSON Schemas against a released version's files.

Within a major version a reader built on the released schema must still read new records, and
new readers must read old records: no property removed, no property's type changed, no new
required property. (New optional properties are fine.)

    python -m schemas.compat [RELEASE_DIR]     (default: the newest folder in schemas/releases/)
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import orjson

JSON_DIR = Path(__file__).parent / "json"
RELEASES = Path(__file__).parent / "releases"


def _shape(prop: dict[str, Any]) -> Any:
    """What a property's schema says about its type, ignoring titles, descriptions, defaults."""
    if "$ref" in prop:
        return ("ref", prop["$ref"].rsplit("/", 1)[-1])
    if "anyOf" in prop:
        return ("anyOf", tuple(sorted(map(repr, (_shape(p) for p in prop["anyOf"])))))
    if prop.get("type") == "array":
        return ("array", _shape(prop.get("items", {})))
    if prop.get("type") == "object" and "additionalProperties" in prop:
        return (
            "map",
            _shape(prop["additionalProperties"])
            if isinstance(prop["additionalProperties"], dict)
            else True,
        )
    return (prop.get("type"), prop.get("format"), prop.get("contentEncoding"))


def _objects(schema: dict[str, Any]) -> dict[str, dict[str, Any]]:
    objs = {schema.get("title", "root"): schema}
    objs.update(schema.get("$defs", {}))
    return objs


def incompatibilities(old: dict[str, Any], new: dict[str, Any], name: str) -> list[str]:
    problems = []
    new_objs = _objects(new)
    for obj_name, old_obj in _objects(old).items():
        new_obj = new_objs.get(obj_name)
        if new_obj is None:
            problems.append(f"{name}: {obj_name} was removed")
            continue
        old_props, new_props = old_obj.get("properties", {}), new_obj.get("properties", {})
        for prop, spec in old_props.items():
            if prop not in new_props:
                problems.append(f"{name}: {obj_name}.{prop} was removed")
            elif _shape(spec) != _shape(new_props[prop]):
                problems.append(
                    f"{name}: {obj_name}.{prop} changed type: {_shape(spec)} -> "
                    f"{_shape(new_props[prop])}"
                )
        added_required = set(new_obj.get("required", [])) - set(old_obj.get("required", []))
        for prop in sorted(added_required):
            problems.append(f"{name}: {obj_name}.{prop} became required")
    return problems


def check(release: Path, current: Path = JSON_DIR) -> list[str]:
    problems = []
    for old_file in sorted(release.glob("*.schema.json")):
        new_file = current / old_file.name
        if not new_file.exists():
            problems.append(f"{old_file.name}: the record type was removed")
            continue
        problems += incompatibilities(
            orjson.loads(old_file.read_bytes()), orjson.loads(new_file.read_bytes()), old_file.name
        )
    return problems


def latest_release() -> Path:
    return sorted(
        (p for p in RELEASES.iterdir() if p.is_dir()),
        key=lambda p: tuple(int(x) for x in p.name.split(".")),
    )[-1]


def main() -> int:
    release = Path(sys.argv[1]) if len(sys.argv) > 1 else latest_release()
    problems = check(release)
    for p in problems:
        print(p)
    print(f"{len(problems)} incompatibilities against {release}")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
