"""The question bank in an instructor's own LMS: QTI 1.2, Moodle GIFT and jupyterquiz JSON.

Run it from a checkout or an installed course::

    python -m course_lib.export_bank --format qti          # question_bank_qti.zip (Canvas, Blackboard)
    python -m course_lib.export_bank --format gift --out bank.gift.txt   # Moodle
    python -m course_lib.export_bank --format jupyterquiz --out -        # JSON on stdout

Each format carries what it can and the command prints (and the functions return) the list of
questions it cannot carry, with the reason:

=====================  ====================  ==================  =====================
question type          QTI 1.2 (Canvas)      Moodle GIFT         jupyterquiz
=====================  ====================  ==================  =====================
single choice          multiple choice       multiple choice     multiple_choice
multiple choice        multiple answers      multiple answers    many_choice
evidence (turns)       multiple answers      multiple answers    many_choice
ordering               **not carried**       **not carried**     **not carried**
short answer           essay                 essay               **not carried**
=====================  ====================  ==================  =====================

Per-option feedback is carried by all three (QTI as Canvas's answer comments, GIFT ``#``,
jupyterquiz ``feedback``); the explanation becomes general feedback in QTI and GIFT
(jupyterquiz has no place for it: noted per question). Multiple-answer questions score as the
course does: each right option adds, each wrong option takes away the same share, never below 0.
All functions but :func:`write_export` and :func:`main` are pure.
"""

from __future__ import annotations

import argparse
import io
import json
import sys
import xml.etree.ElementTree as ET
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from course_lib.questions import QuestionBank
from course_lib.templating import render_macro

__all__ = [
    "FORMATS",
    "BankExport",
    "Skipped",
    "export_bank",
    "main",
    "to_gift",
    "to_jupyterquiz",
    "to_qti",
    "write_export",
]

#: Formats and their default output file.
FORMATS = {
    "qti": "question_bank_qti.zip",
    "gift": "question_bank.gift.txt",
    "jupyterquiz": "question_bank.jupyterquiz.json",
}
QTI_NS = "http://www.imsglobal.org/xsd/ims_qtiasiv1p2"
QTI_XSD = "http://www.imsglobal.org/xsd/ims_qtiasiv1p2p1.xsd"
CP_NS = "http://www.imsglobal.org/xsd/imsccv1p1/imscp_v1p1"
XSI_NS = "http://www.w3.org/2001/XMLSchema-instance"
BANK_IDENT = "pyongyang1963_question_bank"
_ZIP_TIME = (1980, 1, 1, 0, 0, 0)  # fixed, so the same bank gives the same bytes


@dataclass(frozen=True)
class Skipped:
    """A question a format cannot carry (or carries only in part).

    Attributes
    ----------
    qid : str
    type : str
    reason : str
    """

    qid: str
    type: str
    reason: str


@dataclass
class BankExport:
    """One format's export.

    Attributes
    ----------
    format : str
    files : dict of str to bytes
        For ``qti`` the zip's members; otherwise one entry, the file's text as UTF-8.
    data : bytes
        What is written to disk (the zip for QTI).
    carried : list of str
        Question ids carried.
    skipped : list of Skipped
        Questions left out, each with its reason.
    notes : list of Skipped
        Questions carried with something missing (e.g. no general feedback).
    """

    format: str
    files: dict[str, bytes]
    data: bytes
    carried: list[str] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)
    notes: list[Skipped] = field(default_factory=list)

    def report(self) -> str:
        """The plain-text list of what was carried, left out and partly carried."""
        lines = [f"{self.format}: {len(self.carried)} questions carried, {len(self.skipped)} not."]
        if self.skipped:
            lines.append("Not carried:")
            lines += [f"  {s.qid} ({s.type.replace('_', ' ')}): {s.reason}" for s in self.skipped]
        if self.notes:
            lines.append("Carried in part:")
            lines += [f"  {s.qid} ({s.type.replace('_', ' ')}): {s.reason}" for s in self.notes]
        return "\n".join(lines)


def _prompt(q: dict[str, Any]) -> str:
    text: str = q["prompt"]  # the bank's schema makes it a string
    if q.get("claim") and q["claim"] not in text:
        text += f"\n\nClaim: {q['claim']}"
    return text


def _option_text(q: dict[str, Any], o: dict[str, Any]) -> str:
    if q["type"] == "evidence" and "turn" in o:
        return f"Turn {o['turn']}: {o['text']}"
    return str(o["text"])


def _general(q: dict[str, Any]) -> str:
    if q["type"] == "short_answer":
        rubric = "; ".join(f"{r['criterion']} ({r['points']} pt)" for r in q["rubric"])
        return f"Model answer: {q['model_answer']}\n\nRubric: {rubric}\n\n{q['explanation']}"
    return str(q["explanation"])


def _weight(n_right: int) -> str:
    """Moodle's grade for one of ``n_right`` right options (it accepts these five decimals)."""
    value = 100 / n_right
    text = f"{value:.5f}".rstrip("0").rstrip(".")
    return text


_ORDERING_REASON = (
    "{fmt} has no ordering question; a matching question (item to position) would ask "
    "something else, so it is left out. Set it as a discussion or use the course's widget."
)


# --------------------------------------------------------------------------------- GIFT


def _gift_escape(text: str) -> str:
    """Escape GIFT's special characters ``~ = # { } :`` and the backslash; newlines as ``\\n``."""
    out = text.replace("\\", "\\\\")
    for ch in "~=#{}:":
        out = out.replace(ch, "\\" + ch)
    return out.replace("\r\n", "\n").replace("\n", "\\n")


def to_gift(bank: QuestionBank) -> BankExport:
    """The bank as Moodle GIFT (pure).

    Parameters
    ----------
    bank : QuestionBank

    Returns
    -------
    BankExport
        One category per lesson; ordering questions are not carried.
    """
    out = [
        "// Pyongyang 1963: the course's question bank in Moodle's GIFT format.",
        "// Generated by `python -m course_lib.export_bank --format gift`; do not edit by hand.",
        "",
    ]
    export = BankExport("gift", {}, b"")
    lesson = None
    for q in bank:
        if q["type"] == "ordering":
            export.skipped.append(
                Skipped(q["id"], q["type"], _ORDERING_REASON.format(fmt="Moodle GIFT"))
            )
            continue
        if q["lesson"] != lesson:
            lesson = q["lesson"]
            out += [f"$CATEGORY: $course$/Pyongyang 1963/Lesson {lesson:02d}", ""]
        title = _gift_escape(f"{q['id']} ({q['skill'].replace('_', ' ')})")
        head = f"::{title}::{_gift_escape(_prompt(q))}"
        general = f"####{_gift_escape(_general(q))}"
        if q["type"] == "short_answer":
            out += [head + " {", f"\t{general}", "}", ""]
        elif q["type"] == "single_choice":
            lines = [head + " {"]
            for o in q["options"]:
                mark = "=" if o["correct"] else "~"
                lines.append(
                    f"\t{mark}{_gift_escape(_option_text(q, o))}#{_gift_escape(o['feedback'])}"
                )
            out += [*lines, f"\t{general}", "}", ""]
        else:  # multiple_choice, evidence
            n_right = sum(1 for o in q["options"] if o["correct"])
            w = _weight(n_right)
            lines = [head + " {"]
            for o in q["options"]:
                weight = f"%{w}%" if o["correct"] else f"%-{w}%"
                lines.append(
                    f"\t~{weight}{_gift_escape(_option_text(q, o))}#{_gift_escape(o['feedback'])}"
                )
            out += [*lines, f"\t{general}", "}", ""]
        export.carried.append(q["id"])
    text = "\n".join(out).rstrip("\n") + "\n"
    export.data = text.encode("utf-8")
    export.files = {FORMATS["gift"]: export.data}
    return export


# --------------------------------------------------------------------------- jupyterquiz


def _jq_text(text: str) -> str:
    """Text for jupyterquiz, which puts strings into the page as HTML and reads ``$`` as maths."""
    escaped = render_macro("export_paragraphs.html.j2", "inline", text)
    return escaped.replace("$", "&#36;").replace("](", "]&#40;")


def to_jupyterquiz(bank: QuestionBank) -> BankExport:
    """The bank as jupyterquiz JSON (pure): a list of questions for ``display_quiz``.

    Parameters
    ----------
    bank : QuestionBank

    Returns
    -------
    BankExport
        Short answers and ordering questions are not carried; the explanation of each question
        is noted as not carried (jupyterquiz has per-option feedback only).
    """
    export = BankExport("jupyterquiz", {}, b"")
    items = []
    for q in bank:
        if q["type"] == "ordering":
            export.skipped.append(
                Skipped(q["id"], q["type"], _ORDERING_REASON.format(fmt="jupyterquiz"))
            )
            continue
        if q["type"] == "short_answer":
            export.skipped.append(
                Skipped(
                    q["id"],
                    q["type"],
                    "jupyterquiz checks typed answers against fixed strings or numbers; an "
                    "essay with a rubric cannot be checked that way",
                )
            )
            continue
        items.append(
            {
                "question": _jq_text(f"{q['id']}: {_prompt(q)}"),
                "type": "multiple_choice" if q["type"] == "single_choice" else "many_choice",
                "answers": [
                    {
                        "answer": _jq_text(_option_text(q, o)),
                        "correct": bool(o["correct"]),
                        "feedback": _jq_text(o["feedback"]),
                    }
                    for o in q["options"]
                ],
            }
        )
        export.notes.append(
            Skipped(
                q["id"],
                q["type"],
                "the explanation is not carried (jupyterquiz has per-option feedback only)",
            )
        )
        export.carried.append(q["id"])
    text = json.dumps(items, ensure_ascii=False, indent=1) + "\n"
    export.data = text.encode("utf-8")
    export.files = {FORMATS["jupyterquiz"]: export.data}
    return export


# ------------------------------------------------------------------------------- QTI 1.2


def _q(tag: str) -> str:
    return f"{{{QTI_NS}}}{tag}"


def _sub(parent: ET.Element, tag: str, text: str | None = None, **attrs: str) -> ET.Element:
    el = ET.SubElement(parent, _q(tag), {k.rstrip("_"): v for k, v in attrs.items()})
    if text is not None:
        el.text = text
    return el


def _material(parent: ET.Element, text: str) -> None:
    paras = [p.strip() for p in text.split("\n\n") if p.strip()] or [""]
    body = render_macro("export_paragraphs.html.j2", "paragraphs", paras)
    _sub(_sub(parent, "material"), "mattext", body, texttype="text/html")


def _meta(item: ET.Element, fields: Sequence[tuple[str, str]]) -> None:
    qtimeta = _sub(_sub(item, "itemmetadata"), "qtimetadata")
    for label, entry in fields:
        f = _sub(qtimeta, "qtimetadatafield")
        _sub(f, "fieldlabel", label)
        _sub(f, "fieldentry", entry)


def _feedback(item: ET.Element, ident: str, text: str) -> None:
    fb = _sub(item, "itemfeedback", ident=ident)
    _material(_sub(fb, "flow_mat"), text)


def _qti_item(section: ET.Element, q: dict[str, Any]) -> None:
    qid = q["id"]
    item = _sub(section, "item", ident=qid, title=f"{qid} ({q['skill'].replace('_', ' ')})")
    qtype = q["type"]
    canvas_type = {
        "single_choice": "multiple_choice_question",
        "multiple_choice": "multiple_answers_question",
        "evidence": "multiple_answers_question",
        "short_answer": "essay_question",
    }[qtype]
    options = q.get("options", [])
    idents = {o["id"]: f"{qid}_{o['id']}" for o in options}
    _meta(
        item,
        [
            ("question_type", canvas_type),
            ("points_possible", "1.0"),
            ("original_answer_ids", ",".join(idents.values())),
        ],
    )
    presentation = _sub(item, "presentation")
    _material(presentation, _prompt(q))
    if qtype == "short_answer":
        resp = _sub(presentation, "response_str", ident="response1", rcardinality="Single")
        _sub(_sub(resp, "render_fib"), "response_label", ident="answer1", rshuffle="No")
    else:
        card = "Single" if qtype == "single_choice" else "Multiple"
        resp = _sub(presentation, "response_lid", ident="response1", rcardinality=card)
        choices = _sub(resp, "render_choice")
        for o in options:
            label = _sub(choices, "response_label", ident=idents[o["id"]])
            _sub(_sub(label, "material"), "mattext", _option_text(q, o), texttype="text/plain")
    proc = _sub(item, "resprocessing")
    _sub(
        _sub(proc, "outcomes"),
        "decvar",
        maxvalue="100",
        minvalue="0",
        varname="SCORE",
        vartype="Decimal",
    )
    general = _sub(proc, "respcondition", continue_="Yes")
    _sub(_sub(general, "conditionvar"), "other")
    _sub(general, "displayfeedback", feedbacktype="Response", linkrefid="general_fb")
    for o in options:
        cond = _sub(proc, "respcondition", continue_="Yes")
        _sub(_sub(cond, "conditionvar"), "varequal", idents[o["id"]], respident="response1")
        _sub(cond, "displayfeedback", feedbacktype="Response", linkrefid=idents[o["id"]] + "_fb")
    if qtype == "single_choice":
        right = next(o for o in options if o["correct"])
        cond = _sub(proc, "respcondition", continue_="No")
        _sub(_sub(cond, "conditionvar"), "varequal", idents[right["id"]], respident="response1")
        _sub(cond, "setvar", "100", action="Set", varname="SCORE")
    elif qtype in ("multiple_choice", "evidence"):
        cond = _sub(proc, "respcondition", continue_="No")
        both = _sub(_sub(cond, "conditionvar"), "and")
        for o in options:
            parent = both if o["correct"] else _sub(both, "not")
            _sub(parent, "varequal", idents[o["id"]], respident="response1")
        _sub(cond, "setvar", "100", action="Set", varname="SCORE")
    else:
        cond = _sub(proc, "respcondition", continue_="No")
        _sub(_sub(cond, "conditionvar"), "other")
    _feedback(item, "general_fb", _general(q))
    for o in options:
        _feedback(item, idents[o["id"]] + "_fb", o["feedback"])


def _xml_bytes(root: ET.Element) -> bytes:
    ET.indent(root)
    out = io.BytesIO()  # what ET.tostring does, with a type the checker can see
    ET.ElementTree(root).write(out, encoding="utf-8", xml_declaration=True)
    return out.getvalue() + b"\n"


def to_qti(bank: QuestionBank) -> BankExport:
    """The bank as a QTI 1.2 package for Canvas and Blackboard (pure).

    Parameters
    ----------
    bank : QuestionBank

    Returns
    -------
    BankExport
        ``files`` holds ``imsmanifest.xml`` and ``<bank>/<bank>.xml`` (a ``questestinterop``
        with one assessment); ``data`` is the zip. Ordering questions are not carried.
    """
    ET.register_namespace("", QTI_NS)
    ET.register_namespace("xsi", XSI_NS)
    export = BankExport("qti", {}, b"")
    root = ET.Element(_q("questestinterop"), {f"{{{XSI_NS}}}schemaLocation": f"{QTI_NS} {QTI_XSD}"})
    title = bank.title or "Pyongyang 1963 question bank"
    assessment = _sub(root, "assessment", ident=BANK_IDENT, title=title)
    qtimeta = _sub(_sub(assessment, "qtimetadata"), "qtimetadatafield")
    _sub(qtimeta, "fieldlabel", "cc_maxattempts")
    _sub(qtimeta, "fieldentry", "unlimited")
    section = _sub(assessment, "section", ident="root_section")
    for q in bank:
        if q["type"] == "ordering":
            export.skipped.append(
                Skipped(
                    q["id"],
                    q["type"],
                    _ORDERING_REASON.format(fmt="QTI 1.2 as Canvas and Blackboard import it"),
                )
            )
            continue
        _qti_item(section, q)
        if q["type"] == "short_answer":
            export.notes.append(
                Skipped(
                    q["id"],
                    q["type"],
                    "an essay question: the LMS will not mark it; the model answer and rubric "
                    "are its general feedback",
                )
            )
        export.carried.append(q["id"])
    assessment_xml = _xml_bytes(root)
    ET.register_namespace("", CP_NS)
    manifest = ET.Element(f"{{{CP_NS}}}manifest", {"identifier": BANK_IDENT + "_manifest"})
    meta = ET.SubElement(manifest, f"{{{CP_NS}}}metadata")
    ET.SubElement(meta, f"{{{CP_NS}}}schema").text = "IMS Content"
    ET.SubElement(meta, f"{{{CP_NS}}}schemaversion").text = "1.1.3"
    ET.SubElement(manifest, f"{{{CP_NS}}}organizations")
    resources = ET.SubElement(manifest, f"{{{CP_NS}}}resources")
    href = f"{BANK_IDENT}/{BANK_IDENT}.xml"
    res = ET.SubElement(
        resources,
        f"{{{CP_NS}}}resource",
        {"identifier": BANK_IDENT, "type": "imsqti_xmlv1p2", "href": href},
    )
    ET.SubElement(res, f"{{{CP_NS}}}file", {"href": href})
    manifest_xml = _xml_bytes(manifest)
    ET.register_namespace("", QTI_NS)
    export.files = {"imsmanifest.xml": manifest_xml, href: assessment_xml}
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in export.files.items():
            info = zipfile.ZipInfo(name, date_time=_ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o600 << 16
            z.writestr(info, data)
    export.data = buf.getvalue()
    return export


_BUILDERS = {"qti": to_qti, "gift": to_gift, "jupyterquiz": to_jupyterquiz}


def export_bank(fmt: str, bank: QuestionBank | None = None) -> BankExport:
    """Export the bank in one format (pure once the bank is loaded).

    Parameters
    ----------
    fmt : {"qti", "gift", "jupyterquiz"}
    bank : QuestionBank, optional
        Default: the course's bank.

    Returns
    -------
    BankExport

    Raises
    ------
    ValueError
        An unknown format.
    """
    if fmt not in _BUILDERS:
        raise ValueError(f"unknown format {fmt!r}: use one of {', '.join(FORMATS)}")
    if bank is None:
        from course_lib.questions import load_bank

        bank = load_bank()
    return _BUILDERS[fmt](bank)


def write_export(export: BankExport, path: str | Path) -> Path:
    """Write an export atomically, readable by the owner only (0600).

    Parameters
    ----------
    export : BankExport
    path : str or Path

    Returns
    -------
    Path
    """
    import os
    import tempfile

    target = Path(path).expanduser()
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(export.data)
            fh.flush()
            os.fsync(fh.fileno())
        Path(tmp).replace(target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return target


def main(argv: Sequence[str] | None = None) -> int:
    """Command line: ``python -m course_lib.export_bank --format FORMAT [--out PATH]``.

    Parameters
    ----------
    argv : sequence of str, optional

    Returns
    -------
    int
        0 on success, 2 on a usage or write error (the message says why).
    """
    parser = argparse.ArgumentParser(
        prog="python -m course_lib.export_bank",
        description="Export the Pyongyang 1963 question bank for an LMS.",
    )
    parser.add_argument("--format", required=True, choices=list(FORMATS))
    parser.add_argument(
        "--out",
        help="file to write (default: question_bank.* in the current folder); '-' writes the "
        "text to standard output (GIFT and jupyterquiz only)",
    )
    args = parser.parse_args(argv)
    export = export_bank(args.format)
    if args.out == "-":
        if args.format == "qti":
            print("error: the QTI export is a zip file; give --out PATH", file=sys.stderr)
            return 2
        sys.stdout.write(export.data.decode("utf-8"))
        print(export.report(), file=sys.stderr)
        return 0
    target = Path(args.out or FORMATS[args.format])
    try:
        written = write_export(export, target)
    except OSError as exc:
        print(f"error: cannot write {target} ({exc.strerror or exc})", file=sys.stderr)
        return 2
    print(export.report())
    print(f"Wrote {written}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
