/* Mock portal: show the chosen file's name and size; the file itself never leaves the device. */
(function () {
  "use strict";
  var input = document.getElementById("attachment");
  var info = document.getElementById("attach-info");
  if (!input || !info) return;
  input.addEventListener("change", function () {
    var file = input.files && input.files[0];
    if (!file) { info.textContent = ""; return; }
    var values = {name: file.name, size: String(Math.max(1, Math.round(file.size / 1024)))};
    // The page's translated template; a replacer function keeps "$" in a file name literal.
    info.textContent = info.dataset.chosen.replace(/%\((\w+)\)s/g, function (_, key) { return values[key]; });
  });
})();
