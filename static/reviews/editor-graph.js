// The picture of a model document: which Cytoscape elements show it, and how they look.
// Pure functions of the document and the analysis, so the canvas can always be rebuilt
// from what the server holds.

import { kindIcon, lockIcon, useIconStroke } from "./editor-icons.js";

// Canvas IDs carry the section, because an element and a boundary may share an ID.
export const ELEMENT = "e:";
export const BOUNDARY = "b:";
export const FLOW = "f:";
export const BADGE = "lock:";
// How each element kind is drawn (shape, fill group) comes from the server's diagram
// style (reviews/diagram_style.py, `useDiagramStyle`), and its name and one-line help
// from the vocabulary (`useVocabulary`), so the palette, the legend and the forms say
// the same. A kind the style does not know is drawn as a plain white box.
const DEFAULT_DRAWING = { shape: "round-rectangle", group: "unknown" };

// The element kinds in the vocabulary's order: { kind, label, help, shape, group }.
export const KINDS = [];
export const KIND = {};

// The boundary kinds in the vocabulary's order: { kind, label, help }.
export const BOUNDARY_KINDS = [];

// The engine's vocabulary, sent by the server with the document (`editor_data.vocabulary`)
// so the canvas and the rules never disagree about what counts as encrypted.
export const STORE_KINDS = new Set();

export const ENCRYPTED_PROTOCOLS = new Set();

export const ENCRYPTION_STRENGTH = {};

// How the diagram looks, declared once on the server (reviews/diagram_style.py) and sent
// as `editor_data.diagram`: the PDF draws with the same sizes, colours and dashes.
export const DIAGRAM = {
  node: { width: 150, height: 58 },
  frame: { padding: 24, label_size: 11 },
  transit: {},
  boundaries: {},
  rest: {},
  kinds: {},
};

/**
 * The declared look; on a dark screen (`dark`) with the declaration's dark colours laid
 * over it. The PDF never reads `dark`: paper stays light.
 */
export function useDiagramStyle(style, { dark = false } = {}) {
  const look = structuredClone(style);
  if (dark && style.dark) overlay(look, style.dark);
  delete look.dark;
  Object.assign(DIAGRAM, look);
  useIconStroke(DIAGRAM.canvas && DIAGRAM.canvas.icon);
  icons.clear();
}

function overlay(target, layer) {
  for (const [key, value] of Object.entries(layer)) {
    const nested = value && typeof value === "object" && !Array.isArray(value);
    if (nested && target[key]) overlay(target[key], value);
    else target[key] = value;
  }
}

// Canvas item types ("element", "flow", ...: the sections' nouns) -> document sections.
export const SECTION_OF = {};

// The whole vocabulary as the server sent it, for forms built here (several items at once).
export const VOCABULARY = {};

/** Takes in the server's vocabulary; after `useDiagramStyle`, which says how kinds look. */
export function useVocabulary(vocabulary) {
  Object.assign(VOCABULARY, vocabulary);
  for (const [name, { noun }] of Object.entries(vocabulary.sections)) SECTION_OF[noun] = name;
  for (const kind of vocabulary.store_kinds) STORE_KINDS.add(kind);
  for (const protocol of vocabulary.encrypted_protocols) ENCRYPTED_PROTOCOLS.add(protocol);
  Object.assign(ENCRYPTION_STRENGTH, vocabulary.encryption_strength);
  for (const { value, label, help } of vocabulary.element_kinds) {
    const kind = { kind: value, label, help, ...(DIAGRAM.kinds[value] || DEFAULT_DRAWING) };
    KINDS.push(kind);
    KIND[value] = kind;
  }
  for (const { value, label, help } of vocabulary.boundary_kinds) {
    BOUNDARY_KINDS.push({ kind: value, label, help });
  }
}

const SEVERITY_RANK = { info: 0, low: 1, medium: 2, high: 3, critical: 4 };

/** "none" | "weak" | "strong" | "unstated": how a store holds its data at rest. */
export function restState(element) {
  if (!element.encryption) return "unstated";
  const strength = ENCRYPTION_STRENGTH[element.encryption] ?? 0;
  if (strength === 0) return "none";
  return strength === 1 ? "weak" : "strong";
}

/** "in-process" | "encrypted" | "plaintext" | "unstated" for a flow's protocol. */
export function transitState(flow) {
  if (flow.protocol === "in-process") return "in-process";
  if (!flow.protocol) return "unstated";
  return ENCRYPTED_PROTOCOLS.has(flow.protocol) ? "encrypted" : "plaintext";
}

function elementLabel(element) {
  const name = element.name || element.id;
  if (!STORE_KINDS.has(element.kind)) return name;
  const state = restState(element);
  if (state === "unstated") return `${name}\nat rest: not stated`;
  if (state === "none") return `${name}\n\u26a0 plaintext at rest`;
  return `${name}\nat rest: ${element.encryption}`;
}

function flowLabel(flow) {
  const protocol = flow.protocol || "no protocol";
  const data = flow.data && flow.data.length ? ` \u00b7 ${flow.data.join(", ")}` : "";
  return `${protocol}${data}`;
}

const icons = new Map();
function cachedIcon(kind) {
  if (!icons.has(kind)) icons.set(kind, kindIcon(kind));
  return icons.get(kind);
}
function cachedLock(state) {
  const key = `lock/${state}`;
  if (!icons.has(key)) {
    const style = DIAGRAM.transit[state] || { color: "#c62828" };
    icons.set(key, lockIcon(style.color, state !== "encrypted" && state !== "in-process"));
  }
  return icons.get(key);
}

/** Findings by canvas ID (elements, boundaries and flows they name), worst first. */
export function findingsByItem(analysis) {
  const index = new Map();
  const add = (canvasId, finding) => {
    if (!index.has(canvasId)) index.set(canvasId, []);
    const list = index.get(canvasId);
    if (!list.includes(finding)) list.push(finding);
  };
  for (const finding of (analysis && analysis.findings) || []) {
    for (const id of finding.subject || []) {
      add(ELEMENT + id, finding);
      add(BOUNDARY + id, finding);
      add(FLOW + id, finding);
    }
    for (const id of finding.flows || []) add(FLOW + id, finding);
  }
  for (const list of index.values()) {
    list.sort((a, b) => (SEVERITY_RANK[b.severity] ?? 0) - (SEVERITY_RANK[a.severity] ?? 0));
  }
  return index;
}

/**
 * The Cytoscape element definitions for a document: boundaries (parents first), elements,
 * flows, and a padlock badge per flow. Boundaries are plain nodes, not compound ones: an
 * item's boundary is `within` (a canvas ID), and the canvas draws each frame around its
 * members and its stored frame (`fx`, `fy`, `fw`, `fh`; editor-nesting.js). `depth` (how
 * many boundaries hold it) draws a nested frame over the one holding it.
 */
export function toCytoscape(doc, analysis) {
  const findings = findingsByItem(analysis);
  const worst = (canvasId) => {
    const list = findings.get(canvasId);
    return list && list.length ? ` worst-${list[0].severity}` : "";
  };
  const boundaries = orderParentsFirst(doc.boundaries || []);
  const known = new Map(boundaries.map((b) => [b.id, b]));
  const depthOf = (boundary) => {
    let depth = 0;
    for (let b = boundary; b.parent && known.has(b.parent) && depth <= known.size; b = known.get(b.parent)) depth += 1;
    return depth;
  };
  const definitions = [];
  for (const boundary of boundaries) {
    const kind = boundary.kind || VOCABULARY.boundary_kind_default;
    const framed = Boolean(boundary.size && boundary.position);
    const definition = {
      group: "nodes",
      data: {
        id: BOUNDARY + boundary.id,
        ref: boundary.id,
        type: "boundary",
        kind,
        label: `${boundary.name || boundary.id} (${kind})`,
        within: boundary.parent && known.has(boundary.parent) ? BOUNDARY + boundary.parent : undefined,
        depth: depthOf(boundary),
        fx: framed ? boundary.position.x : undefined,
        fy: framed ? boundary.position.y : undefined,
        fw: framed ? boundary.size.width : undefined,
        fh: framed ? boundary.size.height : undefined,
      },
      classes: `boundary boundary-${kind}` + (framed ? " framed" : ""),
    };
    if (framed) definition.position = { x: boundary.position.x, y: boundary.position.y };
    definitions.push(definition);
  }
  for (const element of doc.elements || []) {
    const meta = KIND[element.kind] || DEFAULT_DRAWING;
    const isStore = STORE_KINDS.has(element.kind);
    const rest = isStore ? restState(element) : null;
    const definition = {
      group: "nodes",
      data: {
        id: ELEMENT + element.id,
        ref: element.id,
        type: "element",
        kind: element.kind,
        label: elementLabel(element),
        shape: meta.shape,
        icon: cachedIcon(element.kind),
        within: element.boundary && known.has(element.boundary) ? BOUNDARY + element.boundary : undefined,
      },
      classes:
        `element group-${meta.group} kind-${element.kind}` +
        (isStore ? ` store rest-${rest}` : "") +
        worst(ELEMENT + element.id),
    };
    if (element.position) definition.position = { x: element.position.x, y: element.position.y };
    definitions.push(definition);
  }
  const elementIds = new Set((doc.elements || []).map((e) => e.id));
  // Flows between the same two elements (either way) are drawn as a bundle of curves.
  const pairKey = (flow) => [flow.from, flow.to].sort().join("\n");
  const perPair = new Map();
  for (const flow of doc.flows || []) perPair.set(pairKey(flow), (perPair.get(pairKey(flow)) || 0) + 1);
  for (const flow of doc.flows || []) {
    if (!elementIds.has(flow.from) || !elementIds.has(flow.to)) continue;
    const state = transitState(flow);
    definitions.push({
      group: "edges",
      data: {
        id: FLOW + flow.id,
        ref: flow.id,
        type: "flow",
        source: ELEMENT + flow.from,
        target: ELEMENT + flow.to,
        label: flowLabel(flow),
      },
      classes:
        `flow transit-${state}` +
        (perPair.get(pairKey(flow)) > 1 ? " parallel" : "") +
        worst(FLOW + flow.id),
    });
    definitions.push({
      group: "nodes",
      data: {
        id: BADGE + flow.id,
        flow: FLOW + flow.id,
        type: "badge",
        icon: cachedLock(state),
      },
      classes: `badge badge-${state}`,
      grabbable: false,
      selectable: false,
    });
  }
  return definitions;
}

/** Boundaries ordered so that every parent comes before its children. */
export function orderParentsFirst(boundaries) {
  const byId = new Map(boundaries.map((b) => [b.id, b]));
  const ordered = [];
  const seen = new Set();
  const visit = (boundary, depth) => {
    if (seen.has(boundary.id) || depth > boundaries.length) return;
    const parent = boundary.parent && byId.get(boundary.parent);
    if (parent) visit(parent, depth + 1);
    seen.add(boundary.id);
    ordered.push(boundary);
  };
  for (const boundary of boundaries) visit(boundary, 0);
  return ordered;
}

/**
 * What a key protects (MODEL.md): the stores encrypted with it, plus, through `wraps`,
 * everything its wrapped keys protect; and who holds it (services listing it in
 * `uses_keys`, the key store in `held_by`).
 */
export function protectedSet(doc, keyId) {
  const keys = new Map((doc.keys || []).map((k) => [k.id, k]));
  const covered = new Set();
  const pending = [keyId];
  while (pending.length) {
    const id = pending.pop();
    if (covered.has(id)) continue;
    covered.add(id);
    for (const wrapped of (keys.get(id) && keys.get(id).wraps) || []) pending.push(wrapped);
  }
  const stores = [];
  const holders = [];
  for (const element of doc.elements || []) {
    if (element.key && covered.has(element.key)) stores.push(element.id);
    if ((element.uses_keys || []).includes(keyId)) holders.push(element.id);
  }
  const key = keys.get(keyId);
  if (key && key.held_by && !holders.includes(key.held_by)) holders.push(key.held_by);
  return { keys: [...covered], stores, holders };
}

/**
 * The canvas style. Elements take the same box as in the PDF, and flows, stores and
 * boundaries the same colours and dashes (DIAGRAM). For a large model, `view.labels`
 * false leaves the labels out while zoomed out (they are unreadable there, and measuring
 * them is most of the cost of opening), with every property that only styles a label:
 * Cytoscape sets each property on each element, so at 1,000 elements and 2,000 flows
 * they cost more than the labels; the canvas asks for the style again when zoomed in.
 * A large model's hops are drawn straight.
 */
export function stylesheet({ large = false, view = { labels: true } } = {}) {
  const labelled = !large || view.labels;
  const text = (style) => (labelled ? style : {});
  const label = "data(label)";
  const { width, height } = DIAGRAM.node;
  const font = "DejaVu Sans, Segoe UI, Helvetica, Arial, sans-serif";
  const dashed = (style) => (style && style.dash ? "dashed" : "solid");
  const canvas = DIAGRAM.canvas;
  const rules = [
    {
      selector: "node",
      style: text({ "font-family": font, "font-size": 11, color: canvas.ink, "min-zoomed-font-size": 4 }),
    },
    {
      selector: "node.element",
      style: {
        shape: "data(shape)",
        width,
        height,
        "background-color": canvas.node_fill,
        "background-image": "data(icon)",
        "background-width": 22,
        "background-height": 22,
        "background-position-x": 9,
        "background-position-y": "50%",
        "background-clip": "none",
        "border-width": 1.3,
        "border-color": canvas.node_border,
        ...text({
          label,
          "font-size": 10.5,
          "text-valign": "center",
          "text-halign": "center",
          "text-margin-x": 12,
          "text-wrap": "wrap",
          "text-max-width": width - 40,
        }),
      },
    },
    ...Object.entries(canvas.groups).map(([group, fill]) => ({
      selector: `node.group-${group}`,
      style: { "background-color": fill },
    })),
    { selector: "node.group-external", style: { "border-style": "double", "border-width": 4 } },
  ];
  // At rest: a store's border says how it keeps its data.
  for (const [state, style] of Object.entries(DIAGRAM.rest)) {
    rules.push({
      selector: `node.rest-${state}`,
      style: {
        "border-color": style.color,
        "border-width": 2.8,
        "border-style": style.dash ? (style.dash[0] <= 2 ? "dotted" : "dashed") : "solid",
      },
    });
  }
  rules.push({
    selector: "node.boundary",
    style: {
      shape: "round-rectangle",
      "corner-radius": 8,
      "border-width": 1.4,
      // The frame as the canvas draws it (editor-nesting.js), under elements and flows;
      // a nested frame over the one holding it.
      width: "data(w)",
      height: "data(h)",
      "z-compound-depth": "bottom",
      "z-index": "data(depth)",
      ...text({
        label,
        "text-valign": "top",
        "text-halign": "center",
        // Inside the frame's top margin, as in the PDF, so frames never cover labels.
        "text-margin-y": DIAGRAM.frame.padding - 4,
        "font-size": DIAGRAM.frame.label_size,
        "font-weight": "bold",
      }),
    },
  });
  for (const [kind, style] of Object.entries(DIAGRAM.boundaries)) {
    rules.push({
      selector: `node.boundary-${kind}`,
      style: {
        "background-color": style.fill,
        "border-color": style.stroke,
        "border-style": dashed(style),
        color: style.text,
      },
    });
  }
  rules.push({
    selector: "edge.flow",
    style: {
      width: 2,
      "curve-style": large ? "straight" : "bezier",
      "control-point-step-size": 28,
      "target-arrow-shape": "triangle",
      "arrow-scale": 1.1,
      ...text({
        label,
        "font-family": font,
        "font-size": 10,
        "text-rotation": "autorotate",
        "text-margin-y": -11,
        "text-background-color": canvas.label_background,
        "text-background-opacity": 0.85,
        "text-background-padding": 1,
        "min-zoomed-font-size": 5,
      }),
    },
  });
  // A large model draws hops straight (cheaper), except where flows share two elements:
  // straight, they would lie on each other and only the top one could be clicked.
  rules.push({ selector: "edge.flow.parallel", style: { "curve-style": "bezier" } });
  for (const [state, style] of Object.entries(DIAGRAM.transit)) {
    rules.push({
      selector: `edge.transit-${state}`,
      style: {
        "line-color": style.color,
        "target-arrow-color": style.color,
        width: style.width,
        "line-style": style.dash ? "dashed" : "solid",
        "line-dash-pattern": style.dash || [1, 0],
        color: style.color,
      },
    });
  }
  return rules.concat([
    {
      selector: "node.badge",
      style: {
        width: 15,
        height: 15,
        shape: "ellipse",
        "background-opacity": 0,
        "background-image": "data(icon)",
        "background-fit": "contain",
        "border-width": 0,
        events: "no",
        label: "",
      },
    },
    {
      selector: ":selected",
      style: { "overlay-color": "#1565c0", "overlay-opacity": 0.18, "overlay-padding": 6 },
    },
    { selector: "edge:selected", style: { width: 3.5 } },
    // A selected frame: its border, not a tint over everything inside it.
    {
      selector: "node.boundary:selected",
      style: { "overlay-opacity": 0.05, "border-width": 2.6, "border-color": "#1565c0" },
    },
    // Highlights: a finding's subject or path, a key's blast radius.
    { selector: ".dimmed", style: { opacity: 0.22 } },
    {
      selector: ".highlighted",
      style: {
        "underlay-color": "#ffab00",
        "underlay-opacity": 0.55,
        "underlay-padding": 9,
        opacity: 1,
      },
    },
    { selector: "edge.highlighted", style: { width: 4, "underlay-padding": 6 } },
    {
      selector: ".key-holder",
      style: {
        "underlay-color": "#6a1b9a",
        "underlay-opacity": 0.35,
        "underlay-padding": 9,
        opacity: 1,
      },
    },
    {
      selector: "node.drop-target",
      style: { "border-width": 3.5, "border-style": "solid", "background-opacity": 0.55 },
    },
    {
      selector: "node.connect-source, node.connect-target",
      style: { "underlay-color": "#1565c0", "underlay-opacity": 0.4, "underlay-padding": 8 },
    },
    // Drawing a flow from an element's handle (editor-flow-handles.js, edgehandles).
    {
      selector: "node.flow-handle",
      style: {
        width: 14,
        height: 14,
        shape: "ellipse",
        "background-color": "#1565c0",
        "border-width": 2,
        "border-color": "#ffffff",
        label: "",
        "overlay-opacity": 0,
      },
    },
    {
      selector: ".eh-ghost-node",
      style: { width: 1, height: 1, "background-opacity": 0, "border-width": 0, label: "" },
    },
    {
      // The line being drawn, from a flow handle (edgehandles) or in connect mode (ghost).
      selector: "edge.eh-ghost-edge, edge.eh-preview, edge.ghost",
      style: {
        width: 2,
        "line-color": "#1565c0",
        "line-style": "dashed",
        "target-arrow-shape": "triangle",
        "target-arrow-color": "#1565c0",
        "curve-style": "straight",
        label: "",
      },
    },
    {
      selector: "node.eh-hover, node.eh-target",
      style: { "underlay-color": "#1565c0", "underlay-opacity": 0.4, "underlay-padding": 8 },
    },
    {
      selector: "node.ghost",
      style: { width: 1, height: 1, "background-opacity": 0, "border-width": 0, events: "no" },
    },
    {
      selector: "edge.ghost",
      style: { events: "no" },
    },
  ]);
}
