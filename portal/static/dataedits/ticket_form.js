// The data-edit ticket form shows only the fields of the kind of change chosen. Without
// JavaScript every field is shown, and the server ignores those the kind does not use.
(function () {
  "use strict";
  var form = document.getElementById("ticket-form");
  if (!form) {
    return;
  }
  function chosenKind() {
    var checked = form.querySelector('input[name="kind"]:checked');
    return checked ? checked.value : "";
  }
  function showFieldsOf(kind) {
    form.querySelectorAll("[data-ticket-kinds]").forEach(function (group) {
      var kinds = group.getAttribute("data-ticket-kinds").split(" ");
      group.hidden = kinds.indexOf(kind) === -1;
    });
  }
  form.addEventListener("change", function (event) {
    if (event.target.name === "kind") {
      showFieldsOf(chosenKind());
    }
  });
  showFieldsOf(chosenKind());
})();
