// The add request's "office the user logs into" offers only the offices picked above. Without
// JavaScript it lists every office, and the server refuses one that was not picked.
(function () {
  "use strict";
  var offices = document.getElementById("id_offices");
  var logsInto = document.getElementById("id_logs_into");
  if (!offices || !logsInto) {
    return;
  }
  function offerPicked() {
    var picked = Array.prototype.map.call(offices.selectedOptions, function (option) {
      return option.value;
    });
    Array.prototype.forEach.call(logsInto.options, function (option) {
      if (option.value === "") {
        return;
      }
      var offered = picked.indexOf(option.value) !== -1;
      option.hidden = !offered;
      option.disabled = !offered;
      if (!offered && option.selected) {
        logsInto.value = "";
      }
    });
    if (picked.length === 1 && logsInto.value === "") {
      logsInto.value = picked[0];
    }
  }
  offices.addEventListener("change", offerPicked);
  offerPicked();
})();
