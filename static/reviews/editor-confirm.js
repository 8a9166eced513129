// The one question asked before a canvas edit that takes more than it names (a delete):
// an in-page <dialog>, not window.confirm, so it is styled like the page, read by screen
// readers as a dialog, and answerable by the browser tests.

/**
 * Shows `question` in the page's #editor-confirm dialog and resolves to true when the
 * user confirms, false when they cancel (the Cancel button, Esc, or closing it).
 */
export function confirmInPage(question, { confirmLabel = "Delete" } = {}) {
  const dialog = document.getElementById("editor-confirm");
  if (!dialog) return Promise.resolve(false);
  dialog.querySelector("[data-confirm-question]").textContent = question;
  const yes = dialog.querySelector("button[value=confirm]");
  yes.textContent = confirmLabel;
  const returnFocus = document.activeElement;
  dialog.returnValue = "";
  return new Promise((resolve) => {
    dialog.addEventListener(
      "close",
      () => {
        if (returnFocus && returnFocus.focus) returnFocus.focus();
        resolve(dialog.returnValue === "confirm");
      },
      { once: true },
    );
    dialog.showModal();
    // The safe answer has the focus, so Enter alone never deletes.
    dialog.querySelector("button[value=cancel]").focus();
  });
}
