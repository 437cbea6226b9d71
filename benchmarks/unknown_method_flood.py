#!/usr/bin/python3
"""Floods a Corridor server with calls to methods it does not have, as a
caller with no token can, and prints what that did to the server: the size
of its /metrics page, its resident memory, and the open-streams gauge.

  benchmarks/unknown_method_flood.py --server=127.0.0.1:7400 \\
      --metrics=127.0.0.1:7490 --pid=$(pgrep -n corridord) [--calls=3000]

Each call names a method never seen before (issue 20: each name used to
become a label, kept forever, read after gRPC had freed it).
"""
import argparse
import sys
import time
import urllib.request

import grpc


def resident_kib(pid):
    with open("/proc/%d/status" % pid) as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return -1


def scrape(address):
    with urllib.request.urlopen("http://%s/metrics" % address, timeout=10) as reply:
        return reply.read().decode()


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--server", default="127.0.0.1:7400")
    parser.add_argument("--metrics", default="127.0.0.1:7490")
    parser.add_argument("--pid", type=int, required=True, help="the server's process id")
    parser.add_argument("--calls", type=int, default=3000)
    args = parser.parse_args()

    before_page = scrape(args.metrics)
    before_rss = resident_kib(args.pid)
    channel = grpc.insecure_channel(args.server)
    codes = {}
    started = time.monotonic()
    for i in range(args.calls):
        method = "/attacker.Service%d/Method%s%d" % (i, "x" * (i % 200), i)
        try:
            channel.unary_unary(method)(b"", timeout=10)
            code = "OK"
        except grpc.RpcError as error:
            code = error.code().name
        codes[code] = codes.get(code, 0) + 1
        if (i + 1) % 500 == 0:
            print("  %d of %d calls sent" % (i + 1, args.calls), file=sys.stderr)
    elapsed = time.monotonic() - started
    time.sleep(1)  # the server finishes its side of the last calls
    after_page = scrape(args.metrics)
    after_rss = resident_kib(args.pid)
    labels = sum(1 for line in after_page.splitlines() if "attacker" in line)
    stuck = [line for line in after_page.splitlines()
             if line.startswith("corridor_rpc_streams_open") and not line.endswith(" 0")]
    print("calls: %d in %.1f s (%.0f/s), answered %s" % (
        args.calls, elapsed, args.calls / elapsed, ", ".join("%s %d" % kv for kv in codes.items())))
    print("/metrics: %d bytes before, %d after (%+d); lines naming a flooded method: %d" % (
        len(before_page), len(after_page), len(after_page) - len(before_page), labels))
    print("resident memory: %d KiB before, %d after (%+d KiB)" % (
        before_rss, after_rss, after_rss - before_rss))
    print("open-stream gauges not at 0: %d%s" % (len(stuck), "".join("\n  " + s for s in stuck)))


if __name__ == "__main__":
    main()
