"""The stages' pure processors: batch in, additions out; no Kafka, no clock, no file writes.

One package a stage, each with its parts:

- :mod:`~streams.processors.clean`: the body without boilerplate, the header (title, authors,
  date, publisher) from HTML or plain text, and what was removed;
- :mod:`~streams.processors.language`: the language from scripts, n-grams and fastText;
- :mod:`~streams.processors.dedup`: the earlier article a near-duplicate copies;
- :mod:`~streams.processors.entities`: names, places on the map, focus, quotations, tone;
- :mod:`~streams.processors.trends`: entity counts per window (the trends worker's).

:mod:`~streams.processors.text` holds the text helpers the stages share (words, hashes,
repair). A stage's package imports only itself and that module (``tests/unit/test_layers.py``).
"""
