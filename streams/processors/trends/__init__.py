"""Entity trends (the trends worker, beside the chain): mentions per entity in tumbling
windows, the top entities of each closed window with their change. :mod:`.stage` is the pure
counting; :mod:`streams.agents.trends` runs it on Kafka.
"""
