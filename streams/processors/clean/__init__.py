"""The clean stage: a raw article (plain text or HTML) becomes a clean article.

Adds ``text`` (the body without menus, banners, share and copyright lines), ``content_hash``,
the header read from the page (``title``, ``authors``, ``published_at``, ``publisher``), the
``removed`` spans with their reasons and a ``quality`` verdict. Parts: :mod:`.boilerplate`
(line rules and the densest run of prose), :mod:`.dates` (dates in many languages),
:mod:`.stage` (header reading, HTML through trafilatura, the processor).
"""
