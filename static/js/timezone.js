/* The invitation page's time zone. Preselect the browser's zone in a
 * <select data-browser-zone="preselect"> when the browser names a zone the list has, and give the
 * sign-in buttons' <input data-browser-zone="fill"> the zone to set on the account: the one
 * chosen in the list, else (no list: the program signs in only through a provider) the
 * browser's when no zone was set before. Without JS the select keeps UTC and the buttons send
 * none (the account keeps its zone). */
(function () {
  "use strict";

  var browserZone = "";
  try {
    if (typeof Intl !== "undefined" && Intl.DateTimeFormat) {
      browserZone = Intl.DateTimeFormat().resolvedOptions().timeZone || "";
    }
  } catch (e) {
    browserZone = "";
  }
  var fills = document.querySelectorAll('input[data-browser-zone="fill"]');
  var select = document.querySelector('select[name="time_zone"]');

  function fillAll(zone) {
    for (var i = 0; i < fills.length; i++) fills[i].value = zone;
  }

  if (select) {
    if (select.getAttribute("data-browser-zone") === "preselect" && browserZone) {
      for (var i = 0; i < select.options.length; i++) {
        if (select.options[i].value === browserZone) {
          select.value = browserZone;
          break;
        }
      }
    }
    fillAll(select.value);
    select.addEventListener("change", function () {
      fillAll(select.value);
    });
  } else if (browserZone) {
    for (var j = 0; j < fills.length; j++) {
      if (!fills[j].value) fills[j].value = browserZone;
    }
  }
})();
