"""What a scraped page leaves in its text besides the article: the patterns of boilerplate
lines in several languages, and the classifier that finds the article's body among them.

The classifier works on lines (a scraper writes one block a line). Each line gets a score:
body-like lines (long, with sentence punctuation) score by their length; menu items,
buttons and other short lines score below zero; lines that match a boilerplate pattern score
well below zero and are never kept. The body is the run of lines with the largest total
score (the idea of Finn et al.'s Body Text Extraction, applied to lines instead of tags), so
short subheadings between paragraphs stay, and long runs of menus or links end it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from streams.processors.text import word_count


@dataclass(frozen=True)
class Rule:
    """A boilerplate pattern, the reason it gives, and a line it must catch (a unit test runs
    every rule's example through the whole classifier, so a rule that another shadows or
    that never fires fails the suite)."""

    reason: str
    pattern: str
    example: str


# Each pattern is matched against a whole short line, lower-cased. Reasons are the
# categories a user sees in CleanArticle.removed; for one line the first reason in this
# order whose pattern matches wins.
RULES: tuple[Rule, ...] = (
    Rule(
        "newsletter",
        r".*\b(mailing list|newsletter|e-?mail alerts?|inbox)\b.*",
        "Get the best stories in your inbox every morning",
    ),
    Rule(
        "newsletter",
        r".*(infolettre|lettre d'information|rundbrief|boletín|рассылк|النشرة البريدية).*",
        "Recevez notre infolettre",
    ),
    Rule(
        "call_to_action",
        r".*[-–—|:•]\s*(join|sign up|subscribe|register|log ?in|sign in|donate|download|upgrade"
        r"|start (your )?free trial)( now| today| here| for free)?[.!]*$",
        "Unlimited access to all our journalism — subscribe",
    ),
    Rule(
        "call_to_action",
        r".*\b(join|sign up|subscribe|register|donate|download|upgrade)( now| today| here| for "
        r"free)[.!]*$",
        "Support independent journalism and donate today!",
    ),
    Rule(
        "call_to_action",
        r"^(join now|join us|sign up( now| here| today)?|subscribe( now| today)?|log ?in|sign in"
        r"|register|create (an|your) account|get started|try (it )?(for )?free|buy now|shop now"
        r"|learn more|click here|read more|see more|show more|load more|continue reading"
        r"|read the full (story|article)|watch now|listen now|get the app|download the app)"
        r"\b(\W+\w+){0,5}\W*$",
        "Continue reading the main story",
    ),
    Rule(
        "call_to_action",
        r"^(abonnez-vous|inscrivez-vous|se connecter|connexion|s'abonner|lire la suite"
        r"|en savoir plus|suivez-nous|télécharger l'application).*",
        "Abonnez-vous pour lire la suite",
    ),
    Rule(
        "call_to_action",
        r"^(jetzt )?(abonnieren|anmelden|registrieren|einloggen|weiterlesen|mehr lesen"
        r"|mehr erfahren|folgen sie uns).*",
        "Jetzt abonnieren und weiterlesen",
    ),
    Rule(
        "call_to_action",
        r"^(suscr[ií]bete|reg[ií]strate|iniciar sesi[oó]n|inicia sesi[oó]n|leer m[aá]s"
        r"|s[ií]guenos|descarga la app).*",
        "Síguenos en las redes",
    ),
    Rule(
        "call_to_action",
        r"^(подпис(ать|аться|ывайтесь|ка)|подпишитесь|войти|вход|регистрация"
        r"|читать (далее|дальше|также)|подробнее|читайте также|читайте нас).*",
        "Читайте также: главные события недели",
    ),
    Rule(
        "call_to_action",
        r"^(اشترك|سجل الدخول|تسجيل الدخول|اقرأ (أيضا|أيضاً|المزيد)|تابعنا|للمزيد).*",
        "اقرأ أيضا",
    ),
    # the audio player, messaging channels and social accounts a page offers (English)
    Rule(
        "call_to_action",
        r"^(listen to (this|the) (article|story)|join our( \w+){0,2} (channel|community|group)"
        r"|follow us on)\b.*",
        "Follow us on Instagram",
    ),
    Rule(
        "call_to_action",
        r"^(abbonati|iscriviti|accedi|registrati|continua a leggere|leggi (anche|di più)"
        r"|seguici|scarica l'app)\b.*",
        "Continua a leggere l'articolo",
    ),
    Rule(
        "call_to_action",
        r"^(assine|inscreva-se|cadastre-se|continue lendo|leia (mais|também)|siga-nos"
        r"|baixe o app)\b.*",
        "Continue lendo a reportagem",
    ),
    Rule(
        "call_to_action",
        r"^(abonneer|word abonnee|meld je aan|lees (meer|ook|verder)|volg ons"
        r"|download de app)\b.*",
        "Lees ook: het laatste nieuws",
    ),
    Rule(
        "call_to_action",
        r"^(subskrybuj|zaloguj się|zarejestruj się|czytaj (więcej|też|także|dalej)"
        r"|obserwuj nas|pobierz aplikację)\b.*",
        "Czytaj także: najważniejsze wiadomości",
    ),
    Rule(
        "call_to_action",
        r"^(abone ol|giriş yap|üye ol|devamını oku|i\u0307?lginizi çekebilir|bizi takip edin)\b.*",
        "Devamını oku",
    ),
    Rule(
        "share",
        r"^((share|tweet|pin|email|e-mail|print|copy link|whatsapp|facebook|twitter|x|linkedin"
        r"|reddit|telegram|pinterest|flipboard|messenger|vk|ok|viber|mail)\b[\s,|/:·•-]*)+$",
        "Facebook | Twitter | WhatsApp",
    ),
    Rule(
        "share",
        r"^(share (this|on|via|the)|share article|partager|teilen|compartir|поделиться|شارك)"
        r"\b(\W+\w+){0,5}\W*$",
        "Share this article",
    ),
    Rule(
        "share",
        r"^click to (share|email|print|tweet)\b.*",
        "Click to share on Reddit (Opens in new window)",
    ),
    Rule(
        "copyright",
        r".*(©|\(c\) ?(19|20)\d\d|\bcopyright\b|all rights reserved|tous droits réservés"
        r"|alle rechte vorbehalten|todos los derechos reservados|все права защищены"
        r"|جميع الحقوق محفوظة).*",
        "© 2024 The Daily Example. All rights reserved.",
    ),
    Rule(
        "cookie_or_legal",
        r".*\b(cookies?|privacy (policy|notice|settings)|terms (of|and) (use|service|conditions)"
        r"|cookie settings|do not sell)\b.*",
        "Privacy Policy",
    ),
    Rule(
        "cookie_or_legal",
        r".*(datenschutz|impressum|politique de confidentialité|mentions légales"
        r"|política de privacidad|aviso legal|политика конфиденциальности|سياسة الخصوصية).*",
        "Impressum",
    ),
    Rule(
        "navigation",
        r"^(home|menu|search|skip to (main )?content|back to top|top|next|previous|prev|more|close"
        r"|open|toggle navigation|main menu|navigation|sections|topics|latest|latest news"
        r"|trending|popular|most (read|popular|viewed)|breaking news|live|video|videos|photos"
        r"|podcasts?|opinion|sport|sports|weather|contact( us)?|about( us)?|advertise( with us)?"
        r"|careers|faq|help|sitemap|rss|archive|editions?|edition|accueil|startseite|inicio"
        r"|главная|الرئيسية)[\s:›»>|]*$",
        "Skip to main content",
    ),
    Rule(
        "navigation",
        r"^(advertisement|advertising|sponsored( content)?|ad|ads|anzeige|publicité|publicidad"
        r"|реклама|إعلان)$",
        "Advertisement",
    ),
    Rule(
        "navigation",
        r"^(you (may|might) also like|related( (articles|stories|news|posts|content|topics))?"
        r"|more (stories|from|on this)|recommended( for you)?|what to read next|read next"
        r"|also read|see also|also on|most popular|most read|don'?t miss|editor'?s picks"
        r"|top stories)\b.*",
        "You may also like",
    ),
    Rule(
        "navigation",
        r"^(tags?|topics|keywords|filed under|categories|category)\s*:.*",
        "Tags: politics, elections",
    ),
    Rule("navigation", r"^(loading|please wait)\W*$", "Loading..."),
    # a language menu: two or more languages each named in itself ("English Français Español")
    Rule(
        "navigation",
        r"^(?:(?:english|français|francais|español|espanol|deutsch|italiano|português|portugues"
        r"|nederlands|polski|русский|українська|беларуская|български|српски|srpski|hrvatski"
        r"|slovenščina|slovenčina|čeština|magyar|română|ελληνικά|türkçe|svenska|dansk|norsk"
        r"|suomi|eesti|latviešu|lietuvių|català|euskara|galego|العربية|عربي|فارسی|اردو|עברית"
        r"|हिन्दी|বাংলা|中文|简体中文|繁體中文|日本語|한국어|bahasa indonesia|bahasa melayu"
        r"|tiếng việt|ไทย|kiswahili|af-soomaali|hausa|o'zbekcha|қазақша|azərbaycanca"
        r"|ქართული|հայերեն)[\s|/·•,]*){2,}$",
        "English Français Español Deutsch",
    ),
    Rule("comments", r"^(\d+\s+)?(comments?|replies|reactions|responses)\W*$", "12 Comments"),
    Rule(
        "comments",
        r"^(leave a (comment|reply)|add (a|your) comment|post a comment|load comments"
        r"|view comments|show comments|comments are closed|join the (discussion"
        r"|conversation))\b.*",
        "Leave a Reply",
    ),
    Rule(
        "comments",
        r"^(reply|report|report abuse|like|dislike|flag|upvote|downvote)\W*$",
        "Report abuse",
    ),
    Rule(
        "comments",
        r"^(commentaires?|kommentare?|comentarios?|комментари\w*|تعليقات?)\W*$",
        "Kommentare",
    ),
    Rule(
        "photo_credit",
        r"^(photo|image|picture|foto|фото|صورة)\s*(credit)?\s*[:/].*",
        "Photo: Jane Smith/Reuters",
    ),
    Rule(
        "photo_credit",
        r"^(getty images|reuters|afp|ap photo|shutterstock|epa)(/.*)?$",
        "Getty Images",
    ),
)
REASONS: tuple[str, ...] = tuple(dict.fromkeys(r.reason for r in RULES))


def _searchable(pattern: str) -> str:
    """'.*x.*' and 'x' mean the same to re.search; without the '.*' it is much faster."""
    if pattern.startswith(".*"):
        pattern = pattern[2:]
    if pattern.endswith(".*") and not pattern.endswith("\\.*"):
        pattern = pattern[:-2]
    return f"(?:{pattern})"


def _compile(patterns: list[str]) -> re.Pattern[str] | None:
    return re.compile("|".join(_searchable(p) for p in patterns)) if patterns else None


def _tail_only(pattern: str) -> bool:
    # patterns anchored at the end only need the end of the line
    return pattern.endswith("$") and not pattern.startswith("^")


def _head_only(pattern: str) -> bool:
    return pattern.startswith("^")


# per reason (lines are lower-cased first: faster than IGNORECASE), tried in the order above:
# patterns anchored at the start (re.match), unanchored ones (re.search), and patterns
# anchored at the end, searched in the last TAIL characters only
TAIL = 60
_COMPILED: list[
    tuple[str, re.Pattern[str] | None, re.Pattern[str] | None, re.Pattern[str] | None]
] = [
    (
        reason,
        _compile([p for p in ps if _head_only(p)]),
        _compile([p for p in ps if not _head_only(p) and not _tail_only(p)]),
        _compile([p for p in ps if _tail_only(p)]),
    )
    for reason, ps in ((why, [r.pattern for r in RULES if r.reason == why]) for why in REASONS)
]

# every start-anchored pattern in one regex: re.match tries the alternatives in order, so
# the named group that matches is the first reason whose pattern fits
_ALL_STARTS = re.compile(
    "|".join(
        f"(?P<{reason}>{start.pattern})" for reason, start, _, _ in _COMPILED if start is not None
    )
)
# every unanchored and every end-anchored pattern in one regex each: one scan tells whether
# any reason's pattern can fit, so most lines are settled without the per-reason loop below
_ANY_ANYWHERE = re.compile("|".join(a.pattern for _, _, a, _ in _COMPILED if a is not None))
_ANY_AT_END = re.compile("|".join(e.pattern for _, _, _, e in _COMPILED if e is not None))
_FOOTNOTE = re.compile(r"^(\*+|†|‡|¹|²|³|\[\d+\]|\(\d+\))\s*\S")
_SENTENCE_STOP = re.compile(r"[.!?。！？؟]\s")
_CLOSERS = frozenset('.!?…。！？؟»"”’)')
_URLISH = re.compile(r"https?://|www\.|\.(com|org|net|html?)\b", re.I)
_DATEISH = re.compile(
    r"^\W*(\w+,?\s+)?(\d{1,2}[./-]\d{1,2}[./-]\d{2,4}|\d{4}-\d{2}-\d{2}|(\d{1,2}\s+)?(jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)\w*\.?\s+\d{1,2}(st|nd|rd|th)?,?\s+\d{4}|\d{1,2}\s+(jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)\w*\.?\s+\d{4})",
    re.I,
)

#: lines longer than this are prose, whatever words they contain (unless legal, below)
MAX_PATTERN_WORDS = 25
#: of a short line (in words) that is long in characters (a run of marks, a blob, a giant
#: link), the patterns read its first HEAD characters and its last TAIL: boilerplate speaks
#: at its ends, and a line of 200,000 quotation marks costs what a paragraph does
HEAD = 1000

# Site-wide legal and consent prose: cookie banners, disclaimers, registration terms. These
# are long, well-formed paragraphs, so the length test calls them body text. A paragraph that
# speaks of the site to its reader ("this website", "you agree", "by registering") and of
# legal matters at once is about the site, not the news; news about privacy or cookies does
# not address its reader like that.
_SITE_TO_READER = re.compile(
    r"this (web)?site|our (web)?site|our (services|partners)|we use|your (browser|use|consent|data"
    r"|personal|experience|device)|"
    r"you (agree|consent|accept)|by (registering|clicking|continuing|subscribing|signing|using)"
    r"|customer service|"
    r"rights reserved|registered trademarks?|cet? site|nos partenaires|diese (web)?seite|unsere "
    r"(web)?seite|"
    r"este (sitio|portal)|nuestro sitio|этот сайт|наш сайт|هذا الموقع"
)
_LEGAL_TOPIC = re.compile(
    r"cookie|privacy|terms of (use|service)|terms and conditions|consent|trademark|disclaimer"
    r"|affiliate|"
    r"personal (data|information)|gdpr|opt[ -]out|unsubscribe|not been evaluated|informational "
    r"purposes|"
    r"advertis|datenschutz|données personnelles|datos personales|персональных данных"
    r"|конфиденциальност|"
    r"ملفات تعريف الارتباط|الخصوصية"
)


def is_legal_prose(line: str) -> bool:
    low = line.lower()
    return _SITE_TO_READER.search(low) is not None and _LEGAL_TOPIC.search(low) is not None


def boilerplate_reason(line: str, words: int | None = None) -> str | None:
    """Why a line is boilerplate, or None. Only short lines are judged by pattern: a long
    paragraph that mentions cookies or Facebook is still body text."""
    words = word_count(line) if words is None else words
    if words == 0:
        return "empty"
    if words > MAX_PATTERN_WORDS:
        return "legal" if is_legal_prose(line) else None
    if _FOOTNOTE.match(line) and words <= 20:
        return "footnote"
    if len(line) > HEAD + TAIL:
        line = line[:HEAD] + "\n" + line[-TAIL:]
    low = line.lower()
    tail = low[-TAIL:]
    head = _ALL_STARTS.match(low)
    start_reason = head.lastgroup if head is not None else None
    if _ANY_ANYWHERE.search(low) is None and _ANY_AT_END.search(tail) is None:
        # no unanchored pattern of any reason fits: only the start-anchored one can
        return start_reason if start_reason is not None else _other_reason(line, words)
    for reason, _, anywhere, at_end in _COMPILED:
        if reason == start_reason:
            return reason
        if anywhere is not None and anywhere.search(low):
            return reason
        if at_end is not None and at_end.search(tail):
            return reason
    return _other_reason(line, words)


def _other_reason(line: str, words: int) -> str | None:
    if words <= 6 and _URLISH.search(line):
        return "link"
    return None


def is_dateline(line: str) -> bool:
    return bool(_DATEISH.match(line)) and word_count(line) <= 12


@dataclass(slots=True)
class Line:
    index: int
    text: str
    words: int
    reason: str | None
    prose: bool
    score: float


def looks_like_prose(text: str, words: int) -> bool:
    """A body-like line: long enough, and written in sentences."""
    if words >= 25:
        return True
    if words < 8:
        return False
    stripped = text.rstrip()
    return bool(stripped) and (stripped[-1] in _CLOSERS or _SENTENCE_STOP.search(text) is not None)


#: a boilerplate line's score is -(words + BARRIER): a barrier between regions
BARRIER = 12.0
#: a short line that is neither prose nor boilerplate scores -(min(words, OTHER_CAP) + 2)
OTHER_CAP = 8


def score_lines(lines: list[str]) -> list[Line]:
    """Each line's words, boilerplate reason, prose verdict and score. A line's verdict
    depends on its text alone, so a page that repeats its lines (menus, share bars, the
    same banner on every screen) has each judged once."""
    scored = []
    seen: dict[str, tuple[int, str | None, bool]] = {}
    for i, text in enumerate(lines):
        verdict = seen.get(text)
        if verdict is None:
            words = word_count(text)
            reason = boilerplate_reason(text, words)
            verdict = seen[text] = (words, reason, reason is None and looks_like_prose(text, words))
        words, reason, prose = verdict
        if words == 0:
            score = 0.0  # blank lines separate blocks; how many a scraper writes means nothing
        elif reason is not None:
            # a barrier: boilerplate should split regions, not be bridged by them
            score = -(words + BARRIER)
        elif prose:
            score = float(words)
        else:
            score = -(min(words, OTHER_CAP) + 2.0)
        scored.append(Line(i, text, words, reason, prose, score))
    return scored


# Where the article ends for sure: the start of the comments. A region that runs past one
# is cut there. ("Related" and "Read more" lines are not cuts: sites put them inside
# articles too; they only count as boilerplate lines.)
_END_MARKERS = re.compile(
    r"^(\d+\s+)?(comments?|responses?|replies|reactions|discussion)\W*$|"
    r"\b\d+\s+(comments?|responses?|replies)\b|"
    r"^\S.{0,60}\b(says|said|wrote|writes|a écrit|schrieb|dijo|escribió|пишет|написал)\s*:\s*$|"
    r"^(leave a (comment|reply)|add (a|your) comment|post a comment|join the (discussion"
    r"|conversation)|show comments|"
    r"view comments|load comments|comments are closed|"
    r"commentaires?|kommentare?|comentarios?|комментари\w*|تعليقات?)\b",
    re.IGNORECASE,
)
MIN_WORDS_BEFORE_END = 40


def cut_at_end_marker(scored: list[Line], start: int, end: int) -> int:
    """The region's end, moved up to the first end marker that follows some body text."""
    words = 0
    for ln in scored[start:end]:
        if (
            ln.words
            and ln.words <= 15
            and words >= MIN_WORDS_BEFORE_END
            and _END_MARKERS.search(ln.text)
        ):
            return ln.index
        if ln.prose:
            words += ln.words
    return end


def runs(scored: list[Line]) -> list[tuple[float, int, int]]:
    """Kadane's segments, in order: a segment starts where the running total has fallen to
    zero or below; each gives its best total and its [start, end) (positions in ``scored``;
    of equal totals, the shorter span)."""
    out: list[tuple[float, int, int]] = []
    total = 0.0
    best, start, end = float("-inf"), -1, -1  # the open segment (none before the first line)
    for i, line in enumerate(scored):
        if total <= 0:
            if start >= 0:
                out.append((best, start, end))
            best, start, end = float("-inf"), i, i
            total = 0.0
        total += line.score
        if total > best:
            best, end = total, i + 1
    if start >= 0:
        out.append((best, start, end))
    return out


def densest_run(scored: list[Line]) -> tuple[int, int]:
    """[start, end) of the run with the largest total score (Kadane's algorithm; of equal
    totals, the first)."""
    found = runs(scored)
    if not found:
        return (0, 0)
    _, start, end = max(found, key=lambda r: r[0])
    return start, end
