/* Copy buttons: a button with data-copy-target="<id of a text field>" copies that field's text
 * with the clipboard API and says "Copied" in the element named by data-copy-status. Buttons
 * stay hidden without this script; the field itself selects all its text on focus. */
(function () {
  "use strict";

  function say(statusEl, text) {
    if (!statusEl) return;
    statusEl.textContent = text;
  }

  document.querySelectorAll("[data-copy-target]").forEach(function (button) {
    var field = document.getElementById(button.dataset.copyTarget);
    var statusEl = document.getElementById(button.dataset.copyStatus);
    if (!field) return;
    field.addEventListener("focus", function () {
      field.select();
    });
    button.hidden = false;
    button.addEventListener("click", function () {
      var text = field.value;
      function fallback() {
        field.focus();
        field.select();
        var ok = false;
        try {
          ok = document.execCommand("copy");
        } catch (e) {
          ok = false;
        }
        say(statusEl, ok ? "Copied" : "Press Ctrl+C (⌘C on a Mac) to copy the selected link");
      }
      if (navigator.clipboard && window.isSecureContext) {
        navigator.clipboard.writeText(text).then(function () {
          say(statusEl, "Copied");
        }, fallback);
      } else {
        fallback();
      }
    });
  });
})();
