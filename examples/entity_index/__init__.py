"""An example subscriber: an entity index of enriched articles in SQLite."""
