"""The learner page's data files beside the pages (coursekit.cohort.assets.write_learner_files), run by node."""

from __future__ import annotations

import json
import shutil
import subprocess

from coursekit.cohort.assets import write_learner_files

# what learner.js defines before a data file runs; prints what each file registered
RUN = """
const fs = require("fs"), vm = require("vm");
const seen = [];
const window = {coursekitLearnerFile: (number, chunk) => seen.push([number, chunk])};
for (const path of process.argv.slice(1)) vm.runInNewContext(fs.readFileSync(path, "utf8"), {window});
console.log(JSON.stringify(seen));
"""


def _registered(paths: list) -> list:
    node = shutil.which("node")
    assert node, "node is needed to run the data files (npm installs it; make test does)"
    done = subprocess.run([node, "-e", RUN, *map(str, paths)], capture_output=True, text=True, check=True)
    return json.loads(done.stdout)


def test_each_file_registers_its_learners_whatever_their_ids(tmp_path):
    chunks = [{"learners": ["__proto__", "</script><script>alert(1)</script>"], "sections": [[[0, "a\u2028b"]], []],
               "scores": [[1.0, None], []]},
              {"learners": ["naïve 🙂"], "sections": [[[0, "passed"]]], "scores": [[0.5]]}]
    prefix = write_learner_files(tmp_path, chunks)
    assert prefix == "data/learners-"
    files = sorted((tmp_path / "data").iterdir())
    assert [f.name for f in files] == ["learners-0000.js", "learners-0001.js"]
    assert "</script" not in files[0].read_text(encoding="utf-8")  # escaped, should it ever sit in a page
    assert _registered(files) == [[0, chunks[0]], [1, chunks[1]]]


def test_a_smaller_cohort_leaves_no_file_of_the_larger_one(tmp_path):
    one = {"learners": ["a"], "sections": [[]], "scores": [[]]}
    write_learner_files(tmp_path, [one, one, one])
    (tmp_path / "data" / "notes.txt").write_text("kept", encoding="utf-8")
    write_learner_files(tmp_path, [one])
    assert sorted(f.name for f in (tmp_path / "data").iterdir()) == ["learners-0000.js", "notes.txt"]


def test_no_learner_no_file(tmp_path):
    write_learner_files(tmp_path, [])
    assert list((tmp_path / "data").iterdir()) == []
