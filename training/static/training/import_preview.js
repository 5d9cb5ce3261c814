/* The import preview: when the trainer leaves the page without confirming, the server is told
 * at once, so the uploaded file (names, emails, phone numbers) is removed now rather than when
 * it expires (training/import_uploads.py). Confirming is not leaving. */
(function () {
  "use strict";

  var form = document.querySelector("form.confirm-form[data-discard-url]");
  if (!form || !navigator.sendBeacon) return;
  var token = form.querySelector("input[name=csrfmiddlewaretoken]");
  var confirming = false;

  form.addEventListener("submit", function () {
    confirming = true;
  });
  window.addEventListener("pagehide", function () {
    if (confirming || !token) return;
    var data = new FormData();
    data.append("csrfmiddlewaretoken", token.value);
    navigator.sendBeacon(form.getAttribute("data-discard-url"), data);
  });
})();
