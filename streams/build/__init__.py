"""Install-time builders of the tables the stages load (processors themselves do no I/O
beyond loading them):

    python -m streams.build.ngrams
    python -m streams.build.gazetteer
"""
