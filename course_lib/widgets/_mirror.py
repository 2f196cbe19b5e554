"""The browser mirror in every question set, single question and capstone widget.

:class:`BrowserMirror` is an anywidget component (``course_lib/static/mirror.js``) with no look of
its own. Its :attr:`BrowserMirror.panel` goes into the widget's root; the panel stays hidden
until there is something to say. Wiring only; the decisions are :mod:`course_lib.mirror`'s:

1. When the browser shows the widget, the JavaScript sends what this browser keeps under the
   course's key (:func:`course_lib.mirror.storage_key`). Python checks it
   (:func:`~course_lib.mirror.decode_copy`), writes into the answers folder what the folder lacks
   (:func:`~course_lib.mirror.restore`) and, if anything came back, shows "Restored N answers
   (and your essay draft) from this browser." with a "Forget this browser's copy" button. A copy
   that could not be used whole is first kept aside, unchanged, under another key.
2. Only then, and after every answer, draft or name saved on the same folder (the hand-in's
   :func:`course_lib.widgets.handin.notify`, or :meth:`BrowserMirror.saved`), Python sends the
   new copy (:func:`~course_lib.mirror.merge_copies` of the browser's and the folder's), which the
   JavaScript stores. So a browser's copy is never replaced before it has been read. A browser
   short of room gets the latest answer to each question only
   (:func:`~course_lib.mirror.slim_copy`), and is told if even that does not fit.
3. "Forget this browser's copy" deletes it; nothing more is copied from this kernel.

A browser that refuses storage, or has no room, is reported in the panel, never raised.
"""

from __future__ import annotations

import functools
import weakref
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import anywidget
import ipywidgets as w
import traitlets

from course_lib import mirror as mr
from course_lib.localtime import utc_now
from course_lib.templating import status_html
from course_lib.widgets._common import Kit

__all__ = ["BrowserMirror", "is_shown", "mirror_js"]

_JS = Path(__file__).resolve().parent.parent / "static" / "mirror.js"
#: The class that hides a part of the panel (``course.css``).
_HIDDEN = "p63-hidden"
#: What the other widgets on the folder say after a restore.
_RERUN = (
    "Answers kept in this browser were put back into your answers folder. Run this cell again "
    "(or Run All) to show them here."
)
#: Every mirror of this kernel, by answers folder (to refresh the others after a restore).
_MIRRORS: dict[str, weakref.WeakSet[BrowserMirror]] = {}
#: Answers folders whose browser copy the learner deleted: nothing more is copied for them.
_FORGOTTEN: set[str] = set()
#: Answers folders for which "this browser keeps no copy" was already said once.
_WARNED: set[str] = set()


@functools.cache
def mirror_js() -> str:
    """The ESM source of the browser mirror.

    Returns
    -------
    str
    """
    return _JS.read_text(encoding="utf-8")


def _folder_key(folder: Path) -> str:
    return str(folder.expanduser().absolute())


def _visible(widget: w.DOMWidget, shown: bool) -> None:
    """Show or hide a widget by its class (its layout may be shared with other widgets)."""
    if shown:
        widget.remove_class(_HIDDEN)
    else:
        widget.add_class(_HIDDEN)


def is_shown(widget: w.DOMWidget) -> bool:
    """Whether :func:`_visible` left the widget shown.

    Parameters
    ----------
    widget : ipywidgets.DOMWidget

    Returns
    -------
    bool
    """
    return _HIDDEN not in widget._dom_classes


class BrowserMirror(anywidget.AnyWidget):
    """Keeps a copy of the learner's work in the browser, and brings it back (see the module).

    Parameters
    ----------
    folder : str or Path
        The answers folder.
    on_restore : callable, optional
        Called (with no argument) after work came back from the browser, so the widget can show
        it (the capstone re-reads its draft). Without it, the notice asks the learner to run the
        cell again.
    env : mapping, optional
        Environment variables, for the storage key (defaults to ``os.environ``).
    kit : Kit, optional
        The widget's kit (:class:`course_lib.widgets._common.Kit`), to share its layouts and
        styles; the panel shows and hides itself by a CSS class, never by changing a layout.

    Attributes
    ----------
    panel : ipywidgets.VBox
        What to put in the widget's root: the notice, the button and the mirror itself.
    result : RestoreResult or None
        What the last restore wrote.
    """

    _esm = traitlets.Unicode(mirror_js()).tag(sync=True)
    key = traitlets.Unicode("").tag(sync=True)

    def __init__(
        self,
        folder: str | Path,
        on_restore: Callable[[], Any] | None = None,
        env: Mapping[str, str] | None = None,
        kit: Kit | None = None,
        **kwargs: Any,
    ) -> None:
        kit = Kit() if kit is None else kit
        kwargs.setdefault("layout", kit.layout())
        super().__init__(key=mr.storage_key(env), **kwargs)
        self.add_class(_HIDDEN)
        from course_lib.widgets.handin import _listen

        self.folder = Path(folder)
        self.on_restore = on_restore
        self.browser = mr.Copy()
        self.ready = False
        self.slim = False
        self.sent = ""
        self.result: mr.RestoreResult | None = None
        self.notice = kit.html()
        self.forget_button = kit.make(
            w.Button,
            description="Forget this browser's copy",
            icon="trash",
            tooltip="Delete the copy of your answers kept in this browser",
        )
        self.forget_button.add_class(_HIDDEN)
        self.forget_button.on_click(lambda _b: self.forget())
        self.panel = kit.make(w.VBox, children=[self.notice, self.forget_button, self])
        self.panel.add_class("p63-mirror-panel")
        self.panel.add_class(_HIDDEN)
        self.on_msg(self._on_msg)
        _MIRRORS.setdefault(self._key, weakref.WeakSet()).add(self)
        _listen(self.folder, self)

    @property
    def _key(self) -> str:
        return _folder_key(self.folder)

    # -- what the page says

    def _show(self, message: str, forget: bool = False, live: str = "polite") -> None:
        self.notice.value = status_html(message, live=live) if message else ""
        _visible(self.forget_button, forget)
        _visible(self.panel, bool(message))

    # -- messages from the browser

    def _on_msg(self, _widget: Any, content: Any, _buffers: Any = None) -> None:
        if not isinstance(content, dict):
            return
        kind, ok = content.get("kind"), content.get("ok") is True
        error = content.get("error")
        error = str(error)[:200] if error else ""
        if kind == "copy":
            self.received(content.get("text"), error)
        elif kind == "kept":
            self._kept(ok, error)
        elif kind == "stored" and not ok:
            if not self.slim:  # try again with the latest answer to each question only
                self.slim, self.sent = True, ""
                if self.push():
                    return
            self._show(
                f"This browser could not keep a copy of your answers ({error}). They are saved "
                "in your answers folder; on Binder, download your portfolio before you leave.",
                live="assertive",
            )
        elif kind == "forgotten":
            self._forgotten(ok, error)

    def received(self, text: object, error: str = "") -> None:
        """The browser sent its copy (``None`` if it has none): restore it, then mirror.

        Parameters
        ----------
        text : object
            What the browser keeps under :attr:`key`.
        error : str
            Why the browser could not read its storage (``""`` if it could).
        """
        if error:
            if self._key not in _WARNED:
                _WARNED.add(self._key)
                self._show(
                    f"This browser keeps no copy of your answers ({error}). They are saved in "
                    "your answers folder; on Binder, download your portfolio before you leave."
                )
            return
        from course_lib.questions import load_bank

        copy, problems = mr.decode_copy(text, load_bank())
        messages: list[str] = []
        try:
            self.result = mr.restore(self.folder, copy)
        except (OSError, ValueError) as exc:
            messages.append(
                f"The copy of your answers kept in this browser could not be put back into your "
                f"answers folder ({getattr(exc, 'strerror', None) or exc}); it stays in this "
                "browser."
            )
            self.result = None
        self.browser = copy
        if self.result is not None and self.result.restored():
            messages.append(mr.restore_message(self.result, rerun=self.on_restore is None))
            self._restored()
        if problems:
            messages.append(
                "Part of this browser's copy could not be used ("
                + "; ".join(problems)
                + "); it is kept aside in this browser, unchanged."
            )
        if messages:  # an earlier notice (another mirror's restore) stays until there is news
            self._show(" ".join(messages), forget=bool(self.result and self.result.restored()))
        if problems and isinstance(text, str):
            # Keep the copy as it was before replacing it; mirroring starts when that is done.
            self.send({"kind": "keep", "suffix": ":set-aside:" + utc_now(precise=True)})
            return
        self.ready = True
        self.push()

    def _kept(self, ok: bool, error: str) -> None:
        if ok:
            self.ready = True
            self.push()
            return
        self._show(
            f"This browser's copy could not be kept aside ({error}), so it is left as it is and "
            "no new copy is made. Your answers are saved in your answers folder.",
            live="assertive",
        )

    def _restored(self) -> None:
        """Tell every widget on this folder that work came back.

        A widget that can show it does (``on_restore``); every other one asks to be run again.
        """
        from course_lib.widgets.handin import notify

        for other in list(_MIRRORS.get(self._key, ())):
            if other.on_restore is not None:
                other.on_restore()
            elif other is not self:
                other._show(_RERUN)
        for what in ("answers", "draft", "name"):
            notify(self.folder, what, self)

    # -- copying to the browser

    def changed(self, what: str) -> None:
        """An answer, the draft or the name was saved on this folder: update the copy.

        Parameters
        ----------
        what : str
            What changed (see :func:`course_lib.widgets.handin.notify`).
        """
        self.push()

    def saved(self, _record: object = None) -> None:
        """An answer was saved by this widget: update the copy."""
        self.push()

    def push(self) -> bool:
        """Send the browser the new copy, if the browser's was read and it changed.

        Returns
        -------
        bool
            Whether a copy was sent.
        """
        if not self.ready or self._key in _FORGOTTEN:
            return False
        try:
            disk = mr.snapshot(self.folder)
        except OSError:
            return False  # the widget that owns this mirror reports problems with the folder
        copy = mr.merge_copies(self.browser, disk)
        text = mr.encode_copy(copy)
        if self.slim or len(text) > mr.MAX_COPY_CHARS:
            copy = mr.slim_copy(copy)
            text = mr.encode_copy(copy)
        if len(text) > mr.MAX_COPY_CHARS or text == self.sent:
            return False
        self.browser, self.sent = copy, text
        self.send({"kind": "store", "text": text})
        return True

    # -- forgetting

    def forget(self) -> None:
        """Delete the browser's copy; copy nothing more to it from this kernel."""
        _FORGOTTEN.add(self._key)
        self.browser, self.sent = mr.Copy(), ""
        self.send({"kind": "forget"})

    def _forgotten(self, ok: bool, error: str) -> None:
        if ok:
            self._show(
                "Deleted this browser's copy of your answers. Nothing more is copied to this "
                "browser until the notebook's kernel restarts; your answers folder is unchanged."
            )
            return
        _FORGOTTEN.discard(self._key)
        self._show(f"This browser's copy could not be deleted ({error}).", forget=True)
