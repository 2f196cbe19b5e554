"""``course_lib/static/mirror.js`` under Node, with a fake ``localStorage`` and a fake model.

The browser test (``tests/browser/test_returning.py``) runs it in Chromium; this one reaches the
cases a real browser rarely shows: storage blocked, a full quota, messages that make no sense.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
MIRROR_JS = ROOT / "course_lib" / "static" / "mirror.js"

SCRIPT = r"""
const [url, scenario] = process.argv.slice(1);
const store = new Map(Object.entries(JSON.parse(scenario).storage || {}));
const mode = JSON.parse(scenario).mode;
function failure(name) { const e = new Error(name); e.name = name; return e; }
const fakeStorage = {
  getItem: (k) => (store.has(k) ? store.get(k) : null),
  setItem: (k, v) => { if (mode === "full") throw failure("QuotaExceededError"); store.set(k, String(v)); },
  removeItem: (k) => { store.delete(k); },
};
globalThis.window = {};
Object.defineProperty(globalThis.window, "localStorage", {
  get() { if (mode === "blocked") throw failure("SecurityError"); return fakeStorage; },
});
const sent = [];
const handlers = {};
const model = {
  get: (name) => (name === "key" ? "pyongyang1963:v1:course" : undefined),
  send: (content) => sent.push(content),
  on: (event, fn) => { handlers[event] = fn; },
  off: (event) => { delete handlers[event]; },
};
const mod = (await import(url)).default;
const cleanup = mod.initialize({ model });
for (const msg of JSON.parse(scenario).messages || []) handlers["msg:custom"](msg, []);
const el = { classList: { add() {} }, hidden: false };
mod.render({ model, el });
cleanup();
console.log(JSON.stringify({ sent, storage: Object.fromEntries(store), hidden: el.hidden,
                             listening: "msg:custom" in handlers }));
"""


@pytest.fixture(scope="module")
def run():
    node = shutil.which("node")
    if node is None:
        pytest.skip("Node.js is needed to run mirror.js outside a browser")

    def go(scenario: dict) -> dict:
        proc = subprocess.run(
            [node, "--input-type=module", "-e", SCRIPT, MIRROR_JS.as_uri(), json.dumps(scenario)],
            capture_output=True,
            text=True,
            check=False,
            timeout=60,
        )
        assert proc.returncode == 0, proc.stderr
        return json.loads(proc.stdout)

    return go


KEY = "pyongyang1963:v1:course"


def test_it_sends_what_the_browser_keeps_then_stores_what_python_sends(run):
    out = run(
        {
            "storage": {KEY: "old copy"},
            "messages": [{"kind": "store", "text": "new copy"}],
        }
    )
    assert out["sent"] == [
        {"kind": "copy", "text": "old copy"},
        {"kind": "stored", "ok": True, "chars": 8},
    ]
    assert out["storage"] == {KEY: "new copy"}
    assert out["hidden"] is True
    assert out["listening"] is False  # the clean-up removes the handler


def test_an_empty_browser_sends_null(run):
    assert run({})["sent"] == [{"kind": "copy", "text": None}]


def test_forget_and_keep(run):
    out = run(
        {
            "storage": {KEY: "copy", "other": "x"},
            "messages": [{"kind": "keep", "suffix": ":set-aside:T"}, {"kind": "forget"}],
        }
    )
    assert out["storage"] == {f"{KEY}:set-aside:T": "copy", "other": "x"}
    assert [m["kind"] for m in out["sent"]] == ["copy", "kept", "forgotten"]


def test_a_full_browser_is_reported_not_thrown(run):
    out = run({"mode": "full", "messages": [{"kind": "store", "text": "x"}]})
    assert out["sent"][-1] == {
        "kind": "stored",
        "ok": False,
        "error": "this browser has no room left for the copy",
    }


def test_blocked_storage_is_reported_not_thrown(run):
    out = run({"mode": "blocked", "messages": [{"kind": "store", "text": "x"}]})
    assert out["sent"][0] == {
        "kind": "copy",
        "text": None,
        "error": "this browser does not let pages keep data",
    }
    assert out["sent"][1]["ok"] is False


def test_messages_that_make_no_sense_are_ignored(run):
    out = run(
        {
            "storage": {KEY: "copy"},
            "messages": [None, 5, "store", {}, {"kind": "store", "text": 5}, {"kind": "keep"}],
        }
    )
    assert out["sent"] == [{"kind": "copy", "text": "copy"}]
    assert out["storage"] == {KEY: "copy"}
