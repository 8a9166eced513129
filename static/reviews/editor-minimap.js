// The minimap: cytoscape-navigator (static/vendor/cytoscape-navigator) draws a thumbnail
// of the whole diagram with a frame for the part in view; dragging the frame moves the
// view. It lives in #editor-minimap, in the canvas's corner.

// The thumbnail is a PNG of the whole graph: on a large model it is redrawn less often.
const REDRAW_MS = { small: 400, large: 1500 };

/** Starts the minimap on `canvas`, or does nothing when the page has no place for it. */
export function startMinimap(root, canvas) {
  const container = root.querySelector("#editor-minimap");
  if (!container || typeof canvas.cy.navigator !== "function") return null;
  return canvas.cy.navigator({
    container: "#editor-minimap",
    viewLiveFramerate: 0,
    rerenderDelay: canvas.large ? REDRAW_MS.large : REDRAW_MS.small,
    removeCustomContainer: false,
  });
}
