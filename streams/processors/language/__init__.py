"""The language stage: a clean article gets its ``language`` (code, confidence, detector,
the runner-up candidates).

Parts: :mod:`.scripts` (which writing systems the text uses), :mod:`.ngrams` (lingua's
n-gram tables, vectorised), :mod:`.fasttext_lid` (fastText's lite model for long texts),
:mod:`.stage` (the decision between them and the processor).
"""
