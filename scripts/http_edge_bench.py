#!/usr/bin/python3
"""Figures for the HTTP edge (docs/OPERATIONS.md, "The HTTP edge").

  scripts/http_edge_bench.py [--bin=build/bin] [--denials=8000] [--only=body,sse,slow,metrics]

Starts a fresh corridord (with a metrics endpoint) and loads --denials
denials into it with corridor-bench, then, each against a fresh corridor-web
with its default flags:

  body     resident memory of corridor-web while a client sends a 100 MB
           body, without a token and with one; the status it got
  sse      resident memory while 20 clients follow the denials feed from
           start=0 and never read; how many were cut off within 60 s
  slow     /healthz latency while 100 clients (from 127.0.0.2) hold
           connections by sending a header byte a second
  metrics  the same against corridord's /metrics endpoint, with 10 slow
           clients

Prints figures only; asserts nothing. Extra flags for corridor-web can be
given in CORRIDOR_WEB_FLAGS.
"""
import argparse
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def rss_kib(pid):
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return -1


class Sampler:
    """Samples a process's resident memory every 50 ms; keeps the peak."""

    def __init__(self, pid):
        self.pid, self.peak, self.stop = pid, rss_kib(pid), False
        self.thread = threading.Thread(target=self.run, daemon=True)
        self.thread.start()

    def run(self):
        while not self.stop:
            try:
                self.peak = max(self.peak, rss_kib(self.pid))
            except OSError:
                return
            time.sleep(0.05)

    def finish(self):
        self.stop = True
        self.thread.join()
        return self.peak


def wait_for_file(path, seconds=30):
    for _ in range(seconds * 10):
        if os.path.exists(path) and os.path.getsize(path) > 0:
            with open(path) as f:
                return f.read().strip()
        time.sleep(0.1)
    raise SystemExit(f"http_edge_bench: {path} never appeared")


def address_of(text):
    host, port = text.rsplit(":", 1)
    return host, int(port)


def connect(address, source="127.0.0.1", rcvbuf=None):
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    if rcvbuf:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, rcvbuf)
    sock.bind((source, 0))
    sock.connect(address)
    return sock


def status_of(sock, timeout=30):
    sock.settimeout(timeout)
    data = b""
    try:
        while b"\r\n" not in data:
            chunk = sock.recv(4096)
            if not chunk:
                break
            data += chunk
    except OSError as error:
        return f"no reply ({error.__class__.__name__})" if not data else data.split(b"\r\n")[0].decode()
    return data.split(b"\r\n")[0].decode() if data else "closed without a reply"


def server_closed(sock):
    """Whether the server has closed the connection, without reading what it
    sent before (the kernel's TCP state: CLOSE_WAIT or CLOSE)."""
    state = sock.getsockopt(socket.IPPROTO_TCP, socket.TCP_INFO, 1)[0]
    return state in (7, 8)


def healthz_seconds(address, timeout=60):
    start = time.monotonic()
    try:
        sock = connect(address)
        sock.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        line = status_of(sock, timeout)
        sock.close()
    except OSError as error:
        line = str(error)
    return time.monotonic() - start, line


class Platform:
    def __init__(self, bin_dir, work):
        self.bin, self.work, self.server, self.webs = bin_dir, work, None, []

    def start(self):
        bin_dir, work = self.bin, self.work
        self.server = subprocess.Popen(
            [f"{bin_dir}/corridord", "--listen=127.0.0.1:0", f"--data_dir={work}/data",
             f"--port_file={work}/server", "--log_rpcs=errors", "--metrics_listen=127.0.0.1:0",
             f"--metrics_port_file={work}/metrics"],
            stdout=subprocess.DEVNULL, stderr=open(f"{work}/corridord.log", "w"))
        self.address = wait_for_file(f"{work}/server")
        self.metrics = address_of(wait_for_file(f"{work}/metrics"))
        token = subprocess.run(
            [f"{bin_dir}/corridorctl", f"--server={self.address}", "admin", "token", "create",
             "--role=coordinator", "--name=http-edge-bench"],
            env={**os.environ, "CORRIDOR_TOKEN_FILE": f"{work}/data/credentials/admin.token"},
            capture_output=True, text=True, check=True)
        self.token = token.stdout.strip()
        with open(f"{work}/coordinator.token", "w") as f:
            f.write(self.token)

    def load(self, denials):
        started = time.monotonic()
        subprocess.run([f"{self.bin}/corridor-bench", f"--server={self.address}",
                        f"--token_file={self.work}/coordinator.token", "--clients=8",
                        f"--load=denials:{denials}"], check=True, capture_output=True)
        print(f"loaded {denials} denials in {time.monotonic() - started:.0f} s")

    def start_web(self, name, flags=()):
        self.webs.append(None)
        name = f"{name}-{len(self.webs)}"
        self.web_log = f"{self.work}/{name}.log"
        port_file = f"{self.work}/{name}.port"
        extra = os.environ.get("CORRIDOR_WEB_FLAGS", "").split()
        web = subprocess.Popen(
            [f"{self.bin}/corridor-web", "--listen=127.0.0.1:0", f"--target={self.address}",
             f"--port_file={port_file}", f"--assets={self.work}"] + list(flags) + extra,
            stdout=subprocess.DEVNULL, stderr=open(f"{self.work}/{name}.log", "w"))
        self.webs[-1] = web
        return web, address_of(wait_for_file(port_file))

    def stop(self):
        for web in self.webs + [self.server]:
            if web is not None and web.poll() is None:
                stop(web)


def stop(process):
    process.terminate()
    try:
        process.wait(20)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def body(platform):
    for signed in (False, True):
        web, address = platform.start_web("body")
        before = rss_kib(web.pid)
        sampler = Sampler(web.pid)
        started = time.monotonic()
        sock = connect(address)
        size = 100 * 1024 * 1024
        head = (f"POST /api/v1/AreaService/ListAreas HTTP/1.1\r\nHost: x\r\n"
                f"Content-Type: application/json\r\nContent-Length: {size}\r\n")
        if signed:
            head += f"Authorization: Bearer {platform.token}\r\n"
        sock.sendall((head + "\r\n").encode())
        chunk, sent = b" " * (1 << 20), 0
        sock.settimeout(60)
        try:
            while sent < size:
                sock.sendall(chunk)
                sent += len(chunk)
        except OSError:
            pass
        line = status_of(sock, 60)
        seconds = time.monotonic() - started
        sock.close()
        time.sleep(0.5)
        peak = sampler.finish()
        print(f"body 100 MB {'with' if signed else 'without'} a token: {line!r} after "
              f"{seconds:.2f} s, {sent >> 20} MiB sent; corridor-web RSS {before / 1024:.1f} MiB "
              f"-> peak {peak / 1024:.1f} MiB (+{(peak - before) / 1024:.1f})")
        stop(web)


def sse(platform, streams=20):
    # One token for all: lift the per-token cap (if this build has one) so
    # that all 20 are admitted, as in the review.
    has_cap = "max_streams_per_token" in subprocess.run(
        [f"{platform.bin}/corridor-web", "--helpfull"], capture_output=True, text=True).stdout
    web, address = platform.start_web("sse", ["--max_streams_per_token=0"] if has_cap else [])
    before = rss_kib(web.pid)
    sampler = Sampler(web.pid)
    socks = []
    for _ in range(streams):
        sock = connect(address, rcvbuf=4096)
        sock.sendall((f"GET /api/v1/changes?service=denials&start=0 HTTP/1.1\r\nHost: x\r\n"
                      f"Authorization: Bearer {platform.token}\r\n\r\n").encode())
        socks.append(sock)
    started = time.monotonic()
    samples = []
    cut = 0
    while time.monotonic() - started < 60 and cut < streams:
        time.sleep(2)
        samples.append((time.monotonic() - started, rss_kib(web.pid)))
        # The client cannot tell (the server's FIN waits behind the data it
        # never read): the server logs each stream it ends.
        with open(platform.web_log) as log:
            cut = log.read().count("http GET /api/v1/changes 200")
    peak = sampler.finish()
    trace = ", ".join(f"{t:.0f}s {kib / 1024:.0f}" for t, kib in samples[:10])
    print(f"sse {streams} never-reading streams from start=0: corridor-web RSS "
          f"{before / 1024:.1f} MiB -> peak {peak / 1024:.1f} MiB (+{(peak - before) / 1024:.1f}); "
          f"MiB over time: {trace}; ended by the server: {cut} of {streams} "
          f"within {time.monotonic() - started:.0f} s")
    for sock in socks:
        sock.close()
    time.sleep(1)
    with open(platform.web_log) as log:
        text = log.read()
    print(f"sse after the clients left: RSS {rss_kib(web.pid) / 1024:.1f} MiB; streams that ended "
          f"with status 200: {text.count('changes 200')}, refused: "
          f"{text.count('changes 4') + text.count('changes 5')}")
    stop(web)


def slow_clients(address, count, label):
    """Holds `count` connections from 127.0.0.2, a header byte a second."""
    socks, stop_flag = [], threading.Event()
    for _ in range(count):
        try:
            sock = connect(address, source="127.0.0.2")
            sock.sendall(b"GET /healthz HTTP/1.1\r\n")
            socks.append(sock)
        except OSError:
            pass

    def drip():
        while not stop_flag.is_set():
            for sock in socks:
                try:
                    sock.send(b"X")
                except OSError:
                    pass
            stop_flag.wait(1)

    thread = threading.Thread(target=drip, daemon=True)
    thread.start()
    started = time.monotonic()
    latencies = []
    for _ in range(5):
        seconds, line = healthz_seconds(address)
        latencies.append(seconds)
        print(f"  {label} /healthz: {line!r} in {seconds:.3f} s")
        time.sleep(1)
    # Still dripping: how long until the server has closed every one.
    closed, waited = 0, time.monotonic() - started
    while waited < 30:
        closed = sum(1 for sock in socks if server_closed(sock))
        if closed == len(socks):
            break
        time.sleep(0.5)
        waited = time.monotonic() - started
    stop_flag.set()
    thread.join()
    for sock in socks:
        sock.close()
    print(f"{label}: {count} slow clients; /healthz median {statistics.median(latencies):.3f} s, "
          f"max {max(latencies):.3f} s; slow connections closed by the server: "
          f"{closed} of {len(socks)} within {waited:.0f} s")


def slow(platform):
    web, address = platform.start_web("slow")
    seconds, _ = healthz_seconds(address)
    print(f"slow: /healthz alone {seconds:.4f} s")
    slow_clients(address, 100, "corridor-web")
    stop(web)


def metrics(platform):
    seconds, _ = healthz_seconds(platform.metrics)
    print(f"metrics: /healthz alone {seconds:.4f} s")
    slow_clients(platform.metrics, 10, "corridord metrics")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--bin", default=os.path.join(ROOT, "build", "bin"))
    parser.add_argument("--denials", type=int, default=8000)
    parser.add_argument("--only", default="body,sse,slow,metrics")
    args = parser.parse_args()
    work = tempfile.mkdtemp(prefix="http-edge-bench.")
    wanted = args.only.split(",")
    platform = Platform(args.bin, work)
    try:
        platform.start()
        if "sse" in wanted:
            platform.load(args.denials)
        for name in wanted:
            {"body": body, "sse": sse, "slow": slow, "metrics": metrics}[name](platform)
    finally:
        platform.stop()
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
