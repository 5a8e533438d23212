"""Python gevent side of the gevent4j benchmark harness (benchmarks/run): the same workloads, written for gevent.

Usage: python3 gevent_bench.py WORKLOAD [ARGS...]; prints "RESULT <metric> <value>" lines (and "PORT <n>" for
servers). Every loop is bounded in count; servers exit after --max-seconds.
"""
import gc
import statistics
import sys
import time

import gevent
from gevent import monkey  # noqa: F401  (not patched: the benchmarks use gevent's API directly)
from gevent.queue import Queue
from gevent.server import StreamServer


def median_of(reps, fn):
    times = []
    for _ in range(reps):
        gc.collect()
        t0 = time.perf_counter_ns()
        fn()
        times.append(time.perf_counter_ns() - t0)
    return statistics.median(times)


def spawn_join(n, reps):
    def task():
        gevent.sleep(0)

    def run():
        gevent.joinall([gevent.spawn(task) for _ in range(n)])

    print("RESULT spawn_join_ns_per_task %.1f" % (median_of(reps, run) / n), flush=True)


def sleep0(rounds, reps):
    def loop():
        for _ in range(rounds):
            gevent.sleep(0)

    def run():
        gevent.joinall([gevent.spawn(loop), gevent.spawn(loop)])

    print("RESULT round_trip_ns %.1f" % (median_of(reps, run) / rounds), flush=True)


def queue_ping_pong(rounds, reps):
    def run():
        a, b = Queue(), Queue()

        def ping():
            for i in range(rounds):
                a.put(i)
                b.get()

        def pong():
            for _ in range(rounds):
                b.put(a.get())

        gevent.joinall([gevent.spawn(ping), gevent.spawn(pong)])

    print("RESULT queue_round_trip_ns %.1f" % (median_of(reps, run) / rounds), flush=True)


def event_fan_out(waiters, reps):
    from gevent.event import Event

    def run():
        ev = Event()
        gs = [gevent.spawn(ev.wait) for _ in range(waiters)]
        gevent.sleep(0)
        ev.set()
        gevent.joinall(gs)

    print("RESULT event_ns_per_waiter %.1f" % (median_of(reps, run) / waiters), flush=True)


def skynet(leaves, reps):
    def node(num, size):
        if size == 1:
            return num
        sub = size // 10
        kids = [gevent.spawn(node, num + i * sub, sub) for i in range(10)]
        return sum(k.get() for k in kids)

    tasks = sum(leaves // 10 ** i for i in range(len(str(leaves))))
    expect = leaves * (leaves - 1) // 2

    def run():
        got = gevent.spawn(node, 0, leaves).get()
        assert got == expect, (got, expect)

    print("RESULT skynet_ns_per_task %.1f" % (median_of(reps, run) / tasks), flush=True)


def rss_bytes():
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
    return 0


def sleep_fan_out(n, seconds):
    counter = [0]

    def sleeper():
        counter[0] += 1
        gevent.sleep(seconds)

    gc.collect()
    before = rss_bytes()
    t0 = time.perf_counter()
    gs = [gevent.spawn(sleeper) for _ in range(n)]
    gevent.sleep(0)  # let them all start and park
    parked = rss_bytes()
    gevent.joinall(gs)
    wall = time.perf_counter() - t0
    assert counter[0] == n
    print("RESULT wall_s %.3f" % wall, flush=True)
    print("RESULT bytes_per_task %.0f" % ((parked - before) / n), flush=True)


def count_requests(state, data):
    """Counts complete requests (ended by CRLF CRLF) in a stream; state[0] is how many bytes of the terminator
    matched at the end of the previous chunk."""
    term = b"\r\n\r\n"
    m = state[0]
    n = 0
    for byte in data:
        if byte == term[m]:
            m += 1
            if m == 4:
                n += 1
                m = 0
        else:
            m = 1 if byte == 13 else 0
    state[0] = m
    return n


RESPONSE = (b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 13\r\n\r\nHello, World!")


def serve(kind, max_seconds):
    def echo(sock, _addr):
        sock.setsockopt(6, 1, 1)  # TCP_NODELAY
        while True:
            data = sock.recv(4096)
            if not data:
                break
            sock.sendall(data)
        sock.close()

    def http(sock, _addr):
        sock.setsockopt(6, 1, 1)
        state = [0]
        while True:
            data = sock.recv(4096)
            if not data:
                break
            n = count_requests(state, data)
            if n:
                sock.sendall(RESPONSE * n)
        sock.close()

    server = StreamServer(("127.0.0.1", 0), echo if kind == "echo" else http, backlog=2048)
    server.start()
    print("PORT %d" % server.server_port, flush=True)
    gevent.sleep(max_seconds)
    server.stop(timeout=1)


def main(argv):
    w = argv[1]
    if w == "spawn":
        spawn_join(int(argv[2]), int(argv[3]))
    elif w == "sleep0":
        sleep0(int(argv[2]), int(argv[3]))
    elif w == "queue":
        queue_ping_pong(int(argv[2]), int(argv[3]))
    elif w == "event":
        event_fan_out(int(argv[2]), int(argv[3]))
    elif w == "skynet":
        skynet(int(argv[2]), int(argv[3]))
    elif w == "fanout":
        sleep_fan_out(int(argv[2]), float(argv[3]))
    elif w in ("echo", "http"):
        serve(w, float(argv[2]))
    else:
        sys.exit("unknown workload %r: use spawn, sleep0, queue, event, skynet, fanout, echo or http" % w)


if __name__ == "__main__":
    main(sys.argv)
