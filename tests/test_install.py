"""A non-editable ``pip install .`` into a fresh venv loads every table from any folder.

The repository is copied first (without .venv, .git and build leftovers), so the build never
writes into the working tree. The installed package must be the one that answers: the test
checks that ``course_lib.__file__`` lies inside the fresh venv and that no path of the checkout
is importable there.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import venv
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
IGNORE = shutil.ignore_patterns(
    ".venv", ".git", "build", "dist", "*.egg-info", "__pycache__", ".*cache", "artifacts", ".runs"
)

# Run in the fresh venv from an unrelated folder: every resource, through the public loaders.
CHECK = r"""
import hashlib, json, sys
import course_lib
from course_lib import data

out = {"file": course_lib.__file__, "data_dir": str(data.data_dir()), "tables": {}}
pkg = json.loads((data.data_dir() / "datapackage.json").read_text(encoding="utf-8"))
out["turns"] = len(course_lib.load_turns())
out["document"] = bool(course_lib.load_document())
out["people"] = len(course_lib.load_people())
for res in pkg["resources"]:
    name = res["name"]
    path, _ = data.resource(name)
    if "schema" in res:  # a table
        out["tables"][name] = len(course_lib.load_table(name))
    elif hasattr(course_lib, f"load_{name}"):  # a JSON document with its own loader
        out["tables"][name] = len(getattr(course_lib, f"load_{name}")())
    else:  # the source text: byte for byte as declared
        digest = hashlib.sha256(path.read_bytes()).hexdigest()
        out["tables"][name] = int(res["hash"].split(":")[-1] == digest)
out["sys_path"] = sys.path
print(json.dumps(out))
"""


@pytest.mark.slow
def test_non_editable_install_loads_every_table(tmp_path):
    src = tmp_path / "src"
    shutil.copytree(ROOT, src, ignore=IGNORE)
    env_dir = tmp_path / "venv"
    venv.EnvBuilder(with_pip=True).create(env_dir)
    py = env_dir / "bin" / "python"
    pip = subprocess.run(
        [str(py), "-m", "pip", "install", "-q", "-c", str(ROOT / "constraints.txt"), str(src)],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert pip.returncode == 0, pip.stderr[-4000:]
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    res = subprocess.run(
        [str(py), "-I", "-c", CHECK],
        cwd=elsewhere,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert res.returncode == 0, res.stderr[-4000:]
    out = json.loads(res.stdout)
    site = Path(out["file"]).resolve()
    assert site.is_relative_to(env_dir.resolve()), out["file"]
    assert Path(out["data_dir"]).resolve().is_relative_to(env_dir.resolve())
    assert not any(p and Path(p).resolve().is_relative_to(ROOT) for p in out["sys_path"])
    assert out["turns"] == 54
    assert out["document"]
    assert out["people"] > 0
    declared = json.loads((ROOT / "data" / "datapackage.json").read_text(encoding="utf-8"))
    assert set(out["tables"]) == {r["name"] for r in declared["resources"]}
    assert all(n > 0 for n in out["tables"].values()), out["tables"]
    assert sys.executable != str(py)
