"""The learner profile: one stable id per answers folder, the typed name kept."""

from __future__ import annotations

import stat

import pytest

from course_lib.fileio import SymlinkError
from course_lib.profile import PROFILE_NAME, clean_name, load_profile, set_learner_name


def test_id_is_made_once_and_kept(tmp_path):
    first = load_profile(tmp_path)
    assert len(first.learner_id) == 32
    assert load_profile(tmp_path) == first
    assert stat.S_IMODE((tmp_path / PROFILE_NAME).stat().st_mode) == 0o600


def test_two_folders_two_learners(tmp_path):
    assert load_profile(tmp_path / "a").learner_id != load_profile(tmp_path / "b").learner_id


def test_name_is_saved_and_the_id_unchanged(tmp_path):
    before = load_profile(tmp_path)
    after = set_learner_name("  Mina   Park ", tmp_path)
    assert after == load_profile(tmp_path)
    assert after.name == "Mina Park"
    assert after.learner_id == before.learner_id


def test_a_damaged_profile_is_kept_aside(tmp_path):
    (tmp_path / PROFILE_NAME).write_bytes(b"\xef\xbb\xbf{not json")
    profile = load_profile(tmp_path)
    assert len(profile.learner_id) == 32
    assert (tmp_path / (PROFILE_NAME + ".corrupt")).read_bytes() == b"\xef\xbb\xbf{not json"


def test_a_damaged_profile_keeps_its_readable_name(tmp_path):
    (tmp_path / PROFILE_NAME).write_text('{"learner_id": "short", "name": " Su  Kim "}')
    profile = load_profile(tmp_path)
    assert profile.name == "Su Kim"
    assert len(profile.learner_id) == 32
    assert (tmp_path / (PROFILE_NAME + ".corrupt")).exists()


def test_a_symlinked_profile_is_refused(tmp_path):
    outside = tmp_path / "outside.json"
    outside.write_text('{"learner_id": "' + "a" * 32 + '", "name": "Not me"}')
    folder = tmp_path / "answers"
    folder.mkdir()
    (folder / PROFILE_NAME).symlink_to(outside)
    with pytest.raises(SymlinkError, match="symbolic link"):
        load_profile(folder)
    with pytest.raises(SymlinkError):
        set_learner_name("Me", folder)
    assert "Not me" in outside.read_text()


def test_the_name_is_restored_after_a_restart(tmp_path):
    import subprocess
    import sys

    set_learner_name("김일성 Kim", tmp_path)
    code = "from course_lib.profile import load_profile; import sys; print(load_profile(sys.argv[1]).name)"
    out = subprocess.run(
        [sys.executable, "-c", code, str(tmp_path)],
        capture_output=True,
        text=True,
        check=True,
        encoding="utf-8",
    )
    assert out.stdout.strip() == "김일성 Kim"


def test_clean_name():
    assert clean_name(None) == ""
    assert clean_name("x" * 500) == "x" * 100
    assert clean_name(" a\n\tb ") == "a b"


def test_the_profile_works_without_fcntl(tmp_path, monkeypatch):
    from course_lib import fileio

    monkeypatch.setattr(fileio, "fcntl", None)
    assert set_learner_name("Ann", tmp_path).name == "Ann"
    assert load_profile(tmp_path).name == "Ann"
    assert not any(p.name.endswith(".excl") for p in tmp_path.iterdir())
