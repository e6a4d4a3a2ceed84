// Meeting mode: the meeting in progress, on the scholar's and the mentor's screens at once.
//
// - Polls a small partial for what is new since the last number seen: captures are appended
//   (never twice: each has its number as id), the question panel is replaced only when the
//   meeting moved on. The capture box is never replaced, so nothing being typed is wiped.
// - One key per capture: a answer, d decision, i action item (then type, Enter adds), n next
//   question, Esc leaves the box. The buttons do the same with a pointer, and without this
//   script every form still posts and comes back to the page.
// - Timers count from the server's times (corrected for this device's clock): the meeting, the
//   current question against its minutes, and the silent read, which starts the questions when
//   it runs out (if both pages try, the server takes one and hands the other the result).
(function () {
  "use strict";

  var root = document.getElementById("live");
  if (!root) return;

  var pollUrl = root.dataset.pollUrl;
  var pollMs = parseInt(root.dataset.pollMs, 10) || 1500;
  var seq = parseInt(root.dataset.seq, 10) || 0;
  var version = parseInt(root.dataset.version, 10) || 0;
  var briefUrl = root.dataset.briefUrl;
  var durationSeconds = (parseInt(root.dataset.duration, 10) || 30) * 60;
  var form = document.getElementById("capture-form");
  var textBox = document.getElementById("capture-text");
  var questionInput = document.getElementById("capture-question");
  var statusEl = document.getElementById("capture-status");
  var list = document.getElementById("capture-list");
  var kindLabels = { answer: "answer", decision: "decision", action: "action item" };
  var kind = "answer";
  var pendingQuestion = null; // the question on screen when this capture was begun
  var clockOffset = 0; // server time minus this device's time, in ms
  var autoStarted = false;
  var leaving = false;
  var graceSeconds = root.dataset.role === "mentor" ? (pollMs + 1000) / 1000 : 0;

  // --- Helpers --------------------------------------------------------------------------------

  function csrfToken() {
    var match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
    if (match) return decodeURIComponent(match[1]);
    var input = document.querySelector("input[name=csrfmiddlewaretoken]");
    return input ? input.value : "";
  }

  function fragment(html) {
    var template = document.createElement("template");
    template.innerHTML = html;
    return template.content;
  }

  function say(text, kindClass) {
    statusEl.textContent = text;
    statusEl.className = "capture-status " + (kindClass || "");
  }

  function clock(seconds) {
    var s = Math.max(0, Math.floor(seconds));
    return Math.floor(s / 60) + ":" + String(s % 60).padStart(2, "0");
  }

  function serverNow() {
    return Date.now() + clockOffset;
  }

  function stateEl() {
    return document.getElementById("live-state");
  }

  // --- The question panel ---------------------------------------------------------------------

  function adoptState(el) {
    if (el.dataset.serverMs) clockOffset = parseInt(el.dataset.serverMs, 10) - Date.now();
    version = parseInt(el.dataset.version, 10) || version;
    var current = el.dataset.phase === "questions" ? el.dataset.question || "" : "";
    questionInput.value = current;
    if (el.dataset.phase !== "reading") autoStarted = false;
    tick();
  }

  function replaceState(newEl) {
    var old = stateEl();
    if (!old || !newEl) return;
    var hadFocus = old.contains(document.activeElement) ? document.activeElement.id : null;
    old.replaceWith(newEl);
    adoptState(newEl);
    if (hadFocus && document.getElementById(hadFocus)) document.getElementById(hadFocus).focus();
  }

  function tick() {
    var el = stateEl();
    if (!el) return;
    var now = serverNow() / 1000;
    var overall = document.getElementById("overall-timer");
    var started = parseInt(el.dataset.started, 10);
    if (overall) {
      var spent = started ? now - started : 0;
      overall.textContent = clock(spent);
      overall.classList.toggle("over", spent > durationSeconds);
    }
    var qTimer = document.getElementById("question-timer");
    var qStarted = parseInt(el.dataset.questionStarted, 10);
    if (qTimer && qStarted) {
      var onQuestion = now - qStarted;
      qTimer.textContent = clock(onQuestion);
      qTimer.classList.toggle("over", onQuestion > (parseInt(el.dataset.questionSeconds, 10) || 300));
    }
    var reading = document.getElementById("reading-timer");
    var until = parseInt(el.dataset.readingUntil, 10);
    if (reading && until) {
      var left = until - now;
      reading.textContent = clock(left);
      // The scholar's page starts the questions; the mentor's only if it has not heard of that
      // a poll later (the scholar's page may be closed), so the two rarely race.
      if (left <= -graceSeconds && !autoStarted) {
        autoStarted = true;
        var start = document.getElementById("move-start");
        if (start) move(start.form);
      }
    }
  }

  // --- Moving on: start, next, previous -------------------------------------------------------

  function move(moveForm) {
    var data = new FormData(moveForm);
    data.set("version", String(version));
    // getAttribute: the form's "action" input shadows the form's action property.
    return fetch(moveForm.getAttribute("action"), {
      method: "POST",
      body: data,
      credentials: "same-origin",
      headers: { "HX-Request": "true", "X-CSRFToken": csrfToken() },
    })
      .then(function (response) {
        return response.text().then(function (html) {
          if (response.status === 200 || response.status === 409) {
            replaceState(fragment(html).getElementById("live-state"));
            if (response.status === 409) say("The meeting had moved on already: this is where it is now.", "saved");
          } else if (response.status === 422) {
            say("Not moved: " + html, "save-failed");
          } else {
            say("Not moved: the server had a problem (" + response.status + ").", "save-failed");
          }
        });
      })
      .catch(function () {
        say("Not moved: no connection. Try again in a moment.", "save-failed");
      });
  }

  document.addEventListener("submit", function (event) {
    var target = event.target;
    if (!target.classList || !target.classList.contains("live-move")) return;
    event.preventDefault();
    move(target);
  });

  // --- Capturing ------------------------------------------------------------------------------

  function selectKind(value) {
    kind = value;
    form.querySelectorAll("button[name=kind]").forEach(function (button) {
      button.setAttribute("aria-pressed", button.value === value ? "true" : "false");
    });
    var forEl = document.getElementById("capture-for");
    if (forEl) forEl.textContent = "(adding as " + kindLabels[value] + ")";
  }

  function addCapture(li) {
    if (!li || document.getElementById(li.id)) return;
    list.appendChild(li);
  }

  function send(chosenKind) {
    var text = textBox.value;
    if (!text.trim()) {
      selectKind(chosenKind);
      textBox.focus();
      return;
    }
    var data = new FormData(form);
    data.set("kind", chosenKind);
    data.set("question", pendingQuestion !== null ? pendingQuestion : questionInput.value);
    say("Adding…", "saving");
    fetch(form.getAttribute("action"), {
      method: "POST",
      body: data,
      credentials: "same-origin",
      headers: { "HX-Request": "true", "X-CSRFToken": csrfToken() },
    })
      .then(function (response) {
        return response.text().then(function (body) {
          if (response.status === 201) {
            addCapture(fragment(body).querySelector("li.capture"));
            // Only what was sent is cleared: anything typed meanwhile stays.
            if (textBox.value === text) {
              textBox.value = "";
              pendingQuestion = null;
            } else if (textBox.value.indexOf(text) === 0) {
              textBox.value = textBox.value.slice(text.length).replace(/^\s+/, "");
            }
            say(kindLabels[chosenKind].charAt(0).toUpperCase() + kindLabels[chosenKind].slice(1) + " added.", "saved");
          } else if (response.status === 401 || response.status === 403) {
            say("Not added: you are logged out. Your text is still here: log in again in another tab, then add it.", "save-failed");
          } else if (response.status === 422) {
            say("Not added: " + body, "save-failed");
          } else {
            say("Not added: the server had a problem (" + response.status + "). Your text is still here.", "save-failed");
          }
        });
      })
      .catch(function () {
        say("Not added: no connection. Your text is still here; add it again when you are back online.", "save-failed");
      });
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var submitter = event.submitter;
    send(submitter && submitter.name === "kind" ? submitter.value : kind);
  });

  textBox.addEventListener("input", function () {
    if (pendingQuestion === null && textBox.value.trim()) pendingQuestion = questionInput.value;
    if (!textBox.value.trim()) pendingQuestion = null;
  });

  var KEYS = { a: "answer", d: "decision", i: "action" };

  document.addEventListener("keydown", function (event) {
    if (event.ctrlKey || event.metaKey || event.altKey) return;
    var el = event.target;
    if (el === textBox) {
      if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
        event.preventDefault();
        send(kind);
      } else if (event.key === "Escape") {
        textBox.blur();
      }
      return;
    }
    var typing = el && (el.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(el.tagName));
    if (typing) return;
    var key = (event.key || "").toLowerCase();
    if (KEYS[key]) {
      event.preventDefault();
      selectKind(KEYS[key]);
      textBox.focus();
    } else if (key === "n") {
      var next = document.getElementById("move-next");
      if (next && !next.disabled) {
        event.preventDefault();
        move(next.form);
      }
    }
  });

  // --- Polling --------------------------------------------------------------------------------

  var pollTimer = null;

  function poll() {
    var url = pollUrl + "?since=" + seq + "&v=" + version;
    fetch(url, { credentials: "same-origin", cache: "no-store", headers: { "HX-Request": "true" } })
      .then(function (response) {
        if (response.status === 401 || response.status === 403) {
          say("You are logged out: log in again (another tab) to keep seeing what is added.", "save-failed");
          return null;
        }
        if (!response.ok) return null;
        return response.text();
      })
      .then(function (html) {
        if (!html) return;
        var content = fragment(html);
        var meta = content.getElementById("poll");
        if (!meta) return;
        if (meta.dataset.status && meta.dataset.status !== "planned") {
          leaving = true;
          window.location.href = briefUrl;
          return;
        }
        content.querySelectorAll("li.capture").forEach(addCapture);
        var state = content.getElementById("live-state");
        if (state) replaceState(state);
        seq = Math.max(seq, parseInt(meta.dataset.seq, 10) || 0);
      })
      .catch(function () {
        /* no connection: the next poll asks again from the same number */
      })
      .then(function () {
        if (!leaving) pollTimer = window.setTimeout(poll, pollMs);
      });
  }

  window.addEventListener("beforeunload", function (event) {
    if (textBox.value.trim() && !leaving) {
      event.preventDefault();
      event.returnValue = "";
    }
  });
  document.querySelectorAll(".confirm-held form").forEach(function (held) {
    held.addEventListener("submit", function () {
      leaving = true;
      if (pollTimer) window.clearTimeout(pollTimer);
    });
  });

  selectKind("answer");
  var initial = stateEl();
  if (initial) adoptState(initial);
  window.setInterval(tick, 500);
  pollTimer = window.setTimeout(poll, pollMs);
  root.dataset.ready = "1"; // the script is running (the browser tests wait for this)
})();
