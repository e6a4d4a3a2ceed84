// Meeting mode: what htmx attributes cannot do (templates/meetings/meeting_mode/live.html polls,
// captures, moves and ends the meeting). Keys: a answer, d decision, i action item (then type,
// Enter adds), n next question, Esc leaves the box. A capture sends what was typed when it was
// asked for and clears only that. Timers count from the server's times (this device's clock
// corrected); the silent read starts the questions when it runs out.
(function () {
  "use strict";
  var root = document.getElementById("live");
  if (!root) return;
  var form = document.getElementById("capture-form"), textBox = document.getElementById("capture-text");
  var durationSeconds = (parseInt(root.dataset.duration, 10) || 30) * 60;
  // The scholar's page starts the questions; the mentor's only if it has not heard of that a
  // poll later (the scholar's page may be closed), so the two rarely race.
  var graceSeconds = root.dataset.role === "mentor" ? (parseInt(root.dataset.pollMs, 10) + 1000) / 1000 : 0;
  var labels = { answer: "Answer", decision: "Decision", action: "Action item" }, KEYS = { a: "answer", d: "decision", i: "action" };
  var kind = "answer", pendingQuestion = null; // the question on screen when this capture began
  var clockOffset = 0, adopted = null; // server time minus this device's (ms), from this panel
  var autoStarted = false, leaving = false; // leaving: to the record, nothing to warn about

  function say(text, kindClass, where) {
    var el = document.getElementById(where || "capture-status");
    el.textContent = text;
    el.className = "capture-status " + kindClass;
  }
  function clock(seconds) {
    var s = Math.max(0, Math.floor(seconds));
    return Math.floor(s / 60) + ":" + String(s % 60).padStart(2, "0");
  }
  function state() { return document.getElementById("live-state").dataset; }
  function currentQuestion() { return state().phase === "questions" ? state().question || "" : ""; }
  function adoptState() {
    if (adopted === document.getElementById("live-state")) return; // a poll with nothing new
    adopted = document.getElementById("live-state");
    if (state().serverMs) clockOffset = parseInt(state().serverMs, 10) - Date.now();
    if (state().phase !== "reading") autoStarted = false;
    tick();
  }
  function tick() {
    var now = (Date.now() + clockOffset) / 1000;
    var started = parseInt(state().started, 10);
    var overall = document.getElementById("overall-timer");
    overall.textContent = clock(started ? now - started : 0);
    overall.classList.toggle("over", started && now - started > durationSeconds);
    var qTimer = document.getElementById("question-timer");
    var qStarted = parseInt(state().questionStarted, 10);
    if (qTimer && qStarted) {
      qTimer.textContent = clock(now - qStarted);
      qTimer.classList.toggle("over", now - qStarted > (parseInt(state().questionSeconds, 10) || 300));
    }
    var reading = document.getElementById("reading-timer");
    var left = parseInt(state().readingUntil, 10) - now;
    var start = document.getElementById("move-start");
    if (reading && !isNaN(left)) reading.textContent = clock(left);
    if (reading && left <= -graceSeconds && !autoStarted && start) {
      autoStarted = true;
      start.form.requestSubmit(start);
    }
  }
  function selectKind(value) {
    kind = value;
    form.querySelectorAll("button[name=kind]").forEach(function (button) {
      button.setAttribute("aria-pressed", button.value === value ? "true" : "false");
    });
    document.getElementById("capture-for").textContent = "(adding as " + labels[value].toLowerCase() + ")";
  }

  // Before htmx sees the submit: an empty box only picks the kind; otherwise what is sent is
  // taken now, as htmx may send it a moment later (once the poll on its way is back).
  document.addEventListener("submit", function (event) {
    if (event.target !== form) return;
    var chosen = event.submitter && event.submitter.name === "kind" ? event.submitter.value : kind;
    var question = pendingQuestion !== null ? pendingQuestion : currentQuestion();
    if (textBox.value.trim()) {
      event.meetingCapture = { kind: chosen, text: textBox.value, question: question };
      return;
    }
    event.preventDefault();
    event.stopPropagation();
    selectKind(chosen);
    textBox.focus();
  }, true);

  textBox.addEventListener("input", function () {
    if (!textBox.value.trim()) pendingQuestion = null;
    else if (pendingQuestion === null) pendingQuestion = currentQuestion();
  });
  document.addEventListener("keydown", function (event) {
    if (event.ctrlKey || event.metaKey || event.altKey) return;
    var el = event.target;
    if (el === textBox && event.key === "Escape") textBox.blur();
    if (el === textBox && event.key === "Enter" && !event.shiftKey && !event.isComposing) {
      event.preventDefault();
      form.requestSubmit(document.getElementById("kind-" + kind));
    }
    if (el && (el.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(el.tagName))) return;
    var key = (event.key || "").toLowerCase();
    var next = document.getElementById("move-next");
    if (KEYS[key]) {
      event.preventDefault();
      selectKind(KEYS[key]);
      textBox.focus();
    } else if (key === "n" && next && !next.disabled) {
      event.preventDefault();
      next.form.requestSubmit(next);
    }
  });
  document.body.addEventListener("htmx:configRequest", function (event) {
    var sent = event.detail.triggeringEvent && event.detail.triggeringEvent.meetingCapture;
    if (!sent) return;
    Object.keys(sent).forEach(function (name) { event.detail.parameters[name] = sent[name]; });
    say("Adding…", "saving");
  });
  document.body.addEventListener("htmx:beforeOnLoad", function (event) {
    if (event.detail.xhr.getResponseHeader("HX-Redirect")) leaving = true;
  });
  document.body.addEventListener("htmx:beforeSwap", function (event) {
    if (event.detail.xhr.status !== 409) return; // a move from an older page: here it is now
    event.detail.shouldSwap = true;
    event.detail.isError = false;
    say("The meeting had moved on already: this is where it is now.", "saved");
  });
  document.body.addEventListener("htmx:afterSwap", adoptState);
  document.body.addEventListener("htmx:afterRequest", function (event) {
    var xhr = event.detail.xhr, elt = event.detail.elt, sent = event.detail.requestConfig.triggeringEvent;
    sent = sent && sent.meetingCapture;
    if (sent && event.detail.successful) {
      if (textBox.value === sent.text) pendingQuestion = null;
      if (textBox.value.indexOf(sent.text) === 0) textBox.value = textBox.value.slice(sent.text.length).trimStart();
      say(labels[sent.kind] + " added.", "saved");
    }
    var loggedOut = xhr.status === 401 || xhr.status === 403;
    // A poll that failed otherwise is asked again from the same number: nothing to say.
    if (leaving || event.detail.successful || (elt.id === "poll" && !loggedOut)) return;
    var reason = loggedOut ? "you are logged out: log in again in another tab."
      : xhr.status === 422 ? xhr.responseText
      : xhr.status ? "the server had a problem (" + xhr.status + ")."
      : "no connection: try again when you are back online.";
    var kept = elt === form ? " Your text is still here." : "";
    say(elt.dataset.fail + ": " + reason + kept, "save-failed", elt.dataset.status);
  });

  window.addEventListener("beforeunload", function (event) {
    if (textBox.value.trim() && !leaving) event.preventDefault(); // asks before what is typed is lost
  });

  selectKind("answer");
  adoptState();
  window.setInterval(tick, 500);
  root.dataset.ready = "1"; // the script is running (the browser tests wait for this)
})();
