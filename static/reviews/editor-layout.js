// A tidy layout for large models: each boundary's elements in a grid, ordered by kind
// (callers, then services, then stores), and boundaries packed in rows inside their
// parents. Linear in the model size, so a 300-element import opens at once; smaller
// models get the force-directed fcose layout instead (see editor.js).

import { KINDS } from "./editor-graph.js";

const CELL_W = 150;
const CELL_H = 118;
const GAP = 46;
const PAD = 34; // room for a boundary's padding and its label above
const KIND_RANK = new Map(KINDS.map((k, i) => [k.kind, i]));

function byKindThenId(a, b) {
  const rank = (KIND_RANK.get(a.data("kind")) ?? 99) - (KIND_RANK.get(b.data("kind")) ?? 99);
  return rank || (a.data("ref") < b.data("ref") ? -1 : 1);
}

/** Shelf packing: blocks left to right in rows no wider than `width`. */
function pack(blocks, width) {
  let x = 0;
  let y = 0;
  let rowHeight = 0;
  let maxWidth = 0;
  const placed = [];
  for (const block of blocks) {
    if (x > 0 && x + block.w > width) {
      x = 0;
      y += rowHeight + GAP;
      rowHeight = 0;
    }
    placed.push({ block, x, y });
    x += block.w + GAP;
    rowHeight = Math.max(rowHeight, block.h);
    maxWidth = Math.max(maxWidth, x - GAP);
  }
  return { placed, w: maxWidth, h: y + rowHeight };
}

function gridBlock(nodes) {
  const sorted = nodes.sort(byKindThenId);
  const columns = Math.max(1, Math.ceil(Math.sqrt(sorted.length * 1.6)));
  const rows = Math.ceil(sorted.length / columns);
  return {
    w: columns * CELL_W,
    h: rows * CELL_H,
    place(x, y, positions) {
      sorted.forEach((node, i) => {
        positions.set(node, {
          x: x + (i % columns) * CELL_W + CELL_W / 2,
          y: y + Math.floor(i / columns) * CELL_H + CELL_H / 2 - 10,
        });
      });
    },
  };
}

function containerBlock(children, boundaries, layoutOf) {
  const blocks = [];
  if (children.length) blocks.push(gridBlock(children));
  for (const boundary of boundaries) blocks.push(layoutOf(boundary));
  if (!blocks.length) return { w: CELL_W, h: CELL_H / 2, place() {} };
  const area = blocks.reduce((sum, b) => sum + (b.w + GAP) * (b.h + GAP), 0);
  const widest = Math.max(...blocks.map((b) => b.w));
  const packed = pack(blocks, Math.max(widest, Math.sqrt(area) * 1.35));
  return {
    w: packed.w,
    h: packed.h,
    place(x, y, positions) {
      for (const { block, x: bx, y: by } of packed.placed) block.place(x + bx, y + by, positions);
    },
  };
}

/** Positions for every element node (and empty boundary) of `cy`, as a Map node -> {x, y}. */
export function tidyPositions(cy) {
  const positions = new Map();
  const layoutOf = (boundary) => {
    const inner = containerBlock(
      boundary.children(".element").toArray(),
      boundary.children(".boundary").toArray(),
      layoutOf,
    );
    return {
      w: inner.w + 2 * PAD,
      h: inner.h + 2 * PAD,
      place(x, y, map) {
        if (!boundary.children().length) map.set(boundary, { x: x + PAD + CELL_W / 2, y: y + PAD });
        inner.place(x + PAD, y + PAD, map);
      },
    };
  };
  const roots = cy.nodes().orphans();
  const top = containerBlock(
    roots.filter(".element").toArray(),
    roots.filter(".boundary").toArray(),
    layoutOf,
  );
  top.place(0, 0, positions);
  return positions;
}
