// The review walk-through from the keyboard: j/k and the arrows move between findings,
// o d m a f choose a decision, c goes to the comment box, Esc leaves a field. The
// decision form shows the fields of the chosen state only. No inline handlers (CSP).
(function () {
  "use strict";

  var STATE_KEYS = { o: "open", d: "in-discussion", m: "mitigate", a: "accept", f: "false-positive" };

  function typing(element) {
    if (!element) return false;
    var tag = element.tagName;
    return tag === "INPUT" || tag === "TEXTAREA" || tag === "SELECT" || element.isContentEditable;
  }

  // Only the fields the chosen state uses are shown; fields with an error stay visible.
  function syncStateFields(form) {
    var checked = form.querySelector("input[name=state]:checked");
    var state = checked ? checked.value : "";
    form.querySelectorAll("fieldset.state-fields").forEach(function (group) {
      var errors = group.querySelector(".has-error");
      group.hidden = group.getAttribute("data-state") !== state && !errors;
    });
  }

  function enhance(root) {
    root.querySelectorAll("form.decision-form").forEach(syncStateFields);
  }

  function choose(state) {
    var form = document.getElementById("decision-form");
    if (!form) return;
    var radio = form.querySelector("input[name=state][value='" + state + "']");
    if (!radio) return;
    radio.checked = true;
    syncStateFields(form);
    var group = form.querySelector("fieldset.state-fields[data-state='" + state + "']");
    var first = group && group.querySelector("input, select, textarea");
    (first || radio).focus();
  }

  function follow(rel) {
    var link = document.querySelector(".walk-nav a[rel=" + rel + "]");
    if (link) link.click();
  }

  document.addEventListener("keydown", function (event) {
    if (!document.body.classList.contains("page-walk")) return;
    if (event.key === "Escape" && typing(event.target)) {
      event.target.blur();
      return;
    }
    // Ctrl+Enter (Cmd+Enter) records the decision or the comment being written.
    if (event.key === "Enter" && (event.ctrlKey || event.metaKey) && event.target.form) {
      event.preventDefault();
      event.target.form.requestSubmit();
      return;
    }
    if (event.ctrlKey || event.metaKey || event.altKey || typing(event.target)) return;
    var key = event.key;
    if (key === "j" || key === "ArrowRight" || key === "ArrowDown") {
      event.preventDefault();
      follow("next");
    } else if (key === "k" || key === "ArrowLeft" || key === "ArrowUp") {
      event.preventDefault();
      follow("prev");
    } else if (key === "c") {
      var box = document.querySelector("#comments textarea");
      if (box) {
        event.preventDefault();
        box.focus();
      }
    } else if (STATE_KEYS[key]) {
      event.preventDefault();
      choose(STATE_KEYS[key]);
    }
  });

  document.addEventListener("change", function (event) {
    if (event.target.name === "state" && event.target.form) syncStateFields(event.target.form);
  });

  // A decision panel swapped in by htmx (after a save, an error or a conflict).
  document.addEventListener("htmx:afterSettle", function (event) {
    enhance(document);
    var target = event.detail.target;
    if (target && target.id === "decision-panel") {
      var field = target.querySelector(".has-error input, .has-error select, .has-error textarea");
      if (field) field.focus();
    }
  });

  document.addEventListener("DOMContentLoaded", function () {
    enhance(document);
  });
})();
