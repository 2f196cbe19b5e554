"""The course on a real JupyterHub, as the README tells an administrator to run it.

Three learners follow the README's nbgitpuller link, log in, run a lesson, answer questions and
export them; each learner's files are theirs alone (the operating system says so: another
learner's kernel gets ``PermissionError``); the instructor changes the course upstream and a
second pull brings the change while keeping every learner's answers and edits; the instructor's
``collect()`` over the three hand-ins keeps every row.
"""

from __future__ import annotations

import csv
import io
import json
import re
import shutil
import stat
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest

from tests.browser.jlab import KERNEL_READY, collect_problems, describe, run_all
from tests.hub.conftest import COURSE, HOME_MODES, ROOT, Hub, Upstream

pytestmark = [pytest.mark.slow, pytest.mark.browser]

LESSON = f"{COURSE}/lessons/00_start_here.ipynb"
#: What the instructor changes upstream between the two pulls.
UPSTREAM_HEADING = "## How to use these notebooks"
UPSTREAM_NOTE = "Updated by your instructor after the first class."
UPSTREAM_FILE = "lessons/instructor_note.md"

EXECUTE = """async (code) => {
  const k = window.jupyterapp.shell.currentWidget.sessionContext.session.kernel;
  const future = k.requestExecute({code, stop_on_error: true});
  const out = [];
  future.onIOPub = (msg) => {
    const t = msg.header.msg_type, c = msg.content;
    if (t === 'stream') out.push(c.text);
    if (t === 'execute_result') out.push(c.data['text/plain']);
    if (t === 'error') out.push('ERROR ' + c.ename + ': ' + c.evalue);
  };
  await future.done;
  return out.join('');
}"""

# The learner's own edits, made in the browser: a note of their own at the end of the lesson and,
# for one learner, a line the instructor will change too; saved through JupyterLab (which writes
# the file through the server's contents API).
EDIT_AND_SAVE = """async ([note, line, replacement]) => {
  const w = window.jupyterapp.shell.currentWidget;
  const model = w.content.model.sharedModel;
  model.insertCell(model.cells.length, {cell_type: 'markdown', source: note});
  if (replacement) {
    const cells = model.cells.filter((c) => c.getSource().includes(line));
    if (cells.length !== 1) return 'found ' + cells.length + ' cells with ' + line;
    cells[0].setSource(cells[0].getSource().replace(line, replacement));
  }
  await w.context.save();
  return w.context.path;
}"""
#: The learner who also edits the line the instructor changes (their version must win).
SAME_LINE = {"p63learner3": UPSTREAM_HEADING + " (my notes)"}

# In the learner's kernel: answer lesson 1's questions (choices differ by learner), save each
# checked answer in the store, export the CSV hand-in, and say where everything went.
ANSWER_AND_EXPORT = """
import json, os, sys
import course_lib
from course_lib.profile import load_profile
from course_lib.questions import check_answer, load_bank
from course_lib.store import AnswerStore, make_record

LEARNER, K = {learner!r}, {k}
bank = load_bank()
store = AnswerStore()
answered = []
for question in bank.for_lesson(1):
    ids = [o["id"] for o in question.get("options", [])]
    if question["type"] == "single_choice":
        response = ids[K % len(ids)]
    elif question["type"] == "multiple_choice":
        response = [ids[K % len(ids)]]
    elif question["type"] == "short_answer":
        response = f"{{LEARNER}}: the minutes were kept by the Chinese side."
    else:
        continue
    store.append(make_record(check_answer(question, response), question, learner=LEARNER))
    answered.append(question["id"])
path = store.export_csv(bank, learner=LEARNER)
print(json.dumps({{
    "export": str(path),
    "answers": str(store.path),
    "folder": str(store.folder),
    "answered": answered,
    "learner_id": load_profile(store.folder).learner_id,
    "uid": os.getuid(),
    "home": os.path.expanduser("~"),
    "course_lib": course_lib.__file__,
    "python": sys.executable,
}}))
"""

# In one learner's kernel: try to read other learners' files.
TRY_TO_READ = """
import json
seen = {{}}
for path in {paths!r}:
    try:
        with open(path, "rb") as fh:
            fh.read(1)
        seen[path] = "read"
    except OSError as exc:
        seen[path] = type(exc).__name__
print(json.dumps(seen))
"""


def hub_link(hub: Hub) -> str:
    """The README's nbgitpuller link, pointed at this hub and at the test's upstream."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    found = re.search(r"https://<your-hub>/hub/user-redirect/git-pull\?\S+", readme)
    assert found, "README has no nbgitpuller link for <your-hub>"
    query = {k: v[0] for k, v in parse_qs(urlsplit(found.group(0)).query).items()}
    assert query["repo"].rstrip("/").endswith("/" + COURSE), query["repo"]
    query["repo"] = hub.upstream_url  # git://127.0.0.1:<port>/pyongyang-1963
    return f"{hub.url}/hub/user-redirect/git-pull?{urlencode(query)}"


def hub_section() -> str:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    found = re.search(
        r"^### Running the course on a JupyterHub\n(.*?)(?=^#+ |\Z)", readme, re.M | re.S
    )
    assert found, "README has no section 'Running the course on a JupyterHub'"
    return found.group(1)


@contextmanager
def learner_page(browser, hub: Hub, learner: str) -> Iterator[object]:
    """A fresh browser (no cookies) for one learner; on failure, say what the page and hub show."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.set_default_timeout(120_000)
    page = context.new_page()
    try:
        yield page
    except Exception as exc:
        text = ""
        try:
            text = page.inner_text("body")[:1500]
        except Exception as inner:  # the page itself may be gone
            text = f"(no page text: {inner})"
        raise AssertionError(
            f"{learner} at {page.url}: {exc}\n--- page ---\n{text}\n--- hub log ---\n"
            f"{hub.log_tail()}"
        ) from exc
    finally:
        context.close()


def follow_link(page, hub: Hub, learner: str) -> None:
    """Click the README's link as a learner: log in (the first time), pull, open the lesson."""
    page.goto(hub_link(hub))
    if "/hub/login" in page.url:
        page.fill("input[name=username]", learner)
        page.fill("input[name=password]", "any password")
        page.click("#login_submit")
    # JupyterHub starts the learner's server on the way (spawn-pending), then nbgitpuller pulls.
    page.wait_for_url(re.compile(r"/lab/tree/"), timeout=240_000)
    assert page.url.split("?")[0].endswith(LESSON), page.url
    page.wait_for_function(KERNEL_READY, timeout=180_000, polling=250)


def execute(page, code: str) -> dict:
    """Run code in the open notebook's kernel (as the learner); its last line is JSON."""
    out = page.evaluate(EXECUTE, code)
    assert "ERROR" not in out, out
    return json.loads(out.strip().splitlines()[-1])


def owner_only(path: Path, uid: int) -> None:
    info = path.stat()
    assert info.st_uid == uid, f"{path} belongs to uid {info.st_uid}, not {uid}"
    assert stat.S_IMODE(info.st_mode) == 0o600, f"{path}: {oct(stat.S_IMODE(info.st_mode))}"


def change_upstream(work: Path) -> None:
    """The instructor's change: a line in a markdown cell of the lesson, and a new file."""
    notebook = work / "lessons" / "00_start_here.ipynb"
    text = notebook.read_text(encoding="utf-8")
    old = json.dumps(UPSTREAM_HEADING + "\n")
    assert text.count(old) == 1, f"lesson 00 no longer has the line {UPSTREAM_HEADING!r}"
    new = json.dumps(UPSTREAM_HEADING + "\n") + ",\n    " + json.dumps(UPSTREAM_NOTE + "\n")
    notebook.write_text(text.replace(old, new), encoding="utf-8")
    (work / UPSTREAM_FILE).write_text(f"# A note from your instructor\n\n{UPSTREAM_NOTE}\n")


def data_rows(path: Path) -> int:
    return len(list(csv.reader(io.StringIO(path.read_text(encoding="utf-8"))))) - 1


def test_three_learners_pull_run_answer_and_hand_in(hub, upstream: Upstream, browser, tmp_path):
    started = time.monotonic()
    done: dict[str, dict] = {}
    notes = {learner: f"My own note, by {learner}: Liu speaks first." for learner in hub.learners}

    # 1. Each learner follows the link, runs the lesson, answers, exports, edits the lesson.
    for k, learner in enumerate(hub.learners):
        with learner_page(browser, hub, learner) as page:
            follow_link(page, hub, learner)
            run_all(page)
            report = collect_problems(page)
            assert not report.problems, describe(report)
            done[learner] = execute(page, ANSWER_AND_EXPORT.format(learner=learner, k=k))
            edit = [notes[learner], UPSTREAM_HEADING, SAME_LINE.get(learner, "")]
            saved = page.evaluate(EDIT_AND_SAVE, edit)
            assert saved == LESSON, saved

    # Every learner's course, answers and hand-in live in their own home, owner-only.
    section = hub_section()
    for learner, info in done.items():
        home, uid = hub.home(learner), hub.uids[learner]
        assert info["uid"] == uid
        assert info["home"] == str(home)
        # The kernel runs the environment the administrator installed, with the course in it.
        assert info["python"].startswith(str(hub.env.prefix)), info["python"]
        assert info["course_lib"].startswith(str(hub.env.prefix)), info["course_lib"]
        lesson = home / LESSON
        assert lesson.stat().st_uid == uid
        assert notes[learner] in lesson.read_text(encoding="utf-8")
        answers, export = Path(info["answers"]), Path(info["export"])
        # Every file the course keeps for the learner is theirs alone, whatever their home's mode.
        kept = [p for p in Path(info["folder"]).rglob("*") if p.is_file()]
        assert {answers, export} <= set(kept)
        for path in kept:
            assert path.is_relative_to(home), path
            owner_only(path, uid)
        assert len(info["answered"]) >= 5, info["answered"]
        assert data_rows(export) == len(info["answered"])
        # The README says where the answers are, as a learner can find them.
        folder = Path(info["folder"])
        shown = (
            f"{folder.relative_to(home / COURSE).as_posix()}/"
            if folder.is_relative_to(home / COURSE)
            else f"~/{folder.relative_to(home).as_posix()}/"
        )
        assert shown in section, f"the README's hub section does not say answers go to {shown}"
    before = {
        learner: (Path(i["answers"]).read_bytes(), Path(i["export"]).read_bytes())
        for learner, i in done.items()
    }

    # 2. The instructor changes the course upstream; every learner pulls again with the link.
    upstream.commit(change_upstream, "Lesson 0: a note for the class")
    for learner in hub.learners:
        with learner_page(browser, hub, learner) as page:
            follow_link(page, hub, learner)
            # Another learner's answers cannot be read, even in a home others may enter (0755);
            # their copy of the course is as private as their home.
            expected = {}
            for other, info in done.items():
                if other != learner:
                    expected[info["answers"]] = expected[info["export"]] = "PermissionError"
                    private = HOME_MODES[other] & 0o005 == 0
                    expected[str(hub.home(other) / LESSON)] = (
                        "PermissionError" if private else "read"
                    )
            seen = execute(page, TRY_TO_READ.format(paths=sorted(expected)))
            assert seen == expected
        home = hub.home(learner)
        lesson = (home / LESSON).read_text(encoding="utf-8")
        assert notes[learner] in lesson, f"{learner}'s own note was lost by the pull"
        if learner in SAME_LINE:
            # Both changed the same lines: the learner's version wins (nbgitpuller's -Xours).
            assert SAME_LINE[learner] in lesson
            assert UPSTREAM_NOTE not in lesson
        else:
            assert UPSTREAM_NOTE in lesson, f"{learner}'s pull did not bring the upstream change"
        assert (home / COURSE / UPSTREAM_FILE).is_file()
        answers, export = Path(done[learner]["answers"]), Path(done[learner]["export"])
        assert (answers.read_bytes(), export.read_bytes()) == before[learner]
        owner_only(answers, hub.uids[learner])

    # 3. The instructor collects the hand-ins, downloaded into one class folder as from an LMS.
    from course_lib.instructor import collect

    handed_in = tmp_path / "class"
    for learner, info in done.items():
        (handed_in / learner).mkdir(parents=True)
        shutil.copy(info["export"], handed_in / learner / Path(info["export"]).name)
    rows = sum(data_rows(p) for p in handed_in.rglob("*.csv"))
    result = collect(handed_in)
    assert len(result.rows) == result.rows_handed_in == rows, result.summary()
    assert len(result.students) == len(hub.learners), result.summary()
    header = next(csv.reader(io.StringIO(Path(done[hub.learners[0]]["export"]).read_text())))
    if "learner_id" in header:
        ids = {info["learner_id"] for info in done.values()}
        assert len(ids) == len(hub.learners)
        assert set(result.students["learner_id"]) == ids, result.students
        id_note = "3 distinct learner ids"
    else:
        # Exports without a learner id: each file is one learner of its own, reported as such.
        files = sorted(p.relative_to(handed_in).as_posix() for p in handed_in.rglob("*.csv"))
        assert sorted(result.students["files"]) == files, result.students
        kinds = list(result.problems["kind"])
        assert kinds.count("anonymous") == len(hub.learners), result.problems
        id_note = "exports carry no learner_id yet: one anonymous learner per file"
    print(
        f"\nhub: {len(hub.learners)} learners simulated; {len(result.rows)} rows collected of "
        f"{rows} handed in; {id_note}; wall time {time.monotonic() - started:.0f} s"
    )
