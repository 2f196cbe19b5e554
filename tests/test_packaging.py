"""What the wheel and the sdist contain, and that the sdist's own tests run from it.

Both are built offline with the build backend itself (``hatchling.build``, in the test group),
from the checkout, into a temporary folder; nothing is written into the working tree.
"""

from __future__ import annotations

import email
import json
import os
import shutil
import subprocess
import sys
import tarfile
import zipfile
from pathlib import Path

import pytest

from .conftest import ROOT

DIST_INFO = "pyongyang1963-0.1.0.dist-info"
LICENSE_EXPRESSION = "MIT AND CC-BY-4.0 AND LicenseRef-WilsonCenter-DigitalArchive"

# Everything the wheel must hold besides the Python modules and the data package: named here, so
# that losing one (a glob that stops matching, a moved folder) fails this test.
EXPECTED_EXTRAS = {
    "course_lib/py.typed",
    "course_lib/static/course.css",
    "course_lib/static/front.js",
    "course_lib/static/mirror.js",
    "course_lib/templates/rerun_note.html.j2",
    # Switches on the server extension course_lib.jupyter_hooks where the package is installed.
    "pyongyang1963-0.1.0.data/data/etc/jupyter/jupyter_server_config.d/pyongyang1963.json",
    "course_lib/templates/_macros.html.j2",
    "course_lib/templates/style.html.j2",
    "course_lib/templates/table.html.j2",
    "course_lib/_data/datapackage.json",
    "course_lib/_data/schemas/questions.schema.json",
    "course_lib/_data/editorial/README.md",
    "course_lib/_data/editorial/people_roles.csv",
    f"{DIST_INFO}/METADATA",
    f"{DIST_INFO}/WHEEL",
    f"{DIST_INFO}/RECORD",
    f"{DIST_INFO}/licenses/LICENSE",
    f"{DIST_INFO}/licenses/ATTRIBUTION.md",
}


def _build(kind: str, outdir: Path) -> Path:
    """Build the wheel or the sdist with hatchling (no network, no build isolation)."""
    code = (
        "import sys, hatchling.build as b; "
        f"print(b.build_{kind}(sys.argv[1]))"  # PEP 517 hook: returns the file name
    )
    res = subprocess.run(
        [sys.executable, "-c", code, str(outdir)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert res.returncode == 0, res.stderr[-4000:]
    return outdir / res.stdout.strip().splitlines()[-1]


def _tracked(folder: str) -> list[str]:
    """Files under ``folder`` in the checkout that git does not ignore (no caches, no
    ``node_modules`` a test installed, no dot files)."""
    listed = subprocess.run(
        ["git", "ls-files", "--cached", "--others", "--exclude-standard", "--", folder],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    if listed.returncode != 0:  # not a git checkout (an unpacked sdist): every file
        base = ROOT / folder
        names = [p.relative_to(ROOT).as_posix() for p in base.rglob("*") if p.is_file()]
    else:
        names = [n for n in listed.stdout.splitlines() if (ROOT / n).is_file()]
    return sorted(
        n
        for n in names
        if "__pycache__" not in n.split("/")
        and not any(part.startswith(".") for part in n.split("/")[1:])
    )


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    return _build("wheel", tmp_path_factory.mktemp("wheel"))


def test_wheel_holds_exactly_the_package_its_data_and_the_licences(wheel):
    with zipfile.ZipFile(wheel) as zf:
        names = set(zf.namelist())
    modules = {p for p in _tracked("course_lib") if p.endswith(".py")}
    # Every template and static file of the checkout ships too (the named ones above must).
    assets = {
        p
        for p in _tracked("course_lib")
        if p.startswith(("course_lib/templates/", "course_lib/static/"))
    }
    data = {"course_lib/_data/" + p.removeprefix("data/") for p in _tracked("data")}
    declared = json.loads((ROOT / "data" / "datapackage.json").read_text(encoding="utf-8"))
    resources = {f"course_lib/_data/{r['path']}" for r in declared["resources"]}
    assert resources <= data, "every resource of the data package ships"
    assert len(modules) > 20
    expected = modules | data | assets | EXPECTED_EXTRAS
    assert names - expected == set(), "unexpected files in the wheel"
    assert expected - names == set(), "files missing from the wheel"


def test_wheel_data_is_byte_identical_to_the_checkout(wheel):
    with zipfile.ZipFile(wheel) as zf:
        for name in zf.namelist():
            if name.startswith("course_lib/_data/"):
                src = ROOT / "data" / name.removeprefix("course_lib/_data/")
                assert zf.read(name) == src.read_bytes(), name
            elif name.startswith("course_lib/") and not name.endswith("RECORD"):
                assert zf.read(name) == (ROOT / name).read_bytes(), name


def test_wheel_metadata_states_every_licence(wheel):
    with zipfile.ZipFile(wheel) as zf:
        meta = email.message_from_bytes(zf.read(f"{DIST_INFO}/METADATA"))
        attribution = zf.read(f"{DIST_INFO}/licenses/ATTRIBUTION.md")
    assert meta["License-Expression"] == LICENSE_EXPRESSION
    assert sorted(meta.get_all("License-File")) == ["ATTRIBUTION.md", "LICENSE"]
    assert attribution == (ROOT / "ATTRIBUTION.md").read_bytes()
    # The LicenseRef is the one the data package gives the translation's files.
    declared = json.loads((ROOT / "data" / "datapackage.json").read_text(encoding="utf-8"))
    refs = {
        lic["name"]
        for res in declared["resources"]
        for lic in res.get("licenses", [])
        if lic["name"].startswith("LicenseRef-")
    }
    assert refs == {"LicenseRef-WilsonCenter-DigitalArchive"}
    assert refs <= set(LICENSE_EXPRESSION.split(" AND "))


# Run from the unpacked sdist: the parser, the data package and its load-time checks.
SDIST_TESTS = ["tests/test_source.py", "tests/test_data.py", "tests/test_data_checks.py"]


@pytest.mark.slow
def test_sdist_contains_its_tests_and_they_pass_from_it(tmp_path):
    sdist = _build("sdist", tmp_path)
    with tarfile.open(sdist) as tf:
        tf.extractall(tmp_path / "unpacked", filter="data")
    tree = tmp_path / "unpacked" / "pyongyang1963-0.1.0"
    for needed in (
        "pyproject.toml",
        "README.md",
        "LICENSE",
        "ATTRIBUTION.md",
        "constraints.txt",
        "Makefile",
        "tests/__init__.py",
        "tests/conftest.py",
        "tests/browser/__init__.py",
        "tests/browser/conftest.py",
        "scripts/build_data.py",
        "scripts/strip_outputs.py",
        "data/datapackage.json",
        "lessons/00_start_here.ipynb",
        *SDIST_TESTS,
    ):
        assert (tree / needed).is_file(), f"the sdist lacks {needed}"
    for folder in ("course_lib", "data", "lessons", "tests", "scripts", "explorer", "instructor"):
        for rel in _tracked(folder):
            assert (tree / rel).is_file(), f"the sdist lacks {rel}"
    assert not (tree / "setup.py").exists()
    assert not (tree / ".venv").exists()

    env = {**os.environ, "PYTHONPATH": str(tree), "JUPYTER_PLATFORM_DIRS": "1"}
    where = subprocess.run(
        [sys.executable, "-c", "import course_lib; print(course_lib.__file__)"],
        cwd=tree,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert where.returncode == 0, where.stderr
    assert Path(where.stdout.strip()).is_relative_to(tree), "the sdist's own course_lib answers"
    res = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-q",
            "-p",
            "no:cacheprovider",
            "-m",
            "not slow",
            *SDIST_TESTS,
        ],
        cwd=tree,
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
    )
    assert res.returncode == 0, res.stdout[-4000:] + res.stderr[-2000:]
    assert " passed" in res.stdout
    assert "failed" not in res.stdout


# --- repository hygiene: what the local pre-commit hooks check, checked in CI too -------------


def _tool(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, *args], cwd=cwd, capture_output=True, text=True, timeout=300, check=False
    )


def test_codespell_finds_no_misspelling():
    res = _tool("-m", "codespell_lib")
    assert res.returncode == 0, res.stdout[-4000:] + res.stderr[-2000:]


def test_codespell_would_catch_one(tmp_path):
    """The check above is not vacuous: the same configuration flags a real misspelling."""
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    wrong = "rec" + "ieved"  # spelled in two halves so that the check above passes this file
    (tmp_path / "note.md").write_text(f"The minutes {wrong} from the archive.\n")
    res = _tool("-m", "codespell_lib", cwd=tmp_path)
    assert res.returncode != 0
    assert f"{wrong} ==> received" in res.stdout


def test_pyproject_is_valid(tmp_path):
    res = _tool("-m", "validate_pyproject", str(ROOT / "pyproject.toml"))
    assert res.returncode == 0, res.stdout + res.stderr
    broken = tmp_path / "pyproject.toml"
    text = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    broken.write_text(text.replace('license = "MIT AND', 'license = "MIT-ish AND', 1))
    assert _tool("-m", "validate_pyproject", str(broken)).returncode != 0


def test_pre_commit_hooks_are_local_and_use_the_venvs_tools():
    import yaml

    config = yaml.safe_load((ROOT / ".pre-commit-config.yaml").read_text(encoding="utf-8"))
    assert [repo["repo"] for repo in config["repos"]] == ["local"]
    hooks = config["repos"][0]["hooks"]
    ids = {h["id"] for h in hooks}
    assert {"ruff-check", "ruff-format", "strip-outputs", "validate-pyproject", "codespell"} <= ids
    assert "data-package" in ids  # build_data.py --check: derived data and the bank's schema
    bindir = Path(sys.executable).parent
    for hook in hooks:
        assert hook["language"] == "system", hook["id"]
        exe, *args = hook["entry"].split()
        assert exe.startswith(".venv/bin/"), hook["id"]
        assert (bindir / Path(exe).name).exists(), f"{hook['id']}: {exe} is not in the test group"
        script = next((a for a in args if a.startswith("scripts/")), None)
        if script:
            assert (ROOT / script).is_file(), hook["id"]


def test_notebooks_are_stripped_and_the_check_notices_outputs(tmp_path):
    notebooks = sorted(
        str(p) for p in (*ROOT.glob("lessons/*.ipynb"), *ROOT.glob("explorer/*.ipynb"))
    )
    assert len(notebooks) >= 6
    res = _tool(str(ROOT / "scripts" / "strip_outputs.py"), "--check", *notebooks)
    assert res.returncode == 0, res.stderr
    nb = json.loads((ROOT / "lessons" / "00_start_here.ipynb").read_text(encoding="utf-8"))
    code = next(c for c in nb["cells"] if c["cell_type"] == "code" and not c["outputs"])
    code["outputs"] = [{"output_type": "stream", "name": "stdout", "text": ["left over\n"]}]
    dirty = tmp_path / "dirty.ipynb"
    dirty.write_text(json.dumps(nb), encoding="utf-8")
    res = _tool(str(ROOT / "scripts" / "strip_outputs.py"), "--check", str(dirty))
    assert res.returncode == 1
    assert "not stripped" in res.stderr
    assert _tool(str(ROOT / "scripts" / "strip_outputs.py"), str(dirty)).returncode == 0
    assert _tool(str(ROOT / "scripts" / "strip_outputs.py"), "--check", str(dirty)).returncode == 0


def test_repo_review_passes_or_gives_a_reason():
    """Scientific Python's repo-review: no check fails; skipped ones have a reason in pyproject."""
    res = subprocess.run(
        [str(Path(sys.executable).parent / "sp-repo-review"), "--format", "json", str(ROOT)],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert res.stdout, res.stderr[-2000:]
    checks = json.loads(res.stdout)["checks"]
    failed = {name: c["description"] for name, c in checks.items() if c["result"] is False}
    assert failed == {}
    assert sum(c["result"] is True for c in checks.values()) >= 20


def test_citation_agrees_with_the_package_and_cites_the_document():
    import tomllib

    import yaml

    cff = yaml.safe_load((ROOT / "CITATION.cff").read_text(encoding="utf-8"))
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    assert cff["cff-version"] == "1.2.0"
    assert {"authors", "message", "title"} <= set(cff)
    assert cff["version"] == project["version"]
    assert set(cff["license"]) <= set(project["license"].split(" AND "))
    declared = json.loads((ROOT / "data" / "datapackage.json").read_text(encoding="utf-8"))
    source = next(r for r in declared["resources"] if r["name"] == "source")
    (document,) = [r for r in cff["references"] if r["type"] == "historical-work"]
    assert document["url"] == source["sources"][0]["path"]
    assert document["title"] in source["sources"][0]["title"]
    assert "Unreleased" in (ROOT / "CHANGELOG.md").read_text(encoding="utf-8")
    assert f"[{project['version']}]" in (ROOT / "CHANGELOG.md").read_text(encoding="utf-8")
