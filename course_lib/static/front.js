// Pyongyang 1963: the course's front-end helpers (anywidget ESM). Shipped with the package; no
// network. Two components:
//  - keyguard: marks every control inside a course widget with data-lm-suppress-shortcuts, so
//    that JupyterLab's notebook shortcuts (ArrowDown = next cell ...) leave the control's own
//    keys alone: a focused dropdown or radio group changes its value, as in Voila. It also
//    gives toggle buttons aria-pressed (kept in step with ipywidgets' mod-active class), labels
//    toggle groups, and names each radio group so that it is one Tab stop with arrow keys.
//  - svg: an SVG chart whose marks ([data-select]) can be chosen by mouse or keyboard. One Tab
//    stop for the whole chart (a roving tabindex); arrows move between marks; Enter or Space
//    chooses; the choice goes to Python as the `selected` trait.

const FOCUSABLE = "input, select, textarea, button, a[href], [tabindex], [contenteditable]";
let uid = 0;
const newId = (prefix) => `p63-${prefix}-${++uid}`;

// The description label of an ipywidgets control (its first .widget-label child), given an id.
function labelId(widget) {
  const label = widget.querySelector(":scope > .widget-label");
  if (!label || !label.textContent.trim()) return null;
  if (!label.id) label.id = newId("label");
  return label.id;
}

// Toggle buttons say whether they are pressed: ipywidgets shows it only by the class mod-active.
function pressed(button) {
  button.setAttribute("aria-pressed", button.classList.contains("mod-active") ? "true" : "false");
}

// A group of toggle buttons is one labelled group; a radio group is one named group, so the
// browser makes it one Tab stop (the checked radio) and the arrow keys move the choice.
function groups(node) {
  const scope = node.matches(".widget-toggle-buttons, .widget-radio") ? [node] : [];
  scope.push(...node.querySelectorAll(".widget-toggle-buttons, .widget-radio"));
  for (const widget of scope) {
    const id = labelId(widget);
    if (widget.classList.contains("widget-toggle-buttons")) {
      const group = widget.querySelector(":scope > div:not(.widget-label)") || widget;
      group.setAttribute("role", "group");
      if (id) group.setAttribute("aria-labelledby", id);
      continue;
    }
    const box = widget.querySelector(".widget-radio-box");
    if (!box) continue;
    box.setAttribute("role", "radiogroup");
    if (id) box.setAttribute("aria-labelledby", id);
    if (!box.dataset.p63Name) box.dataset.p63Name = newId("radio");
    box.querySelectorAll('input[type="radio"]').forEach((r) => {
      r.name = box.dataset.p63Name;
    });
  }
}

function guard(root) {
  const mark = (node) => {
    if (node.nodeType !== 1) return;
    if (node.matches(FOCUSABLE)) node.setAttribute("data-lm-suppress-shortcuts", "true");
    node.querySelectorAll(FOCUSABLE).forEach((n) => n.setAttribute("data-lm-suppress-shortcuts", "true"));
    const toggles = node.querySelectorAll(".widget-toggle-buttons button, button.widget-toggle-button");
    toggles.forEach(pressed);
    if (node.matches(".widget-toggle-buttons button, button.widget-toggle-button")) pressed(node);
    groups(node);
  };
  mark(root);
  if (root.__p63Guarded) return;
  root.__p63Guarded = true;
  new MutationObserver((records) => {
    for (const r of records) {
      if (r.type === "attributes") {
        const t = r.target;
        if (t.matches(".widget-toggle-buttons button, button.widget-toggle-button")) pressed(t);
      } else {
        r.addedNodes.forEach(mark);
        // options replaced inside a radio box or toggle group: regroup its parent widget
        if (r.target.nodeType === 1 && r.target.closest(".widget-radio, .widget-toggle-buttons"))
          groups(r.target.closest(".widget-radio, .widget-toggle-buttons"));
      }
    }
  }).observe(root, { childList: true, subtree: true, attributes: true, attributeFilter: ["class"] });
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
    // Redrawn (new years, a choice): keep the focus on the chart only if it was there, so that
    // ticking a box that changes the chart never pulls the focus away from the box.
    const hadFocus = el.contains(document.activeElement);
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
    if (hadFocus && current) current.focus();
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
