"""The device's answer order (static/js/contest-order.js) equals the engine's, on the engine's test vectors."""

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from contests.engine import choice_order
from tests.contests.test_engine import FNV_VECTORS, MULBERRY_VECTORS, ORDER_VECTORS

SCRIPT = Path(__file__).resolve().parents[2] / "static" / "js" / "contest-order.js"
RUNNER = """
const order = require(process.argv[1]);
const input = JSON.parse(require("fs").readFileSync(0, "utf8"));
console.log(JSON.stringify({
  fnv: input.fnv.map((text) => order.fnv1a32(order.utf8(text))),
  mulberry: input.mulberry.map(([seed, n]) => { const next = order.mulberry32(seed); return Array.from({length: n}, next); }),
  orders: input.orders.map(([seed, index, ids]) => order.choiceOrder(seed, index, ids)),
}));
"""


def test_javascript_choice_order_matches_the_engine_vectors():
    node = shutil.which("node")
    if node is None:
        pytest.skip("node is not installed; the e2e run checks the same vectors in the browser")
    extra = [("Trần Thị Ánh", 7, [f"c{n}" for n in range(6)]), ("", 0, ["a", "b"])]
    payload = {
        "fnv": [text for text, _ in FNV_VECTORS],
        "mulberry": [[seed, len(values)] for seed, values in MULBERRY_VECTORS],
        "orders": [[seed, index, ids] for seed, index, ids, _ in ORDER_VECTORS] + [list(e) for e in extra],
    }
    result = subprocess.run(
        [node, "-e", RUNNER, str(SCRIPT)], input=json.dumps(payload), capture_output=True, text=True, check=True
    )
    output = json.loads(result.stdout)
    assert output["fnv"] == [value for _, value in FNV_VECTORS]
    assert output["mulberry"] == [values for _, values in MULBERRY_VECTORS]
    assert output["orders"] == [expected for *_, expected in ORDER_VECTORS] + [choice_order(*e) for e in extra]
