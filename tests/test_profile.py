"""The learner profile: one stable id per answers folder, the typed name kept."""

from __future__ import annotations

import stat

from course_lib.profile import PROFILE_NAME, load_profile, set_learner_name


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
