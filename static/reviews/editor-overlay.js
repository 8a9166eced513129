// On a narrow screen the system page is one column and the properties panel sits far
// below the canvas. There it opens over the canvas's right side instead (editor.css),
// when it shows an item's form or a message; its Close button or Esc closes it and gives
// the keyboard back to where it was. On a wide screen the panel stays beside the canvas
// and nothing here changes it.

const NARROW = "(max-width: 1100px)";
const MARGIN = 24;

export class PropertiesOverlay {
  constructor({ canvas, page }) {
    this.canvas = canvas;
    this.page = page;
    this.narrow = window.matchMedia(NARROW);
    this.returnFocus = null;
    this.lastOutside = null;
    const panel = document.getElementById("properties");
    if (!panel || !panel.parentElement) return;
    // The panel is replaced (outerHTML swaps) each time it shows something else.
    new MutationObserver(() => setTimeout(() => this.follow(), 0)).observe(panel.parentElement, {
      childList: true,
    });
    document.addEventListener("focusin", (event) => {
      if (!event.target.closest("#properties")) this.lastOutside = event.target;
    });
    document.addEventListener("keydown", (event) => {
      if (event.key !== "Escape" || !this.isOverlay()) return;
      if (!event.target.closest || !event.target.closest("#properties")) return;
      event.preventDefault();
      this.close();
    });
    this.follow();
  }

  isOpen() {
    return document.body.classList.contains("properties-open");
  }

  /** Open as an overlay: the panel is open and the screen narrow. */
  isOverlay() {
    return this.isOpen() && this.narrow.matches;
  }

  follow() {
    const panel = document.getElementById("properties");
    if (!panel) return;
    const showing = Boolean(panel.querySelector("form.props-form, .message"));
    const wasOpen = this.isOpen();
    document.body.classList.toggle("properties-open", showing);
    if (!showing) return;
    this.addCloseButton(panel);
    if (!this.narrow.matches) return;
    const active = document.activeElement;
    if (active === this.canvas.container) {
      // Picked on the canvas: the keyboard stays there (Enter goes into the form).
      this.returnFocus = active;
    } else if (!panel.contains(active)) {
      // Opened from a table, an add button or a save: the keyboard follows the panel.
      if (!wasOpen) this.returnFocus = this.lastOutside;
      const heading = panel.querySelector("h2");
      if (heading) {
        heading.tabIndex = -1;
        heading.focus();
      }
    }
    // Opened, or showing another item: the item shown is panned clear of the panel.
    const shown = panel.querySelector("form.props-form")?.getAttribute("action") || "";
    if (!wasOpen || shown !== this.shown) this.keepSelectionInView();
    this.shown = shown;
  }

  addCloseButton(panel) {
    if (panel.querySelector(".panel-close")) return;
    const button = document.createElement("button");
    button.type = "button";
    button.className = "panel-close";
    button.setAttribute("aria-label", "Close properties");
    button.title = "Close (Esc)";
    button.textContent = "\u00d7";
    button.addEventListener("click", () => this.close());
    panel.prepend(button);
  }

  close() {
    this.page.clearProperties();
    document.body.classList.remove("properties-open");
    const back = this.returnFocus && this.returnFocus.isConnected ? this.returnFocus : this.canvas.container;
    this.returnFocus = null;
    back.focus();
  }

  /** The selected item stays visible left of the overlay (the diagram pans if needed). */
  keepSelectionInView(frames = 0) {
    const cy = this.canvas.cy;
    // `]`, `[` and Find glide the selection to the centre, and the form usually arrives
    // mid-way: the rest of that glide would undo a pan made now, so the pan waits for
    // the view to come to rest (about a second at most).
    if (cy.animated() && frames < 60) {
      requestAnimationFrame(() => this.keepSelectionInView(frames + 1));
      return;
    }
    // The panel as it is now: a swap may have replaced it, or Esc closed it.
    const panel = document.getElementById("properties");
    if (!panel || !this.isOverlay()) return;
    const selected = cy.$(":selected");
    if (!selected.length) return;
    const stage = this.canvas.container.getBoundingClientRect();
    const edge = panel.getBoundingClientRect().left - stage.left - MARGIN;
    const box = selected.renderedBoundingBox({ includeLabels: false });
    if (edge <= MARGIN || box.x2 <= edge) return;
    cy.panBy({ x: Math.max(edge - box.x2, MARGIN - box.x1) });
  }
}
