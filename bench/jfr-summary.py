#!/usr/bin/env python3
"""Summarises a JFR recording of the proxy (make bench with BENCH_JFR=1 writes one per load row):
where the CPU samples fall and what allocates, per method.

Usage: bench/jfr-summary.py <recording.jfr> [top N, default 25]

CPU: jdk.ExecutionSample, each sample's top frame ("self") and every distinct method on its stack
("total"), as a share of all samples. Allocation: jdk.ObjectAllocationSample weighted by its
`weight` (bytes the sample stands for), by class and by the first frame outside java.*/jdk.*
(where the allocation was asked for)."""

import collections
import json
import shutil
import subprocess
import sys


def events(path, name):
    jfr = shutil.which("jfr") or "jfr"
    out = subprocess.run(
        [jfr, "print", "--json", "--stack-depth", "64", "--events", name, path],
        check=True, capture_output=True, text=True).stdout
    return json.loads(out)["recording"]["events"]


def method(frame):
    m = frame["method"]
    return "%s.%s" % (m["type"]["name"].replace("/", "."), m["name"])


def table(title, counter, total, top, unit):
    print("\n%s (%s)" % (title, unit))
    for key, value in counter.most_common(top):
        print("  %5.1f%%  %s" % (100.0 * value / total if total else 0, key))


def main():
    path = sys.argv[1]
    top = int(sys.argv[2]) if len(sys.argv) > 2 else 25
    samples = [e for e in events(path, "jdk.ExecutionSample") if e["values"].get("stackTrace")]
    own = collections.Counter()
    total = collections.Counter()
    for sample in samples:
        frames = sample["values"]["stackTrace"]["frames"]
        if not frames:
            continue
        own[method(frames[0])] += 1
        for name in {method(f) for f in frames}:
            total[name] += 1
    print("%s: %d CPU samples" % (path, len(samples)))
    table("CPU, self", own, len(samples), top, "share of samples")
    table("CPU, total (on the stack)", total, len(samples), top, "share of samples")

    allocations = events(path, "jdk.ObjectAllocationSample")
    by_class = collections.Counter()
    by_site = collections.Counter()
    weight = 0
    for a in allocations:
        v = a["values"]
        w = v.get("weight", 0)
        weight += w
        by_class[v["objectClass"]["name"]] += w
        frames = (v.get("stackTrace") or {}).get("frames") or []
        site = next((method(f) for f in frames
                     if not method(f).startswith(("java.", "jdk.", "sun."))), "?")
        by_site[site] += w
    print("\nallocation samples: %d, standing for %.1f MiB" % (len(allocations), weight / 2**20))
    table("allocated, by class", by_class, weight, top, "share of bytes")
    table("allocated, by first frame outside the JDK", by_site, weight, top, "share of bytes")


if __name__ == "__main__":
    main()
