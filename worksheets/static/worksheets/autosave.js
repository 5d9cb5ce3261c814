/* Saves a trainee's worksheet answers as they type, so that no answer is ever lost.
 *
 * - Changed answers are sent about 1.5 seconds after typing stops, and when leaving a box.
 * - Before every attempt, unsent answers are kept in this browser (localStorage); they are
 *   removed once the server has them. After a crash, a reload or a lost connection they
 *   are put back into the boxes and sent.
 * - Offline: the answers wait and are sent when the connection is back.
 * - Logged out: the answers wait; the page asks the trainee to log in again in a new tab and
 *   keeps trying every 10 seconds.
 * - Changed on another device: both texts are shown and the trainee chooses.
 *
 * Plain JavaScript, no build step. Without it the page still works as a normal form.
 * Every message comes translated from the page (#autosave-strings).
 */
(function () {
  "use strict";

  var DELAY = 1500;
  var RETRY = 10000;

  var article = document.getElementById("worksheet");
  var stringsNode = document.getElementById("autosave-strings");
  if (!article || !stringsNode) return;
  var T = JSON.parse(stringsNode.textContent);
  var storageKey = article.getAttribute("data-storage-key");
  var form = document.getElementById("worksheet-form");
  var lang = document.documentElement.lang || undefined;

  // --- the copy kept in this browser -----------------------------------------------------

  function readLocal() {
    try {
      var raw = window.localStorage.getItem(storageKey);
      var data = raw ? JSON.parse(raw) : null;
      return data && data.changes ? data : null;
    } catch (error) {
      return null;
    }
  }

  function writeLocal(data) {
    try {
      if (!data || !Object.keys(data.changes).length) {
        window.localStorage.removeItem(storageKey);
      } else {
        window.localStorage.setItem(storageKey, JSON.stringify(data));
      }
    } catch (error) {
      // Storage full or blocked (private browsing): the server copy is all there is.
    }
  }

  // --- reading and writing the answer boxes ------------------------------------------------

  function fieldNamed(key) {
    return form ? form.elements.namedItem(key) : null;
  }

  function getValue(key) {
    var field = fieldNamed(key);
    if (!field) return null;
    if (field.type === "radio") return field.checked ? field.value : "";
    return field.value || "";
  }

  function setValue(key, text) {
    var field = fieldNamed(key);
    if (!field) return;
    if (field.tagName === "TEXTAREA") {
      field.value = text;
      return;
    }
    var radios = field.length !== undefined ? field : [field];
    for (var i = 0; i < radios.length; i++) radios[i].checked = radios[i].value === text;
  }

  function isAnswer(element) {
    return (
      element &&
      element.form === form &&
      element.name &&
      (element.tagName === "TEXTAREA" || element.type === "radio")
    );
  }

  function describe(key) {
    // The words a trainee knows the box by: its row or situation, then its own label.
    var field = fieldNamed(key);
    if (field && field.tagName !== "TEXTAREA" && field.length !== undefined) field = field[0];
    if (!field) return key;
    var words = [];
    var group = field.closest("fieldset.ws-row, fieldset.ws-item");
    if (group) words.push(group.querySelector("legend").textContent.trim());
    if (field.tagName === "TEXTAREA") {
      var label = document.querySelector('label[for="' + field.id + '"]');
      if (label) words.push(label.textContent.trim());
    }
    return words.join(": ");
  }

  // --- a page that can no longer be changed ----------------------------------------------------

  function showLeftover() {
    // Text typed here that never reached the server before the worksheet was handed in:
    // shown for copying, never thrown away without the trainee saying so.
    var local = readLocal();
    if (!local) return;
    var left = [];
    Object.keys(local.changes).forEach(function (key) {
      var fields = document.getElementsByName(key);
      if (!fields.length) return;
      var current = "";
      for (var i = 0; i < fields.length; i++) {
        if (fields[i].type !== "radio" || fields[i].checked) current = fields[i].value;
      }
      if (local.changes[key] && local.changes[key] !== current) {
        left.push([key, local.changes[key]]);
      }
    });
    if (!left.length) {
      writeLocal(null);
      return;
    }
    var box = document.createElement("div");
    box.className = "card warning ws-leftover";
    var intro = document.createElement("p");
    intro.textContent = T.leftover;
    box.appendChild(intro);
    left.forEach(function (pair) {
      var text = document.createElement("textarea");
      text.readOnly = true;
      text.rows = 4;
      text.value = pair[1];
      text.setAttribute("aria-label", T.leftover);
      box.appendChild(text);
    });
    var forget = document.createElement("button");
    forget.type = "button";
    forget.className = "button secondary";
    forget.textContent = T.forget;
    forget.addEventListener("click", function () {
      writeLocal(null);
      box.parentNode.removeChild(box);
    });
    box.appendChild(forget);
    var anchor = document.getElementById("read-only-reason") || article.querySelector("h1");
    anchor.parentNode.insertBefore(box, anchor.nextSibling);
  }

  if (!form || article.getAttribute("data-editable") !== "true") {
    showLeftover();
    return;
  }

  // --- state ---------------------------------------------------------------------------------

  var saveUrl = form.getAttribute("data-save-url");
  var loginUrl = form.getAttribute("data-login-url");
  var version = parseInt(form.getAttribute("data-version"), 10) || 0;
  var statusNode = document.getElementById("save-status");
  var conflictsNode = document.getElementById("conflicts");
  var pending = {}; // typed here, not sent yet
  var inflight = null; // sent, waiting for the reply
  var held = {}; // key -> the other device's text, until the trainee chooses
  var known = {}; // key -> the text the server holds, as far as this page knows
  var restoreBase = null; // the version that answers put back from this browser were typed on
  var handInAfterSave = null; // the hand-in button, when waiting for a save before handing in
  var timer = null;
  var retryTimer = null;
  var device = deviceId();

  function deviceId() {
    var id = null;
    try {
      id = window.sessionStorage.getItem("worksheet-device");
      if (!id) {
        id = "web-" + Math.random().toString(36).slice(2, 10);
        window.sessionStorage.setItem("worksheet-device", id);
      }
    } catch (error) {
      id = "web-" + Math.random().toString(36).slice(2, 10);
    }
    return id;
  }

  function setVersion(number) {
    version = number;
    form.setAttribute("data-version", String(number));
    form.elements.namedItem("base_version").value = String(number);
  }

  function csrfToken() {
    // Read afresh each time: logging in again in another tab gives a new token.
    var match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
    if (match) return decodeURIComponent(match[1]);
    var input = form.elements.namedItem("csrfmiddlewaretoken");
    return input ? input.value : "";
  }

  function setStatus(text, options) {
    options = options || {};
    statusNode.textContent = "";
    statusNode.className = "ws-save-status" + (options.kind ? " ws-save-" + options.kind : "");
    var line = document.createElement("span");
    line.textContent = text;
    statusNode.appendChild(line);
    if (options.link) {
      statusNode.appendChild(document.createTextNode(" "));
      var link = document.createElement("a");
      link.href = options.link;
      link.target = "_blank";
      link.rel = "noopener";
      link.textContent = T.log_in;
      statusNode.appendChild(link);
    }
  }

  function hasKeys(object) {
    return Object.keys(object).length > 0;
  }

  function unsent() {
    var all = {};
    var key;
    if (inflight) for (key in inflight) all[key] = inflight[key];
    for (key in pending) all[key] = pending[key];
    return all;
  }

  function rememberLocal() {
    var changes = unsent();
    if (!hasKeys(changes)) {
      writeLocal(null);
      return;
    }
    var base = restoreBase !== null ? Math.min(restoreBase, version) : version;
    var previous = readLocal();
    if (previous && typeof previous.base_version === "number") {
      base = Math.min(base, previous.base_version);
    }
    writeLocal({ base_version: base, changes: changes });
  }

  function putBack() {
    // The reply did not come: what was sent goes back to waiting, newer typing first.
    if (inflight) {
      for (var key in inflight) if (!(key in pending)) pending[key] = inflight[key];
    }
    inflight = null;
    rememberLocal();
  }

  function schedule(delay) {
    clearTimeout(timer);
    timer = setTimeout(send, delay === undefined ? DELAY : delay);
  }

  function retryLater() {
    clearTimeout(retryTimer);
    retryTimer = setTimeout(send, RETRY);
  }

  function timeOf(iso) {
    var date = iso ? new Date(iso) : new Date();
    if (isNaN(date.getTime())) date = new Date();
    return date.toLocaleTimeString(lang, { hour: "2-digit", minute: "2-digit" });
  }

  // --- sending -------------------------------------------------------------------------------

  function send() {
    clearTimeout(timer);
    timer = null;
    if (inflight) return; // the reply sends whatever was typed meanwhile
    var changes = {};
    var any = false;
    for (var key in pending) {
      if (key in held) continue; // waits for the trainee's choice
      changes[key] = pending[key];
      any = true;
    }
    if (!any) {
      finishHandIn();
      return;
    }
    for (key in changes) delete pending[key];
    inflight = changes;
    var base = restoreBase !== null ? Math.min(restoreBase, version) : version;
    rememberLocal();
    setStatus(T.saving);
    var request;
    try {
      request = fetch(saveUrl, {
        method: "POST",
        credentials: "same-origin",
        headers: {
          "Content-Type": "application/json",
          Accept: "application/json",
          "X-CSRFToken": csrfToken(),
        },
        body: JSON.stringify({ changes: changes, base_version: base, device: device }),
      });
    } catch (error) {
      request = Promise.reject(error);
    }
    request.then(handleReply, offline);
  }

  function handleReply(reply) {
    return reply.text().then(function (body) {
      var data = null;
      try {
        data = JSON.parse(body);
      } catch (error) {
        data = null;
      }
      if (reply.status === 200 && data) return saved(data);
      if (reply.status === 409 && data) return conflicted(data);
      if (reply.status === 401) return loggedOut(data);
      if (reply.status >= 500 || reply.status === 0) return offline();
      return failed(data && data.error ? data.error : T.reload);
    }, offline);
  }

  function applyMerged(merged) {
    var count = 0;
    for (var key in merged || {}) {
      known[key] = merged[key];
      // Never overwrite what is being typed here: that goes to the server next.
      if (key in pending || key in held) continue;
      setValue(key, merged[key]);
      count++;
    }
    return count;
  }

  function saved(data) {
    clearTimeout(retryTimer);
    setVersion(data.version);
    restoreBase = null;
    for (var key in inflight || {}) known[key] = inflight[key];
    inflight = null;
    var merged = applyMerged(data.merged);
    rememberLocal();
    var text = T.saved.replace("%(time)s", timeOf(data.saved_at));
    setStatus(merged ? text + " " + T.merged : text, { kind: "ok" });
    if (hasKeys(pending)) schedule(0);
    else finishHandIn();
  }

  function conflicted(data) {
    clearTimeout(retryTimer);
    setVersion(data.version);
    restoreBase = null;
    var mine = inflight || {};
    inflight = null;
    // The other answers of this save went through; only the disputed ones wait.
    for (var sent in mine) if (!(sent in data.conflicts)) known[sent] = mine[sent];
    for (var key in data.conflicts) {
      held[key] = data.conflicts[key].theirs;
      known[key] = data.conflicts[key].theirs;
      if (!(key in pending)) pending[key] = key in mine ? mine[key] : getValue(key);
    }
    var merged = applyMerged(data.merged);
    rememberLocal();
    handInAfterSave = null;
    setStatus(merged ? T.conflict_title + ". " + T.merged : T.conflict_title + ".", {
      kind: "warn",
    });
    showConflicts();
    if (hasKeys(pending)) schedule(0);
  }

  function loggedOut(data) {
    putBack();
    handInAfterSave = null;
    setStatus(T.logged_out, { kind: "warn", link: (data && data.login_url) || loginUrl });
    retryLater();
  }

  function offline() {
    putBack();
    if (handInAfterSave) {
      handInAfterSave = null;
      setStatus(T.offline + " " + T.wait_hand_in, { kind: "warn" });
    } else {
      setStatus(T.offline, { kind: "warn" });
    }
    retryLater();
  }

  function failed(message) {
    putBack();
    handInAfterSave = null;
    setStatus(message, { kind: "error" });
  }

  // --- answers changed on two devices --------------------------------------------------------

  function joined(mine, theirs) {
    if (!mine) return theirs;
    if (!theirs || mine === theirs) return mine;
    return mine + "\n\n" + theirs;
  }

  function resolve(key, how) {
    var mine = getValue(key) || "";
    var theirs = held[key] || "";
    var text = how === "mine" ? mine : how === "theirs" ? theirs : joined(mine, theirs);
    setValue(key, text);
    delete held[key];
    pending[key] = text;
    showConflicts();
    var field = fieldNamed(key);
    if (field && field.length !== undefined && field.tagName !== "TEXTAREA") field = field[0];
    if (field && !hasKeys(held)) field.focus();
    send();
  }

  function button(label, onClick) {
    var element = document.createElement("button");
    element.type = "button";
    element.className = "button secondary";
    element.textContent = label;
    element.addEventListener("click", onClick);
    return element;
  }

  function showConflicts() {
    conflictsNode.textContent = "";
    var keys = Object.keys(held);
    if (!keys.length) {
      conflictsNode.hidden = true;
      return;
    }
    var heading = document.createElement("h2");
    heading.textContent = T.conflict_title;
    conflictsNode.appendChild(heading);
    var help = document.createElement("p");
    help.textContent = T.conflict_help;
    conflictsNode.appendChild(help);
    keys.forEach(function (key) {
      var section = document.createElement("section");
      section.className = "ws-conflict";
      var title = document.createElement("h3");
      title.textContent = describe(key);
      section.appendChild(title);
      [
        [T.mine, getValue(key) || ""],
        [T.theirs, held[key] || ""],
      ].forEach(function (pair) {
        var label = document.createElement("p");
        label.className = "ws-conflict-label";
        label.textContent = pair[0];
        var text = document.createElement("p");
        text.className = "ws-conflict-text";
        text.textContent = pair[1] || "–";
        section.appendChild(label);
        section.appendChild(text);
      });
      var actions = document.createElement("p");
      actions.className = "ws-conflict-actions";
      actions.appendChild(button(T.keep_mine, function () { resolve(key, "mine"); }));
      actions.appendChild(button(T.keep_theirs, function () { resolve(key, "theirs"); }));
      // A choice cannot be two choices at once; only written answers can be joined.
      var field = fieldNamed(key);
      if (field && field.tagName === "TEXTAREA") {
        actions.appendChild(button(T.keep_both, function () { resolve(key, "both"); }));
      }
      section.appendChild(actions);
      conflictsNode.appendChild(section);
    });
    conflictsNode.hidden = false;
    conflictsNode.focus();
  }

  // --- handing in ----------------------------------------------------------------------------

  function finishHandIn() {
    var submitter = handInAfterSave;
    if (!submitter || inflight || hasKeys(pending) || hasKeys(held)) return;
    handInAfterSave = null;
    prepareFormPost();
    if (form.requestSubmit) form.requestSubmit(submitter);
    else submitter.click();
  }

  function prepareFormPost() {
    var input = form.elements.namedItem("csrfmiddlewaretoken");
    if (input) input.value = csrfToken();
    form.elements.namedItem("base_version").value = String(version);
  }

  // --- events --------------------------------------------------------------------------------

  function changed(event) {
    var element = event.target;
    if (!isAnswer(element)) return;
    var key = element.name;
    var value = getValue(key);
    // Only real changes are sent: a box left as the server has it (a "change" event on
    // leaving it, or typing undone) must not overwrite what another device saved.
    var expected = inflight && key in inflight ? inflight[key] : known[key] || "";
    if (value === expected && !(key in held)) delete pending[key];
    else pending[key] = value;
    rememberLocal();
    schedule();
  }

  form.addEventListener("input", changed);
  form.addEventListener("change", changed);
  form.addEventListener("focusout", function (event) {
    if (isAnswer(event.target) && event.target.name in pending) send();
  });

  form.addEventListener("submit", function (event) {
    var submitter = event.submitter;
    if (submitter && submitter.name === "hand_in") {
      if (hasKeys(held)) {
        event.preventDefault();
        conflictsNode.focus();
        return;
      }
      if (inflight || hasKeys(pending)) {
        // Save first, then hand in: the button is pressed again once everything is saved.
        event.preventDefault();
        handInAfterSave = submitter;
        send();
        return;
      }
      prepareFormPost();
      writeLocal(null);
      return;
    }
    // "Save my answers": with JavaScript on, save in place instead of reloading.
    event.preventDefault();
    if (hasKeys(pending)) send();
    else if (!inflight) setStatus(T.saved.replace("%(time)s", timeOf()), { kind: "ok" });
  });

  window.addEventListener("online", function () {
    send();
  });
  // Back from logging in again in another tab: try at once rather than at the next retry.
  document.addEventListener("visibilitychange", function () {
    if (document.visibilityState === "visible" && hasKeys(pending)) send();
  });
  window.addEventListener("focus", function () {
    if (hasKeys(pending)) send();
  });

  // --- on load: put back what this browser still holds ----------------------------------------

  Array.prototype.forEach.call(form.elements, function (element) {
    if (isAnswer(element) && !(element.name in known)) known[element.name] = getValue(element.name);
  });

  var local = readLocal();
  if (local) {
    var restored = false;
    Object.keys(local.changes).forEach(function (key) {
      var current = getValue(key);
      if (current === null || current === local.changes[key]) return;
      setValue(key, local.changes[key]);
      pending[key] = local.changes[key];
      restored = true;
    });
    if (restored) {
      if (typeof local.base_version === "number") restoreBase = local.base_version;
      setStatus(T.restored, { kind: "warn" });
      send();
    } else {
      writeLocal(null);
    }
  }
})();
