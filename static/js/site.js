// Small behaviours of every page, as a file (the Content-Security-Policy allows no inline script).
(function () {
  "use strict";
  // A form that takes a while (bulk certificates) says so and cannot be sent twice.
  document.querySelectorAll("form.busy-form").forEach(function (form) {
    form.addEventListener("submit", function () {
      var button = form.querySelector("button[type=submit]");
      if (!button) { return; }
      button.setAttribute("aria-busy", "true");
      if (button.dataset.busyText) { button.textContent = button.dataset.busyText; }
      setTimeout(function () { button.disabled = true; }, 0);
    });
  });
  document.querySelectorAll("[data-print]").forEach(function (button) {
    button.addEventListener("click", function () { window.print(); });
  });
  // "Back" links go back in history when there is one, else follow their href.
  document.querySelectorAll("a[data-back]").forEach(function (link) {
    link.addEventListener("click", function (event) {
      if (window.history.length > 1) { event.preventDefault(); window.history.back(); }
    });
  });
}());
