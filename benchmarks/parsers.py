"""Question bank parsers on pathological input: time grows in proportion to the input, not faster.

Each row times one input at size n and at 4n, in the same run (alternately,
medians of R repeats, in CPU time of this process), and prints the time ratio next to the target: 4x the
input in at most 5x the time (linear, with room for noise).
Before this, the first row took minutes at 40,000 marks and a 500-option
question took 91 s to import.

* ``gift // [tag:``: a GIFT comment line of ``// [tag:`` repeated, no ``]``
  (read_gift);
* ``import options``: one GIFT multiple-choice question with many options,
  through ``coursekit import`` (read, sanitise, convert, positional check,
  quiz.yml written and loaded), at 25 and 100 options (the limit);
* ``positional check``: the check alone (what ``coursekit release`` runs on
  a hand-written quiz.yml, where the import's limit does not apply) on one
  multiple-choice question with option fractions, at 125 and 500 options.
  It scores every rule, and there are rules for each option position, so its
  target is quadratic: at most 20x (4 squared is 16);
* ``moodle xml``: a Moodle XML bank of long questions, read with the size
  and question limits (read_bank), at a quarter of the size limit and just
  under it;
* ``moodle xml images``: one question whose text refers to some of its
  n ``<file>`` images, the text growing with n (each image embedded as a
  ``data:`` URI in one pass over the text);
* ``sanitise refuses``: ``coursekit.bank.sanitise.sanitise_html`` on ``<div>``
  nested n deep, refused after one linear scan (nh3's work grows with the
  square of the depth: 200,000 deep took 120 s before);
* ``sanitise deep blocks``: n blocks each nested as deep as allowed, sanitised.

Exit code 1 when a row misses its target.

    python benchmarks/parsers.py [--repeats 3]
"""

from __future__ import annotations

import argparse
import gc
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from coursekit.authoring.interchange import import_bank, read_bank  # noqa: E402
from coursekit.authoring.positional import positional_findings  # noqa: E402
from coursekit.bank.gift import read_gift  # noqa: E402
from coursekit.bank.limits import MAX_BANK_BYTES, MAX_OPTIONS  # noqa: E402
from coursekit.bank.moodle_xml import read_moodle_xml  # noqa: E402
from coursekit.bank.sanitise import MAX_NESTING, UnsafeTextError, sanitise_html  # noqa: E402
from coursekit.quiz.spec import answer_key, parse_quiz, public_spec  # noqa: E402

TARGET = 5.0
"""Most time 4x the input may take, as a multiple of the time at 1x."""


def timed(work: Callable[[], object]) -> float:
    """CPU seconds of one run: on a shared machine, the time other processes take the core is not counted."""
    gc.collect()  # the garbage of the previous run is not this one's
    started = time.process_time()
    work()
    return time.process_time() - started


def gift_tags(n: int) -> Callable[[], object]:
    text = "// [tag:" * n + "\n::Q::Which?{=right ~wrong}\n"
    return lambda: read_gift(text, "tags.gift")


def import_options(n: int, folder: Path) -> Callable[[], object]:
    bank = folder / f"options{n}.gift"
    answers = " ".join(("=" if k == 0 else "~") + f"option number {k}" for k in range(n))
    bank.write_text(f"::Wide::Which of these {n} options is right?{{{answers}}}\n", encoding="utf-8")
    runs = iter(range(10**6))

    def work() -> object:
        course = folder / f"course{n}-{next(runs)}"
        course.mkdir()
        (course / "course.yml").write_text("title: Benchmark\nsections:\n", encoding="utf-8")
        result = import_bank(course, bank, "wide")
        shutil.rmtree(course)
        return result
    return work


def moodle_xml(size: int, folder: Path) -> Callable[[], object]:
    """A bank of ``size`` bytes at most: questions with an 11 kB text and four answers with feedback."""
    text = "<p>" + "Quality assurance in vocational education and training. " * 200 + "</p>"
    question = (
        '<question type="multichoice">\n<name><text>Q{n}</text></name>\n'
        f'<questiontext format="html"><text><![CDATA[{text}]]></text></questiontext>\n'
        "<single>true</single>\n"
        + "".join(f'<answer fraction="{100 if k == 0 else 0}"><text>Answer {k}</text>'
                  f"<feedback><text>Feedback {k}</text></feedback></answer>\n" for k in range(4))
        + "</question>\n")
    head, tail = '<?xml version="1.0" encoding="UTF-8"?>\n<quiz>\n', "</quiz>\n"
    count = (size - len(head) - len(tail)) // (len(question) + 8)
    data = head + "".join(question.format(n=n) for n in range(count)) + tail
    path = folder / f"bank{size}.xml"
    path.write_text(data, encoding="utf-8")
    assert path.stat().st_size <= MAX_BANK_BYTES
    return lambda: read_bank(path, "moodle-xml")


def xml_images(n: int) -> Callable[[], object]:
    files = "".join(f'<file name="f{k}.png" path="/" encoding="base64">iVBORw0K</file>' for k in range(n))
    text = "<p>" + "x" * (125 * n) + "</p>" + "".join(f'<img src="@@PLUGINFILE@@/f{k}.png">' for k in range(0, n, 50))
    data = (f'<quiz><question type="truefalse"><name><text>Images</text></name><questiontext format="html">'
            f"<text><![CDATA[{text}]]></text>{files}</questiontext></question></quiz>").encode()
    return lambda: read_moodle_xml(data, "images.xml")


def positional(n: int) -> Callable[[], object]:
    options = [{"id": f"o{k}", "text": f"option {k}", "fraction": 50 if k < 2 else -10} for k in range(n)]
    spec = parse_quiz({"title": "Benchmark", "questions": [
        {"id": "wide", "type": "multiple_choice", "text": "Which?", "options": options, "answer": ["o0", "o1"]}]},
        require_source=False)
    public, key = public_spec(spec, "benchmark"), answer_key(spec)
    return lambda: positional_findings(public, key)


def nested_divs(n: int) -> Callable[[], object]:
    """``n`` nested ``<div>``: refused after one scan (nh3's own work grows with the square of the depth)."""
    html = "<div>" * n + "text" + "</div>" * n

    def refuse() -> None:
        try:
            sanitise_html(html)
        except UnsafeTextError:
            return
        raise AssertionError(f"{n} nested <div> were not refused")

    return refuse


def deep_blocks(n: int) -> Callable[[], object]:
    """``n`` blocks each nested as deep as allowed: sanitised, in time linear in ``n``."""
    block = "<div>" * MAX_NESTING + "text" + "</div>" * MAX_NESTING
    html = block * n
    return lambda: sanitise_html(html)


def row(name: str, small: int, large: int, unit: str, make: Callable[[int], Callable[[], object]],
        repeats: int, target: float = TARGET) -> bool:
    works = {small: make(small), large: make(large)}
    times: dict[int, list[float]] = {small: [], large: []}
    for _ in range(repeats):
        for size, work in works.items():
            times[size].append(timed(work))
    low, high = statistics.median(times[small]), statistics.median(times[large])
    ratio = high / low
    verdict = "PASS" if ratio <= target else "FAIL"
    print(f"{name:22} {small:>10,} {unit:7} {low * 1000:9.1f} ms   {large:>10,} {unit:7} {high * 1000:9.1f} ms   "
          f"ratio {ratio:5.2f}  (target <= {target:g})  {verdict}", flush=True)
    return ratio <= target


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    print(f"CPU time, medians of {args.repeats} repeats, n and 4n alternately in one run")
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        results = [
            row("gift // [tag:", 100_000, 400_000, "marks", gift_tags, args.repeats),
            row("import options", MAX_OPTIONS // 4, MAX_OPTIONS, "options",
                lambda n: import_options(n, folder), args.repeats),
            row("positional check", 125, 500, "options", positional, args.repeats, target=20.0),
            row("moodle xml", MAX_BANK_BYTES // 4 - 1024, MAX_BANK_BYTES - 1024, "bytes",
                lambda n: moodle_xml(n, folder), args.repeats),
            row("moodle xml images", 2_000, 8_000, "files", xml_images, args.repeats),
            row("sanitise refuses", 200_000, 800_000, "deep", nested_divs, args.repeats),
            row("sanitise deep blocks", 50, 200, "blocks", deep_blocks, args.repeats),
        ]
    return 0 if all(results) else 1


if __name__ == "__main__":
    sys.exit(main())
