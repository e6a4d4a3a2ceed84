/* The scholar's agenda page: autosave, a local backup of unsaved text, live word counts,
 * drag-and-drop ranking of questions and focus care after htmx swaps.
 * No inline script anywhere (CSP): everything is wired here from data attributes. */
(function () {
  "use strict";

  var form = document.getElementById("agenda-form");
  if (!form || typeof htmx === "undefined") return;

  // htmx "settles" swapped elements by copying old attributes, style included; SortableJS leaves
  // inline styles on the items, and setting a style attribute breaks the strict CSP.
  htmx.config.attributesToSettle = ["class", "width", "height"];

  var DEBOUNCE_MS = 800;
  var RETRY_MS = 15000;
  var statusEl = document.getElementById("autosave-status");
  var backupKey = form.dataset.backupKey;
  var loginUrl = form.dataset.loginUrl;

  var timer = null;
  var retryTimer = null;
  var inFlight = false;
  var conflict = !!document.querySelector("#conflict-slot .conflict");
  var sent = null;
  var waiters = [];
  var leaving = false;

  // --- Values ---------------------------------------------------------------------------------

  function fields() {
    return Array.prototype.filter.call(form.elements, function (el) {
      return (
        el.name &&
        el.name !== "csrfmiddlewaretoken" &&
        el.name !== "version" &&
        el.tagName !== "BUTTON" &&
        el.type !== "submit"
      );
    });
  }

  function values() {
    var out = {};
    fields().forEach(function (el) {
      if (el.type === "radio" || el.type === "checkbox") {
        if (el.checked) out[el.name] = el.value;
      } else {
        out[el.name] = el.value;
      }
    });
    return out;
  }

  function snapshot() {
    return JSON.stringify(values());
  }

  function apply(saved) {
    fields().forEach(function (el) {
      if (!(el.name in saved) && el.type !== "radio") return;
      if (el.type === "radio" || el.type === "checkbox") {
        el.checked = saved[el.name] === el.value;
      } else {
        el.value = saved[el.name];
      }
    });
  }

  function versionInput() {
    return document.getElementById("id_version");
  }

  // What the server holds. A page that shows text the server refused starts out unsaved.
  var lastSaved = form.dataset.unsaved ? "" : snapshot();

  function dirty() {
    return snapshot() !== lastSaved;
  }

  // --- Status ---------------------------------------------------------------------------------

  function setStatus(text, kind, link) {
    form.dataset.state = kind;
    statusEl.textContent = "";
    var span = document.createElement("span");
    span.className = kind;
    span.textContent = text;
    statusEl.appendChild(span);
    if (link) {
      statusEl.appendChild(document.createTextNode(" "));
      var a = document.createElement("a");
      a.href = link.href;
      a.textContent = link.text;
      a.target = "_blank";
      a.rel = "noopener";
      statusEl.appendChild(a);
    }
  }

  // --- Local backup of unsaved text ---------------------------------------------------------

  function backup() {
    try {
      localStorage.setItem(
        backupKey,
        JSON.stringify({
          values: values(),
          version: parseInt(versionInput().value, 10),
          at: new Date().toISOString(),
        })
      );
    } catch (e) {
      /* private mode or full storage: the page still holds the text */
    }
  }

  function readBackup() {
    try {
      return JSON.parse(localStorage.getItem(backupKey) || "null");
    } catch (e) {
      return null;
    }
  }

  function clearBackup() {
    try {
      localStorage.removeItem(backupKey);
    } catch (e) {
      /* nothing to clear */
    }
  }

  function offerRestore() {
    var saved = readBackup();
    var offer = document.getElementById("restore-offer");
    if (!saved || !saved.values || !offer) return;
    var current = values();
    var differs = Object.keys(saved.values).some(function (name) {
      return (current[name] || "") !== (saved.values[name] || "");
    });
    if (!differs) {
      clearBackup();
      return;
    }
    offer.querySelector(".restore-when").textContent = new Date(saved.at).toLocaleString();
    if (saved.version < parseInt(versionInput().value, 10)) {
      offer.querySelector(".restore-newer").hidden = false;
    }
    offer.hidden = false;
    offer.querySelector(".restore-yes").addEventListener("click", function () {
      apply(saved.values);
      offer.hidden = true;
      updateCounts();
      backup();
      save();
      var first = fields()[0];
      if (first) first.focus();
    });
    offer.querySelector(".restore-no").addEventListener("click", function () {
      clearBackup();
      offer.hidden = true;
      setStatus("Unsaved text discarded.", "saved");
    });
  }

  // --- Autosave -------------------------------------------------------------------------------

  function schedule(delay) {
    clearTimeout(timer);
    timer = setTimeout(save, delay === undefined ? DEBOUNCE_MS : delay);
  }

  function save() {
    clearTimeout(timer);
    timer = null;
    if (conflict || !dirty()) {
      runWaiters(!dirty());
      return;
    }
    htmx.trigger(form, "autosave");
  }

  function whenSaved(callback) {
    if (!dirty() && !inFlight) {
      callback();
      return;
    }
    waiters.push(callback);
    if (!inFlight) save();
  }

  function runWaiters(ok) {
    var pending = waiters;
    waiters = [];
    if (ok) pending.forEach(function (cb) { cb(); });
  }

  function failed(message, link) {
    setStatus(message, "save-failed", link);
    runWaiters(false);
    clearTimeout(retryTimer);
    retryTimer = setTimeout(function () {
      if (dirty() && !inFlight && !conflict) save();
    }, RETRY_MS);
  }

  function onEdit(event) {
    var el = event.target;
    if (!el || el.form !== form || el.name === "version" || el.name === "csrfmiddlewaretoken") return;
    updateCounts();
    if (!dirty()) return;
    backup();
    form.dataset.state = "dirty";
    if (conflict) {
      setStatus("Not saved: choose how to settle the conflict above first.", "save-failed");
      return;
    }
    schedule();
  }

  document.addEventListener("input", onEdit);
  document.addEventListener("change", onEdit);

  function csrfCookie() {
    var match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
    return match ? decodeURIComponent(match[1]) : null;
  }

  document.body.addEventListener("htmx:configRequest", function (event) {
    // After logging in again (in another tab) Django rotates the CSRF token: use the current one.
    var token = csrfCookie();
    if (token) {
      event.detail.headers["X-CSRFToken"] = token;
      if (event.detail.parameters.csrfmiddlewaretoken !== undefined) {
        event.detail.parameters.csrfmiddlewaretoken = token;
      }
    }
    if (source(event) === form) {
      sent = snapshot();
      inFlight = true;
      setStatus("Saving…", "saving");
    }
  });

  // The server's refusals (conflict, broken rule, read-only) carry a message to show.
  function source(event) {
    var d = event.detail;
    // The element that made the request (beforeSwap's own `elt` is the swap target).
    return (d.requestConfig && d.requestConfig.elt) || d.elt || null;
  }

  document.body.addEventListener("htmx:beforeSwap", function (event) {
    var code = event.detail.xhr.status;
    if (source(event) === form && (code === 409 || code === 422 || code === 423)) {
      event.detail.shouldSwap = true;
      event.detail.isError = false;
    }
  });

  document.body.addEventListener("htmx:afterRequest", function (event) {
    if (source(event) !== form) return;
    inFlight = false;
    var code = event.detail.xhr ? event.detail.xhr.status : 0;
    if (code >= 200 && code < 300) {
      lastSaved = sent;
      conflict = false;
      clearTimeout(retryTimer);
      if (dirty()) {
        backup();
        schedule();
      } else {
        clearBackup();
        form.dataset.state = "saved";
        runWaiters(true);
      }
    } else if (code === 409) {
      conflict = true;
      form.dataset.state = "conflict";
      runWaiters(false);
      var panel = document.getElementById("conflict");
      if (panel) panel.scrollIntoView({ block: "center" });
    } else if (code === 422 || code === 423) {
      form.dataset.state = "save-failed";
      // The refusal stays on screen until a save succeeds: the next edit is sent even when it
      // puts back the text the server holds (typed back, nothing differs from lastSaved).
      lastSaved = "";
      runWaiters(false);
    }
  });

  document.body.addEventListener("htmx:responseError", function (event) {
    var code = event.detail.xhr.status;
    var what = source(event) === form ? "Not saved" : "That change was not saved";
    if (code === 401 || code === 403) {
      failed(
        what + ": you are logged out (or your session changed). Your text is still here and kept in this browser; it saves as soon as you are logged in again.",
        { href: loginUrl, text: "Log in again (new tab)" }
      );
    } else if (code === 404) {
      failed(what + ": this agenda is no longer open to you. Your text is still here; copy it before leaving.");
    } else {
      failed(what + ": the server had a problem (" + code + "). Your text is still here; we will try again.");
    }
  });

  function offline(event) {
    var what = source(event) === form ? "Not saved" : "That change was not saved";
    failed(what + ": no connection. Your text is still here and kept in this browser; it saves when you are back online.");
  }
  document.body.addEventListener("htmx:sendError", offline);
  document.body.addEventListener("htmx:timeout", offline);

  function retryNow() {
    if (dirty() && !inFlight && !conflict) save();
  }
  window.addEventListener("online", retryNow);
  window.addEventListener("focus", retryNow);
  document.addEventListener("visibilitychange", function () {
    if (document.visibilityState === "visible") retryNow();
    else if (timer) save();
  });
  window.addEventListener("pagehide", function () {
    if (timer) save();
  });
  window.addEventListener("beforeunload", function (event) {
    if (leaving || (!dirty() && !inFlight)) return;
    backup();
    event.preventDefault();
    event.returnValue = "";
  });

  // The full form post (Save draft / Submit / Keep my text) must not race an autosave.
  form.addEventListener("submit", function (event) {
    var submitter = event.submitter;
    if (submitter && submitter.classList.contains("keep-mine")) {
      event.preventDefault();
      versionInput().value = submitter.dataset.version;
      conflict = false;
      document.getElementById("conflict-slot").textContent = "";
      lastSaved = "";
      save();
      return;
    }
    if (inFlight) {
      event.preventDefault();
      waiters.push(function () {
        leaving = true;
        form.requestSubmit(submitter);
      });
      return;
    }
    clearTimeout(timer);
    timer = null;
    leaving = true;
    backup();
    var token = csrfCookie();  // current even if the scholar logged in again in another tab
    if (token) {
      form.querySelectorAll("input[name=csrfmiddlewaretoken]").forEach(function (input) {
        input.value = token;
      });
    }
  });

  document.addEventListener("click", function (event) {
    var link = event.target.closest && event.target.closest("a.preview-link, a.use-saved");
    if (!link) return;
    if (link.classList.contains("use-saved")) {
      clearBackup();
      leaving = true;
      return;
    }
    if (!dirty() && !inFlight) return;
    event.preventDefault();
    whenSaved(function () {
      window.location.href = link.href;
    });
  });

  // --- Brevity meter --------------------------------------------------------------------------

  var totalEl = document.getElementById("word-total");
  var meter = document.getElementById("word-meter");
  var warning = document.getElementById("length-warning");
  var limit = warning ? parseInt(warning.dataset.limit, 10) : 0;
  var wasOver = null;

  function countWords(text) {
    var trimmed = (text || "").trim();
    return trimmed ? trimmed.split(/\s+/).length : 0;
  }

  function updateCounts() {
    var total = 0;
    document.querySelectorAll("[data-words-for]").forEach(function (counter) {
      var field = document.getElementById(counter.dataset.wordsFor);
      var n = field ? countWords(field.value) : 0;
      total += n;
      counter.textContent = n + (n === 1 ? " word" : " words");
    });
    var questions = document.getElementById("questions");
    if (questions) total += parseInt(questions.dataset.questionWords || "0", 10);
    if (totalEl) totalEl.textContent = String(total);
    var barWords = document.getElementById("bar-words");
    if (barWords) barWords.textContent = String(total);
    if (meter) {
      meter.value = total;
      meter.textContent = total + " words";
    }
    var over = limit > 0 && total > limit;
    if (warning && over !== wasOver) {
      warning.textContent = "";
      if (over) {
        var strong = document.createElement("span");
        strong.className = "warning";
        strong.textContent = "Over one page.";
        warning.appendChild(strong);
        warning.appendChild(
          document.createTextNode(
            " Your mentor will see “Over one page”: cut what the meeting does not need."
          )
        );
      }
      wasOver = over;
    }
  }

  // --- Questions: drag to rank, focus and announcements after swaps ---------------------------

  // Per swapped region (by id): the id of the control that had focus when its request left,
  // so an autosave finishing meanwhile cannot steal the question list's focus.
  var focusFor = {};

  document.body.addEventListener("htmx:beforeRequest", function (event) {
    var active = document.activeElement;
    var region = event.detail.target;
    if (region && region.id && active && active.id && region.contains(active)) {
      focusFor[region.id] = active.id;
    }
  });

  function announce(text) {
    var live = document.getElementById("questions-status");
    if (live && text) {
      live.textContent = "";
      window.setTimeout(function () { live.textContent = text; }, 50);
    }
  }

  function restoreFocus(region) {
    var focusId = focusFor[region.id];
    delete focusFor[region.id];
    if (!focusId) return;
    var target = document.getElementById(focusId);
    if (!target || target.disabled) {
      var twin = focusId.replace(/-up$/, "-DOWN").replace(/-down$/, "-up").replace(/-DOWN$/, "-down");
      target = document.getElementById(twin);
    }
    if (target && target.closest("details:not([open])")) {
      // e.g. the closed "Edit" of a question just saved: land on that question instead.
      target = target.closest("li[tabindex]");
    }
    if (!target || target.disabled || !region.contains(target)) {
      target = region.querySelector("h2, h3");
      if (target) target.setAttribute("tabindex", "-1");
    }
    if (target) target.focus();
  }

  function initSortable(list) {
    if (!list || list.dataset.sortable || typeof Sortable === "undefined") return;
    list.dataset.sortable = "1";
    Sortable.create(list, {
      handle: ".drag-handle",
      draggable: ".question-item",
      animation: 150,
      // Sortable marks the chosen item with an inline style and then clones it; a cloned style
      // attribute breaks the strict CSP, so drop it before the clone is made.
      onChoose: function (evt) {
        evt.item.removeAttribute("style");
      },
      onEnd: function (evt) {
        list.querySelectorAll("[style]").forEach(function (el) {
          el.removeAttribute("style");
        });
        if (evt.oldIndex !== evt.newIndex) htmx.trigger("#reorder-form", "reorder");
      },
    });
  }

  htmx.onLoad(function (root) {
    var regions = [];
    if (root.id === "questions" || root.id === "carried") regions.push(root);
    if (root.querySelectorAll) {
      initSortable(root.id === "question-list" ? root : root.querySelector("#question-list"));
    }
    regions.forEach(function (region) {
      announce(region.dataset.announce);
      restoreFocus(region);
      region.dataset.ready = "1"; // processed by htmx: its controls work (tests wait for this)
    });
    updateCounts();
  });

  // --- What stops a save or a submit: the summary's links lead to the fields -------------------

  // Focus the field without the browser's own scroll, then bring its whole block (label, text,
  // error message) into view below the top of the screen, clear of the sticky save bar.
  function focusField(id) {
    var field = document.getElementById(id);
    if (!field) return false;
    field.focus({ preventScroll: true });
    var block = field.closest(".field, .questions-box") || field;
    block.scrollIntoView({ block: "start" });
    return true;
  }

  document.addEventListener("click", function (event) {
    var link = event.target.closest && event.target.closest("#error-summary a[data-focus]");
    if (link && focusField(link.dataset.focus)) event.preventDefault();
  });

  var firstProblem = document.querySelector("#error-summary a[data-focus]");
  if (firstProblem) focusField(firstProblem.dataset.focus);

  // --- Text areas grow with their text ----------------------------------------------------------

  // CSS `field-sizing: content` does this where supported; elsewhere the height follows the text.
  if (!(window.CSS && CSS.supports && CSS.supports("field-sizing", "content"))) {
    var grow = function (el) {
      el.style.height = "auto";
      el.style.height = el.scrollHeight + el.offsetHeight - el.clientHeight + "px";
    };
    fields().forEach(function (el) {
      if (el.tagName === "TEXTAREA") grow(el);
    });
    document.addEventListener("input", function (event) {
      if (event.target.tagName === "TEXTAREA" && event.target.form === form) grow(event.target);
    });
  }

  updateCounts();
  offerRestore();
  if (form.dataset.unsaved) backup();
})();
