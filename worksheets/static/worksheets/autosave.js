/* Saves a trainee's worksheet answers as they type, so that no answer is ever lost.
 *
 * - Changed answers are sent about 1.5 seconds after typing stops, and when leaving a box.
 * - Before every attempt, unsent answers are kept in this browser (localStorage); they are
 *   removed once the server has them. After a crash, a reload or a lost connection they
 *   are put back into the boxes and sent. Several tabs share that copy: each adds its own
 *   answers to it and removes only what the server confirmed.
 * - Offline, or a request that hangs: the answers wait and are sent again.
 * - Logged out: the answers wait; the page asks the trainee to log in again in a new tab and
 *   keeps trying every 10 seconds.
 * - Changed on another device: both texts are shown and the trainee chooses.
 * - Refused by the server (say the worksheet changed): that text is shown for copying and
 *   the other answers go on saving.
 *
 * Plain JavaScript, no build step. Without it the page still works as a normal form.
 * Every message comes translated from the page (#autosave-strings).
 */
(function () {
  "use strict";

  var DELAY = 1500;
  var RETRY = 10000;
  // A request with no reply after this long is given up and sent again: on a weak phone
  // connection a request can hang without ever failing.
  var TIMEOUT = 20000;
  // Browsers refuse a "keepalive" request over 64 KiB; a bigger one is sent without it.
  var KEEPALIVE_LIMIT = 60000;

  var article = document.getElementById("worksheet");
  var stringsNode = document.getElementById("autosave-strings");
  if (!article || !stringsNode) return;
  var T = JSON.parse(stringsNode.textContent);
  // Keyed to the person logged in, and forgotten when someone else logs in on this browser
  // (lms/static/lms/personal_storage.js).
  var storageKey = window.PersonalStorage
    ? window.PersonalStorage.key(article.getAttribute("data-storage-key"))
    : article.getAttribute("data-storage-key");
  var form = document.getElementById("worksheet-form");
  var lang = document.documentElement.lang || undefined;
  // Marks the answers this page load wrote into the shared copy, so that it removes its own
  // entries when they are no longer needed, and never another tab's.
  var pageId = randomId();

  function randomId() {
    return Math.random().toString(36).slice(2, 10) + Date.now().toString(36);
  }

  // --- the copy kept in this browser -----------------------------------------------------
  //
  // One localStorage entry per worksheet, shared by all tabs of this browser:
  //   {answers: {key: {text, at, base, page}}}
  // at: when the text was typed (the newest text of an answer wins); base: the version it was
  // typed on (for the server's conflict check); page: the page load that wrote it.

  function readLocal() {
    var data = null;
    try {
      data = JSON.parse(window.localStorage.getItem(storageKey) || "null");
    } catch (error) {
      return {};
    }
    if (data && data.answers && typeof data.answers === "object") return data.answers;
    if (data && data.changes) {
      // Written by the earlier version of this script: {base_version, changes: {key: text}}.
      var answers = {};
      for (var key in data.changes) {
        answers[key] = { text: data.changes[key], at: 0, base: data.base_version, page: "" };
      }
      return answers;
    }
    return {};
  }

  function writeLocal(answers) {
    try {
      if (!hasKeys(answers)) window.localStorage.removeItem(storageKey);
      else window.localStorage.setItem(storageKey, JSON.stringify({ answers: answers }));
    } catch (error) {
      // Storage full or blocked (private browsing): the server copy is all there is.
    }
  }

  function forgetLocal(texts) {
    // Removes these texts only: another tab may have written something newer meanwhile.
    var answers = readLocal();
    for (var key in texts) {
      if (answers[key] && answers[key].text === texts[key]) delete answers[key];
    }
    writeLocal(answers);
  }

  function hasKeys(object) {
    return Object.keys(object || {}).length > 0;
  }

  function shownVisibility() {
    if (!form) return [];
    return Array.prototype.map.call(form.querySelectorAll("input[name=shown]"), function (input) {
      return input.value;
    });
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
    // Empty for an answer that has no box on this page.
    var field = fieldNamed(key) || document.getElementsByName(key)[0];
    if (field && field.tagName !== "TEXTAREA" && field.length !== undefined) field = field[0];
    if (!field) return "";
    var words = [];
    var group = field.closest("fieldset.ws-row, fieldset.ws-item");
    if (group) words.push(group.querySelector("legend").textContent.trim());
    if (field.tagName === "TEXTAREA") {
      var label = document.querySelector('label[for="' + field.id + '"]');
      if (label) words.push(label.textContent.trim());
    }
    return words.join(": ");
  }

  // --- text that cannot be saved: shown for copying ------------------------------------------

  function showForCopying(id, intro, texts, onForget) {
    // Never thrown away without the trainee saying so: shown read-only, with a button to
    // remove it from this device once copied.
    var old = document.getElementById(id);
    if (old) old.parentNode.removeChild(old);
    if (!hasKeys(texts)) return;
    var box = document.createElement("div");
    box.id = id;
    box.className = "card warning ws-leftover";
    var paragraph = document.createElement("p");
    paragraph.textContent = intro;
    box.appendChild(paragraph);
    Object.keys(texts).forEach(function (key, index) {
      var text = document.createElement("textarea");
      text.readOnly = true;
      text.rows = 4;
      text.value = texts[key];
      // Not named like the answer box itself, which is still on the page.
      text.setAttribute("aria-label", intro);
      var name = describe(key);
      if (name) {
        var title = document.createElement("p");
        title.className = "ws-conflict-label";
        title.id = id + "-" + index;
        title.textContent = name;
        box.appendChild(title);
        text.setAttribute("aria-describedby", title.id);
      }
      box.appendChild(text);
    });
    var forget = document.createElement("button");
    forget.type = "button";
    forget.className = "button secondary";
    forget.textContent = T.forget;
    forget.addEventListener("click", function () {
      forgetLocal(texts);
      box.parentNode.removeChild(box);
      if (onForget) onForget();
    });
    box.appendChild(forget);
    var anchor = document.getElementById("read-only-reason") || article.querySelector("h1");
    anchor.parentNode.insertBefore(box, anchor.nextSibling);
  }

  function showLeftover() {
    // A page that can no longer be changed: text typed here that never reached the server
    // before the worksheet was handed in, including text for boxes that no longer exist.
    var answers = readLocal();
    var left = {};
    Object.keys(answers).forEach(function (key) {
      var fields = document.getElementsByName(key);
      var current = "";
      for (var i = 0; i < fields.length; i++) {
        if (fields[i].type !== "radio" || fields[i].checked) current = fields[i].value;
      }
      if (answers[key].text && answers[key].text !== current) left[key] = answers[key].text;
    });
    // What the server already holds needs no copy.
    writeLocal(
      Object.keys(left).reduce(function (kept, key) {
        kept[key] = answers[key];
        return kept;
      }, {})
    );
    showForCopying("ws-leftover", T.leftover, left);
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
  var typedAt = {}; // key -> when its unsent text was typed, so the newest text wins
  var inflight = null; // sent, waiting for the reply
  var held = {}; // key -> the other device's text, until the trainee chooses
  var known = {}; // key -> the text the server holds, as far as this page knows
  var refused = {}; // key -> text the server refused, kept here until the trainee copied it
  var refusedMessage = "";
  var alone = {}; // keys sent one at a time, to find out which one the server refuses
  var restoreBase = null; // the version that answers put back from this browser were typed on
  var handInAfterSave = null; // the hand-in button, when waiting for a save before handing in
  var timer = null;
  var retryTimer = null;
  var device = deviceId();
  // answer_formats.js sends recordings and pictures as this same tab.
  form.setAttribute("data-device", device);

  function deviceId() {
    // The same id for the life of this tab, reloads included, so that the server recognises
    // this tab's own earlier saves; another tab has another id. A duplicated tab starts with a
    // copy of this tab's sessionStorage, so an id is marked as in use while its page is open
    // and a page that finds it in use takes a new one.
    var id = null;
    try {
      var store = window.sessionStorage;
      id = store.getItem("worksheet-device");
      if (!id || store.getItem("worksheet-device-open")) {
        id = "web-" + randomId();
        store.setItem("worksheet-device", id);
      }
      store.setItem("worksheet-device-open", "1");
      window.addEventListener("pagehide", function () {
        store.removeItem("worksheet-device-open");
      });
      window.addEventListener("pageshow", function (event) {
        if (event.persisted) store.setItem("worksheet-device-open", "1");
      });
    } catch (error) {
      id = id || "web-" + randomId();
    }
    return id;
  }

  function setVersion(number) {
    version = number;
    form.setAttribute("data-version", String(number));
    form.elements.namedItem("base_version").value = String(number);
  }

  function currentBase() {
    return restoreBase !== null ? Math.min(restoreBase, version) : version;
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

  function unsent() {
    // Everything this page still has to keep: refused text, then what is on its way, then
    // newer typing.
    var all = {};
    var key;
    for (key in refused) all[key] = refused[key];
    if (inflight) for (key in inflight) all[key] = inflight[key];
    for (key in pending) all[key] = pending[key];
    return all;
  }

  function rememberLocal(confirmed) {
    // Merges this page's unsent answers into the copy shared with other tabs. ``confirmed``:
    // the texts the server has just saved; they are removed unless another tab has since
    // written something else for the same answer.
    var answers = readLocal();
    var mine = unsent();
    var base = currentBase();
    var key;
    for (key in confirmed || {}) {
      if (answers[key] && answers[key].text === confirmed[key]) delete answers[key];
    }
    // This page's own entries that it no longer needs (saved, or the typing undone).
    for (key in answers) {
      if (answers[key].page === pageId && !(key in mine)) delete answers[key];
    }
    for (key in mine) {
      var entry = { text: mine[key], at: typedAt[key] || Date.now(), base: base, page: pageId };
      if (!answers[key] || answers[key].page === pageId || answers[key].at <= entry.at) {
        answers[key] = entry;
      }
    }
    writeLocal(answers);
  }

  function typed(key, text) {
    pending[key] = text;
    typedAt[key] = Date.now();
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

  function nextBatch() {
    // Answers waiting for the trainee's choice stay back. While the server is refusing one
    // answer of a batch, those answers go one at a time so that the others still save.
    var keys = Object.keys(pending).filter(function (key) {
      return !(key in held);
    });
    var suspects = keys.filter(function (key) {
      return key in alone;
    });
    if (suspects.length) keys = suspects.slice(0, 1);
    if (!keys.length) return null;
    var changes = {};
    keys.forEach(function (key) {
      changes[key] = pending[key];
    });
    return changes;
  }

  function send() {
    clearTimeout(timer);
    timer = null;
    if (inflight) return; // the reply sends whatever was typed meanwhile
    var changes = nextBatch();
    if (!changes) {
      finishHandIn();
      return;
    }
    for (var key in changes) delete pending[key];
    inflight = changes;
    var body = JSON.stringify({
      changes: changes,
      base_version: currentBase(),
      device: device,
      // Who this page said would read each part: an answer is kept at least that private,
      // even if an editor shared the part while the trainee was writing (worksheets/access.py).
      shown: shownVisibility(),
    });
    rememberLocal();
    setStatus(T.saving);
    post(body).then(handleReply, offline);
  }

  function post(body) {
    // Resolves with {status, data}; rejects when the network fails or the reply takes too long.
    var controller = window.AbortController ? new AbortController() : null;
    var timeout = controller
      ? setTimeout(function () {
          controller.abort();
        }, TIMEOUT)
      : null;
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
        body: body,
        // Lets the last answers reach the server when the trainee leaves the page at once.
        keepalive: new Blob([body]).size < KEEPALIVE_LIMIT,
        signal: controller ? controller.signal : undefined,
      });
    } catch (error) {
      request = Promise.reject(error);
    }
    return request
      .then(function (reply) {
        return reply.text().then(function (text) {
          var data = null;
          try {
            data = JSON.parse(text);
          } catch (error) {
            data = null;
          }
          return { status: reply.status, data: data };
        });
      })
      .then(
        function (result) {
          clearTimeout(timeout);
          return result;
        },
        function (error) {
          clearTimeout(timeout);
          throw error;
        }
      );
  }

  function handleReply(reply) {
    var status = reply.status;
    var data = reply.data;
    if (status === 200 && data) return saved(data);
    if (status === 409 && data) return conflicted(data);
    if (status === 401) return loggedOut(data);
    if (status >= 500 || status === 0 || status === 408 || status === 429) return offline();
    return refusedReply(data && data.error ? data.error : T.reload);
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
    var confirmed = inflight || {};
    inflight = null;
    for (var key in confirmed) {
      known[key] = confirmed[key];
      delete alone[key];
    }
    var merged = applyMerged(data.merged);
    rememberLocal(confirmed);
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
    var confirmed = {};
    for (var sent in mine) {
      delete alone[sent];
      if (sent in data.conflicts) continue;
      known[sent] = mine[sent];
      confirmed[sent] = mine[sent];
    }
    for (var key in data.conflicts) {
      held[key] = data.conflicts[key].theirs;
      known[key] = data.conflicts[key].theirs;
      if (!(key in pending)) pending[key] = key in mine ? mine[key] : getValue(key);
    }
    var merged = applyMerged(data.merged);
    rememberLocal(confirmed);
    handInAfterSave = null;
    setStatus(merged ? T.conflict_title + ". " + T.merged : T.conflict_title + ".", {
      kind: "warn",
    });
    showConflicts();
    if (hasKeys(pending)) schedule(0);
  }

  function loggedOut(data) {
    // The text stays in the boxes and on this device; it is sent once logged in again.
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

  function refusedReply(message) {
    // The server refused this save. Sending it again as it is would be refused again and
    // hold back every answer typed later, so the refused text is taken out of the queue and
    // shown for copying.
    var sent = inflight || {};
    inflight = null;
    handInAfterSave = null;
    var keys = Object.keys(sent);
    if (keys.length > 1) {
      // The reply does not say which answer it refused: send them one at a time to find out.
      keys.forEach(function (key) {
        alone[key] = true;
        if (!(key in pending)) pending[key] = sent[key];
      });
      rememberLocal();
      schedule(0);
      return;
    }
    keys.forEach(function (key) {
      delete alone[key];
      refused[key] = sent[key];
    });
    refusedMessage = message;
    rememberLocal();
    showRefused();
    setStatus(message, { kind: "error" });
    if (hasKeys(pending)) schedule(0);
  }

  function showRefused() {
    showForCopying("ws-refused", refusedMessage || T.leftover, refused, function () {
      refused = {};
      refusedMessage = "";
    });
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
    typed(key, text);
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
      title.textContent = describe(key) || key;
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
    // New typing replaces text refused earlier: it gets its own try. The copy shown stays on
    // screen until the trainee removes it.
    delete refused[key];
    // Only real changes are sent: a box left as the server has it (a "change" event on
    // leaving it, or typing undone) must not overwrite what another device saved.
    var expected = inflight && key in inflight ? inflight[key] : known[key] || "";
    if (value === expected && !(key in held)) delete pending[key];
    else typed(key, value);
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
      // Everything of this page is saved. Text still kept on this device (refused, or from
      // another tab) stays there: the handed-in page shows it for copying.
      prepareFormPost();
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
  // Logging out: send what is waiting first.
  if (window.PersonalStorage) window.PersonalStorage.whenLeaving(send);
  // Back from logging in again in another tab: try at once rather than at the next retry.
  document.addEventListener("visibilitychange", function () {
    if (document.visibilityState === "visible" && hasKeys(pending)) send();
  });
  window.addEventListener("focus", function () {
    if (hasKeys(pending)) send();
  });
  window.addEventListener("beforeunload", function (event) {
    // Leaving a box already sent its answer (focusout), and a keepalive request still
    // arrives after the page is gone; but until the reply there is no telling whether it was
    // saved, so the browser asks the trainee to stay. What is unsent stays on this device.
    if (!inflight && !hasKeys(pending)) return;
    event.preventDefault();
    event.returnValue = ""; // older browsers only ask when this is set
  });

  // --- on load: put back what this browser still holds ----------------------------------------

  // What the server sent is the boxes' default value, not their current one: on a slow phone
  // a trainee can type before this script runs, and that typing must still be saved.
  function serverValue(key) {
    var field = fieldNamed(key);
    if (!field) return null;
    if (field.tagName === "TEXTAREA") return field.defaultValue || "";
    var options = field.length === undefined ? [field] : Array.prototype.slice.call(field);
    for (var i = 0; i < options.length; i++) {
      if (options[i].type === "radio" && options[i].defaultChecked) return options[i].value;
    }
    return "";
  }

  Array.prototype.forEach.call(form.elements, function (element) {
    if (isAnswer(element) && !(element.name in known)) known[element.name] = serverValue(element.name);
  });

  var stored = readLocal();
  var restored = false;
  Object.keys(stored).forEach(function (key) {
    var entry = stored[key];
    var current = getValue(key);
    if (current === null) {
      // No box for this answer any more (the worksheet changed): shown for copying.
      if (entry.text) refused[key] = entry.text;
      typedAt[key] = entry.at;
      return;
    }
    if (current === entry.text) return; // the server has it
    setValue(key, entry.text);
    pending[key] = entry.text;
    typedAt[key] = entry.at;
    if (typeof entry.base === "number") {
      restoreBase = restoreBase === null ? entry.base : Math.min(restoreBase, entry.base);
    }
    restored = true;
  });
  // Typed before this script ran: not yet on the server, so it waits like any other typing.
  var typedEarly = false;
  Object.keys(known).forEach(function (key) {
    var current = getValue(key);
    if (key in pending || current === null || current === known[key]) return;
    typed(key, current);
    typedEarly = true;
  });
  // Takes over the entries put back here; drops those the server already has.
  var alreadySaved = {};
  Object.keys(stored).forEach(function (key) {
    if (getValue(key) !== null && !(key in pending)) alreadySaved[key] = stored[key].text;
  });
  rememberLocal(alreadySaved);
  if (hasKeys(refused)) {
    refusedMessage = T.leftover;
    showRefused();
  }
  if (restored) {
    setStatus(T.restored, { kind: "warn" });
    send();
  } else if (typedEarly) {
    rememberLocal();
    schedule();
  }
})();
