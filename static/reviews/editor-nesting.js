// Who is in which boundary on the canvas, and where each boundary's frame is drawn.
//
// Boundaries are plain Cytoscape nodes, not compound ones (`parent`): with compound nodes
// Cytoscape walks every element's parents, children and edges for each style property it
// applies, which at 1,000 elements was most of the time the editor took to open. So a
// boundary is a frame node drawn under the elements and flows (a nested one above the one
// holding it), and this module does what the compound node did:
// - membership: each element and boundary has `within`, the canvas ID of the boundary
//   holding it (from the document; it changes only when the document does);
// - the frame: a boundary with a stored frame (`fx`, `fy`, `fw`, `fh`: its `position` and
//   `size`) is drawn at least that big and grows, never shrinks, around its members plus
//   the frame's padding; one without is drawn around its members; an empty one is a small
//   frame where it was put;
// - moving a frame (a drag, or any `position` or `shift` of its node) moves what it holds,
//   and moving a member redraws the frames around it.

import { DIAGRAM } from "./editor-graph.js";

const EXACT = { includeLabels: false, includeOverlays: false };
// As Cytoscape sized a compound node (min-width, min-height): at least this much inside
// the padding, growing evenly on both sides.
const MIN_INNER = { width: 120, height: 70 };

/** The size a new boundary node starts with, until its frame is drawn. */
export function firstSize() {
  const pad = 2 * DIAGRAM.frame.padding;
  return { w: MIN_INNER.width + pad, h: MIN_INNER.height + pad };
}

function union(a, b) {
  if (!a) return { ...b };
  return {
    x1: Math.min(a.x1, b.x1),
    y1: Math.min(a.y1, b.y1),
    x2: Math.max(a.x2, b.x2),
    y2: Math.max(a.y2, b.y2),
  };
}

function atLeast(box, width, height) {
  const out = { ...box };
  const w = out.x2 - out.x1;
  const h = out.y2 - out.y1;
  if (w < width) {
    out.x1 -= (width - w) / 2;
    out.x2 += (width - w) / 2;
  }
  if (h < height) {
    out.y1 -= (height - h) / 2;
    out.y2 += (height - h) / 2;
  }
  return out;
}

export class Nesting {
  constructor(cy) {
    this.cy = cy;
    this.index = null; // boundary canvas ID -> its member nodes
    this.paused = 0; // while the canvas is being rebuilt, frames wait for `layout`
    this.quiet = 0; // while this module moves nodes itself
    // Where each frame was drawn last (not in Cytoscape's scratch: setting that restyles).
    this.drawnAt = new WeakMap();
    cy.on("position", (event) => this.moved(event.target));
  }

  /** Membership may have changed (a render): the index is rebuilt when next asked. */
  invalidate() {
    this.index = null;
  }

  members() {
    if (!this.index) {
      const index = new Map();
      this.cy.nodes(".element, .boundary").forEach((node) => {
        const within = node.data("within");
        if (!within) return;
        if (!index.has(within)) index.set(within, []);
        index.get(within).push(node);
      });
      this.index = index;
    }
    return this.index;
  }

  /** The boundary holding `node` (a collection of one), or an empty collection. */
  parentOf(node) {
    const within = node.data("within");
    return within ? this.cy.getElementById(within) : this.cy.collection();
  }

  childrenOf(node) {
    return this.cy.collection(this.members().get(node.id()) || []);
  }

  hasMembers(node) {
    return (this.members().get(node.id()) || []).length > 0;
  }

  /** Everything held, at any depth, by the boundaries among `eles`. */
  descendantsOf(eles) {
    const members = this.members();
    const found = new Map();
    const stack = eles.filter(".boundary").toArray();
    while (stack.length) {
      const boundary = stack.pop();
      for (const child of members.get(boundary.id()) || []) {
        if (found.has(child.id())) continue;
        found.set(child.id(), child);
        if (child.hasClass("boundary")) stack.push(child);
      }
    }
    return this.cy.collection([...found.values()]);
  }

  /** The boundaries holding any of `eles`, at any depth. */
  ancestorsOf(eles) {
    const found = new Map();
    eles.forEach((ele) => {
      let within = ele.data("within");
      while (within && !found.has(within)) {
        const parent = this.cy.getElementById(within);
        if (parent.empty()) break;
        found.set(within, parent);
        within = parent.data("within");
      }
    });
    return this.cy.collection([...found.values()]);
  }

  /** A boundary's stored frame as a box, or null when it is drawn around its members. */
  stored(node) {
    const w = node.data("fw");
    if (w === undefined || w === null) return null;
    const h = node.data("fh");
    const x = node.data("fx");
    const y = node.data("fy");
    return { x1: x - w / 2, y1: y - h / 2, x2: x + w / 2, y2: y + h / 2 };
  }

  /** The frame `node` is drawn with, from its stored frame and its members (those in
   * `ignore`, a Set of canvas IDs, left out), as a box. */
  frameBox(node, ignore = null, seen = new Set()) {
    seen.add(node.id());
    const pad = DIAGRAM.frame.padding;
    const stored = this.stored(node);
    let inner = stored ? { x1: stored.x1 + pad, y1: stored.y1 + pad, x2: stored.x2 - pad, y2: stored.y2 - pad } : null;
    for (const child of this.members().get(node.id()) || []) {
      if ((ignore && ignore.has(child.id())) || seen.has(child.id())) continue;
      const box = child.hasClass("boundary") ? this.frameBox(child, ignore, seen) : child.boundingBox(EXACT);
      inner = union(inner, box);
    }
    if (!inner) {
      const p = node.position();
      inner = { x1: p.x, y1: p.y, x2: p.x, y2: p.y };
    }
    const box = atLeast(inner, MIN_INNER.width, MIN_INNER.height);
    return { x1: box.x1 - pad, y1: box.y1 - pad, x2: box.x2 + pad, y2: box.y2 + pad };
  }

  /** Draws `node`'s frame at `box`. */
  draw(node, box) {
    const w = box.x2 - box.x1;
    const h = box.y2 - box.y1;
    const centre = { x: (box.x1 + box.x2) / 2, y: (box.y1 + box.y2) / 2 };
    if (node.data("w") !== w || node.data("h") !== h) node.data({ w, h });
    const p = node.position();
    this.quiet += 1;
    try {
      if (Math.abs(p.x - centre.x) > 1e-6 || Math.abs(p.y - centre.y) > 1e-6) node.position(centre);
    } finally {
      this.quiet -= 1;
    }
    this.drawnAt.set(node[0], centre);
  }

  /** Draws every frame, the innermost first. */
  layout() {
    const depth = (b) => this.ancestorsOf(b).length;
    const boundaries = this.cy
      .nodes(".boundary")
      .toArray()
      .sort((a, b) => depth(b) - depth(a));
    for (const boundary of boundaries) this.draw(boundary, this.frameBox(boundary));
  }

  /** Redraws `node`'s frame and those around it. */
  refresh(node) {
    const chain = node.hasClass("boundary") ? [node] : [];
    this.ancestorsOf(node).forEach((a) => {
      chain.push(a);
    });
    // innermost first: an ancestor's frame depends on its members' frames
    chain.sort((a, b) => this.ancestorsOf(b).length - this.ancestorsOf(a).length);
    for (const boundary of chain) this.draw(boundary, this.frameBox(boundary));
  }

  /** Runs `change` with the frames left as they are; `layout` redraws them after. */
  pause(change) {
    this.paused += 1;
    try {
      return change();
    } finally {
      this.paused -= 1;
    }
  }

  moved(node) {
    if (this.paused || this.quiet || !node.isNode()) return;
    const type = node.data("type");
    if (type === "boundary") {
      const before = this.drawnAt.get(node[0]);
      const now = node.position();
      if (before && (before.x !== now.x || before.y !== now.y)) {
        this.carry(node, { x: now.x - before.x, y: now.y - before.y });
      }
      this.refresh(node);
    } else if (type === "element" && node.data("within")) {
      this.refresh(node);
    }
  }

  /** A frame moved by `delta`: its stored frame and what it holds move with it, except
   * what is being dragged itself (Cytoscape moves that). */
  carry(node, delta) {
    this.quiet += 1;
    const seen = new Set();
    try {
      const move = (boundary) => {
        if (seen.has(boundary.id())) return;
        seen.add(boundary.id());
        if (this.stored(boundary)) {
          boundary.data({ fx: boundary.data("fx") + delta.x, fy: boundary.data("fy") + delta.y });
        }
        for (const child of this.members().get(boundary.id()) || []) {
          if (child.grabbed() || child.same(node)) continue;
          child.shift(delta);
          if (child.hasClass("boundary")) {
            const at = this.drawnAt.get(child[0]);
            if (at) this.drawnAt.set(child[0], { x: at.x + delta.x, y: at.y + delta.y });
            move(child);
          }
        }
      };
      move(node);
    } finally {
      this.quiet -= 1;
    }
  }
}
