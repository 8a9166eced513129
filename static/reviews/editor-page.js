// The page around the canvas: the properties panel (the web app's htmx forms), the
// findings and inventory panels, highlights of findings and of a key's blast radius, the
// hover list of a hop's findings, the status line, messages and conflicts. It owns those
// panels' state; the document comes from the store, the drawing from the canvas.

import {
  BOUNDARY,
  ELEMENT,
  FLOW,
  SECTION_OF as SECTIONS,
  findingsByItem,
  protectedSet,
} from "./editor-graph.js";
import { renderKeys } from "./editor-panels.js";


function splitIds(value) {
  return (value || "").split(/[\s,]+/).filter(Boolean);
}

export class Page {
  constructor({ root, canvas, store }) {
    this.root = root;
    this.canvas = canvas;
    this.store = store;
    this.el = {
      keys: root.querySelector("#editor-keys"),
      status: root.querySelector("#editor-status"),
      alert: root.querySelector("#editor-alert"),
      tooltip: root.querySelector("#editor-tooltip"),
    };
    const properties = document.getElementById("properties");
    this.initialProperties = properties ? properties.outerHTML : null;
    this.propertiesFor = null;
    this.propertiesRequest = 0;
    this.panelRequests = {};
    this.highlight = null;
    this.activeKey = null;
    this.findings = findingsByItem(store.analysis);
    this.drawing = () => false; // true while a flow is being drawn (set by the editor)
  }

  /** The store kept a new version: the panels follow (`announce` after an edit here). */
  followStore(before, announce) {
    this.findings = findingsByItem(this.store.analysis);
    this.refreshKeys();
    this.updateCounts();
    this.showVersion();
    if (announce) this.announceChange(before);
  }
  /**
   * After the canvas saved a new version: the findings and inventory panels are
   * refreshed (unless it only moved things), and the open form is brought up to date so its next save is based on
   * this version.
   */
  announceChange(before) {
    const urls = this.store.urls;
    // After a move they would come back the same: two of a drag's three requests.
    if (!this.store.layoutOnly) {
      if (urls.findings) this.refreshPanel("findings", urls.findings);
      if (urls.system) this.refreshPanel("inventory", `${urls.system}?fragment=inventory`);
    }
    if (before) this.syncProperties(before);
  }

  /** Replaces a page panel (#findings, #inventory) with its current partial. */
  async refreshPanel(id, url) {
    if (!window.htmx || !document.getElementById(id)) return;
    const request = (this.panelRequests[id] || 0) + 1;
    this.panelRequests[id] = request;
    try {
      const response = await fetch(url, {
        credentials: "same-origin",
        headers: { "HX-Request": "true", "HX-Target": id, Accept: "text/html" },
      });
      if (!response.ok || this.panelRequests[id] !== request) return;
      const html = await response.text();
      const panel = document.getElementById(id);
      if (panel && this.panelRequests[id] === request) {
        window.htmx.swap(panel, html, { swapStyle: "outerHTML" });
      }
    } catch {
      // the next change refreshes it again
    }
  }

  showVersion() {
    const label = document.getElementById("system-version");
    if (label) label.textContent = String(this.store.version);
  }


  setStatus(text) {
    if (this.el.status) this.el.status.textContent = text;
  }

  clearAlert() {
    if (!this.el.alert) return;
    this.el.alert.hidden = true;
    this.el.alert.replaceChildren();
    this.el.alert.classList.remove("editor-alert-conflict");
  }

  showAlert(message, details = [], actions = []) {
    const box = this.el.alert;
    if (!box) return;
    box.replaceChildren();
    const text = document.createElement("p");
    text.textContent = message;
    box.append(text);
    if (details.length) {
      const list = document.createElement("ul");
      for (const detail of details) {
        const item = document.createElement("li");
        item.textContent = detail;
        list.append(item);
      }
      box.append(list);
    }
    const row = document.createElement("p");
    row.className = "editor-alert-actions";
    for (const [label, handler] of [...actions, ["Dismiss", () => this.clearAlert()]]) {
      const button = document.createElement("button");
      button.type = "button";
      button.textContent = label;
      button.addEventListener("click", handler);
      row.append(button);
    }
    box.append(row);
    box.hidden = false;
  }

  /**
   * A save against a stale version: nothing was saved and nothing is lost. The user
   * loads the newer version, and can apply the same change again on top of it.
   */
  showConflict(body, label, retry) {
    const actions = [];
    if (retry) {
      actions.push([
        "Load their version and redo my change",
        async () => {
          this.clearAlert();
          this.store.takeServerVersion(body);
          await this.store.commit(retry.label, retry.change);
        },
      ]);
    }
    actions.push([
      "Load their version",
      () => {
        this.clearAlert();
        this.store.takeServerVersion(body);
      },
    ]);
    this.showAlert(
      `Not saved: someone else changed this system (now version ${body.version}) ` +
        `after you opened it. Your change \u201c${label}\u201d is kept here until you choose.`,
      [],
      actions,
    );
    this.el.alert.classList.add("editor-alert-conflict");
  }

  updateCounts() {
    const counts = {};
    for (const finding of this.store.analysis.findings || []) {
      counts[finding.severity] = (counts[finding.severity] || 0) + 1;
    }
    document.querySelectorAll("[data-severity-count]").forEach((node) => {
      node.textContent = String(counts[node.dataset.severityCount] || 0);
    });
  }


  propertiesUrl(type, ref) {
    const template = this.store.urls.edit && this.store.urls.edit[SECTIONS[type]];
    if (!template) return null;
    return template.replace("__id__", encodeURIComponent(ref));
  }

  showProperties(ele) {
    const type = ele.data("type");
    if (!SECTIONS[type]) return;
    const url = this.propertiesUrl(type, ele.data("ref"));
    this.propertiesFor = ele.id();
    if (this.propertiesShown() === url) return;
    this.loadProperties(url);
  }

  /** The URL of the item form the properties panel shows, if any. */
  propertiesShown() {
    const form = document.querySelector("#properties form.props-form");
    return form ? form.getAttribute("action") : null;
  }

  /**
   * Loads a property form into the page's #properties panel (the panel is replaced).
   * Fetched here rather than with htmx.ajax, so that of quick successive selections the
   * last one wins instead of the first.
   */
  async loadProperties(url) {
    if (!url || !window.htmx || !document.getElementById("properties")) return;
    this.propertiesRequest += 1;
    const request = this.propertiesRequest;
    let response;
    try {
      response = await fetch(url, {
        credentials: "same-origin",
        headers: { "HX-Request": "true", "HX-Target": "properties", Accept: "text/html" },
      });
    } catch {
      return;
    }
    if (request !== this.propertiesRequest || !response.ok) return;
    const html = await response.text();
    const panel = document.getElementById("properties");
    if (request !== this.propertiesRequest || !panel) return;
    window.htmx.swap(panel, html, { swapStyle: "outerHTML" });
  }

  /**
   * After a save from the canvas, the open form must not be stale: when its item did not
   * change (positions aside) it is simply based on the new version, so nothing typed is
   * lost; when it changed it is reloaded; when it is gone the panel is reset.
   */
  syncProperties(before) {
    const panel = document.getElementById("properties");
    if (!panel) return;
    const shown = this.shownItem();
    const bump = () => {
      const version = String(this.store.version);
      panel.querySelectorAll("input[name=base_version]").forEach((field) => {
        field.value = version;
      });
      panel.querySelectorAll("[data-form-version]").forEach((label) => {
        label.textContent = version;
      });
    };
    if (!shown) {
      bump();
      return;
    }
    const find = (doc) => (doc[shown.section] || []).find((item) => item.id === shown.id);
    const withoutPosition = (item) => JSON.stringify({ ...item, position: null });
    const now = find(this.store.doc);
    if (!now) this.clearProperties();
    else if (withoutPosition(find(before) || {}) === withoutPosition(now)) bump();
    else this.loadProperties(shown.url);
  }

  /** The item whose form the properties panel shows: {section, id, url}, or null. */
  shownItem() {
    const action = this.propertiesShown();
    if (!action) return null;
    for (const [section, template] of Object.entries(this.store.urls.edit || {})) {
      const [prefix, suffix] = template.split("__id__");
      if (action.length > prefix.length + suffix.length && action.startsWith(prefix) && action.endsWith(suffix)) {
        const id = decodeURIComponent(action.slice(prefix.length, action.length - suffix.length));
        if (!id.includes("/")) return { section, id, url: action };
      }
    }
    return null;
  }

  /** Puts back the panel the page started with. */
  clearProperties() {
    this.propertiesFor = null;
    const panel = document.getElementById("properties");
    if (!panel || !this.initialProperties) return;
    const template = document.createElement("template");
    template.innerHTML = this.initialProperties;
    const fresh = template.content.firstElementChild;
    panel.replaceWith(fresh);
    if (window.htmx) window.htmx.process(fresh);
  }


  /** Highlights a finding's subject, path and flows, and centres them. */
  highlightFinding({ subject = [], flows = [], path = [] }) {
    const cy = this.canvas.cy;
    let eles = cy.collection();
    for (const id of [...subject, ...path]) {
      eles = eles.union(cy.getElementById(ELEMENT + id));
      eles = eles.union(cy.getElementById(BOUNDARY + id));
      eles = eles.union(cy.getElementById(FLOW + id));
      if ((this.store.doc.keys || []).some((k) => k.id === id)) {
        const set = protectedSet(this.store.doc, id);
        for (const store of set.stores) eles = eles.union(cy.getElementById(ELEMENT + store));
      }
    }
    for (const id of flows) {
      const edge = cy.getElementById(FLOW + id);
      eles = eles.union(edge).union(edge.connectedNodes());
    }
    this.applyHighlight({ type: "finding", subject, flows, path }, eles);
    if (eles.length) this.canvas.focus(eles);
    return eles;
  }

  highlightKey(keyId) {
    const cy = this.canvas.cy;
    const set = protectedSet(this.store.doc, keyId);
    let stores = cy.collection();
    for (const id of set.stores) stores = stores.union(cy.getElementById(ELEMENT + id));
    let holders = cy.collection();
    for (const id of set.holders) holders = holders.union(cy.getElementById(ELEMENT + id));
    this.applyHighlight({ type: "key", key: keyId }, stores, holders);
    this.activeKey = keyId;
    this.refreshKeys();
    if (stores.length || holders.length) this.canvas.focus(stores.union(holders));
    return set;
  }

  applyHighlight(spec, eles, secondary = null) {
    this.canvas.highlight(eles, secondary);
    this.highlight = spec;
  }

  reapplyHighlight() {
    const spec = this.highlight;
    if (!spec) return;
    if (spec.type === "key") {
      if ((this.store.doc.keys || []).some((k) => k.id === spec.key)) {
        const set = protectedSet(this.store.doc, spec.key);
        const pick = (ids) =>
          ids.reduce((acc, id) => acc.union(this.canvas.cy.getElementById(ELEMENT + id)), this.canvas.cy.collection());
        this.applyHighlight(spec, pick(set.stores), pick(set.holders));
      } else {
        this.clearHighlight();
      }
    }
  }

  clearHighlight() {
    this.canvas.clearHighlight();
    this.highlight = null;
    if (this.activeKey) {
      this.activeKey = null;
      this.refreshKeys();
    }
    document
      .querySelectorAll("[data-editor-active-finding]")
      .forEach((node) => node.removeAttribute("data-editor-active-finding"));
  }

  refreshKeys() {
    if (!this.el.keys) return;
    // The buttons are rebuilt: keep the keyboard focus on the same key.
    const focused = this.el.keys.contains(document.activeElement)
      ? document.activeElement.dataset.key
      : null;
    this.renderKeyButtons();
    if (focused) {
      const button = this.el.keys.querySelector(`button[data-key="${CSS.escape(focused)}"]`);
      if (button) button.focus();
    }
  }

  renderKeyButtons() {
    renderKeys(this.el.keys, this.store.doc, this.activeKey, {
      toggle: (keyId) => {
        if (this.activeKey === keyId) this.clearHighlight();
        else {
          this.highlightKey(keyId);
          this.loadProperties(this.propertiesUrl("key", keyId));
        }
      },
    });
  }


  showTooltip(ele) {
    const tip = this.el.tooltip;
    if (!tip || this.drawing()) return;
    const findings = this.findings.get(ele.id()) || [];
    tip.replaceChildren();
    // Names first, as the canvas labels them; the ID only beside, as the one to search.
    const title = document.createElement("strong");
    const ref = ele.data("ref");
    const elements = this.store.doc.elements || [];
    const nameOf = (id) => (elements.find((e) => e.id === id) || {}).name || id;
    let id = ref;
    if (ele.isEdge()) {
      const flow = (this.store.doc.flows || []).find((f) => f.id === ref) || {};
      title.textContent = `${nameOf(flow.from)} \u2192 ${nameOf(flow.to)}, ${flow.protocol || "no protocol"}`;
      id = `flow ${ref}`;
    } else {
      title.textContent = nameOf(ref);
      if (title.textContent === ref) id = "";
    }
    tip.append(title);
    if (id) {
      const secondary = document.createElement("span");
      secondary.className = "editor-tooltip-id";
      secondary.textContent = id;
      tip.append(" ", secondary);
    }
    const list = document.createElement("ul");
    for (const finding of findings.slice(0, 8)) {
      const item = document.createElement("li");
      const severity = document.createElement("span");
      severity.className = `severity severity-${finding.severity}`;
      severity.textContent = finding.severity;
      item.append(severity, ` ${finding.title || finding.rule}`);
      list.append(item);
    }
    if (findings.length > 8) {
      const more = document.createElement("li");
      more.textContent = `and ${findings.length - 8} more`;
      list.append(more);
    }
    if (!findings.length) {
      const none = document.createElement("li");
      none.textContent = "No findings.";
      list.append(none);
    }
    tip.append(list);
    // Measured at the top left, where nothing squeezes it; then placed right of and below
    // the point, or left of or above it where the canvas ends.
    const point = ele.isEdge() ? ele.renderedMidpoint() : ele.renderedPosition();
    tip.style.left = "0px";
    tip.style.top = "0px";
    tip.hidden = false;
    const { offsetWidth: width, offsetHeight: height } = tip;
    const room = { width: ele.cy().width(), height: ele.cy().height() };
    const gap = 14;
    let left = point.x + gap;
    if (left + width > room.width) left = point.x - gap - width;
    let top = point.y + gap;
    if (top + height > room.height) top = point.y - gap - height;
    left = Math.max(0, Math.min(left, room.width - width));
    top = Math.max(0, Math.min(top, room.height - height));
    tip.style.left = `${Math.round(left)}px`;
    tip.style.top = `${Math.round(top)}px`;
  }

  hideTooltip() {
    if (this.el.tooltip) this.el.tooltip.hidden = true;
  }

  bindPage() {
    // Property forms save through htmx and announce the new version: show it.
    document.body.addEventListener("modelChanged", (event) => {
      const detail = event.detail || {};
      if (detail.source === "editor") return;
      if (detail.version && detail.version === this.store.version) return;
      this.store.enqueue(() => this.store.reload({ rememberAs: "edited properties" }));
    });
    // Findings carry the IDs of what they are about: clicking one shows it.
    // The finding's own link still opens it on the findings page with a modifier key
    // (new tab); a plain click or Enter shows it here.
    document.addEventListener("click", (event) => {
      const item = event.target.closest("[data-subject], [data-flows]");
      if (!item || this.root.contains(item)) return;
      const control = event.target.closest("a[href], button, input, select, textarea, summary");
      if (control && !control.matches(".finding-title, [data-subject], [data-flows]")) return;
      if (event.ctrlKey || event.metaKey || event.shiftKey || event.button !== 0) return;
      event.preventDefault();
      this.activateFinding(item);
    });
    document.addEventListener("keydown", (event) => {
      if (event.key !== "Enter" && event.key !== " ") return;
      const item = event.target.closest?.("[data-subject], [data-flows]");
      if (!item || event.target !== item || this.root.contains(item)) return;
      event.preventDefault();
      this.activateFinding(item);
    });
    // Rows without a link of their own become focusable buttons.
    const enhance = () => {
      document.querySelectorAll("[data-subject], [data-flows]").forEach((item) => {
        if (this.root.contains(item) || item.matches("a, button") || item.querySelector("a[href]")) {
          return;
        }
        if (!item.hasAttribute("tabindex")) item.setAttribute("tabindex", "0");
        if (!item.hasAttribute("role")) item.setAttribute("role", "button");
      });
    };
    enhance();
    document.body.addEventListener("htmx:afterSettle", enhance);
  }

  activateFinding(item) {
    document
      .querySelectorAll("[data-editor-active-finding]")
      .forEach((node) => node.removeAttribute("data-editor-active-finding"));
    item.setAttribute("data-editor-active-finding", "");
    this.activeKey = null;
    this.refreshKeys();
    this.highlightFinding({
      subject: splitIds(item.dataset.subject),
      flows: splitIds(item.dataset.flows),
      path: splitIds(item.dataset.path),
    });
    this.setStatus(`Showing ${item.dataset.rule || "finding"} on the diagram (Esc clears).`);
  }
}
