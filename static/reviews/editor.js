// The diagram editor on the system page, composed of four parts with one owner each:
//   DocumentStore (editor-store.js)  the document, its version, saves, undo/redo, conflicts;
//   Canvas (editor-canvas.js)        the Cytoscape drawing of the document and the view;
//   Interactions (editor-interaction.js)  gestures, toolbar and keyboard -> edits;
//   Page (editor-page.js)            the panels around the canvas: properties, findings,
//                                    keys, status line, alerts.
// The server's document is the truth: the store saves, and the canvas then shows what the
// server kept (or goes back, with the reason, when the save fails).

import { DIAGRAM, useDiagramStyle, useVocabulary } from "./editor-graph.js";
import { Canvas } from "./editor-canvas.js";
import { FrameHandles } from "./editor-frames.js";
import { MultiSelection } from "./editor-multi.js";
import { InPlaceRename } from "./editor-rename.js";
import { SelectionTools } from "./editor-selection.js";
import { Find } from "./editor-find.js";
import { FlowHandles } from "./editor-flow-handles.js";
import { ContextMenu } from "./editor-menu.js";
import { startMinimap } from "./editor-minimap.js";
import { Interactions, nameList } from "./editor-interaction.js";
import { PropertiesOverlay } from "./editor-overlay.js";
import { Page } from "./editor-page.js";
import { fillLegend, fillPalette } from "./editor-panels.js";
import { rovingToolbar } from "./editor-roving.js";
import * as ops from "./editor-ops.js";
import { DocumentStore } from "./editor-store.js";

export class Editor {
  constructor(root, data) {
    this.root = root;
    const canEdit = Boolean(data.can_edit);
    this.store = new DocumentStore(
      {
        document: data.document,
        version: data.version,
        analysis: data.analysis,
        urls: data.urls,
        canEdit,
      },
      {
        positions: () => this.canvas.positions(),
        frames: () => this.canvas.frames(),
        show: (doc) => this.canvas.render(doc, this.store.analysis),
        accepted: (before, announce) => {
          this.canvas.render(this.store.doc, this.store.analysis);
          this.page.followStore(before, announce);
          this.saveRelocated(before);
        },
        status: (text) => this.page.setStatus(text),
        alert: (message, details = []) => this.page.showAlert(message, details),
        clearAlert: () => this.page.clearAlert(),
        conflict: (body, label, retry) => this.page.showConflict(body, label, retry),
        busy: () => this.interactions && this.interactions.updateButtons(),
      },
    );
    this.canvas = new Canvas(root.querySelector("#editor-canvas"), {
      doc: data.document,
      canEdit,
      initialLayout: data.layout,
      afterRender: () => {
        if (this.page) this.page.reapplyHighlight();
        this.showEmptyHint();
      },
    });
    this.page = new Page({ root, canvas: this.canvas, store: this.store });
    this.canvas.render(this.store.doc, this.store.analysis, { fit: true });
    this.interactions = new Interactions({
      root,
      canvas: this.canvas,
      store: this.store,
      page: this.page,
      canEdit,
    });
    if (canEdit) {
      this.interactions.tools = new SelectionTools({
        root,
        canvas: this.canvas,
        store: this.store,
        page: this.page,
      });
      this.interactions.multi = new MultiSelection({
        canvas: this.canvas,
        store: this.store,
        page: this.page,
      });
      this.rename = new InPlaceRename({
        stage: root.querySelector(".editor-stage"),
        canvas: this.canvas,
        store: this.store,
        page: this.page,
      });
      this.frames = new FrameHandles({
        stage: root.querySelector(".editor-stage"),
        canvas: this.canvas,
        store: this.store,
        page: this.page,
      });
    }
    this.page.drawing = () => Boolean(this.interactions.connecting);
    this.page.bindPage();
    this.overlay = new PropertiesOverlay({ canvas: this.canvas, page: this.page });
    this.fillPanels();
    for (const toolbar of [root.querySelector("#editor-palette"), root.querySelector("#editor-toolbar")]) {
      if (toolbar) rovingToolbar(toolbar);
    }
    this.canvas.container.style.backgroundColor = DIAGRAM.canvas.background;
    this.page.refreshKeys();
    this.followShifts();
    // The Cytoscape extensions (static/vendor): a minimap, flows drawn from a handle, a
    // context menu; and finding an element by name.
    startMinimap(root, this.canvas, (minimap) => {
      this.minimap = minimap;
    });
    if (canEdit) {
      this.flowHandles = new FlowHandles({ canvas: this.canvas, interactions: this.interactions });
      this.menu = new ContextMenu({
        canvas: this.canvas,
        interactions: this.interactions,
        page: this.page,
        flowHandles: this.flowHandles,
        rename: this.rename,
      });
    }
    this.find = new Find({ root, canvas: this.canvas, store: this.store, page: this.page });
    root.classList.add("editor-ready");
  }

  /**
   * Cytoscape keeps where its canvas is on the page and updates that only on a scroll
   * or a resize. The status line wrapping, an alert or a message opening above the
   * canvas moves it without either, and clicks would then miss what they point at.
   */
  followShifts() {
    const above = [
      ...this.root.querySelectorAll(".editor-head, #editor-alert, #editor-palette"),
      ...document.querySelectorAll(".page-head, #messages"),
    ];
    const observer = new ResizeObserver(() => this.canvas.cy.resize());
    for (const node of above) observer.observe(node);
  }

  fillPanels() {
    const palette = this.root.querySelector("#editor-palette");
    if (palette) fillPalette(palette, (value) => this.interactions.addFromPalette(value));
    const legend = this.root.querySelector("#editor-legend");
    if (legend) fillLegend(legend);
  }

  /** The screen switched between light and dark: the diagram is redrawn in its colours. */
  useColorScheme(declared, dark) {
    useDiagramStyle(declared, { dark });
    const canvas = this.canvas;
    canvas.container.style.backgroundColor = DIAGRAM.canvas.background;
    canvas.restyle();
    canvas.render(this.store.doc, this.store.analysis); // the icons, drawn in the new stroke
    this.fillPanels();
  }

  /** An empty diagram says how to start it. */
  showEmptyHint() {
    const hint = this.root.querySelector("#editor-empty-hint");
    if (!hint || !this.store) return;
    const doc = this.store.doc;
    hint.hidden = Boolean((doc.elements || []).length || (doc.boundaries || []).length);
  }

  /** Elements that joined a boundary away from its frame (a form set the boundary) are
   * moved into it, and their places saved: the frame does not stretch over other items. */
  saveRelocated(before) {
    if (!before || !this.store.canEdit) return;
    const was = new Map((before.elements || []).map((e) => [e.id, e.boundary]));
    const joined = (this.store.doc.elements || [])
      .filter((e) => e.boundary && was.has(e.id) && was.get(e.id) !== e.boundary)
      .map((e) => e.id);
    const moved = joined.length ? this.canvas.bringInside(joined) : [];
    if (!moved.length) return;
    const positions = this.canvas.positions();
    this.store.commit(`placed ${nameList(moved)} inside ${moved.length === 1 ? "its" : "their"} boundary`, (doc) =>
      ops.setPositions(doc, positions),
    );
  }

  // For the browser tests and debugging: the parts' state, read-only.
  get cy() {
    return this.canvas.cy;
  }

  get version() {
    return this.store.version;
  }

  get pending() {
    return this.store.pending;
  }

  get el() {
    return { canvas: this.canvas.container };
  }

  commit(label, change) {
    return this.store.commit(label, change);
  }
}

/** GETs a JSON document of the app; throws an Error that says what failed. */
async function getJSON(url, what) {
  let response;
  try {
    response = await fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } });
  } catch (error) {
    throw new Error(`${what} could not be loaded: the server could not be reached.`);
  }
  if (!response.ok) throw new Error(`${what} could not be loaded (the server answered ${response.status}).`);
  return response.json();
}

// The page carries only the editor's settings (#editor-data); the document and its
// findings come from document.json, and the automatic layout from layout.json when some
// element has no place, so the page stays small however large the model is.
async function start() {
  const root = document.getElementById("editor");
  const source = document.getElementById("editor-data");
  if (!root || !source || !window.cytoscape) return;
  const data = JSON.parse(source.textContent);
  const dark = window.matchMedia("(prefers-color-scheme: dark)");
  useDiagramStyle(data.diagram, { dark: dark.matches });
  useVocabulary(data.vocabulary);
  const status = root.querySelector("#editor-status");
  if (status) status.textContent = "Loading the diagram\u2026";
  let saved;
  let layout = null;
  try {
    [saved, layout] = await Promise.all([
      getJSON(data.urls.document, "The diagram"),
      // Without it the canvas places the elements itself (the reason is in the log).
      data.unplaced ? getJSON(data.urls.layout, "The automatic layout").catch(() => null) : null,
    ]);
  } catch (error) {
    if (status) status.textContent = "";
    const alert = root.querySelector("#editor-alert");
    if (alert) {
      const text = document.createElement("p");
      text.textContent = `${error.message} Reload the page to try again; the tables below still work.`;
      alert.replaceChildren(text);
      alert.hidden = false;
    }
    root.classList.add("editor-failed");
    return;
  }
  const editor = new Editor(root, { ...data, ...saved, layout });
  if (status && status.textContent === "Loading the diagram\u2026") status.textContent = "";
  // A handle for debugging and for the browser tests; the mark is for benchmarks/editor.py.
  window.ciphermapEditor = editor;
  dark.addEventListener("change", () => editor.useColorScheme(data.diagram, dark.matches));
  performance.mark("editor-ready");
}

start();
