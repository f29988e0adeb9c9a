/* A WebSocket that comes back by itself: backoff with jitter, a heartbeat that notices
   silently dropped sockets (phone screen lock), sequence tracking and the server clock. */
(function (root) {
  "use strict";
  var FINAL_CODES = [4403, 4404, 4429];

  function ContestSocket(path, handlers) {
    this.path = path;
    this.handlers = handlers;
    this.attempt = 0;
    this.seq = -1;
    this.offset = 0;
    this.gone = false;
    this.timer = null;
    var self = this;
    function wake() { if (!self.gone && (!self.ws || self.ws.readyState > 1)) { self.reconnectNow(); } }
    document.addEventListener("visibilitychange", function () { if (!document.hidden) { wake(); } });
    root.addEventListener("online", wake);
    setInterval(function () { self.heartbeat(); }, 15000);
    this.open();
  }

  ContestSocket.prototype.open = function () {
    var self = this;
    var scheme = root.location.protocol === "https:" ? "wss://" : "ws://";
    var ws = new WebSocket(scheme + root.location.host + this.path);
    this.ws = ws;
    this.lastHeard = Date.now();
    ws.onopen = function () { self.attempt = 0; self.handlers.open(); };
    ws.onmessage = function (event) {
      self.lastHeard = Date.now();
      var frame;
      try { frame = JSON.parse(event.data); } catch (e) { return; }
      if (typeof frame.server_time === "number") { self.offset = frame.server_time - Date.now(); }
      if (typeof frame.seq === "number") {
        if (frame.type !== "state" && frame.seq < self.seq) { return; }  // older than what is on screen
        var gap = frame.type !== "state" && self.seq >= 0 && frame.seq > self.seq + 1;
        self.seq = Math.max(self.seq, frame.seq);
        if (frame.type === "state") { self.seq = frame.seq; }
        if (gap) { self.send({ type: "sync" }); }
      }
      self.handlers.frame(frame);
    };
    ws.onclose = function (event) {
      if (self.ws !== ws) { return; }
      if (FINAL_CODES.indexOf(event.code) >= 0) { self.gone = true; self.handlers.gone(event.code); return; }
      self.handlers.lost();
      self.schedule();
    };
  };

  ContestSocket.prototype.schedule = function () {
    var self = this;
    var base = Math.min(15000, 500 * Math.pow(2, this.attempt));
    var delay = base / 2 + Math.random() * base / 2;  // jitter: a class reconnecting does not stampede
    this.attempt += 1;
    clearTimeout(this.timer);
    this.timer = setTimeout(function () { self.open(); }, delay);
  };

  ContestSocket.prototype.reconnectNow = function () {
    clearTimeout(this.timer);
    this.attempt = 0;
    this.open();
  };

  ContestSocket.prototype.heartbeat = function () {
    if (!this.ws || this.ws.readyState !== 1) { return; }
    if (Date.now() - this.lastHeard > 40000) { this.ws.close(); return; }
    this.send({ type: "ping" });
  };

  ContestSocket.prototype.send = function (message) {
    if (!this.ws || this.ws.readyState !== 1) { return false; }
    this.ws.send(JSON.stringify(message));
    return true;
  };

  /* Ask for the state when nothing new has come by a deadline (plus a grace): a frame lost
     while the server's channel layer restarted must not leave the screen stuck. */
  ContestSocket.prototype.expectBy = function (deadline) {
    var self = this, seq = this.seq;
    clearTimeout(this.expectTimer);
    this.expectTimer = setTimeout(function () {
      if (self.seq === seq) { self.send({ type: "sync" }); }
    }, this.leftUntil(deadline) + 2000);
  };

  /* Milliseconds left until a server deadline, by the server's clock. */
  ContestSocket.prototype.leftUntil = function (deadline) {
    return Math.max(0, deadline - (Date.now() + this.offset));
  };

  root.ContestSocket = ContestSocket;
  root.contestConfig = function () {
    return {
      config: JSON.parse(document.getElementById("contest-config").textContent),
      t: JSON.parse(document.getElementById("contest-strings").textContent)
    };
  };
  /* A new screen of ``page`` takes the focus (its first field, else its heading) and is announced, so
     keyboard and screen-reader users follow the contest; a re-render that removed the focused element
     does the same. Shared by the host and the player screens. */
  root.contestArrive = function (page, section, changed) {
    var active = document.activeElement;
    if (!changed && active && active !== document.body && page.contains(active)) { return; }
    var target = section.querySelector("input:not([type=hidden])") || section.querySelector("h1, h2");
    if (!target) { return; }
    if (!/^(INPUT|BUTTON|A)$/.test(target.tagName)) { target.setAttribute("tabindex", "-1"); }
    target.focus({ preventScroll: true });
    if (changed) {
      var heading = section.querySelector("h1, h2");
      page.querySelector("[data-announce]").textContent = heading ? heading.textContent.trim() : "";
    }
  };
  root.contestShapes = ["▲", "◆", "●", "■", "★", "⬟"];
  root.contestLetters = "ABCDEF";
})(window);
