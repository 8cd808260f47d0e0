"""Roster files: the documented columns, refused lines named by file and line, one learner per login."""

from __future__ import annotations

import pytest

from coursekit.gradebook.roster_file import RosterEntry, RosterError, parse_roster


def test_parse_roster_reads_the_documented_columns():
    entries = parse_roster("\ufefflogin,Name,email,idnumber,group\nada,Ada King Lovelace,a@x.org,S1,G1\n\n"
                           "bob,Bob,,,\n", "r.csv")
    assert entries == [RosterEntry("ada", "Ada King Lovelace", "a@x.org", "S1", "G1"), RosterEntry("bob", "Bob")]
    assert entries[0].first_last == ("Ada King", "Lovelace")
    assert entries[1].first_last == ("Bob", "")


@pytest.mark.parametrize(("text", "message"), [
    ("", "r.csv: empty file"),
    ("name,email\nAda,a@x.org\n", "r.csv: line 1: no 'login' column"),
    ("login,phone\nada,1\n", "r.csv: line 1: unknown column(s) 'phone'"),
    ("login,name\nada\n", "r.csv: line 2: 1 fields, the header has 2"),
    ("login,name\n ada,Ada\n", "r.csv: line 2: login ' ada' starts or ends with white space"),
    ("login,name\nada,\"two\nlines\"\n", "r.csv: line 3: name: holds U+000A (line feed), a line break"),
    ("login,name\nada,Ana\u2028Lee\n", "r.csv: line 2: name: holds U+2028 (line separator), a line break"),
    ("login,name\nada,Ana\u2029\n", "r.csv: line 2: name: holds U+2029 (paragraph separator), a line break"),
    ("login,name\nada,\u202eeeL anA\n", "r.csv: line 2: name: holds U+202E (right-to-left override), a bidi control"),
    ("login,name,group\nada,Ana,\u2066G1\u2069\n",
     "r.csv: line 2: group: holds U+2066 (left-to-right isolate), a bidi control"),
    ("login,name\nada,Ana\u200bLee\n", "r.csv: line 2: name: holds U+200B (zero width space), a control or format"),
    ("login,name\nada,Ana\x07\n", "r.csv: line 2: name: holds U+0007 (unnamed), a control or format character"),
    ("login,name\nAna,Ana\n", "r.csv: line 2: login 'Ana' contains upper-case letters: hub logins are lower case "
                              "(it reads as 'ana'"),
    ("login,name\n\uff41\uff4e\uff41,Ana\n", "r.csv: line 2: login 'ａｎａ' contains 'ａ' (fullwidth latin small "
                                            "letter a): logins are plain ASCII (it reads as 'ana'"),
    ("login,name\n\u0430na,Ana\n", "r.csv: line 2: login 'аna' mixes Cyrillic and Latin letters ('а' is cyrillic "
                                  "small letter a): a look-alike of another login"),
    ("login,name\n<svg onload=alert(1)>,X\n", "r.csv: line 2: login '<svg onload=alert(1)>' contains '<'"),
    ("login,name\nada,A\nada,B\n", "r.csv: line 3: login 'ada' already on line 2"),
])
def test_parse_roster_refuses_bad_files_with_file_and_line(text, message):
    with pytest.raises(RosterError) as caught:
        parse_roster(text, "r.csv")
    assert str(caught.value).startswith(message)


def test_four_spellings_of_one_login_are_one_learner_never_four():
    with pytest.raises(RosterError) as caught:
        parse_roster("login,name\nana,Ana\nAna,Ana\n\uff41\uff4e\uff41,Ana\n\u0430na,Ana\n", "r.csv")
    lines = str(caught.value).splitlines()
    assert [line.split(":")[1].strip() for line in lines] == ["line 3", "line 4", "line 5"]
    assert all("'ana'" in line or "look-alike" in line for line in lines)


def test_a_hostile_name_is_kept_as_text_and_ids_follow_the_shared_login_rule():
    from coursekit.gradebook.learner_ids import learner_id_problem, login_key, text_problem

    entries = parse_roster("login,name\nana,<img src=x onerror=alert(1)> Ana\n", "r.csv")
    assert entries[0].name == "<img src=x onerror=alert(1)> Ana"  # formgrader's templates show it escaped
    assert text_problem("Zoë Ō'Brien-Łukasz 山田") is None
    assert {login_key(x) for x in ("ana", "Ana", "\uff41\uff4e\uff41", "ANA")} == {"ana"}
    for ok in ("ana", "ana.lee", "a_1", "ana@school.org", "learner0001"):
        assert learner_id_problem(ok) is None, ok
    for bad in ("Ana", "\uff41\uff4e\uff41", "\u0430na", "<svg onload=alert(1)>", "an'a", 'a"b', "a b", "-ana",
                "ana\u2028", "ana\u202e", "jos\u00e9", "&lt;x&gt;"):
        assert learner_id_problem(bad), bad
