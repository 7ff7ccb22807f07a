"""Name normalisation for search and duplicate detection (pure functions, no database).

``name_key("Mohammed", "Abdel Rahman")`` and ``name_key("محمّد", "عبد الرحمن")`` give the
same key, ``"mohamed abd rahman"``: Latin names are lower-cased, stripped of accents
and common spelling variants are collapsed to one form; Arabic names lose their
diacritics and tatweel, alef/hamza/ta marbuta/alef maqsura variants are unified and
the result is transliterated to Latin, so an Arabic-script name meets its Latin
spelling. The key is what ``Refugee.name_key`` stores and what pg_trgm compares.
"""

import functools
import re
import unicodedata

# --- Arabic ---------------------------------------------------------------------------
_TASHKEEL = re.compile("[\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06ed]")
_TATWEEL = "\u0640"
_ARABIC_CHARS = re.compile("[\u0600-\u06ff\u0750-\u077f\ufb50-\ufdff\ufe70-\ufeff]")
_ARABIC_UNIFY = str.maketrans(
    {
        "أ": "ا",
        "إ": "ا",
        "آ": "ا",
        "ٱ": "ا",
        "ؤ": "و",
        "ئ": "ي",
        "ة": "ه",
        "ى": "ي",
        "ء": "",
        "ک": "ك",
        "ی": "ي",
    }
)

# Whole-word transliterations of the most frequent names (normalised Arabic -> Latin key).
_ARABIC_WORDS = {
    "محمد": "mohamed",
    "احمد": "ahmed",
    "محمود": "mahmoud",
    "مصطفي": "mostafa",
    "عبد": "abd",
    "عبدال": "abd",
    "علي": "ali",
    "عمر": "omar",
    "عثمان": "othman",
    "يوسف": "youssef",
    "ابراهيم": "ibrahim",
    "اسماعيل": "ismail",
    "حسن": "hassan",
    "حسين": "hussein",
    "خالد": "khaled",
    "سعيد": "said",
    "فاطمه": "fatima",
    "عايشه": "aicha",
    "عائشه": "aicha",
    "مريم": "maryam",
    "خديجه": "khadija",
    "زينب": "zainab",
    "امينه": "amina",
    "نور": "nour",
    "ليلي": "leila",
    "سلمي": "salma",
    "هدي": "houda",
    "رحمن": "rahman",
    "الرحمن": "rahman",
    "الله": "allah",
    "كريم": "karim",
    "رشيد": "rachid",
    "ادم": "adam",
    "موسي": "moussa",
    "عيسي": "issa",
    "ياسين": "yassine",
    "سليمان": "souleymane",
    "جان": "jean",
    "ماري": "marie",
    "بيير": "pierre",
}

_ARABIC_LETTERS = {
    "ا": "a",
    "ب": "b",
    "ت": "t",
    "ث": "th",
    "ج": "j",
    "ح": "h",
    "خ": "kh",
    "د": "d",
    "ذ": "dh",
    "ر": "r",
    "ز": "z",
    "س": "s",
    "ش": "ch",
    "ص": "s",
    "ض": "d",
    "ط": "t",
    "ظ": "z",
    "ع": "a",
    "غ": "gh",
    "ف": "f",
    "ق": "k",
    "ك": "k",
    "ل": "l",
    "م": "m",
    "ن": "n",
    "ه": "a",
    "و": "ou",
    "ي": "i",
    "پ": "p",
    "ڤ": "v",
    "گ": "g",
}


def has_arabic(text: str) -> bool:
    return bool(_ARABIC_CHARS.search(text or ""))


def normalise_arabic(text: str) -> str:
    """Arabic text without diacritics and tatweel, with letter variants unified."""
    text = unicodedata.normalize("NFKC", text or "")
    text = _TASHKEEL.sub("", text).replace(_TATWEEL, "")
    text = text.translate(_ARABIC_UNIFY)
    return " ".join(text.split())


def _transliterate_word(word: str) -> str:
    if word in _ARABIC_WORDS:
        return _ARABIC_WORDS[word]
    if word.startswith("عبد") and len(word) > 3:  # عبدالله -> abd allah
        return "abd " + _transliterate_word(word[3:])
    if word.startswith("ال") and len(word) > 3:  # the article is dropped from the key
        word = word[2:]
        if word in _ARABIC_WORDS:
            return _ARABIC_WORDS[word]
    out = []
    for i, ch in enumerate(word):
        latin = _ARABIC_LETTERS.get(ch, "")
        if ch == "و" and i == 0:
            latin = "w"
        elif ch == "ي" and i == 0:
            latin = "y"
        elif ch == "ه" and i != len(word) - 1:
            latin = "h"
        out.append(latin)
    return "".join(out)


def transliterate_arabic(text: str) -> str:
    """A simple Arabic -> Latin transliteration (for matching, not for display)."""
    return " ".join(filter(None, (_transliterate_word(w) for w in normalise_arabic(text).split())))


# --- Latin ----------------------------------------------------------------------------
# Spelling variants collapsed to one token (applied after accents are stripped).
_LATIN_VARIANTS = {
    "mohamed": (
        "mohammed",
        "muhammad",
        "mohamad",
        "mohammad",
        "muhammed",
        "mohammad",
        "mouhamed",
        "mohamet",
        "mouhammad",
        "mehmet",
        "muhamad",
        "mhamed",
        "mohamd",
        "mohd",
    ),
    "ahmed": ("ahmad", "ahmet", "amed"),
    "mahmoud": ("mahmud", "mahmood"),
    "mostafa": ("mustafa", "moustafa", "mostapha", "moustapha", "mustapha"),
    "youssef": ("yousef", "yusuf", "youssouf", "yousouf", "yusef", "joseph", "youcef"),
    "ibrahim": ("ebrahim", "brahim", "ibrahima"),
    "hussein": ("hussain", "hossein", "houssein", "husein", "hocine"),
    "hassan": ("hasan", "hassane"),
    "khaled": ("khalid", "khalied"),
    "said": ("saeed", "saed", "saaid"),
    "othman": ("osman", "uthman", "otman", "ousmane", "usman"),
    "omar": ("umar", "omer", "oumar"),
    "fatima": ("fatema", "fatma", "fatoumata", "fatimah", "fatiha"),
    "aicha": ("aisha", "aiesha", "aicha", "aysha", "ayesha", "aissata"),
    "khadija": ("khadidja", "khadidiatou", "khadijah"),
    "zainab": ("zeinab", "zaynab", "zineb"),
    "maryam": ("mariam", "meryem", "meriem", "maryem"),
    "amina": ("aminah", "aminata"),
    "souleymane": ("suleiman", "sulayman", "slimane", "soulaimane", "souleiman"),
    "moussa": ("musa", "mousa"),
    "yassine": ("yasin", "yassin", "yacine"),
    "rachid": ("rashid", "rachide", "rasheed"),
    "abd": ("abdel", "abdul", "abdal", "abdoul", "abdou", "abdu", "abdol"),
}
_LATIN_CANONICAL = {variant: key for key, variants in _LATIN_VARIANTS.items() for variant in variants}
# Two-word particles glued into one: "abd el", "abd al", "abd ul" -> "abd".
_ABD_PARTICLE = re.compile(r"\babd\s+(?:el|al|ul|ol|ar|er|as|es|an|en|ad|ed)\b")
_ABD_GLUED = re.compile(r"\b(?:abd(?:el|al|ul|oul|ol|ou|u|e|a)?)(?=[a-z]{3,})")
_PARTICLES = {"el", "al", "ben", "bin", "ibn", "bint"}


def _strip_accents(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def normalise_latin(text: str) -> str:
    text = _strip_accents((text or "").lower())
    text = text.replace("'", "").replace("\u2019", "")
    text = re.sub(r"[^a-z]+", " ", text)
    text = _ABD_PARTICLE.sub("abd", text)
    text = _ABD_GLUED.sub("abd ", text)
    words = []
    for word in text.split():
        word = _LATIN_CANONICAL.get(word, word)
        if word in _PARTICLES:
            continue
        words.append(word)
    return " ".join(words)


def name_key(*parts: str) -> str:
    """The normalised Latin key of a name given in one or more parts, in any script."""
    words: list[str] = []
    for part in parts:
        if not part:
            continue
        words.extend(_word_key(chunk) for chunk in part.split())
    return " ".join(" ".join(words).split())[:250]


@functools.lru_cache(maxsize=16384)
def _word_key(word: str) -> str:
    """One word's key (memoised: an import repeats names)."""
    return normalise_latin(transliterate_arabic(word) if has_arabic(word) else word)


def trigrams(text: str) -> set[str]:
    """The trigrams of a name as pg_trgm counts them (each word padded "  word ")."""
    out: set[str] = set()
    for word in text.split():
        padded = f"  {word} "
        out.update(padded[i : i + 3] for i in range(len(padded) - 2))
    return out


def similarity(a: str, b: str) -> float:
    """Trigram similarity like pg_trgm's ``similarity()``, for when the database has none."""
    ga, gb = trigrams(a), trigrams(b)
    if not ga or not gb:
        return 0.0
    return len(ga & gb) / len(ga | gb)


# --- Search ----------------------------------------------------------------------------
# ``search_key`` is what the name search reads (``Refugee.search_key``): every word of the
# person's names, in three forms, space-delimited with a space at both ends so that a word
# is found with one ``LIKE '% word%'`` (a prefix of a word) on SQLite and PostgreSQL alike:
#
# * the Latin key words of the Latin and of the transliterated Arabic name (``name_key``:
#   spelling variants collapsed, particles "al/el/ben" dropped, "Abdel Rahman" = "abd rahman");
# * the Arabic words, normalised (``normalise_arabic``), with and without the article "ال";
# * a consonant skeleton of each Latin key word, marked "=" (``=hmw``), compared whole: it
#   is what meets a Latin spelling with another transliteration ("Hamwi" and "الحموي",
#   transliterated "hmoui", are both ``=hmw``).
#
# Glued particles ("Alhalabi", "Elkhatib") are also stored without them.

_SKELETON_DIGRAPHS = (("sh", "ch"), ("ou", "w"), ("oo", "w"), ("dj", "j"), ("ph", "f"), ("q", "k"), ("ck", "k"))
_GLUED_ARTICLE = re.compile(r"^(?:al|el|ul)(?=[a-z]{4,})")


def skeleton(word: str) -> str:
    """The consonants of a Latin key word, doubled letters once ("hamwi" and "hmoui": "hmw")."""
    for a, b in _SKELETON_DIGRAPHS:
        word = word.replace(a, b)
    word = re.sub("[aeiouy]", "", word)
    return re.sub(r"(.)\1+", r"\1", word)


def _latin_forms(word: str) -> set[str]:
    forms = {word}
    stripped = _GLUED_ARTICLE.sub("", word)
    if stripped != word:
        forms.add(stripped)
    return forms


def _arabic_forms(word: str) -> set[str]:
    word = normalise_arabic(word)
    forms = {word} if word else set()
    if word.startswith("ال") and len(word) > 3:
        forms.add(word[2:])
    return forms


@functools.lru_cache(maxsize=16384)
def _word_forms(word: str) -> tuple[frozenset[str], frozenset[str]]:
    """A word's Latin and Arabic search forms (memoised: an import repeats names)."""
    arabic = _arabic_forms(word) if has_arabic(word) else set()
    latin: set[str] = set()
    for key_word in name_key(word).split():
        latin |= _latin_forms(key_word)
    return frozenset(latin), frozenset(arabic)


_skeleton = functools.lru_cache(maxsize=16384)(skeleton)


def search_key(first_latin: str = "", last_latin: str = "", first_ar: str = "", last_ar: str = "") -> str:
    """The stored search form of a person's names (see above)."""
    latin: set[str] = set()
    arabic: set[str] = set()
    for part in (first_latin, last_latin, first_ar, last_ar):
        for word in (part or "").split():
            latin_forms, arabic_forms = _word_forms(word)
            latin |= latin_forms
            arabic |= arabic_forms
    skeletons = {f"={s}" for s in map(_skeleton, latin) if len(s) >= 2}
    words = sorted(latin) + sorted(arabic) + sorted(skeletons)
    out = ""
    for word in words:  # the field holds 500 characters: drop what does not fit, whole words
        if len(out) + len(word) + 2 > 500:
            break
        out += " " + word
    return out + " " if out else ""


def search_terms(query: str) -> list[list[tuple[str, ...]]]:
    """A query as the search reads it: for each word, its alternatives; each alternative
    is a tuple of stored-key fragments that must all be present ("`` hamwi``" is a prefix
    of a word, "`` =hmw ``" a whole skeleton). A word that is only a particle is dropped.
    """
    terms: list[list[tuple[str, ...]]] = []
    for word in (query or "").split():
        alternatives: list[tuple[str, ...]] = []
        if has_arabic(word):
            alternatives += [(f" {form}",) for form in _arabic_forms(word)]
        key_words = name_key(word).split()
        if key_words:
            if len(key_words) == 1:
                for form in _latin_forms(key_words[0]):
                    alternatives.append((f" {form}",))
                    skel = skeleton(form)
                    if len(skel) >= 2:
                        alternatives.append((f" ={skel} ",))
            else:  # "Abdelrahman" -> "abd rahman": every part present
                alternatives.append(tuple(f" {w}" for w in key_words))
                skels = [skeleton(w) for w in key_words]
                if all(len(s) >= 2 for s in skels):
                    alternatives.append(tuple(f" ={s} " for s in skels))
        if alternatives:
            terms.append(list(dict.fromkeys(alternatives)))
    return terms
