// Rename in place: double-click an element, a flow or a boundary and type its name in an
// input over it; Enter (or leaving the field) saves, Esc cancels.
//
// The name is what the diagram shows. The ID follows it only while the ID is still the
// one the editor made (from the kind, or the old name, or a flow's ends): then it becomes
// a valid, unused ID made from the new name, through the same rename as the properties
// form (every reference follows). An ID someone chose stays as it is.

import { BOUNDARY, ELEMENT, FLOW, SECTION_OF as SECTIONS, VOCABULARY } from "./editor-graph.js";
import * as ops from "./editor-ops.js";

const PREFIX = { element: ELEMENT, boundary: BOUNDARY, flow: FLOW };

/** The name an ID would have been made from when nobody typed one. */
function madeFrom(item, section) {
  if (item.name) return item.name;
  if (section === "flows") return `${item.from}-to-${item.to}`;
  // The stored document leaves a boundary's default kind out; its ID was made from it.
  if (section === "boundaries") return item.kind || VOCABULARY.boundary_kind_default;
  return item.kind || "";
}

/** True when `item`'s ID is one the editor made, not one someone chose. */
export function idIsMade(item, section) {
  const base = ops.slug(madeFrom(item, section));
  return item.id === base || new RegExp(`^${base.replace(/[-_]/g, "[-_]")}-\\d+$`).test(item.id);
}

export class InPlaceRename {
  constructor({ stage, canvas, store, page }) {
    this.canvas = canvas;
    this.store = store;
    this.page = page;
    this.cy = canvas.cy;
    this.input = document.createElement("input");
    this.input.type = "text";
    this.input.className = "rename-in-place";
    this.input.hidden = true;
    this.input.setAttribute("aria-label", "Name");
    stage.append(this.input);
    this.editing = null;
    this.cy.on("dbltap", "node.element, node.boundary, edge.flow", (event) => this.open(event.target));
    this.cy.on("pan zoom", () => this.cancel());
    this.input.addEventListener("keydown", (event) => {
      if (event.key === "Enter") {
        event.preventDefault();
        this.save();
      } else if (event.key === "Escape") {
        event.preventDefault();
        event.stopPropagation();
        this.cancel();
      }
    });
    this.input.addEventListener("blur", () => this.save());
  }

  open(ele) {
    const type = ele.data("type");
    const section = SECTIONS[type];
    const item = (this.store.doc[section] || []).find((i) => i.id === ele.data("ref"));
    if (!item) return;
    this.editing = { type, section, id: item.id };
    this.page.hideTooltip();
    const canvas = this.canvas.container;
    let point;
    if (ele.isEdge()) point = ele.renderedMidpoint();
    else if (type === "boundary") {
      const box = ele.renderedBoundingBox({ includeLabels: false, includeOverlays: false });
      point = { x: (box.x1 + box.x2) / 2, y: box.y1 + 14 };
    } else point = ele.renderedPosition();
    this.input.value = item.name || item.id;
    this.input.style.left = `${Math.round(canvas.offsetLeft + canvas.clientLeft + point.x)}px`;
    this.input.style.top = `${Math.round(canvas.offsetTop + canvas.clientTop + point.y)}px`;
    this.input.hidden = false;
    this.input.focus();
    this.input.select();
  }

  cancel() {
    if (!this.editing) return;
    this.editing = null;
    this.input.hidden = true;
    this.canvas.container.focus();
  }

  async save() {
    const editing = this.editing;
    if (!editing) return undefined;
    const name = this.input.value.trim();
    this.cancel();
    const { type, section, id } = editing;
    const newId = await this.store.commit(`renamed ${id} to \u201c${name || id}\u201d`, (doc) => {
      const item = (doc[section] || []).find((i) => i.id === id);
      if (!item) return false;
      const made = idIsMade(item, section);
      if (name && name !== id) item.name = name;
      else delete item.name;
      if (!made || !name) return id;
      const taken = new Set((doc[section] || []).map((i) => i.id).filter((other) => other !== id));
      const wanted = ops.uniqueId(name, taken);
      ops.renameItem(doc, section, id, wanted); // references follow, as in the form
      return wanted;
    });
    if (newId) this.canvas.select(PREFIX[type] + newId);
    return newId;
  }
}
