// Editing several items at once. With more than one item selected the properties panel
// says "3 selected" and shows the fields they all have (an element's boundary,
// technology and encryption, a flow's protocol, a boundary's kind); a field whose values
// differ shows "mixed" and is left alone unless changed. Apply saves every change as one
// edit, one undo step.

import { SECTION_OF as SECTIONS, VOCABULARY } from "./editor-graph.js";
import * as ops from "./editor-ops.js";
import { nameList } from "./editor-interaction.js";

// Not a valid ID nor a vocabulary value, so never a real choice.
const MIXED = "__mixed__";
const NOUNS = { element: ["element", "elements"], flow: ["flow", "flows"], boundary: ["boundary", "boundaries"] };

function kindsWith(field) {
  return new Set((VOCABULARY.element_fields || {})[field] || []);
}

/** The fields several items can share, by canvas item type. `applies(item)`: false when
 * the field does not apply to that item (encryption on a client). */
function fieldsFor(doc) {
  const boundaries = (doc.boundaries || []).map((b) => ({ value: b.id, label: b.name ? `${b.name} (${b.id})` : b.id }));
  const encrypting = kindsWith("encryption");
  return {
    element: [
      { name: "boundary", label: "Boundary", choices: [{ value: "", label: "\u2014 outside every boundary \u2014" }, ...boundaries] },
      { name: "technology", label: "Technology", text: true },
      {
        name: "encryption",
        label: "Encryption at rest",
        applies: (item) => encrypting.has(item.kind),
        choices: [
          { value: "", label: "\u2014 not stated \u2014" },
          ...(VOCABULARY.encryption || []).map((c) => ({ value: c.value, label: c.value })),
        ],
      },
    ],
    flow: [
      {
        name: "protocol",
        label: "Protocol",
        choices: [
          { value: "", label: "\u2014 not stated \u2014" },
          ...(VOCABULARY.protocols || []).map((p) => ({ value: p.value, label: p.value })),
        ],
      },
    ],
    boundary: [
      {
        name: "kind",
        label: "Kind",
        choices: (VOCABULARY.boundary_kinds || []).map((k) => ({ value: k.value, label: k.label || k.value })),
      },
    ],
  };
}

export class MultiSelection {
  constructor({ canvas, store, page }) {
    this.canvas = canvas;
    this.store = store;
    this.page = page;
    this.shown = null;
  }

  /** The selected items, as {type, section, id} of the document. */
  itemsOf(selected) {
    return selected
      .filter((ele) => SECTIONS[ele.data("type")])
      .map((ele) => ({ type: ele.data("type"), section: SECTIONS[ele.data("type")], id: ele.data("ref") }));
  }

  /** The fields every selected item has, each with its current value or MIXED. */
  shared(items) {
    const doc = this.store.doc;
    const tables = fieldsFor(doc);
    const types = new Set(items.map((i) => i.type));
    if (types.size !== 1) return []; // an element and a flow have no field in common here
    const [type] = types;
    const records = items.map((i) => (doc[i.section] || []).find((x) => x.id === i.id) || {});
    return tables[type]
      .filter((field) => !field.applies || records.every(field.applies))
      .map((field) => {
        const values = new Set(records.map((r) => r[field.name] ?? ""));
        return { ...field, value: values.size === 1 ? [...values][0] : MIXED };
      });
  }

  /** Shows several selected items; with fewer left, a panel still showing several goes
   * back to the page's own (it would apply to items no longer selected). */
  follow(selected) {
    if (selected.length > 1) this.show(selected);
    else if (selected.length === 1) this.shown = null; // the item's own form takes over
    else if (this.shown) {
      this.shown = null;
      this.page.clearProperties();
    }
  }

  show(selected) {
    const panel = document.getElementById("properties");
    if (!panel) return;
    const items = this.itemsOf(selected);
    this.shown = items;
    this.page.propertiesFor = null;
    const counts = {};
    for (const item of items) counts[item.type] = (counts[item.type] || 0) + 1;
    const breakdown = Object.entries(counts)
      .map(([type, n]) => `${n} ${NOUNS[type][n === 1 ? 0 : 1]}`)
      .join(", ");
    const title = document.createElement("h2");
    title.textContent = `${items.length} selected`;
    const note = document.createElement("p");
    note.className = "muted";
    note.textContent = breakdown;
    const fields = this.shared(items);
    panel.replaceChildren(title, note);
    panel.dataset.multi = String(items.length);
    if (!fields.length) {
      const none = document.createElement("p");
      none.textContent = "They have no field in common to edit together; select items of one type.";
      panel.append(none);
      return;
    }
    panel.append(this.form(fields, items));
  }

  form(fields, items) {
    const form = document.createElement("form");
    form.className = "multi-form";
    for (const field of fields) {
      const row = document.createElement("div");
      row.className = "field";
      const label = document.createElement("label");
      const id = `multi-${field.name}`;
      label.htmlFor = id;
      label.textContent = field.label;
      let control;
      if (field.text) {
        control = document.createElement("input");
        control.type = "text";
        control.value = field.value === MIXED ? "" : field.value;
        if (field.value === MIXED) control.placeholder = "mixed";
      } else {
        control = document.createElement("select");
        const options = field.value === MIXED ? [{ value: MIXED, label: "\u2014 mixed \u2014" }, ...field.choices] : field.choices;
        for (const choice of options) {
          const option = document.createElement("option");
          option.value = choice.value;
          option.textContent = choice.label;
          control.append(option);
        }
        control.value = field.value;
      }
      control.id = id;
      control.name = field.name;
      control.dataset.initial = control.value;
      row.append(label, control);
      form.append(row);
    }
    const actions = document.createElement("div");
    actions.className = "form-actions";
    const apply = document.createElement("button");
    apply.type = "submit";
    apply.className = "primary";
    apply.textContent = `Apply to ${items.length}`;
    actions.append(apply);
    form.append(actions);
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      this.apply(form, items);
    });
    return form;
  }

  /** Every changed field on every item, as one edit. */
  async apply(form, items) {
    const changes = [...form.elements]
      .filter((c) => c.name && c.value !== c.dataset.initial && c.value !== MIXED)
      .map((c) => [c.name, c.value.trim()]);
    if (!changes.length) {
      this.page.setStatus("Nothing changed.");
      return;
    }
    const what = changes.map(([name, value]) => `${name} ${value || "cleared"}`).join(", ");
    // Named: the items the edit changes, not those that had the values already.
    const changed = items.filter(({ section, id }) => {
      const item = (this.store.doc[section] || []).find((x) => x.id === id) || {};
      return changes.some(([name, value]) => (item[name] ?? "") !== value);
    });
    if (!changed.length) {
      this.page.setStatus("Nothing changed.");
      return;
    }
    const saved = await this.store.commit(`set ${what} on ${nameList(changed.map((i) => i.id))}`, (doc) => {
      for (const { section, id } of items) {
        const item = (doc[section] || []).find((x) => x.id === id);
        if (!item) continue;
        for (const [name, value] of changes) {
          if (name === "boundary") ops.setBoundary(doc, { element: id, boundary: value || null });
          else if (value) item[name] = value;
          else delete item[name];
        }
      }
      return true;
    });
    if (saved) this.show(this.canvas.cy.$(":selected"));
  }
}
