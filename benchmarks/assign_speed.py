"""Latency and throughput of real-time assignment, in process and over HTTP (loopback only).

Usage: ``.venv/bin/python benchmarks/assign_speed.py [OUT]`` — OUT is a build's
output folder (default: builds the demo corpus into a temporary folder).

Prints p50 / p99 latency of single requests, attribute-only and text-bearing,
in process (the Assigner) and over HTTP against ``personas serve`` on
127.0.0.1, and the sustained throughput of 8 concurrent clients. Every loop is
bounded in count and time.
"""

from __future__ import annotations

import http.client
import json
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
ATTRS = {"attributes": {"age": 34, "gender": "Woman", "device": "Mobile"}, "nps": 7}
TEXTS = [
    "Delivery charges on small orders put me off",
    "The jacket leaked on the first wet walk",
    "Love the bright colours and the fit",
    "I want to walk the coast path this summer",
    "The website text is too small to read",
]


def text_request(i: int) -> dict:
    return {"attributes": {"age": 30 + i % 40}, "texts": [TEXTS[i % len(TEXTS)] + f" ({i})"]}


def percentiles(samples: list[float]) -> str:
    ms = sorted(s * 1000 for s in samples)
    p99 = ms[min(len(ms) - 1, int(0.99 * len(ms)))]
    return f"p50 {statistics.median(ms):6.1f} ms   p99 {p99:6.1f} ms   (n={len(ms)})"


def in_process(out: Path) -> None:
    import torch

    from personas.output.bundle import load_bundle
    from personas.realtime.assign import Assigner, CustomerIn

    torch.set_num_threads(1)  # as `personas serve` runs by default
    assigner = Assigner(load_bundle(out), light_text=True)  # as `personas serve` runs it
    assigner.warm_up()
    for name, make, n in (
        ("attributes only", lambda i: ATTRS, 1000),
        ("with one text", text_request, 500),
    ):
        samples = []
        for i in range(n):
            request = CustomerIn.model_validate(make(i))
            t0 = time.perf_counter()
            assigner.assign([request])
            samples.append(time.perf_counter() - t0)
        print(f"in process, {name:<16} {percentiles(samples)}")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def post(conn: http.client.HTTPConnection, body: dict) -> int:
    conn.request(
        "POST", "/assign", body=json.dumps(body), headers={"Content-Type": "application/json"}
    )
    response = conn.getresponse()
    response.read()
    return response.status


def over_http(out: Path) -> None:
    port = free_port()
    server = subprocess.Popen(
        [str(BIN / "personas"), "serve", str(out), "--port", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        deadline = time.time() + 180
        while time.time() < deadline:
            try:
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
                conn.request("GET", "/health")
                if conn.getresponse().status == 200:
                    break
            except OSError:
                time.sleep(0.5)
        else:
            sys.exit(
                "server did not start: " + server.stderr.read().decode()[-1000:]
                if server.stderr
                else ""
            )
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        for name, make, n in (
            ("attributes only", lambda i: ATTRS, 1000),
            ("with one text", text_request, 500),
        ):
            samples = []
            for i in range(n):
                t0 = time.perf_counter()
                status = post(conn, make(i))
                samples.append(time.perf_counter() - t0)
                assert status == 200, status
            print(f"HTTP,       {name:<16} {percentiles(samples)}")
        for name, make in (("attributes only", lambda i: ATTRS), ("with one text", text_request)):
            throughput(port, name, make)
    finally:
        server.terminate()
        server.wait(timeout=30)


def throughput(
    port: int, name: str, make, clients: int = 8, seconds: float = 10.0, cap: int = 4000
) -> None:  # type: ignore[no-untyped-def]
    done, errors = [0], [0]
    lock = threading.Lock()
    stop = time.perf_counter() + seconds

    def client(k: int) -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        i = k
        while time.perf_counter() < stop:
            with lock:
                if done[0] + errors[0] >= cap:
                    return
            try:
                ok = post(conn, make(i)) == 200
            except OSError:
                ok = False
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            with lock:
                done[0] += ok
                errors[0] += not ok
            i += clients

    t0 = time.perf_counter()
    threads = [threading.Thread(target=client, args=(k,)) for k in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.perf_counter() - t0
    print(
        f"HTTP, {clients} clients, {name:<16} {done[0] / elapsed:7.1f} requests/s"
        f"   errors {errors[0]}   ({done[0]} in {elapsed:.1f} s)"
    )


def main() -> None:
    if len(sys.argv) > 1:
        out = Path(sys.argv[1])
    else:
        tmp = tempfile.mkdtemp()
        out = Path(tmp) / "out"
        subprocess.run(
            [
                str(BIN / "personas"),
                "build",
                str(ROOT / "corpora/demo-shop"),
                "-o",
                str(out),
                "--quiet",
            ],
            check=True,
        )
    in_process(out)
    over_http(out)


if __name__ == "__main__":
    main()
