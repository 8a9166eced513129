// Edits of a model document, as plain functions that change a copy in place. The editor
// applies one, sends the whole document to the server, and shows what the server kept.

export function clone(doc) {
  return structuredClone(doc);
}

/** A slug not yet used in `taken`: `base`, then `base-2`, `base-3`, ... */
export function uniqueId(base, taken) {
  const slug =
    String(base)
      .toLowerCase()
      .replace(/[^a-z0-9_-]+/g, "-")
      .replace(/^[^a-z0-9]+/, "")
      .replace(/-+$/, "") || "item";
  if (!taken.has(slug)) return slug;
  for (let n = 2; ; n += 1) {
    if (!taken.has(`${slug}-${n}`)) return `${slug}-${n}`;
  }
}

function ids(list) {
  return new Set((list || []).map((item) => item.id));
}

function round(position) {
  return { x: Math.round(position.x), y: Math.round(position.y) };
}

export function addElement(doc, { kind, position, boundary }) {
  doc.elements = doc.elements || [];
  const element = { id: uniqueId(kind, ids(doc.elements)), kind };
  if (boundary) element.boundary = boundary;
  if (position) element.position = round(position);
  doc.elements.push(element);
  return element.id;
}

export function addBoundary(doc, { kind, parent }) {
  doc.boundaries = doc.boundaries || [];
  const boundary = { id: uniqueId(kind, ids(doc.boundaries)), kind };
  if (parent) boundary.parent = parent;
  doc.boundaries.push(boundary);
  return boundary.id;
}

export function addFlow(doc, { from, to }) {
  doc.flows = doc.flows || [];
  const id = uniqueId(`${from}-to-${to}`, ids(doc.flows));
  doc.flows.push({ id, from, to });
  return id;
}

/** Positions as the canvas shows them, for every element (rounded to whole pixels). */
export function setPositions(doc, positions) {
  for (const element of doc.elements || []) {
    const position = positions.get(element.id);
    if (position) element.position = round(position);
  }
}

/** Puts an element (or a boundary, by `parent`) into a boundary; null takes it out. */
export function setBoundary(doc, { element, boundary: target }) {
  const item = (doc.elements || []).find((e) => e.id === element);
  if (!item) return;
  if (target) item.boundary = target;
  else delete item.boundary;
}

export function setBoundaryParent(doc, { boundary, parent }) {
  const item = (doc.boundaries || []).find((b) => b.id === boundary);
  if (!item || parent === boundary) return;
  if (parent && ancestors(doc, parent).includes(boundary)) return; // would make a cycle
  if (parent) item.parent = parent;
  else delete item.parent;
}

export function ancestors(doc, boundaryId) {
  const byId = new Map((doc.boundaries || []).map((b) => [b.id, b]));
  const chain = [];
  let current = byId.get(boundaryId);
  while (current && current.parent && !chain.includes(current.parent)) {
    chain.push(current.parent);
    current = byId.get(current.parent);
  }
  return chain;
}

/**
 * Deletes elements, flows and boundaries, and every reference to them, so that the
 * document stays valid: flows to a deleted element go, a boundary's members move up to
 * its parent, keys held by a deleted key store are no longer `held_by` it.
 */
export function deleteItems(doc, { elements = [], flows = [], boundaries = [] }) {
  const goneElements = new Set(elements);
  const goneFlows = new Set(flows);
  const goneBoundaries = new Set(boundaries);
  const byId = new Map((doc.boundaries || []).map((b) => [b.id, b]));
  const survivingParent = (id) => {
    let current = id;
    while (current && goneBoundaries.has(current)) current = byId.get(current)?.parent;
    return current || null;
  };
  doc.elements = (doc.elements || []).filter((e) => !goneElements.has(e.id));
  for (const element of doc.elements) {
    if (element.boundary && goneBoundaries.has(element.boundary)) {
      const parent = survivingParent(element.boundary);
      if (parent) element.boundary = parent;
      else delete element.boundary;
    }
    if (element.backup_of && goneElements.has(element.backup_of)) delete element.backup_of;
  }
  doc.flows = (doc.flows || []).filter(
    (f) => !goneFlows.has(f.id) && !goneElements.has(f.from) && !goneElements.has(f.to),
  );
  doc.boundaries = (doc.boundaries || []).filter((b) => !goneBoundaries.has(b.id));
  for (const boundary of doc.boundaries) {
    if (boundary.parent && goneBoundaries.has(boundary.parent)) {
      const parent = survivingParent(boundary.parent);
      if (parent) boundary.parent = parent;
      else delete boundary.parent;
    }
  }
  for (const key of doc.keys || []) {
    if (key.held_by && goneElements.has(key.held_by)) delete key.held_by;
  }
}
