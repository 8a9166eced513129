// Resizing boundaries by handles. The selected boundary gets eight handles (corners and
// sides) drawn over the canvas; dragging one resizes its frame, which is then stored as
// the boundary's `position` and `size` (layout only, docs/MODEL.md).
//
// No Cytoscape extension does this without jQuery or Konva (cytoscape-node-resize and
// cytoscape-node-editing need both), so the handles are a few absolutely placed buttons.
//
// Membership is a security fact, so a resize changes it only where the picture would
// otherwise lie, as draw.io users expect of a container: the frame never shrinks past its
// members (nobody leaves by a resize); an element or a boundary that ends up wholly inside
// the new frame joins it, and the status line says so. A frame may not end up partly over
// another boundary's frame (frames overlap only when nested): such a resize is refused.

import * as ops from "./editor-ops.js";

const SIDES = ["nw", "n", "ne", "e", "se", "s", "sw", "w"];
const MIN_SIZE = { width: 120, height: 70 };

function boxOf(frame) {
  const { x, y } = frame.position;
  const { width, height } = frame.size;
  return { x1: x - width / 2, y1: y - height / 2, x2: x + width / 2, y2: y + height / 2 };
}

function frameOfBox(box) {
  return {
    position: { x: (box.x1 + box.x2) / 2, y: (box.y1 + box.y2) / 2 },
    size: { width: box.x2 - box.x1, height: box.y2 - box.y1 },
  };
}

function overlaps(a, b) {
  return a.x1 < b.x2 && b.x1 < a.x2 && a.y1 < b.y2 && b.y1 < a.y2;
}

function contains(outer, inner) {
  return inner.x1 >= outer.x1 && inner.x2 <= outer.x2 && inner.y1 >= outer.y1 && inner.y2 <= outer.y2;
}

/** The boundaries whose frames `node`'s frame partly overlaps (frames overlap only when
 * one holds the other); `box` is its frame, by default as drawn now. */
export function frameClashes(canvas, node, box = boxOf(canvas.frameOf(node.data("ref")))) {
  const family = node.union(canvas.descendantsOf(node)).union(canvas.ancestorsOf(node));
  return canvas.cy
    .nodes(".boundary")
    .not(family)
    .filter((other) => {
      const otherBox = boxOf(canvas.frameOf(other.data("ref")));
      return overlaps(box, otherBox) && !contains(box, otherBox);
    });
}

/**
 * What a move of `moved` (elements and boundaries, already shifted on the canvas) would
 * misstate: frames partly over each other (the moved ones and those grown around them),
 * and elements whose centre now sits in a frame they are not in. Sentences, or none.
 */
export function layoutProblems(canvas, moved) {
  const problems = [];
  const frames = moved.filter(".boundary").union(canvas.ancestorsOf(moved));
  frames.forEach((frame) => {
    const clash = frameClashes(canvas, frame);
    if (clash.length) problems.push(`${frame.data("ref")} would overlap ${clash.map((c) => c.data("ref")).join(", ")}`);
  });
  moved.filter(".element").forEach((element) => {
    const centre = element.position();
    const own = canvas.ancestorsOf(element);
    const over = canvas.cy.nodes(".boundary").not(own).filter((b) => {
      const box = boxOf(canvas.frameOf(b.data("ref")));
      return centre.x > box.x1 && centre.x < box.x2 && centre.y > box.y1 && centre.y < box.y2;
    });
    if (over.length) problems.push(`${element.data("ref")} would sit in ${over[0].data("ref")} without being in it`);
  });
  return problems;
}

export class FrameHandles {
  constructor({ stage, canvas, store, page }) {
    this.canvas = canvas;
    this.store = store;
    this.page = page;
    this.cy = canvas.cy;
    this.layer = document.createElement("div");
    this.layer.className = "frame-handles";
    this.layer.hidden = true;
    this.handles = SIDES.map((side) => {
      const handle = document.createElement("span");
      handle.className = `frame-handle frame-handle-${side}`;
      handle.dataset.side = side;
      handle.title = "Drag to resize the boundary";
      handle.addEventListener("pointerdown", (event) => this.start(event, side));
      this.layer.append(handle);
      return handle;
    });
    stage.append(this.layer);
    this.boundary = null;
    this.resizing = null;
    // At most once a frame: a render moves every node, and each move is an event.
    let scheduled = false;
    const follow = () => {
      if (scheduled) return;
      scheduled = true;
      requestAnimationFrame(() => {
        scheduled = false;
        this.follow();
      });
    };
    this.cy.on("select unselect", follow);
    this.cy.on("pan zoom resize position", follow);
    window.addEventListener("pointermove", (event) => this.move(event));
    window.addEventListener("pointerup", (event) => this.end(event));
  }

  /** The one selected boundary, if that is all that is selected. */
  selectedBoundary() {
    const selected = this.cy.$(":selected");
    return selected.length === 1 && selected[0].data("type") === "boundary" ? selected[0] : null;
  }

  /** Puts the handles on the selected boundary's frame (or hides them). */
  follow() {
    if (this.resizing) return this.place(this.resizing.node);
    const node = this.selectedBoundary();
    this.boundary = node;
    if (!node || !node.inside()) {
      this.layer.hidden = true;
      return undefined;
    }
    return this.place(node);
  }

  place(node) {
    const box = node.renderedBoundingBox({ includeLabels: false, includeOverlays: false });
    const canvas = this.canvas.container;
    const left = canvas.offsetLeft + canvas.clientLeft;
    const top = canvas.offsetTop + canvas.clientTop;
    const spots = {
      nw: [box.x1, box.y1],
      n: [(box.x1 + box.x2) / 2, box.y1],
      ne: [box.x2, box.y1],
      e: [box.x2, (box.y1 + box.y2) / 2],
      se: [box.x2, box.y2],
      s: [(box.x1 + box.x2) / 2, box.y2],
      sw: [box.x1, box.y2],
      w: [box.x1, (box.y1 + box.y2) / 2],
    };
    for (const handle of this.handles) {
      const [x, y] = spots[handle.dataset.side];
      handle.style.left = `${Math.round(left + x)}px`;
      handle.style.top = `${Math.round(top + y)}px`;
      // off the canvas (the frame runs past the view): not drawn over the page around it
      handle.hidden = x < 0 || y < 0 || x > canvas.clientWidth || y > canvas.clientHeight;
    }
    this.layer.hidden = false;
  }

  modelPoint(event) {
    const rect = this.canvas.container.getBoundingClientRect();
    const pan = this.cy.pan();
    const zoom = this.cy.zoom();
    return { x: (event.clientX - rect.left - pan.x) / zoom, y: (event.clientY - rect.top - pan.y) / zoom };
  }

  start(event, side) {
    const node = this.boundary;
    if (!node || event.button !== 0) return;
    event.preventDefault();
    event.stopPropagation();
    const ref = node.data("ref");
    this.canvas.ensureFrame(ref);
    this.resizing = { node, ref, side, from: boxOf(this.canvas.frameOf(ref)), origin: this.modelPoint(event) };
  }

  move(event) {
    const resizing = this.resizing;
    if (!resizing) return;
    event.preventDefault();
    const point = this.modelPoint(event);
    const dx = point.x - resizing.origin.x;
    const dy = point.y - resizing.origin.y;
    const box = { ...resizing.from };
    const { side } = resizing;
    if (side.includes("w")) box.x1 = Math.min(box.x1 + dx, box.x2 - MIN_SIZE.width);
    if (side.includes("e")) box.x2 = Math.max(box.x2 + dx, box.x1 + MIN_SIZE.width);
    if (side.includes("n")) box.y1 = Math.min(box.y1 + dy, box.y2 - MIN_SIZE.height);
    if (side.includes("s")) box.y2 = Math.max(box.y2 + dy, box.y1 + MIN_SIZE.height);
    this.canvas.setFrame(resizing.ref, frameOfBox(box));
    this.place(resizing.node);
  }

  async end() {
    const resizing = this.resizing;
    if (!resizing) return undefined;
    this.resizing = null;
    const { node, ref } = resizing;
    const frame = this.canvas.frameOf(ref);
    const box = boxOf(frame);
    const family = node.union(this.canvas.descendantsOf(node)).union(this.canvas.ancestorsOf(node));
    const others = this.cy.nodes(".boundary").not(family);
    const clash = frameClashes(this.canvas, node, box);
    if (clash.length) {
      this.canvas.render(this.store.doc, this.store.analysis);
      this.follow();
      this.page.setStatus(
        `Not resized: ${ref} would overlap ${clash.map((c) => c.data("ref")).join(", ")}; ` +
          "frames overlap only when one is inside the other.",
      );
      return undefined;
    }
    // What the new frame wholly covers, and is not inside it yet, joins it; a boundary
    // wholly covered brings its own members along.
    const covered = others.filter((other) => contains(box, boxOf(this.canvas.frameOf(other.data("ref")))));
    const joining = covered.filter((b) => !this.canvas.ancestorsOf(b).some((a) => covered.contains(a)));
    const joiningElements = this.cy
      .nodes(".element")
      .not(this.canvas.descendantsOf(node))
      .not(this.canvas.descendantsOf(covered))
      .filter((element) => contains(box, element.boundingBox({ includeLabels: false, includeOverlays: false })));
    const names = [...joiningElements.map((e) => e.data("ref")), ...joining.map((b) => b.data("ref"))];
    const label = names.length ? `resized ${ref}, taking in ${names.join(", ")}` : `resized ${ref}`;
    const frames = new Map([[ref, frame]]);
    return this.store.commit(label, (doc) => {
      ops.setFrames(doc, frames);
      joiningElements.forEach((element) => ops.setBoundary(doc, { element: element.data("ref"), boundary: ref }));
      joining.forEach((b) => ops.setBoundaryParent(doc, { boundary: b.data("ref"), parent: ref }));
    });
  }
}

