/* The host screen for the projector: lobby, questions, live counts, reveal, leaderboard, podium. */
(function () {
  "use strict";
  var setup = contestConfig();
  var config = setup.config, t = setup.t;
  var root = document.getElementById("host");
  var question = null, deadline = null, countdown = null, phase = "lobby", locked = false;
  var counted = { index: -1, count: 0 };
  // Phones that shuffle choices each see their own order: the projector then names no letter,
  // shape or colour (they would contradict a phone), only the texts (docs/protocol.md).
  var shared = !config.shuffle_choices;

  function $(name) { return root.querySelector("[data-" + name + "]"); }
  function show(screen) {
    var changed = root.dataset.shown !== screen, section = null;
    root.querySelectorAll("[data-screen]").forEach(function (el) {
      el.hidden = el.dataset.screen !== screen;
      if (!el.hidden) { section = el; }
    });
    root.dataset.phase = screen;
    root.dataset.shown = screen;
    fit();
    if (section) { contestArrive(root, section, changed); }
  }
  /* Shrink the text (down to 70 %) until the screen fits the stage without scrolling. */
  function fit() {
    var stage = $("stage"), scale = 1;
    root.style.setProperty("--fit", "1");
    while (stage.scrollHeight > stage.clientHeight + 1 && scale > 0.7) {
      scale -= 0.05;
      root.style.setProperty("--fit", scale.toFixed(2));
    }
  }
  window.addEventListener("resize", fit);
  function mark(n) {
    var span = document.createElement("span");
    span.className = "host-mark";
    span.textContent = contestShapes[n % contestShapes.length] + " " + contestLetters[n];
    return span;
  }
  function text(value) {
    var span = document.createElement("span");
    span.textContent = value;
    return span;
  }
  function visuallyHidden(value) {
    var span = document.createElement("span");
    span.className = "visually-hidden";
    span.textContent = value;
    return span;
  }
  function item(text, className) {
    var li = document.createElement("li");
    li.textContent = text;
    if (className) { li.className = className; }
    return li;
  }

  var socket = new ContestSocket(config.socket, {
    open: function () { $("status").textContent = t.connected; },
    lost: function () { $("status").textContent = t.reconnecting; },
    gone: function () { $("status").textContent = t.finished; },
    frame: function (frame) { (handlers[frame.type] || function () {})(frame); }
  });
  $("status").textContent = t.connecting;

  function controls() {
    var paused = phase === "paused";
    var visible = {
      start: phase === "lobby",
      next: phase === "reveal" || phase === "leaderboard",
      close: phase === "question",
      pause: phase === "question" || phase === "reveal" || phase === "leaderboard",
      resume: paused,
      lock: phase !== "finished" && !locked,
      unlock: phase !== "finished" && locked,
      end: phase !== "finished"
    };
    root.querySelectorAll("[data-action]").forEach(function (button) {
      button.hidden = !visible[button.dataset.action];
    });
    $("locked").hidden = !locked;
    $("status").textContent = paused ? t.paused : t.connected;
  }
  root.querySelectorAll("[data-action]").forEach(function (button) {
    button.addEventListener("click", function () {
      var action = button.dataset.action;
      if (action === "end" && !confirm(t.endConfirm)) { return; }
      var message = { type: action };
      if (action !== "lock" && action !== "unlock") { message.seq = socket.seq; }
      socket.send(message);
    });
  });
  var contrast = $("contrast");
  function applyContrast(on) {
    document.body.classList.toggle("high-contrast", on);
    contrast.setAttribute("aria-pressed", on ? "true" : "false");
    localStorage.setItem("contest:contrast", on ? "1" : "");
  }
  contrast.addEventListener("click", function () { applyContrast(!document.body.classList.contains("high-contrast")); });
  applyContrast(!!localStorage.getItem("contest:contrast"));

  var fullscreen = $("fullscreen");
  if (document.fullscreenEnabled) {
    fullscreen.hidden = false;
    fullscreen.addEventListener("click", function () {
      if (document.fullscreenElement) { document.exitFullscreen(); } else { document.documentElement.requestFullscreen(); }
    });
    document.addEventListener("fullscreenchange", function () {
      fullscreen.setAttribute("aria-pressed", document.fullscreenElement ? "true" : "false");
    });
  }

  function addPlayer(player) {
    if (root.querySelector('[data-player="' + player.id + '"]')) { return; }
    var li = item(player.nickname + (player.team ? " · " + player.team : ""));
    li.dataset.player = player.id;
    var kick = document.createElement("button");
    kick.type = "button";
    kick.className = "btn btn-small";
    kick.textContent = t.kick;
    kick.setAttribute("aria-label", t.kick + ": " + player.nickname);
    kick.addEventListener("click", function () {
      if (confirm(t.kickConfirm)) { socket.send({ type: "kick", player: player.id }); }
    });
    li.appendChild(kick);
    $("roster").appendChild(li);
  }

  function tick() {
    if (deadline === null) { return; }
    var left = socket.leftUntil(deadline);
    $("timer").textContent = Math.ceil(left / 1000) + " " + t.seconds;
    $("timer").style.setProperty("--left", (left / question.time_limit_ms).toFixed(3));
  }
  function stopTimer() { deadline = null; clearInterval(countdown); }

  function renderQuestion(q, at) {
    question = q;
    $("qnum").textContent = t.question + " " + (q.index + 1) + " " + t.of + " " + q.count;
    $("qtext").textContent = q.text;
    var list = $("choices");
    list.textContent = "";
    q.choices.forEach(function (c, n) {
      var li = item("", shared ? "ans-" + (n % 4) : "ans-plain");
      li.dataset.id = c.id;
      if (shared) { li.append(mark(n)); }
      li.append(text(c.text));
      list.appendChild(li);
    });
    show("question");
    stopTimer();
    if (at) { deadline = at; countdown = setInterval(tick, 200); tick(); socket.expectBy(at); } else { $("timer").textContent = t.paused; }
  }

  function renderReveal(frame) {
    stopTimer();
    $("rtext").textContent = question ? question.text : "";
    var bars = $("bars");
    bars.textContent = "";
    var most = 1;
    Object.keys(frame.distribution).forEach(function (id) { most = Math.max(most, frame.distribution[id]); });
    (question ? question.choices : []).forEach(function (c, n) {
      var right = frame.correct.indexOf(c.id) >= 0;
      var count = frame.distribution[c.id];
      var li = item("", "bar" + (shared ? " ans-" + (n % 4) : "") + (right ? " bar-correct" : ""));
      li.dataset.id = c.id;
      var label = document.createElement("span");
      label.className = "bar-label";
      if (shared) { label.append(mark(n), " "); }
      label.append(c.text);
      if (right) { label.append(visuallyHidden(" – " + t.rightAnswer)); }
      var fill = document.createElement("span");
      fill.className = "bar-fill";
      fill.style.width = (count === undefined ? 0 : 100 * count / most) + "%";
      var value = document.createElement("span");
      value.className = "bar-count";
      value.textContent = count === undefined ? "" : count;
      li.append(label, fill, value);
      bars.appendChild(li);
    });
    if (question && question.kind === "ordering") {
      bars.appendChild(item(frame.correct_count + "/" + frame.answered + " ✔", "bar-total"));
    }
    $("explain").textContent = frame.explanation || "";
    show("reveal");
  }

  /* Rows carry their rank (equal points, equal rank), so the list itself is not numbered. */
  function renderRanking(list, note, rows, teams) {
    var byTeam = !!(teams && teams.length);
    var shown = byTeam ? teams.map(function (r) { return { rank: r.rank, tied: r.tied, nickname: r.name, score: r.score }; }) : rows;
    list.textContent = "";
    shown.forEach(function (row) {
      list.appendChild(item(row.rank + ". " + row.nickname + " – " + row.score + (row.tied ? " (" + t.tied + ")" : "")));
    });
    var tie = shown.some(function (row) { return row.tied; });
    note.hidden = !tie;
    note.textContent = tie ? (byTeam ? t.tieNoteTeams : t.tieNote) : "";
  }

  var handlers = {
    state: function (s) {
      shared = !s.contest.shuffle_choices;
      phase = s.phase;
      locked = s.locked;
      $("count").textContent = s.players;
      $("roster").textContent = "";
      (s.roster || []).forEach(addPlayer);
      var shown = s.phase === "paused" ? s.paused_phase : s.phase;
      if (s.question) { question = s.question; }
      if (shown === "lobby") { show("lobby"); }
      else if (shown === "question") {
        renderQuestion(s.question, s.phase === "paused" ? null : s.deadline);
        $("answers").textContent = s.answers || 0;
        $("total").textContent = s.players;
      }
      else if (shown === "reveal") { renderReveal(s.reveal); }
      else if (shown === "leaderboard") { handlers.leaderboard(s.leaderboard); }
      else if (shown === "finished") { handlers.finished(s.finished); }
      controls();
    },
    player_joined: function (frame) { addPlayer(frame.player); $("count").textContent = frame.count; },
    player_left: function (frame) {
      var li = root.querySelector('[data-player="' + frame.player.id + '"]');
      if (li && frame.kicked) { li.remove(); } else if (li) { li.classList.add("offline"); }
      $("count").textContent = frame.count;
    },
    lobby: function (frame) { locked = frame.locked; $("count").textContent = frame.count; controls(); },
    question: function (frame) {
      phase = "question";
      root.querySelectorAll(".offline").forEach(function (li) { li.classList.remove("offline"); });
      renderQuestion(frame, frame.deadline);
      $("answers").textContent = 0;
      controls();
    },
    answers: function (frame) {
      // Workers send counts concurrently and they may arrive out of order: show the highest per question.
      if (frame.index === counted.index && frame.count < counted.count) { return; }
      counted = { index: frame.index, count: frame.count };
      $("answers").textContent = frame.count;
      $("total").textContent = frame.total;
    },
    reveal: function (frame) { phase = "reveal"; renderReveal(frame); controls(); },
    leaderboard: function (frame) {
      phase = "leaderboard";
      renderRanking($("board"), $("board-note"), frame.top, frame.teams);
      show("leaderboard");
      controls();
    },
    finished: function (frame) {
      phase = "finished";
      stopTimer();
      renderRanking($("podium"), $("podium-note"), frame.podium, frame.teams);
      show("finished");
      controls();
    },
    paused: function () { phase = "paused"; stopTimer(); $("timer").textContent = t.paused; $("status").textContent = t.paused; controls(); },
    resumed: function () { $("status").textContent = t.connected; socket.send({ type: "sync" }); },
    error: function (frame) {
      $("status").textContent = frame.message;
      if (frame.code === "stale") { socket.send({ type: "sync" }); }
    }
  };
})();
