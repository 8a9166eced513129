// The panels around the canvas: the palette of things to add, the legend and the keys
// panel. Built with DOM calls (never innerHTML), so user text is always text.

import {
  BOUNDARY_KINDS,
  DIAGRAM,
  KINDS,
  STORE_KINDS,
  VOCABULARY,
  protectedSet,
} from "./editor-graph.js";
import { kindIcon, lockIcon } from "./editor-icons.js";

function make(tag, { className, text, attrs } = {}) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  for (const [name, value] of Object.entries(attrs || {})) node.setAttribute(name, value);
  return node;
}

/** A boundary's swatch in the declared colours (set through the CSSOM: CSP allows it). */
function swatch(kind) {
  const node = make("span", { className: `swatch swatch-boundary-${kind}` });
  const style = DIAGRAM.boundaries[kind];
  if (style) {
    node.style.background = style.fill;
    node.style.borderColor = style.stroke;
    node.style.borderStyle = style.dash ? "dashed" : "solid";
  }
  return node;
}

/** A flow's line in the legend, in its declared colour and dash, with its padlock. */
function transitLine(state, open) {
  const style = DIAGRAM.transit[state] || {};
  const box = make("span", { className: "legend-line" });
  box.style.setProperty("--line-color", style.color || "");
  box.style.setProperty("--line-style", style.dash ? (style.dash[0] <= 2 ? "dotted" : "dashed") : "solid");
  box.append(icon(lockIcon(style.color || "#c62828", open), "legend-lock"));
  return box;
}

function restSwatch(state) {
  const node = make("span", { className: "legend-rest" });
  const style = DIAGRAM.rest[state];
  if (style) {
    node.style.borderColor = style.color;
    node.style.borderStyle = style.dash ? (style.dash[0] <= 2 ? "dotted" : "dashed") : "solid";
  }
  return node;
}

function icon(src, className = "editor-icon") {
  return make("img", { className, attrs: { src, alt: "", width: "20", height: "20" } });
}

/**
 * The palette beside the canvas: one toolbar of buttons, each with its kind's icon and
 * name, that add an element or a boundary on a click (or Enter), or where they are
 * dragged onto the canvas.
 */
export function fillPalette(container, add) {
  container.replaceChildren();
  const addButton = (value, label, help, picture, group) => {
    const button = make("button", {
      className: `palette-item palette-${group}`,
      attrs: {
        type: "button",
        draggable: "true",
        "data-palette": value,
        title: `${label}: ${help} Click to add, or drag onto the diagram.`,
      },
    });
    button.append(picture, make("span", { className: "palette-name", text: label }));
    button.addEventListener("click", () => add(value));
    button.addEventListener("dragstart", (event) => {
      event.dataTransfer.setData("application/x-ciphermap-kind", value);
      event.dataTransfer.effectAllowed = "copy";
    });
    return button;
  };
  const group = (id, title) => {
    const node = make("div", { className: "palette-group", attrs: { role: "group", "aria-labelledby": id } });
    node.append(make("span", { className: "palette-label", text: title, attrs: { id } }));
    return node;
  };
  // Headed like a shape panel: the services, the engine's stores, then the rest.
  const processes = group("palette-processes", "Processes");
  const stores = group("palette-stores", "Stores");
  const others = group("palette-others", "Others");
  const processKinds = new Set(VOCABULARY.service_kinds);
  for (const { kind, label, help, group: drawing } of KINDS) {
    const heading = STORE_KINDS.has(kind) ? stores : processKinds.has(kind) ? processes : others;
    heading.append(addButton(`element:${kind}`, label, help, icon(kindIcon(kind)), drawing));
  }
  const boundaries = group("palette-boundaries", "Trust boundaries");
  for (const { kind, label, help } of BOUNDARY_KINDS) {
    boundaries.append(addButton(`boundary:${kind}`, label, help, swatch(kind), "boundary"));
  }
  container.append(...[processes, stores, others].filter((node) => node.children.length > 1), boundaries);
}

export function fillLegend(container) {
  container.replaceChildren();
  const list = make("dl", { className: "legend-list" });
  const row = (picture, term, description) => {
    const dt = make("dt");
    dt.append(picture, make("span", { text: term }));
    list.append(dt, make("dd", { text: description }));
  };
  row(transitLine("encrypted", false), "Encrypted hop", "solid line with a lock");
  row(
    transitLine("plaintext", true),
    "Plaintext hop",
    "red dashed line, open lock (also: no protocol stated)",
  );
  row(transitLine("in-process", false), "In-process", "dotted grey line: stays in one process");
  row(restSwatch("strong"), "Customer key", "at rest");
  row(restSwatch("weak"), "Provider key", "at rest");
  row(restSwatch("none"), "Plaintext", "at rest");
  row(restSwatch("unstated"), "Not stated", "at rest");
  for (const { kind, label } of BOUNDARY_KINDS) row(swatch(kind), label, "trust boundary");
  const shapes = make("ul", { className: "legend-kinds" });
  for (const { kind, label } of KINDS) {
    const item = make("li");
    item.append(icon(kindIcon(kind)), make("span", { text: label }));
    shapes.append(item);
  }
  container.append(list, shapes);
}

/**
 * One button per key; pressing one highlights its blast radius on the canvas and says
 * what it protects.
 */
export function renderKeys(container, doc, activeKey, { toggle }) {
  container.replaceChildren();
  const keys = doc.keys || [];
  if (!keys.length) {
    container.append(make("p", { className: "keys-empty", text: "No keys in this model." }));
    return;
  }
  const list = make("ul", { className: "keys-list" });
  for (const key of keys) {
    const item = make("li");
    const button = make("button", {
      className: "key-button",
      attrs: {
        type: "button",
        "aria-pressed": String(key.id === activeKey),
        "data-key": key.id,
      },
    });
    button.append(
      make("span", { className: "key-name", text: key.name || key.id }),
      make("span", { className: "key-meta", text: [key.type, key.custody].filter(Boolean).join(", ") }),
    );
    button.addEventListener("click", () => toggle(key.id));
    item.append(button);
    list.append(item);
  }
  container.append(list);
  if (activeKey) container.append(blastRadius(doc, activeKey));
}

function blastRadius(doc, keyId) {
  const box = make("p", { className: "keys-blast", attrs: { "aria-live": "polite" } });
  const { stores, holders, keys } = protectedSet(doc, keyId);
  const wrapped = keys.filter((k) => k !== keyId);
  const parts = [
    stores.length
      ? `${keyId} protects ${stores.length} store${stores.length === 1 ? "" : "s"}: ${stores.join(", ")}.`
      : `${keyId} protects no store.`,
  ];
  if (wrapped.length) parts.push(`It wraps ${wrapped.join(", ")}.`);
  if (holders.length) parts.push(`Held by ${holders.join(", ")}.`);
  box.textContent = parts.join(" ");
  return box;
}
