// Icons for the element kinds, as SVG data URIs: Cytoscape draws them inside the node
// shapes and the palette and legend show the same pictures. Hand-drawn 24x24 strokes.

const STROKE = "#263238";
// The kinds' stroke on this screen (the diagram's declaration: dark on light, light on dark).
let kindStroke = STROKE;

export function useIconStroke(color) {
  kindStroke = color || STROKE;
}

const PATHS = {
  client: '<rect x="3" y="4" width="18" height="12" rx="1.5"/><path d="M8 20h8M12 16v4"/>',
  user: '<circle cx="12" cy="8" r="4"/><path d="M4 21c0-4.4 3.6-6.5 8-6.5s8 2.1 8 6.5"/>',
  service: '<path d="M8 7l-5 5 5 5M16 7l5 5-5 5M14 4l-4 16"/>',
  gateway: '<path d="M2 12h13M11 8l4 4-4 4"/><path d="M19 3v18"/>',
  function: '<path d="M5 20l6.5-10.5M8 4h3l8 16"/>',
  database:
    '<ellipse cx="12" cy="5.5" rx="7.5" ry="2.8"/>' +
    '<path d="M4.5 5.5v13c0 1.6 3.4 2.8 7.5 2.8s7.5-1.2 7.5-2.8v-13"/>' +
    '<path d="M4.5 12c0 1.6 3.4 2.8 7.5 2.8s7.5-1.2 7.5-2.8"/>',
  "object-store": '<ellipse cx="12" cy="6" rx="8.5" ry="2.5"/><path d="M3.5 6l2.2 14h12.6L20.5 6"/>',
  "file-store": '<path d="M3 6.5h6.5l2 2.5H21v10.5H3z"/>',
  cache: '<path d="M13.5 2L5 13.5h6.5L10 22l9-12h-6.5z"/>',
  "search-index": '<circle cx="10" cy="10" r="6.5"/><path d="M15 15l6.5 6.5"/>',
  warehouse: '<path d="M2 21h20M5 21V11M10 21V4M15 21v-8M20 21V8"/>',
  broker:
    '<path d="M1.5 12h2.5M20 12h2.5"/>' +
    '<rect x="5" y="7" width="4" height="10" rx="0.5"/>' +
    '<rect x="10" y="7" width="4" height="10" rx="0.5"/>' +
    '<rect x="15" y="7" width="4" height="10" rx="0.5"/>',
  "log-sink":
    '<path d="M5 2.5h10l4.5 4.5v14.5H5z"/><path d="M14.5 2.5V7h5M8.5 11h7.5M8.5 14.5h7.5M8.5 18h4.5"/>',
  backup:
    '<rect x="2.5" y="3.5" width="19" height="5" rx="0.8"/><path d="M4.5 8.5v12h15v-12M9.5 13h5"/>',
  "key-store":
    '<circle cx="7.5" cy="15.5" r="4.5"/><path d="M10.8 12.2L20.5 2.5M16 7l3 3M13.5 9.5l2.2 2.2"/>',
  external:
    '<path d="M7 19h10.5a4.5 4.5 0 0 0 .4-9A6.5 6.5 0 0 0 5.6 11.6 3.8 3.8 0 0 0 7 19z"/>',
};

function svg(body, { stroke = STROKE, size = 24 } = {}) {
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" width="${size}" height="${size}" viewBox="0 0 24 24" ` +
    `fill="none" stroke="${stroke}" stroke-width="1.7" stroke-linecap="round" ` +
    `stroke-linejoin="round">${body}</svg>`
  );
}

export function dataUri(markup) {
  return `data:image/svg+xml;utf8,${encodeURIComponent(markup)}`;
}

export function kindIcon(kind) {
  return dataUri(svg(PATHS[kind] || PATHS.service, { stroke: kindStroke }));
}

// A closed padlock on encrypted hops and an open one on plaintext hops, so the state
// does not rest on colour alone. The colour is the hop's (reviews/diagram_style.py).
export function lockIcon(color, open = false) {
  const shackle = open ? "M8.5 10.5V8a3.5 3.5 0 0 1 6.8-1.2" : "M8.5 11V8.5a3.5 3.5 0 0 1 7 0V11";
  return dataUri(
    '<svg xmlns="http://www.w3.org/2000/svg" width="24" height="24" viewBox="0 0 24 24">' +
      `<circle cx="12" cy="12" r="11.5" fill="#ffffff" stroke="${color}" stroke-width="1"/>` +
      `<path d="${shackle}" fill="none" stroke="${color}" stroke-width="2"/>` +
      `<rect x="6.5" y="10.5" width="11" height="8" rx="1.5" fill="${color}"/></svg>`,
  );
}
