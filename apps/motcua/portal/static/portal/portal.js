/* motcua portal: progressive enhancement only; every page works without it.
   - show-if: fields shown only when another field has a value (the server applies the same rule);
   - "Thêm dòng" in table fields adds a row without a round trip;
   - the error summary takes the focus so screen-reader and keyboard users land on it. */
(function () {
  "use strict";
  var TRUTHY = ["1", "true", "on", "yes", "co", "x", "dung", "chon"];
  function fold(text) {
    return String(text == null ? "" : text).replace(/đ/g, "d").replace(/Đ/g, "D")
      .normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase().trim().replace(/\s+/g, " ");
  }
  function valueOf(form, name) {
    var element = form.elements[name];
    if (!element) { return ""; }
    if (element.type === "checkbox") { return element.checked; }
    return element.value;
  }
  function holds(actual, expected, kind) {
    if (kind === "checkbox" || typeof actual === "boolean") {
      return Boolean(actual) === (TRUTHY.indexOf(fold(expected)) >= 0);
    }
    if (kind === "number") {
      return parseFloat(String(actual).replace(",", ".")) === parseFloat(String(expected).replace(",", "."));
    }
    return fold(actual) === fold(expected);
  }
  function update(form) {
    form.querySelectorAll("[data-show-if]").forEach(function (block) {
      var name = block.getAttribute("data-show-if");
      var controller = form.querySelector('[data-field="' + name + '"]');
      var shown = !(controller && controller.hidden) &&
        holds(valueOf(form, name), block.getAttribute("data-show-if-value"), block.getAttribute("data-show-if-kind"));
      block.hidden = !shown;
    });
  }
  function addRow(box) {
    var rows = box.querySelectorAll("tbody tr");
    var last = rows[rows.length - 1];
    var index = rows.length;
    var copy = last.cloneNode(true);
    copy.querySelectorAll("input").forEach(function (input) {
      input.value = "";
      input.name = input.name.replace(/-\d+-([^-]+)$/, "-" + index + "-$1");
      input.id = input.id.replace(/-\d+-([^-]+)$/, "-" + index + "-$1");
      var label = input.getAttribute("aria-label") || "";
      input.setAttribute("aria-label", label.replace(/\d+$/, String(index + 1)));
    });
    last.parentNode.appendChild(copy);
    copy.querySelector("input").focus();
  }
  document.querySelectorAll("form[data-conditional]").forEach(function (form) {
    update(form);
    form.addEventListener("change", function () { update(form); });
    form.addEventListener("input", function () { update(form); });
    form.querySelectorAll(".table-field").forEach(function (box) {
      var button = box.querySelector("button[name=_add_row]");
      if (!button) { return; }
      button.type = "button";
      button.addEventListener("click", function () { addRow(box); });
    });
  });
  var summary = document.getElementById("error-summary");
  if (summary) { summary.focus(); }
})();
