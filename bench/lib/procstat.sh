# shellcheck shell=bash
# CPU and memory readings from /proc for a proxy "process group": the given pid plus its current
# children (nginx's master and workers; a JVM has no children). Sourced, not run.

# The pid and its children, one per line.
group_pids() {
  echo "$1"
  pgrep -P "$1" || true
}

# CPU ticks used so far by the group: the pid's own user+system time, the time of children it has
# already reaped (nginx workers retired by a reload) and the time of its live children.
group_cpu_ticks() {
  local root=$1 total=0 pid fields
  local -a f
  for pid in $(group_pids "$root"); do
    # Fields after "pid (comm) ": state=1st ... utime=12th, stime=13th, cutime=14th, cstime=15th.
    fields=$(sed 's/^.*) //' "/proc/$pid/stat" 2>/dev/null) || continue
    read -r -a f <<<"$fields"
    total=$((total + f[11] + f[12]))
    if [[ $pid == "$root" ]]; then
      total=$((total + f[13] + f[14]))
    fi
  done
  echo "$total"
}

# Sum over the group of one /proc/<pid>/status field in KiB (VmRSS, VmHWM).
group_status_kib() {
  local root=$1 field=$2 total=0 pid value
  for pid in $(group_pids "$root"); do
    value=$(awk -v f="$field:" '$1 == f { print $2 }' "/proc/$pid/status" 2>/dev/null)
    total=$((total + ${value:-0}))
  done
  echo "$total"
}

group_rss_kib() { group_status_kib "$1" VmRSS; }
group_hwm_kib() { group_status_kib "$1" VmHWM; }

# Resets the peak-RSS mark (VmHWM) of every process in the group to its current RSS, so the next
# VmHWM reading is the peak of what follows (proc(5), clear_refs value 5).
group_reset_hwm() {
  local pid
  for pid in $(group_pids "$1"); do
    echo 5 >"/proc/$pid/clear_refs" 2>/dev/null || true
  done
}

kib_to_mib() { awk -v k="$1" 'BEGIN { printf "%.1f", k / 1024 }'; }

# Microseconds of CPU per unit of work, from a tick delta and a count.
cpu_us_per() {
  local ticks=$1 count=$2
  awk -v t="$ticks" -v c="$count" -v hz="$CLK_TCK" \
    'BEGIN { if (c > 0) printf "%.1f", t * 1e6 / hz / c; else print "n/a" }'
}
