// Drawing a flow from a handle: cytoscape-edgehandles (static/vendor/cytoscape-edgehandles)
// draws the line while the user drags from a small handle beside the hovered element to
// another element. The line it draws is only a preview: on release it is taken away and
// the canvas makes the same add-flow edit as connect mode (Interactions.addFlowBetween),
// so the flow gets its ID from editor-ops like every other.
//
// edgehandles 4 has no handle of its own (its demo positions a DOM one with a popper
// library); here the handle is a small Cytoscape node, so its press and drag go through
// Cytoscape's own events and the gesture needs no other library.

const HANDLE_ID = "flow-handle";
// How far (rendered px) the pointer may stray from the element before the handle goes.
const HOVER_MARGIN = 22;

export class FlowHandles {
  constructor({ canvas, interactions }) {
    this.cy = canvas.cy;
    this.interactions = interactions;
    this.source = null;
    this.drawing = false;
    this.eh = this.cy.edgehandles({
      canConnect: (source, target) =>
        source.hasClass("element") && target.hasClass("element") && !source.same(target),
      edgeParams: () => ({ data: { type: "preview" }, classes: "flow-preview" }),
      hoverDelay: 80,
      // Snapping picks whatever is near, which inside frames is often a neighbour.
      snap: false,
    });
    this.bind();
  }

  bind() {
    const cy = this.cy;
    // Moving on an element shows its handle too: mouseover alone misses the element a
    // gesture ended on (a flow just drawn to it, a drag dropped), where the next flow starts.
    cy.on("mouseover mousemove", "node.element", (event) => {
      if (!this.source || !this.source.same(event.target)) this.show(event.target);
    });
    cy.on("mousemove", (event) => this.hideWhenAway(event.position));
    cy.on("grab pan zoom", () => this.hide());
    cy.on("remove", "node.element", (event) => {
      if (this.source && event.target.same(this.source)) this.hide();
    });
    cy.on("tapstart", `#${HANDLE_ID}`, () => this.start(this.source));
    cy.on("ehstart", () => {
      this.drawing = true;
      this.hide();
    });
    cy.on("ehstop", () => {
      this.drawing = false;
    });
    cy.on("ehcomplete", (event, source, target, added) => {
      added.remove();
      this.interactions.addFlowBetween(source.data("ref"), target.data("ref"));
    });
  }

  /** Starts drawing a flow from `node`, as if its handle were dragged. */
  start(node) {
    if (!node || node.empty() || this.drawing) return;
    this.eh.start(node);
  }

  /** Puts the handle on the right edge of `node` (not while another gesture runs). */
  show(node) {
    if (this.drawing || this.interactions.connecting || this.interactions.connectMode) return;
    if (node.grabbed()) return;
    const cy = this.cy;
    this.source = node;
    const at = { x: node.position().x + node.outerWidth() / 2, y: node.position().y };
    const handle = cy.getElementById(HANDLE_ID);
    if (handle.nonempty()) {
      handle.position(at);
      return;
    }
    cy.add({
      group: "nodes",
      data: { id: HANDLE_ID, type: "handle" },
      position: at,
      classes: "flow-handle",
      grabbable: false,
      selectable: false,
    });
  }

  hide() {
    this.cy.remove(`#${HANDLE_ID}`);
    this.source = null;
  }

  hideWhenAway(position) {
    if (!this.source || this.drawing) return;
    const margin = HOVER_MARGIN / this.cy.zoom();
    const box = this.source.boundingBox({ includeLabels: false });
    const near =
      position.x >= box.x1 - margin &&
      position.x <= box.x2 + margin &&
      position.y >= box.y1 - margin &&
      position.y <= box.y2 + margin;
    if (!near) this.hide();
  }
}
