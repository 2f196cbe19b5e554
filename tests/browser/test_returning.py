"""A learner who comes back: a new session, a restarted server, another learner, a download.

Each test starts its own JupyterLab servers (their own copies of ``lessons/``, homes and answers
folders) with the course's server extension switched on as the package installs it
(``jupyter-config/``, copied into the server's config folder).

(a) Answers and the essay outlive a session: answered on server A, restored on server B, which
    has a fresh home and answers folder but the same port (``localStorage`` belongs to an origin)
    and the same browser profile (a persistent Chromium profile, closed and reopened between).
(b) A returning student after a server restart sees "Run this cell (or Run All) to show the
    widget." instead of "Error displaying widget", and one widget cell runs on its own.
(c) Options are shown in an order per learner, stable across a reload.
(d) The portfolio download is a real ``<a download>`` that downloads a well-named file.

The figures (answers restored, essay characters, correct-option positions) are written to
``artifacts/returning.json``.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import secrets
import shutil
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import nbformat
import pytest
from playwright.sync_api import expect

from tests.browser.conftest import (
    ARTIFACTS,
    BIN,
    CHROMIUM,
    CHROMIUM_ARGS,
    LAB_SETTINGS,
    ROOT,
    RUN_TIMEOUT_MS,
    Server,
    _start,
    _stop,
    free_port,
    screenshot,
)
from tests.browser.jlab import (
    CURRENT_PANEL,
    collect_problems,
    describe,
    open_notebook,
    rendered_widgets,
    run_all,
    settle_widgets,
)

pytestmark = pytest.mark.browser

KEY = "pyongyang1963:v1:course"
NOTE = "Run this cell (or Run All) to show the widget."
WIDGET_MIME = "application/vnd.jupyter.widget-view+json"
EXTENSION_CONFIG = ROOT / "jupyter-config" / "jupyter_server_config.d" / "pyongyang1963.json"
TIMEOUT = 60_000


def _figures(name: str, value: object) -> None:
    """Add a figure to ``artifacts/returning.json`` (kept across runs of single tests)."""
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / "returning.json"
    try:
        figures = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        figures = {}
    figures[name] = value
    path.write_text(json.dumps(figures, indent=1, ensure_ascii=False), encoding="utf-8")


# ------------------------------------------------------------------ servers and browsers


def _home(base: Path) -> dict[str, str]:
    """A server's environment: its own home, Jupyter folders and answers folder."""
    base.mkdir(parents=True, exist_ok=True)
    env = dict(os.environ)
    env.update(
        HOME=str(base),
        JUPYTER_CONFIG_DIR=str(base / "config"),
        JUPYTER_DATA_DIR=str(base / "data"),
        JUPYTER_RUNTIME_DIR=str(base / "runtime"),
        IPYTHONDIR=str(base / "ipython"),
        JUPYTER_PLATFORM_DIRS="1",
        PYONGYANG1963_ANSWERS=str(base / "answers"),
        PATH=f"{BIN}{os.pathsep}{env.get('PATH', '')}",
    )
    for name in ("BINDER_LAUNCH_HOST", "BINDER_SERVICE_HOST", "JUPYTERHUB_USER"):
        env.pop(name, None)
    settings = base / "config" / "lab" / "user-settings"
    for name, value in LAB_SETTINGS.items():
        path = settings / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(value), encoding="utf-8")
    # The package installs this file into <prefix>/etc/jupyter; the test venv's editable install
    # may be of another checkout, so the test puts this checkout's copy where Jupyter reads it.
    conf = base / "config" / "jupyter_server_config.d"
    conf.mkdir(parents=True, exist_ok=True)
    shutil.copy(EXTENSION_CONFIG, conf / EXTENSION_CONFIG.name)
    return env


def _served(base: Path) -> Path:
    root = base / "course"
    shutil.copytree(ROOT / "lessons", root / "lessons", ignore=shutil.ignore_patterns(".*"))
    (root / "harness").mkdir()
    return root


@contextlib.contextmanager
def running_lab(root: Path, env: dict[str, str], port: int, log: Path) -> Iterator[Server]:
    token = secrets.token_hex(16)
    cmd = [
        str(BIN / "jupyter"),
        "lab",
        "--no-browser",
        "--allow-root",
        f"--IdentityProvider.token={token}",
        "--LabApp.expose_app_in_browser=True",
        "--ServerApp.ip=127.0.0.1",
        f"--port={port}",
        "--ServerApp.port_retries=0",  # the same origin, or fail
        f"--ServerApp.root_dir={root}",
    ]
    base = f"http://127.0.0.1:{port}"
    proc = _start(cmd, env, root, log, f"{base}/api/status?token={token}")
    try:
        yield Server(base, token, root, env, log)
    finally:
        _stop(proc)
    text = log.read_text(encoding="utf-8", errors="replace")
    assert "pyongyang1963: saved notebooks ask" in text, text[-3000:]  # the extension ran


@contextlib.contextmanager
def profile_page(browser, user_data: Path) -> Iterator[object]:
    """A page in a persistent Chromium profile (its localStorage survives closing it)."""
    context = browser.browser_type.launch_persistent_context(
        str(user_data),
        executable_path=CHROMIUM,
        args=CHROMIUM_ARGS,
        headless=True,
        viewport={"width": 1400, "height": 1000},
    )
    context.set_default_timeout(TIMEOUT)
    try:
        page = context.pages[0] if context.pages else context.new_page()
        yield page
    finally:
        context.close()


def _panel(page):
    return page.locator(CURRENT_PANEL)


def _records(folder: Path) -> list[dict]:
    path = folder / "answers.jsonl"
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]


def _key(record: dict) -> tuple:
    return record["qid"], record["saved_at"], json.dumps(record["response"], sort_keys=True)


def _save(page) -> None:
    page.evaluate("async () => { await window.jupyterapp.commands.execute('docmanager:save'); }")
    page.wait_for_function(
        "() => !window.jupyterapp.shell.currentWidget.context.model.dirty", timeout=TIMEOUT
    )


def _run_cell(page, index: int) -> None:
    """Run one cell (as a learner clicking into it and pressing Shift+Enter), wait for it."""
    page.evaluate(
        """async (i) => {
          const panel = window.jupyterapp.shell.currentWidget;
          panel.content.activeCellIndex = i;
          await window.jupyterapp.commands.execute('notebook:run-cell');
        }""",
        index,
    )
    page.wait_for_function(
        """(i) => {
          const w = window.jupyterapp.shell.currentWidget;
          const k = w.sessionContext.session && w.sessionContext.session.kernel;
          const cell = w.content.widgets[i];
          return k && k.status === 'idle' && cell.model.executionCount !== null
                 && !(cell.promptNode && cell.promptNode.textContent.includes('*'));
        }""",
        arg=index,
        timeout=RUN_TIMEOUT_MS,
        polling=250,
    )
    settle_widgets(page)


def _cell_index(root: Path, lesson: str, needle: str) -> int:
    nb = nbformat.read(root / "lessons" / lesson, as_version=4)
    return next(i for i, c in enumerate(nb.cells) if c.cell_type == "code" and needle in c.source)


# ------------------------------------------------------------------ (a) a new session


def _answer_lesson_5(page) -> int:
    """Answer a single choice, a multiple choice and a short answer; return how many."""
    qset = _panel(page).locator(".p63-qset")
    expect(qset).to_be_visible(timeout=TIMEOUT)
    radio = qset.locator(".p63-q").filter(has=page.get_by_role("radio")).first
    radio.get_by_role("radio").nth(1).check()
    radio.get_by_role("button", name="Check answer").click()
    boxes = qset.locator(".p63-q").filter(has=page.get_by_role("checkbox")).first
    boxes.get_by_role("checkbox").first.check()
    boxes.get_by_role("checkbox").nth(2).check()
    boxes.get_by_role("button", name="Check answer").click()
    text = qset.locator(".p63-q").filter(has=page.locator("textarea")).first
    text.locator("textarea").fill("Liu wants Kim on China's side; Kim keeps his own counsel.")
    text.get_by_role("button", name="Check answer").click()
    expect(
        qset.get_by_role("button", name="Try again").and_(page.locator(":enabled"))
    ).to_have_count(3, timeout=TIMEOUT)
    return 3


def test_answers_and_the_essay_come_back_in_a_new_session(browser, tmp_path):
    port = free_port()
    user_data = tmp_path / "chromium-profile"
    essay = (
        "Liu Shaoqi presses Kim Il Sung to stand with China against Soviet 'revisionism' "
        "(Minutes, turn 9); Kim answers with the memory of the war. 김일성 and 刘少奇 agree."
    )
    a = tmp_path / "server-a"
    env_a = _home(a)
    root_a = _served(a)
    with (
        running_lab(root_a, env_a, port, a / "lab.log") as lab_a,
        profile_page(browser, user_data) as page,
    ):
        open_notebook(page, lab_a, "lessons/05_capstone.ipynb")
        run_all(page)
        answered = _answer_lesson_5(page)
        name = _panel(page).get_by_label("Your name:").first
        name.fill("Mina Park")
        name.press("Enter")
        _panel(page).get_by_label("Essay", exact=True).fill(essay)
        page.wait_for_function(
            """([k, essay, n]) => {
              const t = window.localStorage.getItem(k);
              if (!t) return false;
              const c = JSON.parse(t);
              return c.records.length >= n && c.name === 'Mina Park'
                     && c.draft.essay && c.draft.essay.value === essay;
            }""",
            arg=[KEY, essay, answered],
            timeout=TIMEOUT,
            polling=250,
        )
        screenshot(page, "returning-a-server-a")
    answers_a = Path(env_a["PYONGYANG1963_ANSWERS"])
    records_a = _records(answers_a)
    profile_a = json.loads((answers_a / "learner.json").read_text(encoding="utf-8"))
    assert len({r["qid"] for r in records_a}) == answered

    # Server A is gone. Server B: a fresh home, course copy and answers folder; same port.
    b = tmp_path / "server-b"
    env_b = _home(b)
    root_b = _served(b)
    answers_b = Path(env_b["PYONGYANG1963_ANSWERS"])
    assert not answers_b.exists()
    with (
        running_lab(root_b, env_b, port, b / "lab.log") as lab_b,
        profile_page(browser, user_data) as page,
    ):
        open_notebook(page, lab_b, "lessons/05_capstone.ipynb")
        run_all(page)
        notice = _panel(page).locator(".p63-capstone .p63-mirror-panel")
        expect(notice).to_contain_text("Restored", timeout=TIMEOUT)
        expect(notice).to_be_visible()
        said = notice.inner_text()
        assert f"Restored {answered} answers (and your essay draft) from this browser" in said
        assert "Mina Park" in said
        forget = notice.get_by_role("button", name="Forget this browser's copy")
        expect(forget).to_be_visible()
        # The capstone shows the essay at once; the name boxes show the name.
        essay_box = _panel(page).get_by_label("Essay", exact=True)
        expect(essay_box).to_have_value(essay, timeout=TIMEOUT)
        expect(_panel(page).get_by_label("Your name:").first).to_have_value("Mina Park")
        notice.scroll_into_view_if_needed()
        screenshot(page, "returning-a-server-b")

        records_b = _records(answers_b)
        assert sorted(map(_key, records_b)) == sorted(map(_key, records_a))
        draft = json.loads((answers_b / "capstone_draft.json").read_text(encoding="utf-8"))
        assert draft["fields"]["essay"]["value"] == essay
        profile_b = json.loads((answers_b / "learner.json").read_text(encoding="utf-8"))
        assert profile_b == profile_a  # the learner keeps their id, and their name

        # The question set, built before the restore, asks to be run again; run again, it
        # shows the answers (locked, "Try again" on) and has nothing more to say.
        qset = _panel(page).locator(".p63-qset")
        expect(qset.locator(".p63-mirror-panel")).to_contain_text("Run this cell again")
        _run_cell(page, _cell_index(root_b, "05_capstone.ipynb", "question_set("))
        expect(qset.locator(".p63-mirror-panel")).to_be_hidden()
        expect(
            qset.get_by_role("button", name="Try again").and_(page.locator(":enabled"))
        ).to_have_count(answered, timeout=TIMEOUT)
        problems = collect_problems(page).problems
        assert problems == [], describe(collect_problems(page))

        forget.click()
        expect(notice).to_contain_text("Deleted this browser's copy", timeout=TIMEOUT)
        page.wait_for_function("k => window.localStorage.getItem(k) === null", arg=KEY)
    _figures(
        "a_restore",
        {
            "answered_on_server_a": answered,
            "answers_restored_on_server_b": len({r["qid"] for r in records_b}),
            "records_on_a": len(records_a),
            "records_restored": len(records_b),
            "essay_chars_typed": len(essay),
            "essay_chars_restored": len(draft["fields"]["essay"]["value"]),
            "learner_id_kept": profile_b["learner_id"] == profile_a["learner_id"],
        },
    )


# ------------------------------------------------------------------ (b) after a restart


def test_a_returning_student_is_asked_to_run_the_cell(browser, tmp_path):
    port = free_port()
    base = tmp_path / "server"
    env = _home(base)
    root = _served(base)
    lesson = "01_document_as_source.ipynb"
    with (
        running_lab(root, env, port, base / "lab-1.log") as lab,
        profile_page(browser, tmp_path / "profile") as page,
    ):
        open_notebook(page, lab, f"lessons/{lesson}")
        run_all(page)
        first = collect_problems(page)
        assert first.problems == [], describe(first)
        widgets = first.widget_count()
        assert widgets >= 5
        live = rendered_widgets(page)
        _save(page)
        # Only the file changes: the page still shows the live widgets, and no note.
        settle_widgets(page)
        assert rendered_widgets(page) == live
        expect(_panel(page).locator(".jp-OutputArea-output", has_text=NOTE)).to_have_count(0)
    on_disk = (root / "lessons" / lesson).read_text(encoding="utf-8")
    assert WIDGET_MIME not in on_disk
    assert on_disk.count(NOTE) == 2 * widgets  # text/html and text/plain of each

    # The server (and so every kernel) restarts; the learner reopens the lesson.
    with (
        running_lab(root, env, port, base / "lab-2.log") as lab,
        profile_page(browser, tmp_path / "profile") as page,
    ):
        open_notebook(page, lab, f"lessons/{lesson}")
        settle_widgets(page)
        outputs = _panel(page).locator(".jp-OutputArea-output")
        expect(outputs.filter(has_text=NOTE)).to_have_count(widgets, timeout=TIMEOUT)
        assert _panel(page).get_by_text("Error displaying widget").count() == 0
        assert collect_problems(page).problems == []
        screenshot(page, "returning-b-reopened")
        # One widget cell run on its own works: its imports are in the cell.
        index = _cell_index(root, lesson, "question_set(")
        _run_cell(page, index)
        report = collect_problems(page)
        assert report.problems == [], describe(report)
        cell = report.cells[[c["index"] for c in report.cells].index(index)]
        assert any(WIDGET_MIME in o.get("data", {}) for o in cell["outputs"])
        expect(_panel(page).locator(".p63-qset")).to_be_visible(timeout=TIMEOUT)
        expect(outputs.filter(has_text=NOTE)).to_have_count(widgets - 1)
    _figures("b_returning", {"widget_outputs": widgets, "notes_after_restart": widgets})


# ------------------------------------------------------------------ (c) shuffled options


def _write(folder: Path, name: str, source: str) -> str:
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    nb.cells = [nbformat.v4.new_code_cell(source)]
    nbformat.write(nb, folder / name)
    return f"{folder.name}/{name}"


def _shown_orders(page) -> list[list[str]]:
    """The radio labels of each single-choice question, in the order shown."""
    qset = _panel(page).locator(".p63-qset")
    expect(qset).to_be_visible(timeout=TIMEOUT)
    shown = page.evaluate(
        """(sel) => [...document.querySelector(sel).querySelectorAll('.p63-qset .p63-q')]
            .map(q => [...q.querySelectorAll('input[type=radio]')]
                 .map(r => (r.closest('label') || r.parentElement).innerText))""",
        CURRENT_PANEL,
    )
    return [[" ".join(label.split()) for label in q] for q in shown]


def test_two_learners_see_their_own_stable_order(browser, tmp_path):
    from course_lib.questions import load_bank, option_label

    bank = load_bank()
    port = free_port()
    base = tmp_path / "server"
    env = _home(base)
    root = _served(base)
    learners = ["mina", "jun", "ines"]
    paths = {
        who: _write(
            root / "harness",
            f"questions_{who}.ipynb",
            "from course_lib.widgets import question_set\n\n"
            f"question_set(lesson=1, folder={str(base / ('answers-' + who))!r})",
        )
        for who in learners
    }
    shown: dict[str, list[list[str]]] = {}
    with (
        running_lab(root, env, port, base / "lab.log") as lab,
        profile_page(browser, tmp_path / "profile") as page,
    ):
        for who in learners:
            open_notebook(page, lab, paths[who])
            run_all(page)
            shown[who] = _shown_orders(page)
        # The same learner after a reload (the page loaded again, the cell run again).
        open_notebook(page, lab, paths["mina"])
        run_all(page)
        again = _shown_orders(page)
    questions = bank.for_lesson(1)
    single = [i for i, q in enumerate(questions) if q["type"] == "single_choice"]
    assert single
    assert all(len(shown["mina"][i]) == 4 for i in single)
    assert again == shown["mina"]
    assert any(shown["mina"][i] != shown["jun"][i] for i in single)
    positions: dict[str, dict[str, int]] = {}
    for who in learners:
        positions[who] = {}
        for i in single:
            q = questions[i]
            labels = {" ".join(option_label(q, o).split()): o for o in q["options"]}
            assert set(shown[who][i]) == set(labels), (who, q["id"])
            correct = next(n for n, t in enumerate(shown[who][i], 1) if labels[t]["correct"])
            positions[who][q["id"]] = correct
    _figures("c_correct_option_positions_lesson_1", positions)


# ------------------------------------------------------------------ (d) the download


def test_the_portfolio_download_downloads_a_named_file(browser, tmp_path):
    port = free_port()
    base = tmp_path / "server"
    env = _home(base)
    root = _served(base)
    with (
        running_lab(root, env, port, base / "lab.log") as lab,
        profile_page(browser, tmp_path / "profile") as page,
    ):
        open_notebook(page, lab, "lessons/01_document_as_source.ipynb")
        run_all(page)
        qset = _panel(page).locator(".p63-qset")
        expect(qset).to_be_visible(timeout=TIMEOUT)
        name = qset.get_by_label("Your name:")
        name.fill("Mina Park")
        name.press("Enter")
        question = qset.locator(".p63-q").filter(has=page.get_by_role("radio")).first
        question.get_by_role("radio").first.check()
        question.get_by_role("button", name="Check answer").click()
        link = qset.get_by_role("link", name=re.compile(r"lesson 01's portfolio", re.I))
        expect(link).to_have_attribute("download", re.compile(r"^Mina-Park_"), timeout=TIMEOUT)
        assert link.evaluate("a => a.tagName") == "A"
        expect(link).to_have_accessible_name(
            re.compile(r"lesson 01's portfolio .*downloads the file Mina-Park_lesson-01_", re.I)
        )
        with page.expect_download() as info:
            link.click()
        download = info.value
        filename = download.suggested_filename
        today = date.today().isoformat()
        assert filename == f"Mina-Park_lesson-01_{today}_portfolio.html", filename
        saved = tmp_path / filename
        download.save_as(saved)
        html = saved.read_text(encoding="utf-8")
        assert "Mina Park" in html
        assert "L01" in html
    _figures("d_download", {"file": filename, "bytes": len(html.encode("utf-8"))})
