/* The register in the room: one tap saves a mark, and no mark is ever lost.
 *
 * - A tap shows at once (the button is pressed, the row says what it holds) and is kept in
 *   this browser (localStorage, one entry per session) before it is sent. It leaves that
 *   copy only when the server has it, so a reload, a flat battery or lost Wi-Fi never lose
 *   a mark: the page puts waiting marks back and sends them.
 * - Marks are sent one at a time. Offline, or a request that hangs: they wait and are sent
 *   again when the browser is back online, and every 10 seconds.
 * - Someone else changed the same trainee's mark since this page saw it (409): the row
 *   shows what is saved and why, and nothing is overwritten; tapping again replaces it.
 * - Refused (bad minutes, say): the row shows the message and that mark is dropped, so it
 *   cannot hold back the others.
 * - Logged out: marks wait; the page asks the trainer to log in again in a new tab.
 *
 * Plain JavaScript, no build step. Without it every row is a normal form. Every message
 * comes translated from the page (#register-strings).
 *
 * The same file keeps the check-in screen's count up to date (at the end).
 */
(function () {
  "use strict";

  var RETRY = 10000;
  var TIMEOUT = 20000;

  var root = document.getElementById("register");
  var stringsNode = document.getElementById("register-strings");
  if (!root || !stringsNode) return;
  var T = JSON.parse(stringsNode.textContent);
  // Keyed to the person logged in, and forgotten when someone else logs in on this browser
  // (lms/static/lms/personal_storage.js).
  var storageKey = window.PersonalStorage
    ? window.PersonalStorage.key(root.getAttribute("data-storage-key"))
    : root.getAttribute("data-storage-key");
  var markUrl = root.getAttribute("data-mark-url");
  var markAllUrl = root.getAttribute("data-mark-all-url");
  var loginUrl = root.getAttribute("data-login-url");
  var statusNode = document.getElementById("register-status");
  var lang = document.documentElement.lang || undefined;

  var rows = {}; // enrolment id -> {node, version, status, minutes, note, summary}
  var labels = {}; // status -> its words, read from the buttons
  var inflight = null; // {id, entry} sent, waiting for the reply
  var trouble = ""; // "", "offline" or "logged_out": why marks are waiting
  var retryTimer = null;
  var memory = {}; // the queue, when this browser refuses localStorage

  // --- the queue kept in this browser --------------------------------------------------------
  //
  // {enrolment id: {status, minutes, note, base, at}}: base is the mark's version this page
  // saw when the trainer tapped (0: no mark), for the server's conflict check. Shared by every
  // tab of this browser; each entry is removed only when the server confirmed that very tap.

  function readQueue() {
    try {
      var data = JSON.parse(window.localStorage.getItem(storageKey) || "null");
      return data && data.marks && typeof data.marks === "object" ? data.marks : {};
    } catch (error) {
      return memory;
    }
  }

  function writeQueue(marks) {
    memory = marks;
    try {
      if (!Object.keys(marks).length) window.localStorage.removeItem(storageKey);
      else window.localStorage.setItem(storageKey, JSON.stringify({ marks: marks }));
    } catch (error) {
      // Storage full or blocked: the marks live in this page only.
    }
  }

  function queued(id) {
    return readQueue()[id] || null;
  }

  function putQueued(id, entry) {
    var marks = readQueue();
    marks[id] = entry;
    writeQueue(marks);
  }

  function dropQueued(id, at) {
    // Only the tap the server answered: a newer tap of the same row stays.
    var marks = readQueue();
    if (marks[id] && (at === undefined || marks[id].at === at)) delete marks[id];
    writeQueue(marks);
  }

  function waitingCount() {
    return Object.keys(readQueue()).filter(function (id) {
      return id in rows;
    }).length;
  }

  // --- the rows ------------------------------------------------------------------------------

  function format(template, values) {
    return template.replace(/%\((\w+)\)s/g, function (match, name) {
      return name in values ? values[name] : match;
    });
  }

  function timeOf(iso) {
    var date = iso ? new Date(iso) : new Date();
    if (isNaN(date.getTime())) date = new Date();
    return date.toLocaleTimeString(lang, { hour: "2-digit", minute: "2-digit" });
  }

  function summaryOf(mark) {
    if (!mark.status) return T.not_marked;
    var label = labels[mark.status] || mark.status;
    var time = mark.marked_at_time || timeOf(mark.marked_at);
    if (mark.source === "check_in") return format(T.checked_in, { status: label, time: time });
    return format(T.marked_by, { status: label, who: mark.marked_by || T.you, time: time });
  }

  function rowMessage(id, text, kind) {
    var node = rows[id].node.querySelector(".register-row-message");
    node.textContent = text || "";
    node.className = "register-row-message" + (kind ? " register-" + kind : "");
  }

  function render(id) {
    // Shows the tap waiting to be sent if there is one, otherwise what the server holds.
    var row = rows[id];
    var waiting = queued(id);
    var status = waiting ? waiting.status : row.status;
    var buttons = row.node.querySelectorAll(".register-buttons button");
    Array.prototype.forEach.call(buttons, function (button) {
      var on = button.value === status;
      button.setAttribute("aria-pressed", on ? "true" : "false");
      button.querySelector(".register-tick").textContent = on ? "✓" : "";
    });
    var summary = row.node.querySelector(".register-summary");
    summary.textContent = waiting
      ? (labels[waiting.status] || waiting.status) + ": " + T.row_waiting
      : row.summary;
    row.node.classList.toggle("register-waiting", !!waiting);
    var details = row.node.querySelector(".register-save-details");
    details.value = status || "";
    details.hidden = !status;
    row.node.querySelector(".register-choose-first").hidden = !!status;
    var form = row.node.querySelector("form");
    form.elements.namedItem("base_version").value = String(row.version);
  }

  function learn(mark) {
    // The server's copy of a mark, from a reply.
    var row = rows[String(mark.enrolment)];
    if (!row) return;
    row.version = mark.version;
    row.status = mark.status;
    row.minutes = mark.minutes_attended === null ? "" : String(mark.minutes_attended);
    row.note = mark.note || "";
    row.summary = summaryOf(mark);
    row.node.setAttribute("data-version", String(mark.version));
    row.node.setAttribute("data-status", mark.status);
  }

  function putBackFields(id) {
    // After a conflict or a refusal the boxes show what is saved, not the rejected text.
    var row = rows[id];
    var form = row.node.querySelector("form");
    form.elements.namedItem("minutes_attended").value = row.minutes;
    form.elements.namedItem("note").value = row.note;
  }

  // --- the status line -----------------------------------------------------------------------

  function showStatus() {
    statusNode.textContent = "";
    var count = waitingCount();
    var kind = "ok";
    var text = T.all_saved;
    if (trouble === "logged_out" && count) {
      kind = "warn";
      text = T.logged_out;
    } else if (count && (trouble || !inflight)) {
      kind = "warn";
      text = count === 1 ? T.waiting_one : format(T.waiting_many, { count: count });
    } else if (count) {
      kind = "busy";
      text = T.sending;
    }
    statusNode.className = "register-status register-status-" + kind;
    var line = document.createElement("span");
    line.textContent = text;
    statusNode.appendChild(line);
    if (trouble === "logged_out" && count) {
      statusNode.appendChild(document.createTextNode(" "));
      var link = document.createElement("a");
      link.href = loginUrl;
      link.target = "_blank";
      link.rel = "noopener";
      link.textContent = T.log_in;
      statusNode.appendChild(link);
    }
  }

  // --- sending -------------------------------------------------------------------------------

  function csrfToken() {
    // Read afresh each time: logging in again in another tab gives a new token.
    var match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
    if (match) return decodeURIComponent(match[1]);
    var input = root.querySelector("input[name=csrfmiddlewaretoken]");
    return input ? input.value : "";
  }

  function post(url, payload) {
    // Resolves with {status, data}; rejects when the network fails or the reply hangs.
    var controller = window.AbortController ? new AbortController() : null;
    var timeout = controller
      ? setTimeout(function () {
          controller.abort();
        }, TIMEOUT)
      : null;
    var request;
    try {
      request = fetch(url, {
        method: "POST",
        credentials: "same-origin",
        headers: {
          "Content-Type": "application/json",
          Accept: "application/json",
          "X-CSRFToken": csrfToken(),
        },
        body: JSON.stringify(payload),
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
          // A login page instead of JSON: the session ran out.
          var status = reply.redirected && !data ? 401 : reply.status;
          return { status: status, data: data };
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

  function nextId() {
    var marks = readQueue();
    var ids = Object.keys(marks).filter(function (id) {
      return id in rows;
    });
    ids.sort(function (a, b) {
      return (marks[a].at || 0) - (marks[b].at || 0);
    });
    return ids.length ? ids[0] : null;
  }

  function retryLater() {
    clearTimeout(retryTimer);
    retryTimer = setTimeout(send, RETRY);
  }

  function send() {
    if (inflight) return;
    var id = nextId();
    if (id === null) {
      trouble = "";
      showStatus();
      return;
    }
    var entry = queued(id);
    inflight = { id: id, entry: entry };
    showStatus();
    post(markUrl, {
      enrolment: Number(id),
      status: entry.status,
      minutes_attended: entry.minutes === "" ? null : entry.minutes,
      note: entry.note || "",
      base_version: entry.base,
    }).then(handleReply, offline);
  }

  function handleReply(reply) {
    var status = reply.status;
    var data = reply.data;
    if (status === 200 && data) return saved(data);
    if (status === 409 && data && data.current) return conflicted(data);
    if (status === 401) return loggedOut();
    if (status >= 500 || status === 0 || status === 408 || status === 429 || !data) {
      return offline();
    }
    return refused(data.message || T.reload);
  }

  function finish() {
    var sent = inflight;
    inflight = null;
    return sent;
  }

  function saved(data) {
    var sent = finish();
    trouble = "";
    learn(data);
    var newer = queued(sent.id);
    if (newer && newer.at !== sent.entry.at && newer.base === sent.entry.base) {
      // Tapped again while this one travelled: that tap builds on the mark just saved.
      newer.base = data.version;
      putQueued(sent.id, newer);
    }
    dropQueued(sent.id, sent.entry.at);
    rowMessage(sent.id, "");
    render(sent.id);
    send();
  }

  function conflicted(data) {
    var sent = finish();
    trouble = "";
    learn(data.current);
    // What someone else saved stands; this tap, and any later one built on it, is dropped.
    dropQueued(sent.id);
    putBackFields(sent.id);
    render(sent.id);
    rowMessage(sent.id, data.message, "conflict");
    send();
  }

  function refused(message) {
    var sent = finish();
    trouble = "";
    dropQueued(sent.id, sent.entry.at);
    if (!queued(sent.id)) putBackFields(sent.id);
    render(sent.id);
    rowMessage(sent.id, format(T.refused, { message: message }), "error");
    send();
  }

  function loggedOut() {
    finish();
    trouble = "logged_out";
    showStatus();
    retryLater();
  }

  function offline() {
    finish();
    trouble = "offline";
    showStatus();
    retryLater();
  }

  // --- taps ----------------------------------------------------------------------------------

  function tap(id, status) {
    var row = rows[id];
    var form = row.node.querySelector("form");
    var earlier = queued(id);
    var base = earlier
      ? earlier.base
      : inflight && inflight.id === id
        ? inflight.entry.base
        : row.version;
    putQueued(id, {
      status: status,
      minutes: form.elements.namedItem("minutes_attended").value,
      note: form.elements.namedItem("note").value,
      base: base,
      at: Date.now(),
    });
    rowMessage(id, "");
    render(id);
    showStatus();
    send();
  }

  function markAll(event) {
    event.preventDefault();
    var button = event.target.querySelector("button");
    button.disabled = true;
    // Rows with a tap still waiting are left to that tap.
    var skip = Object.keys(readQueue()).map(Number);
    post(markAllUrl, { skip: skip })
      .then(function (reply) {
        button.disabled = false;
        if (reply.status === 200 && reply.data) {
          reply.data.marks.forEach(function (mark) {
            learn(mark);
            render(String(mark.enrolment));
          });
          statusNode.textContent = reply.data.marks.length ? T.all_present_done : T.nobody_left;
          statusNode.className = "register-status register-status-ok";
          return;
        }
        if (reply.status === 401) return loggedOut();
        if (reply.status >= 500 || !reply.data) return queueAllPresent();
        statusNode.textContent = format(T.refused, { message: reply.data.message || T.reload });
        statusNode.className = "register-status register-status-error";
      })
      .catch(function () {
        button.disabled = false;
        queueAllPresent();
      });
  }

  function queueAllPresent() {
    // No connection: the same marks wait on this phone, one per trainee, and go later.
    Object.keys(rows).forEach(function (id) {
      var row = rows[id];
      if (row.status || queued(id) || row.node.querySelector("fieldset").disabled) return;
      tap(id, "present");
    });
    trouble = "offline";
    showStatus();
    retryLater();
  }

  // --- start ---------------------------------------------------------------------------------

  Array.prototype.forEach.call(root.querySelectorAll(".register-row"), function (node) {
    var id = node.getAttribute("data-enrolment");
    rows[id] = {
      node: node,
      version: parseInt(node.getAttribute("data-version"), 10) || 0,
      status: node.getAttribute("data-status") || "",
      minutes: node.getAttribute("data-minutes") || "",
      note: node.getAttribute("data-note") || "",
      summary: node.querySelector(".register-summary").textContent.trim(),
    };
    Array.prototype.forEach.call(node.querySelectorAll(".register-buttons button"), function (b) {
      labels[b.value] = b.textContent.replace("✓", "").trim();
    });
    node.querySelector("form").addEventListener("submit", function (event) {
      event.preventDefault();
      var submitter = event.submitter;
      var status = submitter ? submitter.value : "";
      if (!status) {
        rowMessage(id, T.choose_first, "error");
        return;
      }
      tap(id, status);
    });
  });

  var markAllForm = document.getElementById("mark-all-form");
  if (markAllForm) markAllForm.addEventListener("submit", markAll);

  window.addEventListener("online", send);
  // Logging out: send what is waiting first.
  if (window.PersonalStorage) window.PersonalStorage.whenLeaving(send);
  setInterval(function () {
    if (!inflight && nextId() !== null) send();
  }, RETRY);

  // Put back the taps this browser still holds (a reload, or the phone restarted).
  Object.keys(rows).forEach(function (id) {
    var waiting = queued(id);
    if (waiting) {
      var form = rows[id].node.querySelector("form");
      form.elements.namedItem("minutes_attended").value = waiting.minutes || "";
      form.elements.namedItem("note").value = waiting.note || "";
    }
    render(id);
  });
  showStatus();
  send();
})();

/* The check-in screen on the projector: the number of people checked in, refreshed every
 * 5 seconds; the page reloads when the window closes, so the code disappears from the wall.
 */
(function () {
  "use strict";

  var box = document.getElementById("check-in-open");
  var line = document.getElementById("check-in-count");
  if (!box || !line) return;
  var url = box.getAttribute("data-count-url");

  function refresh() {
    fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (reply) {
        return reply.ok ? reply.json() : null;
      })
      .then(function (data) {
        if (!data) return;
        if (!data.open) {
          window.location.reload();
          return;
        }
        var text =
          data.count === 1
            ? box.getAttribute("data-one")
            : box.getAttribute("data-many").replace("%(count)s", String(data.count));
        if (line.textContent !== text) line.textContent = text;
      })
      .catch(function () {
        // No connection for a moment: the next refresh tries again.
      });
  }

  setInterval(refresh, 5000);
})();
