/*
 * Inside the sandboxed H5P frame (assessments/h5p_sandbox.py): starts h5p-standalone and
 * relays what the player reports to the page around it, by postMessage only.
 *
 * This frame has no origin of its own: it cannot read the page, its cookies, its CSRF token
 * or the browser's storage, and it is never given them. The page decides what to do with
 * each message (h5p_player.js); anything the package's code says here is treated as a claim.
 *
 * Messages to the page, all {type: 'h5p:...'}:
 * - h5p:statement {statement}: an xAPI statement the player sent (the page adds who, which
 *   attempt and an id, then posts it to the server with its own token);
 * - h5p:height {height}: the content's height in pixels, so the frame can fit it;
 * - h5p:ready / h5p:failed: the player started, or could not.
 */
(function () {
  'use strict';

  // H5P looks for window.localStorage and stops when reading it throws, as it does in a frame
  // without an origin. A storage kept in memory for this frame's life lets it run; nothing
  // is kept once the frame closes.
  function memoryStorage() {
    var items = {};
    return {
      getItem: function (key) {
        return Object.prototype.hasOwnProperty.call(items, key) ? items[key] : null;
      },
      setItem: function (key, value) { items[key] = String(value); },
      removeItem: function (key) { delete items[key]; },
      clear: function () { items = {}; },
      key: function (index) { return Object.keys(items)[index] || null; },
      get length() { return Object.keys(items).length; }
    };
  }
  ['localStorage', 'sessionStorage'].forEach(function (name) {
    try {
      return window[name] && undefined;
    } catch (e) {
      Object.defineProperty(window, name, { value: memoryStorage(), configurable: true });
    }
  });

  var configNode = document.getElementById('h5p-frame-config');
  if (!configNode) {
    return;
  }
  var config = JSON.parse(configNode.textContent);
  var RELAYED = ['answered', 'completed', 'passed', 'failed', 'scored'];

  function tell(message) {
    window.parent.postMessage(message, config.parentOrigin);
  }

  function verbOf(statement) {
    var id = statement && statement.verb && statement.verb.id;
    return id ? String(id).replace(/\/$/, '').split('/').pop() : '';
  }

  var lastHeight = 0;
  function reportHeight() {
    var height = Math.ceil(document.documentElement.scrollHeight);
    if (height && Math.abs(height - lastHeight) > 2) {
      lastHeight = height;
      tell({ type: 'h5p:height', height: height });
    }
  }

  function start() {
    var container = document.getElementById('h5p-content');
    if (!window.H5PStandalone || !container) {
      tell({ type: 'h5p:failed' });
      return;
    }
    var options = {
      h5pJsonPath: config.h5pJsonPath,
      frameJs: config.frameJs,
      frameCss: config.frameCss,
      xAPIObjectIRI: config.xAPIObjectIRI,
      // This document is the sandbox: the content is not put in yet another frame.
      embedType: 'div',
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
      window.H5P.externalDispatcher.on('xAPI', function (event) {
        var statement = event && event.data && event.data.statement;
        if (statement && RELAYED.indexOf(verbOf(statement)) !== -1) {
          tell({ type: 'h5p:statement', statement: JSON.parse(JSON.stringify(statement)) });
        }
      });
      tell({ type: 'h5p:ready' });
      reportHeight();
    }).catch(function () {
      tell({ type: 'h5p:failed' });
    });
    if (window.ResizeObserver) {
      new window.ResizeObserver(reportHeight).observe(document.body);
    }
    window.addEventListener('load', reportHeight);
  }

  // Deferred scripts run in order before DOMContentLoaded: by then h5p-standalone, loaded
  // after this script, is there.
  if (document.readyState === 'complete') {
    start();
  } else {
    document.addEventListener('DOMContentLoaded', start);
  }
})();
