"""Saved course notebooks ask to run a widget's cell instead of showing "model not found".

The pure part (:func:`replace_widget_outputs`) is tested on made-up notebooks; the hook is then
loaded, as Jupyter Server loads it, into a real ``FileContentsManager``. The browser test
(``tests/browser/test_returning.py``) restarts a real server and reopens the notebook.
"""

from __future__ import annotations

import json
import logging
import tomllib
from pathlib import Path
from types import SimpleNamespace

import nbformat
import pytest

from course_lib import jupyter_hooks as hooks

ROOT = Path(__file__).resolve().parents[1]
CONFIG = ROOT / "jupyter-config" / "jupyter_server_config.d" / "pyongyang1963.json"
WIDGET = {"model_id": "0123456789abcdef", "version_major": 2, "version_minor": 0}


def notebook(first_source: str = "from course_lib.widgets import question_set") -> dict:
    nb = nbformat.v4.new_notebook()
    nb.cells = [
        nbformat.v4.new_code_cell(
            first_source + "\nquestion_set(lesson=1)",
            execution_count=1,
            outputs=[
                nbformat.v4.new_output(
                    "execute_result",
                    data={hooks.WIDGET_MIME: WIDGET, "text/plain": "VBox(children=(HTML(...)))"},
                    execution_count=1,
                ),
            ],
        ),
        nbformat.v4.new_code_cell(
            "print('hi'); display(w)",
            execution_count=2,
            outputs=[
                nbformat.v4.new_output("stream", name="stdout", text="hi\n"),
                nbformat.v4.new_output("display_data", data={hooks.WIDGET_MIME: WIDGET}),
                nbformat.v4.new_output("display_data", data={"text/plain": "42"}),
            ],
        ),
        nbformat.v4.new_markdown_cell("Some *prose*."),
    ]
    return json.loads(json.dumps(nb))


def test_widget_outputs_become_the_note_and_nothing_else_changes():
    nb = notebook()
    before = json.loads(json.dumps(nb))
    assert hooks.replace_widget_outputs(nb) == 2
    first, second = nb["cells"][0]["outputs"], nb["cells"][1]["outputs"]
    for out in (first[0], second[1]):
        assert out["output_type"] == "display_data"
        assert out["data"]["text/plain"] == "Run this cell (or Run All) to show the widget."
        assert "Run this cell (or Run All) to show the widget." in out["data"]["text/html"]
        assert "<script" not in out["data"]["text/html"].lower()
        assert hooks.WIDGET_MIME not in out["data"]
    assert second[0] == before["cells"][1]["outputs"][0]
    assert second[2] == before["cells"][1]["outputs"][2]
    assert nb["cells"][2] == before["cells"][2]
    assert nb["cells"][0]["source"] == before["cells"][0]["source"]
    nbformat.validate(nbformat.from_dict(nb))  # still a valid notebook
    first[0]["data"]["text/plain"] = "changed"
    assert second[1]["data"]["text/plain"] != "changed"  # no output shares another's dicts


def test_the_note_takes_its_colours_from_the_theme():
    html = hooks.note_output()["data"]["text/html"]
    assert "var(--jp-" in html
    assert "#" not in html.replace("var(--jp-brand-color1, #", "").replace(", #", "")


def test_a_notebook_that_does_not_use_the_course_is_left_alone():
    nb = notebook(first_source="import ipywidgets as w")
    nb["cells"][0]["source"] = "import ipywidgets as w\nw.IntSlider()"
    before = json.loads(json.dumps(nb))
    assert hooks.replace_widget_outputs(nb) == 0
    assert nb == before


@pytest.mark.parametrize(
    "content",
    [
        {},
        {"cells": None},
        {"cells": ["course_lib", 5, None]},
        {"cells": [{"cell_type": "code", "source": ["import course_lib"], "outputs": None}]},
        {"cells": [{"cell_type": "code", "source": "course_lib", "outputs": [5, None, "x"]}]},
        {"cells": [{"cell_type": "code", "source": 7, "outputs": [{"data": None}]}]},
    ],
)
def test_odd_notebooks_never_raise(content):
    hooks.replace_widget_outputs(content)


def test_the_hook_touches_only_notebooks():
    model = {"type": "file", "format": "text", "content": json.dumps(notebook())}
    before = dict(model)
    hooks.pre_save(model=model, path="x.txt", contents_manager=None)
    assert model == before
    nb_model = {"type": "notebook", "content": notebook()}
    hooks.pre_save(model=nb_model, path="x.ipynb", contents_manager=None)
    assert hooks.WIDGET_MIME not in json.dumps(nb_model)


def test_the_server_extension_registers_the_hook_with_a_real_contents_manager(tmp_path):
    from jupyter_server.services.contents.filemanager import FileContentsManager

    manager = FileContentsManager(root_dir=str(tmp_path))
    serverapp = SimpleNamespace(contents_manager=manager, log=logging.getLogger("test"))
    assert hooks._jupyter_server_extension_points() == [{"module": "course_lib.jupyter_hooks"}]
    hooks._load_jupyter_server_extension(serverapp)
    nb = notebook()
    manager.save({"type": "notebook", "format": "json", "content": nb}, "lesson.ipynb")
    on_disk = json.loads((tmp_path / "lesson.ipynb").read_text(encoding="utf-8"))
    assert hooks.WIDGET_MIME not in json.dumps(on_disk)
    assert json.dumps(on_disk).count("Run this cell (or Run All) to show the widget.") == 4
    # Without the extension, the same save keeps the widget outputs (so the test can fail).
    bare = FileContentsManager(root_dir=str(tmp_path))
    bare.save({"type": "notebook", "format": "json", "content": notebook()}, "plain.ipynb")
    assert hooks.WIDGET_MIME in (tmp_path / "plain.ipynb").read_text(encoding="utf-8")


def test_the_package_installs_the_config_that_switches_it_on():
    config = json.loads(CONFIG.read_text(encoding="utf-8"))
    assert config == {"ServerApp": {"jpserver_extensions": {"course_lib.jupyter_hooks": True}}}
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    shared = project["tool"]["hatch"]["build"]["targets"]["wheel"]["shared-data"]
    assert shared == {
        CONFIG.relative_to(
            ROOT
        ).as_posix(): "etc/jupyter/jupyter_server_config.d/pyongyang1963.json"
    }
