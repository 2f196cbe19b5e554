// Pyongyang 1963: the course's front-end helpers (anywidget ESM). Shipped with the package; no
// network. Two components:
//  - keyguard: marks every control inside a course widget with data-lm-suppress-shortcuts, so
//    that JupyterLab's notebook shortcuts (ArrowDown = next cell ...) leave the control's own
//    keys alone: a focused dropdown or radio group changes its value, as in Voila.
//  - svg: an SVG chart whose marks ([data-select]) can be chosen by mouse or keyboard. One Tab
//    stop for the whole chart (a roving tabindex); arrows move between marks; Enter or Space
//    chooses; the choice goes to Python as the `selected` trait.

const FOCUSABLE = "input, select, textarea, button, a[href], [tabindex], [contenteditable]";

function guard(root) {
  const mark = (node) => {
    if (node.nodeType !== 1) return;
    if (node.matches(FOCUSABLE)) node.setAttribute("data-lm-suppress-shortcuts", "true");
    node.querySelectorAll(FOCUSABLE).forEach((n) => n.setAttribute("data-lm-suppress-shortcuts", "true"));
  };
  mark(root);
  if (root.__p63Guarded) return;
  root.__p63Guarded = true;
  new MutationObserver((records) => {
    for (const r of records) r.addedNodes.forEach(mark);
  }).observe(root, { childList: true, subtree: true });
}

function whenAttached(el, fn, tries = 0) {
  const root = el.closest(".p63");
  if (root) return fn(root);
  if (tries < 200) requestAnimationFrame(() => whenAttached(el, fn, tries + 1));
  else fn(el);
}

function renderKeyguard({ el }) {
  el.classList.add("p63-keyguard");
  whenAttached(el, guard);
}

function renderSvg({ model, el }) {
  el.classList.add("p63-svg");
  let focusId = null;
  const items = () => [...el.querySelectorAll("[data-select]")];
  const draw = () => {
    el.innerHTML = model.get("svg");
    const marks = items();
    const selected = model.get("selected");
    const current = marks.find((m) => m.dataset.select === (focusId ?? selected)) || marks[0];
    marks.forEach((m) => {
      m.setAttribute("role", "button");
      m.setAttribute("tabindex", m === current ? "0" : "-1");
      m.setAttribute("aria-pressed", m.dataset.select === selected ? "true" : "false");
      m.setAttribute("data-lm-suppress-shortcuts", "true");
    });
    if (focusId !== null && current) current.focus();
  };
  const choose = (node) => {
    focusId = node.dataset.select;
    model.set("selected", node.dataset.select);
    model.save_changes();
  };
  el.addEventListener("click", (e) => {
    const t = e.target.closest("[data-select]");
    if (t) choose(t);
  });
  el.addEventListener("keydown", (e) => {
    const t = e.target.closest("[data-select]");
    if (!t) return;
    const marks = items();
    const i = marks.indexOf(t);
    let next = null;
    if (e.key === "Enter" || e.key === " ") {
      e.preventDefault();
      e.stopPropagation();
      choose(t);
      return;
    }
    if (e.key === "ArrowRight" || e.key === "ArrowDown") next = marks[Math.min(marks.length - 1, i + 1)];
    else if (e.key === "ArrowLeft" || e.key === "ArrowUp") next = marks[Math.max(0, i - 1)];
    else if (e.key === "Home") next = marks[0];
    else if (e.key === "End") next = marks[marks.length - 1];
    if (next) {
      e.preventDefault();
      e.stopPropagation();
      t.setAttribute("tabindex", "-1");
      next.setAttribute("tabindex", "0");
      focusId = next.dataset.select;
      next.focus();
    }
  });
  model.on("change:svg", draw);
  model.on("change:selected", draw);
  draw();
  whenAttached(el, guard);
}

export default {
  render(ctx) {
    const kind = ctx.model.get("kind");
    if (kind === "svg") return renderSvg(ctx);
    return renderKeyguard(ctx);
  },
};
