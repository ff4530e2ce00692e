#!/usr/bin/env python3
"""Where the time of a bench-swarm.sh phase goes (issue 13). Run by scripts/bench-swarm.sh, not by hand.

Samples every INTERVAL seconds until STOP exists (bounded by --max seconds):
- per node and layer: first byte in the ingest, last byte (ingest size == total), commit (blob file present);
  per node: each overlayfs snapshot directory's first appearance (unpack of one layer starts) and the pull's exit;
- CPU-seconds (utime + stime, including children) of each process class: the process trees of every node's
  containerd, agent and ctr pull, and of the upstream registry; and the machine's /proc/stat deltas
  (user, system, softirq, idle), which include everything else running on the machine.
Writes a report (text) to OUT when stopped. Times are seconds since T0 (the phase's first pull start).
"""
import argparse
import os
import re
import time

TICK = os.sysconf("SC_CLK_TCK")
DIGEST = re.compile(r"sha256:([0-9a-f]{64})")


def read(path):
    try:
        with open(path) as f:
            return f.read()
    except OSError:
        return None


def proc_table():
    """pid -> (ppid, cpu ticks incl. waited-for children)."""
    out = {}
    for name in os.listdir("/proc"):
        if not name.isdigit():
            continue
        s = read(f"/proc/{name}/stat")
        if not s:
            continue
        f = s[s.rfind(")") + 2:].split()
        out[int(name)] = (int(f[1]), sum(int(x) for x in f[11:15]))
    return out


def machine():
    f = read("/proc/stat").split("\n", 1)[0].split()[1:]
    v = [int(x) for x in f]
    return {"user": v[0] + v[1], "system": v[2], "idle": v[3] + v[4], "irq": v[5], "softirq": v[6]}


class Node:
    def __init__(self, idx, d):
        self.idx, self.dir = idx, d
        self.content = os.path.join(d, "root/io.containerd.content.v1.content")
        self.snaps = os.path.join(d, "root/io.containerd.snapshotter.v1.overlayfs/snapshots")
        self.ev = {}  # (digest, kind) -> t
        self.snap_seen = {}
        self.refs = {}  # ingest dir -> digest
        self.pull_end = None

    def pid(self, name):
        s = read(os.path.join(self.dir, name + ".pid"))
        return int(s) if s and s.strip().isdigit() else None

    def mark(self, key, t):
        self.ev.setdefault(key, t)

    def sample(self, t):
        ingest = os.path.join(self.content, "ingest")
        try:
            dirs = os.listdir(ingest)
        except OSError:
            dirs = []
        for d in dirs:
            dg = self.refs.get(d)
            if dg is None:
                m = DIGEST.search(read(os.path.join(ingest, d, "ref")) or "")
                if not m:
                    continue
                dg = self.refs[d] = m.group(1)
            try:
                size = os.stat(os.path.join(ingest, d, "data")).st_size
            except OSError:
                continue
            total = read(os.path.join(ingest, d, "total"))
            if size > 0:
                self.mark((dg, "first"), t)
            if total and total.strip().isdigit() and size >= int(total) > 0:
                self.mark((dg, "last"), t)
        try:
            for b in os.listdir(os.path.join(self.content, "blobs/sha256")):
                self.mark((b, "commit"), t)
        except OSError:
            pass
        try:
            for s in os.listdir(self.snaps):
                self.snap_seen.setdefault(s, t)
        except OSError:
            pass


def descendants(table, roots):
    kids = {}
    for pid, (ppid, _) in table.items():
        kids.setdefault(ppid, []).append(pid)
    seen, todo = set(), [r for r in roots if r in table]
    while todo:
        p = todo.pop()
        if p not in seen:
            seen.add(p)
            todo.extend(kids.get(p, []))
    return seen


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", required=True)
    ap.add_argument("--stop", required=True)
    ap.add_argument("--t0", type=float, required=True)
    ap.add_argument("--registry-pid", type=int)
    ap.add_argument("--layers", required=True, help="file: kind digest size lines (image.txt)")
    ap.add_argument("--interval", type=float, default=0.1)
    ap.add_argument("--max", type=float, default=900)
    ap.add_argument("nodes", nargs="+")
    a = ap.parse_args()
    layers = [l.split() for l in open(a.layers) if l.startswith("layer")]
    nodes = [Node(int(d.rstrip("/").rsplit("/n", 1)[1]), d) for d in a.nodes]
    cpu = {}  # pid -> (class, last ticks, first ticks)
    m0, wall0 = machine(), time.time()
    end = time.monotonic() + a.max
    while not os.path.exists(a.stop) and time.monotonic() < end:
        t = time.time() - a.t0
        table = proc_table()
        classes = {"registry": [a.registry_pid] if a.registry_pid else []}
        for n in nodes:
            for cls in ("containerd", "agent", "pull"):
                p = n.pid(cls)
                if p:
                    classes.setdefault(cls, []).append(p)
            p = n.pid("pull")
            if p and n.pull_end is None and not os.path.exists(f"/proc/{p}"):
                n.pull_end = t  # (checked now: the table may predate the pull's start)
            n.sample(t)
        for cls, roots in classes.items():
            for pid in descendants(table, roots):
                ticks = table[pid][1]
                c = cpu.get(pid)
                cpu[pid] = (cls, ticks, ticks if c is None else c[2])
        time.sleep(a.interval)
    for n in nodes:  # the last commits and exits since the final tick
        t = time.time() - a.t0
        p = n.pid("pull")
        if p and n.pull_end is None and not os.path.exists(f"/proc/{p}"):
            n.pull_end = t
        n.sample(t)
    m1, wall = machine(), time.time() - wall0
    # CPU each process used while sampled (a process alive before the phase counts from its first sample on)
    per = {}
    for cls, last, first in cpu.values():
        per[cls] = per.get(cls, 0) + (last - first) / TICK
    # the pull processes start after the probe: all their CPU counts
    short = {k[:12]: k for k in (l[1].split(":")[1] for l in layers)}
    with open(a.out, "w") as o:
        o.write(f"wall {wall:.2f} s sampled; cores {os.cpu_count()}\n")
        o.write("cpu-seconds by class: " + ", ".join(f"{k} {v:.2f}" for k, v in sorted(per.items())) + "\n")
        tot = sum(per.values())
        o.write(f"cpu-seconds of these classes: {tot:.2f} = {tot / os.cpu_count():.2f} s of all cores\n")
        d = {k: (m1[k] - m0[k]) / TICK for k in m1}
        o.write("machine (all processes, all cores): " + ", ".join(f"{k} {v:.2f}" for k, v in d.items()) + "\n")
        o.write("per node, seconds since the first pull started; per layer first byte / last byte / commit\n")
        for n in nodes:
            parts = []
            for short_id, dg in short.items():
                ev = [n.ev.get((dg, k)) for k in ("first", "last", "commit")]
                parts.append(short_id[:7] + " " + "/".join("-" if x is None else f"{x:.1f}" for x in ev))
            snaps = sorted(n.snap_seen.values())
            unpack = f"{snaps[0]:.1f}..{snaps[-1]:.1f}" if snaps else "-"
            end_s = "-" if n.pull_end is None else f"{n.pull_end:.1f}"
            o.write(f"n{n.idx}: {'; '.join(parts)}; snapshots {unpack}; pull end {end_s}\n")


if __name__ == "__main__":
    main()
