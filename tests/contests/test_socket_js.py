"""static/js/contest-socket.js asks for the state when a question's frames stop coming."""

import json
import shutil
import subprocess
from pathlib import Path

import pytest

SCRIPT = Path(__file__).resolve().parents[2] / "static" / "js" / "contest-socket.js"
# A page without a browser: just enough window, document and WebSocket for the
# script to open a socket whose outgoing messages are recorded.
RUNNER = """
const sent = {quiet: [], answered: []};
let current = null;
class FakeSocket {
  constructor() { this.readyState = 1; this.log = null; current = this; }
  send(text) { this.log.push(JSON.parse(text).type); }
  close() {}
}
global.window = {location: {protocol: "http:", host: "test"}, addEventListener() {}};
global.document = {addEventListener() {}, hidden: false};
global.WebSocket = FakeSocket;
require(process.argv[1]);
const handlers = {open() {}, frame() {}, lost() {}, gone() {}};
function page(log) {
  const socket = new window.ContestSocket("/ws/x/", handlers);
  current.log = log;
  current.onmessage({data: JSON.stringify({type: "question", seq: 1})});
  socket.expectBy(Date.now() + 10);
  return current;
}
page(sent.quiet);
const answered = page(sent.answered);
setTimeout(() => answered.onmessage({data: JSON.stringify({type: "reveal", seq: 2})}), 500);
setTimeout(() => { console.log(JSON.stringify(sent)); process.exit(0); }, 2600);
"""


def test_a_question_that_goes_quiet_after_its_deadline_triggers_a_sync():
    node = shutil.which("node")
    if node is None:
        pytest.skip("node is not installed")
    result = subprocess.run([node, "-e", RUNNER, str(SCRIPT)], capture_output=True, text=True, check=True, timeout=30)
    sent = json.loads(result.stdout)
    assert sent["quiet"] == ["sync"]  # nothing after the deadline: ask for the state
    assert sent["answered"] == []  # the reveal came: nothing to ask
