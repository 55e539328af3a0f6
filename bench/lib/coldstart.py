"""The cold-start row's curves, from the proxy's access log (every request a line with its time)
and the proxy's CPU time read about every second.

Usage: coldstart.py <json|combined> <access log> <start, epoch s> [<cpu samples> <clock ticks/s>]
where each cpu sample line is "<epoch s> <cpu ticks>".

Prints, seconds counted from the process start:
  curve=      requests answered in each whole second
  steady=     the median of the last third of the seconds with any request
  t90=        the end of the first second from which the three-second average reaches 90% of
              steady ("-" when none does)
  cpu_curve=  the proxy's CPU microseconds per request between successive CPU samples
  cpu_steady= the median of the last third of those
  cpu_t90=    the end of the first interval from which the three-interval average is within
              steady / 0.9
"""

import bisect
import datetime
import re
import sys

fmt, path, start = sys.argv[1], sys.argv[2], float(sys.argv[3])
json_time = re.compile(r'"time":"([^"]+)"')
combined_time = re.compile(r"\[(\d\d/\w\w\w/\d{4}:\d\d:\d\d:\d\d [+-]\d{4})\]")
times = []
with open(path, errors="replace") as log:
    for line in log:
        if fmt == "json":
            found = json_time.search(line)
            if not found:
                continue
            when = datetime.datetime.fromisoformat(found.group(1).replace("Z", "+00:00")).timestamp()
        else:
            found = combined_time.search(line)
            if not found:
                continue
            # nginx logs whole seconds: the middle of it.
            when = datetime.datetime.strptime(found.group(1), "%d/%b/%Y:%H:%M:%S %z").timestamp() + 0.5
        if when >= start:
            times.append(when - start)
if not times:
    sys.exit("no requests in " + path)
times.sort()


def median_of_last_third(values):
    tail = sorted(values[len(values) * 2 // 3:]) or [0]
    n = len(tail)
    return tail[n // 2] if n % 2 else (tail[n // 2 - 1] + tail[n // 2]) / 2


def first_sustained(values, ends, good):
    """The end of the first entry from which the average of three entries is good."""
    for i in range(len(values) - 2):
        if good(sum(values[i:i + 3]) / 3):
            return ends[i]
    return None


last = int(times[-1])
# The last second is cut off by the end of the load: leave it out.
curve = [0] * last
for t in times:
    if int(t) < last:
        curve[int(t)] += 1
first = next((s for s, c in enumerate(curve) if c > 0), 0)
steady = median_of_last_third(curve[first:])
t90 = first_sustained(curve, list(range(1, last + 1)), lambda avg: avg >= 0.9 * steady)
print("curve=" + " ".join(str(c) for c in curve))
print("steady=%d" % steady)
print("t90=" + ("-" if t90 is None else str(t90)))

if len(sys.argv) > 5:
    hz = float(sys.argv[5])
    samples = []
    with open(sys.argv[4]) as f:
        for line in f:
            parts = line.split()
            if len(parts) == 2:
                samples.append((float(parts[0]) - start, int(parts[1])))
    cpu, ends = [], []
    for (t0, c0), (t1, c1) in zip(samples, samples[1:]):
        n = bisect.bisect_left(times, t1) - bisect.bisect_left(times, t0)
        if n > 0:
            cpu.append((c1 - c0) * 1e6 / hz / n)
            ends.append(round(t1, 1))
    if cpu:
        cpu_steady = median_of_last_third(cpu)
        cpu_t90 = first_sustained(cpu, ends, lambda avg: avg <= cpu_steady / 0.9)
        print("cpu_curve=" + " ".join("%.0f" % c for c in cpu))
        print("cpu_steady=%.1f" % cpu_steady)
        print("cpu_t90=" + ("-" if cpu_t90 is None else "%.1f" % cpu_t90))
