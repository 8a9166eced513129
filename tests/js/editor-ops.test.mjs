// static/reviews/editor-ops.js against the vectors threatmodel/edit.py also runs
// (tests/threatmodel/test_edit.py): the browser makes the IDs and deletes the server would.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";

import * as ops from "../../static/reviews/editor-ops.js";

const vectors = JSON.parse(readFileSync(new URL("../vectors/edit.json", import.meta.url)));

test("the ID length and references are the declared ones", () => {
  assert.equal(ops.MAX_ID_LENGTH, vectors.max_id_length);
  assert.deepEqual(ops.REFERENCES, vectors.references);
});

function run(testCase) {
  const { op, args } = testCase;
  const doc = testCase.doc === undefined ? undefined : structuredClone(testCase.doc);
  switch (op) {
    case "unique_id":
      return [ops.uniqueId(args.base, new Set(args.taken)), doc];
    case "add_element":
      return [ops.addElement(doc, args), doc];
    case "add_boundary":
      return [ops.addBoundary(doc, args), doc];
    case "add_flow":
      return [ops.addFlow(doc, args), doc];
    case "rename":
      return [ops.renameItem(doc, args.section, args.old, args.new), doc];
    case "move_element":
      return [ops.setBoundary(doc, { element: args.element, boundary: args.boundary }), doc];
    case "move_boundary": {
      const before = structuredClone(doc);
      ops.setBoundaryParent(doc, { boundary: args.boundary, parent: args.parent });
      // The canvas ignores a move into itself instead of failing.
      if (testCase.error) assert.deepEqual(doc, before);
      return [undefined, doc];
    }
    case "group":
      return [ops.groupInBoundary(doc, args), doc];
    case "delete": {
      const done = ops.deleteItems(doc, args.items);
      return [{ ...done, question: ops.removalQuestion(done, args.items) }, doc];
    }
    default:
      throw new Error(`unknown op ${op}`);
  }
}

for (const testCase of vectors.cases) {
  test(testCase.name, () => {
    if (testCase.error && testCase.op !== "move_boundary") {
      assert.throws(() => run(testCase), { message: testCase.error });
      return;
    }
    const [result, doc] = run(testCase);
    if (testCase.error) return;
    assert.deepEqual(result ?? null, testCase.result ?? null);
    assert.deepEqual(doc, testCase.doc_after);
  });
}

test("removalOf does not change the document", () => {
  const doc = structuredClone(vectors.cases.find((c) => c.op === "delete").doc);
  const before = structuredClone(doc);
  ops.removalOf(doc, { elements: ["db"] });
  assert.deepEqual(doc, before);
});
