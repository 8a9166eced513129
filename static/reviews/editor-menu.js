// The context menu: cytoscape-cxtmenu (static/vendor/cytoscape-cxtmenu) opens a ring of
// commands on a right press; moving onto a command and releasing runs it. Each command
// is one the editor already has (the toolbar's, the keyboard's, the properties form's):
// the menu only makes them reachable where the pointer is.

import { ELEMENT, VOCABULARY } from "./editor-graph.js";

const LOOK = {
  fillColor: "rgba(27, 31, 35, 0.86)",
  activeFillColor: "rgba(21, 101, 192, 0.92)",
  itemColor: "#ffffff",
  activePadding: 12,
  indicatorSize: 18,
  separatorWidth: 3,
  spotlightPadding: 4,
  minSpotlightRadius: 18,
  maxSpotlightRadius: 36,
  // Right press only: a long left press starts a drag on this canvas.
  openMenuEvents: "cxttapstart",
  zIndex: 20,
};
// How long a form may take to arrive in the properties panel before we stop waiting.
const FORM_WAIT_MS = 5000;

export class ContextMenu {
  constructor({ canvas, interactions, page, flowHandles, rename }) {
    this.canvas = canvas;
    this.rename = rename; // in place, as a double-click does (editor-rename.js)
    this.cy = canvas.cy;
    this.interactions = interactions;
    this.page = page;
    this.flowHandles = flowHandles;
    const menu = (selector, commands, radius) =>
      this.cy.cxtmenu({ ...LOOK, selector, commands, menuRadius: () => radius });
    this.menus = [
      menu("node.element", (ele) => this.itemCommands(ele, { flowFrom: true }), 86),
      menu("node.boundary", (ele) => this.itemCommands(ele, {}), 86),
      menu("edge.flow", (ele) => this.flowCommands(ele), 80),
      menu("core", (cy) => this.backgroundCommands(cy), 80),
    ];
    // The hover list of findings and the flow handle would cover the ring.
    this.cy.on("cxttapstart", () => {
      page.hideTooltip();
      flowHandles.hide();
    });
    // The browser's own menu would open on top of ours.
    canvas.container.addEventListener("contextmenu", (event) => event.preventDefault());
  }

  itemCommands(ele, { flowFrom }) {
    const commands = [
      { content: "Rename", select: () => this.rename.open(ele) },
      { content: "Duplicate", select: () => this.duplicate(ele) },
      { content: "Delete", select: () => this.remove(ele) },
    ];
    if (flowFrom) {
      commands.push({ content: "Add flow from here", select: () => this.flowHandles.start(ele) });
    }
    commands.push({ content: "Properties", select: () => this.openProperties(ele) });
    return commands;
  }

  flowCommands(ele) {
    return [
      { content: "Rename", select: () => this.rename.open(ele) },
      { content: "Delete", select: () => this.remove(ele) },
      { content: "Properties", select: () => this.openProperties(ele) },
    ];
  }

  backgroundCommands() {
    const pasted = this.interactions.clipboard;
    return [
      { content: "Add element", select: (_cy, event) => this.addElement(event.position) },
      {
        content: "Paste",
        enabled: Boolean(pasted && (pasted.elements.length || pasted.boundaries.length)),
        select: () => this.interactions.paste(),
      },
      { content: "Select all", select: () => this.interactions.clipboardKey("a") },
      { content: "Fit", select: () => this.interactions.run("fit") },
    ];
  }

  /** The menu acts on the selection when opened on a selected item, else on the item. */
  target(ele) {
    if (!ele.selected()) this.canvas.select(ele.id());
  }

  duplicate(ele) {
    this.target(ele);
    this.interactions.copySelection();
    return this.interactions.paste();
  }

  remove(ele) {
    this.target(ele);
    return this.interactions.deleteSelected();
  }

  async addElement(position) {
    // The plainest kind (a service); the properties form changes it.
    const kind = VOCABULARY.service_kinds[0];
    const id = await this.interactions.addFromPalette(`element:${kind}`, position);
    if (id) this.rename.open(this.cy.getElementById(ELEMENT + id));
  }

  /** Selects the item, waits for its form in the properties panel, and focuses its first field. */
  async openProperties(ele) {
    this.canvas.select(ele.id());
    this.page.showProperties(ele);
    const form = await formShown(this.page.propertiesUrl(ele.data("type"), ele.data("ref")));
    const field = form && form.querySelector("input:not([type=hidden]), select, textarea");
    if (field) field.focus();
  }
}

/** The properties panel's form for `url`, once it is there (null after FORM_WAIT_MS). */
function formShown(url) {
  const find = () => {
    const form = document.querySelector("#properties form.props-form");
    return form && form.getAttribute("action") === url ? form : null;
  };
  return new Promise((resolve) => {
    const started = performance.now();
    const poll = () => {
      const form = find();
      if (form || performance.now() - started > FORM_WAIT_MS) resolve(form);
      else setTimeout(poll, 40);
    };
    poll();
  });
}
