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
  printf '%-12s %14s %8s %7s %8s %16s   %s%s\n' "$proxy" "$(val "$proxy:reload.sent")" \
    "$(val "$proxy:reload.failed")" "$(val "$proxy:reload.swaps")" "$(val "$proxy:reload.applied")" \
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
    echo "         JVM flags: $AKPROXY_JAVA_OPTS"
    [[ " ${REPORT_AKPROXIES[*]} " == *" akproxy-c2 "* ]] && echo "         akproxy-c2: the same without -XX:TieredStopAtLevel=1"
  else
    echo "akproxy: not measured (BENCH_PROXIES=$BENCH_PROXIES)"
  fi
  echo "runs: ${BENCH_WARMUP}s warm-up per load kind, ${BENCH_DURATION}s per row; $BENCH_KEY_TYPE certificate"
  echo "stub alone, client on the proxy core: ${VAL[stub:rps]:--} req/s keep-alive, ${VAL[stub:ws]:--} WebSocket msg/s"
  echo
  header
  line "HTTPS keep-alive GET (wrk -c$BENCH_CONNECTIONS)" "req/s" keepalive.rps higher
  line "  latency p50" "ms" keepalive.p50 lower
  line "  latency p99" "ms" keepalive.p99 lower
  line "  proxy CPU per request" "us" keepalive.cpu lower
  line "HTTP/2 GET (h2load -c$BENCH_H2_CLIENTS -m$BENCH_H2_STREAMS)" "req/s" h2.rps higher
  line "  proxy CPU per request" "us" h2.cpu lower
  line "New TLS connections (Connection: close)" "conn/s" close.rps higher
  line "  proxy CPU per connection" "us" close.cpu lower
  line "WebSocket echo ($BENCH_WS_CONNECTIONS connections, ping-pong)" "msg/s" ws.rps higher
  line "Peak RSS after the rows above (VmHWM)" "MiB" peak.rss lower
  line "RSS with $BENCH_IDLE_CONNECTIONS idle TLS connections" "MiB" idle.rss lower
  line "Peak RSS, slow reader of ${BENCH_BIG_MIB} MiB at $BENCH_SLOW_RATE/s" "MiB" slow.peak lower
  echo
  echo "Reload under load: wrk -c$BENCH_CONNECTIONS keep-alive for ${BENCH_RELOAD_DURATION}s; certificate and config replaced"
  echo "every ${BENCH_RELOAD_INTERVAL}s (akproxy: kubelet-style ..data symlink swap; nginx: files rewritten + nginx -s reload);"
  echo "applied = a new client (probing every 50 ms) saw the new certificate serial and HSTS max-age before the"
  echo "next swap; apply ms = how long after the swap it first did (median/max)"
  printf '%-12s %14s %8s %7s %8s %16s   %s\n' "proxy" "requests sent" "failed" "swaps" "applied" "apply ms p50/max" "the proxy's own count"
  for proxy in "${REPORT_PROXIES[@]}"; do reload_line "$proxy"; done
  echo
  echo "Checks (failed = non-2xx responses + socket errors):"
  for proxy in "${REPORT_PROXIES[@]}"; do
    printf '  %-11s failed: keep-alive %s, HTTP/2 %s, new connections %s, WebSocket %s\n' "$proxy" \
      "$(val "$proxy:keepalive.failed")" "$(val "$proxy:h2.failed")" "$(val "$proxy:close.failed")" \
      "$(val "$proxy:ws.failed")"
    printf '  %-11s idle: %s of %s answered, %s still open, %s KiB of RSS each; slow reader still reading: %s, other client got %s\n' \
      "" "$(val "$proxy:idle.answered")" "$BENCH_IDLE_CONNECTIONS" "$(val "$proxy:idle.open")" "$(val "$proxy:idle.per")" \
      "$(val "$proxy:slow.alive")" "$(val "$proxy:slow.other")"
  done
}
