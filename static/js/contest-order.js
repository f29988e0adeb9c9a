/* Per-player answer order, the exact twin of contests.engine.choice_order.
   Usable in the browser (window.ContestOrder) and in node (module.exports) for the test vectors. */
(function (root) {
  "use strict";

  function utf8(text) {
    return Array.from(new TextEncoder().encode(text));
  }

  function fnv1a32(bytes) {
    var h = 0x811c9dc5;
    for (var i = 0; i < bytes.length; i++) {
      h = Math.imul(h ^ bytes[i], 0x01000193) >>> 0;
    }
    return h >>> 0;
  }

  function mulberry32(a) {
    return function () {
      a |= 0; a = (a + 0x6d2b79f5) | 0;
      var t = Math.imul(a ^ (a >>> 15), 1 | a);
      t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
      return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    };
  }

  function choiceOrder(seed, questionIndex, choiceIds) {
    var next = mulberry32(fnv1a32(utf8(seed + ":" + questionIndex)));
    var order = choiceIds.slice();
    for (var i = order.length - 1; i > 0; i--) {
      var j = Math.floor(next() * (i + 1));
      var swap = order[i]; order[i] = order[j]; order[j] = swap;
    }
    return order;
  }

  var api = { fnv1a32: fnv1a32, mulberry32: mulberry32, choiceOrder: choiceOrder, utf8: utf8 };
  if (typeof module !== "undefined" && module.exports) { module.exports = api; } else { root.ContestOrder = api; }
})(this);
