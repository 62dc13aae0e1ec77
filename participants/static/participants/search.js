// A search's results answer its POST. The address bar is given the remembered search's address
// (?s=<token>), so that Back and Reload ask for it again by GET instead of sending the query,
// which may be an SSN, once more. Without JavaScript the browser asks before it sends it again.
(function () {
  var results = document.querySelector("[data-results-address]");
  if (results && window.history && window.history.replaceState) {
    window.history.replaceState(null, "", results.getAttribute("data-results-address"));
  }
})();
