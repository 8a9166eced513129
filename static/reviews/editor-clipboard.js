// Copy, paste and duplicate on the canvas, as plain functions of the document: a copy
// holds the chosen elements and boundaries (with what they contain) and the flows
// between copied elements; a paste adds them again under new valid IDs, with every
// reference among the copies following the new IDs.

import { uniqueId } from "./editor-ops.js";


/** The items with these IDs, ready to paste: {elements, boundaries, flows}. */
export function copyItems(doc, { elements = [], boundaries = [] }) {
  const boundaryIds = new Set(boundaries);
  // A copied boundary takes its nested boundaries and members along.
  let grew = true;
  while (grew) {
    grew = false;
    for (const b of doc.boundaries || []) {
      if (b.parent && boundaryIds.has(b.parent) && !boundaryIds.has(b.id)) {
        boundaryIds.add(b.id);
        grew = true;
      }
    }
  }
  const elementIds = new Set(elements);
  for (const e of doc.elements || []) if (e.boundary && boundaryIds.has(e.boundary)) elementIds.add(e.id);
  return structuredClone({
    elements: (doc.elements || []).filter((e) => elementIds.has(e.id)),
    boundaries: (doc.boundaries || []).filter((b) => boundaryIds.has(b.id)),
    flows: (doc.flows || []).filter((f) => elementIds.has(f.from) && elementIds.has(f.to)),
  });
}

/** Adds a copy to `doc` under new IDs, moved by `offset`; returns the new IDs by section. */
export function pasteItems(doc, copy, offset = { x: 0, y: 0 }) {
  doc.elements = doc.elements || [];
  doc.boundaries = doc.boundaries || [];
  doc.flows = doc.flows || [];
  const taken = (list) => new Set(list.map((item) => item.id));
  const boundaryIds = new Map();
  const boundariesTaken = taken(doc.boundaries);
  for (const b of copy.boundaries) {
    const id = uniqueId(b.id, boundariesTaken);
    boundariesTaken.add(id);
    boundaryIds.set(b.id, id);
  }
  const elementIds = new Map();
  const elementsTaken = taken(doc.elements);
  for (const e of copy.elements) {
    const id = uniqueId(e.id, elementsTaken);
    elementsTaken.add(id);
    elementIds.set(e.id, id);
  }
  for (const b of copy.boundaries) {
    const pasted = { ...structuredClone(b), id: boundaryIds.get(b.id) };
    if (b.parent && boundaryIds.has(b.parent)) pasted.parent = boundaryIds.get(b.parent);
    if (b.position) {
      // a stored frame moves with its members
      pasted.position = { x: Math.round(b.position.x + offset.x), y: Math.round(b.position.y + offset.y) };
    }
    doc.boundaries.push(pasted);
  }
  for (const e of copy.elements) {
    const pasted = { ...structuredClone(e), id: elementIds.get(e.id) };
    if (e.boundary && boundaryIds.has(e.boundary)) pasted.boundary = boundaryIds.get(e.boundary);
    if (e.backup_of && elementIds.has(e.backup_of)) pasted.backup_of = elementIds.get(e.backup_of);
    if (e.position) {
      pasted.position = {
        x: Math.round(e.position.x + offset.x),
        y: Math.round(e.position.y + offset.y),
      };
    }
    doc.elements.push(pasted);
  }
  const flowsTaken = taken(doc.flows);
  const flows = [];
  for (const f of copy.flows) {
    const id = uniqueId(f.id, flowsTaken);
    flowsTaken.add(id);
    doc.flows.push({ ...structuredClone(f), id, from: elementIds.get(f.from), to: elementIds.get(f.to) });
    flows.push(id);
  }
  return { elements: [...elementIds.values()], boundaries: [...boundaryIds.values()], flows };
}
