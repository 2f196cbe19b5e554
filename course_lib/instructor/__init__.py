"""The instructor's side: collect a class's hand-ins, see the class, print a key, export the bank.

Learners hand in their answers CSV (:func:`course_lib.exports.records_to_csv`, named like
``Mina-Park_course_2026-12-04_answers.csv``) and their capstone essay
(:mod:`course_lib.capstone_export`, ``Mina-Park_lesson-05_2026-12-04_essay.html`` or ``.md``),
both carrying the learner id of :mod:`course_lib.profile`. Put everything in one folder (one
sub-folder per student works too) and call :func:`collect`:

>>> from course_lib.instructor import collect, dashboard_html  # doctest: +SKIP
>>> result = collect("handed_in/")                                # doctest: +SKIP
>>> print(result.summary())  # rows kept of rows handed in  # doctest: +SKIP
>>> result.problems              # every problem, by file and line  # doctest: +SKIP
>>> result.write_tables("tables/")  # spreadsheet-safe CSV          # doctest: +SKIP

Modules: :mod:`~course_lib.instructor.reading` (the only I/O: regular files only, size-capped),
:mod:`~course_lib.instructor.exports` (parse and merge answer exports by learner id),
:mod:`~course_lib.instructor.capstones` (parse essays), :mod:`~course_lib.instructor.collecting`
(:func:`collect`), :mod:`~course_lib.instructor.csvsafe` (formula-safe CSV),
:mod:`~course_lib.instructor.dashboard` and :mod:`~course_lib.instructor.charts` (the class
dashboard), :mod:`~course_lib.instructor.summary`, :mod:`~course_lib.instructor.key` (the answer
key) and :mod:`~course_lib.instructor.synthetic` (a synthetic class for trying it all out).
The question bank's LMS export is :mod:`course_lib.export_bank`.
"""

from __future__ import annotations

from course_lib.instructor.capstones import CapstoneFile, parse_capstone
from course_lib.instructor.collecting import Collected, collect, collect_files
from course_lib.instructor.csvsafe import (
    frame_to_csv,
    guard_cell,
    rows_to_csv,
    unguard_cell,
    write_csv,
)
from course_lib.instructor.dashboard import dashboard_html
from course_lib.instructor.exports import (
    EXPORT_COLUMNS,
    ROW_COLUMNS,
    merge_rows,
    parse_export,
    parse_time,
)
from course_lib.instructor.key import answer_key_markdown
from course_lib.instructor.reading import DEFAULT_MAX_BYTES, HandInFile, Problem, read_folder
from course_lib.instructor.summary import per_question, per_student

__all__ = [
    "DEFAULT_MAX_BYTES",
    "EXPORT_COLUMNS",
    "ROW_COLUMNS",
    "CapstoneFile",
    "Collected",
    "HandInFile",
    "Problem",
    "answer_key_markdown",
    "collect",
    "collect_files",
    "dashboard_html",
    "frame_to_csv",
    "guard_cell",
    "merge_rows",
    "parse_capstone",
    "parse_export",
    "parse_time",
    "per_question",
    "per_student",
    "read_folder",
    "rows_to_csv",
    "unguard_cell",
    "write_csv",
]
