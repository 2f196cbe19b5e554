// Pyongyang 1963: the browser mirror (anywidget ESM). Shipped with the package; no network.
// Keeps one text, the copy of the learner's work, in this browser's localStorage under the key
// the kernel gives (`key`). Every decision is made in Python (course_lib/mirror.py); this file
// only reads, writes and deletes that one entry and reports what happened:
//  - when the widget's model starts, it sends what the browser holds: {kind: "copy", text};
//  - {kind: "store", text} from Python replaces the entry; {kind: "forget"} deletes it;
//    {kind: "keep", suffix} copies it, unchanged, to the key + suffix (before an unusable copy
//    is replaced); each is answered with {kind: "stored" | "forgotten" | "kept", ok, error}.
// A browser that refuses storage (private mode, a full quota) is reported, never thrown.

function problem(e) {
  if (!e) return "unknown error";
  const name = e.name || "Error";
  if (name === "QuotaExceededError") return "this browser has no room left for the copy";
  if (name === "SecurityError") return "this browser does not let pages keep data";
  return `${name}: ${e.message || ""}`.slice(0, 200);
}

function storage() {
  // Reading window.localStorage itself throws where storage is blocked.
  return window.localStorage;
}

function read(key) {
  try {
    return { kind: "copy", text: storage().getItem(key) };
  } catch (e) {
    return { kind: "copy", text: null, error: problem(e) };
  }
}

export default {
  initialize({ model }) {
    const key = () => model.get("key");
    const onMessage = (msg) => {
      if (!msg || typeof msg !== "object") return;
      try {
        if (msg.kind === "store" && typeof msg.text === "string") {
          storage().setItem(key(), msg.text);
          model.send({ kind: "stored", ok: true, chars: msg.text.length });
        } else if (msg.kind === "forget") {
          storage().removeItem(key());
          model.send({ kind: "forgotten", ok: true });
        } else if (msg.kind === "keep" && typeof msg.suffix === "string") {
          const text = storage().getItem(key());
          if (text !== null) storage().setItem(key() + msg.suffix, text);
          model.send({ kind: "kept", ok: true });
        }
      } catch (e) {
        const reply = { store: "stored", forget: "forgotten", keep: "kept" }[msg.kind];
        if (reply) model.send({ kind: reply, ok: false, error: problem(e) });
      }
    };
    model.on("msg:custom", onMessage);
    model.send(read(key()));
    return () => model.off("msg:custom", onMessage);
  },
  render({ el }) {
    el.classList.add("p63-mirror");
    el.hidden = true;
  },
};
