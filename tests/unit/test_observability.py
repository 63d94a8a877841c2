"""The ops files people plug in: the alert rules (checked and unit-tested with promtool, the
Prometheus tool), the Grafana dashboard, and that every metric either names is one the code
exports. The exposition itself is checked with `promtool check metrics`."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace

import orjson
import pytest
import yaml
from prometheus_client import CollectorRegistry, generate_latest
from prometheus_client.registry import Collector

from streams.ops import metrics
from streams.ops.exporter import Exporter, lag_exporter_families
from streams.ops.lag import GroupPartition, StageLag

ROOT = Path(__file__).resolve().parents[2]
PROM = ROOT / "deploy" / "prometheus"
DASHBOARD = ROOT / "deploy" / "grafana" / "newswire.json"
RUNBOOK = ROOT / "docs" / "OPERATIONS.md"

PROMQL_WORDS = {
    "and", "or", "unless", "by", "without", "on", "ignoring", "group_left", "group_right",
    "bool", "offset", "inf", "nan",
}  # fmt: skip


def promtool() -> str:
    found = shutil.which("promtool")
    if found is None:
        pytest.fail("promtool is missing: `make test` installs Debian's prometheus package")
    return found


class _Fixed(Collector):
    def __init__(self, families: list[object]) -> None:
        self.families = families

    def collect(self):  # type: ignore[no-untyped-def]
        return iter(self.families)


def _exporter_registry() -> CollectorRegistry:
    """The lag exporter's series with one reading in them (no broker needed)."""
    registry = CollectorRegistry()
    own = SimpleNamespace()
    Exporter._define(own, registry)  # type: ignore[arg-type]
    for gauge in (own.g_lag, own.g_seconds, own.g_rate, own.g_members, own.g_status):
        gauge.labels("clean", "g", "articles.raw").set(1)
    own.c_dead.labels("clean", "invalid_json").inc()
    part = GroupPartition("g", "articles.raw", 0, 1, 2, 1, 0.5, 0, "h", "m", "c")
    stage = StageLag("clean", "g", "articles.raw", 1, 0.5, 0.0, 1, "OK")
    registry.register(_Fixed(lag_exporter_families("default", [part], [stage])))
    return registry


def exported() -> set[str]:
    """Every series name the workers and the lag exporter serve (with the _total, _bucket,
    _sum, _count and _created forms), and Prometheus' own ``up``."""
    names = {"up"}
    for registry in (metrics.REGISTRY, _exporter_registry()):
        for family in registry.collect():
            names.add(family.name)
            names.update(s.name for s in family.samples)
            suffixes = {
                "counter": ("_total",),
                "histogram": ("_bucket", "_sum", "_count"),
                "summary": ("_sum", "_count"),
            }.get(family.type, ())
            names.update(family.name + suffix for suffix in suffixes)
    return names


def metric_names(expr: str) -> set[str]:
    """The metric names a PromQL expression reads (strings, label matchers, grouping
    clauses and ranges taken out first; function names are followed by a parenthesis)."""
    text = re.sub(r'"(?:[^"\\]|\\.)*"', "", expr)
    text = re.sub(r"\{[^}]*\}", " ", text)
    text = re.sub(r"\[[^\]]*\]", " ", text)
    text = re.sub(r"\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)", " ", text)
    names = set()
    for m in re.finditer(r"[A-Za-z_:][A-Za-z0-9_:]*", text):
        rest = text[m.end() :].lstrip()
        word = m.group(0)
        if rest.startswith("(") or word.lower() in PROMQL_WORDS:
            continue
        if re.fullmatch(r"\d+[smhdwy]", word):
            continue
        names.add(word)
    return names


def test_metric_names_are_read_from_promql() -> None:
    assert metric_names(
        'histogram_quantile(0.95, sum by (le, stage) (rate(a_bucket{job="x"}[5m])))'
    ) == {"a_bucket"}
    assert metric_names("deriv(b[10m]) > 0.5 and c > 100") == {"b", "c"}
    assert metric_names('up{job="w"} == 0 or absent(up{job="l"})') == {"up"}


def _rules() -> list[dict[str, object]]:
    doc = yaml.safe_load((PROM / "rules.yml").read_text())
    return [r for g in doc["groups"] for r in g["rules"]]


def test_alert_rules_pass_promtool_check_and_their_unit_tests() -> None:
    tool = promtool()
    check = subprocess.run(
        [tool, "check", "rules", str(PROM / "rules.yml")], capture_output=True, text=True
    )
    assert check.returncode == 0, check.stdout + check.stderr
    unit = subprocess.run(
        [tool, "test", "rules", "rules.test.yml"], capture_output=True, text=True, cwd=PROM
    )
    assert unit.returncode == 0 and "SUCCESS" in unit.stdout, unit.stdout + unit.stderr
    config = subprocess.run(
        [tool, "check", "config", "--syntax-only", str(PROM / "prometheus.yml")],
        capture_output=True,
        text=True,
    )
    assert config.returncode == 0, config.stdout + config.stderr


def test_every_alert_is_tested_and_has_a_runbook_entry() -> None:
    alerts = [str(r["alert"]) for r in _rules()]
    assert len(alerts) >= 6
    tests = (PROM / "rules.test.yml").read_text()
    runbook = RUNBOOK.read_text()
    for name in alerts:
        assert f"alertname: {name}" in tests, f"{name} has no promtool unit test"
        assert re.search(rf"^## {name}$", runbook, re.M), f"{name} is not in {RUNBOOK.name}"


def test_rules_and_dashboard_name_only_exported_metrics() -> None:
    known = exported()
    for rule in _rules():
        missing = metric_names(str(rule["expr"])) - known
        assert not missing, f"alert {rule['alert']} reads {missing}, which nothing exports"
    board = orjson.loads(DASHBOARD.read_bytes())
    queries = [(p["title"], t["expr"]) for p in board["panels"] for t in p["targets"]]
    assert len(queries) >= 10
    for title, expr in queries:
        names = metric_names(expr)
        assert names, f"panel {title!r}: no metric in {expr!r}"
        assert not names - known, f"panel {title!r} reads {names - known}, which nothing exports"


def test_the_dashboard_covers_what_on_call_needs_and_is_current() -> None:
    board = orjson.loads(DASHBOARD.read_bytes())
    exprs = " ".join(t["expr"] for p in board["panels"] for t in p["targets"])
    for needed in (
        "newswire_records_out_total",  # throughput
        "newswire_consumer_lag",  # lag in records
        "newswire_consumer_lag_seconds",  # and seconds
        "newswire_end_to_end_seconds_bucket",  # latency percentiles
        "newswire_dlq_records_total",  # dead letters by error type
        "process_resident_memory_bytes",  # memory
        "newswire_rebalances_total",  # rebalances
    ):
        assert needed in exprs, needed
    ids = [p["id"] for p in board["panels"]]
    assert len(ids) == len(set(ids))
    assert all(p["gridPos"]["x"] + p["gridPos"]["w"] <= 24 for p in board["panels"])
    sys.path.insert(0, str(ROOT / "tools"))
    try:
        import grafana
    finally:
        sys.path.pop(0)
    assert board == orjson.loads(orjson.dumps(grafana.dashboard())), (
        "deploy/grafana/newswire.json is stale: run python tools/grafana.py"
    )


def test_the_exposition_passes_prometheus_own_linter(tmp_path: Path) -> None:
    tool = promtool()
    metrics.END_TO_END_SECONDS.labels("lint").observe(0.2)
    for registry in (metrics.REGISTRY, _exporter_registry()):
        text = generate_latest(registry)
        lint = subprocess.run([tool, "check", "metrics"], input=text, capture_output=True)
        # promtool exits 0 when the text parses; its lint remarks are about naming style
        assert lint.returncode == 0, lint.stdout.decode() + lint.stderr.decode()
