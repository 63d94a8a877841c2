"""The near-duplicate stage: each article gets ``duplicate_of`` (the earlier article it
copies, or null), ``similarity`` and ``story_id`` (its story's first article); copies are kept.

:mod:`.stage` holds the fingerprints, the index and the processor; the index's log on Kafka
is the agents layer's (:mod:`streams.agents.state`), handed to the processor at start.
"""
