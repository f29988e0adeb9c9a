/* Share buttons: the phone's share sheet (Web Share API: Zalo, Facebook, Messenger…) where there is one,
   otherwise the link is copied. Only a public link and a generic title are shared, never a name. */
(function () {
  "use strict";

  function copy(text) {
    if (navigator.clipboard && navigator.clipboard.writeText) { return navigator.clipboard.writeText(text); }
    return new Promise(function (resolve, reject) {
      var field = document.createElement("textarea");
      field.value = text;
      field.setAttribute("readonly", "");
      field.className = "visually-hidden";
      document.body.appendChild(field);
      field.select();
      var copied = document.execCommand("copy");
      field.remove();
      if (copied) { resolve(); } else { reject(new Error("copy")); }
    });
  }

  document.querySelectorAll("[data-share]").forEach(function (button) {
    var box = button.closest("[data-share-box]");
    var status = box.querySelector("[data-share-status]");
    button.hidden = false;
    button.addEventListener("click", function () {
      var url = button.dataset.share;
      if (navigator.share) {
        navigator.share({ title: button.dataset.shareTitle, url: url }).catch(function () {});
        return;
      }
      copy(url).then(
        function () { status.textContent = box.dataset.copied; },
        function () { status.textContent = box.dataset.copyFailed + " " + url; }
      );
    });
  });
})();
