"""Generate instructor/answer_key.md from the question bank.

Usage: ``python scripts/build_answer_key.py [--check]``

``--check`` writes nothing and exits 1 if the key on disk differs from the bank (a test runs
this comparison too, so the key can never drift from the questions).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from course_lib.data import DataError  # noqa: E402
from course_lib.instructor import answer_key_markdown  # noqa: E402
from course_lib.questions import load_bank  # noqa: E402

KEY = ROOT / "instructor" / "answer_key.md"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="write nothing; exit 1 if stale")
    args = parser.parse_args(argv)
    try:
        text = answer_key_markdown(load_bank(ROOT / "data" / "questions.json"))
    except DataError as exc:
        print(f"build_answer_key: {exc}", file=sys.stderr)
        return 2
    if args.check:
        current = KEY.read_text(encoding="utf-8") if KEY.exists() else None
        if current != text:
            print(
                f"stale: {KEY.relative_to(ROOT)} (run python scripts/build_answer_key.py)",
                file=sys.stderr,
            )
            return 1
        return 0
    KEY.parent.mkdir(parents=True, exist_ok=True)
    KEY.write_text(text, encoding="utf-8")
    print(f"wrote {KEY.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
