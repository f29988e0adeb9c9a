/* The player screen: join or resume, answer with big buttons, follow the contest. */
(function () {
  "use strict";
  var setup = contestConfig();
  var config = setup.config, t = setup.t;
  var root = document.getElementById("play");
  var storeKey = "contest:" + config.pin;
  var saved = JSON.parse(localStorage.getItem(storeKey) || "null");
  var me = null, seed = saved && saved.seed, shuffle = true, question = null, deadline = null, pendingJoin = null;
  var selection = [], countdown = null, texts = {};

  function $(name) { return root.querySelector("[data-" + name + "]"); }
  function show(screen) {
    var changed = root.dataset.screen !== screen, section = null;
    root.querySelectorAll("[data-screen]").forEach(function (el) {
      el.hidden = el.dataset.screen !== screen;
      if (!el.hidden) { section = el; }
    });
    root.dataset.screen = screen;
    fit();
    if (section) { contestArrive(root, section, changed); }
  }
  /* "Connected" is announced but takes no room on a phone; trouble shows as a line of its own. */
  function status(text) {
    $("status").textContent = text;
    $("status").classList.toggle("visually-hidden", text === t.connected);
  }

  var socket = new ContestSocket(config.socket, {
    open: function () {
      status(t.connected);
      if (saved && saved.token) { socket.send({ type: "resume", token: saved.token }); }
      else if (pendingJoin) { socket.send({ type: "join", nickname: pendingJoin }); }
    },
    lost: function () { status(t.reconnecting); },
    gone: function () { if (!$("gone-text").textContent) { $("gone-text").textContent = t.finished; } show("gone"); },
    frame: function (frame) { (handlers[frame.type] || function () {})(frame); }
  });
  status(t.connecting);

  var form = root.querySelector("[data-join-form]");
  if (form) {
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      pendingJoin = form.nickname.value;
      $("join-error").textContent = "";
      socket.send({ type: "join", nickname: pendingJoin });
    });
  }

  function tick() {
    if (deadline === null) { return; }
    var left = socket.leftUntil(deadline);
    $("timer").textContent = Math.ceil(left / 1000) + " " + t.seconds;
    $("timer").style.setProperty("--left", (question ? left / question.time_limit_ms : 0).toFixed(3));
  }
  function startTimer(at) {
    deadline = at;
    clearInterval(countdown);
    countdown = setInterval(tick, 200);
    tick();
    socket.expectBy(at);
  }
  function stopTimer() { deadline = null; clearInterval(countdown); }

  /* Shrink the question's text (down to 85 %) until the screen fits the viewport without scrolling. */
  function fit() {
    var page = document.documentElement, scale = 1;
    root.style.setProperty("--fit", "1");
    while (root.dataset.screen === "question" && page.scrollHeight > innerHeight && scale > 0.85) {
      scale -= 0.05;
      root.style.setProperty("--fit", scale.toFixed(2));
    }
  }
  window.addEventListener("resize", fit);

  function piece(text) {
    var span = document.createElement("span");
    span.textContent = text;
    return span;
  }

  function waiting(text) { stopTimer(); $("wait-text").textContent = text; show("waiting"); }

  function send(choices) {
    root.querySelectorAll(".answer").forEach(function (b) { b.disabled = true; });
    if (socket.send({ type: "answer", index: question.index, choices: choices })) { status(t.sending); }
  }

  function renderQuestion(q, remaining) {
    question = q;
    selection = [];
    $("qnum").textContent = t.question + " " + (q.index + 1) + " " + t.of + " " + q.count;
    $("qtext").textContent = q.text;
    var ids = q.choices.map(function (c) { return c.id; });
    var order = shuffle && seed ? ContestOrder.choiceOrder(seed, q.index, ids) : ids;
    var byId = {};
    q.choices.forEach(function (c) { byId[c.id] = c; texts[c.id] = c.text; });
    var box = $("answers");
    box.textContent = "";
    box.className = "answers answers-" + q.kind;
    order.forEach(function (id, n) {
      var button = document.createElement("button");
      button.type = "button";
      button.className = "answer ans-" + (n % 4);
      button.dataset.id = id;
      var mark = document.createElement("span");
      mark.className = "answer-mark";
      mark.setAttribute("aria-hidden", "true");
      mark.append(piece(contestShapes[n % contestShapes.length]), piece(contestLetters[n]));
      var label = document.createElement("span");
      label.textContent = byId[id].text;
      button.append(mark, label);
      button.setAttribute("aria-label", contestLetters[n] + ": " + byId[id].text);
      button.addEventListener("click", function () { choose(button); });
      box.appendChild(button);
    });
    var multi = q.kind === "multiple" || q.kind === "ordering";
    $("multi").hidden = !multi;
    $("submit").textContent = t.submit;
    $("reset").textContent = t.reset;
    $("submit").disabled = true;
    $("hint").textContent = q.kind === "ordering" ? t.orderHint : (q.kind === "multiple" ? t.multiHint : "");
    $("order").textContent = "";
    show("question");
    if (remaining !== undefined && remaining !== null) { stopTimer(); $("timer").textContent = t.paused; }
  }

  function choose(button) {
    var id = button.dataset.id;
    if (question.kind === "single" || question.kind === "truefalse") {
      button.setAttribute("aria-pressed", "true");
      send([id]);
      return;
    }
    if (question.kind === "multiple") {
      var at = selection.indexOf(id);
      if (at >= 0) { selection.splice(at, 1); } else { selection.push(id); }
      button.setAttribute("aria-pressed", at >= 0 ? "false" : "true");
    } else if (selection.indexOf(id) < 0) {
      selection.push(id);
      button.setAttribute("aria-pressed", "true");
      button.dataset.rank = selection.length;
      $("order").textContent = selection.map(function (s, n) {
        return (n + 1) + ". " + texts[s];
      }).join("  ");
    }
    $("submit").disabled = question.kind === "ordering" ? selection.length !== question.choices.length : !selection.length;
  }
  $("submit").addEventListener("click", function () { send(selection.slice()); });
  $("reset").addEventListener("click", function () { renderQuestion(question); startTimer(deadline); });

  function showMe(player) {
    me = player;
    $("me").hidden = false;
    $("me").textContent = player.nickname + (player.team ? " · " + player.team : "") + (typeof player.score === "number" ? " · " + player.score + " " + t.points : "");
  }

  function renderReveal(frame) {
    stopTimer();
    var you = frame.you || {};
    $("verdict").textContent = !you.answered ? t.noAnswer : (you.late ? t.late : (you.correct ? t.correct : t.wrong));
    $("verdict").className = you.correct ? "verdict-ok" : "verdict-bad";
    $("points").textContent = "+" + (you.points || 0) + " " + t.points;
    $("standing").textContent = t.score + ": " + (you.score || 0) + " · " + (you.rank ? place(you, frame.total) : t.rank + " –/" + frame.total);
    $("explain").textContent = frame.explanation || "";
    if (me && typeof you.score === "number") { me.score = you.score; showMe(me); }
    show("reveal");
  }

  function place(you, total) {
    return t.rank + " " + you.rank + "/" + total + (you.tied ? " (" + t.tied + ")" : "");
  }

  /* Rows carry their rank (equal points, equal rank), so the list itself is not numbered. */
  function renderPodium(frame) {
    stopTimer();
    var list = $("podium");
    list.textContent = "";
    frame.podium.forEach(function (row) {
      var item = document.createElement("li");
      item.textContent = row.rank + ". " + row.nickname + " – " + row.score + (row.tied ? " (" + t.tied + ")" : "");
      list.appendChild(item);
    });
    var you = frame.you;
    $("final").textContent = you ? place(you, frame.total) + " · " + you.score + " " + t.points : "";
    var tie = frame.podium.some(function (row) { return row.tied; }) || !!(you && you.tied);
    $("podium-note").hidden = !tie;
    $("podium-note").textContent = tie ? t.tieNote : "";
    show("finished");
  }

  var handlers = {
    joined: function (frame) {
      saved = { token: frame.token, seed: frame.seed };
      seed = frame.seed;
      localStorage.setItem(storeKey, JSON.stringify(saved));
    },
    state: function (s) {
      shuffle = s.contest.shuffle_choices;
      if (s.player) { seed = s.player.seed; showMe(s.player); }
      var phase = s.phase === "paused" ? s.paused_phase : s.phase;
      if (s.phase === "paused" && phase !== "question") { show("paused"); return; }
      if (phase === "lobby") { $("count").textContent = s.players; show("lobby"); }
      else if (phase === "question") {
        if (s.answered) { question = s.question; waiting(t.answered); socket.expectBy(s.deadline); }
        else {
          renderQuestion(s.question, s.phase === "paused" ? s.remaining_ms : null);
          if (s.phase !== "paused") { startTimer(s.deadline); }
        }
      }
      else if (phase === "reveal") { renderReveal(s.reveal); }
      else if (phase === "leaderboard") { handlers.leaderboard(s.leaderboard); }
      else if (phase === "finished") { renderPodium(s.finished); }
    },
    lobby: function (frame) { $("count").textContent = frame.count; },
    question: function (frame) { renderQuestion(frame); startTimer(frame.deadline); },
    answer_ack: function () { status(t.connected); waiting(t.sent); },
    reveal: renderReveal,
    leaderboard: function (frame) {
      var you = frame.you;
      $("board-rank").textContent = you ? place(you, frame.total) + " · " + you.score + " " + t.points : "";
      show("leaderboard");
    },
    finished: renderPodium,
    paused: function () { stopTimer(); show("paused"); },
    resumed: function () { socket.send({ type: "sync" }); },
    error: function (frame) {
      if (frame.code === "unknown_token") {
        localStorage.removeItem(storeKey);
        saved = null;
        show("join");
        return;
      }
      if (frame.code === "kicked" || frame.code === "contest_not_found" || frame.code === "too_many_attempts") {
        $("gone-text").textContent = frame.message;
        if (frame.code === "kicked") { localStorage.removeItem(storeKey); }
        show("gone");
        return;
      }
      if (!me && $("join-error")) { $("join-error").textContent = frame.message; pendingJoin = null; return; }
      status(frame.message);
      root.querySelectorAll(".answer").forEach(function (b) { b.disabled = false; });
    }
  };
})();
