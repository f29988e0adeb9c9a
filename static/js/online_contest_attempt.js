// Answer sheet of an online contest: a countdown to the server's deadline and saving each answer as it is given.
// Without this script the page still works: every question has its own "save" button and the server keeps time.
(function () {
  "use strict";
  var timer = document.getElementById("oc-timer");
  if (!timer) { return; }
  var clock = document.getElementById("oc-clock");
  var announce = document.getElementById("oc-announce");
  var answered = document.getElementById("oc-answered");
  var expiredUrl = timer.dataset.expiredUrl;
  var endsAt = 0;
  var announced = {};

  function resync(remainingSeconds) {
    endsAt = performance.now() + remainingSeconds * 1000;
  }

  function pad(n) { return (n < 10 ? "0" : "") + n; }

  function tick() {
    var left = Math.max(0, Math.round((endsAt - performance.now()) / 1000));
    clock.textContent = pad(Math.floor(left / 60)) + ":" + pad(left % 60);
    timer.classList.toggle("oc-timer-low", left <= 60);
    if (left === 300 && !announced.five) { announced.five = true; announce.textContent = timer.dataset.five; }
    if (left === 60 && !announced.minute) { announced.minute = true; announce.textContent = timer.dataset.minute; }
    if (left <= 0) {
      window.location.assign(expiredUrl);
      return;
    }
    window.setTimeout(tick, 250);
  }

  function status(form, text, isError) {
    var el = form.querySelector(".oc-status");
    if (el) {
      el.textContent = text;
      el.classList.toggle("error", !!isError);
    }
  }

  function complete(form) {
    var selects = form.querySelectorAll("select[name=response]");
    for (var i = 0; i < selects.length; i++) {
      if (!selects[i].value) { return false; }
    }
    return true;
  }

  function countAnswered() {
    var saved = document.querySelectorAll(".oc-question[data-saved=true]").length;
    if (answered) { answered.textContent = saved; }
  }

  function save(form) {
    status(form, timer.dataset.saving, false);
    fetch(form.action, {
      method: "POST",
      body: new FormData(form),
      headers: { "Accept": "application/json" },
      credentials: "same-origin"
    }).then(function (response) {
      return response.json().then(function (data) { return { ok: response.ok, data: data }; });
    }).then(function (result) {
      if (result.ok) {
        form.dataset.saved = "true";
        status(form, timer.dataset.saved, false);
        resync(result.data.remaining);
        countAnswered();
      } else if (result.data.finished) {
        window.location.assign(expiredUrl);
      } else {
        status(form, result.data.error, true);
      }
    }).catch(function () {
      status(form, timer.dataset.offline, true);
    });
  }

  var forms = document.querySelectorAll("form.oc-question");
  Array.prototype.forEach.call(forms, function (form) {
    if (form.querySelector(".oc-status").textContent.trim()) { form.dataset.saved = "true"; }
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      save(form);
    });
    form.addEventListener("change", function () {
      if (form.id === "estimate") { return; }
      if (!complete(form)) {
        status(form, timer.dataset.incomplete, false);
        return;
      }
      save(form);
    });
  });

  resync(parseInt(timer.dataset.remaining, 10) || 0);
  tick();
})();
