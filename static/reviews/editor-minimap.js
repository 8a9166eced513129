// The minimap: cytoscape-navigator (static/vendor/cytoscape-navigator) draws a thumbnail
// of the whole diagram with a frame for the part in view; dragging the frame moves the
// view. It lives in #editor-minimap, in the canvas's corner.

// The thumbnail is a PNG of the whole graph (cy.png of every element). The navigator
// redraws it after every frame the canvas renders, so a pan or a drag drew the whole
// model again and again (300 elements: 10 pans took 4.4-7.4 s of main thread, 0.35 s
// without it). The picture changes only when the diagram does, so here it is redrawn
// once the diagram has stopped changing for REDRAW_MS; the frame showing the view follows
// pan and zoom by the navigator's own listener, without a redraw.
const REDRAW_MS = { small: 400, large: 1500 };
const DIAGRAM_CHANGES = "add remove position data";
const IDLE_WAIT_MS = 2000;

/** Starts the minimap on `canvas` (or does nothing when the page has no place for it);
 * `started(navigator)` is called once it runs. */
export function startMinimap(root, canvas, started = () => {}) {
  const container = root.querySelector("#editor-minimap");
  if (!container || typeof canvas.cy.navigator !== "function") return;
  const cy = canvas.cy;
  const start = () => {
    const navigator = cy.navigator({
      container: "#editor-minimap",
      viewLiveFramerate: 0,
      rerenderDelay: 0,
      removeCustomContainer: false,
    });
    // The navigator keeps its redraw as _onRenderHandler, hooked on every render
    // (cytoscape-navigator 2.0.2, _updateThumbnailImage); it is moved to the changes.
    const redraw = navigator._onRenderHandler;
    cy.offRender(redraw);
    let timer = null;
    cy.on(DIAGRAM_CHANGES, () => {
      clearTimeout(timer);
      timer = setTimeout(redraw, canvas.large ? REDRAW_MS.large : REDRAW_MS.small);
    });
    redraw();
    hideWhenAllInView(container, canvas);
    started(navigator);
  };
  if (canvas.large && window.requestIdleCallback) {
    window.requestIdleCallback(start, { timeout: IDLE_WAIT_MS });
  } else start();
}


/** The minimap is for finding one's way around a diagram larger than the view: while the
 * whole diagram is in view (after opening or Fit) it would only repeat it, and it covers
 * the canvas's bottom right corner, so it is hidden until part of the diagram is out of
 * view. */
function hideWhenAllInView(container, canvas) {
  const cy = canvas.cy;
  let diagram; // the diagram's extent, worked out again once it has changed
  let stale = true;
  let queued = false;
  const update = () => {
    queued = false;
    if (stale) {
      diagram = canvas.extent();
      stale = false;
    }
    const view = cy.extent();
    const slack = 2 / cy.zoom(); // two pixels: Fit makes the diagram exactly as wide
    const whole =
      !diagram ||
      (diagram.x1 >= view.x1 - slack &&
        diagram.x2 <= view.x2 + slack &&
        diagram.y1 >= view.y1 - slack &&
        diagram.y2 <= view.y2 + slack);
    container.classList.toggle("is-whole-view", whole);
  };
  const queue = () => {
    if (queued) return;
    queued = true;
    requestAnimationFrame(update);
  };
  cy.on("viewport", queue);
  cy.on(DIAGRAM_CHANGES, () => {
    stale = true;
    queue();
  });
  update();
}
