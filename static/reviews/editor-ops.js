// Edits of a model document, as plain functions that change a copy in place. The editor
// applies one, sends the whole document to the server, and shows what the server kept.
// The browser's counterpart of threatmodel/edit.py: both run tests/vectors/edit.json
// (pytest and `node --test`), so an ID made here is the ID the server would make.

// The ID rule and where items refer to each other, as threatmodel/schema.py declares
// them; tests/vectors/edit.json holds the declared values and both test runs check
// these against it.
export const MAX_ID_LENGTH = 64;
export const REFERENCES = {
  data: [
    ["elements", "stores"],
    ["flows", "data"],
  ],
  boundaries: [
    ["boundaries", "parent"],
    ["elements", "boundary"],
  ],
  keys: [
    ["keys", "wraps"],
    ["elements", "uses_keys"],
    ["elements", "key"],
  ],
  elements: [
    ["keys", "held_by"],
    ["elements", "backup_of"],
    ["flows", "from"],
    ["flows", "to"],
  ],
  flows: [],
};
export const SECTIONS = ["data", "boundaries", "keys", "elements", "flows"];
const NOUNS = {
  data: "data class",
  boundaries: "boundary",
  keys: "key",
  elements: "element",
  flows: "flow",
};

export function clone(doc) {
  return structuredClone(doc);
}

/** `text` as an ID: lower case, other characters as '-', at most MAX_ID_LENGTH. */
export function slug(text) {
  const lowered = String(text)
    .toLowerCase()
    .replace(/[^a-z0-9_-]+/g, "-");
  const trimmed = lowered
    .replace(/^[^a-z0-9]+/, "")
    .slice(0, MAX_ID_LENGTH)
    .replace(/[-_]+$/, "");
  return trimmed || "item";
}

/** A valid ID not yet used in `taken`: `base`, then `base-2`, `base-3`, ..., shortened
 * so that the suffix fits in MAX_ID_LENGTH. */
export function uniqueId(base, taken) {
  const used = taken instanceof Set ? taken : new Set(taken);
  const root = slug(base);
  if (!used.has(root)) return root;
  for (let n = 2; ; n += 1) {
    const suffix = `-${n}`;
    const candidate = root.slice(0, MAX_ID_LENGTH - suffix.length).replace(/[-_]+$/, "") + suffix;
    if (!used.has(candidate)) return candidate;
  }
}

function ids(list) {
  return new Set((list || []).map((item) => item.id));
}

function find(doc, section, id) {
  return (doc[section] || []).find((item) => item.id === id);
}

function round(position) {
  return { x: Math.round(position.x), y: Math.round(position.y) };
}

/** Appends a copy of `item` with a valid, unused ID; returns the ID. */
export function addItem(doc, section, item, base = "") {
  const wanted = item.id || base || item.name || item.kind || item.type || NOUNS[section];
  const id = uniqueId(wanted, ids(doc[section]));
  doc[section] = doc[section] || [];
  doc[section].push({ ...item, id });
  return id;
}

export function addElement(doc, { kind, position, boundary }) {
  const element = { kind };
  if (boundary) element.boundary = boundary;
  if (position) element.position = round(position);
  return addItem(doc, "elements", element, kind);
}

export function addBoundary(doc, { kind, parent }) {
  const boundary = { kind };
  if (parent) boundary.parent = parent;
  return addItem(doc, "boundaries", boundary, kind);
}

export function addFlow(doc, { from, to }) {
  return addItem(doc, "flows", { from, to }, `${from}-to-${to}`);
}

/** Positions as the canvas shows them, for every element (rounded to whole pixels). */
export function setPositions(doc, positions) {
  for (const element of doc.elements || []) {
    const position = positions.get(element.id);
    if (position) element.position = round(position);
  }
}

/** Gives an item a new ID; every reference follows. Throws when the ID is taken or
 * not valid. */
export function renameItem(doc, section, oldId, newId) {
  if (oldId === newId) return;
  if (slug(newId) !== newId) throw new Error(`'${newId}' is not a valid ID`);
  if (find(doc, section, newId)) throw new Error(`the ${NOUNS[section]} ID '${newId}' is already used`);
  const item = find(doc, section, oldId);
  if (!item) throw new Error(`no ${NOUNS[section]} '${oldId}'`);
  item.id = newId;
  for (const [holder, key] of REFERENCES[section]) {
    for (const other of doc[holder] || []) {
      const value = other[key];
      if (value === oldId) other[key] = newId;
      else if (Array.isArray(value) && value.includes(oldId)) {
        other[key] = value.map((entry) => (entry === oldId ? newId : entry));
      }
    }
  }
}

/** Puts an element into a boundary; null takes it out. */
export function setBoundary(doc, { element, boundary: target }) {
  const item = find(doc, "elements", element);
  if (!item) return;
  if (target) item.boundary = target;
  else delete item.boundary;
}

/** Nests a boundary in another (null: at the top); a move into itself does nothing. */
export function setBoundaryParent(doc, { boundary, parent }) {
  const item = find(doc, "boundaries", boundary);
  if (!item || parent === boundary) return;
  if (parent && ancestors(doc, parent).includes(boundary)) return; // would make a cycle
  if (parent) item.parent = parent;
  else delete item.parent;
}

/**
 * Draws a new boundary around elements and boundaries that sit in the same place (the
 * same boundary, or none): it takes their place and they move into it; `frame`
 * ({position, size}) is how the canvas draws it. Items inside a boundary grouped too stay
 * within it. Items from different boundaries are refused: grouping them would quietly
 * move some across a trust boundary. Returns the new boundary's ID.
 */
export function groupInBoundary(doc, { kind, elements = [], boundaries = [], frame = null }) {
  const chosen = new Set(boundaries);
  const withinChosen = (place) =>
    Boolean(place) && [place, ...ancestors(doc, place)].some((b) => chosen.has(b));
  const boundaryIds = boundaries.filter((b) => !withinChosen(find(doc, "boundaries", b)?.parent));
  const elementIds = elements.filter((e) => !withinChosen(find(doc, "elements", e)?.boundary));
  if (!elementIds.length && !boundaryIds.length) {
    throw new Error("nothing to group: select elements or boundaries");
  }
  const places = new Map();
  const placeOf = (section, id, key) => {
    const item = find(doc, section, id);
    if (!item) throw new Error(`no ${NOUNS[section]} '${id}'`);
    const place = item[key] || null;
    if (!places.has(place)) places.set(place, []);
    places.get(place).push(id);
  };
  for (const id of elementIds) placeOf("elements", id, "boundary");
  for (const id of boundaryIds) placeOf("boundaries", id, "parent");
  if (places.size > 1) {
    const where = [...places]
      .map(([place, list]) => `${list.join(", ")} ${place ? `in ${place}` : "outside any boundary"}`)
      .join("; ");
    throw new Error(`only items in the same boundary can be grouped: ${where}`);
  }
  const [parent] = places.keys();
  const boundary = { kind };
  if (parent) boundary.parent = parent;
  if (frame) {
    boundary.position = { ...frame.position };
    boundary.size = { ...frame.size };
  }
  const id = addItem(doc, "boundaries", boundary, kind);
  for (const element of elementIds) setBoundary(doc, { element, boundary: id });
  for (const child of boundaryIds) setBoundaryParent(doc, { boundary: child, parent: id });
  return id;
}

/** Frames as the canvas draws them ({position, size} by boundary ID, whole pixels),
 * for the boundaries in `frames`; the others stay sized by their members. */
export function setFrames(doc, frames) {
  for (const boundary of doc.boundaries || []) {
    const frame = frames.get(boundary.id);
    if (!frame) continue;
    boundary.position = round(frame.position);
    boundary.size = {
      width: Math.max(1, Math.round(frame.size.width)),
      height: Math.max(1, Math.round(frame.size.height)),
    };
  }
}

/** The boundaries around `boundaryId`, innermost first. */
export function ancestors(doc, boundaryId) {
  const byId = new Map((doc.boundaries || []).map((b) => [b.id, b]));
  const chain = [];
  let current = byId.get(boundaryId)?.parent;
  while (current && !chain.includes(current) && current !== boundaryId) {
    chain.push(current);
    current = byId.get(current)?.parent;
  }
  return chain;
}

function survivingParents(doc, dead) {
  const parents = new Map((doc.boundaries || []).map((b) => [b.id, b.parent]));
  const result = new Map();
  for (const boundary of dead) {
    let current = parents.get(boundary);
    const seen = new Set([boundary]);
    while (dead.has(current) && !seen.has(current)) {
      seen.add(current);
      current = parents.get(current);
    }
    result.set(boundary, dead.has(current) ? null : current || null);
  }
  return result;
}

function describeChange(holder, itemId, key, lost, isList, parents) {
  const noun = NOUNS[holder];
  if (key === "boundary" || key === "parent") {
    const parent = parents.get(lost[0]);
    return `${noun} ${itemId} ${parent ? `moves into ${parent}` : "is left outside every boundary"}`;
  }
  if (!isList) return `${noun} ${itemId} loses ${key}: ${lost[0]}`;
  return `${noun} ${itemId} loses ${lost.join(", ")} from ${key}`;
}

/**
 * What deleting `asked` ({elements: [...], flows: [...], ...}) takes and changes,
 * without deleting: {items: {section: ids}, changes: [sentences]}.
 */
export function removalOf(doc, asked) {
  const gone = {};
  for (const section of SECTIONS) {
    const wanted = new Set(asked[section] || []);
    gone[section] = (doc[section] || []).map((i) => i.id).filter((id) => wanted.has(id));
  }
  const deadElements = new Set(gone.elements);
  for (const flow of doc.flows || []) {
    if ((deadElements.has(flow.from) || deadElements.has(flow.to)) && !gone.flows.includes(flow.id)) {
      gone.flows.push(flow.id);
    }
  }
  const items = {};
  for (const section of SECTIONS) if (gone[section].length) items[section] = gone[section];
  const dead = Object.fromEntries(SECTIONS.map((s) => [s, new Set(gone[s])]));
  const parents = survivingParents(doc, dead.boundaries);
  const changes = [];
  for (const section of SECTIONS) {
    for (const [holder, key] of REFERENCES[section]) {
      if (holder === "flows" && (key === "from" || key === "to")) continue;
      for (const item of doc[holder] || []) {
        if (dead[holder].has(item.id)) continue;
        const value = item[key];
        const targets = Array.isArray(value) ? value : [value];
        const lost = targets.filter((t) => dead[section].has(t));
        if (lost.length) changes.push(describeChange(holder, item.id, key, lost, Array.isArray(value), parents));
      }
    }
  }
  return { items, changes };
}

function join(words) {
  return words.length === 1 ? words[0] : `${words.slice(0, -1).join(", ")} and ${words.at(-1)}`;
}

/** The one question to ask before a delete: what goes, and what else changes. */
export function removalQuestion(removal, asked) {
  const named = [];
  const also = [];
  for (const section of SECTIONS) {
    const wanted = new Set(asked[section] || []);
    for (const id of removal.items[section] || []) {
      (wanted.has(id) ? named : also).push(`${NOUNS[section]} ${id}`);
    }
  }
  let text = `Delete ${join(named)}?`;
  if (also.length) text += ` Also deleted: ${join(also)}.`;
  for (const change of removal.changes) text += ` ${change[0].toUpperCase()}${change.slice(1)}.`;
  return text;
}

/**
 * Deletes items ({elements, flows, boundaries, data, keys}) and what goes with them, so
 * that the document stays valid: flows to a deleted element go, a boundary's members
 * move up to its parent, other references to a deleted item are dropped. Returns what
 * was done, as `removalOf` describes it.
 */
export function deleteItems(doc, asked) {
  const done = removalOf(doc, asked);
  const dead = Object.fromEntries(SECTIONS.map((s) => [s, new Set(done.items[s] || [])]));
  const parents = survivingParents(doc, dead.boundaries);
  for (const section of SECTIONS) {
    if (doc[section] && dead[section].size) {
      doc[section] = doc[section].filter((item) => !dead[section].has(item.id));
    }
  }
  for (const section of SECTIONS) {
    if (!dead[section].size) continue;
    for (const [holder, key] of REFERENCES[section]) {
      for (const item of doc[holder] || []) {
        const value = item[key];
        if (Array.isArray(value)) {
          const kept = value.filter((entry) => !dead[section].has(entry));
          if (kept.length !== value.length) {
            if (kept.length) item[key] = kept;
            else delete item[key];
          }
        } else if (dead[section].has(value)) {
          const replacement = key === "boundary" || key === "parent" ? parents.get(value) : null;
          if (replacement) item[key] = replacement;
          else delete item[key];
        }
      }
    }
  }
  return done;
}

/**
 * How far to move each box to align or distribute them (layout only, no document edit):
 * `boxes` are [{id, x1, y1, x2, y2}], `how` one of left, centre, right, top, middle,
 * bottom (to the selection's own edge or centre), horizontal, vertical (equal gaps
 * between the boxes, the outermost two staying put; at least three boxes). Returns a Map
 * of id -> {x, y}, the shift of each box that moves.
 */
export function alignment(boxes, how) {
  const shifts = new Map();
  if (boxes.length < 2) return shifts;
  const x1 = Math.min(...boxes.map((b) => b.x1));
  const x2 = Math.max(...boxes.map((b) => b.x2));
  const y1 = Math.min(...boxes.map((b) => b.y1));
  const y2 = Math.max(...boxes.map((b) => b.y2));
  const move = (box, x, y) => {
    if (Math.abs(x) > 0.01 || Math.abs(y) > 0.01) shifts.set(box.id, { x, y });
  };
  const lines = {
    left: (b) => [x1 - b.x1, 0],
    centre: (b) => [(x1 + x2) / 2 - (b.x1 + b.x2) / 2, 0],
    right: (b) => [x2 - b.x2, 0],
    top: (b) => [0, y1 - b.y1],
    middle: (b) => [0, (y1 + y2) / 2 - (b.y1 + b.y2) / 2],
    bottom: (b) => [0, y2 - b.y2],
  };
  if (lines[how]) {
    for (const box of boxes) move(box, ...lines[how](box));
    return shifts;
  }
  const horizontal = how === "horizontal";
  if (!horizontal && how !== "vertical") throw new Error(`unknown alignment '${how}'`);
  if (boxes.length < 3) return shifts;
  const [lo, hi] = horizontal ? ["x1", "x2"] : ["y1", "y2"];
  const ordered = [...boxes].sort((a, b) => a[lo] + a[hi] - (b[lo] + b[hi]));
  const used = ordered.reduce((sum, b) => sum + (b[hi] - b[lo]), 0);
  const gap = (ordered.at(-1)[hi] - ordered[0][lo] - used) / (ordered.length - 1);
  let at = ordered[0][hi] + gap;
  for (const box of ordered.slice(1, -1)) {
    const shift = at - box[lo];
    move(box, horizontal ? shift : 0, horizontal ? 0 : shift);
    at += box[hi] - box[lo] + gap;
  }
  return shifts;
}
