// Follows a bulk issue: asks the server for the run's counts every second and a half
// until it is finished, then stops. Without JavaScript the page refreshes itself instead.
(function () {
  "use strict";
  var box = document.getElementById("run");
  if (!box || box.dataset.finished === "true") return;
  var url = box.dataset.statusUrl;

  function show(status) {
    document.getElementById("run-label").textContent = status.label;
    document.getElementById("run-progress").value = status.percent;
    document.getElementById("run-counts").textContent = status.counts;
    var list = document.getElementById("run-problems");
    list.textContent = "";
    status.problems.forEach(function (problem) {
      var item = document.createElement("li");
      item.textContent = problem.name + ": " + problem.message;
      list.appendChild(item);
    });
    box.dataset.finished = String(status.finished);
  }

  function poll() {
    fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (status) {
        if (status) show(status);
        if (!status || !status.finished) window.setTimeout(poll, 1500);
      })
      .catch(function () { window.setTimeout(poll, 3000); });
  }
  window.setTimeout(poll, 1000);
})();
