// The diagram editor on the system page. The server's document is the truth: every
// operation edits a copy, posts it to document.json, and the canvas then shows what the
// server kept (or goes back, with the reason, when the save fails).

import {
  BADGE,
  BOUNDARY,
  DIAGRAM,
  ELEMENT,
  findingsByItem,
  stylesheet,
  toCytoscape,
  useDiagramStyle,
  useVocabulary,
} from "./editor-graph.js";
import { interactionMethods } from "./editor-interaction.js";
import * as ops from "./editor-ops.js";
import { pageMethods } from "./editor-page.js";
import { fillLegend, fillPalette } from "./editor-panels.js";

const HISTORY_LIMIT = 50;
const MAX_FOCUS_ZOOM = 1.3;
// Above this many elements, labels and padlocks wait until the view is zoomed in.
const LARGE_MODEL = 120;
const BADGE_MIN_ZOOM = 0.45;
const MANAGED = new Set(["boundary", "element", "flow", "badge"]);

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
    this.initialLayout = data.layout || null; // Graphviz's, for a model with unplaced elements
    this.large = (this.doc.elements || []).length > LARGE_MODEL;
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


  createCytoscape() {
    return window.cytoscape({
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
      // Size the boundaries before anything measures the canvas: Cytoscape caches whether
      // a node takes up space, and parallel flows into a boundary still sized 0 x 0 left
      // it, its members and their flows cached as hidden (Fit and Arrange did not help).
      cy.nodes(":parent").updateCompoundBounds(true);
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
    const unplacedElement = (doc.elements || []).some((e) => !e.position);
    if (fresh && unplacedElement && this.initialLayout) {
      // What the PDF prints for this model: the automatic layout of all of it.
      this.applyLayout(this.initialLayout);
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

  /**
   * Moves the canvas to a layout from the server (reviews/layout.py, the one the PDF
   * draws): element centres, and empty boundaries where their frame would be.
   */
  applyLayout(layout) {
    const cy = this.cy;
    cy.batch(() => {
      for (const [id, position] of Object.entries(layout.positions || {})) {
        const node = cy.getElementById(ELEMENT + id);
        if (node.nonempty()) node.position(position);
      }
      for (const [id, frame] of Object.entries(layout.boundaries || {})) {
        const node = cy.getElementById(BOUNDARY + id);
        if (node.nonempty() && !node.isParent()) {
          node.position({ x: frame.x + frame.w / 2, y: frame.y + frame.h / 2 });
        }
      }
    });
    this.updateBadges();
  }

  /** The automatic layout of the saved document, or null (the reason is shown). */
  async fetchLayout() {
    if (!this.urls.layout) return null;
    let response;
    try {
      response = await fetch(this.urls.layout, {
        credentials: "same-origin",
        headers: { Accept: "application/json" },
      });
    } catch (error) {
      this.showAlert("Could not arrange the diagram: the server could not be reached.");
      return null;
    }
    const body = await response.json().catch(() => null);
    if (!response.ok || !body) {
      this.showAlert((body && body.error) || `Could not arrange the diagram (${response.status}).`);
      return null;
    }
    return body;
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

  /** The nearest spot to `near` where an element's box keeps `margin` from `taken`. */
  freeSpot(near, taken, margin = 20) {
    const halfW = DIAGRAM.node.width / 2 + margin;
    const halfH = DIAGRAM.node.height / 2 + margin;
    const clear = (p) =>
      taken.every(
        (b) => p.x + halfW < b.x1 || p.x - halfW > b.x2 || p.y + halfH < b.y1 || p.y - halfH > b.y2,
      );
    if (clear(near)) return near;
    const step = { x: DIAGRAM.node.width / 2 + margin, y: DIAGRAM.node.height / 2 + margin };
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
    // Half a node, the frames drawn around their members, and a margin to spare.
    let depth = 0;
    cy.nodes(".boundary").forEach((b) => {
      depth = Math.max(depth, b.ancestors().length + 1);
    });
    const frames = DIAGRAM.frame.padding * Math.min(6, depth);
    x1 -= DIAGRAM.node.width / 2 + frames + 24;
    x2 += DIAGRAM.node.width / 2 + frames + 24;
    y1 -= DIAGRAM.node.height / 2 + frames + 24;
    y2 += DIAGRAM.node.height / 2 + frames + 24;
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
}

// The canvas interactions and the page panels live in their own modules.
Object.assign(Editor.prototype, interactionMethods, pageMethods);

function start() {
  const root = document.getElementById("editor");
  const source = document.getElementById("editor-data");
  if (!root || !source || !window.cytoscape) return;
  const data = JSON.parse(source.textContent);
  useVocabulary(data.vocabulary);
  if (data.diagram) useDiagramStyle(data.diagram);
  const editor = new Editor(root, data);
  // A handle for debugging and for the browser tests; the mark is for benchmarks/editor.py.
  window.ciphermapEditor = editor;
  performance.mark("editor-ready");
}

start();
