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

  // Element forms: show the field groups that apply to the chosen kind. Groups with an
  // error or a value set stay visible, so nothing is hidden that matters.
  function groupHasContent(group) {
    if (group.querySelector(".has-error")) return true;
    return Array.prototype.some.call(group.querySelectorAll("input, select, textarea"), function (input) {
      if (input.type === "checkbox") return input.checked;
      return input.value !== "";
    });
  }
  function syncKindGroups(root) {
    root.querySelectorAll("form.props-form").forEach(function (form) {
      var kind = form.querySelector("select[name=kind]");
      var groups = form.querySelectorAll("fieldset[data-kinds]");
      if (!kind || !groups.length) return;
      groups.forEach(function (group) {
        var applies = group.getAttribute("data-kinds").split(" ").indexOf(kind.value) !== -1;
        group.hidden = !applies && !groupHasContent(group);
      });
    });
  }
  document.addEventListener("change", function (event) {
    if (event.target.name === "kind") syncKindGroups(event.target.form);
  });

  // Focus the first field with an error after a form comes back from the server.
  function focusFirstError(root) {
    var field = root.querySelector(".has-error input, .has-error select, .has-error textarea");
    if (field) field.focus();
  }

  document.addEventListener("DOMContentLoaded", function () { syncKindGroups(document); });
  document.addEventListener("htmx:afterSwap", function () {
    syncKindGroups(document);
    var properties = document.getElementById("properties");
    if (properties) focusFirstError(properties);
  });
  document.addEventListener("htmx:oobAfterSwap", function () { syncKindGroups(document); });
})();
