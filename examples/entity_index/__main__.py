"""Entity index: a small downstream service of newswire.

It subscribes to ``articles.enriched`` in its own consumer group and keeps, in SQLite, every
article with its entities (name, label, salience). It answers "which articles mention X".

Delivery: Kafka may deliver a record again (after a crash, a rebalance, a replay). The index
is keyed by article id, so a record seen twice replaces itself; and the Kafka offset of each
partition is stored in the same SQLite transaction as the article, so a restart resumes
exactly after the last article the index holds. Nothing is missed, nothing counted twice.

    python -m examples.entity_index run   [--db index.sqlite] [--group entity-index] [--idle-exit S]
    python -m examples.entity_index query Hezbollah [--db index.sqlite]
"""

from __future__ import annotations

import argparse
import logging
import signal
import sqlite3
import sys
import time
from pathlib import Path
from typing import Any

from kafka import ConsumerRebalanceListener, KafkaConsumer

from schemas import BadInput, EnrichedArticle, decode
from streams.settings import get_settings

log = logging.getLogger("entity-index")

SCHEMA = """
CREATE TABLE IF NOT EXISTS articles (
    id TEXT PRIMARY KEY, title TEXT, source TEXT, published_at TEXT, language TEXT, schema_version TEXT, indexed_at REAL
);
CREATE TABLE IF NOT EXISTS entities (
    article_id TEXT NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    name TEXT NOT NULL, label TEXT NOT NULL, salience REAL NOT NULL, mentions INTEGER NOT NULL,
    PRIMARY KEY (article_id, name, label)
);
CREATE INDEX IF NOT EXISTS entities_by_name ON entities (name COLLATE NOCASE);
CREATE TABLE IF NOT EXISTS offsets (topic TEXT NOT NULL, partition INTEGER NOT NULL, next_offset INTEGER NOT NULL,
    PRIMARY KEY (topic, partition));
"""


class EntityIndex:
    def __init__(self, path: Path) -> None:
        # kafka-python runs rebalance callbacks on its own thread, while poll() blocks this one
        self.db = sqlite3.connect(path, check_same_thread=False)
        self.db.execute("PRAGMA journal_mode=WAL")
        self.db.execute("PRAGMA foreign_keys=ON")
        self.db.executescript(SCHEMA)

    def add(self, rec: EnrichedArticle, topic: str, partition: int, offset: int) -> None:
        """The article, its entities and the partition's next offset, in one transaction."""
        with self.db:
            self.db.execute("DELETE FROM entities WHERE article_id = ?", (rec.id,))
            self.db.execute(
                "INSERT INTO articles VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT(id) DO UPDATE SET title=excluded.title, "
                "source=excluded.source, published_at=excluded.published_at, language=excluded.language, "
                "schema_version=excluded.schema_version, indexed_at=excluded.indexed_at",
                (
                    rec.id,
                    rec.title,
                    rec.source,
                    rec.published_at.isoformat() if rec.published_at else None,
                    rec.language.code,
                    rec.schema_version,
                    time.time(),
                ),
            )
            self.db.executemany(
                "INSERT OR REPLACE INTO entities VALUES (?, ?, ?, ?, ?)",
                [(rec.id, e.name, e.label, e.salience, e.count) for e in rec.entities],
            )
            self.skip(topic, partition, offset)

    def skip(self, topic: str, partition: int, offset: int) -> None:
        self.db.execute(
            "INSERT INTO offsets VALUES (?, ?, ?) ON CONFLICT(topic, partition) DO UPDATE SET next_offset=excluded.next_offset",
            (topic, partition, offset + 1),
        )

    def next_offset(self, topic: str, partition: int) -> int | None:
        row = self.db.execute(
            "SELECT next_offset FROM offsets WHERE topic=? AND partition=?", (topic, partition)
        ).fetchone()
        return int(row[0]) if row else None

    def mentioning(self, name: str) -> list[tuple[Any, ...]]:
        return self.db.execute(
            "SELECT a.id, a.title, e.name, e.label, e.salience FROM entities e JOIN articles a ON a.id = e.article_id "
            "WHERE e.name = ? COLLATE NOCASE OR e.name LIKE ? ORDER BY e.salience DESC",
            (name, f"%{name}%"),
        ).fetchall()


class SeekToStored(ConsumerRebalanceListener):
    """On assignment, resume each partition where the index says, not where the group says."""

    def __init__(self, consumer: KafkaConsumer, index: EntityIndex) -> None:
        self.consumer, self.index = consumer, index

    def on_partitions_revoked(self, revoked: Any) -> None:
        pass

    def on_partitions_assigned(self, assigned: Any) -> None:
        for tp in assigned:
            stored = self.index.next_offset(tp.topic, tp.partition)
            if stored is None:
                self.consumer.seek_to_beginning(tp)
            else:
                self.consumer.seek(tp, stored)


def run(db: Path, group: str, idle_exit: float | None) -> int:
    settings = get_settings()
    index = EntityIndex(db)
    topic = settings.topic("enriched")
    consumer = KafkaConsumer(
        group_id=f"{settings.topic_prefix}{group}",
        enable_auto_commit=False,
        isolation_level="read_committed",
        auto_offset_reset="earliest",
        **settings.kafka_options("consumer"),
    )
    consumer.subscribe([topic], listener=SeekToStored(consumer, index))
    stopping = False

    def stop(*_: Any) -> None:
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    last = time.monotonic()
    indexed = 0
    while not stopping:
        batches = consumer.poll(timeout_ms=500)
        if not batches:
            if idle_exit is not None and time.monotonic() - last > idle_exit:
                break
            continue
        last = time.monotonic()
        for tp, messages in batches.items():
            for m in messages:
                try:
                    rec = decode(m.value, EnrichedArticle)
                except (
                    BadInput
                ) as exc:  # a record of a newer major version or a bad one: note it, move on
                    log.warning("skipping %s[%d]@%d: %s", tp.topic, tp.partition, m.offset, exc)
                    with index.db:
                        index.skip(tp.topic, tp.partition, m.offset)
                    continue
                index.add(rec, tp.topic, tp.partition, m.offset)
                indexed += 1
        # the group's offsets are only informational (lag); the index's own offsets decide
        consumer.commit()
    consumer.close()
    print(f"indexed {indexed} records")
    return 0


def query(db: Path, name: str) -> int:
    rows = EntityIndex(db).mentioning(name)
    for article_id, title, ent, label, salience in rows:
        print(f"{article_id}  {salience:.2f}  {ent} ({label})  {title}")
    return 0 if rows else 1


def main() -> int:
    logging.basicConfig(level=logging.WARNING)
    parser = argparse.ArgumentParser(
        prog="python -m examples.entity_index",
        description="An entity index of newswire's enriched articles.",
    )
    sub = parser.add_subparsers(dest="cmd", required=True)
    r = sub.add_parser("run", help="follow articles.enriched and index it")
    r.add_argument("--db", type=Path, default=Path("entity-index.sqlite"))
    r.add_argument("--group", default="entity-index")
    r.add_argument(
        "--idle-exit", type=float, default=None, help="stop after S seconds without a record"
    )
    q = sub.add_parser("query", help="which articles mention NAME")
    q.add_argument("name")
    q.add_argument("--db", type=Path, default=Path("entity-index.sqlite"))
    args = parser.parse_args()
    return (
        run(args.db, args.group, args.idle_exit) if args.cmd == "run" else query(args.db, args.name)
    )


if __name__ == "__main__":
    sys.exit(main())
