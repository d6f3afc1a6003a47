"""What a run measures: requests, latencies, answers by kind, and the CPU of each tier read from /proc."""

from __future__ import annotations

import collections
import os
import threading
import time
from pathlib import Path

from .http import Client, classify


Stats = collections.namedtuple("Stats", "requests elapsed latencies kinds statuses cpu")


# The gunicorn master's process group (it is started in a session of its own): its workers' CPU is the web tier's.
SERVER_PGID = None


_TICK = os.sysconf("SC_CLK_TCK")


def cpu_now() -> dict:
    """CPU seconds used so far by the load client (this process), each gunicorn process (its process group) and each
    PostgreSQL process, and the machine's busy and stolen time (/proc/stat). `cpu_since` turns two readings into the
    CPU a run cost; divided by its requests, it says where one request's CPU goes."""
    procs = {}
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            stat = Path(entry.path, "stat").read_text()
        except OSError:
            continue
        comm, fields = stat[stat.index("(") + 1:stat.rindex(")")], stat[stat.rindex(")") + 2:].split()
        seconds = (int(fields[11]) + int(fields[12])) / _TICK  # utime + stime
        if SERVER_PGID is not None and int(fields[2]) == SERVER_PGID:
            procs[("web", entry.name)] = seconds
        elif comm == "postgres":
            procs[("db", entry.name)] = seconds
    with open("/proc/stat") as f:
        ticks = [int(x) for x in f.readline().split()[1:]]
    # user nice system idle iowait irq softirq steal …: busy is everything but idle, iowait and steal.
    machine = (sum(ticks[:8]) - ticks[3] - ticks[4] - ticks[7]) / _TICK
    return {"procs": procs, "client": sum(os.times()[:2]), "machine": machine, "steal": ticks[7] / _TICK}


def cpu_since(before: dict) -> collections.Counter:
    """What each tier used since `before`: a process started meanwhile counts from zero; one that exited meanwhile
    (a closed database session) is left out rather than subtracted."""
    after = cpu_now()
    used = collections.Counter({k: after[k] - before[k] for k in ("client", "machine", "steal")})
    used.update({"web": 0.0, "db": 0.0})
    for (tier, pid), seconds in after["procs"].items():
        used[tier] += seconds - before["procs"].get((tier, pid), 0.0)
    return used


def run_for(duration: float, clients: int, port: int, make_request) -> Stats:
    """`clients` threads send `make_request(client)` back to back for `duration` seconds."""
    results, lock = [], threading.Lock()
    stop_at = time.monotonic() + duration

    def loop():
        client, local = Client(port), []
        while time.monotonic() < stop_at:
            t0 = time.perf_counter()
            status, text, cookie = make_request(client)
            local.append((time.perf_counter() - t0, status, classify(status, text, cookie)))
        with lock:
            results.extend(local)

    started, cpu = time.perf_counter(), cpu_now()
    threads = [threading.Thread(target=loop, daemon=True) for _ in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return stats_of(results, time.perf_counter() - started, cpu_since(cpu))


def stats_of(results, elapsed, cpu) -> Stats:
    return Stats(
        requests=len(results), elapsed=elapsed, latencies=sorted(r[0] for r in results),
        kinds=collections.Counter(r[2] for r in results), statuses=collections.Counter(r[1] for r in results),
        cpu=cpu,
    )


def merged(runs) -> Stats:
    return Stats(
        requests=sum(r.requests for r in runs), elapsed=sum(r.elapsed for r in runs),
        latencies=sorted(x for r in runs for x in r.latencies),
        kinds=sum((r.kinds for r in runs), collections.Counter()),
        statuses=sum((r.statuses for r in runs), collections.Counter()),
        cpu=sum_counters(r.cpu for r in runs),
    )


def sum_counters(counters) -> collections.Counter:
    total = collections.Counter()
    for counter in counters:
        total.update(counter)  # unlike `+`, keeps keys whose sum is zero
    return total


def percentile(latencies, q: float) -> float:
    if not latencies:
        return float("nan")
    return latencies[min(len(latencies) - 1, int(q * len(latencies)))] * 1000


def report(name: str, stats: Stats) -> tuple[float, float]:
    """Print one line of figures; return (requests per second, p95 latency in ms)."""
    rate = stats.requests / stats.elapsed
    print(
        f"{name}: {stats.requests:,} requests in {stats.elapsed:.1f} s = {rate:,.0f}/s; "
        f"latency p50 {percentile(stats.latencies, .50):.0f} ms, p95 {percentile(stats.latencies, .95):.0f} ms, "
        f"p99 {percentile(stats.latencies, .99):.0f} ms, max {stats.latencies[-1] * 1000:.0f} ms; "
        f"answers {dict(stats.kinds)}; HTTP {dict(sorted(stats.statuses.items()))}"
    )
    per = collections.defaultdict(float, {k: v * 1000 / max(stats.requests, 1) for k, v in stats.cpu.items()})
    print(
        f"    CPU per request: gunicorn {per['web']:.2f} ms, PostgreSQL {per['db']:.2f} ms, load client "
        f"{per['client']:.2f} ms; machine busy {per['machine']:.2f} ms (stolen by the host {per['steal']:.2f} ms); "
        f"cores busy {stats.cpu['machine'] / stats.elapsed:.2f} of {os.cpu_count()}"
    )
    return rate, percentile(stats.latencies, .95)
