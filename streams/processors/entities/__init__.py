"""The entities stage: a deduplicated article becomes the enriched record subscribers read.

Adds ``entities`` (name, label, mentions, ``geo`` for places, ``tone``), ``focus`` (the
countries and cities the story is about), ``quotes`` (with their speakers) and ``tone``.
Parts: :mod:`.names` (document-level rules over the model's names), :mod:`.spans` (mention
spans, datelines, lines), :mod:`.gazetteer` (city and country tables), :mod:`.geo` (places
resolved and the focus), :mod:`.quotes`, :mod:`.tone`, :mod:`.russian` (natasha), and
:mod:`.stage` (the spaCy models and the processor).
"""
