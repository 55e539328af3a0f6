# shellcheck shell=bash
# Load generators (always on $BENCH_LOAD_CPU) and the parsing of what they print. Each runner
# writes the tool's raw output to a file under $RAW so every figure in the table can be traced.
# Sourced, not run.

# run_wrk <outfile> <port> <seconds> <connections> [wrk args...]: one wrk thread.
run_wrk() {
  local out=$1 port=$2 seconds=$3 conns=$4
  shift 4
  taskset -c "$BENCH_LOAD_CPU" wrk -t1 -c"$conns" -d"${seconds}s" --latency --timeout 5s \
    -H "Host: $BENCH_HOST" "$@" "https://127.0.0.1:$port/" >"$out" 2>&1 || true
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
      "https://127.0.0.1:$port/" >>"$out" 2>&1 || true
  done
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
wrk_failures() {
  awk '
    /Non-2xx or 3xx responses:/ { n += $NF }
    /Socket errors:/ { gsub(/,/, ""); n += $4 + $6 + $8 + $10 }
    END { print n + 0 }' "$1"
}

# --- h2load output ----------------------------------------------------------------------------

# Sums over the rounds in one file: seconds taken, requests succeeded, requests failed.
h2_totals() {
  awk '
    /^finished in/ {
      t = $3; sub(/,$/, "", t); v = t; sub(/[a-z]+$/, "", v); unit = t; sub(/^[0-9.]+/, "", unit)
      if (unit == "ms") v /= 1000; else if (unit == "us") v /= 1e6
      seconds += v
    }
    /^requests:/ { for (i = 1; i < NF; i++) { if ($(i + 1) ~ /^succeeded/) ok += $i; if ($(i + 1) ~ /^failed/) failed += $i } }
    END { printf "%.3f %d %d\n", seconds, ok, failed }' "$1"
}
h2_rps() { h2_totals "$1" | awk '{ if ($1 > 0) printf "%.0f", $2 / $1 }'; }
h2_succeeded() { h2_totals "$1" | awk '{ print $2 }'; }
h2_failures() { h2_totals "$1" | awk '{ print $3 }'; }

# --- WsEchoLoad output ------------------------------------------------------------------------

ws_field() { sed -n "s/.*\b$2=\([0-9.]*\).*/\1/p" "$1" | tail -1; }
