// Drawing a flow from the keyboard: with an element selected on the canvas, C starts it;
// the arrow keys, or typing part of a name, pick the target; Enter draws the flow (the
// same edit as drawing it with the mouse), Esc cancels. The status line, a live region,
// says at each step what the flow would be and which keys do what.

import { ELEMENT } from "./editor-graph.js";

const DIRECTIONS = { ArrowLeft: [-1, 0], ArrowRight: [1, 0], ArrowUp: [0, -1], ArrowDown: [0, 1] };
const PREVIEW = "keyboard-flow";

export class KeyboardFlow {
  /**
   * `draw(from, to)` makes the flow between two element IDs; `say(text)` puts a line on
   * the status line; `focusCanvas()` gives the keyboard back to the canvas.
   */
  constructor({ cy, elements, draw, say, focusCanvas }) {
    this.cy = cy;
    this.elements = elements; // () => the document's elements, for their names
    this.draw = draw;
    this.say = say;
    this.focusCanvas = focusCanvas;
    this.source = null;
    this.target = null;
    this.typed = "";
  }

  get active() {
    return this.source !== null;
  }

  start(source) {
    this.source = source;
    this.typed = "";
    source.addClass("connect-source");
    const nearest = this.byDistance(this.candidates())[0] || null;
    if (!nearest) {
      this.stop();
      this.say(`${source.data("ref")} is the only element: add another one to draw a flow to.`);
      return;
    }
    this.pick(nearest);
  }

  /** Handles a key while a flow is being picked; true when the key was used. */
  handleKey(event) {
    if (!this.active) return false;
    if (event.ctrlKey || event.metaKey || event.altKey) return false;
    const key = event.key;
    if (key === "Escape") {
      this.cancel();
      return true;
    }
    if (key === "Enter") {
      this.finish();
      return true;
    }
    if (DIRECTIONS[key]) {
      this.move(...DIRECTIONS[key]);
      return true;
    }
    if (key === "Backspace") {
      this.typed = this.typed.slice(0, -1);
      if (this.typed) this.search();
      else this.pick(this.target);
      return true;
    }
    if (key.length === 1) {
      this.typed += key;
      this.search();
      return true;
    }
    return false;
  }

  /** Every element but the source. */
  candidates() {
    return this.cy.nodes(".element").filter((node) => !node.same(this.source));
  }

  /** An element's name as the document has it (the canvas label adds its state). */
  nameOf(node) {
    const element = this.elements().find((e) => ELEMENT + e.id === node.id());
    return (element && element.name) || node.data("ref");
  }

  byDistance(nodes) {
    const from = this.source.position();
    const distance = (node) => Math.hypot(node.position("x") - from.x, node.position("y") - from.y);
    return [...nodes].sort((a, b) => distance(a) - distance(b));
  }

  /** The nearest candidate in a direction from the current target, favouring straight lines. */
  move(dx, dy) {
    const from = (this.target || this.source).position();
    let best = null;
    let bestScore = Infinity;
    for (const node of this.candidates()) {
      if (this.target && node.same(this.target)) continue;
      const vx = node.position("x") - from.x;
      const vy = node.position("y") - from.y;
      const along = vx * dx + vy * dy;
      if (along <= 0) continue;
      const score = along + 2 * Math.abs(vx * dy - vy * dx);
      if (score < bestScore) {
        best = node;
        bestScore = score;
      }
    }
    this.typed = "";
    if (best) this.pick(best);
    else this.say(`No element further that way. ${this.keysHelp()}`);
  }

  /** The element whose ID or name holds what was typed (a prefix first, then the nearest). */
  search() {
    const typed = this.typed.toLowerCase();
    const words = (node) => [node.data("ref"), this.nameOf(node)].map((w) => w.toLowerCase());
    const matches = this.byDistance(this.candidates()).filter((node) =>
      words(node).some((word) => word.includes(typed)),
    );
    const best = matches.find((node) => words(node).some((word) => word.startsWith(typed))) || matches[0];
    if (best) this.pick(best);
    else this.say(`No element matches \u201c${this.typed}\u201d. Backspace changes it, Esc cancels.`);
  }

  pick(target) {
    const cy = this.cy;
    if (this.target) this.target.removeClass("connect-target");
    cy.remove(`#${PREVIEW}`);
    this.target = target;
    target.addClass("connect-target");
    cy.add({
      group: "edges",
      data: { id: PREVIEW, source: this.source.id(), target: target.id() },
      classes: "ghost",
    });
    const matched = this.typed ? ` (matches \u201c${this.typed}\u201d)` : "";
    this.say(
      `New flow from ${this.nameOf(this.source)} to ${this.nameOf(target)}${matched}. ${this.keysHelp()}`,
    );
  }

  keysHelp() {
    return "Arrow keys or typing a name pick another target; Enter draws the flow, Esc cancels.";
  }

  async finish() {
    if (!this.target) return;
    const from = this.source.data("ref");
    const to = this.target.data("ref");
    this.stop();
    this.focusCanvas();
    await this.draw(from, to);
  }

  /** Esc: nothing drawn, and the keyboard back on the canvas (unless it went elsewhere). */
  cancel({ refocus = true } = {}) {
    if (!this.active) return;
    const from = this.source.data("ref");
    this.stop();
    this.say(`No flow drawn from ${from}.`);
    if (refocus) this.focusCanvas();
  }

  stop() {
    this.cy.remove(`#${PREVIEW}`);
    this.cy.nodes(".connect-source, .connect-target").removeClass("connect-source connect-target");
    this.source = null;
    this.target = null;
    this.typed = "";
  }
}
