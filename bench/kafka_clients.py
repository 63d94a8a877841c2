"""Producer and consumer settings, measured: publish and read rates of news-sized records
through the local broker for each setting, in one run.

    python bench/kafka_clients.py [DEV_DIR] [--records N]     (a broker must answer)

Records: the CoNLL-2003 dev documents as RawArticles (what producers send), cycled to N.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.entities import read_conll
from schemas import RawArticle, encode


def main() -> int:
    from kafka import KafkaConsumer, KafkaProducer
    from kafka.admin import KafkaAdminClient, NewTopic

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("dev", nargs="?", default="../shared/dev", type=Path)
    parser.add_argument("--records", type=int, default=5000)
    parser.add_argument(
        "--bootstrap", default=os.environ.get("NEWSWIRE_BOOTSTRAP_SERVERS", "127.0.0.1:9092")
    )
    args = parser.parse_args()
    texts = [d.text for d in read_conll(args.dev / "ner" / "conll2003_dev.txt", 3, True)]
    values = [
        encode(RawArticle(text=texts[i % len(texts)], url=f"https://bench.invalid/{i}"))
        for i in range(args.records)
    ]
    size = sum(map(len, values)) / len(values)
    print(
        f"{len(values)} records of {size / 1024:.1f} KB on average; machine: {os.cpu_count()} cores"
    )
    admin = KafkaAdminClient(bootstrap_servers=args.bootstrap)
    print("producer (acks=all, idempotent), records/s and MB/s including the final flush:")
    topics = []
    for linger in (0, 5, 20):
        for compression in (None, "gzip", "lz4"):
            topic = f"bench-clients-{uuid.uuid4().hex[:6]}"
            admin.create_topics([NewTopic(topic, 3, 1)])
            topics.append((topic, compression))
            producer = KafkaProducer(
                bootstrap_servers=args.bootstrap,
                acks="all",
                enable_idempotence=True,
                linger_ms=linger,
                compression_type=compression,
                batch_size=65536,
            )
            started = time.perf_counter()
            for i, v in enumerate(values):
                producer.send(topic, key=str(i).encode(), value=v)
            producer.flush()
            elapsed = time.perf_counter() - started
            producer.close()
            print(
                f"  linger_ms {linger:>2}  compression {compression or 'none':<5} {len(values) / elapsed:8.0f}/s "
                f"{len(values) * size / elapsed / 1e6:6.1f} MB/s"
            )
    print("consumer, reading everything back, records/s:")
    topic = next(t for t, c in topics if c is None)
    for fetch_min, max_records in ((1, 500), (65536, 500), (1, 2000)):
        consumer = KafkaConsumer(
            topic,
            bootstrap_servers=args.bootstrap,
            group_id=None,
            auto_offset_reset="earliest",
            fetch_min_bytes=fetch_min,
            max_poll_records=max_records,
            enable_auto_commit=False,
        )
        seen, started = 0, time.perf_counter()
        while seen < len(values) and time.perf_counter() - started < 60:
            for batch in consumer.poll(timeout_ms=500).values():
                seen += len(batch)
        elapsed = time.perf_counter() - started
        consumer.close()
        print(
            f"  fetch_min_bytes {fetch_min:>5}  max_poll_records {max_records:>4} {seen / elapsed:8.0f}/s"
        )
    admin.delete_topics([t for t, _ in topics])
    admin.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
