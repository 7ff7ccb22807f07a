"""The person's identifiers are found in a free text however they were typed, and only
they are taken out (``core.erasure.Identifiers``)."""

from core.erasure import ERASED, Identifiers

PERSON = Identifiers.of(
    names=["Zoubeida", "Ouarzazi", "Zoubeida Ouarzazi", "زبيدة", "الورزازي", "زبيدة الورزازي", "", " "],
    numbers=["RAB-24C07731", "RAB-24C07730", ""],
    phones=["+212661234987", "+212661234988"],
)


def test_it_takes_out_names_in_both_scripts_as_whole_words():
    text = "Zoubeida Ouarzazi's shop; ZOUBEIDA called; وزبيدة قالت إن بالورزازي; Zoubeidas stays"
    assert PERSON.scrub(text) == f"{ERASED}'s shop; {ERASED} called; {ERASED} قالت إن {ERASED}; Zoubeidas stays"


def test_it_takes_out_numbers_and_phones_however_typed():
    text = "rab 24c07731, RAB24C07730, tel 06 61 23 49 87, +212 661-234-988, 00212661234987; 9661234987 stays"
    assert PERSON.scrub(text) == f"{ERASED}, {ERASED}, tel {ERASED}, {ERASED}, {ERASED}; 9661234987 stays"


def test_strict_keeps_a_first_name_that_may_be_someone_elses():
    strict = PERSON.strict()
    assert strict.scrub("Zoubeida Bennani (RAB-99C00001)") == "Zoubeida Bennani (RAB-99C00001)"
    assert strict.scrub("Zoubeida Ouarzazi (RAB-24C07731)") == f"{ERASED} ({ERASED})"


def test_json_values_are_scrubbed_inside():
    value = {"who": ["Zoubeida", 3], "note": {"phone": "0661234987"}}
    assert PERSON.scrub_value(value) == {"who": [ERASED, 3], "note": {"phone": ERASED}}
    assert PERSON.found_in("call 0661234987") and not PERSON.found_in("nothing here")
