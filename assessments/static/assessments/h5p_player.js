/*
 * The H5P player page: starts h5p-standalone and sends the player's xAPI statements to the
 * server, one at a time, in order.
 *
 * Never a lost answer: each statement is written to localStorage first (with an id and a
 * time added here), then sent; it leaves the queue only when the server says it is stored
 * (201) or already stored (409 "duplicate", e.g. the reply to an earlier send was lost).
 * Network errors, server errors and expired logins keep it queued and retry later, also
 * after a reload. A statement the server refuses for good (about someone else, malformed)
 * is dropped with a message, so it cannot block the answers behind it.
 */
(function () {
  'use strict';

  var configNode = document.getElementById('h5p-config');
  var container = document.getElementById('h5p-container');
  if (!configNode || !container || !window.H5PStandalone) {
    return;
  }
  var config = JSON.parse(configNode.textContent);
  var statusNode = document.getElementById('h5p-status');
  var tokenNode = document.querySelector('input[name="csrfmiddlewaretoken"]');
  var RECORDED = ['answered', 'completed', 'passed', 'failed', 'scored'];
  var FINAL_REFUSALS = ['actor', 'object', 'malformed', 'verb', 'too_big', 'not_found'];
  var QUEUE_KEY = 'h5p-xapi-queue:' + config.queueKey;
  var memoryQueue = [];
  var sending = false;
  var retryTimer = null;

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

  function load() {
    try {
      var stored = JSON.parse(window.localStorage.getItem(QUEUE_KEY) || '[]');
      return Array.isArray(stored) ? stored : [];
    } catch (e) {
      return memoryQueue.slice();
    }
  }

  function save(queue) {
    memoryQueue = queue.slice();
    try {
      if (queue.length) {
        window.localStorage.setItem(QUEUE_KEY, JSON.stringify(queue));
      } else {
        window.localStorage.removeItem(QUEUE_KEY);
      }
    } catch (e) {
      // Private mode or full storage: the in-memory copy keeps answers until the page closes.
    }
  }

  function drop(id) {
    save(load().filter(function (item) { return item.id !== id; }));
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

  function flush() {
    if (sending || !config.xapiUrl) {
      return;
    }
    var queue = load();
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
        drop(statement.id);
        if (reply.data.result) {
          window.dispatchEvent(new CustomEvent('h5p-result', { detail: reply.data.result }));
        }
        if (load().length) {
          flush();
        } else {
          say(config.messages.saved);
        }
      } else if (FINAL_REFUSALS.indexOf(reply.data.code) !== -1) {
        drop(statement.id);
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

  function enqueue(statement) {
    var copy = JSON.parse(JSON.stringify(statement));
    copy.id = copy.id || newId();
    copy.timestamp = copy.timestamp || new Date().toISOString();
    var queue = load();
    queue.push(copy);
    save(queue);
    flush();
  }

  function verbOf(statement) {
    var id = statement && statement.verb && statement.verb.id;
    return id ? String(id).replace(/\/$/, '').split('/').pop() : '';
  }

  window.addEventListener('online', flush);
  window.h5pPlayerQueue = { load: load, flush: flush };

  var options = {
    h5pJsonPath: config.h5pJsonPath,
    frameJs: config.frameJs,
    frameCss: config.frameCss,
    xAPIObjectIRI: config.xAPIObjectIRI,
    user: config.user,
    // No saved state: the player starts fresh and never asks the server for one.
    contentUserData: [{ state: 'RESET' }],
    frame: false,
    copyright: false,
    export: false,
    embed: false,
    icon: false,
    fullScreen: false
  };

  new window.H5PStandalone.H5P(container, options).then(function () {
    container.setAttribute('data-ready', 'true');
    window.H5P.externalDispatcher.on('xAPI', function (event) {
      var statement = event && event.data && event.data.statement;
      if (config.xapiUrl && statement && RECORDED.indexOf(verbOf(statement)) !== -1) {
        enqueue(statement);
      }
    });
    flush();
  }).catch(function () {
    say(config.messages.failed, 'error');
  });
})();
