/* Practice page: answer without a page reload, and reorder ordering items with buttons.
   Without JavaScript the forms post normally and the position selects do the ordering. */
(function () {
  "use strict";
  var box = document.getElementById("practice");
  if (!box) return;

  function renumber(list) {
    var items = list.querySelectorAll(".order-item");
    items.forEach(function (item, i) {
      item.querySelector("select").value = String(i + 1);
      item.querySelector(".order-move.up").disabled = i === 0;
      item.querySelector(".order-move.down").disabled = i === items.length - 1;
    });
  }

  // The page's translated "%(name)s" template, filled in (a function, so "$" in a name stays literal).
  function fill(template, values) {
    return template.replace(/%\((\w+)\)s/g, function (_, key) { return values[key]; });
  }

  function button(label, cls, text) {
    var b = document.createElement("button");
    b.type = "button";
    b.className = "order-move " + cls;
    b.setAttribute("aria-label", label);
    b.textContent = text;
    return b;
  }

  function enhance(root) {
    root.querySelectorAll(".order-list").forEach(function (list) {
      list.querySelectorAll(".order-item").forEach(function (item) {
        var name = item.querySelector(".order-text").textContent;
        item.appendChild(button(fill(list.dataset.moveUp, {item: name}), "up", "▲"));
        item.appendChild(button(fill(list.dataset.moveDown, {item: name}), "down", "▼"));
      });
      list.addEventListener("click", function (event) {
        var move = event.target.closest(".order-move");
        if (!move) return;
        var item = move.closest(".order-item");
        if (move.classList.contains("up") && item.previousElementSibling) {
          list.insertBefore(item, item.previousElementSibling);
        } else if (move.classList.contains("down") && item.nextElementSibling) {
          list.insertBefore(item.nextElementSibling, item);
        }
        renumber(list);
        move.focus();
      });
      list.addEventListener("change", function (event) {
        // A chosen place number moves the item there, so the list always shows the current order.
        var select = event.target.closest("select");
        if (!select) return;
        var item = select.closest(".order-item");
        var items = Array.prototype.slice.call(list.querySelectorAll(".order-item"));
        var target = Math.max(0, Math.min(items.length - 1, parseInt(select.value, 10) - 1));
        list.removeChild(item);
        var rest = list.querySelectorAll(".order-item");
        list.insertBefore(item, rest[target] || null);
        renumber(list);
        select.focus();
      });
      renumber(list);
    });
  }

  box.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.classList.contains("answer-form") || !window.fetch) return;
    event.preventDefault();
    var submit = form.querySelector("button[type=submit]");
    submit.disabled = true;
    submit.setAttribute("aria-busy", "true");
    fetch(form.action, {
      method: "POST", body: new FormData(form), credentials: "same-origin",
      headers: { "X-Requested-With": "fetch" }
    }).then(function (response) {
      if (response.redirected || response.status >= 500) { window.location.href = response.url; return null; }
      return response.text();
    }).then(function (html) {
      if (html === null) return;
      box.innerHTML = html;
      enhance(box);
      var heading = box.querySelector("[data-focus]");
      if (heading) heading.focus();
    }).catch(function () {
      form.submit();  // offline or interrupted: fall back to a normal post
    });
  });

  enhance(box);
})();
