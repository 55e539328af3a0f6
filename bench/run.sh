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
ROUND_TAG="" # "-r<n>" in raw file names while the load rows run in rounds
PERF_PID=""

# measure <proxy> <key> <command...>: runs the load command and records the proxy's CPU ticks.
measure() {
  local proxy=$1 key=$2
  shift 2
  local before after
  profile_start "$proxy" "$key"
  before=$(group_cpu_ticks "${PID[$proxy]}")
  "$@"
  after=$(group_cpu_ticks "${PID[$proxy]}")
  profile_stop "$proxy" "$key"
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
  # With BENCH_PROFILE=jfr, the first recording (the one that loads JFR itself) is the warm-up's.
  if [[ $BENCH_PROFILE == jfr ]]; then profile_start "$proxy" warmup; fi
  run_wrk "$RAW/$proxy-warmup-keepalive.txt" "$port" "$BENCH_WARMUP" "$BENCH_CONNECTIONS"
  run_wrk "$RAW/$proxy-warmup-close.txt" "$port" "$BENCH_WARMUP" "$BENCH_CLOSE_CONNECTIONS" \
    -H "Connection: close"
  run_h2load "$RAW/$proxy-warmup-h2.txt" "$port" "$BENCH_WARMUP"
  if [[ $BENCH_PROFILE == jfr ]]; then profile_stop "$proxy" warmup; fi
}

row_keepalive() {
  local proxy=$1 out="$RAW/$1-keepalive$ROUND_TAG.txt"
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
  local proxy=$1 out="$RAW/$1-h2$ROUND_TAG.txt"
  log "$proxy: HTTP/2, h2load -c$BENCH_H2_CLIENTS -m$BENCH_H2_STREAMS, ${BENCH_DURATION}s"
  measure "$proxy" h2 run_h2load "$out" "${PORT[$proxy]}" "$BENCH_DURATION"
  VAL[$proxy:h2.rps]=$(h2_rps "$out")
  VAL[$proxy:h2.failed]=$(h2_failures "$out")
  VAL[$proxy:h2.detail]=$(h2_failure_detail "$out")
  VAL[$proxy:h2.cpu]=$(cpu_us_per "${VAL[$proxy:h2.ticks]}" "$(h2_succeeded "$out")")
}

row_new_connections() {
  local proxy=$1 out="$RAW/$1-close$ROUND_TAG.txt"
  log "$proxy: new TLS connections, wrk -c$BENCH_CLOSE_CONNECTIONS 'Connection: close', ${BENCH_DURATION}s"
  measure "$proxy" close run_wrk "$out" "${PORT[$proxy]}" "$BENCH_DURATION" \
    "$BENCH_CLOSE_CONNECTIONS" -H "Connection: close"
  VAL[$proxy:close.rps]=$(wrk_rps "$out")
  VAL[$proxy:close.failed]=$(wrk_failures "$out")
  VAL[$proxy:close.detail]=$(wrk_failure_detail "$out")
  VAL[$proxy:close.cpu]=$(cpu_us_per "${VAL[$proxy:close.ticks]}" "$(wrk_requests "$out")")
}

row_websocket() {
  local proxy=$1 out="$RAW/$1-ws$ROUND_TAG.txt"
  log "$proxy: WebSocket echo, $BENCH_WS_CONNECTIONS connections, ${BENCH_WARMUP}s warm-up + ${BENCH_DURATION}s"
  run_ws "$out" "${PORT[$proxy]}" "$BENCH_WARMUP" "$BENCH_DURATION" &
  local client=$!
  # The proxy's CPU over the measured window only, from the client's MEASURING line to its end.
  local before after
  while ! grep -q '^MEASURING' "$out" 2>/dev/null && kill -0 "$client" 2>/dev/null; do sleep 0.05; done
  profile_start "$proxy" ws
  before=$(group_cpu_ticks "${PID[$proxy]}")
  wait "$client" || true
  after=$(group_cpu_ticks "${PID[$proxy]}")
  profile_stop "$proxy" ws
  VAL[$proxy:ws.rps]=$(ws_field "$out" ws_messages_per_sec)
  VAL[$proxy:ws.failed]=$(ws_field "$out" errors)
  VAL[$proxy:ws.cpu]=$(cpu_us_per $((after - before)) "$(ws_field "$out" ws_messages)")
}

row_peak_rss() {
  VAL[$1:peak.rss]=$(kib_to_mib "$(group_hwm_kib "${PID[$1]}")")
  save_nmt "$1" nmt
}

# A JVM started with -XX:NativeMemoryTracking: where its memory is, next to the raw output.
save_nmt() {
  local proxy=$1 name=$2
  if [[ $proxy != nginx && " $(ak_java_opts "$proxy") " == *" -XX:NativeMemoryTracking="* ]]; then
    "$(jcmd_of "$(ak_java "$proxy")")" "${PID[$proxy]}" VM.native_memory summary >"$RAW/$proxy-$name.txt" 2>&1 || true
  fi
}

# RSS while BENCH_IDLE_CONNECTIONS TLS connections, each after one request, sit idle.
row_idle_connections() {
  local proxy=$1 out="$RAW/$1-idle$ROUND_TAG.txt"
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
  # Anonymous memory is the process's own; file-backed pages (libraries, a JVM's class-data
  # archive) are page cache that processes mapping the same file share.
  VAL[$proxy:idle.split]="$(kib_to_mib "$(group_status_kib "${PID[$proxy]}" RssAnon)") anonymous + $(
    kib_to_mib "$(group_status_kib "${PID[$proxy]}" RssFile)") file-backed MiB"
  VAL[$proxy:idle.peak]=$(kib_to_mib "$(group_hwm_kib "${PID[$proxy]}")")
  VAL[$proxy:idle.open]=$(ss -Htn state established "( sport = :${PORT[$proxy]} )" | wc -l)
  save_nmt "$proxy" "idle-nmt$ROUND_TAG"
  VAL[$proxy:idle.answered]=$(sed -n 's/^READY .*answered=\([0-9]*\).*/\1/p' "$out")
  VAL[$proxy:idle.per]=$(awk -v a="$after_kib" -v b="$before_kib" -v n="${VAL[$proxy:idle.answered]:-0}" \
    'BEGIN { if (n > 0) printf "%.1f", (a - b) / n; else print "-" }')
  stop_pid "$client"
}

# Peak RSS while a client reads a large response at BENCH_SLOW_RATE for BENCH_DURATION seconds;
# meanwhile another client must still be served.
row_slow_reader() {
  local proxy=$1 out="$RAW/$1-slow$ROUND_TAG.txt"
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

# A fresh process under keep-alive load from the moment it exists: the proxy is stopped (KILL, so
# no shutdown delay), started again, and as soon as its HTTPS port answers, wrk -c$BENCH_CONNECTIONS
# runs for BENCH_COLDSTART_DURATION seconds. The requests/s curve per second since the process
# was started comes from the proxy's own access log (every request is a line with its time), so
# nothing samples the proxy while it warms up, and its CPU time is read every second (from /proc,
# by the load core). The load core can limit the rate, so the row gives the warm-up both ways:
# requests/s, and the proxy's CPU per request, each against its steady state (the median of the
# last third of the run); "to 90%" is the end of the first second from which the three-second
# average reaches 90% of the steady rate (or the CPU per request comes within 1/0.9 of steady).
row_cold_start() {
  local proxy=$1 out="$RAW/$1-coldstart.txt" pid=${PID[$1]}
  log "$proxy: cold start under keep-alive load, wrk -c$BENCH_CONNECTIONS for ${BENCH_COLDSTART_DURATION}s from the first answer"
  # nginx: TERM is its fast shutdown (workers included); the JVM: KILL, past the shutdown delay.
  if [[ $proxy == nginx ]]; then kill -TERM "$pid" 2>/dev/null || true; else kill -KILL "$pid" 2>/dev/null || true; fi
  wait "$pid" 2>/dev/null || true
  wait_until 10 "$proxy's port to be free" port_free "${PORT[$proxy]}"
  local started=$EPOCHREALTIME
  if [[ $proxy == nginx ]]; then
    spawn_nginx
    PID[nginx]=$NG_PID
  else
    spawn_akproxy "$proxy"
    PID[$proxy]=$LAST_PID
  fi
  local deadline=$((SECONDS + 60))
  until curl -sk -o /dev/null --max-time 1 --resolve "$BENCH_HOST:${PORT[$proxy]}:127.0.0.1" \
    "https://$BENCH_HOST:${PORT[$proxy]}/"; do
    kill -0 "${PID[$proxy]}" 2>/dev/null || die "$proxy exited while starting (cold-start row)"
    ((SECONDS < deadline)) || die "$proxy did not answer within 60 s of its start (cold-start row)"
    sleep 0.02
  done
  VAL[$proxy:cold.first]=$(elapsed_ms "$started")
  # The proxy's CPU time, read every second while the load runs (from the load core).
  local cpu_samples="$RAW/$proxy-coldstart-cpu.txt" sampler
  (
    while kill -0 "${PID[$proxy]}" 2>/dev/null; do
      echo "$EPOCHREALTIME $(group_cpu_ticks "${PID[$proxy]}")"
      sleep 1
    done
  ) >"$cpu_samples" &
  sampler=$!
  run_wrk "$out" "${PORT[$proxy]}" "$BENCH_COLDSTART_DURATION" "$BENCH_CONNECTIONS"
  kill "$sampler" 2>/dev/null || true
  wait "$sampler" 2>/dev/null || true
  VAL[$proxy:cold.failed]=$(wrk_failures "$out")
  VAL[$proxy:cold.detail]=$(wrk_failure_detail "$out")
  local format=json
  [[ $proxy == nginx ]] && format=combined
  # The access log is written from a queue: wait until it stops growing, then bucket it.
  access_log_5xx "$format" 0 "${ACCESS_LOG[$proxy]}" >/dev/null
  local curve
  curve=$(python3 "$BENCH_DIR/lib/coldstart.py" "$format" "${ACCESS_LOG[$proxy]}" "$started" \
    "$cpu_samples" "$CLK_TCK") ||
    die "could not read the cold-start curve from ${ACCESS_LOG[$proxy]}"
  cp "${ACCESS_LOG[$proxy]}" "$RAW/$proxy-coldstart-access.log" 2>/dev/null || true
  echo "$curve" >>"$out"
  VAL[$proxy:cold.t90]=$(sed -n 's/^t90=//p' <<<"$curve")
  VAL[$proxy:cold.steady]=$(sed -n 's/^steady=//p' <<<"$curve")
  VAL[$proxy:cold.curve]=$(sed -n 's/^curve=//p' <<<"$curve")
  VAL[$proxy:cold.cpu.steady]=$(sed -n 's/^cpu_steady=//p' <<<"$curve")
  VAL[$proxy:cold.cpu.t90]=$(sed -n 's/^cpu_t90=//p' <<<"$curve")
  VAL[$proxy:cold.cpu.curve]=$(sed -n 's/^cpu_curve=//p' <<<"$curve")
  if [[ $proxy != nginx ]]; then
    VAL[$proxy:cold.dropped]=$(akproxy_metric "$proxy" akproxy_access_log_dropped_total)
  fi
}

# --- profiles (BENCH_PROFILE=jfr or perf) ---------------------------------------------------------
# Each measured load row is recorded on its own into latest-raw/<proxy>-<row>[-r<round>].<jfr|perf>:
# jfr (akproxy only): jcmd JFR.start before the load, JFR.stop after; bench/jfr-summary.py prints the
# hot methods and allocation sites. perf (every proxy, nginx too): `perf record -e cpu-clock -g`
# on the proxy's processes, and for a JVM its JIT code's symbols (jcmd Compiler.perfmap, into
# /tmp/perf-<pid>.map); bench/perf-summary.sh splits the CPU into kernel, TLS, JVM and Java.
# A recording costs the proxy CPU: a profiling run's figures are for the profile, not the table.

profile_start() {
  local proxy=$1 row=$2
  case $BENCH_PROFILE in
    jfr)
      [[ $proxy != nginx ]] || return 0
      "$(jcmd_of "$(ak_java "$proxy")")" "${PID[$proxy]}" JFR.start name="$row" settings=profile >/dev/null 2>&1 ||
        log "JFR.start failed for $proxy ($row)"
      ;;
    perf)
      local pids
      pids=$(group_pids "${PID[$proxy]}" | paste -sd,)
      perf record -q -e cpu-clock -F 999 -g -p "$pids" -o "$RAW/$proxy-$row$ROUND_TAG.perf" \
        >/dev/null 2>&1 &
      PERF_PID=$!
      ;;
  esac
}

profile_stop() {
  local proxy=$1 row=$2
  case $BENCH_PROFILE in
    jfr)
      [[ $proxy != nginx ]] || return 0
      "$(jcmd_of "$(ak_java "$proxy")")" "${PID[$proxy]}" JFR.stop name="$row" \
        filename="$RAW/$proxy-$row$ROUND_TAG.jfr" >/dev/null 2>&1 || log "JFR.stop failed for $proxy ($row)"
      ;;
    perf)
      kill -INT "$PERF_PID" 2>/dev/null || true
      wait "$PERF_PID" 2>/dev/null || true
      if [[ $proxy != nginx ]]; then
        "$(jcmd_of "$(ak_java "$proxy")")" "${PID[$proxy]}" Compiler.perfmap >/dev/null 2>&1 ||
          log "Compiler.perfmap failed for $proxy"
      fi
      ;;
  esac
}

# --- rounds -----------------------------------------------------------------------------------
# The load rows run BENCH_ROUNDS times (each round: every load row, every proxy), and the table
# shows each figure's median over the rounds; failure counts are summed over the rounds, never
# medianed away. The memory rows run BENCH_ROUNDS times too, one after another at their place in
# the order (one run of them moves by several MiB with where the collector happened to stand).
# Every round's figures are listed under the table.

LOAD_ROWS=" keepalive h2 new_connections websocket "
MEMORY_ROWS=" idle_connections slow_reader "
declare -A ROUND_VALS=()
# The VAL key prefix each row in rounds writes.
declare -A ROW_KEY=([keepalive]=keepalive [h2]=h2 [new_connections]=close [websocket]=ws
  [idle_connections]=idle [slow_reader]=slow)

# Appends this round's figures of one row and proxy to ROUND_VALS.
keep_round() {
  local row=$1 proxy=$2 key
  for key in "${!VAL[@]}"; do
    if [[ $key == "$proxy:${ROW_KEY[$row]}."* || $key == "$proxy:$row."* ]]; then
      ROUND_VALS[$key]+="${VAL[$key]}"$'\t'
    fi
  done
}

# Replaces each kept figure by its median over the rounds (failures and log lines: the sum;
# failure details: each round's, when not "none").
merge_rounds() {
  local key
  for key in "${!ROUND_VALS[@]}"; do
    VAL[$key]=$(awk -F'\t' -v kind="${key##*.}" '{
      n = 0
      for (i = 1; i < NF; i++) v[++n] = $i
      if (kind == "failed" || kind == "log5xx" || kind == "dropped" || kind == "ticks") {
        s = 0; for (i = 1; i <= n; i++) s += v[i]; print s; exit
      }
      if (kind == "detail") {
        out = ""; for (i = 1; i <= n; i++) if (v[i] != "none") out = out (out == "" ? "" : "; ") "round " i ": " v[i]
        print (out == "" ? "none" : out); exit
      }
      m = 0; for (i = 1; i <= n; i++) if (v[i] ~ /^[0-9.]+$/) w[++m] = v[i] + 0
      if (m == 0) {
        # Words ("yes", "200"...): the one every round gave, or each round'"'"'s.
        out = v[1]; for (i = 2; i <= n; i++) if (v[i] != v[1]) out = ""
        if (out == "") for (i = 1; i <= n; i++) out = out (i > 1 ? "; " : "") "round " i ": " v[i]
        print (out == "" ? "-" : out); exit
      }
      for (i = 2; i <= m; i++) { x = w[i]; j = i - 1; while (j > 0 && w[j] > x) { w[j + 1] = w[j]; j-- } w[j + 1] = x }
      med = (m % 2) ? w[(m + 1) / 2] : (w[m / 2] + w[m / 2 + 1]) / 2
      d = index(v[1], ".") ? length(v[1]) - index(v[1], ".") : 0
      printf "%." d "f\n", med
    }' <<<"${ROUND_VALS[$key]}")
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
    # The rollout and cold-start rows restart the process, so its counter starts again from zero.
    if [[ $row != rollout && $row != cold_start && -n $dropped_after && -n $dropped_before ]]; then
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
      akproxy | akproxy-jdk | akproxy-c1 | akproxy-alt)
        ports+=("$(ak_https_port "$proxy")" "$(ak_http_port "$proxy")" "$(ak_admin_port "$proxy")")
        ensure_runtime_jar
        ;;
      *) die "BENCH_PROXIES lists '$proxy': known are akproxy, akproxy-jdk, akproxy-c1, akproxy-alt and nginx" ;;
    esac
  done
  require_free_ports "${ports[@]}"
  compile_tools
  if [[ " ${proxies[*]} " == *" akproxy"* ]]; then
    # Not in a command substitution: the archive cache must outlive the call.
    localize_archive "$AKPROXY_JAVA" "$AKPROXY_JAVA_OPTS" >"$WORK/opts" && AKPROXY_JAVA_OPTS=$(<"$WORK/opts")
    localize_archive "$AKPROXY_ALT_JAVA" "$AKPROXY_ALT_JAVA_OPTS" >"$WORK/opts" && AKPROXY_ALT_JAVA_OPTS=$(<"$WORK/opts")
  fi

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
      require_archive_mapped "$proxy" "${PID[$proxy]}"
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
  # The load rows first, BENCH_ROUNDS times over (round after round, so noise spreads over every
  # proxy alike), then the others once, in the order given.
  local round
  for ((round = 1; round <= BENCH_ROUNDS; round++)); do
    ROUND_TAG=""
    ((BENCH_ROUNDS > 1)) && ROUND_TAG="-r$round" && log "round $round of $BENCH_ROUNDS"
    for row in "${rows[@]}"; do
      [[ $LOAD_ROWS == *" $row "* ]] || continue
      for proxy in "${proxies[@]}"; do
        run_row "$row" "$proxy"
        keep_round "$row" "$proxy"
      done
    done
  done
  ROUND_TAG=""
  for row in "${rows[@]}"; do
    [[ $LOAD_ROWS == *" $row "* ]] && continue
    if [[ $MEMORY_ROWS == *" $row "* ]]; then
      for ((round = 1; round <= BENCH_ROUNDS; round++)); do
        ((BENCH_ROUNDS > 1)) && ROUND_TAG="-r$round"
        for proxy in "${proxies[@]}"; do
          run_row "$row" "$proxy"
          keep_round "$row" "$proxy"
        done
      done
      ROUND_TAG=""
    else
      for proxy in "${proxies[@]}"; do run_row "$row" "$proxy"; done
    fi
  done
  merge_rounds

  report "${proxies[@]}" | tee "$RESULTS_DIR/latest.txt"
  rm -rf "$RESULTS_DIR/latest-raw"
  cp -r "$RAW" "$RESULTS_DIR/latest-raw"
  log "table written to bench/results/latest.txt, tool output to bench/results/latest-raw/"
}

main "$@"
