"""What a student sees, measured in the page: contrast, overflow, clipping, SVG text size, focus.

Every probe works on EVERY course widget root on the page (``.p63`` elements that are not inside
another ``.p63``), whatever widget it is, so a widget added later is covered without a new test.
Each returns plain findings (dicts) for the tests to assert on and to write to ``artifacts/``.

- :func:`contrast` -- text (HTML and SVG ``<text>``) against what is behind it, >= 4.5:1
  (3:1 for large text), and SVG marks and lines (fill or stroke, whichever stands out more)
  >= 3:1. Axe checks HTML text only; it skips SVG strokes and fills, which this covers. Shapes
  painted only in the theme's layout (background) colours -- a map's land and sea, a line's
  casing, a shaded period -- are ground, not marks, and are counted apart (``grounds``).
- :func:`layout` -- at the current viewport: controls and text that stick out of their output
  area to the right (outside elements that scroll sideways on purpose), labels and buttons
  whose text is cut (``scrollWidth > clientWidth``), SVG text rendered under 11 px, and
  controls squeezed to nothing (a slider track that vanishes).
- :func:`colour_of` -- one element's text colour, background and ratio, for targeted checks.
- :func:`focus_ring` -- the outline of the focused element and its contrast;
  :func:`focus_each` -- the same for every control of every root, focused in turn.
- :func:`keyboard_state` -- the keyboard guard's marks on every control (JupyterLab's shortcuts
  kept off, ``aria-pressed`` on toggle buttons, radio groups as one named group).

Colours with alpha are composited over what lies behind them (ancestors' backgrounds, down to
the page), and an element's opacity (and its ancestors') fades its colour, as a browser does.
Disabled controls are left out of the contrast check (WCAG 1.4.3 exempts inactive controls).
"""

from __future__ import annotations

#: Widget roots: every course widget root carries ``p63``; nested ones belong to their root.
ROOTS = ".p63"

_LIB = r"""
const P63 = (() => {
  const parse = (s) => {
    if (!s) return null;
    s = s.trim();
    if (s === 'none' || s === 'transparent' || s.startsWith('url(')) return null;
    let m = s.match(/^rgba?\(([^)]+)\)$/);
    if (m) {
      const p = m[1].split(/[\s,\/]+/).filter(Boolean).map(Number);
      return [p[0], p[1], p[2], p.length > 3 ? p[3] : 1];
    }
    m = s.match(/^color\(srgb ([^)]+)\)$/);
    if (m) {
      const p = m[1].split(/[\s\/]+/).filter(Boolean).map(Number);
      return [p[0] * 255, p[1] * 255, p[2] * 255, p.length > 3 ? p[3] : 1];
    }
    return null;
  };
  const over = (top, bottom) => {  // composite top (rgba) over an opaque bottom
    const a = top[3];
    return [0, 1, 2].map(i => top[i] * a + bottom[i] * (1 - a)).concat([1]);
  };
  const lum = (c) => {
    const f = (v) => { v /= 255; return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); };
    return 0.2126 * f(c[0]) + 0.7152 * f(c[1]) + 0.0722 * f(c[2]);
  };
  const ratio = (a, b) => {
    const [x, y] = [lum(a), lum(b)].sort((p, q) => q - p);
    return (x + 0.05) / (y + 0.05);
  };
  const hex = (c) => c ? '#' + c.slice(0, 3).map(v => Math.round(v).toString(16).padStart(2, '0')).join('') : null;
  // The opaque colour behind an element: its own and its ancestors' backgrounds, composited.
  const background = (el) => {
    const layers = [];
    for (let n = el; n && n.nodeType === 1; n = n.parentElement) {
      if (n instanceof SVGElement && !(n instanceof SVGSVGElement)) continue;
      const c = parse(getComputedStyle(n).backgroundColor);
      if (c && c[3] > 0) { layers.push(c); if (c[3] >= 1) break; }
    }
    let bg = [255, 255, 255, 1];
    for (let i = layers.length - 1; i >= 0; i--) bg = over(layers[i], bg);
    return bg;
  };
  const opacity = (el) => {
    let o = 1;
    for (let n = el; n && n.nodeType === 1; n = n.parentElement) {
      const v = parseFloat(getComputedStyle(n).opacity);
      if (!isNaN(v)) o *= v;
    }
    return o;
  };
  const visible = (el) => {
    if (!el.isConnected) return false;
    const r = el.getBoundingClientRect();
    if (r.width <= 1 && r.height <= 1) return false;  // nothing, or "screen reader only"
    const cs = getComputedStyle(el);
    if (cs.visibility === 'hidden' || cs.display === 'none') return false;
    if (el.closest('.p63-sr, [hidden], .lm-mod-hidden, details:not([open]) > :not(summary)')) return false;
    // off-screen "screen reader only" text (left: -10000px); scrolled-away content counts
    if (r.right < -1000) return false;
    for (let n = el; n; n = n.parentElement) {
      const d = getComputedStyle(n).display;
      if (d === 'none') return false;
    }
    return true;
  };
  const roots = () => [...document.querySelectorAll(%ROOTS%)].filter(r => !r.parentElement.closest(%ROOTS%));
  const name = (el) => {
    const root = el.closest(%ROOTS%);
    const cls = [...el.classList].slice(0, 3).join('.');
    const rootCls = root ? [...root.classList].filter(c => c.startsWith('p63-')).join('.') : '';
    const text = (el.textContent || el.getAttribute('aria-label') || '').trim().replace(/\s+/g, ' ').slice(0, 60);
    return {root: rootCls, tag: el.tagName.toLowerCase(), cls, text};
  };
  const ownText = (el) => [...el.childNodes].some(n => n.nodeType === 3 && n.textContent.trim() !== '');
  const disabled = (el) => !!el.closest(':disabled, .mod-disabled, [aria-disabled="true"]')
      || (el.tagName === 'LABEL' && el.control && el.control.disabled);
  return {parse, over, lum, ratio, hex, background, opacity, visible, roots, name, ownText, disabled};
})();
"""


def _js(body: str) -> str:
    return "(arg) => {" + _LIB.replace("%ROOTS%", repr(ROOTS)) + body + "}"


COUNT_ROOTS = _js("return P63.roots().filter(P63.visible).length;")

ROOT_NAMES = _js(
    "return P63.roots().map(r => [...r.classList].filter(c => c.startsWith('p63-')).join(' '));"
)

#: Text and marks against their background.
CONTRAST = _js(r"""
  const out = {text: [], marks: [], checked_text: 0, checked_marks: 0, grounds: 0};
  // Shapes that draw nothing a reader must see: grid lines, shaded periods, hit areas.
  const DECOR = '.p63-grid, .p63-band, .p63-hit-area, .p63-deco, defs *, pattern *, clipPath *, marker *, mask *';
  // The theme's background colours (JupyterLab's layout colours). A shape painted only in these
  // is ground (a map's land and sea, a shaded period) or a halo (a line's casing), not a mark.
  const probe = document.createElement('div');
  document.body.appendChild(probe);
  const layout = [0, 1, 2, 3, 4].map(n => {
    probe.style.backgroundColor = `var(--jp-layout-color${n})`;
    return P63.parse(getComputedStyle(probe).backgroundColor);
  }).filter(Boolean);
  probe.remove();
  const isLayout = (c) => layout.some(l => [0, 1, 2].every(i => Math.abs(l[i] - c[i]) <= 2));
  for (const root of P63.roots()) {
    if (!P63.visible(root)) continue;
    for (const el of root.querySelectorAll('*')) {
      const svgText = el instanceof SVGElement && (el.tagName === 'text' || el.tagName === 'tspan');
      if (svgText || (!(el instanceof SVGElement) && P63.ownText(el))) {
        if (svgText && el.tagName === 'tspan') continue;  // measured with its <text>
        if (!P63.visible(el) || P63.disabled(el)) continue;
        if (['SCRIPT', 'STYLE', 'TITLE', 'OPTION'].includes(el.tagName.toUpperCase())) continue;
        const cs = getComputedStyle(el);
        let fg = P63.parse(svgText ? cs.fill : cs.color);
        if (!fg) continue;
        const bg = P63.background(svgText ? el.ownerSVGElement : el);
        fg = fg.slice(); fg[3] *= P63.opacity(el) * (svgText ? parseFloat(cs.fillOpacity || '1') : 1);
        const seen = P63.over(fg, bg);
        const r = P63.ratio(seen, bg);
        const px = parseFloat(cs.fontSize) * (svgText && el.getScreenCTM() ? el.getScreenCTM().a : 1);
        const bold = parseInt(cs.fontWeight, 10) >= 700;
        const need = (px >= 24 || (bold && px >= 18.66)) ? 3 : 4.5;
        out.checked_text++;
        if (r < need - 0.005) out.text.push({...P63.name(el), fg: P63.hex(seen), bg: P63.hex(bg),
          ratio: Math.round(r * 100) / 100, need});
      } else if (el instanceof SVGGeometryElement) {
        if (el.matches(DECOR) || !P63.visible(el)) continue;
        const cs = getComputedStyle(el);
        const bg = P63.background(el.ownerSVGElement);
        const o = P63.opacity(el);
        let best = 0, seenFill = null, seenStroke = null;
        const fill = P63.parse(cs.fill);
        if (fill && el.tagName !== 'line' && el.tagName !== 'polyline') {
          const c = fill.slice(); c[3] *= o * parseFloat(cs.fillOpacity || '1');
          seenFill = P63.over(c, bg); best = Math.max(best, P63.ratio(seenFill, bg));
        }
        const stroke = P63.parse(cs.stroke);
        if (stroke && parseFloat(cs.strokeWidth) > 0) {
          const c = stroke.slice(); c[3] *= o * parseFloat(cs.strokeOpacity || '1');
          seenStroke = P63.over(c, bg); best = Math.max(best, P63.ratio(seenStroke, bg));
        }
        if (!seenFill && !seenStroke) continue;
        const paints = [seenFill ? fill : null, seenStroke ? stroke : null].filter(Boolean);
        if (paints.every(isLayout)) { out.grounds++; continue; }
        out.checked_marks++;
        if (best < 3 - 0.005) out.marks.push({...P63.name(el), fill: P63.hex(seenFill),
          stroke: P63.hex(seenStroke), bg: P63.hex(bg), ratio: Math.round(best * 100) / 100, need: 3});
      }
    }
  }
  return out;
""")

#: Overflow, clipping and tiny SVG text at the current viewport.
LAYOUT = _js(r"""
  const out = {overflow: [], clipped: [], overlap: [], small_text: [], squeezed: [], roots: 0, svg_texts: 0};
  // Elements that scroll sideways on purpose: what is inside them may be wider than the cell.
  const SCROLLERS = '.p63-svg, .p63-scroll';
  const CONTROLS = 'input, select, textarea, button, label, a, .widget-label, .widget-label-basic, '
    + '.widget-inline-hbox, .widget-toggle-buttons, .widget-radio-box, .lm-TabBar-tab, '
    + '.widget-slider, .slider-container, .p63-button, table, p, li, h1, h2, h3, h4, svg, img, '
    + SCROLLERS;
  const LABELS = 'label, button, .widget-label, .widget-label-basic, .lm-TabBar-tabLabel, '
    + '.widget-toggle-button, .p63-button, summary, .lm-AccordionPanel-title, .jupyter-widget-Collapse-header';
  for (const root of P63.roots()) {
    if (!P63.visible(root)) continue;
    out.roots++;
    const area = root.closest('.jp-OutputArea-output') || root.parentElement;
    const limit = area.getBoundingClientRect().right;
    for (const el of root.querySelectorAll(CONTROLS)) {
      if (!P63.visible(el)) continue;
      const r = el.getBoundingClientRect();
      // Inside something that scrolls sideways on purpose (a wide chart, a wide table)? Any
      // other box that scrolls or clips (ipywidgets boxes scroll) hides what sticks out.
      let deliberate = false, hiddenBy = null;
      for (let n = el.parentElement; n && n !== area.parentElement; n = n.parentElement) {
        if (n.matches(SCROLLERS)) { deliberate = true; break; }
        const ox = getComputedStyle(n).overflowX;
        if (ox !== 'visible' && r.right > n.getBoundingClientRect().right + 1) { hiddenBy = n; break; }
      }
      if (deliberate) continue;
      if (hiddenBy) {
        out.overflow.push({...P63.name(el), right: Math.round(r.right),
          limit: Math.round(hiddenBy.getBoundingClientRect().right),
          by: (P63.name(hiddenBy).cls || hiddenBy.tagName.toLowerCase())});
        continue;
      }
      if (r.right > limit + 1) out.overflow.push({...P63.name(el), right: Math.round(r.right), limit: Math.round(limit)});
    }
    for (const el of root.querySelectorAll(LABELS)) {
      if (!P63.visible(el)) continue;
      // Text wider than its box is cut (overflow hidden, an ellipsis) or spills over its
      // neighbours (overflow visible): either way the label does not read as it should.
      if (el.scrollWidth > el.clientWidth + 1) {
        out.clipped.push({...P63.name(el), scrollWidth: el.scrollWidth, clientWidth: el.clientWidth});
      }
    }
    for (const t of root.querySelectorAll('svg text')) {
      if (!P63.visible(t) || !t.textContent.trim()) continue;
      out.svg_texts++;
      const ctm = t.getScreenCTM();
      const px = parseFloat(getComputedStyle(t).fontSize) * (ctm ? Math.hypot(ctm.a, ctm.b) : 1);
      if (px < 11 - 0.05) out.small_text.push({...P63.name(t), px: Math.round(px * 10) / 10});
    }
    // SVG text that runs out of its chart, or over another text of the same chart.
    for (const svg of root.querySelectorAll('svg')) {
      if (!P63.visible(svg)) continue;
      const box = svg.getBoundingClientRect();
      const texts = [...svg.querySelectorAll('text')].filter(t => P63.visible(t) && t.textContent.trim())
        .map(t => ({t, r: t.getBoundingClientRect()}));
      for (const {t, r} of texts) {
        if (r.left < box.left - 1 || r.right > box.right + 1 || r.top < box.top - 1 || r.bottom > box.bottom + 1)
          out.clipped.push({...P63.name(t), outside: 'svg', left: Math.round(r.left - box.left),
            right: Math.round(r.right - box.left), width: Math.round(box.width)});
      }
      for (let i = 0; i < texts.length; i++) for (let j = i + 1; j < texts.length; j++) {
        const a = texts[i].r, b = texts[j].r;
        // glyph boxes include line spacing: count an overlap of more than 3 px each way
        const dx = Math.min(a.right, b.right) - Math.max(a.left, b.left);
        const dy = Math.min(a.bottom, b.bottom) - Math.max(a.top, b.top);
        if (dx > 3 && dy > 3) out.overlap.push({a: P63.name(texts[i].t), b: P63.name(texts[j].t),
          dx: Math.round(dx), dy: Math.round(dy)});
      }
    }
    for (const el of root.querySelectorAll('input:not([type=checkbox]):not([type=radio]), select, textarea, .slider-container, .noUi-target')) {
      if (!P63.visible(el)) continue;
      const w = el.getBoundingClientRect().width;
      if (w < 40) out.squeezed.push({...P63.name(el), width: Math.round(w)});
    }
  }
  return out;
""")

#: One element's colour against its background: arg is a CSS selector; every match.
COLOUR_OF = _js(r"""
  return [...document.querySelectorAll(arg)].filter(P63.visible).map(el => {
    const svgText = el instanceof SVGElement;
    const cs = getComputedStyle(el);
    let fg = P63.parse(svgText ? cs.fill : cs.color);
    const bg = P63.background(svgText ? el.ownerSVGElement : el);
    fg = fg.slice(); fg[3] *= P63.opacity(el);
    const seen = P63.over(fg, bg);
    return {...P63.name(el), fg: P63.hex(seen), bg: P63.hex(bg), ratio: Math.round(P63.ratio(seen, bg) * 100) / 100};
  });
""")

#: The focused element's outline (style, width, colour) and its contrast with the background.
FOCUS_RING = _js(r"""
  const el = document.activeElement;
  if (!el || el === document.body) return null;
  const cs = getComputedStyle(el);
  const colour = P63.parse(cs.outlineColor);
  const width = parseFloat(cs.outlineWidth) || 0;
  // the ring is drawn outside the element (outline-offset): against its parent's background
  const bg = P63.background(el instanceof SVGElement ? el.ownerSVGElement : el.parentElement);
  // An SVG mark shows focus on its hit area's stroke instead of an outline.
  let ring = colour && cs.outlineStyle !== 'none' ? {colour, width} : null;
  if (el instanceof SVGElement) {
    const hit = el.querySelector('.p63-hit-area');
    if (hit) {
      const hs = getComputedStyle(hit);
      const ctm = hit.getScreenCTM();
      const c = P63.parse(hs.stroke);
      if (c) ring = {colour: c, width: parseFloat(hs.strokeWidth) * (ctm ? ctm.a : 1)};
    }
  }
  if (!ring) return {...P63.name(el), style: cs.outlineStyle, width: 0, ratio: 0};
  const seen = P63.over(ring.colour, bg);
  return {...P63.name(el), style: cs.outlineStyle, width: Math.round(ring.width * 10) / 10,
          colour: P63.hex(seen), bg: P63.hex(bg), ratio: Math.round(P63.ratio(seen, bg) * 100) / 100};
""")


#: What the keyboard guard promises, on every control of every root: JupyterLab's shortcuts kept
#: off (data-lm-suppress-shortcuts), toggle buttons that say whether they are pressed, radio
#: groups that are one named group (one Tab stop, arrow keys).
KEYBOARD_STATE = _js(r"""
  const out = {unguarded: [], toggles: [], radios: [], controls: 0};
  const FOCUSABLE = 'input, select, textarea, button, a[href], [tabindex]';
  for (const root of P63.roots()) {
    if (!P63.visible(root)) continue;
    for (const el of root.querySelectorAll(FOCUSABLE)) {
      if (!P63.visible(el) || el.tabIndex < -1) continue;
      out.controls++;
      if (!el.hasAttribute('data-lm-suppress-shortcuts')) out.unguarded.push(P63.name(el));
    }
    for (const b of root.querySelectorAll('.widget-toggle-buttons button, button.widget-toggle-button')) {
      const want = b.classList.contains('mod-active') ? 'true' : 'false';
      if (b.getAttribute('aria-pressed') !== want)
        out.toggles.push({...P63.name(b), aria_pressed: b.getAttribute('aria-pressed'), want});
    }
    for (const box of root.querySelectorAll('.widget-radio-box')) {
      const names = new Set([...box.querySelectorAll('input[type=radio]')].map(r => r.name));
      if (names.size !== 1 || names.has('') || box.getAttribute('role') !== 'radiogroup')
        out.radios.push({...P63.name(box), names: [...names], role: box.getAttribute('role')});
    }
  }
  return out;
""")

#: Focus every control of every root in turn (as Tab would) and measure its focus ring.
FOCUS_EACH = _js(r"""
  const out = {weak: [], checked: 0};
  const FOCUSABLE = 'input, select, textarea, button, a[href], [tabindex="0"]';
  for (const root of P63.roots()) {
    if (!P63.visible(root)) continue;
    for (const el of root.querySelectorAll(FOCUSABLE)) {
      if (!P63.visible(el) || el.disabled || el.tabIndex < 0) continue;
      el.focus({preventScroll: true, focusVisible: true});
      if (document.activeElement !== el) continue;
      out.checked++;
      const cs = getComputedStyle(el);
      let colour = P63.parse(cs.outlineColor), width = cs.outlineStyle === 'none' ? 0 : parseFloat(cs.outlineWidth) || 0;
      const hit = el instanceof SVGElement ? el.querySelector('.p63-hit-area') : null;
      if (hit) {
        const hs = getComputedStyle(hit), ctm = hit.getScreenCTM();
        colour = P63.parse(hs.stroke); width = colour ? parseFloat(hs.strokeWidth) * (ctm ? ctm.a : 1) : 0;
      }
      const bg = P63.background(el instanceof SVGElement ? el.ownerSVGElement : el.parentElement);
      const ratio = colour ? P63.ratio(P63.over(colour, bg), bg) : 0;
      if (width < 2 - 0.05 || ratio < 3 - 0.005)
        out.weak.push({...P63.name(el), width: Math.round(width * 10) / 10,
          colour: colour ? P63.hex(P63.over(colour, bg)) : null, bg: P63.hex(bg), ratio: Math.round(ratio * 100) / 100});
      el.blur();
    }
  }
  return out;
""")


def keyboard_state(page) -> dict:
    """Controls without the guard, toggle buttons without a true aria-pressed, radio groups
    that are not one named group."""
    return page.evaluate(KEYBOARD_STATE)


def focus_each(page) -> dict:
    """Every control whose focus ring is under 2 px or under 3:1 against its background."""
    return page.evaluate(FOCUS_EACH)


def count_roots(page) -> int:
    """How many course widget roots are visible on the page."""
    return page.evaluate(COUNT_ROOTS)


def root_names(page) -> list[str]:
    """The ``p63-*`` classes of every root (``"p63-reader"`` ...)."""
    return page.evaluate(ROOT_NAMES)


def contrast(page) -> dict:
    """Text below 4.5:1 (3:1 large) and marks below 3:1 in every course widget root."""
    return page.evaluate(CONTRAST)


def layout(page) -> dict:
    """Overflow, clipped labels, SVG text under 11 px and squeezed controls in every root."""
    return page.evaluate(LAYOUT)


def colour_of(page, selector: str) -> list[dict]:
    """Colour, background and contrast ratio of every visible element matching ``selector``."""
    return page.evaluate(COLOUR_OF, selector)


def focus_ring(page) -> dict | None:
    """The focused element's outline width (px), colour and its contrast with the background."""
    return page.evaluate(FOCUS_RING)
