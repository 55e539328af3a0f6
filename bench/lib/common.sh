# shellcheck shell=bash
# Settings, logging, process bookkeeping and cleanup for bench/run.sh. Sourced, not run.
# Every setting is an environment variable with a default, documented in docs/benchmarks.md.

BENCH_DURATION=${BENCH_DURATION:-10}               # seconds per measured run
BENCH_WARMUP=${BENCH_WARMUP:-5}                   # seconds of warm-up per load kind, per proxy
BENCH_RELOAD_DURATION=${BENCH_RELOAD_DURATION:-15} # seconds of load while reloading
BENCH_RELOAD_INTERVAL=${BENCH_RELOAD_INTERVAL:-0.5}
BENCH_CONNECTIONS=${BENCH_CONNECTIONS:-64}         # wrk keep-alive connections
BENCH_CLOSE_CONNECTIONS=${BENCH_CLOSE_CONNECTIONS:-16} # wrk connections doing Connection: close
BENCH_H2_CLIENTS=${BENCH_H2_CLIENTS:-16}
BENCH_H2_STREAMS=${BENCH_H2_STREAMS:-10}           # concurrent streams per HTTP/2 client
BENCH_H2_REQUESTS_PER_CONNECTION=${BENCH_H2_REQUESTS_PER_CONNECTION:-900} # below nginx's 1000
BENCH_WS_CONNECTIONS=${BENCH_WS_CONNECTIONS:-32}
BENCH_IDLE_CONNECTIONS=${BENCH_IDLE_CONNECTIONS:-1000}
BENCH_BIG_MIB=${BENCH_BIG_MIB:-100}                # size of the slow reader's download
BENCH_SLOW_RATE=${BENCH_SLOW_RATE:-1M}             # the slow reader's speed (curl --limit-rate)
BENCH_PROXY_CPU=${BENCH_PROXY_CPU:-1}              # core (taskset list) for the proxy under test
BENCH_LOAD_CPU=${BENCH_LOAD_CPU:-0}                # core for load generators and the upstream stub
BENCH_CHURN_REQUESTS=${BENCH_CHURN_REQUESTS:-100} # the churn upstream closes a connection after this many requests
BENCH_CHURN_IDLE_MS=${BENCH_CHURN_IDLE_MS:-2000}   # ... and after this long idle
BENCH_CHURN_BURSTS=${BENCH_CHURN_BURSTS:-12}       # short bursts after idle gaps around BENCH_CHURN_IDLE_MS
BENCH_ROLLOUT_LEAD=${BENCH_ROLLOUT_LEAD:-2}        # seconds of load before SIGTERM in the rollout row
BENCH_ROUNDS=${BENCH_ROUNDS:-3}                    # rounds of the load rows; the table shows medians
BENCH_COLDSTART_DURATION=${BENCH_COLDSTART_DURATION:-30} # seconds of load on a fresh process (cold_start row)
BENCH_ROWS=${BENCH_ROWS:-keepalive h2 new_connections websocket peak_rss cold_start idle_connections slow_reader reload churn rollout}
BENCH_PROXIES=${BENCH_PROXIES:-akproxy akproxy-jdk nginx} # akproxy-jdk: the JDK TLS fallback
BENCH_PROFILE=${BENCH_PROFILE:-}                  # jfr or perf: a recording per load row (run.sh)
BENCH_KEY_TYPE=${BENCH_KEY_TYPE:-ec}               # ec (P-256) or rsa (2048)
BENCH_PORT_BASE=${BENCH_PORT_BASE:-20000}
BENCH_KEEP_WORK=${BENCH_KEEP_WORK:-0}              # 1 keeps the temporary directory for inspection
BENCH_HOST=${BENCH_HOST:-sso.example.com}

AKPROXY_JAR=${AKPROXY_JAR:-$ROOT/proxy-runtime/target/proxy-runtime.jar}
AKPROXY_JAVA=${AKPROXY_JAVA:-java}
# akproxy-alt (opt-in): the runtime on another JVM and/or other flags, to weigh an alternative
# against what ships in the same run; its flags default to the image's.
AKPROXY_ALT_JAVA=${AKPROXY_ALT_JAVA:-$AKPROXY_JAVA}
AKPROXY_ALT_JAVA_OPTS=${AKPROXY_ALT_JAVA_OPTS:-}
RUNTIME_DOCKERFILE=$ROOT/images/proxy-runtime.Dockerfile

# The JVM flags the runtime image starts the jar with: what its exec-form ENTRYPOINT passes
# between "java" and "-jar" (testkit's RuntimeImage reads them the same way for the tests).
image_jvm_flags() {
  python3 - "$RUNTIME_DOCKERFILE" <<'PY'
import json, sys
text = open(sys.argv[1]).read().replace("\\\n", " ")
for line in text.splitlines():
    if line.startswith("ENTRYPOINT"):
        args = json.loads(line[len("ENTRYPOINT"):])
        if args[:1] != ["java"] or "-jar" not in args:
            sys.exit("the ENTRYPOINT of %s is not [\"java\", ..., \"-jar\", ...]" % sys.argv[1])
        print(" ".join(args[1:args.index("-jar")]))
        break
else:
    sys.exit("no ENTRYPOINT in %s" % sys.argv[1])
PY
}

# The java commands the image build runs to make its class-data-sharing archive (each RUN
# ["java", ...]), one per line, arguments separated by tabs, paths as in the image.
image_training_commands() {
  python3 - "$RUNTIME_DOCKERFILE" <<'PY'
import json, sys
text = open(sys.argv[1]).read().replace("\\\n", " ")
for line in text.splitlines():
    if line.startswith("RUN") and line[3:].strip().startswith("["):
        args = json.loads(line[3:])
        if args[:1] == ["java"]:
            print("\t".join(args[1:]))
PY
}

# The runtime image maps a class-data-sharing archive made in its build for its own JDK and jar
# (-XX:SharedArchiveFile=/app/...). Measuring what ships means the same here: for each akproxy
# column whose flags name an archive under /app/, the image's training commands run once for that
# column's java and the bench's jar (files under $WORK/cds-<n>/ instead of /tmp/), and the flag
# then names the archive they made.
declare -A CDS_ARCHIVE_OF=()
localize_archive() {
  local java=$1 opts=$2 flag
  flag=$(grep -o -- '-XX:SharedArchiveFile=/app/[^ ]*' <<<"$opts") || { echo "$opts"; return; }
  local key
  key=$(readlink -f "$(command -v "$java")")
  if [[ -z ${CDS_ARCHIVE_OF[$key]:-} ]]; then
    local dir=$WORK/cds-${#CDS_ARCHIVE_OF[@]} archive="" line n=0 i
    mkdir -p "$dir"
    while IFS= read -r line; do
      local args=() arg
      IFS=$'\t' read -r -a args <<<"$line"
      for i in "${!args[@]}"; do
        # The image's /tmp/ first: the local jar's own path may be under /tmp/ too.
        arg=${args[$i]//\/tmp\//$dir/}
        arg=${arg//\/app\/proxy-runtime.jar/$AKPROXY_JAR}
        [[ $arg == -XX:SharedArchiveFile=* ]] && archive=${arg#-XX:SharedArchiveFile=}
        args[$i]=$arg
      done
      n=$((n + 1))
      "$java" "${args[@]}" >"$dir/training-$n.log" 2>&1 ||
        die "the image's training command $n failed for $java (log: $dir/training-$n.log)"
    done < <(image_training_commands)
    [[ -n $archive && -f $archive ]] || die "the image's training commands made no archive"
    log "class-data-sharing archive for $java made as the image build makes it: $archive"
    CDS_ARCHIVE_OF[$key]=$archive
  fi
  echo "${opts//$flag/-XX:SharedArchiveFile=${CDS_ARCHIVE_OF[$key]}}"
}

# A JVM pointed at an archive it cannot use runs on without any, silently: refuse to measure that.
require_archive_mapped() {
  local proxy=$1 pid=$2 archive
  archive=$(grep -o -- '-XX:SharedArchiveFile=[^ ]*' <<<"$(ak_java_opts "$proxy")") || return 0
  archive=${archive#-XX:SharedArchiveFile=}
  grep -qF "$archive" "/proc/$pid/maps" ||
    die "$proxy did not map its class-data-sharing archive $archive (see $WORK/$proxy.log)"
}

TOOLS_JAVA=${TOOLS_JAVA:-java}

STUB_PORT=$((BENCH_PORT_BASE + 443))
ECHO_PORT=$((BENCH_PORT_BASE + 444))
NG_HTTPS_PORT=$((BENCH_PORT_BASE + 2443))
NG_HTTP_PORT=$((BENCH_PORT_BASE + 2080))

RESULTS_DIR=$BENCH_DIR/results
CLK_TCK=$(getconf CLK_TCK)

STARTED_PIDS=()

log() { printf '[bench %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
die() {
  log "ERROR: $*"
  exit 1
}

# What ships: the image's flags (docs/benchmarks.md, "JVM flags"), unless AKPROXY_JAVA_OPTS says
# otherwise.
if [[ -n ${AKPROXY_JAVA_OPTS:-} ]]; then
  AKPROXY_JAVA_OPTS_FROM="AKPROXY_JAVA_OPTS"
else
  AKPROXY_JAVA_OPTS=$(image_jvm_flags) || die "could not read the JVM flags of $RUNTIME_DOCKERFILE"
  AKPROXY_JAVA_OPTS_FROM="the ENTRYPOINT of images/proxy-runtime.Dockerfile"
fi
AKPROXY_ALT_JAVA_OPTS=${AKPROXY_ALT_JAVA_OPTS:-$AKPROXY_JAVA_OPTS}

# The jcmd of the JVM a command runs on (for BENCH_PROFILE): next to its java.
jcmd_of() { echo "$(dirname "$(readlink -f "$(command -v "$1")")")/jcmd"; }

# Runs "$@" in the background on the given core list with stdout and stderr sent to the given
# files, records its pid for cleanup and leaves it in LAST_PID (not echoed: a command
# substitution would run it in a subshell, out of reach of the cleanup trap).
start_pinned() {
  local cpus=$1 out=$2 err=$3
  shift 3
  taskset -c "$cpus" "$@" >"$out" 2>"$err" &
  LAST_PID=$!
  STARTED_PIDS+=("$LAST_PID")
}

# Stops one process this script started: TERM, then KILL if it has not exited after 5 s.
stop_pid() {
  local pid=$1
  kill -0 "$pid" 2>/dev/null || return 0
  kill -TERM "$pid" 2>/dev/null || true
  local i
  for ((i = 0; i < 50; i++)); do
    kill -0 "$pid" 2>/dev/null || return 0
    sleep 0.1
  done
  kill -KILL "$pid" 2>/dev/null || true
}

cleanup() {
  local status=$?
  local pid
  for pid in "${STARTED_PIDS[@]}"; do
    stop_pid "$pid"
  done
  wait 2>/dev/null || true
  if [[ $BENCH_KEEP_WORK == 1 ]]; then
    log "work directory kept: $WORK"
  elif [[ -n ${WORK:-} && -d $WORK ]]; then
    rm -rf "$WORK"
  fi
  exit "$status"
}

# Polls a condition (a command) every 0.1 s until it holds; fails after the timeout in seconds.
wait_until() {
  local timeout=$1 what=$2
  shift 2
  local deadline=$((SECONDS + timeout))
  until "$@" >/dev/null 2>&1; do
    ((SECONDS < deadline)) || die "timed out after ${timeout}s waiting for $what"
    sleep 0.1
  done
}

# wait_until, and fails early with the end of its log if the process <pid> dies meanwhile.
wait_ready() {
  local pid=$1 logfile=$2 timeout=$3 what=$4
  shift 4
  local deadline=$((SECONDS + timeout))
  until "$@" >/dev/null 2>&1; do
    if ! kill -0 "$pid" 2>/dev/null; then
      tail -20 "$logfile" >&2 || true
      die "$what exited before it was ready (log: $logfile)"
    fi
    ((SECONDS < deadline)) || die "timed out after ${timeout}s waiting for $what"
    sleep 0.1
  done
}

port_free() { ! ss -Htln "sport = :$1" | grep -q .; }

require_free_ports() {
  local port
  for port in "$@"; do
    port_free "$port" || die "port $port is in use (set BENCH_PORT_BASE to move every bench port)"
  done
}
