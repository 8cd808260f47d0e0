"""Bank records of every supported Moodle type, with every field away from its default somewhere."""

from __future__ import annotations

from coursekit.bank.record import BankAnswer, BankQuestion, BankSubquestion, BankUnit

CATEGORY = ["$course$", "top", "Corpus", "A/B section"]


def corpus() -> list[BankQuestion]:
    """Fresh records (tests may change them)."""
    return [
        BankQuestion(
            qtype="multichoice", name="Single: {braces} # = ~ : and \\ backslash", idnumber="mc-1",
            text="<p>Pick <b>one</b> &amp; only one:\nnew line {not an answer}</p>", category=list(CATEGORY),
            tags=["alpha", "two words"], default_grade=2.0, penalty=0.5,
            general_feedback="<p>General</p>", correct_feedback="<p>Right</p>",
            partially_correct_feedback="<p>Part</p>", incorrect_feedback="<p>Wrong</p>",
            hints=["<p>Hint 1</p>", "<p>Hint 2</p>"], shuffle_answers=False, answer_numbering="ABCD",
            answers=[BankAnswer("<p>Yes = right</p>", 100.0, "<p>Well done</p>", id="yes"),
                     BankAnswer("<p>No ~ wrong</p>", 0.0, "<p>Not so</p>", id="no"),
                     BankAnswer("<p>Half</p>", 50.0)],
        ),
        BankQuestion(
            qtype="multichoice", name="Several", text="Tick all that apply.", text_format="moodle_auto_format",
            category=list(CATEGORY), single=False, penalty=0.3333333,
            answers=[BankAnswer("a", 50.0, "yes", "moodle_auto_format", "moodle_auto_format"),
                     BankAnswer("b", 50.0, "", "plain_text", "moodle_auto_format"),
                     BankAnswer("c", -33.33333, "[not a marker]", "moodle_auto_format", "html"),
                     BankAnswer("d", -100.0, "", "moodle_auto_format", "moodle_auto_format")],
        ),
        BankQuestion(
            qtype="truefalse", name="TF true", text="The sky is blue.", text_format="moodle_auto_format",
            category=list(CATEGORY), penalty=1.0, general_feedback="Mostly.",
            general_feedback_format="moodle_auto_format",
            answers=[BankAnswer("true", 100.0, "Right.", "moodle_auto_format", "moodle_auto_format"),
                     BankAnswer("false", 0.0, "Look up.", "moodle_auto_format", "moodle_auto_format")],
        ),
        BankQuestion(
            qtype="truefalse", name="TF false", text="<p>Water is dry.</p>", category=["$system$", "top"],
            penalty=1.0, answers=[BankAnswer("true", 0.0, "", "moodle_auto_format"),
                                  BankAnswer("false", 100.0, "<p>Indeed</p>", "moodle_auto_format")],
        ),
        BankQuestion(
            qtype="shortanswer", name="Short", text="Name the *protocol*.", text_format="markdown",
            category=["$system$", "top"], case_sensitive=True, idnumber="sa]1", tags=["t]ag"],
            answers=[BankAnswer("HTTP", 100.0, "Yes", "moodle_auto_format", "markdown"),
                     BankAnswer("http*", 50.0, "Case!", "moodle_auto_format", "markdown"),
                     BankAnswer("*", 0.0, "No", "moodle_auto_format", "markdown")],
        ),
        BankQuestion(
            qtype="numerical", name="Numerical", text="How many?", text_format="moodle_auto_format",
            category=["$system$", "top"], units=[BankUnit("m", 1.0), BankUnit("cm", 100.0)], unit_penalty=0.2,
            answers=[BankAnswer("3.5", 100.0, "Exact", "moodle_auto_format", "moodle_auto_format", 0.0),
                     BankAnswer("3.5", 50.0, "Close", "moodle_auto_format", "moodle_auto_format", 0.25),
                     BankAnswer("-2", 25.0, "", "moodle_auto_format", "moodle_auto_format", 1.0),
                     BankAnswer("*", 0.0, "Anything else", "moodle_auto_format", "moodle_auto_format", 0.0)],
        ),
        BankQuestion(
            qtype="matching", name="Match", text="<p>Match capitals.</p>", category=["$system$", "top"],
            default_grade=3.0, correct_feedback="<p>All right</p>", hints=["<p>Europe</p>"],
            subquestions=[BankSubquestion("<p>France</p>", "Paris", id="fr", answer_id="paris"),
                          BankSubquestion("<p>Italy</p>", "Rome"), BankSubquestion("", "Madrid")],
            choice_order=["Rome", "Madrid", "Paris"],
        ),
        BankQuestion(
            qtype="essay", name="Essay", text="Reflect on **your** week.", text_format="markdown",
            category=["$system$", "top"], default_grade=5.0, penalty=0.0, response_format="plain", min_words=30,
            general_feedback="Graded by hand.", general_feedback_format="markdown",
        ),
    ]
