/*
 * The H5P play page: the player runs in a sandboxed frame (#h5p-frame, no origin of its own,
 * see assessments/h5p_sandbox.py); this page listens to what the frame reports and sends the
 * answers to the server itself, with its own CSRF token, which the frame never sees.
 *
 * What the frame says is a claim made by the package's code: a message counts only when it
 * comes from this page's own frame (event.source) with the sandbox's opaque origin, and has
 * the shape of a statement about this activity. The page then sets who answered, the attempt
 * the server opened for this page (context.registration), a fresh id and the time; the
 * server checks the rest (assessments/xapi.py).
 *
 * Never a lost answer: each statement is written to the browser's storage first
 * (answerQueue), then sent; it leaves the queue only when the server says it is stored (201)
 * or already stored (409 "duplicate", e.g. the reply to an earlier send was lost). Network
 * errors, server errors and expired logins keep it queued and retry later, also after a
 * reload. A statement the server refuses for good (about someone else, malformed, no open
 * attempt) is dropped with a message, so it cannot block the answers behind it.
 */
(function () {
  'use strict';

  var configNode = document.getElementById('h5p-config');
  var frame = document.getElementById('h5p-frame');
  var container = document.getElementById('h5p-container');
  if (!configNode || !frame) {
    return;
  }
  var config = JSON.parse(configNode.textContent);
  var statusNode = document.getElementById('h5p-status');
  var resultNode = document.getElementById('h5p-result');
  var tokenNode = document.querySelector('input[name="csrfmiddlewaretoken"]');
  var RECORDED = ['answered', 'completed', 'passed', 'failed', 'scored'];
  var FINAL_REFUSALS = [
    'actor', 'object', 'malformed', 'verb', 'too_big', 'not_found', 'attempt', 'closed'
  ];
  var MAX_STATEMENT_CHARS = 60000;
  var sending = false;
  var retryTimer = null;
  var heldBack = false;

  /*
   * The queue of answers not sent yet: the only code on this page that uses the browser's
   * storage. One list per person, enrolment and activity (config.queueKey), under the key
   * the site's PersonalStorage gives it (lms/static/lms/personal_storage.js: keyed to the
   * person logged in, forgotten when someone else logs in); a copy in memory when the storage
   * cannot be used (private mode, full).
   */
  var answerQueue = (function () {
    var name = 'h5p-xapi-queue:' + config.queueKey;
    // A preview records nothing, so keeps nothing.
    var key = !config.xapiUrl ? null
      : window.PersonalStorage ? window.PersonalStorage.key(name) : name;
    var memory = [];

    function load() {
      if (!key) {
        return memory.slice();
      }
      try {
        var stored = JSON.parse(window.localStorage.getItem(key) || '[]');
        return Array.isArray(stored) ? stored : [];
      } catch (e) {
        return memory.slice();
      }
    }

    function save(queue) {
      memory = queue.slice();
      if (!key) {
        return;
      }
      try {
        if (queue.length) {
          window.localStorage.setItem(key, JSON.stringify(queue));
        } else {
          window.localStorage.removeItem(key);
        }
      } catch (e) {
        // The in-memory copy keeps the answers until the page closes.
      }
    }

    return {
      load: load,
      push: function (statement) {
        var queue = load();
        queue.push(statement);
        save(queue);
      },
      drop: function (id) {
        save(load().filter(function (item) { return item.id !== id; }));
      }
    };
  })();

  function say(text, kind) {
    if (!statusNode) {
      return;
    }
    statusNode.textContent = text || '';
    statusNode.className = 'h5p-status' + (kind ? ' is-' + kind : '');
  }

  function newId() {
    // crypto.randomUUID needs a secure context; getRandomValues works on plain http too.
    var bytes = new Uint8Array(16);
    window.crypto.getRandomValues(bytes);
    bytes[6] = (bytes[6] & 0x0f) | 0x40;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    var hex = Array.prototype.map.call(bytes, function (b) {
      return (b + 0x100).toString(16).slice(1);
    }).join('');
    return hex.slice(0, 8) + '-' + hex.slice(8, 12) + '-' + hex.slice(12, 16) + '-' +
      hex.slice(16, 20) + '-' + hex.slice(20);
  }

  function later(seconds) {
    if (retryTimer) {
      return;
    }
    retryTimer = window.setTimeout(function () {
      retryTimer = null;
      flush();
    }, seconds * 1000);
  }

  function showResult(result) {
    if (resultNode && result && typeof result.summary === 'string') {
      resultNode.textContent = result.summary;
    }
  }

  function flush() {
    if (sending || !config.xapiUrl) {
      return;
    }
    var queue = answerQueue.load();
    if (!queue.length) {
      return;
    }
    sending = true;
    say(config.messages.saving);
    var statement = queue[0];
    fetch(config.xapiUrl, {
      method: 'POST',
      credentials: 'same-origin',
      redirect: 'manual',
      headers: {
        'Content-Type': 'application/json',
        'Accept': 'application/json',
        'X-CSRFToken': tokenNode ? tokenNode.value : ''
      },
      body: JSON.stringify(statement)
    }).then(function (response) {
      return response.json().catch(function () { return {}; }).then(function (data) {
        return { status: response.status, data: data || {} };
      });
    }).then(function (reply) {
      sending = false;
      if (reply.status === 201 || reply.data.code === 'duplicate') {
        answerQueue.drop(statement.id);
        if (reply.data.flagged) {
          heldBack = true;
        }
        showResult(reply.data.result);
        if (answerQueue.load().length) {
          flush();
        } else if (heldBack) {
          say(config.messages.flagged, 'waiting');
          heldBack = false;
        } else {
          say(config.messages.saved);
        }
      } else if (FINAL_REFUSALS.indexOf(reply.data.code) !== -1) {
        answerQueue.drop(statement.id);
        say(config.messages.refused.replace('%(reason)s', reply.data.error || ''), 'error');
        flush();
      } else if (reply.status === 0 || reply.status === 302 || reply.status === 403) {
        // Redirected to the login page, or the CSRF check failed: the session ended.
        say(config.messages.login, 'waiting');
        later(20);
      } else {
        say(config.messages.offline, 'waiting');
        later(10);
      }
    }, function () {
      sending = false;
      say(config.messages.offline, 'waiting');
      later(10);
    });
  }

  function isObject(value) {
    return value !== null && typeof value === 'object' && !Array.isArray(value);
  }

  function verbOf(statement) {
    var id = isObject(statement.verb) ? statement.verb.id : '';
    return typeof id === 'string' ? id.replace(/\/$/, '').split('/').pop() : '';
  }

  // A statement the frame reports, as this page will send it, or null when it is not one
  // about this activity.
  function fromPlayer(statement) {
    if (!isObject(statement) || RECORDED.indexOf(verbOf(statement)) === -1) {
      return null;
    }
    var objectId = isObject(statement.object) ? statement.object.id : null;
    if (typeof objectId !== 'string' || (objectId !== config.objectId &&
        objectId.indexOf(config.objectId + '?subContentId=') !== 0)) {
      return null;
    }
    if (statement.result !== undefined && !isObject(statement.result)) {
      return null;
    }
    var text = JSON.stringify(statement);
    if (!text || text.length > MAX_STATEMENT_CHARS) {
      return null;
    }
    var copy = JSON.parse(text);
    copy.id = newId();
    copy.timestamp = new Date().toISOString();
    copy.actor = {
      objectType: 'Agent',
      name: config.actor.name,
      mbox: 'mailto:' + config.actor.mail
    };
    copy.context = isObject(copy.context) ? copy.context : {};
    copy.context.registration = config.registration;
    return copy;
  }

  function fitFrame(height) {
    if (typeof height === 'number' && isFinite(height)) {
      frame.style.height = Math.round(Math.min(Math.max(height, 200), 20000)) + 'px';
    }
  }

  window.addEventListener('message', function (event) {
    // Only this page's own frame, which has no origin ("null") because of its sandbox.
    if (event.source !== frame.contentWindow || event.origin !== 'null') {
      return;
    }
    var data = event.data;
    if (!isObject(data) || typeof data.type !== 'string') {
      return;
    }
    if (data.type === 'h5p:statement' && config.xapiUrl) {
      var statement = fromPlayer(data.statement);
      if (statement) {
        answerQueue.push(statement);
        flush();
      }
    } else if (data.type === 'h5p:height') {
      fitFrame(data.height);
    } else if (data.type === 'h5p:ready') {
      if (container) {
        container.setAttribute('data-ready', 'true');
      }
    } else if (data.type === 'h5p:failed') {
      say(config.messages.failed, 'error');
    }
  });

  window.addEventListener('online', flush);
  if (window.PersonalStorage) {
    // Logging out first tries to send what is still queued.
    window.PersonalStorage.whenLeaving(flush);
  }
  window.h5pPlayerQueue = { load: answerQueue.load, flush: flush };
  // Answers kept from an earlier visit go first.
  flush();
})();
