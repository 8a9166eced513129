// The canvas: the Cytoscape instance, what it shows of a document, where things go and
// how the view moves. It owns the Cytoscape instance, the view (zoom-dependent labels and
// padlocks) and where new items were dropped; it knows nothing about saving.

import { BADGE, DIAGRAM, ELEMENT, BOUNDARY, stylesheet, toCytoscape } from "./editor-graph.js";
import { Nesting, firstSize } from "./editor-nesting.js";

const MAX_FOCUS_ZOOM = 1.3;
// Above this many elements, labels and padlocks wait until the view is zoomed in.
const LARGE_MODEL = 120;
const BADGE_MIN_ZOOM = 0.45;
const MANAGED = new Set(["boundary", "element", "flow", "badge"]);

/** A new boundary node's definition: the frame starts small, and is drawn after. */
function sized(definition) {
  if (definition.data.type !== "boundary") return definition;
  return { ...definition, data: { ...definition.data, ...firstSize() } };
}

// The classes each managed element was last given, by element. Not in Cytoscape's
// scratch: setting scratch data restyles the element and emits an event.
const givenClasses = new WeakMap();

function gaveClasses(ele, classes) {
  givenClasses.set(ele[0], classes);
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
  if (givenClasses.get(ele[0]) !== classes) {
    ele.classes(classes);
    gaveClasses(ele, classes);
  }
}

export class Canvas {
  /** `initialLayout`: Graphviz's positions for a model with unplaced elements. */
  constructor(container, { doc, canEdit, initialLayout, afterRender = () => {} }) {
    this.container = container;
    this.canEdit = canEdit;
    this.initialLayout = initialLayout || null;
    this.afterRender = afterRender;
    this.large = (doc.elements || []).length > LARGE_MODEL;
    // Zoomed out on a large model, labels and padlocks are left out until zoomed in.
    this.view = { labels: !this.large };
    this.badgesVisible = undefined;
    this.rendering = false;
    this.shown = null;
    this.cy = this.createCytoscape(container);
    this.nesting = new Nesting(this.cy);
  }

  /** The boundary holding `node`, or an empty collection (boundaries are not compound
   * nodes: editor-nesting.js). */
  parentOf(node) {
    return this.nesting.parentOf(node);
  }

  childrenOf(node) {
    return this.nesting.childrenOf(node);
  }

  descendantsOf(eles) {
    return this.nesting.descendantsOf(eles);
  }

  ancestorsOf(eles) {
    return this.nesting.ancestorsOf(eles);
  }

  createCytoscape(container) {
    return window.cytoscape({
      container,
      style: stylesheet({ large: this.large, view: this.view }),
      minZoom: 0.08,
      maxZoom: 3,
      boxSelectionEnabled: this.canEdit,
      autoungrabify: !this.canEdit,
      selectionType: "single",
    });
  }

  /** Makes the canvas show `doc`: adds, updates, reparents and removes in place. */
  render(doc, analysis, { fit = false } = {}) {
    this.shown = { doc, analysis };
    this.rendering = true;
    try {
      this.nesting.pause(() => this.sync(doc, { fit }));
    } finally {
      this.rendering = false;
    }
  }

  sync(doc, { fit }) {
    const cy = this.cy;
    if (fit) this.badgesVisible = false; // the fitted zoom decides, below
    const { analysis } = this.shown;
    const definitions = toCytoscape(doc, analysis).filter(
      (d) => this.badgesVisible !== false || d.data.type !== "badge",
    );
    const wanted = new Map(definitions.map((d) => [d.data.id, d]));
    const unplaced = [];
    const fresh = !cy.nodes(".element").length;
    let flows = null;
    if (cy.elements().empty()) {
      // Opening: everything at once, which is much cheaper than one by one; the flows once
      // the nodes are placed and styled (each style property set on a node with flows
      // marks every one of its flows as changed too).
      const added = cy.add(definitions.filter((d) => d.group === "nodes").map(sized));
      added.forEach((node) => {
        const definition = wanted.get(node.id());
        if (!definition.position && node.data("type") !== "badge") unplaced.push(node);
        gaveClasses(node, definition.classes);
      });
      flows = definitions.filter((d) => d.group === "edges");
    } else cy.batch(() => {
      for (const definition of definitions) {
        if (definition.group !== "nodes") continue;
        const { id, ...data } = definition.data;
        let node = cy.getElementById(id);
        if (node.empty()) {
          node = cy.add(sized(definition));
          if (!definition.position && data.type !== "badge") unplaced.push(node);
          continue;
        }
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
    this.nesting.invalidate();
    const unplacedElement = (doc.elements || []).some((e) => !e.position);
    if (fresh && unplacedElement && this.initialLayout) {
      // What the PDF prints for this model: the automatic layout of all of it.
      this.applyLayout(this.initialLayout);
    } else if (unplaced.length) {
      // Boundaries with members sit around them; only empty ones need a place.
      const lonely = cy.collection(unplaced).filter((n) => n.inside() && !this.nesting.hasMembers(n));
      if (lonely.length) this.place(lonely);
    }
    this.nesting.layout();
    if (flows) {
      cy.add(flows).forEach((edge) => gaveClasses(edge, wanted.get(edge.id()).classes));
    }
    if (fit) {
      this.fit();
      if (cy.zoom() >= BADGE_MIN_ZOOM) {
        this.badgesVisible = true;
        cy.add(toCytoscape(doc, analysis).filter((d) => d.data.type === "badge"));
        if (this.large) {
          this.view.labels = true;
          this.restyle();
        }
      }
    }
    this.updateBadges();
    this.afterRender();
  }

  /**
   * Moves the canvas to a layout from the server (reviews/layout.py, the one the PDF
   * draws): element centres, and empty boundaries where their frame would be.
   */
  applyLayout(layout) {
    const cy = this.cy;
    this.nesting.pause(() => cy.batch(() => {
      for (const [id, position] of Object.entries(layout.positions || {})) {
        const node = cy.getElementById(ELEMENT + id);
        if (node.nonempty()) node.position(position);
      }
      for (const [id, frame] of Object.entries(layout.boundaries || {})) {
        const node = cy.getElementById(BOUNDARY + id);
        if (node.empty()) continue;
        const centre = { x: frame.x + frame.w / 2, y: frame.y + frame.h / 2 };
        if (node.hasClass("framed")) {
          this.setFrame(id, { position: centre, size: { width: frame.w, height: frame.h } });
        } else if (!this.nesting.hasMembers(node)) node.position(centre);
      }
    }));
    this.nesting.layout();
    this.updateBadges();
  }

  /** Stores `frame` ({position, size}) as a framed boundary's frame: it is drawn that big,
   * or bigger where its members need it. */
  setFrame(boundaryId, frame) {
    const node = this.cy.getElementById(BOUNDARY + boundaryId);
    if (node.empty()) return;
    node.data({ fx: frame.position.x, fy: frame.position.y, fw: frame.size.width, fh: frame.size.height });
    if (!this.nesting.paused) this.nesting.refresh(node);
  }

  /** Gives a boundary drawn around its members a frame of its own, as drawn now, so
   * that handles can resize it (the next save stores it). */
  ensureFrame(boundaryId) {
    const node = this.cy.getElementById(BOUNDARY + boundaryId);
    if (node.empty() || node.hasClass("framed")) return;
    const frame = this.frameOf(boundaryId);
    node.data({ fx: frame.position.x, fy: frame.position.y, fw: frame.size.width, fh: frame.size.height });
    node.addClass("framed");
    gaveClasses(node, node.classes().join(" "));
  }

  /** The frame a boundary is drawn with: {position, size}, in model coordinates. */
  frameOf(boundaryId) {
    const node = this.cy.getElementById(BOUNDARY + boundaryId);
    return {
      position: { ...node.position() },
      size: { width: node.data("w"), height: node.data("h") },
    };
  }

  /** Boundary ID -> frame, for the boundaries that keep one (a stored size). */
  frames() {
    const frames = new Map();
    this.cy.nodes(".boundary.framed").forEach((node) => {
      frames.set(node.data("ref"), this.frameOf(node.data("ref")));
    });
    return frames;
  }

  /** The automatic layout of the saved document, or null (the reason is shown). */
  place(nodes) {
    const cy = this.cy;
    const taken = cy
      .nodes(".element")
      .filter((n) => !nodes.contains(n))
      .map((n) => n.boundingBox({ includeLabels: true }));
    for (const node of nodes) {
      let near;
      const parent = this.nesting.parentOf(node);
      const siblings = parent.nonempty()
        ? this.nesting.childrenOf(parent).filter((c) => !nodes.contains(c))
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
      const spot = this.freeSpot(near, taken);
      node.position(spot);
      taken.push(node.boundingBox({ includeLabels: true }));
    }
  }

  /** The nearest spot to `near` where an element's box keeps `margin` from `taken`. */
  freeSpot(near, taken, margin = 20, size = DIAGRAM.node, fits = () => true) {
    const halfW = size.width / 2 + margin;
    const halfH = size.height / 2 + margin;
    const clear = (p) =>
      taken.every(
        (b) => p.x + halfW < b.x1 || p.x - halfW > b.x2 || p.y + halfH < b.y1 || p.y - halfH > b.y2,
      ) && fits(p);
    if (clear(near)) return near;
    const step = { x: size.width / 2 + margin, y: size.height / 2 + margin };
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
      this.restyle();
    }
    if (visible === this.badgesVisible) return;
    this.badgesVisible = visible;
    if (this.rendering || !this.shown) return;
    this.render(this.shown.doc, this.shown.analysis);
  }

  /** The style again, for the view (a large model's labels come and go with the zoom). */
  restyle() {
    this.cy.style(stylesheet({ large: this.large, view: this.view }));
  }

  /** The padlock badges sit in the middle of their hops. */
  updateBadges(edges) {
    const cy = this.cy;
    // zoomed out, there are none: nothing to work out for 2,000 hops
    if (this.badgesVisible === false && cy.nodes(".badge").empty()) return;
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
   * The box around the whole diagram, with a margin, in model coordinates: from the
   * element centres and the frames, not from Cytoscape's label-exact bounding boxes (on
   * a large model those cost more than everything else the editor does on opening).
   * Null for an empty diagram.
   */
  extent() {
    const nodes = this.cy.nodes(".element, .boundary");
    if (!nodes.length) return null;
    let x1 = Infinity;
    let y1 = Infinity;
    let x2 = -Infinity;
    let y2 = -Infinity;
    nodes.forEach((node) => {
      const p = node.position();
      // half a node, or half the frame
      const w = node.hasClass("boundary") ? node.data("w") / 2 : DIAGRAM.node.width / 2;
      const h = node.hasClass("boundary") ? node.data("h") / 2 : DIAGRAM.node.height / 2;
      x1 = Math.min(x1, p.x - w);
      y1 = Math.min(y1, p.y - h);
      x2 = Math.max(x2, p.x + w);
      y2 = Math.max(y2, p.y + h);
    });
    // and a margin to spare
    return { x1: x1 - 24, y1: y1 - 24, x2: x2 + 24, y2: y2 + 24 };
  }

  /** How far down the find box, over the canvas's top corner, reaches (in pixels). */
  coveredTop() {
    const find = this.container.parentElement?.querySelector(".editor-find");
    if (!find || !find.offsetHeight) return 0;
    const reach = find.getBoundingClientRect().bottom - this.container.getBoundingClientRect().top;
    return Math.max(0, Math.min(reach + 4, this.cy.height() / 3));
  }

  /** Shows the whole diagram (at most 1.2x), below the find box so that it hides none. */
  fit() {
    const cy = this.cy;
    const box = this.extent();
    if (!box) return;
    const top = this.coveredTop();
    const height = cy.height() - top;
    const zoom = Math.max(
      cy.minZoom(),
      Math.min(1.2, cy.width() / (box.x2 - box.x1), height / (box.y2 - box.y1)),
    );
    cy.viewport({
      zoom,
      pan: {
        x: cy.width() / 2 - ((box.x1 + box.x2) / 2) * zoom,
        y: top + height / 2 - ((box.y1 + box.y2) / 2) * zoom,
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

  /** Element ID -> position, as the canvas shows them. */
  positions() {
    const positions = new Map();
    this.cy.nodes(".element").forEach((node) => {
      positions.set(node.data("ref"), { ...node.position() });
    });
    return positions;
  }

  /** The selected item alone, or nothing when `canvasId` is not on the canvas. */
  select(canvasId) {
    const ele = this.cy.getElementById(canvasId);
    if (ele.empty()) return;
    this.cy.$(":selected").unselect();
    ele.select();
  }

  /** Brings a new item into view when it landed partly or wholly outside it: the view
   * pans just enough (and a margin), the zoom stays as the user set it. */
  reveal(canvasId) {
    const cy = this.cy;
    const ele = cy.getElementById(canvasId);
    if (ele.empty()) return;
    const view = cy.extent();
    const box = ele.boundingBox({ includeLabels: true });
    if (box.x1 >= view.x1 && box.x2 <= view.x2 && box.y1 >= view.y1 && box.y2 <= view.y2) return;
    const margin = 16 / cy.zoom();
    // How far the view moves along one axis: an item wider than the view shows its start.
    const along = (lo, hi, viewLo, viewHi) => {
      if (hi - lo + 2 * margin > viewHi - viewLo || lo < viewLo) return viewLo - lo + margin;
      if (hi > viewHi) return viewHi - hi - margin;
      return 0;
    };
    const zoom = cy.zoom();
    cy.panBy({
      x: along(box.x1, box.x2, view.x1, view.x2) * zoom,
      y: along(box.y1, box.y2, view.y1, view.y2) * zoom,
    });
  }

  /** A free spot in the visible part of the canvas, for items added with a click. */
  viewportSpot(size = DIAGRAM.node) {
    const cy = this.cy;
    const extent = cy.extent();
    const near = { x: (extent.x1 + extent.x2) / 2, y: (extent.y1 + extent.y2) / 2 };
    const taken = cy
      .nodes(".element, .boundary")
      .map((n) => n.boundingBox({ includeLabels: true }));
    return this.freeSpot(near, taken, 20, size);
  }

  /**
   * Elements that joined a boundary with their centre outside its frame (through a form,
   * not a drop) would stretch it over other items: each moves to a free spot by it.
   * Returns the IDs of the elements moved (the editor saves their places).
   */
  bringInside(elementIds) {
    const cy = this.cy;
    const moved = [];
    const pad = DIAGRAM.frame.padding;
    const arrivals = cy.collection(elementIds.map((id) => cy.getElementById(ELEMENT + id)));
    const ignore = new Set(arrivals.map((n) => n.id()));
    for (const node of arrivals) {
      const parent = node.nonempty() ? this.nesting.parentOf(node) : node;
      if (parent.empty()) continue;
      const held = this.nesting.descendantsOf(parent).filter(".element").not(arrivals);
      if (!held.length && !this.nesting.stored(parent)) continue;
      // the frame as it is without the arrivals
      const frame = this.nesting.frameBox(parent, ignore);
      // A drop puts the centre well inside (the frame then grows around the element).
      if (inside(node.position(), frame)) continue;
      const near = { x: (frame.x1 + frame.x2) / 2, y: (frame.y1 + frame.y2) / 2 };
      node.position(this.frameSpot(near, DIAGRAM.node, parent.data("ref"), arrivals));
      moved.push(node.data("ref"));
    }
    return moved;
  }

  /** Where a new frame of `size` near `near` covers no element and no other frame,
   * and `parent` and its ancestors, growing around it, do not either. */
  frameSpot(near, size, parent = null, ignore = this.cy.collection()) {
    const cy = this.cy;
    const nesting = this.nesting;
    const around = parent ? cy.getElementById(BOUNDARY + parent) : cy.collection();
    const enclosing = around.union(nesting.ancestorsOf(around));
    const boxOf = (n) => n.boundingBox({ includeLabels: true });
    const items = cy.nodes(".element, .boundary").not(ignore);
    const taken = items.not(enclosing).map(boxOf);
    const ignored = new Set(ignore.map((n) => n.id()));
    // The frame as it is without `ignore` (an element being placed in it).
    const frameBox = (frame) => {
      if (!ignore.nonempty() || nesting.descendantsOf(frame).intersection(ignore).empty()) return boxOf(frame);
      return nesting.frameBox(frame, ignored);
    };
    // Each enclosing frame, grown around the new one, must stay clear of what is not in it.
    const growing = enclosing.map((frame) => ({
      box: frameBox(frame),
      outside: items.not(frame.union(nesting.descendantsOf(frame)).union(nesting.ancestorsOf(frame))).map(boxOf),
    }));
    const pad = DIAGRAM.frame.padding;
    const fits = (p) =>
      growing.every(({ box, outside }) => {
        const grown = {
          x1: Math.min(box.x1, p.x - size.width / 2 - pad),
          y1: Math.min(box.y1, p.y - size.height / 2 - pad),
          x2: Math.max(box.x2, p.x + size.width / 2 + pad),
          y2: Math.max(box.y2, p.y + size.height / 2 + pad),
        };
        return outside.every((o) => grown.x2 < o.x1 || grown.x1 > o.x2 || grown.y2 < o.y1 || grown.y1 > o.y2);
      });
    return this.freeSpot(near, taken, 20, size, fits);
  }

  /** The innermost boundary at a model position, by ID, or null. */
  boundaryAt(position) {
    const zones = this.cy
      .nodes(".boundary")
      .map((b) => ({ id: b.data("ref"), box: b.boundingBox({ includeLabels: false }) }))
      .filter(({ box }) => inside(position, box))
      .sort((a, b) => a.box.w * a.box.h - b.box.w * b.box.h);
    return zones.length ? zones[0].id : null;
  }

  /** The topmost element at a model position, or null. */
  nodeAt(position) {
    const hits = this.cy
      .nodes(".element")
      .filter((n) => inside(position, n.boundingBox({ includeLabels: false })));
    return hits.length ? hits[hits.length - 1] : null;
  }

  /** A dropped element never stays on top of another: it moves to the nearest free spot. */
  clearOverlap(node) {
    const others = this.cy
      .nodes(".element")
      .filter((n) => !n.same(node))
      .map((n) => n.boundingBox({ includeLabels: false }));
    const spot = this.freeSpot(node.position(), others, 6);
    const here = node.position();
    if (spot.x !== here.x || spot.y !== here.y) node.position(spot);
  }

  /** Highlights `eles` (and `secondary`, e.g. a key's holders) and dims the rest. */
  highlight(eles, secondary = null) {
    const cy = this.cy;
    cy.batch(() => {
      cy.elements().removeClass("highlighted dimmed key-holder");
      if (!eles.length && !(secondary && secondary.length)) return;
      const all = secondary ? eles.union(secondary) : eles;
      const badges = all
        .edges()
        .map((e) => cy.getElementById(BADGE + e.data("ref")))
        .reduce((acc, b) => acc.union(b), cy.collection());
      const keep = all.union(this.nesting.ancestorsOf(all)).union(badges);
      cy.elements()
        .not(keep)
        .filter((e) => !e.hasClass("ghost"))
        .addClass("dimmed");
      eles.addClass("highlighted");
      if (secondary) secondary.not(eles).addClass("key-holder");
    });
  }

  clearHighlight() {
    this.cy.elements().removeClass("highlighted dimmed key-holder");
  }
}

function inside(position, box) {
  return position.x >= box.x1 && position.x <= box.x2 && position.y >= box.y1 && position.y <= box.y2;
}
