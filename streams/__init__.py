"""newswire: a news-enrichment pipeline on Apache Kafka."""

__version__ = "0.2.1"
