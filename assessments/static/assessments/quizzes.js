/* Keeps a trainee's quiz answers safe while they work.
 *
 * - Every change is kept in this browser (localStorage) at once, then sent to the server
 *   about a second later. The copy is put back into the form when the page opens again
 *   (a reload, a crash, coming back after logging in again), and removed once the
 *   attempt is handed in.
 * - No connection: the answers wait and are sent again every 10 seconds.
 * - Logged out (the server answers 401): the page says so, offers a link to log in again in a
 *   new tab, keeps trying, and holds back "Hand in" until the login is back.
 *
 * Plain JavaScript, no build step. Without it the form still works: "Save and finish later"
 * and "Hand in" post the whole form. Every message comes translated from the page.
 */
(function () {
  "use strict";

  var DELAY = 1000;
  var RETRY = 10000;

  // Keyed to the person logged in, and forgotten when someone else logs in on this browser
  // (lms/static/lms/personal_storage.js).
  function personalKey(name) {
    return window.PersonalStorage ? window.PersonalStorage.key(name) : name;
  }

  var result = document.getElementById("quiz-result");
  if (result) {
    // Handed in: the copy kept on this device is no longer needed.
    try {
      window.localStorage.removeItem(personalKey(result.getAttribute("data-storage-key")));
    } catch (error) {
      /* storage blocked: nothing to remove */
    }
    return;
  }

  var article = document.getElementById("quiz-attempt");
  var form = document.getElementById("quiz-form");
  var stringsNode = document.getElementById("quiz-strings");
  if (!article || !form || !stringsNode || form.getAttribute("data-read-only") === "true") return;
  var T = JSON.parse(stringsNode.textContent);
  var storageKey = personalKey(article.getAttribute("data-storage-key"));
  var saveUrl = form.getAttribute("data-save-url");
  var loginUrl = form.getAttribute("data-login-url");
  var statusNode = document.getElementById("save-status");
  var lang = document.documentElement.lang || undefined;
  var timer = null;
  var retryTimer = null;
  var sending = false;
  var again = false;
  var loggedOut = false;
  var dirty = false;

  function answerFields() {
    return Array.prototype.filter.call(form.elements, function (el) {
      return el.name && el.name.indexOf("q-") === 0 && !/-present$/.test(el.name);
    });
  }

  function snapshot() {
    // {name: [values]} of every answer field, as the form would post them.
    var data = {};
    answerFields().forEach(function (el) {
      if (!(el.name in data)) data[el.name] = [];
      if ((el.type === "radio" || el.type === "checkbox") && !el.checked) return;
      data[el.name].push(el.value);
    });
    return data;
  }

  function restore(data) {
    answerFields().forEach(function (el) {
      if (!(el.name in data)) return;
      var values = data[el.name];
      if (el.type === "radio" || el.type === "checkbox") el.checked = values.indexOf(el.value) >= 0;
      else el.value = values[0] || "";
    });
  }

  function keepLocal() {
    try {
      window.localStorage.setItem(storageKey, JSON.stringify({ answers: snapshot(), at: Date.now() }));
    } catch (error) {
      /* storage full or blocked: the server copy is all there is */
    }
  }

  function forgetLocal() {
    try {
      window.localStorage.removeItem(storageKey);
    } catch (error) {
      /* storage blocked: nothing to remove */
    }
  }

  function readLocal() {
    try {
      var data = JSON.parse(window.localStorage.getItem(storageKey) || "null");
      return data && data.answers ? data.answers : null;
    } catch (error) {
      return null;
    }
  }

  function setStatus(text, problem, link) {
    statusNode.textContent = "";
    statusNode.className = "quiz-save-status" + (problem ? " quiz-save-problem" : "");
    statusNode.appendChild(document.createTextNode(text));
    if (link) {
      statusNode.appendChild(document.createTextNode(" "));
      var a = document.createElement("a");
      a.href = link;
      a.target = "_blank";
      a.rel = "noopener";
      a.textContent = T.log_in;
      statusNode.appendChild(a);
    }
  }

  function csrfToken() {
    // Read afresh each time: logging in again in another tab gives a new token.
    var match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
    if (match) return decodeURIComponent(match[1]);
    var input = form.elements.namedItem("csrfmiddlewaretoken");
    return input ? input.value : "";
  }

  function body() {
    var params = new URLSearchParams();
    var data = snapshot();
    Object.keys(data).forEach(function (name) {
      if (!data[name].length) params.append(name, "");
      data[name].forEach(function (value) {
        params.append(name, value);
      });
    });
    // Tells the server which tick boxes were on the page, so unticking all is saved too.
    answerFields().forEach(function (el) {
      if (el.type === "checkbox" && !params.has(el.name + "-present")) params.append(el.name + "-present", "1");
    });
    return params;
  }

  function schedule(delay) {
    clearTimeout(timer);
    timer = setTimeout(send, delay === undefined ? DELAY : delay);
  }

  function retryLater() {
    clearTimeout(retryTimer);
    retryTimer = setTimeout(send, RETRY);
  }

  function send() {
    if (sending) {
      again = true;
      return;
    }
    sending = true;
    again = false;
    var sent = JSON.stringify(snapshot());
    setStatus(T.saving);
    fetch(saveUrl, {
      method: "POST",
      credentials: "same-origin",
      redirect: "manual",
      headers: { "X-CSRFToken": csrfToken(), Accept: "application/json" },
      body: body(),
    })
      .then(function (response) {
        if (response.status === 401 || response.status === 0 || response.type === "opaqueredirect") {
          loggedOut = true;
          setStatus(T.logged_out, true, loginUrl);
          retryLater();
          return null;
        }
        return response.json().then(function (reply) {
          if (!response.ok) {
            if (response.status === 403 && !reply.error) {
              // The CSRF check failed: usually a login in another tab; try again shortly.
              setStatus(T.logged_out, true, loginUrl);
              retryLater();
              return;
            }
            setStatus(T.refused + " " + (reply.error || ""), true);
            return;
          }
          loggedOut = false;
          dirty = false;
          // The server has these answers: the copy here is only needed for newer changes.
          if (JSON.stringify(readLocal()) === sent) forgetLocal();
          var time = new Date(reply.saved_at || Date.now()).toLocaleTimeString(lang, {
            hour: "2-digit",
            minute: "2-digit",
          });
          setStatus(T.saved.replace("%(time)s", time));
        });
      })
      .catch(function () {
        setStatus(T.offline, true);
        retryLater();
      })
      .then(function () {
        sending = false;
        if (again) schedule(0);
      });
  }

  function changed() {
    dirty = true;
    keepLocal();
    schedule();
  }

  // Put back what this device kept, if the page opened without it (a reload after being
  // logged out, say). The server then gets it with the next save.
  var kept = readLocal();
  if (kept && JSON.stringify(kept) !== JSON.stringify(snapshot())) {
    restore(kept);
    setStatus(T.restored);
    schedule(0);
  } else if (kept) {
    forgetLocal();
  }

  form.addEventListener("change", changed);
  form.addEventListener("input", function (event) {
    if (event.target.tagName === "TEXTAREA") changed();
  });
  form.addEventListener("submit", function (event) {
    keepLocal();
    if (loggedOut) {
      // Posting now would only lead to the login page; the answers are safe here.
      event.preventDefault();
      setStatus(T.wait, true, loginUrl);
      send();
    }
  });
  window.addEventListener("online", function () {
    if (dirty) schedule(0);
  });
  // Logging out: send what is waiting first.
  if (window.PersonalStorage) window.PersonalStorage.whenLeaving(send);
})();
