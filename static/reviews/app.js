// Small page behaviours that are not the diagram editor. No inline handlers: the CSP
// allows only this file and the vendored libraries.
(function () {
  "use strict";

  // Filter forms marked data-autosubmit apply as soon as a choice changes.
  document.addEventListener("change", function (event) {
    var form = event.target.form;
    if (form && form.hasAttribute("data-autosubmit") && event.target.tagName === "SELECT") {
      form.requestSubmit();
    }
  });

  // A field group with an error or a value stays visible, so nothing that matters hides.
  function hasContent(container) {
    if (container.querySelector(".has-error") || container.classList.contains("has-error")) {
      return true;
    }
    return Array.prototype.some.call(container.querySelectorAll("input, select, textarea"), function (input) {
      if (input.type === "checkbox") return input.checked;
      return input.type !== "hidden" && input.value !== "";
    });
  }

  // Element forms: show the fields, and the groups of fields, that apply to the chosen
  // kind (the kinds come from the format's declaration, on each field and group).
  function syncKindGroups(form) {
    var kind = form.querySelector("select[name=kind]");
    if (!kind) return;
    form.querySelectorAll("[data-kinds]").forEach(function (part) {
      var applies = part.getAttribute("data-kinds").split(" ").indexOf(kind.value) !== -1;
      part.hidden = !applies && !hasContent(part);
    });
  }

  // Flow forms: the TLS details show once "TLS details known" is ticked.
  function syncTls(form) {
    var known = form.querySelector("input[name=tls]");
    if (!known) return;
    form.querySelectorAll("[name^=tls_]").forEach(function (input) {
      var field = input.closest(".field");
      if (field) field.hidden = !known.checked && !field.classList.contains("has-error");
    });
  }

  function enhance(root) {
    root.querySelectorAll("form.props-form").forEach(function (form) {
      syncKindGroups(form);
      syncTls(form);
    });
  }

  document.addEventListener("change", function (event) {
    var form = event.target.form;
    if (form && form.classList.contains("props-form") && (event.target.name === "kind" || event.target.name === "tls")) {
      enhance(form.parentNode);
    }
  });

  // Property forms arrive through htmx or the editor's own fetches: enhance whatever
  // lands in the page, and put the cursor on the first field with an error.
  function focusFirstError(root) {
    var field = root.querySelector(".has-error input, .has-error select, .has-error textarea");
    if (field) field.focus();
  }
  // The main menu collapses (a toggle in the top bar), and stays as it was left.
  var SIDENAV_KEY = "ciphermap.sidenav";
  function rememberedCollapsed() {
    try {
      return window.localStorage.getItem(SIDENAV_KEY) === "collapsed";
    } catch (error) {
      return false; // storage refused (private mode, policy): the menu stays open
    }
  }
  function setSidenav(toggle, collapsed) {
    document.body.classList.toggle("sidenav-collapsed", collapsed);
    toggle.setAttribute("aria-expanded", String(!collapsed));
    toggle.title = collapsed ? "Show the main menu" : "Hide the main menu";
  }
  function bindSidenavToggle() {
    var toggle = document.querySelector(".nav-toggle");
    if (!toggle || !document.getElementById("sidenav")) return;
    setSidenav(toggle, rememberedCollapsed());
    toggle.hidden = false;
    toggle.addEventListener("click", function () {
      var collapsed = !document.body.classList.contains("sidenav-collapsed");
      setSidenav(toggle, collapsed);
      try {
        window.localStorage.setItem(SIDENAV_KEY, collapsed ? "collapsed" : "open");
      } catch (error) {
        // not remembered, still applied
      }
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    bindSidenavToggle();
    enhance(document);
    new MutationObserver(function (mutations) {
      mutations.forEach(function (mutation) {
        mutation.addedNodes.forEach(function (node) {
          if (node.nodeType === 1 && node.querySelector && node.querySelector("form.props-form")) {
            enhance(node);
            if (node.id === "properties") focusFirstError(node);
          }
        });
      });
    }).observe(document.body, { childList: true, subtree: true });
  });
})();
