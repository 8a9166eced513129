// Editing on the canvas: dragging into and out of boundaries, drawing flows, adding from
// the palette, deleting, the toolbar and the keyboard. It owns the state of a gesture in
// progress (a drag, a flow being drawn, connect mode, Shift held) and turns gestures into
// edits of the document store; the canvas shows them, the page panels follow.

import { BOUNDARY, DIAGRAM, ELEMENT, FLOW } from "./editor-graph.js";
import { copyItems, pasteItems } from "./editor-clipboard.js";
import { frameClashes } from "./editor-frames.js";
import { KeyboardFlow } from "./editor-keyboard-flow.js";
import { confirmInPage } from "./editor-confirm.js";
import * as ops from "./editor-ops.js";

// How far inside a boundary's edge a dropped item's centre must land to join it.
const DROP_BAND = 24;
// A new boundary's frame: room for a few elements, resizable by its handles.
const NEW_FRAME = { width: 360, height: 220 };

/** How wide a copy is drawn, its frames included, plus a gap: a paste moves by this. */
function copyWidth(copy) {
  const xs = copy.elements.filter((e) => e.position).map((e) => e.position.x);
  const span = xs.length ? Math.max(...xs) - Math.min(...xs) : 0;
  const frames = copy.boundaries.length ? 2 * DIAGRAM.frame.padding * Math.min(4, copy.boundaries.length) : 0;
  const stored = copy.boundaries.filter((b) => b.size).map((b) => b.size.width);
  return Math.max(span + DIAGRAM.node.width + frames, ...stored) + 60;
}

/** "api, web, db", or the first few and how many more. */
export function nameList(refs, most = 5) {
  if (refs.length <= most) return refs.join(", ");
  return `${refs.slice(0, most).join(", ")} and ${refs.length - most} more`;
}

/** "3 elements (api, web, db)", "1 element and 1 boundary (api, dmz)". */
function countedNames(moves) {
  const elements = moves.filter((m) => !m.isBoundary).length;
  const boundaries = moves.length - elements;
  const counts = [];
  if (elements) counts.push(`${elements} element${elements === 1 ? "" : "s"}`);
  if (boundaries) counts.push(`${boundaries} boundar${boundaries === 1 ? "y" : "ies"}`);
  return `${counts.join(" and ")} (${nameList(moves.map((m) => m.ref))})`;
}

/** What a drop did, for the status line and the history: what moved, and for each item
 * whose boundary changed (or that stayed where it was on an unclear drop), where. */
function moveLabel(moves) {
  const where = ({ current, target, clear }) => {
    if (target !== current) return target ? `into ${target}` : `out of ${current}`;
    if (!clear) {
      return `(still ${current ? `in ${current}` : "outside any boundary"}; drop it well inside a boundary to move it there)`;
    }
    return null;
  };
  if (moves.length === 1) {
    const [move] = moves;
    const place = where(move);
    return place ? `moved ${move.ref} ${place}` : `moved ${move.ref}`;
  }
  const groups = new Map();
  for (const move of moves) {
    const place = where(move);
    if (!place) continue;
    if (!groups.has(place)) groups.set(place, []);
    groups.get(place).push(move.ref);
  }
  const what = `moved ${countedNames(moves)}`;
  if (!groups.size) return what;
  const [[place, refs]] = groups;
  if (groups.size === 1 && refs.length === moves.length) return `${what} ${place}`;
  const parts = [...groups].map(([where_, names]) => `${nameList(names)} ${where_}`);
  return `${what}: ${parts.join("; ")}`;
}

/** Whether a node's box, or within a few pixels a flow's line (through its midpoint, as
 * it bends), holds a rendered point. */
function underPointer(ele, point) {
  if (ele.isNode()) {
    const box = ele.renderedBoundingBox({ includeLabels: false, includeOverlays: false });
    return point.x >= box.x1 && point.x <= box.x2 && point.y >= box.y1 && point.y <= box.y2;
  }
  const near = (a, b) => {
    const dx = b.x - a.x;
    const dy = b.y - a.y;
    const t = Math.max(0, Math.min(1, ((point.x - a.x) * dx + (point.y - a.y) * dy) / (dx * dx + dy * dy || 1)));
    return Math.hypot(point.x - (a.x + t * dx), point.y - (a.y + t * dy)) <= 8;
  };
  const middle = ele.renderedMidpoint();
  return near(ele.renderedSourceEndpoint(), middle) || near(middle, ele.renderedTargetEndpoint());
}

function isTyping(target) {
  if (!target || !target.closest) return false;
  return Boolean(
    target.closest("input, textarea, select, [contenteditable=''], [contenteditable=true]"),
  );
}

export class Interactions {
  constructor({ root, canvas, store, page, canEdit }) {
    this.root = root;
    this.canvas = canvas;
    this.store = store;
    this.page = page;
    this.canEdit = canEdit;
    this.cy = canvas.cy;
    this.connectMode = false;
    this.connecting = null;
    this.shiftHeld = false;
    this.dropZones = null;
    this.dragTargets = [];
    this.dragParents = new Map();
    this.nudgeTimer = null;
    this.selectionTimer = null;
    this.keyboardFlow = new KeyboardFlow({
      cy: this.cy,
      elements: () => this.store.doc.elements || [],
      draw: (from, to) => this.addFlowBetween(from, to),
      say: (text) => this.page.setStatus(text),
      focusCanvas: () => this.canvas.container.focus(),
    });
    this.bindCanvas();
    this.bindToolbar();
    this.bindKeyboard();
    this.updateButtons();
  }

  bindCanvas() {
    const cy = this.cy;
    let dirty = null;
    cy.on("position", "node.element", (event) => {
      if (!dirty) {
        dirty = new Set();
        requestAnimationFrame(() => {
          const nodes = cy.collection([...dirty].filter((n) => n.inside()));
          dirty = null;
          this.canvas.updateBadges(nodes.connectedEdges(".flow"));
        });
      }
      dirty.add(event.target[0]);
    });
    cy.on("select unselect", () => this.scheduleSelection());
    cy.on("tap", (event) => {
      if (event.target === cy) this.page.clearHighlight();
    });
    // Cytoscape sends mouseover only when the item under the pointer changes: the tooltip,
    // hidden while the view pans or zooms, comes back at rest if its item is still there.
    let hovered = null;
    let pointer = null;
    let rest = null;
    cy.on("mousemove mouseover", (event) => {
      pointer = event.renderedPosition;
    });
    cy.on("mouseover", "edge.flow, node.element", (event) => {
      hovered = event.target;
      this.page.showTooltip(event.target);
    });
    cy.on("mouseout", "edge.flow, node.element", () => {
      hovered = null;
      this.page.hideTooltip();
    });
    this.canvas.container.addEventListener("mouseleave", () => {
      hovered = null;
    });
    cy.on("pan zoom", () => {
      this.page.hideTooltip();
      clearTimeout(rest);
      rest = setTimeout(() => {
        if (hovered && pointer && hovered.inside() && underPointer(hovered, pointer)) {
          this.page.showTooltip(hovered);
        }
      }, 200);
    });
    cy.on("zoom", () => this.canvas.showBadges());
    if (!this.canEdit) return;

    // Once per gesture, on the node under the pointer (the selection moves with it).
    cy.on("grabon", "node.element, node.boundary", (event) => this.startDrag(event.target));
    cy.on("drag", "node.element, node.boundary", (event) => {
      if (event.target.same(this.grabbed)) this.whileDragging(event.target);
    });
    cy.on("dragfreeon", "node.element, node.boundary", (event) => this.endDrag(event.target));
    cy.on("tapstart", "node.element", (event) => {
      if (this.connectMode || this.shiftHeld) this.startConnect(event.target);
    });
    cy.on("tapdrag", (event) => this.whileConnecting(event.position));
    cy.on("tapend", (event) => this.endConnect(event.position));

    const canvas = this.canvas.container;
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
      this.addFromPalette(value, this.tools ? this.tools.snapPoint(position) : position);
    });
  }

  /** What a drag of `node` moves: the selection when it is selected (as Cytoscape
   * drags it), the node alone otherwise; without what a moved boundary holds. */
  draggedWith(node) {
    const nodes = node.selected() ? this.cy.$("node.element:selected, node.boundary:selected").union(node) : node;
    return nodes.filter((n) => !this.canvas.ancestorsOf(n).some((a) => nodes.contains(a)));
  }

  /** Boundaries an item can be dropped into, with their boxes as they were at the grab. */
  startDrag(node) {
    this.grabbed = node;
    this.dragged = this.draggedWith(node);
    const moving = this.dragged.union(this.canvas.descendantsOf(this.dragged));
    this.dropZones = this.cy
      .nodes(".boundary")
      .filter((b) => !moving.contains(b))
      .map((b) => {
        const box = b.boundingBox({ includeLabels: false });
        return { id: b.data("ref"), node: b, box, area: box.w * box.h };
      })
      .sort((a, b) => a.area - b.area);
    this.dragTargets = [];
    // Where each dragged item is now: a drop compares where it lands with this.
    this.dragParents = new Map(
      this.dragged.map((n) => {
        const parent = this.canvas.parentOf(n);
        return [n.id(), parent.nonempty() ? parent.data("ref") : null];
      }),
    );
  }

  /**
   * Where a drop at `position` puts the item: membership is a security fact, so it
   * changes only on a clear drop. The innermost boundary whose box, less a band of
   * DROP_BAND, holds the centre takes it in; a centre outside every boundary and outside
   * its own takes it out; anything in between (a nudge near an edge) keeps it where it
   * is. A centre still over its own boundary stays there unless it lands clearly inside
   * a boundary nested in it: near the edge of a frame inside another, it is clearly
   * inside the outer one, which is no clear drop out. Returns { zone, id, clear }.
   */
  landing(position, current) {
    const zones = this.dropZones || [];
    const within = (box, band) =>
      position.x >= box.x1 + band &&
      position.x <= box.x2 - band &&
      position.y >= box.y1 + band &&
      position.y <= box.y2 - band;
    const clearly = zones.find((z) => within(z.box, DROP_BAND));
    const own = zones.find((z) => z.id === current) || null;
    // Zones are sorted by area: over the own one, only a smaller (nested) one takes it.
    if (own && within(own.box, 0) && !(clearly && clearly.area < own.area)) {
      return { zone: own, id: current, clear: clearly === own };
    }
    if (clearly) return { zone: clearly, id: clearly.id, clear: true };
    const touching = zones.find((z) => within(z.box, 0));
    if (!touching) return { zone: null, id: null, clear: true };
    return { zone: own, id: current, clear: touching.id === current };
  }

  /** Highlights the frame each dragged item would land in (as the drop then says). */
  whileDragging(node) {
    const dragged = this.dragged || node;
    const zones = new Set();
    dragged.forEach((n) => {
      const { zone } = this.landing(n.position(), this.dragParents.get(n.id()) ?? null);
      if (zone) zones.add(zone);
    });
    const targets = [...zones];
    if (targets.length === this.dragTargets.length && targets.every((z) => this.dragTargets.includes(z))) return;
    this.cy.nodes(".drop-target").removeClass("drop-target");
    for (const zone of targets) zone.node.addClass("drop-target");
    this.dragTargets = targets;
  }

  endDrag(node) {
    this.cy.nodes(".drop-target").removeClass("drop-target");
    if (!this.dropZones) return;
    const dragged = this.dragged && this.grabbed && this.grabbed.same(node) ? this.dragged : node;
    const moves = dragged.map((n) => {
      const parent = this.canvas.parentOf(n);
      const current = parent.nonempty() ? parent.data("ref") : null;
      const landing = this.landing(n.position(), current);
      return { node: n, ref: n.data("ref"), isBoundary: n.data("type") === "boundary", current, target: landing.id, clear: landing.clear };
    });
    this.dropZones = null;
    this.grabbed = null;
    this.dragged = null;
    if (this.tools) this.tools.snapDropped(dragged);
    // Each dragged element ends clear of the others, the one under the pointer first.
    node.union(dragged).filter(".element").forEach((n) => this.canvas.clearOverlap(n));
    for (const move of moves) {
      const clash = move.isBoundary && move.target === move.current ? frameClashes(this.canvas, move.node) : null;
      if (clash && clash.length) {
        // Frames overlap only when nested: the boundary goes back where it was.
        this.canvas.render(this.store.doc, this.store.analysis);
        const names = clash.map((c) => c.data("ref")).join(", ");
        this.page.setStatus(`Not moved: ${move.ref} would overlap ${names}; drop it clear of other frames, or well inside one.`);
        return;
      }
    }
    const positions = this.canvas.positions();
    this.store.commit(moveLabel(moves), (doc) => {
      ops.setPositions(doc, positions);
      for (const { ref, isBoundary, current, target } of moves) {
        if (target === current) continue;
        if (isBoundary) ops.setBoundaryParent(doc, { boundary: ref, parent: target });
        else ops.setBoundary(doc, { element: ref, boundary: target });
      }
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

  whileConnecting(position) {
    if (!this.connecting) return;
    this.cy.getElementById("ghost").position(position);
    const hit = this.canvas.nodeAt(position);
    const target = hit && hit !== this.connecting.source ? hit : null;
    if (target === this.connecting.target) return;
    if (this.connecting.target) this.connecting.target.removeClass("connect-target");
    if (target) target.addClass("connect-target");
    this.connecting.target = target;
  }

  async endConnect(position) {
    if (!this.connecting) return;
    const { source } = this.connecting;
    const hit = this.canvas.nodeAt(position);
    this.cancelConnect();
    if (!hit || hit.same(source)) return;
    return this.addFlowBetween(source.data("ref"), hit.data("ref"));
  }

  /** The one add-flow edit, drawn with the mouse or the keyboard; the new flow selected. */
  async addFlowBetween(from, to) {
    const id = await this.store.commit(`added flow ${from} \u2192 ${to}`, (doc) =>
      ops.addFlow(doc, { from, to }),
    );
    if (id) this.canvas.select(FLOW + id);
    return id;
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
    this.page.setStatus(
      on
        ? "Connect mode: drag from one element to another to draw a flow (Esc to stop). " +
            "From the keyboard: select an element with ], then press C."
        : `Version ${this.store.version}`,
    );
  }

  /**
   * Adds an element or a boundary: where it was dropped (inside the boundary there, if
   * any), or, from a click or the keyboard, on a free spot in view outside boundaries.
   */
  async addFromPalette(value, position = null) {
    const [group, kind] = value.split(":");
    const at = position || this.canvas.viewportSpot(group === "boundary" ? NEW_FRAME : DIAGRAM.node);
    const zone = position ? this.canvas.boundaryAt(at) : null;
    if (group === "boundary") {
      // Its frame goes where it covers nothing it does not hold.
      const frame = { position: this.canvas.frameSpot(at, NEW_FRAME, zone), size: NEW_FRAME };
      const id = await this.store.commit(`added boundary ${kind}`, (doc) => {
        const created = ops.addBoundary(doc, { kind, parent: zone });
        ops.setFrames(doc, new Map([[created, frame]]));
        return created;
      });
      if (id) this.canvas.select(BOUNDARY + id);
      if (id) this.canvas.reveal(BOUNDARY + id);
      return id;
    }
    const id = await this.store.commit(`added ${kind}`, (doc) =>
      ops.addElement(doc, { kind, position: at, boundary: zone }),
    );
    if (id) this.canvas.select(ELEMENT + id);
    if (id) this.canvas.reveal(ELEMENT + id);
    return id;
  }

  /**
   * Deletes the selection after asking once what else goes with it (the question the
   * item form's delete asks). Resolves to the new version, or undefined when nothing
   * was deleted.
   */
  async deleteSelected() {
    const selected = this.cy.$(":selected");
    const items = { elements: [], flows: [], boundaries: [] };
    selected.forEach((ele) => {
      const type = ele.data("type");
      if (type === "element") items.elements.push(ele.data("ref"));
      if (type === "flow") items.flows.push(ele.data("ref"));
      if (type === "boundary") items.boundaries.push(ele.data("ref"));
    });
    const names = [...items.elements, ...items.flows, ...items.boundaries];
    if (!names.length) return undefined;
    const question = ops.removalQuestion(ops.removalOf(this.store.doc, items), items);
    if (!(await confirmInPage(`${question} History keeps the old version.`))) return undefined;
    this.page.clearProperties();
    return this.store.commit(`deleted ${nameList(names)}`, (doc) => ops.deleteItems(doc, items));
  }

  scheduleSelection() {
    if (this.selectionTimer) return;
    this.selectionTimer = setTimeout(() => {
      this.selectionTimer = null;
      const selected = this.cy.$(":selected");
      if (selected.length === 1) this.page.showProperties(selected[0]);
      if (this.multi) this.multi.follow(selected);
      this.updateButtons();
    }, 0);
  }

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
        this.canvas.fit();
        break;
      case "connect":
        this.setConnectMode(!this.connectMode);
        break;
      case "delete":
        return this.deleteSelected();
      case "undo":
        return this.store.undo();
      case "redo":
        return this.store.redo();
      case "layout":
        return this.arrange();
      default:
        // group, align, distribute, snap: editor-selection.js
        if (this.tools && this.canEdit) return this.tools.run(action);
        break;
    }
    return undefined;
  }

  /** Arrange: the server's automatic layout (the PDF's), saved as the positions. */
  async arrange() {
    const layout = await this.store.fetchLayout();
    if (!layout) return undefined;
    if (!this.canEdit) {
      this.canvas.applyLayout(layout);
      this.canvas.fit();
      return undefined;
    }
    return this.store.commit("arranged the diagram automatically", (doc) => {
      this.canvas.applyLayout(layout);
      ops.setPositions(doc, this.canvas.positions());
      this.canvas.fit();
    });
  }

  updateButtons() {
    const set = (action, enabled) => {
      const button = this.root.querySelector(`[data-editor-action=${action}]`);
      if (button) button.disabled = !enabled;
    };
    set("undo", this.canEdit && this.store.undoStack.length > 0);
    set("redo", this.canEdit && this.store.redoStack.length > 0);
    set("delete", this.canEdit && this.cy && this.cy.$(":selected").length > 0);
    this.root.classList.toggle("editor-saving", this.store.pending > 0);
  }

  bindKeyboard() {
    document.addEventListener("keydown", (event) => {
      if (event.key === "Shift" && this.canEdit) {
        this.shiftHeld = true;
        this.cy.autoungrabify(true);
        return;
      }
      if (isTyping(event.target) || event.target.closest?.("#properties")) return;
      if (event.target === this.canvas.container && this.keyboardFlow.handleKey(event)) {
        event.preventDefault();
        return;
      }
      if (event.altKey) return;
      const mod = event.ctrlKey || event.metaKey;
      const key = event.key;
      if (mod && key.toLowerCase() === "z") {
        event.preventDefault();
        if (event.shiftKey) this.store.redo();
        else this.store.undo();
        return;
      }
      if (mod && key.toLowerCase() === "y") {
        event.preventDefault();
        this.store.redo();
        return;
      }
      if (mod && key.toLowerCase() === "g" && this.keyboardScope(event.target) && this.tools) {
        event.preventDefault();
        if (this.canEdit) this.tools.group();
        return;
      }
      if (mod && this.keyboardScope(event.target) && this.clipboardKey(key.toLowerCase())) {
        event.preventDefault();
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
    // The canvas reached with Tab says how to work it; leaving it drops a flow half picked.
    const canvas = this.canvas.container;
    canvas.addEventListener("focus", () => {
      if (!canvas.matches(":focus-visible") || this.cy.$(":selected").length) return;
      const draw = this.canEdit ? ", C draws a flow from the selected element" : "";
      this.page.setStatus(`Diagram: ] and [ select items${draw}, Enter edits, F fits.`);
    });
    canvas.addEventListener("blur", () => this.keyboardFlow.cancel({ refocus: false }));
    document.addEventListener("keyup", (event) => {
      if (event.key === "Shift") this.releaseShift();
    });
    window.addEventListener("blur", () => this.releaseShift());
  }

  /** Ctrl+A selects everything on the canvas; Ctrl+C, Ctrl+V and Ctrl+D copy, paste and
   * duplicate the selection. True when the key was one of them. */
  clipboardKey(key) {
    if (key === "a") {
      this.cy.elements(".element, .boundary, .flow").select();
      this.page.setStatus(`Selected everything (${this.cy.$(":selected").length} items)`);
      return true;
    }
    if (key === "c") {
      this.copySelection();
      return true;
    }
    if (key === "v" && this.canEdit) {
      this.paste();
      return true;
    }
    if (key === "d" && this.canEdit) {
      this.copySelection();
      this.paste();
      return true;
    }
    return false;
  }

  copySelection() {
    const refs = { elements: [], boundaries: [] };
    this.cy.$(":selected").forEach((ele) => {
      if (ele.data("type") === "element") refs.elements.push(ele.data("ref"));
      if (ele.data("type") === "boundary") refs.boundaries.push(ele.data("ref"));
    });
    const doc = structuredClone(this.store.doc);
    ops.setPositions(doc, this.canvas.positions());
    this.clipboard = copyItems(doc, refs);
    const count = this.clipboard.elements.length + this.clipboard.boundaries.length;
    this.page.setStatus(count ? `Copied ${count} item${count === 1 ? "" : "s"}` : "Nothing to copy");
  }

  async paste() {
    const copy = this.clipboard;
    if (!copy || !(copy.elements.length || copy.boundaries.length)) return;
    const count = copy.elements.length + copy.boundaries.length;
    // Beside the original, clear of it and of its frames; a second paste of the same
    // copy lands beside the first.
    this.pastes = copy === this.lastPasted ? (this.pastes || 1) + 1 : 1;
    this.lastPasted = copy;
    const offset = { x: this.pastes * copyWidth(copy), y: 0 };
    const added = await this.store.commit(`pasted ${count} item${count === 1 ? "" : "s"}`, (doc) =>
      pasteItems(doc, copy, offset),
    );
    if (!added) return;
    this.cy.$(":selected").unselect();
    for (const id of added.elements) this.cy.getElementById(ELEMENT + id).select();
    for (const id of added.boundaries) this.cy.getElementById(BOUNDARY + id).select();
    for (const id of added.flows) this.cy.getElementById(FLOW + id).select();
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
        // a boundary moves what it holds (editor-nesting.js)
        const moving = nodes.filter((n) => !this.canvas.ancestorsOf(n).some((a) => nodes.contains(a)));
        moving.shift({ x: dx * step, y: dy * step });
        clearTimeout(this.nudgeTimer);
        this.nudgeTimer = setTimeout(() => {
          const positions = this.canvas.positions();
          const items = moving.map((n) => ({ ref: n.data("ref"), isBoundary: n.data("type") === "boundary" }));
          const what = items.length === 1 ? items[0].ref : countedNames(items);
          this.store.commit(`moved ${what}`, (doc) => ops.setPositions(doc, positions));
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
      case "C": {
        if (!this.canEdit) return false;
        const selected = cy.$(":selected");
        if (selected.length === 1 && selected.is("node.element") && !this.connectMode) {
          this.keyboardFlow.start(selected[0]);
        } else {
          this.run("connect");
        }
        return true;
      }
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
        this.page.clearHighlight();
        cy.$(":selected").unselect();
        this.page.hideTooltip();
        return true;
      default:
        return false;
    }
  }

  /** Keyboard access to the canvas: `]` and `[` walk through elements, flows, boundaries. */
  cycleSelection(direction) {
    const cy = this.cy;
    const order = [
      ...(this.store.doc.elements || []).map((e) => ELEMENT + e.id),
      ...(this.store.doc.flows || []).map((f) => FLOW + f.id),
      ...(this.store.doc.boundaries || []).map((b) => BOUNDARY + b.id),
    ];
    if (!order.length) return;
    const current = cy.$(":selected");
    const index = current.length ? order.indexOf(current[0].id()) : -1;
    const next = order[(index + direction + order.length) % order.length];
    this.canvas.select(next);
    const ele = cy.getElementById(next);
    const keys = ele.data("type") === "element" && this.canEdit ? "C draws a flow from it, " : "";
    this.page.setStatus(`Selected ${ele.data("type")} ${ele.data("ref")}: ${keys}Enter edits it.`);
    cy.stop();
    cy.animate({ center: { eles: ele } }, { duration: 150 });
  }
}
