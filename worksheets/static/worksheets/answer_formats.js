/* Answering a worksheet question by speaking or with a picture, beside writing.
 *
 * - Recording: plain, large buttons "Record", "Stop", "Listen" and "Delete" (MediaRecorder),
 *   all usable with the keyboard; focus moves to the next button that makes sense. When
 *   recording stops, the recording is sent at once. Until the server has it, the recording
 *   that was saved before stays the answer, and this one stays on the page with a
 *   "Save again" button: nothing is lost to a weak connection.
 * - Picture: "Take a photo" (the phone's camera) or "Choose a picture". It is sent as soon as
 *   it is chosen; a photo too big to send is made smaller here first. The server removes
 *   where it was taken and every other detail stored in the photo.
 * - Each recording or picture is sent with its own random token, so a retry after a lost
 *   reply is stored once.
 * - Deleting asks to press "Delete" a second time, so one slip does not delete.
 *
 * The typed answers are autosave.js's work; this script only sends files and tells the
 * server which browser tab it is (the same as autosave.js), so the file's save is never
 * mistaken for a change made on another device. Words come translated from the page
 * (#answer-format-strings). Without this script, pictures are still sent with the form.
 */
(function () {
  "use strict";

  var MAX_MINUTES = 10;
  var CONFIRM_MS = 6000;
  var PICTURE_SIDE = 2000;

  var form = document.getElementById("worksheet-form");
  var stringsNode = document.getElementById("answer-format-strings");
  if (!form || !stringsNode) return;
  var T = JSON.parse(stringsNode.textContent);
  var filesUrl = form.getAttribute("data-files-url");
  var waiting = {}; // token -> true for each recording or picture the server does not have yet

  Array.prototype.forEach.call(form.querySelectorAll(".ws-nojs"), function (node) {
    node.hidden = true;
  });
  Array.prototype.forEach.call(form.querySelectorAll(".ws-js-only"), function (node) {
    node.hidden = false;
  });

  function randomToken() {
    var bytes = new Uint8Array(16);
    window.crypto.getRandomValues(bytes);
    return Array.prototype.map
      .call(bytes, function (b) {
        return ("0" + b.toString(16)).slice(-2);
      })
      .join("");
  }

  function csrfToken() {
    var match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
    if (match) return decodeURIComponent(match[1]);
    var input = form.elements.namedItem("csrfmiddlewaretoken");
    return input ? input.value : "";
  }

  function post(fields, file, filename) {
    // Resolves with {status, data}; rejects when the network fails.
    var body = new FormData();
    Object.keys(fields).forEach(function (name) {
      body.append(name, fields[name]);
    });
    // The tab autosave.js says it is, so both scripts' saves count as this tab's own.
    body.append("device", form.getAttribute("data-device") || "");
    // Who this page said would read each part (worksheets/access.py keeps the stricter).
    Array.prototype.forEach.call(form.querySelectorAll("input[name=shown]"), function (input) {
      body.append("shown", input.value);
    });
    if (file) body.append("file", file, filename);
    return fetch(filesUrl, {
      method: "POST",
      credentials: "same-origin",
      headers: { Accept: "application/json", "X-CSRFToken": csrfToken() },
      body: body,
    }).then(function (reply) {
      return reply
        .json()
        .catch(function () {
          return null;
        })
        .then(function (data) {
          return { status: reply.status, data: data };
        });
    });
  }

  function say(group, text, kind) {
    var node = group.querySelector(".ws-format-status");
    node.className = "ws-format-status" + (kind ? " ws-save-" + kind : "");
    node.textContent = text;
  }

  function show(node, visible) {
    node.hidden = !visible;
  }

  function refusal(reply) {
    if (reply.status === 401) return null; // logged out: kept here, like autosave does
    if (reply.data && reply.data.error) return reply.data.error;
    return null;
  }

  function confirmTwice(button, group, question, action) {
    // The first press asks; a second press within a few seconds does it.
    if (button.getAttribute("data-armed") === "true") {
      button.removeAttribute("data-armed");
      action();
      return;
    }
    button.setAttribute("data-armed", "true");
    say(group, question, "warn");
    setTimeout(function () {
      button.removeAttribute("data-armed");
    }, CONFIRM_MS);
  }

  window.addEventListener("beforeunload", function (event) {
    if (!Object.keys(waiting).length) return;
    event.preventDefault();
    event.returnValue = "";
  });

  // --- recordings -------------------------------------------------------------------------

  function recorderType() {
    var types = ["audio/webm;codecs=opus", "audio/ogg;codecs=opus", "audio/mp4", "audio/webm"];
    for (var i = 0; i < types.length; i++) {
      if (window.MediaRecorder.isTypeSupported && MediaRecorder.isTypeSupported(types[i])) {
        return types[i];
      }
    }
    return "";
  }

  function extensionOf(type) {
    if (type.indexOf("ogg") !== -1) return "ogg";
    if (type.indexOf("mp4") !== -1) return "m4a";
    return "webm";
  }

  function setUpRecorder(group) {
    var name = group.getAttribute("data-name");
    var box = group.querySelector(".ws-recorder");
    if (!box) return;
    var buttons = {
      record: box.querySelector(".ws-record"),
      stop: box.querySelector(".ws-stop"),
      listen: box.querySelector(".ws-listen"),
      remove: box.querySelector(".ws-delete"),
      retry: box.querySelector(".ws-retry"),
    };
    if (!window.MediaRecorder || !navigator.mediaDevices || !navigator.mediaDevices.getUserMedia) {
      say(group, T.no_recorder);
      return;
    }
    // The plain buttons replace the browser's small player.
    var player = group.querySelector("audio.ws-player");
    if (!player) {
      player = document.createElement("audio");
      player.className = "ws-player";
      player.preload = "none";
      group.insertBefore(player, box);
    }
    player.controls = false;
    player.hidden = true;
    box.hidden = false;

    var state = {
      saved: group.getAttribute("data-url") || "", // the server's copy, if any
      pending: null, // a recording the server does not have yet: {blob, token, type}
      recorder: null,
      stream: null,
      started: 0,
      clock: null,
    };

    function layout(focus) {
      var recording = !!state.recorder;
      var has = !!(state.saved || state.pending);
      show(buttons.record, !recording);
      show(buttons.stop, recording);
      show(buttons.listen, has && !recording);
      show(buttons.remove, has && !recording);
      show(buttons.retry, !!state.pending && !state.sending && !recording);
      if (focus && buttons[focus] && !buttons[focus].hidden) buttons[focus].focus();
    }

    function elapsed() {
      var seconds = Math.floor((Date.now() - state.started) / 1000);
      return Math.floor(seconds / 60) + ":" + ("0" + (seconds % 60)).slice(-2);
    }

    function start() {
      stopListening();
      navigator.mediaDevices.getUserMedia({ audio: true }).then(
        function (stream) {
          var type = recorderType();
          var options = { audioBitsPerSecond: 64000 };
          if (type) options.mimeType = type;
          var recorder = new MediaRecorder(stream, options);
          var chunks = [];
          recorder.ondataavailable = function (event) {
            if (event.data && event.data.size) chunks.push(event.data);
          };
          recorder.onstop = function () {
            stream.getTracks().forEach(function (track) {
              track.stop();
            });
            clearInterval(state.clock);
            state.recorder = null;
            var blobType = recorder.mimeType || type || "audio/webm";
            var blob = new Blob(chunks, { type: blobType });
            state.pending = { blob: blob, token: randomToken(), type: blobType };
            waiting[state.pending.token] = true;
            player.src = URL.createObjectURL(blob);
            layout("listen");
            send();
          };
          state.recorder = recorder;
          state.stream = stream;
          state.started = Date.now();
          recorder.start();
          say(group, T.recording.replace("%(time)s", "0:00"), "warn");
          state.clock = setInterval(function () {
            say(group, T.recording.replace("%(time)s", elapsed()), "warn");
            if (Date.now() - state.started > MAX_MINUTES * 60000) {
              say(group, T.too_long.replace("%(minutes)s", MAX_MINUTES));
              stop();
            }
          }, 1000);
          layout("stop");
        },
        function () {
          say(group, T.no_microphone, "error");
          layout("record");
        }
      );
    }

    function stop() {
      if (state.recorder && state.recorder.state !== "inactive") state.recorder.stop();
    }

    function send() {
      var pending = state.pending;
      if (!pending) return;
      state.sending = true;
      say(group, T.sending_audio);
      layout();
      post({ name: name, token: pending.token }, pending.blob, "recording." + extensionOf(pending.type)).then(
        function (reply) {
          state.sending = false;
          if (reply.status === 200 && reply.data) {
            delete waiting[pending.token];
            if (state.pending === pending) state.pending = null;
            state.saved = reply.data.url;
            group.setAttribute("data-url", state.saved);
            say(group, T.saved_audio, "ok");
            layout();
            return;
          }
          var message = refusal(reply);
          if (message) {
            // Refused (too big, not a recording): it cannot be sent as it is.
            delete waiting[pending.token];
            if (state.pending === pending) state.pending = null;
            if (state.saved) player.src = state.saved;
            else player.removeAttribute("src");
            say(group, message, "error");
            layout("record");
            return;
          }
          failed();
        },
        function () {
          state.sending = false;
          failed();
        }
      );
    }

    function failed() {
      say(group, T.failed, "warn");
      layout("retry");
    }

    function stopListening() {
      if (!player.paused) player.pause();
      buttons.listen.textContent = T.listen;
    }

    function listen() {
      if (!player.paused) {
        stopListening();
        return;
      }
      if (!player.getAttribute("src") && state.saved) player.src = state.saved;
      player.currentTime = 0;
      var playing = player.play();
      buttons.listen.textContent = T.stop_listening;
      if (playing && playing.catch) {
        playing.catch(function () {
          buttons.listen.textContent = T.listen;
        });
      }
    }

    function remove() {
      stopListening();
      if (state.pending && !state.saved) {
        // Only on this page: nothing to tell the server.
        delete waiting[state.pending.token];
        state.pending = null;
        player.removeAttribute("src");
        say(group, T.deleted_audio, "ok");
        layout("record");
        return;
      }
      post({ name: name, remove: "1" }).then(
        function (reply) {
          if (reply.status !== 200) {
            say(group, refusal(reply) || T.failed, "error");
            return;
          }
          if (state.pending) delete waiting[state.pending.token];
          state.pending = null;
          state.saved = "";
          group.setAttribute("data-url", "");
          player.removeAttribute("src");
          say(group, T.deleted_audio, "ok");
          layout("record");
        },
        function () {
          say(group, T.failed, "warn");
        }
      );
    }

    player.addEventListener("ended", stopListening);
    buttons.record.addEventListener("click", start);
    buttons.stop.addEventListener("click", stop);
    buttons.listen.addEventListener("click", listen);
    buttons.retry.addEventListener("click", send);
    buttons.remove.addEventListener("click", function () {
      confirmTwice(buttons.remove, group, T.confirm_delete, remove);
    });
    layout();
  }

  // --- pictures ---------------------------------------------------------------------------

  function smaller(file, limit) {
    // A photo over the size limit is drawn smaller here, so that it can still be sent.
    if (file.size <= limit || !window.createImageBitmap) return Promise.resolve(file);
    return createImageBitmap(file).then(function (bitmap) {
      var scale = Math.min(1, PICTURE_SIDE / Math.max(bitmap.width, bitmap.height));
      var canvas = document.createElement("canvas");
      canvas.width = Math.round(bitmap.width * scale);
      canvas.height = Math.round(bitmap.height * scale);
      canvas.getContext("2d").drawImage(bitmap, 0, 0, canvas.width, canvas.height);
      return new Promise(function (resolve) {
        canvas.toBlob(
          function (blob) {
            resolve(blob || file);
          },
          "image/jpeg",
          0.85
        );
      });
    });
  }

  function setUpPicture(group) {
    var name = group.getAttribute("data-name");
    var inputs = group.querySelectorAll("input[type=file]");
    var removeButton = group.querySelector(".ws-js-only .ws-delete");
    var limit = parseInt(form.getAttribute("data-picture-max-bytes"), 10) || Infinity;
    var camera = group.querySelector(".ws-camera");
    // Only phones and tablets have a camera to open: elsewhere one chooser is enough.
    if (camera && window.matchMedia && !window.matchMedia("(pointer: coarse)").matches) {
      camera.hidden = true;
    }

    function shown(url) {
      var image = group.querySelector("img.ws-picture-shown");
      if (!url) {
        if (image) image.parentNode.removeChild(image);
        if (removeButton) removeButton.hidden = true;
        return;
      }
      if (!image) {
        image = document.createElement("img");
        image.className = "ws-picture-shown";
        image.alt = T.picture_alt;
        var title = group.querySelector(".ws-format-title");
        title.parentNode.insertBefore(image, title.nextSibling);
      }
      image.src = url;
      if (removeButton) removeButton.hidden = false;
    }

    function sendPicture(input, file, token) {
      waiting[token] = true;
      say(group, T.sending_picture);
      smaller(file, limit)
        .then(function (blob) {
          return post({ name: name, token: token }, blob, file.name || "picture.jpg");
        })
        .then(
          function (reply) {
            if (reply.status === 200 && reply.data) {
              delete waiting[token];
              input.value = "";
              group.setAttribute("data-url", reply.data.url);
              shown(reply.data.url);
              say(group, T.saved_picture, "ok");
              return;
            }
            var message = refusal(reply);
            if (message) {
              delete waiting[token];
              input.value = "";
              say(group, message, "error");
              return;
            }
            offerRetry(input, file, token);
          },
          function () {
            offerRetry(input, file, token);
          }
        );
    }

    function offerRetry(input, file, token) {
      // The picture stays chosen in its box; "Save again" sends it with the same token.
      say(group, T.failed, "warn");
      var status = group.querySelector(".ws-format-status");
      var again = document.createElement("button");
      again.type = "button";
      again.className = "button secondary";
      again.textContent = T.retry;
      again.addEventListener("click", function () {
        sendPicture(input, file, token);
        again.parentNode.removeChild(again);
      });
      status.parentNode.insertBefore(again, status.nextSibling);
      again.focus();
    }

    Array.prototype.forEach.call(inputs, function (input) {
      input.addEventListener("change", function () {
        if (input.files && input.files[0]) sendPicture(input, input.files[0], randomToken());
      });
    });

    if (removeButton) {
      removeButton.addEventListener("click", function () {
        confirmTwice(removeButton, group, T.confirm_delete_picture, function () {
          post({ name: name, remove: "1" }).then(
            function (reply) {
              if (reply.status !== 200) {
                say(group, refusal(reply) || T.failed, "error");
                return;
              }
              group.setAttribute("data-url", "");
              shown("");
              say(group, T.deleted_picture, "ok");
              inputs[inputs.length - 1].focus();
            },
            function () {
              say(group, T.failed, "warn");
            }
          );
        });
      });
    }
  }

  Array.prototype.forEach.call(form.querySelectorAll(".ws-audio[data-name]"), setUpRecorder);
  Array.prototype.forEach.call(form.querySelectorAll(".ws-picture[data-name]"), setUpPicture);
})();
