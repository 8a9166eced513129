// Align and distribute (static/reviews/editor-ops.js `alignment`): layout only, so no
// shared vector with threatmodel/edit.py.
import assert from "node:assert/strict";
import { test } from "node:test";

import { alignment } from "../../static/reviews/editor-ops.js";

const boxes = [
  { id: "a", x1: 0, y1: 0, x2: 100, y2: 50 },
  { id: "b", x1: 300, y1: 80, x2: 350, y2: 100 },
  { id: "c", x1: 120, y1: 200, x2: 180, y2: 260 },
];

const plain = (map) => Object.fromEntries([...map].map(([id, { x, y }]) => [id, [x, y]]));

test("align left moves every box to the leftmost edge", () => {
  assert.deepEqual(plain(alignment(boxes, "left")), { b: [-300, 0], c: [-120, 0] });
});

test("align right and bottom use the outermost edges", () => {
  assert.deepEqual(plain(alignment(boxes, "right")), { a: [250, 0], c: [170, 0] });
  assert.deepEqual(plain(alignment(boxes, "bottom")), { a: [0, 210], b: [0, 160] });
});

test("centre and middle line up the centres on the selection's centre", () => {
  assert.deepEqual(plain(alignment(boxes, "centre")), { a: [125, 0], b: [-150, 0], c: [25, 0] });
  assert.deepEqual(plain(alignment(boxes, "middle")), { a: [0, 105], b: [0, 40], c: [0, -100] });
});

test("distributing leaves equal gaps and keeps the outermost two in place", () => {
  // widths 100 + 60 + 50 over 0..350: gaps of 70
  assert.deepEqual(plain(alignment(boxes, "horizontal")), { c: [50, 0] });
  // heights 50 + 20 + 60 over 0..260: gaps of 65; b (y 80..100) moves to 115
  assert.deepEqual(plain(alignment(boxes, "vertical")), { b: [0, 35] });
});

test("fewer than two boxes, or two to distribute, move nothing", () => {
  assert.equal(alignment(boxes.slice(0, 1), "left").size, 0);
  assert.equal(alignment(boxes.slice(0, 2), "horizontal").size, 0);
});

test("an unknown alignment is refused", () => {
  assert.throws(() => alignment(boxes, "diagonal"), { message: "unknown alignment 'diagonal'" });
});
