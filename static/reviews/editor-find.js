// Find an element by name: the search box above the canvas (Ctrl+F while the canvas has
// the focus) selects and centres the first element whose name or ID contains the text;
// Enter and Shift+Enter (or the arrow buttons) step through the other matches.

import { ELEMENT } from "./editor-graph.js";

/** The IDs of the elements whose name or ID contains `query` (any case), in document order. */
export function elementsMatching(doc, query) {
  const wanted = query.trim().toLowerCase();
  if (!wanted) return [];
  return (doc.elements || [])
    .filter((e) => `${e.name || ""}\n${e.id}`.toLowerCase().includes(wanted))
    .map((e) => e.id);
}

export class Find {
  constructor({ root, canvas, store, page }) {
    this.canvas = canvas;
    this.store = store;
    this.page = page;
    this.form = root.querySelector("#editor-find");
    if (!this.form) return;
    this.input = this.form.querySelector("input[type=search]");
    this.count = this.form.querySelector("output");
    this.buttons = this.form.querySelectorAll("button[data-find]");
    this.index = -1;
    this.bind();
  }

  bind() {
    this.form.addEventListener("submit", (event) => event.preventDefault());
    this.input.addEventListener("input", () => {
      this.index = -1;
      this.step(1);
    });
    this.input.addEventListener("keydown", (event) => {
      if (event.key === "Enter") {
        event.preventDefault();
        this.step(event.shiftKey ? -1 : 1);
      } else if (event.key === "Escape") {
        event.preventDefault();
        this.canvas.container.focus();
      }
    });
    for (const button of this.buttons) {
      button.addEventListener("click", () => this.step(button.dataset.find === "next" ? 1 : -1));
    }
    this.canvas.container.addEventListener("keydown", (event) => {
      if ((event.ctrlKey || event.metaKey) && !event.altKey && event.key.toLowerCase() === "f") {
        event.preventDefault();
        this.open();
      }
    });
  }

  open() {
    this.input.focus();
    this.input.select();
  }

  /** Goes to the next (1) or previous (-1) match, and says which of how many it is. */
  step(direction) {
    const matches = elementsMatching(this.store.doc, this.input.value);
    for (const button of this.buttons) button.disabled = matches.length < 2;
    if (!matches.length) {
      this.index = -1;
      this.count.textContent = this.input.value.trim() ? "No match" : "";
      return;
    }
    const first = direction > 0 ? 0 : matches.length - 1;
    this.index = this.index < 0 ? first : (this.index + direction + matches.length) % matches.length;
    const id = ELEMENT + matches[this.index];
    this.count.textContent = `${this.index + 1} of ${matches.length}`;
    this.canvas.select(id);
    const cy = this.canvas.cy;
    cy.stop();
    cy.animate({ center: { eles: cy.getElementById(id) } }, { duration: 150 });
  }
}
