// The minimap: cytoscape-navigator (static/vendor/cytoscape-navigator) draws a thumbnail
// of the whole diagram with a frame for the part in view; dragging the frame moves the
// view. It lives in #editor-minimap, in the canvas's corner.

// The thumbnail is a PNG of the whole graph: on a large model it is redrawn less often,
// and first drawn once the page is idle, so it never delays the first click.
const REDRAW_MS = { small: 400, large: 1500 };
const IDLE_WAIT_MS = 2000;

/** Starts the minimap on `canvas` (or does nothing when the page has no place for it);
 * `started(navigator)` is called once it runs. */
export function startMinimap(root, canvas, started = () => {}) {
  const container = root.querySelector("#editor-minimap");
  if (!container || typeof canvas.cy.navigator !== "function") return;
  const start = () =>
    started(
      canvas.cy.navigator({
        container: "#editor-minimap",
        viewLiveFramerate: 0,
        rerenderDelay: canvas.large ? REDRAW_MS.large : REDRAW_MS.small,
        removeCustomContainer: false,
      }),
    );
  if (canvas.large && window.requestIdleCallback) {
    window.requestIdleCallback(
      () => {
        start();
        // The thumbnail is drawn after a frame of the canvas; an idle canvas draws none.
        canvas.cy.forceRender();
      },
      { timeout: IDLE_WAIT_MS },
    );
  } else start();
}
