"""Strip lesson outputs, keeping only the reference outputs nbval compares.

Usage: ``python scripts/strip_outputs.py [--check] NOTEBOOK...``

Every code cell loses its outputs and execution count, except cells tagged
``nbval-check-output``: nbval compares their output with the stored one, so they keep it (and an
execution count, without which nbval treats the stored output as unrun). Notebook metadata is
reduced to the kernelspec, the language and the title (which Voila shows in the browser tab).
``--check`` changes nothing and exits 1 if a notebook is
not clean.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
from pathlib import Path
from typing import Any

CHECK_TAG = "nbval-check-output"
KERNELSPEC = {"display_name": "Python 3", "language": "python", "name": "python3"}


def strip(nb: dict[str, Any]) -> dict[str, Any]:
    """Return a stripped copy of a notebook (nbformat 4 JSON)."""
    out = json.loads(json.dumps(nb))
    title = nb.get("metadata", {}).get("title")
    out["metadata"] = {"kernelspec": KERNELSPEC, "language_info": {"name": "python"}}
    if isinstance(title, str) and title.strip():
        out["metadata"]["title"] = title
    count = 0
    for cell in out["cells"]:
        meta = cell.get("metadata", {})
        for key in ("execution", "collapsed", "scrolled", "jupyter"):
            meta.pop(key, None)
        if cell["cell_type"] != "code":
            cell.pop("outputs", None)
            cell.pop("execution_count", None)
            continue
        if CHECK_TAG in meta.get("tags", []) and cell.get("outputs"):
            count += 1
            cell["execution_count"] = count
            for o in cell["outputs"]:
                if "execution_count" in o:
                    o["execution_count"] = count
        else:
            cell["outputs"] = []
            cell["execution_count"] = None
    return out


def dumps(nb: dict[str, Any]) -> str:
    return json.dumps(nb, indent=1, ensure_ascii=False, sort_keys=True) + "\n"


def write_atomically(path: Path, text: str) -> None:
    """Replace ``path`` with ``text`` in one step: a crash leaves the old notebook or the new."""
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as fh:
            fh.write(text)
        Path(tmp).chmod(path.stat().st_mode & 0o777)
        Path(tmp).replace(path)
    finally:
        Path(tmp).unlink(missing_ok=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true")
    parser.add_argument("notebooks", nargs="+", type=Path)
    args = parser.parse_args(argv)
    dirty = []
    for path in args.notebooks:
        text = path.read_text(encoding="utf-8")
        clean = dumps(strip(json.loads(text)))
        if clean != text:
            dirty.append(path)
            if not args.check:
                write_atomically(path, clean)
    if args.check:
        for p in dirty:
            print(f"not stripped: {p} (run: make notebooks)", file=sys.stderr)
        return 1 if dirty else 0
    return 0


if __name__ == "__main__":
    sys.exit(main())
