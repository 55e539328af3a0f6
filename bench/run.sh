#!/usr/bin/env bash
# make bench: akproxy against nginx configured as authentik's example, on loopback, side by side.
# Method, settings and how to read the table: docs/benchmarks.md.
set -euo pipefail

BENCH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(dirname "$BENCH_DIR")
# shellcheck source=lib/common.sh
source "$BENCH_DIR/lib/common.sh"
# shellcheck source=lib/procstat.sh
source "$BENCH_DIR/lib/procstat.sh"
# shellcheck source=lib/setup.sh
source "$BENCH_DIR/lib/setup.sh"
# shellcheck source=lib/proxies.sh
source "$BENCH_DIR/lib/proxies.sh"
# shellcheck source=lib/load.sh
source "$BENCH_DIR/lib/load.sh"
# shellcheck source=lib/report.sh
source "$BENCH_DIR/lib/report.sh"

declare -A PORT PID VAL

# measure <proxy> <key> <command...>: runs the load command and records the proxy's CPU ticks.
measure() {
  local proxy=$1 key=$2
  shift 2
  local before after
  before=$(group_cpu_ticks "${PID[$proxy]}")
  "$@"
  after=$(group_cpu_ticks "${PID[$proxy]}")
  VAL[$proxy:$key.ticks]=$((after - before))
}

# The WebSocket echo behind the stub is a JVM: JIT-compile it before any proxy is measured, with
# echo load sent straight to the stub from the (still idle) proxy core. Then one plain-HTTP run
# against the stub alone, to show the ceiling the load core allows.
warm_up_stub() {
  log "warming up the upstream stub's WebSocket echo (${BENCH_WARMUP}s x 2)"
  taskset -c "$BENCH_PROXY_CPU" "$TOOLS_JAVA" -XX:+UseSerialGC -Xmx256m -cp "$TOOLS_CP" WsEchoLoad \
    "$STUB_PORT" "$BENCH_HOST" "$BENCH_WS_CONNECTIONS" "$BENCH_WARMUP" "$BENCH_WARMUP" \
    >"$RAW/stub-alone-ws.txt" 2>&1 || true
  taskset -c "$BENCH_PROXY_CPU" wrk -t1 -c"$BENCH_CONNECTIONS" -d"${BENCH_WARMUP}s" \
    "https://127.0.0.1:$STUB_PORT/" >"$RAW/stub-alone.txt" 2>&1 || true
  VAL[stub:rps]=$(wrk_rps "$RAW/stub-alone.txt")
  VAL[stub:ws]=$(ws_field "$RAW/stub-alone-ws.txt" ws_messages_per_sec)
  log "stub alone (client on the proxy core): ${VAL[stub:rps]} req/s, ${VAL[stub:ws]} WebSocket msg/s"
}

warm_up() {
  local proxy=$1 port=${PORT[$1]}
  log "warming up $proxy (${BENCH_WARMUP}s each: keep-alive, new connections, HTTP/2)"
  run_wrk "$RAW/$proxy-warmup-keepalive.txt" "$port" "$BENCH_WARMUP" "$BENCH_CONNECTIONS"
  run_wrk "$RAW/$proxy-warmup-close.txt" "$port" "$BENCH_WARMUP" "$BENCH_CLOSE_CONNECTIONS" \
    -H "Connection: close"
  run_h2load "$RAW/$proxy-warmup-h2.txt" "$port" "$BENCH_WARMUP"
}

row_keepalive() {
  local proxy=$1 out="$RAW/$1-keepalive.txt"
  log "$proxy: HTTPS keep-alive GET, wrk -c$BENCH_CONNECTIONS, ${BENCH_DURATION}s"
  measure "$proxy" keepalive run_wrk "$out" "${PORT[$proxy]}" "$BENCH_DURATION" "$BENCH_CONNECTIONS"
  VAL[$proxy:keepalive.rps]=$(wrk_rps "$out")
  VAL[$proxy:keepalive.p50]=$(wrk_latency_ms "$out" 50)
  VAL[$proxy:keepalive.p99]=$(wrk_latency_ms "$out" 99)
  VAL[$proxy:keepalive.failed]=$(wrk_failures "$out")
  VAL[$proxy:keepalive.cpu]=$(cpu_us_per "${VAL[$proxy:keepalive.ticks]}" "$(wrk_requests "$out")")
}

row_h2() {
  local proxy=$1 out="$RAW/$1-h2.txt"
  log "$proxy: HTTP/2, h2load -c$BENCH_H2_CLIENTS -m$BENCH_H2_STREAMS, ${BENCH_DURATION}s"
  measure "$proxy" h2 run_h2load "$out" "${PORT[$proxy]}" "$BENCH_DURATION"
  VAL[$proxy:h2.rps]=$(h2_rps "$out")
  VAL[$proxy:h2.failed]=$(h2_failures "$out")
  VAL[$proxy:h2.cpu]=$(cpu_us_per "${VAL[$proxy:h2.ticks]}" "$(h2_succeeded "$out")")
}

row_new_connections() {
  local proxy=$1 out="$RAW/$1-close.txt"
  log "$proxy: new TLS connections, wrk -c$BENCH_CLOSE_CONNECTIONS 'Connection: close', ${BENCH_DURATION}s"
  measure "$proxy" close run_wrk "$out" "${PORT[$proxy]}" "$BENCH_DURATION" \
    "$BENCH_CLOSE_CONNECTIONS" -H "Connection: close"
  VAL[$proxy:close.rps]=$(wrk_rps "$out")
  VAL[$proxy:close.failed]=$(wrk_failures "$out")
  VAL[$proxy:close.cpu]=$(cpu_us_per "${VAL[$proxy:close.ticks]}" "$(wrk_requests "$out")")
}

row_websocket() {
  local proxy=$1 out="$RAW/$1-ws.txt"
  log "$proxy: WebSocket echo, $BENCH_WS_CONNECTIONS connections, ${BENCH_WARMUP}s warm-up + ${BENCH_DURATION}s"
  run_ws "$out" "${PORT[$proxy]}" "$BENCH_WARMUP" "$BENCH_DURATION"
  VAL[$proxy:ws.rps]=$(ws_field "$out" ws_messages_per_sec)
  VAL[$proxy:ws.failed]=$(ws_field "$out" errors)
}

row_peak_rss() {
  VAL[$1:peak.rss]=$(kib_to_mib "$(group_hwm_kib "${PID[$1]}")")
}

# RSS while BENCH_IDLE_CONNECTIONS TLS connections, each after one request, sit idle.
row_idle_connections() {
  local proxy=$1 out="$RAW/$1-idle.txt"
  log "$proxy: $BENCH_IDLE_CONNECTIONS idle TLS connections"
  local before_kib after_kib
  before_kib=$(group_rss_kib "${PID[$proxy]}")
  group_reset_hwm "${PID[$proxy]}"
  start_pinned "$BENCH_LOAD_CPU" "$out" "$out" "$TOOLS_JAVA" -XX:+UseSerialGC -Xmx256m \
    -cp "$TOOLS_CP" IdleTlsConnections "${PORT[$proxy]}" "$BENCH_HOST" "$BENCH_IDLE_CONNECTIONS"
  local client=$LAST_PID
  wait_ready "$client" "$out" 120 "$BENCH_IDLE_CONNECTIONS idle connections" grep -q '^READY' "$out"
  # Two seconds for the proxy to settle (it answered the last request just now), then read.
  sleep 2
  after_kib=$(group_rss_kib "${PID[$proxy]}")
  VAL[$proxy:idle.rss]=$(kib_to_mib "$after_kib")
  VAL[$proxy:idle.peak]=$(kib_to_mib "$(group_hwm_kib "${PID[$proxy]}")")
  VAL[$proxy:idle.open]=$(ss -Htn state established "( sport = :${PORT[$proxy]} )" | wc -l)
  VAL[$proxy:idle.answered]=$(sed -n 's/^READY .*answered=\([0-9]*\).*/\1/p' "$out")
  VAL[$proxy:idle.per]=$(awk -v a="$after_kib" -v b="$before_kib" -v n="${VAL[$proxy:idle.answered]:-0}" \
    'BEGIN { if (n > 0) printf "%.1f", (a - b) / n; else print "-" }')
  stop_pid "$client"
}

# Peak RSS while a client reads a large response at BENCH_SLOW_RATE for BENCH_DURATION seconds;
# meanwhile another client must still be served.
row_slow_reader() {
  local proxy=$1 out="$RAW/$1-slow.txt"
  local bytes=$((BENCH_BIG_MIB * 1024 * 1024))
  log "$proxy: slow reader, ${BENCH_BIG_MIB} MiB at $BENCH_SLOW_RATE/s for ${BENCH_DURATION}s"
  group_reset_hwm "${PID[$proxy]}"
  start_pinned "$BENCH_LOAD_CPU" "$out" "$out" curl -sk --http1.1 --limit-rate "$BENCH_SLOW_RATE" \
    -o /dev/null --resolve "$BENCH_HOST:${PORT[$proxy]}:127.0.0.1" \
    "https://$BENCH_HOST:${PORT[$proxy]}/big?bytes=$bytes"
  local reader=$LAST_PID
  sleep "$BENCH_DURATION"
  VAL[$proxy:slow.peak]=$(kib_to_mib "$(group_hwm_kib "${PID[$proxy]}")")
  VAL[$proxy:slow.other]=$(curl -sk -o /dev/null -w '%{http_code}' --max-time 5 \
    --resolve "$BENCH_HOST:${PORT[$proxy]}:127.0.0.1" "https://$BENCH_HOST:${PORT[$proxy]}/" || true)
  kill -0 "$reader" 2>/dev/null && VAL[$proxy:slow.alive]=yes || VAL[$proxy:slow.alive]=no
  stop_pid "$reader"
}

# Keep-alive load for BENCH_RELOAD_DURATION while ReloadDriver replaces the certificate and the
# config every BENCH_RELOAD_INTERVAL; a swap counts as applied when, before the next one, a new
# client sees the new certificate serial and the new HSTS max-age (probed every 50 ms).
row_reload() {
  local proxy=$1 out="$RAW/$1-reload.txt" swaps_out="$RAW/$1-reload-swaps.txt" port=${PORT[$1]}
  log "$proxy: reload under load, swap every ${BENCH_RELOAD_INTERVAL}s for ${BENCH_RELOAD_DURATION}s"
  local applied_before=0 failed_before=0
  if [[ $proxy != nginx ]]; then
    applied_before=$(akproxy_status_field "$proxy" reloads.applied)
    failed_before=$(akproxy_status_field "$proxy" reloads.failed)
  fi
  local interval_ms driver_args
  interval_ms=$(awk -v i="$BENCH_RELOAD_INTERVAL" 'BEGIN { printf "%d", i * 1000 }')
  read -r -a driver_args <<<"$(reload_driver_args "$proxy")"
  run_wrk "$out" "$port" "$BENCH_RELOAD_DURATION" "$BENCH_CONNECTIONS" &
  local wrk_job=$!
  "$TOOLS_JAVA" -XX:+UseSerialGC -Xmx64m -XX:TieredStopAtLevel=1 -cp "$TOOLS_CP" ReloadDriver \
    "$port" "$BENCH_HOST" "$interval_ms" $((BENCH_RELOAD_DURATION * 1000)) "${driver_args[@]}" \
    >"$swaps_out" 2>&1 || log "ReloadDriver failed: $(tail -3 "$swaps_out")"
  wait "$wrk_job" || true
  grep -q 'NOT applied' "$swaps_out" && log "$proxy: some swaps were not applied in time, see $swaps_out"
  VAL[$proxy:reload.sent]=$(wrk_requests "$out")
  VAL[$proxy:reload.failed]=$(wrk_failures "$out")
  VAL[$proxy:reload.swaps]=$(ws_field "$swaps_out" swaps)
  VAL[$proxy:reload.applied]=$(ws_field "$swaps_out" applied)
  VAL[$proxy:reload.late]=$(ws_field "$swaps_out" late)
  VAL[$proxy:reload.p50]=$(ws_field "$swaps_out" apply_ms_p50)
  VAL[$proxy:reload.max]=$(ws_field "$swaps_out" apply_ms_max)
  if [[ $proxy == nginx ]]; then
    VAL[$proxy:reload.own]="nginx logged $(nginx_reloads_logged) SIGHUPs"
  else
    local applied_after failed_after
    applied_after=$(akproxy_status_field "$proxy" reloads.applied)
    failed_after=$(akproxy_status_field "$proxy" reloads.failed)
    VAL[$proxy:reload.own]="/status: $((${applied_after:-0} - ${applied_before:-0})) applied, $((${failed_after:-0} - ${failed_before:-0})) failed"
  fi
}

main() {
  trap cleanup EXIT
  trap 'exit 130' INT TERM
  # The harness itself (swaps, checks, samplers) runs on the load core; only the proxy under test
  # is started on the proxy core.
  taskset -cp "$BENCH_LOAD_CPU" $$ >/dev/null
  ulimit -n 65536 2>/dev/null || ulimit -n "$(ulimit -Hn)"
  ensure_tools
  WORK=$(mktemp -d /tmp/akproxy-bench.XXXXXX)
  RAW=$WORK/raw
  mkdir -p "$RAW" "$RESULTS_DIR"

  local proxies=() proxy
  read -r -a proxies <<<"$BENCH_PROXIES"
  local ports=("$STUB_PORT" "$ECHO_PORT")
  for proxy in "${proxies[@]}"; do
    case $proxy in
      nginx) ports+=("$NG_HTTPS_PORT" "$NG_HTTP_PORT") ;;
      akproxy | akproxy-jdk | akproxy-c2)
        ports+=("$(ak_https_port "$proxy")" "$(ak_http_port "$proxy")" "$(ak_admin_port "$proxy")")
        ensure_runtime_jar
        ;;
      *) die "BENCH_PROXIES lists '$proxy': known are akproxy, akproxy-jdk, akproxy-c2 and nginx" ;;
    esac
  done
  require_free_ports "${ports[@]}"
  compile_tools

  # The two variants the reload row alternates: certificate serial (hex) and HSTS max-age.
  declare -gA SERIAL=([a]=1111 [b]=2222) HSTS=([a]=63072000 [b]=63072001)
  new_certificate "$WORK/certs/a" "${SERIAL[a]}"
  new_certificate "$WORK/certs/b" "${SERIAL[b]}"

  log "cores: proxies on CPU $BENCH_PROXY_CPU; load generators and upstream stub on CPU $BENCH_LOAD_CPU"
  start_stub
  for proxy in "${proxies[@]}"; do
    if [[ $proxy == nginx ]]; then
      start_nginx
      PORT[nginx]=$NG_HTTPS_PORT PID[nginx]=$NG_PID
    else
      start_akproxy "$proxy"
      PORT[$proxy]=$(ak_https_port "$proxy") PID[$proxy]=$LAST_PID
      VAL[$proxy:engine]=$(akproxy_status_field "$proxy" tlsEngine)
    fi
  done

  # Each row runs for every proxy before the next row starts, so background noise on a shared
  # machine hits both sides alike.
  local row
  warm_up_stub
  for proxy in "${proxies[@]}"; do warm_up "$proxy"; done
  local rows=()
  read -r -a rows <<<"$BENCH_ROWS"
  for row in "${rows[@]}"; do
    declare -F "row_$row" >/dev/null || die "BENCH_ROWS lists '$row': not a row of this bench"
  done
  for row in "${rows[@]}"; do
    for proxy in "${proxies[@]}"; do "row_$row" "$proxy"; done
  done

  report "${proxies[@]}" | tee "$RESULTS_DIR/latest.txt"
  rm -rf "$RESULTS_DIR/latest-raw"
  cp -r "$RAW" "$RESULTS_DIR/latest-raw"
  log "table written to bench/results/latest.txt, tool output to bench/results/latest-raw/"
}

main "$@"
