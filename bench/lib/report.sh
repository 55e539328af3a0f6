# shellcheck shell=bash
# The printed table: one column per proxy, then one ratio column per akproxy instance against
# nginx. Sourced, not run; reads VAL and the settings.

REPORT_PROXIES=()
REPORT_AKPROXIES=()

val() { local v=${VAL[$1]:-}; echo "${v:--}"; }

# ratio <akproxy value> <nginx value>: akproxy/nginx to two decimals, or "-" when not computable.
ratio() {
  awk -v a="$1" -v n="$2" 'BEGIN {
    if (a ~ /^[0-9.]+$/ && n ~ /^[0-9.]+$/ && n + 0 > 0) printf "%.2fx", a / n; else print "-"
  }'
}

# One table line: label, unit, metric key, which direction is better.
line() {
  local label=$1 unit=$2 key=$3 better=$4 proxy
  printf '%-46s %-6s' "$label" "$unit"
  for proxy in "${REPORT_PROXIES[@]}"; do
    printf ' %11s' "$(val "$proxy:$key")"
  done
  if [[ -n ${VAL[nginx:$key]:-} ]]; then
    for proxy in "${REPORT_AKPROXIES[@]}"; do
      printf ' %11s' "$(ratio "$(val "$proxy:$key")" "$(val "nginx:$key")")"
    done
  else
    for proxy in "${REPORT_AKPROXIES[@]}"; do printf ' %11s' -; done
  fi
  printf '   %s\n' "$better"
}

header() {
  local proxy
  printf '%-46s %-6s' "row" "unit"
  for proxy in "${REPORT_PROXIES[@]}"; do printf ' %11s' "$proxy"; done
  local short
  for proxy in "${REPORT_AKPROXIES[@]}"; do
    short=${proxy#akproxy-}
    [[ $proxy == akproxy ]] && short=ak
    printf ' %11s' "$short/nginx"
  done
  printf '   %s\n' "better"
}

reload_line() {
  local proxy=$1 extra=""
  [[ ${VAL[$proxy:reload.late]:-0} != 0 ]] && extra="; ${VAL[$proxy:reload.late]} steps overran the interval (load core too busy; the next swap waited)"
  printf '%-12s %14s %8s %7s %7s %8s %16s   %s%s\n' "$proxy" "$(val "$proxy:reload.sent")" \
    "$(val "$proxy:reload.failed")" "$(val "$proxy:reload.log5xx")" "$(val "$proxy:reload.swaps")" "$(val "$proxy:reload.applied")" \
    "$(val "$proxy:reload.p50")/$(val "$proxy:reload.max")" "$(val "$proxy:reload.own")" "$extra"
}

report() {
  REPORT_PROXIES=("$@")
  REPORT_AKPROXIES=()
  local proxy
  for proxy in "$@"; do [[ $proxy == akproxy* ]] && REPORT_AKPROXIES+=("$proxy"); done
  local cpu_model
  cpu_model=$(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo)
  echo "akproxy vs nginx, make bench, $(date -u +%Y-%m-%dT%H:%M:%SZ)"
  echo "machine: $(getconf _NPROCESSORS_ONLN) cores ($cpu_model); load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
  echo "cores: proxy under test pinned to CPU $BENCH_PROXY_CPU; wrk, h2load, the WebSocket and"
  echo "       idle-connection clients, the upstream stub and this script pinned to CPU $BENCH_LOAD_CPU"
  echo "nginx $(nginx -v 2>&1 | sed 's|.*/||'): the seed config, 1 worker, TLS 1.3, http2, upstream keepalive 10"
  if ((${#REPORT_AKPROXIES[@]})); then
    echo "akproxy: $(basename "$AKPROXY_JAR"), 1 event loop, on $("$AKPROXY_JAVA" -version 2>&1 | head -1)"
    for proxy in "${REPORT_AKPROXIES[@]}"; do
      echo "         $proxy: TLS engine ${VAL[$proxy:engine]:-?}"
    done
    echo "         JVM flags (from $AKPROXY_JAVA_OPTS_FROM): $AKPROXY_JAVA_OPTS"
    [[ " ${REPORT_AKPROXIES[*]} " == *" akproxy-c1 "* ]] && echo "         akproxy-c1: the same with -XX:TieredStopAtLevel=1 (C1 only)"
    [[ " ${REPORT_AKPROXIES[*]} " == *" akproxy-alt "* ]] &&
      echo "         akproxy-alt: on $("$AKPROXY_ALT_JAVA" -version 2>&1 | head -1), flags: $AKPROXY_ALT_JAVA_OPTS"
  else
    echo "akproxy: not measured (BENCH_PROXIES=$BENCH_PROXIES)"
  fi
  echo "runs: ${BENCH_WARMUP}s warm-up per load kind, ${BENCH_DURATION}s per row; load rows: median of $BENCH_ROUNDS rounds"
  echo "      (failures summed over the rounds); $BENCH_KEY_TYPE certificate"
  echo "stub alone, client on the proxy core: ${VAL[stub:rps]:--} req/s keep-alive, ${VAL[stub:ws]:--} WebSocket msg/s"
  echo
  header
  line "HTTPS keep-alive GET (wrk -c$BENCH_CONNECTIONS)" "req/s" keepalive.rps higher
  line "  latency p50" "ms" keepalive.p50 lower
  line "  latency p99" "ms" keepalive.p99 lower
  line "  proxy CPU per request" "us" keepalive.cpu lower
  failed_lines keepalive.failed keepalive
  line "HTTP/2 GET (h2load -c$BENCH_H2_CLIENTS -m$BENCH_H2_STREAMS)" "req/s" h2.rps higher
  line "  proxy CPU per request" "us" h2.cpu lower
  failed_lines h2.failed h2
  line "New TLS connections (Connection: close)" "conn/s" close.rps higher
  line "  proxy CPU per connection" "us" close.cpu lower
  failed_lines close.failed new_connections
  line "WebSocket echo ($BENCH_WS_CONNECTIONS connections, ping-pong)" "msg/s" ws.rps higher
  line "  proxy CPU per round trip" "us" ws.cpu lower
  line "  failed WebSockets (connect, close, stall)" "ws" ws.failed lower
  line "  5xx lines in the proxy's access log" "lines" websocket.log5xx lower
  line "Peak RSS after the rows above (VmHWM)" "MiB" peak.rss lower
  line "Cold start: first answer, from process start" "ms" cold.first lower
  line "  to 90% of steady keep-alive req/s" "s" cold.t90 lower
  line "  steady state (wrk -c$BENCH_CONNECTIONS, ${BENCH_COLDSTART_DURATION}s)" "req/s" cold.steady higher
  line "  to CPU/request within 1/0.9 of steady" "s" cold.cpu.t90 lower
  line "  steady proxy CPU per request" "us" cold.cpu.steady lower
  line "  failed: non-2xx/3xx + socket errors" "req" cold.failed lower
  line "  5xx lines in the proxy's access log" "lines" cold_start.log5xx lower
  line "RSS with $BENCH_IDLE_CONNECTIONS idle TLS connections" "MiB" idle.rss lower
  line "  5xx lines in the proxy's access log" "lines" idle_connections.log5xx lower
  line "Peak RSS, slow reader of ${BENCH_BIG_MIB} MiB at $BENCH_SLOW_RATE/s" "MiB" slow.peak lower
  line "  5xx lines in the proxy's access log" "lines" slow_reader.log5xx lower
  line "Upstream churn: keep-alive GET (wrk -c$BENCH_CONNECTIONS)" "req/s" churn.h1.rps higher
  line "  failed: non-2xx/3xx + socket errors" "req" churn.h1.failed lower
  line "Upstream churn: HTTP/2 GET (h2load)" "req/s" churn.h2.rps higher
  line "  failed: h2load's failed" "req" churn.h2.failed lower
  line "Upstream churn: bursts after idle gaps" "req" churn.edge.sent -
  line "  failed: h2load's failed" "req" churn.edge.failed lower
  line "  5xx lines in the access log (all three)" "lines" churn.log5xx lower
  line "  upstream retries (akproxy /metrics)" "req" churn.retries -
  line "Rollout: answered, ${BENCH_ROLLOUT_LEAD} s before + $((${ROLLOUT_WINDOW:-1} - 1)) s after signal" "req" rollout.sent higher
  line "  failed: non-2xx/3xx + socket errors" "req" rollout.failed lower
  line "  5xx lines in the proxy's access log" "lines" rollout.log5xx lower
  rounds_section
  cold_start_section
  echo
  echo "Reload under load: wrk -c$BENCH_CONNECTIONS keep-alive for ${BENCH_RELOAD_DURATION}s; certificate and config replaced"
  echo "every ${BENCH_RELOAD_INTERVAL}s (akproxy: kubelet-style ..data symlink swap; nginx: files rewritten + nginx -s reload);"
  echo "applied = a new client (probing every 50 ms) saw the new certificate serial and HSTS max-age before the"
  echo "next swap; apply ms = how long after the swap it first did (median/max); failed = non-2xx/3xx + socket"
  echo "errors (wrk), log 5xx = 5xx lines the row added to the proxy's access log"
  printf '%-12s %14s %8s %7s %7s %8s %16s   %s\n' "proxy" "requests sent" "failed" "log 5xx" "swaps" "applied" "apply ms p50/max" "the proxy's own count"
  for proxy in "${REPORT_PROXIES[@]}"; do reload_line "$proxy"; done
  echo
  echo "Upstream churn: the stub's /churn/ closes a connection after $BENCH_CHURN_REQUESTS requests and after ${BENCH_CHURN_IDLE_MS} ms idle;"
  echo "  wrk and h2load for ${BENCH_DURATION}s each, then $BENCH_CHURN_BURSTS short bursts (h2load, HTTP/1.1 and HTTP/2 in turn)"
  echo "  after idle gaps from $((BENCH_CHURN_IDLE_MS - 100)) to $((BENCH_CHURN_IDLE_MS + 100)) ms."
  echo "Rollout: wrk -c$BENCH_CLOSE_CONNECTIONS 'Connection: close' (a new connection per request); after ${BENCH_ROLLOUT_LEAD}s akproxy gets SIGTERM,"
  echo "  nginx 'nginx -s quit' (its graceful shutdown, which closes the listening sockets at once); the load"
  echo "  stops one second before akproxy's shutdown delay (${ROLLOUT_WINDOW:-?} s from the signal) ends. wrk retries a refused"
  echo "  connection at once, so connect errors count attempts, not users."
  echo
  echo "Failures in detail (failed = non-2xx/3xx responses + socket errors: connect, read, write, timeout;"
  echo "h2load: its failed count, which includes requests a broken connection lost; log 5xx = lines the row"
  echo "added to the proxy's access log):"
  for proxy in "${REPORT_PROXIES[@]}"; do
    echo "  $proxy"
    detail_line "$proxy" "keep-alive" keepalive keepalive
    detail_line "$proxy" "HTTP/2" h2 h2
    detail_line "$proxy" "new connections" close new_connections
    printf '    %-22s %s failed WebSockets; log 5xx %s\n' "WebSocket" "$(val "$proxy:ws.failed")" "$(val "$proxy:websocket.log5xx")"
    detail_line "$proxy" "reload" reload reload
    detail_line "$proxy" "churn, wrk" churn.h1 churn
    detail_line "$proxy" "churn, h2load" churn.h2 -
    detail_line "$proxy" "churn, idle-edge bursts" churn.edge -
    detail_line "$proxy" "cold start" cold cold_start
    detail_line "$proxy" "rollout" rollout rollout
    if [[ -n ${VAL[$proxy:rollout.exit]:-} ]]; then
      printf '    %-22s %s%s\n' "" "${VAL[$proxy:rollout.readyz]:+/readyz ${VAL[$proxy:rollout.readyz]}; }" "${VAL[$proxy:rollout.exit]}"
    fi
    printf '    %-22s %s of %s answered, %s still open, %s KiB of RSS each; log 5xx %s\n' "idle connections" \
      "$(val "$proxy:idle.answered")" "$BENCH_IDLE_CONNECTIONS" "$(val "$proxy:idle.open")" "$(val "$proxy:idle.per")" \
      "$(val "$proxy:idle_connections.log5xx")"
    printf '    %-22s RSS: %s\n' "" "$(val "$proxy:idle.split")"
    printf '    %-22s still reading: %s, other client got %s; log 5xx %s\n' "slow reader" \
      "$(val "$proxy:slow.alive")" "$(val "$proxy:slow.other")" "$(val "$proxy:slow_reader.log5xx")"
    dropped_line "$proxy"
  done
}

# Every round's figure behind each median of the rows in rounds.
rounds_section() {
  ((BENCH_ROUNDS > 1 && ${#ROUND_VALS[@]} > 0)) || return 0
  echo
  echo "Rounds (the table shows the median of these; failures are their sum):"
  local proxy key label
  for proxy in "${REPORT_PROXIES[@]}"; do
    for key in keepalive.rps keepalive.cpu h2.rps h2.cpu close.rps close.cpu ws.rps ws.cpu \
      idle.rss slow.peak; do
      [[ -n ${ROUND_VALS[$proxy:$key]:-} ]] || continue
      case $key in
        *.rps) label="${key%.rps} rate" ;;
        *.cpu) label="${key%.cpu} CPU us/op" ;;
        idle.rss) label="idle RSS MiB" ;;
        slow.peak) label="slow reader MiB" ;;
      esac
      printf '  %-12s %-20s %s\n' "$proxy" "$label" "$(tr '\t' ' ' <<<"${ROUND_VALS[$proxy:$key]}")"
    done
  done
}

# The cold-start curve: requests answered in each second since the process was started.
cold_start_section() {
  local proxy any=""
  for proxy in "${REPORT_PROXIES[@]}"; do [[ -n ${VAL[$proxy:cold.curve]:-} ]] && any=1; done
  [[ -n $any ]] || return 0
  echo
  echo "Cold start: the proxy killed and started again, wrk -c$BENCH_CONNECTIONS keep-alive from its first answer;"
  echo "requests answered in each second since the process started (from its access log), and the"
  echo "proxy's CPU per request over each second of the load (from /proc, read every second):"
  for proxy in "${REPORT_PROXIES[@]}"; do
    [[ -n ${VAL[$proxy:cold.curve]:-} ]] || continue
    printf '  %-12s req/s       %s\n' "$proxy" "${VAL[$proxy:cold.curve]}"
    printf '  %-12s CPU us/req  %s\n' "" "${VAL[$proxy:cold.cpu.curve]:--}"
    [[ ${VAL[$proxy:cold.dropped]:-0} =~ ^(0|)$ ]] ||
      printf '  %-12s %s access-log lines dropped: the curve is a lower bound\n' "" "${VAL[$proxy:cold.dropped]}"
  done
}

# failed_lines <failed key> <row>: the two failure lines under a load row.
failed_lines() {
  line "  failed: non-2xx/3xx + socket errors" "req" "$1" lower
  line "  5xx lines in the proxy's access log" "lines" "$2.log5xx" lower
}

# detail_line <proxy> <label> <value key> <row, or - when the access-log count is on another line>
detail_line() {
  local proxy=$1 label=$2 key=$3 row=$4
  [[ -n ${VAL[$proxy:$key.failed]:-} ]] || return 0
  local log=""
  [[ $row != - ]] && log="; log 5xx $(val "$proxy:$row.log5xx")"
  printf '    %-22s %s failed (%s)%s\n' "$label" "$(val "$proxy:$key.failed")" "$(val "$proxy:$key.detail")" "$log"
}

# Access-log lines akproxy dropped (its queue full) would hide 5xx lines: say so when it happened.
dropped_line() {
  local proxy=$1 key lost=""
  for key in "${!VAL[@]}"; do
    [[ $key == "$proxy:"*.dropped && ${VAL[$key]} != 0 ]] && lost+=" ${key#"$proxy:"}=${VAL[$key]}"
  done
  [[ -z $lost ]] || printf '    %-22s%s (the log 5xx counts above are lower bounds)\n' "access-log lines dropped" "$lost"
  return 0
}
