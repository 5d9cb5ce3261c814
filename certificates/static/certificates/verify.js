/* Checks a certificate PDF against the fingerprint printed in the page, on the visitor's
   own device: the file is read by the browser and hashed with Web Crypto; nothing is sent
   (the page's Content-Security-Policy forbids any request from this script anyway).
   Without this script, or without a secure context (crypto.subtle exists only on https
   pages and on localhost), the page still shows the fingerprint to compare by hand. */
(function () {
  "use strict";

  // Far larger than any certificate we issue; a bigger file cannot be ours, and reading
  // it could stall a phone.
  var MAX_BYTES = 20 * 1024 * 1024;

  var tool = document.getElementById("file-check-tool");
  if (!tool) return;
  var input = document.getElementById("certificate-file");
  var result = document.getElementById("file-check-result");
  var messages = document.getElementById("file-check-messages");
  var byHand = document.getElementById("file-check-by-hand");
  var expected = (tool.getAttribute("data-sha256") || "").trim().toLowerCase();
  var current = tool.getAttribute("data-state") === "valid";

  if (!window.isSecureContext || !window.crypto || !window.crypto.subtle) {
    document.getElementById("file-check-insecure").hidden = false;
    return;
  }
  tool.hidden = false;
  if (byHand) byHand.open = false;

  function say(names) {
    result.textContent = "";
    names.forEach(function (name) {
      var line = messages.content.querySelector('[data-message="' + name + '"]');
      if (line) result.appendChild(line.cloneNode(true));
    });
    result.setAttribute("data-result", names[0]);
  }

  function hex(buffer) {
    return Array.prototype.map.call(new Uint8Array(buffer), function (byte) {
      return byte.toString(16).padStart(2, "0");
    }).join("");
  }

  // Constant-time is not needed here: both values are public on this page.
  function check(file) {
    if (file.size > MAX_BYTES) {
      say(["mismatch"]);
      return Promise.resolve();
    }
    say(["checking"]);
    return file.arrayBuffer()
      .then(function (bytes) { return window.crypto.subtle.digest("SHA-256", bytes); })
      .then(function (digest) {
        if (hex(digest) === expected) {
          say(current ? ["match"] : ["match", "not-current"]);
        } else {
          say(["mismatch"]);
        }
      })
      .catch(function () { say(["unreadable"]); });
  }

  input.addEventListener("change", function () {
    if (input.files && input.files.length) {
      check(input.files[0]);
    } else {
      result.textContent = "";
      result.removeAttribute("data-result");
    }
  });
})();
