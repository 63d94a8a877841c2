"""The words quotations are found and attributed by, per language (en, fr, de, es, ru): the
quotation marks and their pairs, the speech verbs (cues), pronouns, determiners,
prepositions, the frames ("Pour X, …") and documents ("selon un communiqué") that
:mod:`streams.processors.entities.quotes` reads."""

from __future__ import annotations

import re

PAIRS = {"“": "”", '"': '"', "«": "»", "„": "“", "»": "«", "‚": "‘"}
CLOSERS = frozenset(PAIRS.values())

CUES = {
    "en": (
        "said|says|told|added|adds|asked|asks|stated|states|explained|explains|noted|notes|"
        "wrote|writes|warned|warns|insisted|insists|argued|argues|declared|claimed|claims|"
        "replied|continued|recalled|admitted|announced|tweeted|posted|commented|concluded|"
        "emphasized|emphasised|stressed|acknowledged|suggested|observed|remarked|"
        "pointed out|went on|according to|testified|responded|cautioned|conceded|urged|"
        "countered|predicted|comments|recalls|answered|answers|reported|"
        "complained|complains|agreed|joked|vowed|promised|pleaded|boasted|"
        "maintained|maintains|described|describes|(?<!-)called|(?<!-)calls|"
        "tells|telling|saying|stating|state|adding|noting|arguing|writing|warning|"
        "insisting|explaining|responds|concedes|conceding|quipped|quips|recounted|"
        "recounts|demanded|demands|declares|announces|implored|implores|pleads|"
        "shouted|yelled|exclaimed|mused|wondered|retorted|replies|"
        "sings|sang|chanted|lamented|laments|scoffed|marveled|marvelled|griped|"
        "bragged|boasts|tweets|posts|texted|emailed"
    ),
    "fr": (
        "a déclaré|déclare|a dit|dit|a affirmé|affirme|a ajouté|ajoute|a expliqué|explique|"
        "a souligné|souligne|a estimé|estime|a indiqué|indique|a précisé|précise|a assuré|"
        "assure|a confié|confie|a raconté|raconte|poursuit|a poursuivi|insiste|a insisté|"
        "martèle|a martelé|reconnaît|a reconnu|a annoncé|annonce|a averti|avertit|a lancé|"
        "lance|note|a noté|observe|a répondu|répond|a rappelé|rappelle|a prévenu|prévient|"
        "a jugé|juge|a dénoncé|dénonce|a regretté|regrette|a commenté|commente|a salué|"
        "salue|a constaté|constate|a témoigné|témoigne|a résumé|résume|a plaidé|plaide|"
        "a mis en garde|met en garde|a promis|promet|a admis|admet|a conclu|conclut|"
        "a tranché|tranche|s'est félicité|se félicite|s'est inquiété|s'inquiète|"
        "a lâché|lâche|a glissé|glisse|a soufflé|souffle|a ironisé|ironise|a détaillé|"
        "détaille|s'est indigné|s'indigne|s'est agacé|s'agace|a tempêté|tempête|"
        "s'est emporté|s'emporte|a fustigé|fustige|a déploré|déplore|a rétorqué|rétorque|"
        "a interpellé|interpelle|a réagi|réagit|a martelé|a prévenu|"
        "selon|d'après"
    ),
    "de": (
        "sagte|sagt|erklärte|erklärt|betonte|betont|meinte|meint|warnte|warnt|kritisierte|"
        "kritisiert|fügte hinzu|fügte .{1,30}? hinzu|räumte ein|teilte mit|berichtete|"
        "berichtet|erläuterte|ergänzte|ergänzt|bestätigte|forderte|fordert|versicherte|"
        "versichert|sagte der|so|laut|zufolge|schrieb|schreibt|antwortete|unterstrich|"
        "mahnte|mahnt|kündigte an|hieß es|kommentierte|kommentiert|klagte|klagt|"
        "beklagte|beklagt|räumt ein|appellierte|appelliert|versprach|verspricht|"
        "bilanzierte|resümierte|gab zu|gibt zu|bekräftigte|bekräftigt"
    ),
    "es": (
        "dijo|dice|afirmó|afirma|declaró|declara|señaló|señala|explicó|explica|añadió|"
        "añade|aseguró|asegura|indicó|indica|comentó|comenta|manifestó|manifiesta|subrayó|"
        "subraya|destacó|destaca|advirtió|advierte|precisó|precisa|agregó|agrega|sostuvo|"
        "sostiene|insistió|insiste|reconoció|reconoce|apuntó|apunta|recalcó|recalca|"
        "expresó|expresa|anunció|anuncia|denunció|denuncia|lamentó|lamenta|relató|relata|"
        "admitió|admite|contó|cuenta|respondió|responde|reiteró|reitera|aclaró|aclara|"
        "puntualizó|puntualiza|sentenció|remarcó|enfatizó|resaltó|opinó|opina|"
        "consideró|considera|defendió|defiende|criticó|critica|narró|narra|confesó|"
        "prometió|garantizó|celebró|según"
    ),
    # a Russian past-tense verb agrees with its speaker: "сказал" (he), "сказала" (she)
    "ru": (
        "сказал|сказала|сказали|заявил|заявила|заявили|отметил|отметила|отметили|сообщил|"
        "сообщила|сообщили|подчеркнул|подчеркнула|добавил|добавила|пояснил|пояснила|"
        "уточнил|уточнила|рассказал|рассказала|признал|признала|заметил|заметила|"
        "ответил|ответила|предупредил|предупредила|напомнил|напомнила|написал|написала|"
        "указал|указала|заверил|заверила|считает|говорит|говорил|говорила|"
        "констатировал|констатировала|резюмировал|резюмировала|пообещал|пообещала|"
        "по словам|по мнению|по данным|цитирует"
    ),
}
PRONOUNS = {
    "en": "he|she|they|we|i",
    "fr": "il|elle|ils|elles|on",
    "de": "er|sie|man",
    "es": "él|ella|ellos|ellas",
    "ru": "он|она|они",
}
ARTICLES = {
    "en": "the",
    "fr": "le|la|les|l'|l’",
    "de": "der|die|das|des|dem|den",
    "es": "el|la|los|las",
    "ru": "(?!)",  # Russian has no articles
}
POSSESSIVE = {
    "en": "his|her|their|its",
    "fr": "son|sa|ses|leur",
    "de": "sein|seine|seiner|ihr|ihre|ihrer",
    "es": "su|sus",
    "ru": "его|её|ее|их",
}
INDEFINITE = {
    "en": "a|an|one",
    "fr": "un|une",
    "de": "ein|eine|einer",
    "es": "un|una",
    "ru": "один|одна",
}

#: abbreviations whose period does not end a sentence
ABBREV = re.compile(
    r"(?:\b(?:Mr|Mrs|Ms|Dr|Prof|St|Sen|Rep|Gov|Gen|Lt|Col|M|Mme|Sr|Sra|Dr|Hr|Fr)\.|\b[A-Z]\.)$"
)

INVERTED = {"fr": r"a-t-(?:il|elle)\s+\w+|\w+-t-(?:il|elle)|\w+-(?:il|elle)"}
INVERTED_RE = re.compile(r"-(?:t-)?(?:il|elle)\b", re.I)
PREPOSITIONS = frozenset(
    "of for at from in with de du des della di à au aux chez der von vom für bei aus im mit "
    "zum zur del la en con".split()
)
OWN_SENTENCE = frozenset({"after", "before", "frame", "colon"})
#: "Pour X, « … »": X's view (sentence-initial only)
FRAMES = {"en": "for", "fr": "pour", "de": "für", "es": "para", "ru": "для"}
#: "selon un communiqué", "according to a statement": documents, not speakers
DOCUMENTS = frozenset(
    "statement report letter communiqué rapport lettre courrier comunicado informe carta "
    "nota mitteilung erklärung bericht brief schreiben".split()
)
CAPWORD = re.compile(r"[A-ZÀ-ÖØ-ÞА-ЯЁ][\w'’-]*")
PARTICLES = frozenset("von van de der den da di del la le bin al".split())

#: the words after a person's name that tell its gender when they stand for it ("Clinton
#: said her plan …"), and the titles before a name that tell it ("Mrs. Clinton")
GENDER_WORDS = {
    "en": ({"he", "him", "his", "himself"}, {"she", "her", "hers", "herself"}),
    "fr": ({"il"}, {"elle"}),
    "de": ({"er", "ihm", "ihn", "seine", "seinen", "seinem", "seiner", "sein"}, set()),
    "es": ({"él"}, {"ella"}),
    "ru": ({"он", "ему", "него", "ним"}, {"она", "ей", "неё", "нее", "ней"}),
}
GENDER_TITLES = {
    "en": ({"mr"}, {"mrs", "ms", "miss"}),
    "fr": ({"m", "monsieur"}, {"mme", "madame", "mlle"}),
    "de": ({"herr", "herrn"}, {"frau"}),
    "es": ({"sr", "señor", "don"}, {"sra", "señora", "doña"}),
    "ru": ({"господин", "г-н"}, {"госпожа", "г-жа"}),
}
#: the grammatical gender a subject pronoun of a speech cue gives its speaker ("she said"):
#: the subject pronouns (PRONOUNS) that are gendered words; one that may be either (German
#: "sie": she or they) is in neither set and gives none
PRONOUN_GENDER = {
    language: {
        word: "m" if word in male else "f"
        for word in PRONOUNS[language].split("|")
        if word in male or word in female
    }
    for language, (male, female) in GENDER_WORDS.items()
}
