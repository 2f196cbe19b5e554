"""A Jupyter Server extension: saved course notebooks ask to run a cell instead of erroring.

A widget lives in its kernel. A notebook saved with widget outputs and reopened after the server
(and so the kernel) has gone shows "Error displaying widget: model not found" in every one of
them until the learner runs them all. This extension registers :func:`pre_save` on the server's
contents manager: when a notebook that uses the course (any cell mentions ``course_lib``) is
saved, each widget output is written to the file as a plain note, "Run this cell (or Run All) to
show the widget." The live page is not touched (only the file is), so the learner sees no
difference until they reopen the notebook.

It is switched on by ``etc/jupyter/jupyter_server_config.d/pyongyang1963.json``, which the
package installs (``pip install .`` and ``pip install -e .`` alike), or by
``--ServerApp.jpserver_extensions='{"course_lib.jupyter_hooks": true}'``.

:func:`replace_widget_outputs` is the pure part; it is what the hook does to the notebook.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

__all__ = [
    "NOTE",
    "WIDGET_MIME",
    "note_output",
    "pre_save",
    "replace_widget_outputs",
    "uses_course",
]

WIDGET_MIME = "application/vnd.jupyter.widget-view+json"
#: What a saved widget output says instead.
NOTE = "Run this cell (or Run All) to show the widget."


def note_output() -> dict[str, Any]:
    """The output written in place of a widget (nbformat 4 ``display_data``).

    Returns
    -------
    dict
    """
    from course_lib.templating import render

    return {
        "output_type": "display_data",
        "data": {"text/html": render("rerun_note.html.j2", message=NOTE), "text/plain": NOTE},
        "metadata": {},
    }


def uses_course(notebook: Mapping[str, Any]) -> bool:
    """Whether any cell of the notebook mentions ``course_lib`` (pure).

    Parameters
    ----------
    notebook : mapping
        nbformat 4 JSON.

    Returns
    -------
    bool
    """
    for cell in notebook.get("cells") or []:
        if not isinstance(cell, Mapping):
            continue
        source = cell.get("source", "")
        text = "".join(source) if isinstance(source, list) else str(source)
        if "course_lib" in text:
            return True
    return False


def replace_widget_outputs(notebook: dict[str, Any]) -> int:
    """Replace every widget output of a course notebook with the note (in place).

    Parameters
    ----------
    notebook : dict
        nbformat 4 JSON, changed in place.

    Returns
    -------
    int
        How many outputs were replaced (0 for a notebook that does not use the course).
    """
    if not uses_course(notebook):
        return 0
    replaced = 0
    note: dict[str, Any] | None = None
    for cell in notebook.get("cells") or []:
        if not isinstance(cell, dict) or cell.get("cell_type") != "code":
            continue
        outputs = cell.get("outputs")
        if not isinstance(outputs, list):
            continue
        for i, output in enumerate(outputs):
            data = output.get("data") if isinstance(output, dict) else None
            if isinstance(data, dict) and WIDGET_MIME in data:
                note = note or note_output()
                outputs[i] = {**note, "data": dict(note["data"]), "metadata": {}}
                replaced += 1
    return replaced


def pre_save(model: dict[str, Any], **_kwargs: Any) -> None:
    """The contents manager's pre-save hook: notebooks get :func:`replace_widget_outputs`.

    Parameters
    ----------
    model : dict
        The contents model being saved (``type``, ``content``...), changed in place.
    **_kwargs
        ``path`` and ``contents_manager``, unused.
    """
    if model.get("type") == "notebook" and isinstance(model.get("content"), dict):
        replace_widget_outputs(model["content"])


def _jupyter_server_extension_points() -> list[dict[str, str]]:
    """Where Jupyter Server finds this extension."""
    return [{"module": "course_lib.jupyter_hooks"}]


def _load_jupyter_server_extension(serverapp: Any) -> None:
    """Register :func:`pre_save` with the server's contents manager."""
    manager = serverapp.contents_manager
    register = getattr(manager, "register_pre_save_hook", None)
    if register is not None:  # jupyter_server >= 2: hooks add up
        register(pre_save)
    elif manager.pre_save_hook is None:
        manager.pre_save_hook = pre_save
    serverapp.log.info("pyongyang1963: saved notebooks ask to run a widget's cell again")
