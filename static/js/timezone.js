/* Preselect the browser's time zone in a <select data-browser-zone="preselect"> (the invitation
 * page), when the browser names a zone the list has. Without JS the select keeps UTC. */
(function () {
  "use strict";

  var select = document.querySelector('select[data-browser-zone="preselect"]');
  if (!select || typeof Intl === "undefined" || !Intl.DateTimeFormat) return;
  var zone = "";
  try {
    zone = Intl.DateTimeFormat().resolvedOptions().timeZone || "";
  } catch (e) {
    return;
  }
  for (var i = 0; i < select.options.length; i++) {
    if (select.options[i].value === zone) {
      select.value = zone;
      return;
    }
  }
})();
