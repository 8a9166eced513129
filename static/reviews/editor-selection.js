// What the editor does to a selection as a whole, as draw.io users expect: draw a
// boundary around it (Group in boundary, Ctrl+G), align and distribute it, and snap what
// is dropped to a grid. Each is one saved edit and one undo step.

import { BOUNDARY, DIAGRAM, VOCABULARY } from "./editor-graph.js";
import { layoutProblems } from "./editor-frames.js";
import * as ops from "./editor-ops.js";

const GRID = 20;
const SNAP_KEY = "ciphermap.editor.snap";
const EXACT = { includeLabels: false, includeOverlays: false };

function overlaps(a, b) {
  return a.x1 < b.x2 && b.x1 < a.x2 && a.y1 < b.y2 && b.y1 < a.y2;
}

function contains(outer, inner) {
  return inner.x1 >= outer.x1 && inner.x2 <= outer.x2 && inner.y1 >= outer.y1 && inner.y2 <= outer.y2;
}

function storedSnap() {
  try {
    return window.localStorage.getItem(SNAP_KEY) === "on";
  } catch {
    return false; // storage refused (private mode): off, and not remembered
  }
}

export class SelectionTools {
  constructor({ root, canvas, store, page }) {
    this.root = root;
    this.canvas = canvas;
    this.store = store;
    this.page = page;
    this.cy = canvas.cy;
    this.snap = false;
    this.setSnap(storedSnap(), { remember: false });
    this.cy.on("pan zoom resize", () => this.drawGrid());
  }

  /** Selected elements and boundaries, without those inside a selected boundary (they
   * move with it). */
  topLevel() {
    const selected = this.cy.$("node.element:selected, node.boundary:selected");
    return selected.filter((n) => !this.canvas.ancestorsOf(n).some((a) => selected.contains(a)));
  }

  /** The box an item takes: an element's shape, a boundary's frame. */
  boxOf(node) {
    return node.boundingBox(EXACT);
  }

  /** Draws a boundary around the selection: one edit, one undo step. */
  async group() {
    const items = this.topLevel();
    if (!items.length) {
      this.page.setStatus("Select elements or boundaries to group in a boundary.");
      return undefined;
    }
    const pad = DIAGRAM.frame.padding;
    const inner = items.boundingBox(EXACT);
    const box = { x1: inner.x1 - pad, y1: inner.y1 - pad, x2: inner.x2 + pad, y2: inner.y2 + pad };
    // A frame drawn over what it does not hold would misstate membership: refused.
    const held = items.union(this.canvas.descendantsOf(items));
    const enclosing = this.canvas.ancestorsOf(items);
    const covered = this.cy
      .nodes(".element, .boundary")
      .not(held)
      .not(enclosing)
      .filter((n) => (n.hasClass("element") ? overlaps(box, this.boxOf(n)) : overlaps(box, this.boxOf(n)) && !contains(this.boxOf(n), box)));
    if (covered.length) {
      const names = covered.map((n) => n.data("ref")).join(", ");
      this.page.setStatus(`Not grouped: a frame around the selection would cover ${names}; select it too or move it away.`);
      return undefined;
    }
    const elements = items.filter(".element").map((n) => n.data("ref"));
    const boundaries = items.filter(".boundary").map((n) => n.data("ref"));
    // whole pixels, as every stored layout is
    const frame = {
      position: { x: Math.round((box.x1 + box.x2) / 2), y: Math.round((box.y1 + box.y2) / 2) },
      size: { width: Math.ceil(box.x2 - box.x1), height: Math.ceil(box.y2 - box.y1) },
    };
    const names = [...elements, ...boundaries].join(", ");
    let refused = null;
    const id = await this.store.commit(`grouped ${names} in a boundary`, (doc) => {
      try {
        return ops.groupInBoundary(doc, { kind: VOCABULARY.boundary_kind_default, elements, boundaries, frame });
      } catch (error) {
        refused = error.message;
        return false;
      }
    });
    if (refused) this.page.setStatus(`Not grouped: ${refused}.`);
    if (id) this.canvas.select(BOUNDARY + id);
    return id;
  }

  /** Moves a top-level item by `shift`: an element itself, a boundary with what it holds
   * (editor-nesting.js). */
  shiftItem(node, shift) {
    node.shift(shift);
  }

  /** Aligns (left, centre, right, top, middle, bottom) or distributes (horizontal,
   * vertical) the selection: one edit, one undo step. */
  align(how) {
    const items = this.topLevel();
    const enough = how === "horizontal" || how === "vertical" ? 3 : 2;
    if (items.length < enough) {
      this.page.setStatus(`Select at least ${enough} items to ${enough === 3 ? "distribute" : "align"} them.`);
      return undefined;
    }
    const byId = new Map(items.map((n) => [n.id(), n]));
    const shifts = ops.alignment(
      items.map((n) => ({ id: n.id(), ...this.boxOf(n) })),
      how,
    );
    const verb = how === "horizontal" || how === "vertical" ? `distributed ${how}ly` : `aligned ${how}`;
    if (!shifts.size) {
      this.page.setStatus(`Already ${verb}: nothing to move.`);
      return undefined;
    }
    const names = items.map((n) => n.data("ref")).join(", ");
    for (const [id, shift] of shifts) this.shiftItem(byId.get(id), shift);
    const problems = layoutProblems(this.canvas, this.cy.collection([...shifts.keys()].map((id) => byId.get(id))));
    if (problems.length) {
      this.canvas.render(this.store.doc, this.store.analysis); // back where they were
      this.page.setStatus(`Not ${verb.split(" ")[0]}: ${problems.join("; ")}.`);
      return undefined;
    }
    this.canvas.updateBadges();
    const positions = this.canvas.positions();
    const frames = this.canvas.frames();
    return this.store.commit(`${verb}: ${names}`, (doc) => {
      ops.setPositions(doc, positions);
      ops.setFrames(doc, frames);
    });
  }

  /** Toolbar actions: true when the action was one of these. */
  run(action) {
    if (action === "group") return this.group();
    if (action === "snap") return this.setSnap(!this.snap);
    if (action.startsWith("align-")) return this.align(action.slice("align-".length));
    if (action.startsWith("distribute-")) return this.align(action.slice("distribute-".length));
    return undefined;
  }

  setSnap(on, { remember = true } = {}) {
    this.snap = on;
    if (remember) {
      try {
        window.localStorage.setItem(SNAP_KEY, on ? "on" : "off");
      } catch {
        // storage refused: the toggle still works on this page
      }
    }
    const button = this.root.querySelector("[data-editor-action=snap]");
    if (button) button.setAttribute("aria-pressed", String(on));
    this.drawGrid();
  }

  /** The grid, drawn faintly behind the diagram while snapping is on. */
  drawGrid() {
    const container = this.canvas.container;
    container.classList.toggle("editor-grid", this.snap);
    if (!this.snap) {
      container.style.backgroundSize = "";
      container.style.backgroundPosition = "";
      return;
    }
    const step = GRID * this.cy.zoom();
    const pan = this.cy.pan();
    container.style.backgroundSize = `${step}px ${step}px`;
    container.style.backgroundPosition = `${pan.x}px ${pan.y}px`;
  }

  /** A point on the grid, when snapping is on. */
  snapPoint(point) {
    if (!this.snap) return point;
    return { x: Math.round(point.x / GRID) * GRID, y: Math.round(point.y / GRID) * GRID };
  }

  /** After a drop: the dropped items onto the grid (elements by their centre, boundaries
   * by their frame's top-left corner). */
  snapDropped(nodes) {
    if (!this.snap) return;
    const top = nodes.filter((n) => !this.canvas.ancestorsOf(n).some((a) => nodes.contains(a)));
    top.forEach((node) => {
      const anchor = node.hasClass("element") ? node.position() : { x: this.boxOf(node).x1, y: this.boxOf(node).y1 };
      const snapped = this.snapPoint(anchor);
      const shift = { x: snapped.x - anchor.x, y: snapped.y - anchor.y };
      if (shift.x || shift.y) this.shiftItem(node, shift);
    });
  }
}
