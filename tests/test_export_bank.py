"""The question bank exported for LMSs, each format checked by an independent parser.

* GIFT: ``gift-pegjs`` (npm; the PEG grammar of Moodle's GIFT format), installed from
  ``tests/node/package-lock.json`` into ``tests/node/node_modules`` by :func:`gift_parser`.
  The Python GIFT parsers on PyPI (``pygiftparser``, ``pygiftparserrgmf``) cannot read general
  feedback (``####``), which Moodle's format has and our export uses, so they are not used.
* QTI 1.2: no registry package ships the IMS QTI 1.2 DTD or XSD, so the package is parsed by
  lxml (well-formed, namespaced), checked against the QTI 1.2 ASI content model for the elements
  we write (our own structural check, below), and read back by ``qti2latex`` (PyPI), a reader of
  Canvas QTI 1.2 packages written by others: its question types, stems and choices must match.
* jupyterquiz: jupyterquiz's own JavaScript (the pip package) renders the JSON in Chromium, and
  every item is checked against jupyterquiz's published JSON schemas for multiple/many choice
  questions (``schema/mc_schema.json`` in the jupyterquiz repository, restated below).
"""

from __future__ import annotations

import html
import io
import json
import os
import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from course_lib.export_bank import (
    FORMATS,
    QTI_NS,
    export_bank,
    main,
    to_gift,
    to_jupyterquiz,
    to_qti,
)
from course_lib.questions import QuestionBank, load_bank

ROOT = Path(__file__).resolve().parents[1]
NODE_DIR = ROOT / "tests" / "node"
HOSTILE_TEXT = (
    "A ~tilde =equals #hash {braces} colon: back\\slash <script>alert(1)</script> & $5 [a](b)"
)


@pytest.fixture(scope="module")
def bank():
    return load_bank()


@pytest.fixture(scope="module")
def hostile_bank(bank):
    """Three real questions whose every text is made of GIFT, XML and HTML special characters."""
    out = []
    for qid in ("L01-01", "L01-03", "L01-09"):
        q = json.loads(json.dumps(bank.get(qid)))
        q["prompt"] = HOSTILE_TEXT + "\nsecond line"
        q["explanation"] = "Why: " + HOSTILE_TEXT
        for i, o in enumerate(q.get("options", [])):
            o["text"] = f"{i} {HOSTILE_TEXT}"
            o["feedback"] = f"fb {i}: {HOSTILE_TEXT}"
        out.append(q)
    return QuestionBank(questions=tuple(out))


def _expected_options(q):
    return [
        f"Turn {o['turn']}: {o['text']}" if q["type"] == "evidence" else o["text"]
        for o in q["options"]
    ]


def _prompt(q):
    claim = q.get("claim")
    return q["prompt"] + (f"\n\nClaim: {claim}" if claim and claim not in q["prompt"] else "")


# ------------------------------------------------------------------ what each format carries


@pytest.mark.parametrize("fmt", list(FORMATS))
def test_every_question_carried_or_listed(bank, fmt):
    export = export_bank(fmt, bank)
    skipped = {s.qid for s in export.skipped}
    assert sorted(export.carried + list(skipped)) == sorted(bank.ids)
    assert not set(export.carried) & skipped
    ordering = {q["id"] for q in bank if q["type"] == "ordering"}
    short = {q["id"] for q in bank if q["type"] == "short_answer"}
    assert skipped == (ordering | short if fmt == "jupyterquiz" else ordering)
    report = export.report()
    for s in export.skipped:
        assert s.qid in report
        assert s.reason
    assert f"{len(export.carried)} questions carried, {len(skipped)} not" in report


def test_exports_are_reproducible(bank):
    for fmt in FORMATS:
        assert export_bank(fmt, bank).data == export_bank(fmt, bank).data


def test_unknown_format_is_a_clear_error(bank):
    with pytest.raises(ValueError, match="unknown format 'csv'"):
        export_bank("csv", bank)


def test_command_line_writes_owner_only_and_lists_what_is_left_out(tmp_path, capsys):
    target = tmp_path / "out" / "bank.gift.txt"
    assert main(["--format", "gift", "--out", str(target)]) == 0
    out = capsys.readouterr().out
    assert "Not carried:" in out
    assert "L01-08 (ordering)" in out
    assert str(target) in out
    assert oct(target.stat().st_mode & 0o777) == "0o600"
    assert main(["--format", "jupyterquiz", "--out", "-"]) == 0
    captured = capsys.readouterr()
    assert json.loads(captured.out)[0]["type"] == "multiple_choice"
    assert "L01-09 (short answer)" in captured.err
    assert main(["--format", "qti", "--out", "-"]) == 2
    assert "zip" in capsys.readouterr().err


def test_module_runs_as_a_script(tmp_path):
    proc = subprocess.run(
        [sys.executable, "-m", "course_lib.export_bank", "--format", "qti"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    assert proc.returncode == 0, proc.stderr
    assert zipfile.is_zipfile(tmp_path / FORMATS["qti"])
    assert "Not carried:" in proc.stdout


# ------------------------------------------------------------------ GIFT, read by gift-pegjs


@pytest.fixture(scope="session")
def gift_parser():
    """``node parse_gift.js``, with gift-pegjs installed by ``npm ci`` on first use."""
    node, npm = shutil.which("node"), shutil.which("npm")
    if node is None or npm is None:
        pytest.skip("Node.js and npm are needed for the independent GIFT parser (gift-pegjs)")
    if not (NODE_DIR / "node_modules" / "gift-pegjs").is_dir():
        proc = subprocess.run(
            [npm, "ci", "--no-audit", "--no-fund", "--silent"],
            cwd=NODE_DIR,
            capture_output=True,
            text=True,
            check=False,
            timeout=300,
        )
        assert proc.returncode == 0, f"npm ci in tests/node failed:\n{proc.stderr}"

    def parse(text: str, tmp: Path) -> list[dict]:
        path = tmp / "bank.gift.txt"
        path.write_text(text, encoding="utf-8")
        proc = subprocess.run(
            [node, str(NODE_DIR / "parse_gift.js"), str(path)],
            capture_output=True,
            text=True,
            check=False,
        )
        assert proc.returncode == 0, proc.stderr
        return json.loads(proc.stdout)

    return parse


def _check_gift(bank, parsed):
    questions = [p for p in parsed if p["type"] != "Category"]
    categories = [p["title"] for p in parsed if p["type"] == "Category"]
    carried = [q for q in bank if q["type"] != "ordering"]
    assert len(questions) == len(carried)
    for q, p in zip(carried, questions, strict=True):
        assert p["title"] == f"{q['id']} ({q['skill'].replace('_', ' ')})"
        assert p["stem"]["text"] == _prompt(q)
        if q["type"] == "short_answer":
            assert p["type"] == "Essay"
            assert q["model_answer"] in p["globalFeedback"]["text"]
            continue
        assert p["type"] == "MC"
        assert p["globalFeedback"]["text"] == q["explanation"]
        assert [c["text"]["text"] for c in p["choices"]] == _expected_options(q)
        assert [c["feedback"]["text"] for c in p["choices"]] == [
            o["feedback"] for o in q["options"]
        ]
        if q["type"] == "single_choice":
            assert [c["isCorrect"] for c in p["choices"]] == [o["correct"] for o in q["options"]]
        else:
            weights = [c["weight"] for c in p["choices"]]
            right = [w for w, o in zip(weights, q["options"], strict=True) if o["correct"]]
            wrong = [w for w, o in zip(weights, q["options"], strict=True) if not o["correct"]]
            assert sum(right) == pytest.approx(100, abs=1e-3)
            assert all(w < 0 for w in wrong)
            assert all(w > 0 for w in right)
            assert {abs(w) for w in weights} == {right[0]}  # a wrong pick costs a right one
    return categories


def test_gift_is_read_back_by_gift_pegjs(bank, gift_parser, tmp_path):
    categories = _check_gift(bank, gift_parser(to_gift(bank).data.decode(), tmp_path))
    lessons = sorted({q["lesson"] for q in bank})
    assert categories == [f"$course$/Pyongyang 1963/Lesson {n:02d}" for n in lessons]


def test_gift_escapes_every_special_character(hostile_bank, gift_parser, tmp_path):
    _check_gift(hostile_bank, gift_parser(to_gift(hostile_bank).data.decode(), tmp_path))


# ------------------------------------------------------------------ QTI 1.2


def _ns(tag: str) -> str:
    return f"{{{QTI_NS}}}{tag}"


def _local(el) -> str:
    return el.tag.split("}")[-1]


#: The QTI 1.2 ASI content model, for the elements the export writes: the children each may
#: have, in the order the specification requires (IMS QTI ASI XML Binding 1.2).
ORDER = {
    "questestinterop": ["qticomment", "objectbank", "assessment", "section", "item"],
    "assessment": ["qticomment", "duration", "qtimetadata", "objectives", "section"],
    "section": ["qticomment", "duration", "qtimetadata", "objectives", "item"],
    "item": ["qticomment", "duration", "itemmetadata", "presentation", "resprocessing", "itemfeedback"],
    "presentation": ["material", "response_lid", "response_str"],
    "resprocessing": ["outcomes", "respcondition"],
    "respcondition": ["conditionvar", "setvar", "displayfeedback"],
    "itemfeedback": ["flow_mat", "material"],
}  # fmt: skip


def _check_order(el, where=""):
    allowed = ORDER.get(_local(el))
    if allowed is not None:
        seen = [allowed.index(_local(c)) for c in el if _local(c) in allowed]
        unknown = [_local(c) for c in el if _local(c) not in allowed]
        assert not unknown, f"{where}/{_local(el)}: {unknown} not allowed here"
        assert seen == sorted(seen), f"{where}/{_local(el)}: children out of order"
    for child in el:
        _check_order(child, f"{where}/{_local(el)}")


def _qti_items(export):
    from lxml import etree

    files = export.files
    manifest = etree.fromstring(files["imsmanifest.xml"])
    hrefs = [f.get("href") for f in manifest.iter("{*}file")]
    assert len(hrefs) == 1
    assert hrefs[0] in files
    with zipfile.ZipFile(io.BytesIO(export.data)) as z:
        assert sorted(z.namelist()) == sorted(files)
        assert z.read(hrefs[0]) == files[hrefs[0]]
    root = etree.fromstring(files[hrefs[0]])  # raises on anything not well-formed
    assert root.tag == _ns("questestinterop")
    _check_order(root)
    return root, list(root.iter(_ns("item")))


def _check_qti(bank, export):
    root, items = _qti_items(export)
    carried = [q for q in bank if q["type"] != "ordering"]
    assert [i.get("ident") for i in items] == [q["id"] for q in carried]
    for q, item in zip(carried, items, strict=True):
        labels = [el.get("ident") for el in item.iter(_ns("response_label"))]
        feedback = {el.get("ident") for el in item.iter(_ns("itemfeedback"))}
        for link in item.iter(_ns("displayfeedback")):
            assert link.get("linkrefid") in feedback
        for ve in item.iter(_ns("varequal")):
            assert ve.text in labels
            assert ve.get("respident") == "response1"
        prompt = html.unescape(re.sub(r"<[^>]+>", "\n", item.find(f".//{_ns('mattext')}").text))
        assert " ".join(prompt.split()) == " ".join(_prompt(q).split())
        scoring = [c for c in item.iter(_ns("respcondition")) if c.get("continue") == "No"]
        assert len(scoring) == 1
        if q["type"] == "short_answer":
            assert item.find(f".//{_ns('response_str')}") is not None
            continue
        texts = [el.text for el in item.iter(_ns("mattext"))][1 : 1 + len(q["options"])]
        assert texts == _expected_options(q)
        right = {f"{q['id']}_{o['id']}" for o in q["options"] if o["correct"]}
        cond = scoring[0].find(_ns("conditionvar"))
        if q["type"] == "single_choice":
            assert {cond.find(_ns("varequal")).text} == right
        else:
            both = cond.find(_ns("and"))
            assert {ve.text for ve in both.findall(_ns("varequal"))} == right
            assert {ve.text for ve in both.iterfind(f"{_ns('not')}/{_ns('varequal')}")} == set(
                labels
            ) - right
        assert len(feedback) == len(q["options"]) + 1  # one per option and the general one
    return root, items


def test_qti_is_well_formed_and_follows_the_content_model(bank):
    _check_qti(bank, to_qti(bank))


def test_qti_escapes_markup(hostile_bank):
    export = to_qti(hostile_bank)
    _check_qti(hostile_bank, export)
    xml = next(v for k, v in export.files.items() if k != "imsmanifest.xml").decode()
    assert "<script>" not in xml
    assert "&amp;lt;script&amp;gt;" in xml


def test_qti_is_read_back_by_qti2latex(bank, tmp_path):
    """qti2latex (PyPI) reads Canvas QTI 1.2: its types, stems and choices must be ours.

    Its ``get_correct_idents`` counts every ``varequal``, including those that only show an
    option's feedback (Canvas's own exports have them too), so correctness is checked above.
    """
    import xml.etree.ElementTree as ET

    import qti2latex

    with zipfile.ZipFile(io.BytesIO(to_qti(bank).data)) as z:
        z.extractall(tmp_path)
    xmls = qti2latex.read_qti_dir(tmp_path)
    assert len(xmls) == 1
    items = qti2latex.findall_anyns(ET.parse(xmls[0]).getroot(), "item")
    carried = [q for q in bank if q["type"] != "ordering"]
    assert len(items) == len(carried)
    canvas = {
        "single_choice": "multiple_choice_question",
        "multiple_choice": "multiple_answers_question",
        "evidence": "multiple_answers_question",
        "short_answer": "essay_question",
    }
    for q, item in zip(carried, items, strict=True):
        meta = qti2latex.get_qti_metadata(item)
        assert qti2latex.guess_type(meta, item) == canvas[q["type"]]
        stem = html.unescape(re.sub(r"<[^>]+>", " ", qti2latex.get_item_stem(item)))
        assert " ".join(stem.split()) == " ".join(_prompt(q).split())
        choices = [text for _, text in qti2latex.get_choices(item)]
        assert choices == (_expected_options(q) if q.get("options") else [])


# ------------------------------------------------------------------ jupyterquiz

#: jupyterquiz's JSON schema for multiple and many choice questions (jmshea/jupyterquiz,
#: schema/mc_schema.json), restated: required type/question/answers; each answer requires
#: answer and correct; feedback a string.
JQ_MC_SCHEMA = {
    "type": "object",
    "required": ["type", "question", "answers"],
    "properties": {
        "question": {"type": "string"},
        "type": {"type": "string", "pattern": "multiple_choice|many_choice"},
        "answers": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["answer", "correct"],
                "properties": {
                    "answer": {"type": "string"},
                    "correct": {"type": "boolean"},
                    "feedback": {"type": "string"},
                    "answer_cols": {"type": "number"},
                },
            },
        },
        "code": {"type": "string"},
    },
}


def test_jupyterquiz_matches_its_schema(bank):
    import jsonschema

    items = json.loads(to_jupyterquiz(bank).data)
    for item in items:
        jsonschema.validate(item, JQ_MC_SCHEMA)
    carried = [q for q in bank if q["type"] not in ("ordering", "short_answer")]
    assert len(items) == len(carried)
    for q, item in zip(carried, items, strict=True):
        assert item["type"] == (
            "multiple_choice" if q["type"] == "single_choice" else "many_choice"
        )
        assert [a["correct"] for a in item["answers"]] == [o["correct"] for o in q["options"]]


def test_jupyterquiz_loads_the_file(bank, tmp_path, capsys):
    """jupyterquiz's own ``display_quiz`` accepts the exported file."""
    from jupyterquiz import display_quiz

    path = tmp_path / "bank.json"
    path.write_bytes(to_jupyterquiz(bank).data)
    display_quiz(str(path), shuffle_answers=False)
    assert "IPython.core.display.Javascript" in capsys.readouterr().out


def _jupyterquiz_page(path: Path) -> str:
    from jupyterquiz.dynamic.loader import load_questions_script
    from jupyterquiz.dynamic.renderer import build_script, build_styles, render_div

    prefix, static, url = load_questions_script(str(path), "p63quiz")
    div = render_div("p63quiz", False, False, False, 1_000_000, 600, 10, "left")
    script = build_script(prefix, static, url, "p63quiz", True)
    styles = build_styles("p63quiz", {})
    return (
        '<!DOCTYPE html><html><head><meta charset="utf-8"></head><body>'
        f"{div}</div>{styles}<script>{script}</script></body></html>"
    )


@pytest.mark.browser
@pytest.mark.parametrize("which", ["bank", "hostile_bank"])
def test_jupyterquiz_renders_it_in_a_browser(which, request, tmp_path, playwright_session):
    """jupyterquiz's JavaScript builds every question from the JSON, with our texts, and marks
    the right answer right; nothing in a text runs as markup."""
    from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS

    chosen = request.getfixturevalue(which)
    path = tmp_path / "bank.json"
    path.write_bytes(to_jupyterquiz(chosen).data)
    items = json.loads(path.read_bytes())
    carried = [q for q in chosen if q["type"] not in ("ordering", "short_answer")]
    errors: list[str] = []
    dialogs: list[str] = []
    # One Playwright per session (tests/conftest.py): a browser launched from it.
    browser = playwright_session.chromium.launch(
        executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True
    )
    try:
        page = browser.new_page()
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.on("console", lambda m: m.type == "error" and errors.append(m.text))
        page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
        page.route("**/*", lambda route: route.abort())  # no network
        page.set_content(_jupyterquiz_page(path))
        page.wait_for_selector(".Quiz")
        quizzes = page.locator(".Quiz")
        assert quizzes.count() == len(items)
        for i, q in enumerate(carried):
            quiz = quizzes.nth(i)
            text = quiz.locator("[id^=quizQn]").inner_text()
            assert " ".join(text.split()) == " ".join(f"{q['id']}: {_prompt(q)}".split())
            buttons = quiz.locator(".MCButton")
            assert buttons.count() == len(q["options"])
            shown = [" ".join(buttons.nth(j).inner_text().split()) for j in range(buttons.count())]
            assert shown == [" ".join(t.split()) for t in _expected_options(q)]
        first = next(i for i, q in enumerate(carried) if q["type"] == "single_choice")
        q = carried[first]
        right = next(j for j, o in enumerate(q["options"]) if o["correct"])
        quizzes.nth(first).locator(".MCButton").nth(right).click()
        feedback = quizzes.nth(first).locator(".Feedback")
        assert "correct" in (feedback.get_attribute("class") or "")
        assert " ".join(feedback.inner_text().split()) == " ".join(
            q["options"][right]["feedback"].split()
        )
    finally:
        browser.close()
    assert errors == []
    assert dialogs == []
