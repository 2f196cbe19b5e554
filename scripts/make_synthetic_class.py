"""Write a synthetic class's hand-ins (seeded), to try the instructor's tools on.

Usage: ``python scripts/make_synthetic_class.py FOLDER [--n 300] [--seed 1963]``

One sub-folder per student with the files a learner hands in today, written by the learner's
own writers (:mod:`course_lib.exports`, :mod:`course_lib.capstone_export`) under their own names:
the answers CSV (learner id, name, attempts, "show the answer" used...; one for the course, or
one per lesson for every fourth student) and, for most who reached lesson 05, a capstone essay
(HTML or Markdown) that carries the learner id. The same seed always writes the same class. See
:mod:`course_lib.instructor.synthetic` for what the class contains on purpose (two students with
one name, a name in decomposed Hangul, blank names, answers that look like formulas, misquoted
essays).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from course_lib.instructor.synthetic import make_class  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", type=Path, help="where to write the hand-ins")
    parser.add_argument("--n", type=int, default=300, help="students (default 300)")
    parser.add_argument("--seed", type=int, default=1963, help="random seed (default 1963)")
    args = parser.parse_args(argv)
    if args.n < 1:
        parser.error("--n must be at least 1")
    try:
        manifest = make_class(args.folder, n=args.n, seed=args.seed)
    except OSError as exc:
        print(f"error: cannot write {args.folder} ({exc.strerror or exc})", file=sys.stderr)
        return 2
    print(
        f"Wrote {manifest.students} students' hand-ins to {manifest.folder}: "
        f"{manifest.rows} answer rows in {manifest.students} exports, "
        f"{manifest.capstones} capstone essays."
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
