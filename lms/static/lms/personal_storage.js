/* What this browser keeps for the person who is logged in, and forgetting it on a shared
 * computer.
 *
 * Worksheets, quizzes, the register and H5P activities keep unsent answers in localStorage
 * until the server has them, so that nothing typed is lost on a weak connection. In a
 * community centre or a library the next person at the keyboard must never find them. So:
 *
 * - Every page names its entries through PersonalStorage.key(name). The key carries the id
 *   of the person logged in (<body data-person>), and an entry exists only while it holds
 *   something not yet sent.
 * - On any page, entries of anybody else are removed: someone else logged in on this browser
 *   since they were written (their login had ended, or they walked away).
 * - Logging out with entries still unsent: the page first tries to send them (each page
 *   registers how with PersonalStorage.whenLeaving), then, if some are still waiting, says
 *   where they are and asks before logging out. The logout reply then clears the site's
 *   storage in this browser (Clear-Site-Data, lms/views.py).
 *
 * Before logging in nothing is removed: someone whose login timed out can log back in and
 * their unsent answers are still there to be sent.
 */
(function () {
  "use strict";

  var PREFIX = "lms:";
  // Entries written before entries carried the person (left by an older version of a page).
  var UNOWNED = /^(worksheet-|quiz-|register-|h5p-xapi-queue:)/;
  var person = document.body ? document.body.getAttribute("data-person") || "" : "";
  var mine = PREFIX + person + ":";
  var pagesKey = mine + "pages";
  var senders = [];

  function storage() {
    try {
      return window.localStorage;
    } catch (error) {
      return null; // blocked: the pages keep their copies in memory only
    }
  }

  function allKeys(store) {
    var keys = [];
    for (var i = 0; i < store.length; i += 1) keys.push(store.key(i));
    return keys;
  }

  function forgetOthers() {
    var store = storage();
    if (!store || !person) return;
    allKeys(store).forEach(function (key) {
      var someoneElses = key.indexOf(PREFIX) === 0 && key.indexOf(mine) !== 0;
      if (someoneElses || UNOWNED.test(key)) store.removeItem(key);
    });
  }

  function readPages(store) {
    try {
      return JSON.parse(store.getItem(pagesKey) || "{}") || {};
    } catch (error) {
      return {};
    }
  }

  // Where each entry was written, so the logout warning can send the person back there.
  function remember(key) {
    var store = storage();
    if (!store) return;
    var pages = readPages(store);
    // The page's own title, without the site's name after it.
    var title = document.title.split(" · ")[0];
    pages[key] = { url: window.location.pathname + window.location.search, title: title };
    try {
      store.setItem(pagesKey, JSON.stringify(pages));
    } catch (error) {
      // Full storage: the warning will just not say where.
    }
  }

  function unsent() {
    var store = storage();
    if (!store || !person) return [];
    var pages = readPages(store);
    return allKeys(store)
      .filter(function (key) {
        return key.indexOf(mine) === 0 && key !== pagesKey;
      })
      .map(function (key) {
        return { key: key, page: pages[key] || null };
      });
  }

  window.PersonalStorage = {
    person: person,
    // The localStorage key for this person's entry called `name`.
    key: function (name) {
      var key = mine + name;
      remember(key);
      return key;
    },
    // `send` starts sending this page's unsent entries (the page removes each once sent).
    whenLeaving: function (send) {
      senders.push(send);
    },
    unsent: unsent
  };

  forgetOthers();

  // --- logging out ---------------------------------------------------------------------------

  var form = document.querySelector("form[data-logout]");
  if (!form || !person) return;
  var strings = { unsent: form.getAttribute("data-unsent"), anyway: form.getAttribute("data-anyway") };
  var confirmed = false;

  // Asks each page part to send what it holds, then waits (up to five seconds) for the
  // entries to go: each part removes its entry once the server has the answers.
  function sendAll() {
    senders.forEach(function (send) {
      try {
        send();
      } catch (error) {
        /* one part failing must not stop the others */
      }
    });
    return new Promise(function (resolve) {
      var started = Date.now();
      (function check() {
        if (!unsent().length || Date.now() - started > 5000) resolve();
        else window.setTimeout(check, 250);
      })();
    });
  }

  function warn(waiting) {
    var box = document.getElementById("logout-warning");
    if (!box) {
      box = document.createElement("div");
      box.id = "logout-warning";
      box.className = "logout-warning";
      box.setAttribute("role", "alert");
      form.parentNode.insertBefore(box, form.nextSibling);
    }
    box.textContent = "";
    var text = document.createElement("p");
    text.textContent = strings.unsent || "";
    box.appendChild(text);
    var places = {};
    waiting.forEach(function (entry) {
      if (entry.page && !places[entry.page.url]) places[entry.page.url] = entry.page.title;
    });
    var urls = Object.keys(places);
    if (urls.length) {
      var list = document.createElement("ul");
      urls.forEach(function (url) {
        var item = document.createElement("li");
        var link = document.createElement("a");
        link.href = url;
        link.textContent = places[url] || url;
        item.appendChild(link);
        list.appendChild(item);
      });
      box.appendChild(list);
    }
    var button = form.querySelector("button");
    if (button && strings.anyway) button.textContent = strings.anyway;
    confirmed = true;
  }

  form.addEventListener("submit", function (event) {
    if (confirmed || !unsent().length) return;
    event.preventDefault();
    sendAll().then(function () {
      var waiting = unsent();
      if (waiting.length) warn(waiting);
      else form.submit();
    });
  });
})();
