# shellcheck shell=bash
# The printed table. Sourced, not run; reads VAL, PID and the settings.

val() { local v=${VAL[$1]:-}; echo "${v:--}"; }

# ratio <akproxy value> <nginx value>: akproxy/nginx to two decimals, or "-" when not computable.
ratio() {
  awk -v a="$1" -v n="$2" 'BEGIN {
    if (a ~ /^[0-9.]+$/ && n ~ /^[0-9.]+$/ && n + 0 > 0) printf "%.2fx", a / n; else print "-"
  }'
}

# One table line: label, unit, metric key, which direction is better.
line() {
  local label=$1 unit=$2 key=$3 better=$4
  local a n
  a=$(val "akproxy:$key")
  n=$(val "nginx:$key")
  printf '%-46s %-7s %10s %10s %9s   %s\n' "$label" "$unit" "$a" "$n" "$(ratio "$a" "$n")" "$better"
}

reload_line() {
  local proxy=$1 extra=""
  [[ ${VAL[$proxy:reload.late]:-0} != 0 ]] && extra="  ${VAL[$proxy:reload.late]} swaps overran the interval;"
  [[ $proxy == nginx && -n ${VAL[nginx:reload.logged]:-} ]] &&
    extra="$extra  nginx logged ${VAL[nginx:reload.logged]} SIGHUPs"
  printf '%-10s %14s %10s %8s %16s%s\n' "$proxy" "$(val "$proxy:reload.sent")" \
    "$(val "$proxy:reload.failed")" "$(val "$proxy:reload.swaps")" "$(val "$proxy:reload.applied")" "$extra"
}

akproxy_tls_engine() {
  local status
  status=$(curl -sf "http://127.0.0.1:$AK_ADMIN_PORT/status" 2>/dev/null) || return 0
  sed -n 's/.*"\(tlsEngine\|sslEngine\|engine\)" *: *"\([^"]*\)".*/\2/p' <<<"$status" | head -1
}

report() {
  local proxies=("$@") proxy
  local cpu_model java_version nginx_version
  cpu_model=$(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo)
  java_version=$("$AKPROXY_JAVA" -version 2>&1 | head -1)
  nginx_version=$(nginx -v 2>&1 | sed 's|.*/||')
  echo "akproxy vs nginx, make bench, $(date -u +%Y-%m-%dT%H:%M:%SZ)"
  echo "machine: $(getconf _NPROCESSORS_ONLN) cores ($cpu_model); load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
  echo "cores: proxy under test pinned to CPU $BENCH_PROXY_CPU; wrk, h2load, the WebSocket and"
  echo "       idle-connection clients and the upstream stub pinned to CPU $BENCH_LOAD_CPU"
  echo "nginx $nginx_version: the seed config, 1 worker, TLS 1.3, http2, upstream keepalive 10"
  if [[ " ${proxies[*]} " == *" akproxy "* ]]; then
    local engine
    engine=$(akproxy_tls_engine)
    echo "akproxy: $(basename "$AKPROXY_JAR") on $java_version${engine:+, TLS engine $engine}"
    echo "         JVM flags: $AKPROXY_JAVA_OPTS"
  else
    echo "akproxy: not measured (BENCH_PROXIES=$BENCH_PROXIES)"
  fi
  echo "runs: ${BENCH_WARMUP}s warm-up per load kind, ${BENCH_DURATION}s per row; $BENCH_KEY_TYPE certificate"
  echo
  printf '%-46s %-7s %10s %10s %9s   %s\n' "row" "unit" "akproxy" "nginx" "ak/nginx" "better"
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
  echo "Reload under load: wrk -c$BENCH_CONNECTIONS keep-alive for ${BENCH_RELOAD_DURATION}s; certificate and config"
  echo "swapped every ${BENCH_RELOAD_INTERVAL}s (akproxy: kubelet ..data symlink swap; nginx: files rewritten + nginx -s reload)"
  printf '%-10s %14s %10s %8s %16s\n' "proxy" "requests sent" "failed" "swaps" "reloads applied"
  for proxy in "${proxies[@]}"; do reload_line "$proxy"; done
  echo
  echo "Checks (failed = non-2xx responses + socket errors):"
  for proxy in "${proxies[@]}"; do
    printf '  %-8s failed: keep-alive %s, HTTP/2 %s, new connections %s, WebSocket %s;' "$proxy" \
      "$(val "$proxy:keepalive.failed")" "$(val "$proxy:h2.failed")" "$(val "$proxy:close.failed")" \
      "$(val "$proxy:ws.failed")"
    printf ' idle: %s answered, %s still open;' "$(val "$proxy:idle.answered")" "$(val "$proxy:idle.open")"
    printf ' slow reader still reading: %s, other client got %s\n' "$(val "$proxy:slow.alive")" \
      "$(val "$proxy:slow.other")"
  done
}
