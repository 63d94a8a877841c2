"""Topic administration with kafka-python's admin client."""

from __future__ import annotations

from kafka import KafkaAdminClient
from kafka.admin import NewTopic
from kafka.errors import TopicAlreadyExistsError

from streams.settings import Settings
from streams.topics import all_topics


def admin_client(settings: Settings) -> KafkaAdminClient:
    return KafkaAdminClient(
        bootstrap_servers=settings.bootstrap_servers,
        client_id="newswire-admin",
        **settings.kafka_client_options(),
    )


def create_topics(settings: Settings, names: list[str] | None = None) -> dict[str, str]:
    """Create the pipeline's topics if they are missing. Idempotent: returns each topic with
    'created' or 'exists'."""
    names = names or all_topics(settings)
    admin = admin_client(settings)
    try:
        existing = set(admin.list_topics())
        result = {n: "exists" for n in names if n in existing}
        missing = [n for n in names if n not in existing]
        if missing:
            new = [
                NewTopic(
                    name=n,
                    num_partitions=settings.partitions,
                    replication_factor=settings.replication_factor,
                    topic_configs={
                        "max.message.bytes": str(max(settings.max_message_bytes + 65536, 1048588))
                    },
                )
                for n in missing
            ]
            try:
                admin.create_topics(new, validate_only=False)
            except TopicAlreadyExistsError:
                pass  # created by someone else in the meantime: what we wanted
            for n in missing:
                result[n] = "created"
        return result
    finally:
        admin.close()
