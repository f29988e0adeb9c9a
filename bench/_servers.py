"""Waiting for the web servers a benchmark started."""

import time
import urllib.request


def wait_until_serving(ports: list[int], log: str, *, seconds: float = 30) -> None:
    """Return once every worker answers the login page; raise (pointing at `log`) if one never does."""
    for port in ports:
        deadline = time.monotonic() + seconds
        while True:
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/accounts/login/", timeout=1)
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise RuntimeError(f"the server on port {port} did not start: see {log}") from None
                time.sleep(0.2)
