/* Mock portal: show the chosen file's name and size; the file itself never leaves the device. */
(function () {
  "use strict";
  var input = document.getElementById("attachment");
  var info = document.getElementById("attach-info");
  if (!input || !info) return;
  input.addEventListener("change", function () {
    var file = input.files && input.files[0];
    info.textContent = file ? "Đã chọn: " + file.name + " (" + Math.max(1, Math.round(file.size / 1024)) + " KB) — tệp không được tải lên." : "";
  });
})();
