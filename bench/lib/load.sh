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

# run_h2load <outfile> <port> <seconds>: HTTP/2 over TLS (ALPN h2), several streams per client.
run_h2load() {
  local out=$1 port=$2 seconds=$3
  taskset -c "$BENCH_LOAD_CPU" h2load -t1 -c"$BENCH_H2_CLIENTS" -m"$BENCH_H2_STREAMS" \
    -D"$seconds" -H ":authority: $BENCH_HOST" "https://127.0.0.1:$port/" >"$out" 2>&1 || true
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

h2_rps() { awk '/^finished in/ { sub(/,/, "", $4); printf "%.0f", $4 }' "$1"; }
h2_succeeded() { awk '/^requests:/ { for (i = 1; i <= NF; i++) if ($(i + 1) ~ /^succeeded/) print $i }' "$1"; }
h2_failures() {
  awk '/^requests:/ { for (i = 1; i <= NF; i++) if ($(i + 1) ~ /^(failed|errored|timeout)/) n += $i }
       END { print n + 0 }' "$1"
}

# --- WsEchoLoad output ------------------------------------------------------------------------

ws_field() { sed -n "s/.*\b$2=\([0-9.]*\).*/\1/p" "$1" | tail -1; }
