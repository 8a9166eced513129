// The document store: the server's document is the truth. Every edit changes a copy,
// posts it to document.json and keeps what the server answers; a refused save puts the
// canvas back and says why; a save against a newer version becomes a conflict the user
// resolves. It owns the document, the version, the analysis, undo/redo and the queue of
// saves, and talks to the rest of the editor only through `hooks`.

import * as ops from "./editor-ops.js";

const HISTORY_LIMIT = 50;

function csrfToken() {
  const headers = document.body.getAttribute("hx-headers");
  if (headers) {
    try {
      const token = JSON.parse(headers)["X-CSRFToken"];
      if (token) return token;
    } catch {
      // not JSON: fall through to the form field and the cookie
    }
  }
  const field = document.querySelector("input[name=csrfmiddlewaretoken]");
  if (field) return field.value;
  const cookie = document.cookie.split("; ").find((c) => c.startsWith("csrftoken="));
  return cookie ? decodeURIComponent(cookie.split("=")[1]) : "";
}

/** ": 2 findings fixed, 1 new" between two analyses, or "" when the findings stayed. */
export function findingsChange(before, after) {
  const was = new Set(((before && before.findings) || []).map((f) => f.fingerprint));
  const now = new Set(((after && after.findings) || []).map((f) => f.fingerprint));
  const fixed = [...was].filter((f) => !now.has(f)).length;
  const added = [...now].filter((f) => !was.has(f)).length;
  const parts = [];
  if (fixed) parts.push(`${fixed} finding${fixed === 1 ? "" : "s"} fixed`);
  if (added) parts.push(`${added} new`);
  return parts.length ? `: ${parts.join(", ")}` : "";
}

export class DocumentStore {
  /**
   * hooks: positions() -> Map of element ID -> canvas position; frames() -> Map of
   * boundary ID -> {position, size} for the framed boundaries; show(doc) draws a
   * document; accepted(before, announce) after the server's version was taken (announce:
   * it is a change made here, the panels must follow); status(text);
   * alert(message, details); clearAlert(); conflict(body, label, retry); busy().
   */
  constructor({ document, version, analysis, urls, canEdit }, hooks) {
    this.doc = document;
    this.version = version;
    this.analysis = analysis || { findings: [] };
    this.urls = urls || {};
    this.canEdit = canEdit;
    this.hooks = hooks;
    this.undoStack = [];
    this.redoStack = [];
    this.queue = Promise.resolve();
    this.pending = 0;
    this.layoutOnly = false; // the last version the server answered only moved things
  }

  enqueue(task) {
    this.pending += 1;
    this.hooks.busy();
    const run = this.queue.then(task).finally(() => {
      this.pending -= 1;
      this.hooks.busy();
    });
    this.queue = run.catch(() => {});
    return run;
  }

  /**
   * Applies `change` to a copy of the document (with the canvas positions) and saves it.
   * `label` says what it did, for the status line and the undo history. Resolves to what
   * `change` returned when the server accepted it, else to undefined.
   */
  commit(label, change) {
    if (!this.canEdit) return Promise.resolve(undefined);
    return this.enqueue(async () => {
      const next = ops.clone(this.doc);
      ops.setPositions(next, this.hooks.positions());
      if (this.hooks.frames) ops.setFrames(next, this.hooks.frames());
      const result = change(next);
      if (result === false || JSON.stringify(next) === JSON.stringify(this.doc)) return undefined;
      const saved = await this.save(next, label, { retry: { label, change } });
      return saved ? result : undefined;
    });
  }

  async save(next, label, { retry = null, history = "undo" } = {}) {
    const before = this.doc;
    this.hooks.clearAlert();
    this.hooks.show(next);
    this.hooks.status("Saving\u2026");
    let response;
    let body = null;
    try {
      response = await fetch(this.urls.document, {
        method: "POST",
        credentials: "same-origin",
        headers: {
          "Content-Type": "application/json",
          Accept: "application/json",
          "X-CSRFToken": csrfToken(),
        },
        body: JSON.stringify({ base_version: this.version, document: next }),
      });
      body = await response.json().catch(() => null);
    } catch (error) {
      this.hooks.show(before);
      this.hooks.alert("Not saved: the server could not be reached. Your diagram is unchanged.", [
        String(error.message || error),
      ]);
      this.hooks.status(`Version ${this.version}`);
      return false;
    }
    if (response.ok && body) {
      const was = this.analysis;
      this.accept(body, before, true);
      this.remember(before, label, history);
      this.hooks.status(`Saved: ${label}${findingsChange(was, this.analysis)} (version ${this.version})`);
      return true;
    }
    this.hooks.show(before);
    this.hooks.status(`Version ${this.version}`);
    if (response.status === 400 && body && body.errors) {
      this.hooks.alert(
        `Not saved: ${label}. The model would not be valid:`,
        body.errors.map((e) => `${e.location ? `${e.location}: ` : ""}${e.message}`),
      );
    } else if (response.status === 409 && body) {
      this.hooks.conflict(body, label, history === "undo" ? retry : null);
    } else if (response.status === 403) {
      this.hooks.alert("Not saved: you can view this system but not edit it.");
    } else {
      this.hooks.alert(`Not saved: ${label}. The server answered ${response.status}.`);
    }
    return false;
  }

  remember(before, label, history) {
    if (history === "undo") {
      this.undoStack.push({ doc: before, label });
      this.redoStack = [];
    } else if (history === "redo") {
      this.redoStack.push({ doc: before, label });
    } else if (history === "undo-keep-redo") {
      this.undoStack.push({ doc: before, label });
    }
    if (this.undoStack.length > HISTORY_LIMIT) this.undoStack.shift();
  }

  /** Takes the server's answer as the truth; `before` is what the canvas showed. */
  accept(body, before, announce) {
    this.doc = body.document;
    this.version = body.version;
    // A move's answer leaves the findings out: they, and the model's tables, are as
    // they were (the server checked only the layout).
    this.layoutOnly = !body.analysis;
    this.analysis = body.analysis || this.analysis;
    this.hooks.accepted(before, announce);
  }

  undo() {
    if (!this.canEdit || !this.undoStack.length) return Promise.resolve();
    return this.enqueue(async () => {
      const entry = this.undoStack.pop();
      const ok = await this.save(entry.doc, `undo ${entry.label}`, { history: "redo" });
      if (!ok) this.undoStack.push(entry);
      else this.redoStack[this.redoStack.length - 1].label = entry.label;
    });
  }

  redo() {
    if (!this.canEdit || !this.redoStack.length) return Promise.resolve();
    return this.enqueue(async () => {
      const entry = this.redoStack.pop();
      const ok = await this.save(entry.doc, `redo ${entry.label}`, {
        history: "undo-keep-redo",
      });
      if (!ok) this.redoStack.push(entry);
      else this.undoStack[this.undoStack.length - 1].label = entry.label;
    });
  }

  /** Fetches the server's current document (after a form saved, or to resolve a conflict). */
  async reload({ rememberAs = null } = {}) {
    const response = await fetch(this.urls.document, {
      credentials: "same-origin",
      headers: { Accept: "application/json" },
    });
    if (!response.ok) {
      this.hooks.alert(`Could not load the latest version: the server answered ${response.status}.`);
      return;
    }
    const body = await response.json();
    const before = this.doc;
    const changed = body.version !== this.version;
    this.accept(body, before, false);
    if (rememberAs && changed) this.remember(before, rememberAs, "undo");
    this.hooks.status(`Version ${this.version}`);
    this.hooks.busy();
  }

  /** The automatic layout of the saved document (reviews/layout.py), or null. */
  async fetchLayout() {
    let response;
    try {
      response = await fetch(this.urls.layout, {
        credentials: "same-origin",
        headers: { Accept: "application/json" },
      });
    } catch {
      this.hooks.alert("Could not arrange the diagram: the server could not be reached.");
      return null;
    }
    const body = await response.json().catch(() => null);
    if (!response.ok || !body) {
      this.hooks.alert((body && body.error) || `Could not arrange the diagram (${response.status}).`);
      return null;
    }
    return body;
  }

  /** Someone else's newer version replaces ours; the undo history no longer applies. */
  takeServerVersion(body) {
    const before = this.doc;
    this.undoStack = [];
    this.redoStack = [];
    this.accept(body, before, true);
    this.hooks.status(`Loaded version ${this.version}`);
    this.hooks.busy();
  }
}
