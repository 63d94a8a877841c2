"""Speaker rules of the quotation finder, with the entities given by hand (no model): each
case is a way wire copy names who speaks, and each failed before its rule existed."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import pytest

from streams.processors.entities.quotes import find_quotes


@dataclass
class Mention:
    start: int
    end: int


@dataclass
class Entity:
    name: str
    label: str
    mentions: list[Mention] = field(default_factory=list)


def tagged(text: str, tags: list[tuple[str, str]]) -> list[Entity]:
    """Entities for ``text``: every occurrence of each (surface, label)."""
    out = []
    for surface, label in tags:
        spans = [Mention(m.start(), m.end()) for m in re.finditer(re.escape(surface), text)]
        assert spans, surface
        out.append(Entity(surface, label, spans))
    return out


def person_mentions(text: str, names: list[str]) -> list[tuple[int, int, int]]:
    """The quotation finder's (start, end, entity) of every mention of the named people."""
    from streams.processors.entities.quote_context import mentions_of

    return mentions_of(tagged(text, [(n, "PERSON") for n in names]), {"PERSON"})


def said(text: str, tags: list[tuple[str, str]], language: str) -> list[str | None]:
    quotes = find_quotes(text, tagged(text, tags), language)
    assert quotes is not None
    for q in quotes:
        assert text[q["start"] : q["end"]] == q["text"]
        if q["speaker"] is not None and "start" in q["speaker"]:
            assert q["speaker"]["start"] <= q["speaker"]["end"]
    return [q["speaker"]["name"] if q["speaker"] else None for q in quotes]


def test_a_name_set_off_after_a_description_is_the_speaker() -> None:
    # a long subject before the verb, the name in commas after the description; the model
    # called the name an organisation
    text = (
        "Mayor Lena Holt opened the market on Monday.\n\n"
        '"Prices will rise again in the spring," a spokesman for the growers\' '
        "association, Tomas van Berg, said in a statement."
    )
    assert said(text, [("Lena Holt", "PERSON"), ("Tomas van Berg", "ORG")], "en") == [
        "Tomas van Berg"
    ]


def test_a_full_name_beats_a_lone_word_also_called_a_person() -> None:
    text = (
        "Power cuts went on in Nairobi.\n\n"
        '"The lake levels are far too low for now," Kenergo chief executive Joseph Wanyama '
        "told reporters."
    )
    tags = [("Kenergo", "PERSON"), ("Joseph Wanyama", "PERSON")]
    assert said(text, tags, "en") == ["Joseph Wanyama"]


@pytest.mark.parametrize(
    ("text", "tags", "language", "speaker"),
    [
        (
            # "Pour X, « … »" is X's view; "selon un communiqué" names a document, not a speaker
            "Le trafic reprend lentement.\n\nPour la compagnie Volotea, « les annulations "
            "coûtent des millions chaque jour », selon un communiqué publié mardi.",
            [],
            "fr",
            "Volotea",
        ),
        (
            "Los incendios siguen activos.\n\nSegún la Organización Meteorológica Mundial, "
            '"el calor durará al menos hasta el domingo en toda la región".',
            [("Organización Meteorológica Mundial", "ORG")],
            "es",
            "Organización Meteorológica Mundial",
        ),
        (
            # nobody named before: the management of a company speaks for it
            "« Seul un train sur deux circulera demain sur la ligne », a indiqué la direction "
            "de Trenitalia dans un communiqué.",
            [("Trenitalia", "ORG")],
            "fr",
            "Trenitalia",
        ),
    ],
)
def test_organisations_that_speak(
    text: str, tags: list[tuple[str, str]], language: str, speaker: str
) -> None:
    assert said(text, tags, language) == [speaker]


def test_a_spanish_verb_without_subject_after_a_described_speaker() -> None:
    # the described subject of a speech verb in the paragraph is who goes on speaking
    text = (
        'Para Marta Gil, vecina del barrio, "el servicio nocturno es imprescindible".\n\n'
        "Una portavoz de Iberdrola aseguró que la red está preparada. "
        '"No habrá cortes durante todo el invierno", afirmó.'
    )
    assert said(text, [("Marta Gil", "PERSON")], "es") == ["Marta Gil", "Una portavoz"]
    # a description that says nothing is no speaker: the verb's subject is the person
    text = (
        '"Vamos a reforzar los diques antes de octubre", dijo el presidente, Carlos Ruiz.\n\n'
        'Las obras empezarán en el barranco. "Las primeras máquinas llegan el lunes", añadió.'
    )
    assert said(text, [("Carlos Ruiz", "PERSON")], "es") == ["Carlos Ruiz", "Carlos Ruiz"]


def test_a_short_phrase_in_marks_is_a_quotation_only_when_its_sentence_names_who_said_it() -> None:
    text = (
        "Opposition leader Rita Moreau met reporters.\n\n"
        'Moreau called the budget "a cruel joke" and left. The "green deal" was not discussed.'
    )
    quotes = find_quotes(
        text, tagged(text, [("Rita Moreau", "PERSON"), ("Moreau", "PERSON")]), "en"
    )
    assert quotes is not None and [q["text"] for q in quotes] == ["a cruel joke"]


def test_the_same_speaker_goes_on_unless_someone_else_is_named_between() -> None:
    text = (
        '"We have the votes," said Ana Ruiz, who met Tom Lee on Monday. "The bill will pass."\n\n'
        "Senator Ben Ortiz disagreed strongly. "
        'In his view, "the bill will fail in the second chamber".'
    )
    tags = [("Ana Ruiz", "PERSON"), ("Tom Lee", "PERSON"), ("Ben Ortiz", "PERSON")]
    # Tom Lee is named in Ana Ruiz's own attribution: she goes on; Ben Ortiz's sentence
    # stands between the second and the third quotation
    assert said(text, tags, "en") == ["Ana Ruiz", "Ana Ruiz", "Ben Ortiz"]


@pytest.mark.parametrize(
    ("text", "tags", "language", "speaker"),
    [
        (
            # the subject is the clause right before the cue, not the sentence's start
            "Finance chief Omar Haddad presented the results. Costs would rise, he added, "
            'calling the new tariffs "a burden that nobody can plan for".',
            [("Omar Haddad", "PERSON"), ("Costs", "ORG")],
            "en",
            "Omar Haddad",
        ),
        (
            # a possessive description is someone else than the person named before it
            "Prime Minister Karl Dahl cancelled his trip.\n\nIn a statement, his office said: "
            '"All the injured will be treated free of charge."',
            [("Karl Dahl", "PERSON")],
            "en",
            "his office",
        ),
        (
            # an inverted pronoun is the subject; a name after it is somewhere else
            "La ministre Claire Roux a parlé.\n\n« Nous serons aux côtés des éleveurs », "
            "a-t-elle précisé lors d'un déplacement dans le Lot-et-Garonne.",
            [("Claire Roux", "PERSON"), ("Lot-et-Garonne", "PERSON")],
            "fr",
            "Claire Roux",
        ),
        (
            "Le marché recule.\n\nPour Paul Girard, vigneron depuis trente ans, l'urgence est "
            "ailleurs : « on ne parle plus de rentabilité mais de survie ».",
            [("Paul Girard", "PERSON")],
            "fr",
            "Paul Girard",
        ),
        (
            # German, names read from the text: a surname alone after the cue, and a name
            # set off after a definite description
            "Bahnchef Richard Vogt stellte die Zahlen vor.\n\n„Wir müssen schneller werden“, "
            "sagte Vogt bei der Vorstellung der Jahreszahlen.",
            [],
            "de",
            "Richard Vogt",
        ),
        (
            "Die Grünen kritisieren den Plan.\n\nDer verkehrspolitische Sprecher der Grünen, "
            "Martin Haller, sagte: „Stellenabbau allein macht keinen Zug pünktlicher.“",
            [],
            "de",
            "Martin Haller",
        ),
    ],
)
def test_who_the_attribution_names(
    text: str, tags: list[tuple[str, str]], language: str, speaker: str
) -> None:
    quotes = find_quotes(text, tagged(text, tags), language, has_model=bool(tags))
    assert quotes is not None and len(quotes) == 1
    assert quotes[0]["speaker"] is not None and quotes[0]["speaker"]["name"] == speaker


def test_a_name_the_description_belongs_to_does_not_hide_the_described_speaker() -> None:
    # the model called the company a person; it is whose spokesman spoke, not the speaker
    text = (
        "Telefónica presentó su plan.\n\n"
        "Un portavoz de Telefónica aseguró que no habrá despidos. "
        '"Vamos a invertir en fibra en toda España", afirmó.'
    )
    assert said(text, [("Telefónica", "PERSON")], "es") == ["Un portavoz"]


# PolNeAR's misses (issue 33): other quotation-mark conventions, titles of works, the head
# name of a subject written before its cue, speech verbs outside the first list


def test_doubled_apostrophes_and_single_curly_marks_are_quotation_marks() -> None:
    text = "''We finally may see wage growth,'' the economist Jared Bernstein said."
    assert said(text, [("Jared Bernstein", "PERSON")], "en") == ["Jared Bernstein"]
    quotes = find_quotes(text, tagged(text, [("Jared Bernstein", "PERSON")]), "en")
    assert quotes is not None and quotes[0]["text"] == "We finally may see wage growth,"
    single = "‘We don’t accept this outcome at all,’ Anna Berg said."
    assert said(single, [("Anna Berg", "PERSON")], "en") == ["Anna Berg"]


def test_marks_keeps_offsets_and_leaves_apostrophes_and_nested_quotes() -> None:
    from streams.processors.entities.quotes import marks

    for text in (
        "''A b,'' c.",
        "She said ‘no way’ and didn’t ‘care much’.",
        "“He said ‘no’ to me,” she said.",
        "rock ’n’ roll ‘ x",
    ):
        assert len(marks(text)) == len(text)
    assert marks("''A b,'' c.") == '" A b,"  c.'
    assert marks("She said ‘no way’ and didn’t.") == "She said “no way” and didn’t."
    assert marks("“He said ‘no’ to me,” she said.") == "“He said ‘no’ to me,” she said."
    assert marks("It is ‘open and unclosed") == "It is ‘open and unclosed"
    assert marks("‘First line\nsecond’ line") == "‘First line\nsecond’ line"
    assert marks("(‘in brackets’)") == "(“in brackets”)"
    assert marks("x‘y’") == "x‘y’"  # not after a space: no opening mark
    # a second ‘ before the first closes does not share its ’
    assert marks("‘a ‘b c’ d") == "“a ‘b c” d"
    assert marks('He said "no" and ‘yes’ here') == 'He said "no" and “yes” here'
    assert marks('"He said ‘no’\nand ‘yes’ here') == '"He said ‘no’\nand “yes” here'
    many = "‘x " * 20000 + "end’"  # twenty thousand openers: still one pass
    assert marks(many) == "“x " + "‘x " * 19999 + "end”"


def test_titles_of_works_are_not_quotations() -> None:
    from streams.processors.entities.quotes import is_title

    assert is_title(["Meet", "the", "Press."])
    assert is_title(["Orange", "Is", "the", "New", "Black"])
    assert is_title(["1984", "Revisited"]) is False  # one capitalised word
    assert not is_title(["Meet"])  # one word
    assert not is_title("A B C D E F G H I".split())  # nine words
    assert is_title("A B C D E F G H".split())
    assert not is_title(["Are", "You", "Sure?"]) and not is_title(["Go", "Home!”"])
    assert not is_title(["We", "will", "win"])
    text = "Mr. Trump said on NBC's ''Meet the Press'' that he would win the nomination easily."
    quotes = find_quotes(text, tagged(text, [("Trump", "PERSON")]), "en")
    assert quotes == []


def test_a_headline_keeps_its_title_case_quotations() -> None:
    line = "Fiorina Endorses Cruz, Saying ‘Time To Elect A Real Conservative Again’ In Iowa"
    quotes = find_quotes(line, tagged(line, [("Fiorina", "PERSON")]), "en")
    assert quotes is not None
    assert [q["text"] for q in quotes] == ["Time To Elect A Real Conservative Again"]


def test_the_head_name_closes_a_subject_written_before_the_cue() -> None:
    text = '"We know how this is going to go," Trump senior adviser Paul Manafort said on Sunday.'
    assert said(text, [("Trump", "PERSON")], "en") == ["Paul Manafort"]
    tagged_too = said(text, [("Trump", "PERSON"), ("Paul Manafort", "PERSON")], "en")
    assert tagged_too == ["Paul Manafort"]
    possessor = '"The attacks draw us together," Ms. Merkel\'s spokesman, Steffen Seibert, wrote.'
    assert said(possessor, [("Merkel", "PERSON")], "en") == ["Steffen Seibert"]
    org = '"It covered up this email," Judicial Watch president Tom Fitton said Tuesday.'
    assert said(org, [("Judicial Watch", "ORG")], "en") == ["Tom Fitton"]


def test_the_first_name_is_the_head_when_what_follows_describes_it() -> None:
    text = (
        '"The big question is whether he can cope," David Frum, a former speechwriter for '
        "George W. Bush, wrote on Sunday."
    )
    people = [("David Frum", "PERSON"), ("George W. Bush", "PERSON")]
    assert said(text, people, "en") == ["David Frum"]
    of = '"Big tax cuts do not work," James Pethokoukis of the American Enterprise Institute wrote.'
    assert said(of, [("James Pethokoukis", "PERSON")], "en") == ["James Pethokoukis"]
    who = (
        '"We will come to terms with it," Trent Lott, who served under George W. Bush, told '
        "lawmakers."
    )
    assert said(who, [("Trent Lott", "PERSON"), ("George W. Bush", "PERSON")], "en") == [
        "Trent Lott"
    ]


def test_more_speech_verbs() -> None:
    for verb in ("tells reporters", "conceded", "quipped", "retorted"):
        text = f'Anna Berg {verb}: "We will open two new wards before the winter."'
        assert said(text, [("Anna Berg", "PERSON")], "en") == ["Anna Berg"], verb


def test_a_pronoun_stands_for_the_subject_of_the_sentence_naming_people() -> None:
    text = (
        "Anna Berg criticised officer John Smith for arresting Peter Brown.\n\n"
        '"How many times do we have to see this in our country?" she said.'
    )
    people = [("Anna Berg", "PERSON"), ("John Smith", "PERSON"), ("Peter Brown", "PERSON")]
    assert said(text, people, "en") == ["Anna Berg"]
    later = (
        text
        + "\n\nPeter Brown was released on Monday.\n\n"
        + '"I did nothing wrong at all," he said.'
    )
    assert said(later, people, "en") == ["Anna Berg", "Peter Brown"]


def test_she_said_passes_over_the_man_named_last() -> None:
    # the article shows Ms. Warren is a woman (her title) and Mr. Cole a man: "she" is Warren
    text = (
        "Ms. Warren met Mr. Cole on Tuesday. Warren criticised Cole for the delay.\n\n"
        '"We cannot wait another year for this bridge," she said.'
    )
    tags = [("Warren", "PERSON"), ("Cole", "PERSON")]
    assert said(text, tags, "en") == ["Warren"]
    # "he" is Cole; and with no gender shown, the sentence's subject stays the speaker
    assert said(text.replace("she said", "he said"), tags, "en") == ["Cole"]
    plain = text.replace("Ms. ", "").replace("Mr. ", "")
    assert said(plain, tags, "en") == ["Warren"]
    assert said(plain.replace("she said", "he said"), tags, "en") == ["Warren"]


def test_genders_read_titles_and_the_pronouns_after_a_name() -> None:
    from streams.processors.entities.quote_context import genders

    text = (
        "Mrs. Ada Lind spoke first. Omar Diaz said his plan was ready and he would wait.\n"
        "Kim Park arrived. She left; Sam Roe stayed, she said."
    )
    spans = person_mentions(text, ["Ada Lind", "Omar Diaz", "Kim Park", "Sam Roe"])
    got = genders(text, spans, "en")
    # Lind by her title, Diaz by "his" and "he", Park by the "She" before Roe is named,
    # Roe by the "she" after it
    assert got == {0: "f", 1: "m", 2: "f", 3: "f"}
    assert genders(text, spans, "xx") == {}
    # a tie, or a side short of twice the other, tells nothing
    even = "Lee Fox said he and she would go."
    assert genders(even, [(0, 7, 0)], "en") == {}
    lopsided = "Lee Fox said he, he and she would go."
    assert genders(lopsided, [(0, 7, 0)], "en") == {0: "m"}


def test_genders_stop_at_the_next_name_and_the_line_end() -> None:
    from streams.processors.entities.quote_context import genders

    text = "Lee Fox met Ann Bell and she smiled.\nHe left."
    # "she" is after Bell; "He" is past the line
    assert genders(text, person_mentions(text, ["Lee Fox", "Ann Bell"]), "en") == {1: "f"}


def test_a_definite_description_is_the_person_given_that_role() -> None:
    text = (
        "Republican nominee Donald Trump spoke in Ohio, and Hillary Clinton answered in "
        "Iowa.\n\n"
        '"Our wall will be built and paid for," the Republican nominee said.'
    )
    tags = [("Donald Trump", "PERSON"), ("Hillary Clinton", "PERSON")]
    assert said(text, tags, "en") == ["Donald Trump"]


def test_roles_read_titles_before_names_and_appositions_after() -> None:
    from streams.processors.entities.quote_context import roles

    text = (
        "Indiana Gov. Mike Pence met Gary Johnson, the former governor of New Mexico, and "
        "nominee Tim Kaine, a senator."
    )
    got = roles(text, person_mentions(text, ["Mike Pence", "Gary Johnson", "Tim Kaine"]))
    assert [idx for _, idx in got["governor"]] == [0, 1]
    assert [idx for _, idx in got["nominee"]] == [2]
    assert [idx for _, idx in got["senator"]] == [2]
    assert [at for at, _ in got["governor"]] == [text.index("Mike"), text.index("Gary")]


def test_he_said_is_the_one_who_spoke_last_not_the_sentence_s_first_name() -> None:
    # the sentence names Obama first, but Crespo is the one it gives words to
    text = (
        "While Obama had many artists writing songs about him, that has not happened for "
        "Clinton, which is something that concerns Henry Crespo, president of the caucus.\n\n"
        '"No one is writing songs for Hillary this year," he said.'
    )
    tags = [("Obama", "PERSON"), ("Clinton", "PERSON"), ("Henry Crespo", "PERSON")]
    assert said(text, tags, "en") == ["Obama"]  # nobody spoke: the sentence's subject
    spoke = text.replace(
        "which is something that concerns Henry Crespo, president of the caucus",
        "said Henry Crespo",
    )
    assert said(spoke, tags, "en") == ["Henry Crespo"]
    spoke = text.replace(
        "While Obama had", "Henry Crespo, president of the caucus, said that while Obama had"
    ).replace("which is something that concerns Henry Crespo, president of the caucus", "he added")
    assert said(spoke, tags, "en") == ["Henry Crespo"]


def test_an_earlier_quotation_s_speaker_is_who_he_is() -> None:
    # Crespo is named far from the verb: only his quotation says he spoke
    text = (
        '"We will win this county," Henry Crespo, who has led the caucus since 2010, and who '
        "lives in Miami, wrote on Monday. Obama and Clinton arrived later.\n\n"
        '"No one is writing songs for Hillary this year," he said.'
    )
    tags = [("Obama", "PERSON"), ("Clinton", "PERSON"), ("Henry Crespo", "PERSON")]
    assert said(text, tags, "en") == ["Henry Crespo", "Henry Crespo"]
    # a speaker more than one paragraph before the quotation's is not looked for
    far = text.replace(" Obama and Clinton", "\n\nThe rally was long.\n\nObama and Clinton")
    assert said(far, tags, "en") == ["Henry Crespo", "Obama"]


def test_a_name_inside_a_quotation_is_not_who_speaks_after_it() -> None:
    text = (
        "Henry Crespo spoke after the vote.\n\n"
        '"No one is writing songs for Hillary. Obama had will.i.am on the stage," he said.'
    )
    tags = [("Obama", "PERSON"), ("Henry Crespo", "PERSON")]
    assert said(text, tags, "en") == ["Henry Crespo"]
    text = (
        '"Obama had will.i.am on the stage," Henry Crespo said.\n\n'
        '"No one is writing songs for Hillary this time," he said.'
    )
    assert said(text, tags, "en") == ["Henry Crespo", "Henry Crespo"]


def test_an_attribution_with_a_bracketed_party_after_the_name() -> None:
    text = (
        '"They would just go and get them," Rep. Jim Jordan (R-Ohio), a panel member, '
        "said in a phone interview."
    )
    assert said(text, [("Jim Jordan", "PERSON")], "en") == ["Jim Jordan"]


@pytest.mark.parametrize(
    ("text", "tags", "expected", "quoted"),
    [
        (  # guillemets, the cue and the name after the dash
            "«Мы ожидаем роста грузооборота вдвое», — сказал глава РЖД Олег Белозёров.",
            [("Олег Белозёров", "PERSON"), ("РЖД", "ORG")],
            ["Олег Белозёров"],
            ["Мы ожидаем роста грузооборота вдвое"],
        ),
        (  # dialogue: the dash opens the paragraph, the comma ends the quotation
            "Министр прибыл в Астану во вторник.\n\n— Это исторический день для наших стран, "
            "— заявил министр транспорта Роман Старовойт.",
            [("Роман Старовойт", "PERSON")],
            ["Роман Старовойт"],
            ["Это исторический день для наших стран"],
        ),
        (  # "!" belongs to the quotation; a pronoun after the cue is the one named before
            "Ирина Волкова возглавила комиссию в марте.\n\n— Мы справимся! — сказала она.",
            [("Ирина Волкова", "PERSON")],
            ["Ирина Волкова"],
            ["Мы справимся!"],
        ),
    ],
)
def test_russian_quotations_in_guillemets_and_dialogue_dashes(
    text: str, tags: list[tuple[str, str]], expected: list[str], quoted: list[str]
) -> None:
    assert said(text, tags, "ru") == expected
    assert [q["text"] for q in find_quotes(text, tagged(text, tags), "ru") or []] == quoted


def test_a_dash_inside_a_russian_sentence_opens_no_quotation() -> None:
    text = "Рост цен — главная проблема, — считают экономисты, опрошенные агентством."
    assert find_quotes(text, [], "ru") == []


def test_a_low_opening_mark_closes_with_either_high_mark() -> None:
    # German „…“, and „…” as Polish writes it and many German web copies do
    text = (
        "„Die Lage ist ernst, aber beherrschbar“, sagte Jürgen Dupper. "
        "„Wir bauen die Deiche weiter aus”, sagte Markus Söder."
    )
    tags = [("Jürgen Dupper", "PERSON"), ("Markus Söder", "PERSON")]
    assert said(text, tags, "de") == ["Jürgen Dupper", "Markus Söder"]
    assert [q["text"] for q in find_quotes(text, tagged(text, tags), "de") or []] == [
        "Die Lage ist ernst, aber beherrschbar",
        "Wir bauen die Deiche weiter aus",
    ]
