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
  VAL[$proxy:keepalive.detail]=$(wrk_failure_detail "$out")
  VAL[$proxy:keepalive.cpu]=$(cpu_us_per "${VAL[$proxy:keepalive.ticks]}" "$(wrk_requests "$out")")
}

row_h2() {
  local proxy=$1 out="$RAW/$1-h2.txt"
  log "$proxy: HTTP/2, h2load -c$BENCH_H2_CLIENTS -m$BENCH_H2_STREAMS, ${BENCH_DURATION}s"
  measure "$proxy" h2 run_h2load "$out" "${PORT[$proxy]}" "$BENCH_DURATION"
  VAL[$proxy:h2.rps]=$(h2_rps "$out")
  VAL[$proxy:h2.failed]=$(h2_failures "$out")
  VAL[$proxy:h2.detail]=$(h2_failure_detail "$out")
  VAL[$proxy:h2.cpu]=$(cpu_us_per "${VAL[$proxy:h2.ticks]}" "$(h2_succeeded "$out")")
}

row_new_connections() {
  local proxy=$1 out="$RAW/$1-close.txt"
  log "$proxy: new TLS connections, wrk -c$BENCH_CLOSE_CONNECTIONS 'Connection: close', ${BENCH_DURATION}s"
  measure "$proxy" close run_wrk "$out" "${PORT[$proxy]}" "$BENCH_DURATION" \
    "$BENCH_CLOSE_CONNECTIONS" -H "Connection: close"
  VAL[$proxy:close.rps]=$(wrk_rps "$out")
  VAL[$proxy:close.failed]=$(wrk_failures "$out")
  VAL[$proxy:close.detail]=$(wrk_failure_detail "$out")
  VAL[$proxy:close.cpu]=$(cpu_us_per "${VAL[$proxy:close.ticks]}" "$(wrk_requests "$out")")
}

row_websocket() {
  local proxy=$1 out="$RAW/$1-ws.txt"
  log "$proxy: WebSocket echo, $BENCH_WS_CONNECTIONS connections, ${BENCH_WARMUP}s warm-up + ${BENCH_DURATION}s"
  run_ws "$out" "${PORT[$proxy]}" "$BENCH_WARMUP" "$BENCH_DURATION" &
  local client=$!
  # The proxy's CPU over the measured window only, from the client's MEASURING line to its end.
  local before after
  while ! grep -q '^MEASURING' "$out" 2>/dev/null && kill -0 "$client" 2>/dev/null; do sleep 0.05; done
  before=$(group_cpu_ticks "${PID[$proxy]}")
  wait "$client" || true
  after=$(group_cpu_ticks "${PID[$proxy]}")
  VAL[$proxy:ws.rps]=$(ws_field "$out" ws_messages_per_sec)
  VAL[$proxy:ws.failed]=$(ws_field "$out" errors)
  VAL[$proxy:ws.cpu]=$(cpu_us_per $((after - before)) "$(ws_field "$out" ws_messages)")
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
  VAL[$proxy:reload.detail]=$(wrk_failure_detail "$out")
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

# The upstream closes keep-alive connections on its own schedule (the stub's /churn/: after
# BENCH_CHURN_REQUESTS requests, and after BENCH_CHURN_IDLE_MS idle): keep-alive HTTP/1.1 load,
# HTTP/2 load, then short bursts after idle gaps spread around the stub's idle timeout, so some
# requests go out on pooled connections the stub is closing at that moment.
row_churn() {
  local proxy=$1 port=${PORT[$1]} LOAD_PATH=/churn/
  local h1="$RAW/$1-churn-h1.txt" h2="$RAW/$1-churn-h2.txt" edge="$RAW/$1-churn-edge.txt"
  log "$proxy: upstream churn (closes after $BENCH_CHURN_REQUESTS requests and ${BENCH_CHURN_IDLE_MS} ms idle): wrk, h2load, $BENCH_CHURN_BURSTS idle-edge bursts"
  run_wrk "$h1" "$port" "$BENCH_DURATION" "$BENCH_CONNECTIONS"
  run_h2load "$h2" "$port" "$BENCH_DURATION"
  : >"$edge"
  local i gap
  for ((i = 0; i < BENCH_CHURN_BURSTS; i++)); do
    # Gaps from idle - 100 ms to idle + 100 ms; bursts alternate HTTP/1.1 and HTTP/2.
    gap=$(awk -v idle="$BENCH_CHURN_IDLE_MS" -v i="$i" -v n="$BENCH_CHURN_BURSTS" \
      'BEGIN { printf "%.3f", (idle - 100 + (n > 1 ? 200 * i / (n - 1) : 0)) / 1000 }')
    sleep "$gap"
    if ((i % 2 == 0)); then
      run_h2load_burst "$edge" "$port" --h1 -c8 -n160
    else
      run_h2load_burst "$edge" "$port" -c4 -m4 -n160
    fi
  done
  VAL[$proxy:churn.h1.rps]=$(wrk_rps "$h1")
  VAL[$proxy:churn.h1.failed]=$(wrk_failures "$h1")
  VAL[$proxy:churn.h1.detail]=$(wrk_failure_detail "$h1")
  VAL[$proxy:churn.h2.rps]=$(h2_rps "$h2")
  VAL[$proxy:churn.h2.failed]=$(h2_failures "$h2")
  VAL[$proxy:churn.h2.detail]=$(h2_failure_detail "$h2")
  VAL[$proxy:churn.edge.sent]=$(h2_totals "$edge" | awk '{ print $2 + $3 }')
  VAL[$proxy:churn.edge.failed]=$(h2_failures "$edge")
  VAL[$proxy:churn.edge.detail]=$(h2_failure_detail "$edge")
  if [[ $proxy != nginx ]]; then
    VAL[$proxy:churn.retries]=$(akproxy_metric "$proxy" akproxy_upstream_retries_total)
  fi
}

# A rollout as a pod sees it: new-connection load (wrk, Connection: close, so every request needs
# the listener) runs while the proxy is told to stop (akproxy: SIGTERM; nginx: nginx -s quit, its
# graceful shutdown). The window counted is akproxy's shutdown delay (shutdown.delaySeconds of
# its proxy.json, as the runtime reads it), the time endpoints take to stop sending traffic in
# Kubernetes: the load runs BENCH_ROLLOUT_LEAD seconds before the signal and stops one second
# before the delay ends. Then the proxy must exit by itself (exit code and time printed), and is
# started again for any row that follows.
row_rollout() {
  local proxy=$1 port=${PORT[$1]} out="$RAW/$1-rollout.txt" readyz="$RAW/$1-rollout-readyz.txt"
  local window=$ROLLOUT_WINDOW pid=${PID[$1]}
  log "$proxy: rollout, wrk -c$BENCH_CLOSE_CONNECTIONS 'Connection: close', stop signal after ${BENCH_ROLLOUT_LEAD}s, counting ${window}s"
  run_wrk "$out" "$port" $((BENCH_ROLLOUT_LEAD + window - 1)) "$BENCH_CLOSE_CONNECTIONS" -H "Connection: close" &
  local wrk_job=$!
  sleep "$BENCH_ROLLOUT_LEAD"
  local signalled=$EPOCHREALTIME exited="$RAW/$1-rollout-exited.txt"
  : >"$exited"
  if [[ $proxy == nginx ]]; then
    nginx_cmd -s quit
  else
    kill -TERM "$pid"
  fi
  watch_exit "$pid" "$exited" $((window + 60)) &
  local watcher=$!
  if [[ $proxy != nginx ]]; then
    # /readyz must turn 503 at once, so the kubelet takes the pod out of the endpoints.
    # The time printed is when the answer arrived (a curl started on the busy load core).
    local code="" polls=0 deadline=$((SECONDS + 5))
    : >"$readyz"
    while ((SECONDS < deadline)); do
      code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 1 \
        "http://127.0.0.1:${AK_ADMIN_PORT[$proxy]}/readyz" || true)
      polls=$((polls + 1))
      echo "$EPOCHREALTIME $code" >>"$readyz"
      [[ $code != 200 ]] && break
      sleep 0.05
    done
    VAL[$proxy:rollout.readyz]="$code at poll $polls, answered $(elapsed_ms "$signalled") ms after the signal"
  fi
  wait "$wrk_job" || true
  wait "$watcher" || true
  VAL[$proxy:rollout.sent]=$(wrk_requests "$out")
  VAL[$proxy:rollout.failed]=$(wrk_failures "$out")
  VAL[$proxy:rollout.detail]=$(wrk_failure_detail "$out")
  # Then it must exit by itself: within the delay, the drain's grace period and a margin.
  local status
  if [[ -s $exited ]]; then
    wait "$pid" && status=0 || status=$?
    VAL[$proxy:rollout.exit]="exit $status after $(awk -v a="$signalled" -v b="$(cat "$exited")" \
      'BEGIN { printf "%d", (b - a) * 1000 }') ms"
  else
    VAL[$proxy:rollout.exit]="still running $((window + 60)) s after the signal (killed)"
    stop_pid "$pid"
    wait "$pid" 2>/dev/null || true
  fi
  if [[ $proxy == nginx ]]; then
    launch_nginx
    PID[nginx]=$NG_PID
  else
    launch_akproxy "$proxy"
    PID[$proxy]=$LAST_PID
  fi
}

# elapsed_ms <EPOCHREALTIME at the start>: milliseconds since.
elapsed_ms() { awk -v a="$1" -v b="$EPOCHREALTIME" 'BEGIN { printf "%d", (b - a) * 1000 }'; }

# watch_exit <pid> <file> <seconds>: run in the background; writes EPOCHREALTIME to the file when
# the process has exited (gone, or a zombie until bash reaps it; its exit status stays available
# to `wait`), or nothing if it is still running after the given seconds.
watch_exit() {
  local pid=$1 file=$2 deadline=$((SECONDS + $3)) state
  while ((SECONDS < deadline)); do
    state=$(sed 's/^.*) //' "/proc/$pid/stat" 2>/dev/null | cut -d' ' -f1) || true
    if [[ -z $state || $state == Z ]]; then
      echo "$EPOCHREALTIME" >"$file"
      return 0
    fi
    sleep 0.05
  done
}

# run_row <row> <proxy>: one row for one proxy, counting the 5xx lines the row added to the
# proxy's access log (and, for akproxy, the access-log lines it dropped meanwhile).
run_row() {
  local row=$1 proxy=$2 mark dropped_before=""
  mark=$(access_log_mark "$proxy")
  if [[ $proxy != nginx ]]; then
    dropped_before=$(akproxy_metric "$proxy" akproxy_access_log_dropped_total)
  fi
  "row_$row" "$proxy"
  local format=json
  [[ $proxy == nginx ]] && format=combined
  # shellcheck disable=SC2086 # the mark is "<offset> <file>"
  VAL[$proxy:$row.log5xx]=$(access_log_5xx "$format" $mark)
  if [[ -n $dropped_before ]]; then
    local dropped_after
    dropped_after=$(akproxy_metric "$proxy" akproxy_access_log_dropped_total)
    # The rollout row restarts the process, so its counter starts again from zero.
    if [[ $row != rollout && -n $dropped_after && -n $dropped_before ]]; then
      VAL[$proxy:$row.dropped]=$((dropped_after - dropped_before))
    fi
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
  if [[ " ${rows[*]} " == *" rollout "* ]]; then
    local first_akproxy=""
    for proxy in "${proxies[@]}"; do [[ $proxy != nginx && -z $first_akproxy ]] && first_akproxy=$proxy; done
    ROLLOUT_WINDOW=${BENCH_ROLLOUT_WINDOW:-}
    if [[ -z $ROLLOUT_WINDOW && -n $first_akproxy ]]; then
      ROLLOUT_WINDOW=$(akproxy_shutdown_delay "$first_akproxy") || die "could not read shutdown.delaySeconds"
    fi
    # nginx alone has no delay to take the window from; 10 s is akproxy's default.
    ROLLOUT_WINDOW=${ROLLOUT_WINDOW:-10}
    ((ROLLOUT_WINDOW >= 2)) || ROLLOUT_WINDOW=2
  fi
  for row in "${rows[@]}"; do
    for proxy in "${proxies[@]}"; do run_row "$row" "$proxy"; done
  done

  report "${proxies[@]}" | tee "$RESULTS_DIR/latest.txt"
  rm -rf "$RESULTS_DIR/latest-raw"
  cp -r "$RAW" "$RESULTS_DIR/latest-raw"
  log "table written to bench/results/latest.txt, tool output to bench/results/latest-raw/"
}

main "$@"
