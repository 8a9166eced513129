// The diagram editor on the system page. The server's document is the truth: every
// operation edits a copy, posts it to document.json, and the canvas then shows what the
// server kept (or goes back, with the reason, when the save fails).

import {
  BADGE,
  BOUNDARY,
  ELEMENT,
  FLOW,
  findingsByItem,
  protectedSet,
  stylesheet,
  toCytoscape,
} from "./editor-graph.js";
import { tidyPositions } from "./editor-layout.js";
import * as ops from "./editor-ops.js";
import { fillLegend, fillPalette, renderKeys } from "./editor-panels.js";

const HISTORY_LIMIT = 50;
const MAX_FOCUS_ZOOM = 1.3;
// Up to this many elements the force-directed layout is quick and reads well; above it
// the tidy grid layout keeps opening a large import instant.
const FORCE_LAYOUT_LIMIT = 120;
const BADGE_MIN_ZOOM = 0.45;
const MANAGED = new Set(["boundary", "element", "flow", "badge"]);
// Canvas item types -> the document sections of the web app's property form URLs.
const SECTIONS = { element: "elements", flow: "flows", boundary: "boundaries", key: "keys" };

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

function isTyping(target) {
  if (!target || !target.closest) return false;
  return Boolean(
    target.closest("input, textarea, select, [contenteditable=''], [contenteditable=true]"),
  );
}

function splitIds(value) {
  return (value || "").split(/[\s,]+/).filter(Boolean);
}

function seededRandom(seed) {
  // mulberry32: a layout that is the same every time the same document is opened
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Sets only what changed: restyling 1,000 unchanged elements is what makes saves slow. */
function updateData(ele, data, classes) {
  const changed = {};
  let any = false;
  for (const [key, value] of Object.entries(data)) {
    if (ele.data(key) !== value) {
      changed[key] = value;
      any = true;
    }
  }
  if (any) ele.data(changed);
  if (ele.scratch("_classes") !== classes) {
    ele.classes(classes);
    ele.scratch("_classes", classes);
  }
}

export class Editor {
  constructor(root, data) {
    this.root = root;
    this.doc = data.document;
    this.version = data.version;
    this.analysis = data.analysis || { findings: [] };
    this.urls = data.urls || {};
    this.canEdit = Boolean(data.can_edit);
    this.undoStack = [];
    this.redoStack = [];
    this.queue = Promise.resolve();
    this.pending = 0;
    this.connectMode = false;
    this.connecting = null;
    this.shiftHeld = false;
    this.dropZones = null;
    this.propertiesFor = null;
    this.activeKey = null;
    this.placements = new Map(); // canvas ID -> where a new boundary was dropped
    this.findings = findingsByItem(this.analysis);
    this.el = {
      canvas: root.querySelector("#editor-canvas"),
      palette: root.querySelector("#editor-palette"),
      legend: root.querySelector("#editor-legend"),
      keys: root.querySelector("#editor-keys"),
      status: root.querySelector("#editor-status"),
      alert: root.querySelector("#editor-alert"),
      tooltip: root.querySelector("#editor-tooltip"),
      toolbar: root.querySelector("#editor-toolbar"),
    };
    const properties = document.getElementById("properties");
    this.initialProperties = properties ? properties.outerHTML : null;
    this.large = (this.doc.elements || []).length > FORCE_LAYOUT_LIMIT;
    // Zoomed out on a large model, labels and padlocks are left out until zoomed in.
    this.view = { labels: !this.large };
    this.cy = this.createCytoscape();
    this.render(this.doc, { fit: true });
    this.bindCanvas();
    this.bindToolbar();
    this.bindKeyboard();
    this.bindPage();
    if (this.el.palette) fillPalette(this.el.palette, this);
    if (this.el.legend) fillLegend(this.el.legend);
    this.refreshKeys();
    this.updateButtons();
    this.root.classList.add("editor-ready");
  }

  // ---- Cytoscape -------------------------------------------------------------------

  createCytoscape() {
    const cytoscape = window.cytoscape;
    if (window.cytoscapeFcose && !Editor.fcoseRegistered) {
      cytoscape.use(window.cytoscapeFcose);
      Editor.fcoseRegistered = true;
    }
    return cytoscape({
      container: this.el.canvas,
      style: stylesheet({ large: this.large, view: this.view }),
      minZoom: 0.08,
      maxZoom: 3,
      boxSelectionEnabled: this.canEdit,
      autoungrabify: !this.canEdit,
      selectionType: "single",
    });
  }

  /** Makes the canvas show `doc`: adds, updates, reparents and removes in place. */
  render(doc, { fit = false } = {}) {
    this.rendering = true;
    try {
      this.sync(doc, { fit });
    } finally {
      this.rendering = false;
    }
  }

  sync(doc, { fit }) {
    const cy = this.cy;
    if (fit) this.badgesVisible = false; // the fitted zoom decides, below
    const definitions = toCytoscape(doc, this.analysis).filter(
      (d) => this.badgesVisible !== false || d.data.type !== "badge",
    );
    const wanted = new Map(definitions.map((d) => [d.data.id, d]));
    const unplaced = [];
    const fresh = !cy.nodes(".element").length;
    if (cy.elements().empty()) {
      // Opening: everything at once, which is much cheaper than one by one.
      const added = cy.add(definitions);
      added.nodes().forEach((node) => {
        const definition = wanted.get(node.id());
        if (!definition.position && node.data("type") !== "badge") unplaced.push(node);
        node.scratch("_classes", definition.classes);
      });
      added.edges().forEach((edge) => edge.scratch("_classes", wanted.get(edge.id()).classes));
    } else cy.batch(() => {
      for (const definition of definitions) {
        if (definition.group !== "nodes") continue;
        const { id, parent, ...data } = definition.data;
        let node = cy.getElementById(id);
        if (node.empty()) {
          node = cy.add(definition);
          if (!definition.position && data.type !== "badge") unplaced.push(node);
          continue;
        }
        if ((node.data("parent") || undefined) !== parent) node.move({ parent: parent ?? null });
        updateData(node, data, definition.classes);
        const position = definition.position;
        if (position && data.type === "element") {
          const current = node.position();
          if (Math.abs(current.x - position.x) > 0.5 || Math.abs(current.y - position.y) > 0.5) {
            node.position(position);
          }
        }
      }
      for (const definition of definitions) {
        if (definition.group !== "edges") continue;
        const { id, source, target, ...data } = definition.data;
        const edge = cy.getElementById(id);
        if (edge.empty()) {
          cy.add(definition);
          continue;
        }
        if (edge.data("source") !== source || edge.data("target") !== target) {
          edge.move({ source, target });
        }
        updateData(edge, data, definition.classes);
      }
      cy.elements()
        .filter((ele) => MANAGED.has(ele.data("type")) && !wanted.has(ele.id()))
        .remove();
    });
    const elements = cy.nodes(".element");
    if (fresh && elements.length && !(doc.elements || []).some((e) => e.position)) {
      this.autoLayout();
    } else if (unplaced.length) {
      // Boundaries with members sit around them; only empty ones need a place.
      const lonely = cy.collection(unplaced).filter((n) => n.inside() && !n.isParent());
      if (lonely.length) this.place(lonely);
    }
    if (fit) {
      this.fit();
      if (cy.zoom() >= BADGE_MIN_ZOOM) {
        this.badgesVisible = true;
        cy.add(toCytoscape(doc, this.analysis).filter((d) => d.data.type === "badge"));
        if (this.large) {
          this.view.labels = true;
          cy.style().update();
        }
      }
    }
    this.updateBadges();
    this.reapplyHighlight();
  }

  /** A force-directed layout that knows about boundaries; seeded, so it is repeatable. */
  autoLayout() {
    const cy = this.cy;
    if (cy.nodes(".element").length > FORCE_LAYOUT_LIMIT || !window.cytoscapeFcose) {
      const positions = tidyPositions(cy);
      cy.batch(() => positions.forEach((position, node) => node.position(position)));
      this.updateBadges();
      return;
    }
    const eles = cy.elements().filter((e) => e.data("type") !== "badge" && !e.hasClass("ghost"));
    const options = window.cytoscapeFcose
      ? {
          name: "fcose",
          quality: "proof",
          randomize: true,
          animate: false,
          fit: false,
          nodeDimensionsIncludeLabels: true,
          idealEdgeLength: 95,
          edgeElasticity: 0.45,
          nodeRepulsion: 6500,
          nodeSeparation: 80,
          nestingFactor: 0.1,
          gravity: 0.4,
          gravityCompound: 1.2,
          gravityRangeCompound: 1.2,
          tile: true,
          packComponents: true,
        }
      : { name: "cose", animate: false, fit: false, randomize: true, nodeDimensionsIncludeLabels: true };
    const random = Math.random;
    Math.random = seededRandom(eles.length * 7919 + 17);
    try {
      eles.layout(options).run();
    } finally {
      Math.random = random;
    }
    this.updateBadges();
  }

  /** Puts nodes that have no position yet on a free spot near where they belong. */
  place(nodes) {
    const cy = this.cy;
    const taken = cy
      .nodes(".element")
      .filter((n) => !nodes.contains(n))
      .map((n) => n.boundingBox({ includeLabels: true }));
    for (const node of nodes) {
      let near = this.placements.get(node.id());
      if (!near) {
        const siblings = node.parent().nonempty()
          ? node.parent().children().filter((c) => !nodes.contains(c))
          : cy.collection();
        if (siblings.length) {
          const box = siblings.boundingBox({ includeLabels: true });
          near = { x: box.x2 + 70, y: (box.y1 + box.y2) / 2 };
        } else if (taken.length) {
          const box = cy
            .nodes(".element")
            .filter((n) => !nodes.contains(n))
            .boundingBox({ includeLabels: true });
          near = { x: box.x2 + 110, y: box.y1 + 30 };
        } else {
          near = { x: 0, y: 0 };
        }
      }
      const spot = this.freeSpot(near, taken);
      if (node.isParent()) {
        // an empty boundary holding only other new items: move it as a block
        node.descendants().shift({ x: spot.x - node.position().x, y: spot.y - node.position().y });
      } else {
        node.position(spot);
      }
      taken.push(node.boundingBox({ includeLabels: true }));
    }
  }

  freeSpot(near, taken, margin = 26) {
    const clear = (p) =>
      taken.every(
        (b) =>
          p.x + 45 + margin < b.x1 ||
          p.x - 45 - margin > b.x2 ||
          p.y + 45 + margin < b.y1 ||
          p.y - 45 - margin > b.y2,
      );
    if (clear(near)) return near;
    const step = { x: 120, y: 105 };
    for (let ring = 1; ring < 40; ring += 1) {
      for (let dy = -ring; dy <= ring; dy += 1) {
        for (let dx = -ring; dx <= ring; dx += 1) {
          if (Math.max(Math.abs(dx), Math.abs(dy)) !== ring) continue;
          const p = { x: near.x + dx * step.x, y: near.y + dy * step.y };
          if (clear(p)) return p;
        }
      }
    }
    return near;
  }

  /**
   * Below this zoom the padlocks are too small to see, and they are left out: one node
   * per hop is half of what Cytoscape styles and measures on a large model.
   */
  showBadges() {
    const visible = this.cy.zoom() >= BADGE_MIN_ZOOM;
    if (this.large && visible !== this.view.labels) {
      this.view.labels = visible;
      this.cy.style().update();
    }
    if (visible === this.badgesVisible) return;
    this.badgesVisible = visible;
    if (this.rendering) return;
    this.render(this.doc);
  }

  /** The padlock badges sit in the middle of their hops. */
  updateBadges(edges) {
    const cy = this.cy;
    const flows = edges || cy.edges(".flow");
    // A lone edge between two nodes is straight: its middle is between their centres.
    // Parallel edges curve apart, and only Cytoscape knows where their middles are.
    const pairs = new Map();
    const pairOf = (edge) => {
      const a = edge.data("source");
      const b = edge.data("target");
      return a < b ? `${a}|${b}` : `${b}|${a}`;
    };
    if (!edges) cy.edges(".flow").forEach((e) => pairs.set(pairOf(e), (pairs.get(pairOf(e)) || 0) + 1));
    cy.batch(() => {
      flows.forEach((edge) => {
        const badge = cy.getElementById(BADGE + edge.data("ref"));
        if (badge.empty()) return;
        const lone = edges ? edge.parallelEdges().length === 1 : pairs.get(pairOf(edge)) === 1;
        let mid;
        if (lone && !edge.isLoop()) {
          const a = edge.source().position();
          const b = edge.target().position();
          mid = { x: (a.x + b.x) / 2, y: (a.y + b.y) / 2 };
        } else {
          mid = edge.midpoint();
        }
        if (mid && Number.isFinite(mid.x)) badge.position(mid);
      });
    });
  }

  /**
   * Shows the whole diagram (at most 1.2x). The box comes from the element centres, not
   * from Cytoscape's label-exact bounding boxes: on a large model those cost more than
   * everything else the editor does on opening.
   */
  fit() {
    const cy = this.cy;
    const nodes = cy.nodes(".element, .boundary:childless");
    if (!nodes.length) return;
    let x1 = Infinity;
    let y1 = Infinity;
    let x2 = -Infinity;
    let y2 = -Infinity;
    nodes.forEach((node) => {
      const p = node.position();
      x1 = Math.min(x1, p.x);
      y1 = Math.min(y1, p.y);
      x2 = Math.max(x2, p.x);
      y2 = Math.max(y2, p.y);
    });
    // Half a node plus its label below, and the boundaries drawn around their members.
    let depth = 0;
    cy.nodes(".boundary").forEach((b) => {
      depth = Math.max(depth, b.ancestors().length + 1);
    });
    depth = Math.min(4, depth);
    const margin = 40 + 34 * depth;
    x1 -= margin;
    x2 += margin;
    y1 -= margin;
    y2 += margin + 20;
    const zoom = Math.max(
      cy.minZoom(),
      Math.min(1.2, cy.width() / (x2 - x1), cy.height() / (y2 - y1)),
    );
    cy.viewport({
      zoom,
      pan: {
        x: cy.width() / 2 - ((x1 + x2) / 2) * zoom,
        y: cy.height() / 2 - ((y1 + y2) / 2) * zoom,
      },
    });
  }

  /** Centres `eles` at a zoom that shows them all, never closer than MAX_FOCUS_ZOOM. */
  focus(eles) {
    const cy = this.cy;
    if (!eles.length) return;
    const box = eles.boundingBox({ includeLabels: true });
    const width = cy.width() - 120;
    const height = cy.height() - 120;
    const zoom = Math.max(
      cy.minZoom(),
      Math.min(MAX_FOCUS_ZOOM, width / Math.max(box.w, 1), height / Math.max(box.h, 1)),
    );
    const pan = {
      x: cy.width() / 2 - ((box.x1 + box.x2) / 2) * zoom,
      y: cy.height() / 2 - ((box.y1 + box.y2) / 2) * zoom,
    };
    cy.stop();
    cy.animate({ zoom, pan }, { duration: 220 });
  }

  canvasPositions() {
    const positions = new Map();
    this.cy.nodes(".element").forEach((node) => {
      positions.set(node.data("ref"), { ...node.position() });
    });
    return positions;
  }

  // ---- Saving ------------------------------------------------------------------------

  enqueue(task) {
    this.pending += 1;
    this.updateButtons();
    const run = this.queue.then(task).finally(() => {
      this.pending -= 1;
      this.updateButtons();
    });
    this.queue = run.catch(() => {});
    return run;
  }

  /**
   * Applies `change` to a copy of the document (with the canvas positions) and saves it.
   * Resolves to what `change` returned when the server accepted it, else to undefined.
   */
  commit(summary, change) {
    if (!this.canEdit) return Promise.resolve(undefined);
    return this.enqueue(async () => {
      const next = ops.clone(this.doc);
      ops.setPositions(next, this.canvasPositions());
      const result = change(next);
      if (result === false || JSON.stringify(next) === JSON.stringify(this.doc)) return undefined;
      const saved = await this.save(next, summary, { retry: { summary, change } });
      return saved ? result : undefined;
    });
  }

  async save(next, summary, { retry = null, history = "undo" } = {}) {
    const before = this.doc;
    this.clearAlert();
    this.render(next);
    if (!this.urls.document) {
      // the static harness: no server, the canvas is the store
      this.accept({ document: next, version: this.version + 1, analysis: this.analysis });
      this.remember(before, summary, history);
      return true;
    }
    this.setStatus("Saving\u2026");
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
        body: JSON.stringify({ base_version: this.version, document: next, summary }),
      });
      body = await response.json().catch(() => null);
    } catch (error) {
      this.render(before);
      this.showAlert("Not saved: the server could not be reached. Your diagram is unchanged.", [
        String(error.message || error),
      ]);
      this.setStatus(`Version ${this.version}`);
      return false;
    }
    if (response.ok && body) {
      this.accept(body);
      this.remember(before, summary, history);
      this.setStatus(`Saved: ${summary} (version ${this.version})`);
      this.announceChange(before);
      return true;
    }
    this.render(before);
    this.setStatus(`Version ${this.version}`);
    if (response.status === 400 && body && body.errors) {
      this.showAlert(
        `Not saved: ${summary}. The model would not be valid:`,
        body.errors.map((e) => `${e.location ? `${e.location}: ` : ""}${e.message}`),
      );
    } else if (response.status === 409 && body) {
      this.showConflict(body, summary, history === "undo" ? retry : null);
    } else if (response.status === 403) {
      this.showAlert("Not saved: you can view this system but not edit it.");
    } else {
      this.showAlert(`Not saved: ${summary}. The server answered ${response.status}.`);
    }
    return false;
  }

  remember(before, summary, history) {
    if (history === "undo") {
      this.undoStack.push({ doc: before, summary });
      this.redoStack = [];
    } else if (history === "redo") {
      this.redoStack.push({ doc: before, summary });
    } else if (history === "undo-keep-redo") {
      this.undoStack.push({ doc: before, summary });
    }
    if (this.undoStack.length > HISTORY_LIMIT) this.undoStack.shift();
  }

  accept(body) {
    this.doc = body.document;
    this.version = body.version;
    this.analysis = body.analysis || this.analysis;
    this.findings = findingsByItem(this.analysis);
    this.render(this.doc);
    this.refreshKeys();
    this.updateCounts();
  }

  undo() {
    if (!this.canEdit || !this.undoStack.length) return Promise.resolve();
    return this.enqueue(async () => {
      const entry = this.undoStack.pop();
      const ok = await this.save(entry.doc, `undo ${entry.summary}`, { history: "redo" });
      if (!ok) this.undoStack.push(entry);
      else this.redoStack[this.redoStack.length - 1].summary = entry.summary;
    });
  }

  redo() {
    if (!this.canEdit || !this.redoStack.length) return Promise.resolve();
    return this.enqueue(async () => {
      const entry = this.redoStack.pop();
      const ok = await this.save(entry.doc, `redo ${entry.summary}`, {
        history: "undo-keep-redo",
      });
      if (!ok) this.redoStack.push(entry);
      else this.undoStack[this.undoStack.length - 1].summary = entry.summary;
    });
  }

  /** Fetches the server's current document (after a form saved, or to resolve a conflict). */
  async reload({ rememberAs = null } = {}) {
    if (!this.urls.document) return;
    const response = await fetch(this.urls.document, {
      credentials: "same-origin",
      headers: { Accept: "application/json" },
    });
    if (!response.ok) {
      this.showAlert(`Could not load the latest version: the server answered ${response.status}.`);
      return;
    }
    const body = await response.json();
    const before = this.doc;
    const changed = body.version !== this.version;
    this.accept(body);
    this.showVersion();
    if (rememberAs && changed) this.remember(before, rememberAs, "undo");
    this.setStatus(`Version ${this.version}`);
    this.updateButtons();
  }

  /**
   * Tells the page that the canvas saved a new version: the htmx panels listening for
   * `modelSaved` (findings, inventory) refresh, and the open form is reloaded so its
   * next save is based on this version.
   */
  announceChange(before) {
    // A panel that htmx is swapping at this very moment has no listener yet and misses
    // the event: whichever panel did not start a request is refreshed here instead.
    const started = new Set();
    const spy = (event) => started.add(event.detail.elt && event.detail.elt.id);
    document.body.addEventListener("htmx:beforeRequest", spy);
    const detail = { version: this.version, source: "editor" };
    document.body.dispatchEvent(new CustomEvent("modelSaved", { detail, bubbles: true }));
    document.body.removeEventListener("htmx:beforeRequest", spy);
    const panels = {
      findings: this.urls.findings,
      inventory: this.urls.system && `${this.urls.system}?fragment=inventory`,
    };
    for (const [id, url] of Object.entries(panels)) {
      if (url && !started.has(id) && document.getElementById(id)) this.refreshPanel(id, url);
    }
    this.showVersion();
    if (before) this.syncProperties(before);
  }

  /** Replaces a page panel (#findings, #inventory) with its current partial. */
  async refreshPanel(id, url) {
    if (!window.htmx) return;
    this.panelRequests = this.panelRequests || {};
    const request = (this.panelRequests[id] || 0) + 1;
    this.panelRequests[id] = request;
    try {
      const response = await fetch(url, {
        credentials: "same-origin",
        headers: { "HX-Request": "true", "HX-Target": id, Accept: "text/html" },
      });
      if (!response.ok || this.panelRequests[id] !== request) return;
      const html = await response.text();
      const panel = document.getElementById(id);
      if (panel && this.panelRequests[id] === request) {
        window.htmx.swap(panel, html, { swapStyle: "outerHTML" });
      }
    } catch {
      // the next change refreshes it again
    }
  }

  showVersion() {
    const label = document.getElementById("system-version");
    if (label) label.textContent = String(this.version);
  }

  // ---- Messages ----------------------------------------------------------------------

  setStatus(text) {
    if (this.el.status) this.el.status.textContent = text;
  }

  clearAlert() {
    if (!this.el.alert) return;
    this.el.alert.hidden = true;
    this.el.alert.replaceChildren();
    this.el.alert.classList.remove("editor-alert-conflict");
  }

  showAlert(message, details = [], actions = []) {
    const box = this.el.alert;
    if (!box) return;
    box.replaceChildren();
    const text = document.createElement("p");
    text.textContent = message;
    box.append(text);
    if (details.length) {
      const list = document.createElement("ul");
      for (const detail of details) {
        const item = document.createElement("li");
        item.textContent = detail;
        list.append(item);
      }
      box.append(list);
    }
    const row = document.createElement("p");
    row.className = "editor-alert-actions";
    for (const [label, handler] of [...actions, ["Dismiss", () => this.clearAlert()]]) {
      const button = document.createElement("button");
      button.type = "button";
      button.textContent = label;
      button.addEventListener("click", handler);
      row.append(button);
    }
    box.append(row);
    box.hidden = false;
  }

  /**
   * A save against a stale version: nothing was saved and nothing is lost. The user
   * loads the newer version, and can apply the same change again on top of it.
   */
  showConflict(body, summary, retry) {
    const actions = [];
    if (retry) {
      actions.push([
        "Load their version and redo my change",
        async () => {
          this.clearAlert();
          this.takeServerVersion(body);
          await this.commit(retry.summary, retry.change);
        },
      ]);
    }
    actions.push([
      "Load their version",
      () => {
        this.clearAlert();
        this.takeServerVersion(body);
      },
    ]);
    this.showAlert(
      `Not saved: someone else changed this system (now version ${body.version}) ` +
        `after you opened it. Your change \u201c${summary}\u201d is kept here until you choose.`,
      [],
      actions,
    );
    this.el.alert.classList.add("editor-alert-conflict");
  }

  takeServerVersion(body) {
    const before = this.doc;
    this.undoStack = [];
    this.redoStack = [];
    this.accept(body);
    this.setStatus(`Loaded version ${this.version}`);
    this.announceChange(before);
    this.updateButtons();
  }

  updateCounts() {
    const counts = {};
    for (const finding of this.analysis.findings || []) {
      counts[finding.severity] = (counts[finding.severity] || 0) + 1;
    }
    document.querySelectorAll("[data-severity-count]").forEach((node) => {
      node.textContent = String(counts[node.dataset.severityCount] || 0);
    });
  }

  // ---- Canvas interaction ----------------------------------------------------------

  bindCanvas() {
    const cy = this.cy;
    let dirty = null;
    cy.on("position", "node.element", (event) => {
      if (!dirty) {
        dirty = new Set();
        requestAnimationFrame(() => {
          const nodes = cy.collection([...dirty].filter((n) => n.inside()));
          dirty = null;
          this.updateBadges(nodes.connectedEdges(".flow"));
        });
      }
      dirty.add(event.target[0]);
    });
    cy.on("select unselect", () => this.scheduleSelection());
    cy.on("tap", (event) => {
      if (event.target === cy) this.clearHighlight();
    });
    cy.on("mouseover", "edge.flow, node.element", (event) => this.showTooltip(event.target));
    cy.on("mouseout", "edge.flow, node.element", () => this.hideTooltip());
    cy.on("pan zoom", () => this.hideTooltip());
    cy.on("zoom", () => this.showBadges());
    if (!this.canEdit) return;

    cy.on("grab", "node.element, node.boundary", (event) => this.startDrag(event.target));
    cy.on("drag", "node.element, node.boundary", (event) => this.whileDragging(event.target));
    cy.on("dragfree", "node.element, node.boundary", (event) => this.endDrag(event.target));
    cy.on("tapstart", "node.element", (event) => {
      if (this.connectMode || this.shiftHeld) this.startConnect(event.target);
    });
    cy.on("tapdrag", (event) => this.whileConnecting(event.position));
    cy.on("tapend", (event) => this.endConnect(event.position));

    const canvas = this.el.canvas;
    canvas.addEventListener("dragover", (event) => {
      if (event.dataTransfer.types.includes("application/x-ciphermap-kind")) {
        event.preventDefault();
        event.dataTransfer.dropEffect = "copy";
      }
    });
    canvas.addEventListener("drop", (event) => {
      const value = event.dataTransfer.getData("application/x-ciphermap-kind");
      if (!value) return;
      event.preventDefault();
      const rect = canvas.getBoundingClientRect();
      const pan = cy.pan();
      const zoom = cy.zoom();
      const position = {
        x: (event.clientX - rect.left - pan.x) / zoom,
        y: (event.clientY - rect.top - pan.y) / zoom,
      };
      this.addFromPalette(value, position);
    });
  }

  /** Boundaries an item can be dropped into, with their boxes as they were at the grab. */
  startDrag(node) {
    const moving = node.union(node.descendants());
    this.dropZones = this.cy
      .nodes(".boundary")
      .filter((b) => !moving.contains(b))
      .map((b) => {
        const box = b.boundingBox({ includeLabels: false });
        return { id: b.data("ref"), node: b, box, area: box.w * box.h };
      })
      .sort((a, b) => a.area - b.area);
    this.dragTarget = undefined;
  }

  zoneAt(position) {
    const zone = (this.dropZones || []).find(
      (z) =>
        position.x >= z.box.x1 &&
        position.x <= z.box.x2 &&
        position.y >= z.box.y1 &&
        position.y <= z.box.y2,
    );
    return zone || null;
  }

  whileDragging(node) {
    const zone = this.zoneAt(node.position());
    if (zone === this.dragTarget) return;
    this.cy.nodes(".drop-target").removeClass("drop-target");
    if (zone) zone.node.addClass("drop-target");
    this.dragTarget = zone;
  }

  endDrag(node) {
    this.cy.nodes(".drop-target").removeClass("drop-target");
    // Nodes dragged together each report the end of the drag: the first one saves.
    if (!this.dropZones) return;
    const zone = this.zoneAt(node.position());
    this.dropZones = null;
    const ref = node.data("ref");
    const isBoundary = node.data("type") === "boundary";
    const current = node.parent().nonempty() ? node.parent().data("ref") : null;
    const target = zone ? zone.id : null;
    const positions = this.canvasPositions();
    let summary = `moved ${ref}`;
    if (target !== current) {
      summary = target ? `moved ${ref} into ${target}` : `moved ${ref} out of ${current}`;
    }
    this.commit(summary, (doc) => {
      ops.setPositions(doc, positions);
      if (target === current) return;
      if (isBoundary) ops.setBoundaryParent(doc, { boundary: ref, parent: target });
      else ops.setBoundary(doc, { element: ref, boundary: target });
    });
  }

  startConnect(node) {
    const cy = this.cy;
    this.connecting = { source: node, target: null };
    node.addClass("connect-source");
    cy.userPanningEnabled(false);
    cy.boxSelectionEnabled(false);
    cy.add([
      { group: "nodes", data: { id: "ghost" }, position: { ...node.position() }, classes: "ghost" },
      {
        group: "edges",
        data: { id: "ghost-edge", source: node.id(), target: "ghost" },
        classes: "ghost",
      },
    ]);
  }

  nodeAt(position) {
    const hits = this.cy.nodes(".element").filter((n) => {
      const box = n.boundingBox({ includeLabels: false });
      return (
        position.x >= box.x1 && position.x <= box.x2 && position.y >= box.y1 && position.y <= box.y2
      );
    });
    return hits.length ? hits[hits.length - 1] : null;
  }

  whileConnecting(position) {
    if (!this.connecting) return;
    this.cy.getElementById("ghost").position(position);
    const hit = this.nodeAt(position);
    const target = hit && hit !== this.connecting.source ? hit : null;
    if (target === this.connecting.target) return;
    if (this.connecting.target) this.connecting.target.removeClass("connect-target");
    if (target) target.addClass("connect-target");
    this.connecting.target = target;
  }

  async endConnect(position) {
    if (!this.connecting) return;
    const { source } = this.connecting;
    const hit = this.nodeAt(position);
    this.cancelConnect();
    if (!hit || hit.same(source)) return;
    const from = source.data("ref");
    const to = hit.data("ref");
    const id = await this.commit(`added flow ${from} \u2192 ${to}`, (doc) =>
      ops.addFlow(doc, { from, to }),
    );
    if (id) this.select(FLOW + id);
  }

  cancelConnect() {
    const cy = this.cy;
    if (!this.connecting) return;
    cy.remove("#ghost, #ghost-edge");
    cy.nodes(".connect-source, .connect-target").removeClass("connect-source connect-target");
    this.connecting = null;
    cy.userPanningEnabled(true);
    cy.boxSelectionEnabled(true);
  }

  setConnectMode(on) {
    this.connectMode = on;
    this.cy.autoungrabify(on || this.shiftHeld || !this.canEdit);
    this.root.classList.toggle("editor-connecting", on);
    const button = this.root.querySelector("[data-editor-action=connect]");
    if (button) button.setAttribute("aria-pressed", String(on));
    this.setStatus(
      on
        ? "Connect mode: drag from one element to another to draw a flow (Esc to stop)."
        : `Version ${this.version}`,
    );
  }

  /**
   * Adds an element or a boundary: where it was dropped (inside the boundary there, if
   * any), or, from a click or the keyboard, on a free spot in view outside boundaries.
   */
  async addFromPalette(value, position = null) {
    const [group, kind] = value.split(":");
    const at = position || this.viewportSpot();
    const zone = position ? this.boundaryAt(at) : null;
    if (group === "boundary") {
      const id = await this.commit(`added boundary ${kind}`, (doc) => {
        const created = ops.addBoundary(doc, { kind, parent: zone });
        this.placements.set(BOUNDARY + created, at);
        return created;
      });
      if (id) this.select(BOUNDARY + id);
      if (id) this.reveal(BOUNDARY + id);
      return id;
    }
    const id = await this.commit(`added ${kind}`, (doc) =>
      ops.addElement(doc, { kind, position: at, boundary: zone }),
    );
    if (id) this.select(ELEMENT + id);
    if (id) this.reveal(ELEMENT + id);
    return id;
  }

  /** Brings a new item into view when it landed outside it. */
  reveal(canvasId) {
    const ele = this.cy.getElementById(canvasId);
    if (ele.empty()) return;
    const view = this.cy.extent();
    const box = ele.boundingBox({ includeLabels: true });
    if (box.x1 >= view.x1 && box.x2 <= view.x2 && box.y1 >= view.y1 && box.y2 <= view.y2) return;
    this.fit();
  }

  /** A free spot in the visible part of the canvas, for items added with a click. */
  viewportSpot() {
    const cy = this.cy;
    const extent = cy.extent();
    const near = { x: (extent.x1 + extent.x2) / 2, y: (extent.y1 + extent.y2) / 2 };
    const taken = cy
      .nodes(".element, .boundary")
      .map((n) => n.boundingBox({ includeLabels: true }));
    return this.freeSpot(near, taken);
  }

  boundaryAt(position) {
    const zones = this.cy
      .nodes(".boundary")
      .map((b) => ({ id: b.data("ref"), box: b.boundingBox({ includeLabels: false }) }))
      .filter(
        ({ box }) =>
          position.x >= box.x1 &&
          position.x <= box.x2 &&
          position.y >= box.y1 &&
          position.y <= box.y2,
      )
      .sort((a, b) => a.box.w * a.box.h - b.box.w * b.box.h);
    return zones.length ? zones[0].id : null;
  }

  deleteSelected() {
    const selected = this.cy.$(":selected");
    const items = { elements: [], flows: [], boundaries: [] };
    selected.forEach((ele) => {
      const type = ele.data("type");
      if (type === "element") items.elements.push(ele.data("ref"));
      if (type === "flow") items.flows.push(ele.data("ref"));
      if (type === "boundary") items.boundaries.push(ele.data("ref"));
    });
    const names = [...items.elements, ...items.flows, ...items.boundaries];
    if (!names.length) return Promise.resolve();
    this.clearProperties();
    return this.commit(`deleted ${names.join(", ")}`, (doc) => ops.deleteItems(doc, items));
  }

  select(canvasId) {
    const ele = this.cy.getElementById(canvasId);
    if (ele.empty()) return;
    this.cy.$(":selected").unselect();
    ele.select();
  }

  scheduleSelection() {
    if (this.selectionTimer) return;
    this.selectionTimer = setTimeout(() => {
      this.selectionTimer = null;
      const selected = this.cy.$(":selected");
      if (selected.length === 1) this.showProperties(selected[0]);
      this.updateButtons();
    }, 0);
  }

  // ---- Properties panel -----------------------------------------------------------

  propertiesUrl(type, ref) {
    const template = this.urls.edit && this.urls.edit[SECTIONS[type]];
    if (!template) return null;
    return template.replace("__id__", encodeURIComponent(ref));
  }

  showProperties(ele) {
    const type = ele.data("type");
    if (!SECTIONS[type]) return;
    const url = this.propertiesUrl(type, ele.data("ref"));
    this.propertiesFor = ele.id();
    if (this.propertiesShown() === url) return;
    this.loadProperties(url);
  }

  /** The URL of the item form the properties panel shows, if any. */
  propertiesShown() {
    const form = document.querySelector("#properties form.props-form");
    return form ? form.getAttribute("action") : null;
  }

  /**
   * Loads a property form into the page's #properties panel (the panel is replaced).
   * Fetched here rather than with htmx.ajax, so that of quick successive selections the
   * last one wins instead of the first.
   */
  async loadProperties(url) {
    if (!url || !window.htmx || !document.getElementById("properties")) return;
    this.propertiesRequest = (this.propertiesRequest || 0) + 1;
    const request = this.propertiesRequest;
    let response;
    try {
      response = await fetch(url, {
        credentials: "same-origin",
        headers: { "HX-Request": "true", "HX-Target": "properties", Accept: "text/html" },
      });
    } catch {
      return;
    }
    if (request !== this.propertiesRequest || !response.ok) return;
    const html = await response.text();
    const panel = document.getElementById("properties");
    if (request !== this.propertiesRequest || !panel) return;
    window.htmx.swap(panel, html, { swapStyle: "outerHTML" });
  }

  /**
   * After a save from the canvas, the open form must not be stale: when its item did not
   * change (positions aside) it is simply based on the new version, so nothing typed is
   * lost; when it changed it is reloaded; when it is gone the panel is reset.
   */
  syncProperties(before) {
    const panel = document.getElementById("properties");
    if (!panel) return;
    const shown = this.shownItem();
    const bump = () =>
      panel.querySelectorAll("input[name=base_version]").forEach((field) => {
        field.value = String(this.version);
      });
    if (!shown) {
      bump();
      return;
    }
    const find = (doc) => (doc[shown.section] || []).find((item) => item.id === shown.id);
    const withoutPosition = (item) => JSON.stringify({ ...item, position: null });
    const now = find(this.doc);
    if (!now) this.clearProperties();
    else if (withoutPosition(find(before) || {}) === withoutPosition(now)) bump();
    else this.loadProperties(shown.url);
  }

  /** The item whose form the properties panel shows: {section, id, url}, or null. */
  shownItem() {
    const action = this.propertiesShown();
    if (!action) return null;
    for (const [section, template] of Object.entries(this.urls.edit || {})) {
      const [prefix, suffix] = template.split("__id__");
      if (action.length > prefix.length + suffix.length && action.startsWith(prefix) && action.endsWith(suffix)) {
        const id = decodeURIComponent(action.slice(prefix.length, action.length - suffix.length));
        if (!id.includes("/")) return { section, id, url: action };
      }
    }
    return null;
  }

  /** Puts back the panel the page started with. */
  clearProperties() {
    this.propertiesFor = null;
    const panel = document.getElementById("properties");
    if (!panel || !this.initialProperties) return;
    const template = document.createElement("template");
    template.innerHTML = this.initialProperties;
    const fresh = template.content.firstElementChild;
    panel.replaceWith(fresh);
    if (window.htmx) window.htmx.process(fresh);
  }

  // ---- Highlights: findings and keys -----------------------------------------------

  /** Highlights a finding's subject, path and flows, and centres them. */
  highlightFinding({ subject = [], flows = [], path = [] }) {
    const cy = this.cy;
    let eles = cy.collection();
    for (const id of [...subject, ...path]) {
      eles = eles.union(cy.getElementById(ELEMENT + id));
      eles = eles.union(cy.getElementById(BOUNDARY + id));
      eles = eles.union(cy.getElementById(FLOW + id));
      if ((this.doc.keys || []).some((k) => k.id === id)) {
        const set = protectedSet(this.doc, id);
        for (const store of set.stores) eles = eles.union(cy.getElementById(ELEMENT + store));
      }
    }
    for (const id of flows) {
      const edge = cy.getElementById(FLOW + id);
      eles = eles.union(edge).union(edge.connectedNodes());
    }
    this.applyHighlight({ type: "finding", subject, flows, path }, eles);
    if (eles.length) this.focus(eles);
    return eles;
  }

  highlightKey(keyId) {
    const cy = this.cy;
    const set = protectedSet(this.doc, keyId);
    let stores = cy.collection();
    for (const id of set.stores) stores = stores.union(cy.getElementById(ELEMENT + id));
    let holders = cy.collection();
    for (const id of set.holders) holders = holders.union(cy.getElementById(ELEMENT + id));
    this.applyHighlight({ type: "key", key: keyId }, stores, holders);
    this.activeKey = keyId;
    this.refreshKeys();
    if (stores.length || holders.length) this.focus(stores.union(holders));
    return set;
  }

  applyHighlight(spec, eles, secondary = null) {
    const cy = this.cy;
    cy.batch(() => {
      cy.elements().removeClass("highlighted dimmed key-holder");
      if (!eles.length && !(secondary && secondary.length)) return;
      const all = secondary ? eles.union(secondary) : eles;
      const badges = all
        .edges()
        .map((e) => cy.getElementById(BADGE + e.data("ref")))
        .reduce((acc, b) => acc.union(b), cy.collection());
      const keep = all.union(all.ancestors()).union(badges);
      cy.elements()
        .not(keep)
        .filter((e) => !e.hasClass("ghost"))
        .addClass("dimmed");
      eles.addClass("highlighted");
      if (secondary) secondary.not(eles).addClass("key-holder");
    });
    this.highlight = spec;
  }

  reapplyHighlight() {
    const spec = this.highlight;
    if (!spec) return;
    if (spec.type === "key") {
      if ((this.doc.keys || []).some((k) => k.id === spec.key)) {
        const set = protectedSet(this.doc, spec.key);
        const pick = (ids) =>
          ids.reduce((acc, id) => acc.union(this.cy.getElementById(ELEMENT + id)), this.cy.collection());
        this.applyHighlight(spec, pick(set.stores), pick(set.holders));
      } else {
        this.clearHighlight();
      }
    }
  }

  clearHighlight() {
    this.cy.elements().removeClass("highlighted dimmed key-holder");
    this.highlight = null;
    if (this.activeKey) {
      this.activeKey = null;
      this.refreshKeys();
    }
    document
      .querySelectorAll("[data-editor-active-finding]")
      .forEach((node) => node.removeAttribute("data-editor-active-finding"));
  }

  refreshKeys() {
    if (!this.el.keys) return;
    // The buttons are rebuilt: keep the keyboard focus on the same key.
    const focused = this.el.keys.contains(document.activeElement)
      ? document.activeElement.dataset.key
      : null;
    this.renderKeyButtons();
    if (focused) {
      const button = this.el.keys.querySelector(`button[data-key="${CSS.escape(focused)}"]`);
      if (button) button.focus();
    }
  }

  renderKeyButtons() {
    renderKeys(this.el.keys, this.doc, this.activeKey, {
      toggle: (keyId) => {
        if (this.activeKey === keyId) this.clearHighlight();
        else {
          this.highlightKey(keyId);
          this.loadProperties(this.propertiesUrl("key", keyId));
        }
      },
    });
  }

  // ---- Tooltip: the findings on a hop or element -----------------------------------

  showTooltip(ele) {
    const tip = this.el.tooltip;
    if (!tip || this.connecting) return;
    const findings = this.findings.get(ele.id()) || [];
    tip.replaceChildren();
    const title = document.createElement("strong");
    const ref = ele.data("ref");
    if (ele.isEdge()) {
      const flow = (this.doc.flows || []).find((f) => f.id === ref) || {};
      title.textContent = `${ref}: ${flow.from} \u2192 ${flow.to}, ${flow.protocol || "no protocol"}`;
    } else {
      title.textContent = ref;
    }
    tip.append(title);
    const list = document.createElement("ul");
    for (const finding of findings.slice(0, 8)) {
      const item = document.createElement("li");
      const severity = document.createElement("span");
      severity.className = `severity severity-${finding.severity}`;
      severity.textContent = finding.severity;
      item.append(severity, ` ${finding.title || finding.rule}`);
      list.append(item);
    }
    if (findings.length > 8) {
      const more = document.createElement("li");
      more.textContent = `and ${findings.length - 8} more`;
      list.append(more);
    }
    if (!findings.length) {
      const none = document.createElement("li");
      none.textContent = "No findings.";
      list.append(none);
    }
    tip.append(list);
    const point = ele.isEdge() ? ele.renderedMidpoint() : ele.renderedPosition();
    tip.style.left = `${Math.round(point.x + 14)}px`;
    tip.style.top = `${Math.round(point.y + 14)}px`;
    tip.hidden = false;
  }

  hideTooltip() {
    if (this.el.tooltip) this.el.tooltip.hidden = true;
  }

  // ---- Toolbar, keyboard, page events ------------------------------------------------

  bindToolbar() {
    this.root.addEventListener("click", (event) => {
      const button = event.target.closest("[data-editor-action]");
      if (!button || !this.root.contains(button)) return;
      this.run(button.dataset.editorAction);
    });
  }

  run(action) {
    const cy = this.cy;
    const center = { x: cy.width() / 2, y: cy.height() / 2 };
    switch (action) {
      case "zoom-in":
        cy.zoom({ level: Math.min(cy.maxZoom(), cy.zoom() * 1.25), renderedPosition: center });
        break;
      case "zoom-out":
        cy.zoom({ level: Math.max(cy.minZoom(), cy.zoom() / 1.25), renderedPosition: center });
        break;
      case "fit":
        this.fit();
        break;
      case "connect":
        this.setConnectMode(!this.connectMode);
        break;
      case "delete":
        return this.deleteSelected();
      case "undo":
        return this.undo();
      case "redo":
        return this.redo();
      case "layout":
        if (!this.canEdit) {
          this.autoLayout();
          this.fit();
          return undefined;
        }
        return this.commit("arranged the diagram automatically", (doc) => {
          this.autoLayout();
          ops.setPositions(doc, this.canvasPositions());
          this.fit();
        });
      default:
        break;
    }
    return undefined;
  }

  updateButtons() {
    const set = (action, enabled) => {
      const button = this.root.querySelector(`[data-editor-action=${action}]`);
      if (button) button.disabled = !enabled;
    };
    set("undo", this.canEdit && this.undoStack.length > 0);
    set("redo", this.canEdit && this.redoStack.length > 0);
    set("delete", this.canEdit && this.cy && this.cy.$(":selected").length > 0);
    this.root.classList.toggle("editor-saving", this.pending > 0);
  }

  bindKeyboard() {
    document.addEventListener("keydown", (event) => {
      if (event.key === "Shift" && this.canEdit) {
        this.shiftHeld = true;
        this.cy.autoungrabify(true);
        return;
      }
      if (isTyping(event.target) || event.target.closest?.("#properties")) return;
      if (event.altKey) return;
      const mod = event.ctrlKey || event.metaKey;
      const key = event.key;
      if (mod && key.toLowerCase() === "z") {
        event.preventDefault();
        if (event.shiftKey) this.redo();
        else this.undo();
        return;
      }
      if (mod && key.toLowerCase() === "y") {
        event.preventDefault();
        this.redo();
        return;
      }
      if (mod) return;
      if (key === "Escape") {
        this.shortcut(key, false);
        return;
      }
      if (!this.keyboardScope(event.target)) return;
      const handled = this.shortcut(key, event.shiftKey);
      if (handled) event.preventDefault();
    });
    document.addEventListener("keyup", (event) => {
      if (event.key === "Shift") this.releaseShift();
    });
    window.addEventListener("blur", () => this.releaseShift());
  }

  releaseShift() {
    if (!this.shiftHeld) return;
    this.shiftHeld = false;
    this.cy.autoungrabify(this.connectMode || !this.canEdit);
  }

  /** Shortcuts act when the focus is on the editor or on nothing in particular. */
  keyboardScope(target) {
    return target === document.body || this.root.contains(target);
  }

  shortcut(key, shift) {
    const cy = this.cy;
    const step = shift ? 60 : 15;
    const arrows = { ArrowLeft: [-1, 0], ArrowRight: [1, 0], ArrowUp: [0, -1], ArrowDown: [0, 1] };
    if (arrows[key]) {
      const [dx, dy] = arrows[key];
      const nodes = cy.$("node.element:selected, node.boundary:selected");
      if (nodes.length && this.canEdit) {
        const moving = nodes.union(nodes.descendants()).filter(".element");
        moving.shift({ x: dx * step, y: dy * step });
        clearTimeout(this.nudgeTimer);
        this.nudgeTimer = setTimeout(() => {
          const positions = this.canvasPositions();
          const names = nodes.map((n) => n.data("ref")).join(", ");
          this.commit(`moved ${names}`, (doc) => ops.setPositions(doc, positions));
        }, 450);
      } else {
        cy.panBy({ x: -dx * step * 3, y: -dy * step * 3 });
      }
      return true;
    }
    switch (key) {
      case "Delete":
      case "Backspace":
        if (!this.canEdit) return false;
        this.deleteSelected();
        return true;
      case "+":
      case "=":
        this.run("zoom-in");
        return true;
      case "-":
      case "_":
        this.run("zoom-out");
        return true;
      case "f":
      case "F":
        this.run("fit");
        return true;
      case "c":
      case "C":
        if (!this.canEdit) return false;
        this.run("connect");
        return true;
      case "l":
      case "L":
        this.run("layout");
        return true;
      case "[":
      case "]":
        this.cycleSelection(key === "]" ? 1 : -1);
        return true;
      case "Enter": {
        const field = document.querySelector(
          "#properties input:not([type=hidden]), #properties select, #properties textarea",
        );
        if (!field) return false;
        field.focus();
        return true;
      }
      case "Escape":
        this.cancelConnect();
        if (this.connectMode) this.setConnectMode(false);
        this.clearHighlight();
        cy.$(":selected").unselect();
        this.hideTooltip();
        return true;
      default:
        return false;
    }
  }

  /** Keyboard access to the canvas: `]` and `[` walk through elements, flows, boundaries. */
  cycleSelection(direction) {
    const cy = this.cy;
    const order = [
      ...(this.doc.elements || []).map((e) => ELEMENT + e.id),
      ...(this.doc.flows || []).map((f) => FLOW + f.id),
      ...(this.doc.boundaries || []).map((b) => BOUNDARY + b.id),
    ];
    if (!order.length) return;
    const current = cy.$(":selected");
    const index = current.length ? order.indexOf(current[0].id()) : -1;
    const next = order[(index + direction + order.length) % order.length];
    this.select(next);
    const ele = cy.getElementById(next);
    this.setStatus(`Selected ${ele.data("type")} ${ele.data("ref")}`);
    cy.stop();
    cy.animate({ center: { eles: ele } }, { duration: 150 });
  }

  bindPage() {
    // Property forms save through htmx and announce the new version: show it.
    document.body.addEventListener("modelChanged", (event) => {
      const detail = event.detail || {};
      if (detail.source === "editor") return;
      if (detail.version && detail.version === this.version) return;
      this.enqueue(() => this.reload({ rememberAs: "edited properties" }));
    });
    // Findings carry the IDs of what they are about: clicking one shows it.
    // The finding's own link still opens it on the findings page with a modifier key
    // (new tab); a plain click or Enter shows it here.
    document.addEventListener("click", (event) => {
      const item = event.target.closest("[data-subject], [data-flows]");
      if (!item || this.root.contains(item)) return;
      const control = event.target.closest("a[href], button, input, select, textarea, summary");
      if (control && !control.matches(".finding-title, [data-subject], [data-flows]")) return;
      if (event.ctrlKey || event.metaKey || event.shiftKey || event.button !== 0) return;
      event.preventDefault();
      this.activateFinding(item);
    });
    document.addEventListener("keydown", (event) => {
      if (event.key !== "Enter" && event.key !== " ") return;
      const item = event.target.closest?.("[data-subject], [data-flows]");
      if (!item || event.target !== item || this.root.contains(item)) return;
      event.preventDefault();
      this.activateFinding(item);
    });
    // Rows without a link of their own become focusable buttons.
    const enhance = () => {
      document.querySelectorAll("[data-subject], [data-flows]").forEach((item) => {
        if (this.root.contains(item) || item.matches("a, button") || item.querySelector("a[href]")) {
          return;
        }
        if (!item.hasAttribute("tabindex")) item.setAttribute("tabindex", "0");
        if (!item.hasAttribute("role")) item.setAttribute("role", "button");
      });
    };
    enhance();
    document.body.addEventListener("htmx:afterSettle", enhance);
  }

  activateFinding(item) {
    document
      .querySelectorAll("[data-editor-active-finding]")
      .forEach((node) => node.removeAttribute("data-editor-active-finding"));
    item.setAttribute("data-editor-active-finding", "");
    this.activeKey = null;
    this.refreshKeys();
    this.highlightFinding({
      subject: splitIds(item.dataset.subject),
      flows: splitIds(item.dataset.flows),
      path: splitIds(item.dataset.path),
    });
    this.setStatus(`Showing ${item.dataset.rule || "finding"} on the diagram (Esc clears).`);
  }
}

function start() {
  const root = document.getElementById("editor");
  const source = document.getElementById("editor-data");
  if (!root || !source || !window.cytoscape) return;
  const data = JSON.parse(source.textContent);
  const editor = new Editor(root, data);
  // A handle for debugging and for the browser tests; the mark is for benchmarks/editor.py.
  window.ciphermapEditor = editor;
  performance.mark("editor-ready");
}

start();
