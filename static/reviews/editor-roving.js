// Roving focus for a toolbar (the WAI-ARIA toolbar pattern): the whole toolbar is one
// Tab stop, the arrow keys, Home and End move between its buttons, and Tab leaves it.
// The page is then reached in a few Tab presses instead of one per button.

const NEXT = new Set(["ArrowRight", "ArrowDown"]);
const PREVIOUS = new Set(["ArrowLeft", "ArrowUp"]);

// The toolbar's controls: its buttons and the summaries of its menus (<details>).
const CONTROLS = "button, summary";

/**
 * Makes `toolbar` one Tab stop. Controls added, removed, disabled, hidden or shown later
 * (a menu opening) are followed: the Tab stop stays on one that can take the focus.
 */
export function rovingToolbar(toolbar) {
  let current = null;
  const buttons = () => [...toolbar.querySelectorAll(CONTROLS)];
  // Drawn (not in a closed menu), and enabled.
  const usable = () =>
    buttons().filter((button) => !button.disabled && !button.hidden && button.getClientRects().length);
  const sync = () => {
    const list = usable();
    if (!list.includes(current)) current = list[0] || null;
    for (const button of buttons()) button.tabIndex = button === current ? 0 : -1;
  };
  toolbar.addEventListener("focusin", (event) => {
    const button = event.target.closest(CONTROLS);
    if (!button || !toolbar.contains(button) || button === current) return;
    current = button;
    sync();
  });
  toolbar.addEventListener("keydown", (event) => {
    if (event.altKey || event.ctrlKey || event.metaKey) return;
    const list = usable();
    const index = list.indexOf(event.target.closest && event.target.closest(CONTROLS));
    if (index < 0) return;
    let next = null;
    if (NEXT.has(event.key)) next = list[(index + 1) % list.length];
    else if (PREVIOUS.has(event.key)) next = list[(index - 1 + list.length) % list.length];
    else if (event.key === "Home") next = list[0];
    else if (event.key === "End") next = list[list.length - 1];
    if (!next) return;
    // The editor's own arrow keys (move, pan) must not act on the canvas as well.
    event.preventDefault();
    event.stopPropagation();
    next.focus();
  });
  new MutationObserver(sync).observe(toolbar, {
    subtree: true,
    childList: true,
    attributes: true,
    attributeFilter: ["disabled", "hidden", "open"],
  });
  sync();
}
