# shellcheck shell=bash
# Load generators (always on $BENCH_LOAD_CPU) and the parsing of what they print. Each runner
# writes the tool's raw output to a file under $RAW so every figure in the table can be traced.
# Sourced, not run.

# Every runner requests LOAD_PATH (default /); a row sets it with `local LOAD_PATH=...`.

# run_wrk <outfile> <port> <seconds> <connections> [wrk args...]: one wrk thread.
run_wrk() {
  local out=$1 port=$2 seconds=$3 conns=$4
  shift 4
  taskset -c "$BENCH_LOAD_CPU" wrk -t1 -c"$conns" -d"${seconds}s" --latency --timeout 5s \
    -H "Host: $BENCH_HOST" "$@" "https://127.0.0.1:$port${LOAD_PATH:-/}" >"$out" 2>&1 || true
}

# run_h2load <outfile> <port> <seconds>: HTTP/2 over TLS (ALPN h2), several streams per client,
# in rounds of BENCH_H2_REQUESTS_PER_CONNECTION requests per connection until the time is up.
# h2load does not reconnect after a GOAWAY, and nginx sends one after keepalive_requests (1000)
# requests: one long h2load run would see nginx's connections end and its clients stop.
run_h2load() {
  local out=$1 port=$2 seconds=$3
  local deadline=$((SECONDS + seconds))
  : >"$out"
  while ((SECONDS < deadline)); do
    taskset -c "$BENCH_LOAD_CPU" h2load -t1 -c"$BENCH_H2_CLIENTS" -m"$BENCH_H2_STREAMS" \
      -n$((BENCH_H2_CLIENTS * BENCH_H2_REQUESTS_PER_CONNECTION)) -H ":authority: $BENCH_HOST" \
      "https://127.0.0.1:$port${LOAD_PATH:-/}" >>"$out" 2>&1 || true
  done
}

# run_h2load_burst <outfile> <port> <h2load args...>: one short h2load run, appended to the file
# (h2load's output format, so h2_totals and h2_failure_detail read it).
run_h2load_burst() {
  local out=$1 port=$2
  shift 2
  taskset -c "$BENCH_LOAD_CPU" h2load -t1 "$@" -H ":authority: $BENCH_HOST" \
    "https://127.0.0.1:$port${LOAD_PATH:-/}" >>"$out" 2>&1 || true
}

# run_ws <outfile> <port> <warmup> <seconds>: WebSocket echo ping-pong through the proxy.
run_ws() {
  local out=$1 port=$2 warmup=$3 seconds=$4
  taskset -c "$BENCH_LOAD_CPU" "$TOOLS_JAVA" -XX:+UseSerialGC -Xmx256m -cp "$TOOLS_CP" \
    WsEchoLoad "$port" "$BENCH_HOST" "$BENCH_WS_CONNECTIONS" "$warmup" "$seconds" >"$out" 2>&1 || true
}

# --- wrk output -------------------------------------------------------------------------------

wrk_rps() { awk '/^Requests\/sec:/ { printf "%.0f", $2 }' "$1"; }
wrk_requests() { awk '/ requests in / { print $1 }' "$1"; }

# Latency at a percentile of wrk's --latency distribution, in milliseconds.
wrk_latency_ms() {
  local file=$1 pct=$2
  awk -v p="$pct%" '$1 == p {
    v = $2; unit = v; sub(/^[0-9.]+/, "", unit); sub(/[a-z]+$/, "", v)
    if (unit == "us") v /= 1000; else if (unit == "s") v *= 1000; else if (unit == "m") v *= 60000
    printf "%.2f", v
  }' "$file"
}

# Failed requests: non-2xx/3xx responses plus every socket error (connect, read, write, timeout).
# A file may hold several wrk runs; they are summed.
wrk_failures() {
  awk '
    /Non-2xx or 3xx responses:/ { n += $NF }
    /Socket errors:/ { gsub(/,/, ""); n += $4 + $6 + $8 + $10 }
    END { print n + 0 }' "$1"
}

# The same, itemised: "non-2xx N, connect N, read N, write N, timeout N" (only the non-zero ones;
# "none" when all are zero).
wrk_failure_detail() {
  awk '
    /Non-2xx or 3xx responses:/ { c["non-2xx/3xx"] += $NF }
    /Socket errors:/ { gsub(/,/, ""); c["connect"] += $4; c["read"] += $6; c["write"] += $8; c["timeout"] += $10 }
    END {
      split("non-2xx/3xx connect read write timeout", order, " ")
      for (i = 1; i <= 5; i++) if (c[order[i]] > 0) { out = out sep c[order[i]] " " order[i]; sep = ", " }
      print (out == "" ? "none" : out)
    }' "$1"
}

# --- h2load output ----------------------------------------------------------------------------

# Sums over the rounds in one file: seconds taken, requests succeeded (2xx/3xx), requests failed,
# of those errored (stream or connection errors, timeouts; no response), responses 4xx and 5xx.
# h2load's "failed" counts every request that did not succeed, including those a broken
# connection abandoned and those never sent on it, so it is the failure count.
h2_totals() {
  awk '
    /^finished in/ {
      t = $3; sub(/,$/, "", t); v = t; sub(/[a-z]+$/, "", v); unit = t; sub(/^[0-9.]+/, "", unit)
      if (unit == "ms") v /= 1000; else if (unit == "us") v /= 1e6
      seconds += v
    }
    /^requests:/ {
      for (i = 1; i < NF; i++) {
        if ($(i + 1) ~ /^succeeded/) ok += $i
        if ($(i + 1) ~ /^failed/) failed += $i
        if ($(i + 1) ~ /^errored/) errored += $i
      }
    }
    /^status codes:/ { for (i = 1; i < NF; i++) { if ($(i + 1) ~ /^4xx/) c4 += $i; if ($(i + 1) ~ /^5xx/) c5 += $i } }
    END { printf "%.3f %d %d %d %d %d\n", seconds, ok, failed, errored, c4, c5 }' "$1"
}
h2_rps() { h2_totals "$1" | awk '{ if ($1 > 0) printf "%.0f", $2 / $1 }'; }
h2_succeeded() { h2_totals "$1" | awk '{ print $2 }'; }
h2_failures() { h2_totals "$1" | awk '{ print $3 }'; }
h2_failure_detail() {
  h2_totals "$1" | awk '{
    if ($3 == 0) { print "none"; exit }
    printf "%d failed: %d errored (no response), %d 4xx, %d 5xx\n", $3, $4, $5, $6
  }'
}

# --- WsEchoLoad output ------------------------------------------------------------------------

ws_field() { sed -n "s/.*\b$2=\([0-9.]*\).*/\1/p" "$1" | tail -1; }
