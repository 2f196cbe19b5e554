"""The class dashboard: its tables on a small class with known answers, its charts, the notebook,
and the synthetic class it is demonstrated on."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import xml.etree.ElementTree as ET
from datetime import UTC, datetime
from pathlib import Path

import pandas as pd
import pytest

from course_lib.capstone import CapstoneState, Evidence
from course_lib.capstone_export import export
from course_lib.exports import export_name, records_to_csv
from course_lib.instructor import collect, dashboard_html
from course_lib.instructor.charts import OKABE_ITO, Bar, ChartRow, bar_chart
from course_lib.instructor.dashboard import (
    BANDS,
    capstone_table,
    cited_turns,
    distractors,
    handed_in,
    lesson_coverage,
    option_shares,
    question_stats,
    skill_bands,
    skill_progress,
)
from course_lib.instructor.synthetic import make_class
from course_lib.questions import load_bank
from tests.handins import current_records, legacy_csv

ROOT = Path(__file__).resolve().parents[1]
NOW = datetime(2026, 10, 1, tzinfo=UTC)
TURN9 = "As we arrived in [North] Korea today"


@pytest.fixture(scope="module")
def bank():
    return load_bank()


@pytest.fixture(scope="module")
def turns():
    from course_lib import load_turns

    return load_turns()


@pytest.fixture(scope="module")
def small_class(tmp_path_factory, bank):
    """Four students; three exported by today's writers, one from an older export."""
    root = tmp_path_factory.mktemp("class")
    right = next(o["id"] for o in bank.get("L01-01")["options"] if o["correct"])
    wrong = next(o["id"] for o in bank.get("L01-01")["options"] if not o["correct"])
    students = {
        "ann": ("a" * 32, "Ann", right, {"first_try_correct": True, "revealed": False}),
        "bo": ("b" * 32, "Bo", wrong, {"first_try_correct": False, "revealed": True}),
        "cy": ("c" * 32, "Cy", wrong, {"first_try_correct": False, "revealed": False}),
    }
    for folder, (learner_id, name, choice, extra) in students.items():
        records = current_records(bank, learner_id, name, {"L01-01": choice}, attempts=2, **extra)
        if folder == "ann":
            records += current_records(
                bank, learner_id, name, {"L01-09": "<script>alert(1)</script> my answer"}
            )
        (root / folder).mkdir()
        text = records_to_csv(records, bank, name, learner_id=learner_id)
        (root / folder / export_name("answers", "csv", name, learner_id)).write_text(text)
    (root / "di").mkdir()
    (root / "di" / "answers.csv").write_bytes(legacy_csv(bank, "", {"L01-01": right}))
    essay = (
        f"Liu says “{TURN9}” (Minutes, turn 9). He also says “we will break with Moscow "
        "tomorrow” (Minutes, turn 11)."
    )
    ann = CapstoneState(
        essay=essay,
        evidence=[Evidence(9, "Liu", TURN9), Evidence(11, "Liu", "words nobody said")],
        checks={"claim": True, "evidence": True},
        name="Ann",
    )
    export(ann, "html", root / "ann", when=datetime(2026, 9, 30, 12), learner_id="a" * 32)
    bo = CapstoneState(
        essay=f"“{TURN9}” (Minutes, turn 9)", evidence=[Evidence(9, "Liu", TURN9)], name="Bo"
    )
    export(bo, "md", root / "bo", when=datetime(2026, 9, 30, 12), learner_id="b" * 32)
    return collect(root, now=NOW)


def test_who_handed_in_what(small_class, bank):
    table = handed_in(small_class, bank).set_index("label")
    assert table.loc["Ann", "lesson_1"] == 2
    assert table.loc["Bo", "lesson_1"] == 1
    assert table.loc["di", "lesson_2"] == 0  # an export without a name: its folder
    assert bool(table.loc["Ann", "capstone"])
    assert not bool(table.loc["Cy", "capstone"])
    assert bool(table.loc["di", "anonymous"])
    coverage = lesson_coverage(handed_in(small_class, bank), bank).set_index("lesson")
    assert coverage.loc[1, ["all", "some", "none"]].tolist() == [0, 4, 0]
    assert coverage.loc[2, "none"] == 4


def test_question_stats_first_try_and_show_answer(small_class, bank):
    stats = question_stats(small_class.answers, bank).set_index("qid")
    row = stats.loc["L01-01"]
    assert row["answered"] == 4
    # first try known for the three current exports; unknown for the older one
    assert (row["first_try_known"], row["right_first_try"]) == (3, 1)
    assert row["share_first_try"] == pytest.approx(1 / 3)
    assert (row["revealed_known"], row["revealed"]) == (3, 1)
    assert row["share_right"] == pytest.approx(2 / 4)
    assert row["mean_attempts"] == pytest.approx(2.0)
    assert stats.loc["L05-06", "answered"] == 0
    assert pd.isna(stats.loc["L05-06", "share_right"])
    assert list(stats.index) == bank.ids


def test_option_shares_find_the_misleading_distractor(small_class, bank):
    shares = option_shares(small_class.answers, bank)
    q = shares[shares["qid"] == "L01-01"].set_index("option")
    wrong = next(o["id"] for o in bank.get("L01-01")["options"] if not o["correct"])
    assert q.loc[wrong, "chosen"] == 2
    assert q.loc[wrong, "share"] == pytest.approx(0.5)
    assert q["answered"].eq(4).all()
    top = distractors(shares)
    assert top.iloc[0][["qid", "option"]].tolist() == ["L01-01", wrong]
    assert set(shares["qid"]) == {x["id"] for x in bank if x["type"] != "short_answer"} - {
        x["id"] for x in bank if x["type"] == "ordering"
    }


def test_skill_progress_and_bands(small_class, bank):
    progress = skill_progress(small_class.answers, bank, small_class.students)
    assert len(progress) == 4 * len(small_class.students)
    ann = progress[(progress["label"] == "Ann")].set_index("skill")
    assert ann.loc["sourcing", "mean_score"] == 1.0
    assert ann.loc["sourcing", "marked"] == 1
    assert ann.loc["corroboration", "answered"] == 0
    bands = skill_bands(progress).set_index("skill")
    assert list(bands.columns) == [b for b, _ in BANDS]
    assert bands.loc["sourcing"].tolist() == [0, 0, 2, 0, 2]  # Bo and Cy under 50%
    assert bands.loc["corroboration", "not started"] == 4


def test_capstones_checked_against_the_minutes(small_class, turns):
    table = capstone_table(small_class.capstones, turns).set_index("label")
    ann = table.loc["Ann"]
    assert ann["cited_turns"] == [9, 11]
    assert (ann["quotes"], ann["quotes_ok"]) == (2, 1)
    assert (ann["evidence"], ann["evidence_ok"]) == (2, 1)
    assert any("turn 11" in p for p in ann["problems"])
    assert table.loc["Bo", "quotes_ok"] == 1
    cited = cited_turns(capstone_table(small_class.capstones, turns), turns)
    assert cited.iloc[0][["turn", "speaker", "students"]].tolist() == [9, "Liu", 2]
    assert cited.set_index("turn").loc[11, "students"] == 1


def test_dashboard_page_escapes_and_accounts_for_everyone(small_class, bank, turns):
    page = dashboard_html(small_class, bank, turns)
    assert "<script>alert(1)</script>" not in page
    assert "5 answer rows kept of 5 handed in (0 lost)" in page
    for heading in (
        "Who has handed in what",
        "Question by question",
        "Which distractor misleads",
        "Skills",
        "Capstone essays",
        "The turns students cite most",
    ):
        assert heading in page
    assert page.count("<figure") == 5
    assert page.count('<details class="p63-dash-alt">') >= 5
    assert "anonymous" in page  # the older export is reported


@pytest.mark.parametrize("content", ["nothing", "essay only", "not an export"])
def test_dashboard_of_a_class_with_no_answers(tmp_path, bank, turns, content):
    from course_lib.capstone_export import to_html

    if content == "essay only":
        (tmp_path / "zed.html").write_text(to_html(CapstoneState(essay="Hi.", name="Zed")))
    elif content == "not an export":
        (tmp_path / "grades.csv").write_text("name,grade\nZed,A\n")
    result = collect(tmp_path, now=NOW)
    page = dashboard_html(result, bank, turns)
    assert "0 answer rows kept of 0 handed in (0 lost)" in page
    assert page.count("<figure") == 5
    if content == "essay only":
        assert "Zed" in page
        assert "1 capstone essays" in page


# ------------------------------------------------------------------ charts


def _svg(fragment: str) -> ET.Element:
    return ET.fromstring(re.search(r"<svg.*?</svg>", fragment, re.S).group(0))


def test_bar_chart_is_accessible_and_themed():
    rows = [
        ChartRow("<script>x</script> & a very long label that goes on", [Bar(0.5, 0), Bar(1.2, 1)]),
        ChartRow("b", [Bar(float("nan"), 0), Bar(0.25, 1)], "25%"),
    ]
    html = bar_chart(
        "Shares",
        rows,
        series=[("one", OKABE_ITO["blue"]), ("two", OKABE_ITO["orange"])],
        header=["Label", "One", "Two"],
        table_rows=[["<script>x</script>", "50%", "120%"], ["b", "", "25%"]],
        description="Two series.",
    )
    assert "<script>" not in html
    assert "&lt;script&gt;" in html
    svg = _svg(html)
    ns = "{http://www.w3.org/2000/svg}"
    assert svg.get("role") == "img"
    ids = svg.get("aria-labelledby").split()
    assert all(f'id="{i}"' in html for i in ids)
    fills = {r.get("fill") for r in svg.iter(f"{ns}rect")}
    assert fills <= {OKABE_ITO["blue"], OKABE_ITO["orange"]}
    assert all(t.get("fill") is None for t in svg.iter(f"{ns}text"))  # text takes the theme's
    widths = [float(r.get("width")) for r in svg.iter(f"{ns}rect") if r.get("height") != "12"]
    assert max(widths) == pytest.approx(400)  # 120% is drawn at the end of the axis, no further
    assert 0.0 in widths  # NaN is drawn as nothing
    assert html.count("<tr>") == 3  # header and two rows: the text alternative


def test_stacked_count_chart_scales_to_the_total():
    html = bar_chart(
        "Counts",
        [ChartRow("x", [Bar(3, 0), Bar(1, 1)]), ChartRow("y", [Bar(4, 0), Bar(0, 1)])],
        series=[("a", OKABE_ITO["bluish_green"]), ("b", "#FFFFFF")],
        header=["", "a", "b"],
        table_rows=[["x", 3, 1], ["y", 4, 0]],
        description="d",
        share=False,
        stacked=True,
    )
    svg = _svg(html)
    ns = "{http://www.w3.org/2000/svg}"
    bars = [r for r in svg.iter(f"{ns}rect") if r.get("height") == "14"]
    assert float(bars[0].get("x")) + float(bars[0].get("width")) == pytest.approx(
        float(bars[1].get("x"))
    )
    assert sum(float(b.get("width")) for b in bars[:2]) == pytest.approx(400)


# ------------------------------------------------------------------ the synthetic class


def test_synthetic_class_is_seeded_and_collected_whole(tmp_path):
    a = make_class(tmp_path / "a", n=12, seed=7)
    b = make_class(tmp_path / "b", n=12, seed=7)
    assert a.files == b.files
    for name in a.files:
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes()
    result = collect(tmp_path / "a", now=NOW)
    assert len(result.rows) == result.rows_handed_in == a.rows
    assert len(result.students) == 12
    assert len(result.capstones) == a.capstones
    assert sorted(result.students["learner_id"]) == sorted(x["learner_id"] for x in a.learners)
    assert set(result.problems["kind"]) <= {"same_name"}
    # Written by the learner's own writers: today's columns, names, and essays that carry the id.
    from course_lib.exports import CSV_COLUMNS

    csvs = [f for f in a.files if f.endswith(".csv")]
    assert len(csvs) > 12  # some students hand in one file per lesson
    for name in csvs:
        header = (tmp_path / "a" / name).read_text(encoding="utf-8").splitlines()[0]
        assert header.split(",") == CSV_COLUMNS
        assert re.fullmatch(r"[^/]+/[^/_]+_(course|lesson-\d\d)_\d{4}-\d\d-\d\d_answers\.csv", name)
    caps = result.capstones
    assert (caps["learner_id"] == caps["student"]).all()
    assert caps["file"].str.contains(r"_lesson-05_\d{4}-\d\d-\d\d_essay\.(?:html|md)$").all()


def test_make_synthetic_class_script(tmp_path):
    proc = subprocess.run(
        [
            sys.executable,
            str(ROOT / "scripts" / "make_synthetic_class.py"),
            str(tmp_path),
            "--n",
            "3",
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    assert "Wrote 3 students' hand-ins" in proc.stdout
    assert len(list(tmp_path.glob("*/*_answers.csv"))) >= 3


# ------------------------------------------------------------------ the notebook


def test_notebook_is_thin_and_short():
    nb = json.loads((ROOT / "instructor" / "class_dashboard.ipynb").read_text(encoding="utf-8"))
    code = [c for c in nb["cells"] if c["cell_type"] == "code"]
    assert all(not c["outputs"] for c in code)
    assert sum(len("".join(c["source"]).splitlines()) for c in code) <= 25
    for c in nb["cells"]:
        if c["cell_type"] == "markdown":
            assert len("".join(c["source"]).split()) <= 200


def test_notebook_runs_on_a_synthetic_class(tmp_path):
    import nbformat
    from nbclient import NotebookClient

    nb = nbformat.read(ROOT / "instructor" / "class_dashboard.ipynb", as_version=4)
    nb.cells[1].source = 'FOLDER = ""\nN_SYNTHETIC = 8'
    NotebookClient(nb, timeout=120, resources={"metadata": {"path": str(tmp_path)}}).execute()
    html = "".join(
        o.get("data", {}).get("text/html", "") for c in nb.cells for o in c.get("outputs", [])
    )
    assert "synthetic class of 8 students" in html
    assert "The hand-ins at a glance" in html
    assert "(0 lost)" in html
    assert not [o for c in nb.cells for o in c.get("outputs", []) if o["output_type"] == "error"]


@pytest.mark.browser
def test_dashboard_reads_in_voila_without_code(tmp_path, playwright_session):
    """Voila runs the notebook and shows the dashboard at 800 px, no code, every chart there."""
    import os
    import shutil

    from tests.browser.conftest import BIN, CHROMIUM, CHROMIUM_ARGS, _start, _stop, free_port

    served = tmp_path / "served"
    served.mkdir()
    shutil.copy(ROOT / "instructor" / "class_dashboard.ipynb", served)
    env = dict(os.environ)
    for name in ("CONFIG", "DATA", "RUNTIME"):
        env[f"JUPYTER_{name}_DIR"] = str(tmp_path / name.lower())
    env.update(IPYTHONDIR=str(tmp_path / "ipython"), JUPYTER_PLATFORM_DIRS="1")
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
    port = free_port()
    cmd = [
        str(BIN / "voila"),
        "--no-browser",
        f"--port={port}",
        "--Voila.ip=127.0.0.1",
        str(served),
    ]
    base = f"http://127.0.0.1:{port}"
    proc = _start(cmd, env, served, tmp_path / "voila.log", f"{base}/")
    try:
        # One Playwright per session (tests/conftest.py): a browser launched from it.
        browser = playwright_session.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 800, "height": 1000})
            page.goto(f"{base}/voila/render/class_dashboard.ipynb", timeout=120_000)
            page.wait_for_selector("#p63-dash-summary", timeout=120_000)
            assert page.locator("figure.p63-dash-figure").count() == 5
            assert page.locator("text=make_class(").count() == 0  # no code shown
            assert "(0 lost)" in page.inner_text("#p63-dash-summary + p")
            width = page.evaluate("document.documentElement.scrollWidth")
            assert width <= 800  # nothing wider than the window
            page.locator("summary", has_text="The numbers as a table").first.click()
            assert page.locator("details[open] table").count() >= 2
        finally:
            browser.close()
    finally:
        _stop(proc)
