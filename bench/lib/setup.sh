# shellcheck shell=bash
# Everything the bench needs before a proxy starts: tools, certificates, the Java load clients.
# Sourced, not run.

# Installs the load tools and nginx with apt when one is missing (needs root or sudo).
ensure_tools() {
  local missing=() cmd
  for cmd in nginx wrk h2load openssl curl taskset ss pgrep python3; do
    command -v "$cmd" >/dev/null 2>&1 || missing+=("$cmd")
  done
  command -v javac >/dev/null 2>&1 || die "javac not found: the bench needs a JDK 17+"
  ((${#missing[@]} == 0)) && return 0
  log "missing: ${missing[*]}; installing with apt-get"
  local sudo=()
  if ((EUID != 0)); then
    command -v sudo >/dev/null 2>&1 || die "not root and no sudo: install nginx wrk nghttp2-client openssl curl"
    sudo=(sudo)
  fi
  "${sudo[@]}" apt-get update -qq
  DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq \
    nginx wrk nghttp2-client openssl curl util-linux iproute2 procps python3 >/dev/null
  for cmd in "${missing[@]}"; do
    command -v "$cmd" >/dev/null 2>&1 || die "$cmd still missing after apt-get install"
  done
}

# A throwaway self-signed certificate for $BENCH_HOST: new_certificate <dir> <serial-hex>.
# Writes <dir>/tls.crt and <dir>/tls.key (PKCS#8).
new_certificate() {
  local dir=$1 serial=$2
  mkdir -p "$dir"
  local key_args
  case $BENCH_KEY_TYPE in
    ec) key_args=(-newkey ec -pkeyopt ec_paramgen_curve:prime256v1) ;;
    rsa) key_args=(-newkey rsa:2048) ;;
    *) die "BENCH_KEY_TYPE must be ec or rsa, not $BENCH_KEY_TYPE" ;;
  esac
  openssl req -x509 "${key_args[@]}" -nodes -days 2 -set_serial "0x$serial" \
    -subj "/CN=$BENCH_HOST" -addext "subjectAltName=DNS:$BENCH_HOST" \
    -keyout "$dir/tls.key" -out "$dir/tls.crt" 2>/dev/null || die "openssl could not create a certificate"
}

# The classpath for the Java load clients and the upstream stub: the runtime jar (which brings
# Vert.x and netty-tcnative) when it exists, else the runtime module's dependencies from Maven.
tools_classpath() {
  if [[ -f $AKPROXY_JAR ]]; then
    echo "$AKPROXY_JAR"
    return
  fi
  local cpfile=$WORK/tools.classpath
  (cd "$ROOT" && ./mvnw -q -B -ntp -pl proxy-runtime dependency:build-classpath \
    -DincludeScope=runtime -Dmdep.outputFile="$cpfile") >&2 || die "could not resolve Vert.x for the bench tools"
  cat "$cpfile"
}

compile_tools() {
  TOOLS_CP="$WORK/classes:$(tools_classpath)"
  mkdir -p "$WORK/classes"
  javac -nowarn -cp "$TOOLS_CP" -d "$WORK/classes" "$BENCH_DIR"/java/*.java || die "javac failed on bench/java"
}

# Builds the runtime jar when it is missing and akproxy is to be measured.
ensure_runtime_jar() {
  [[ -f $AKPROXY_JAR ]] && return 0
  log "$AKPROXY_JAR missing: building it (./mvnw -pl proxy-runtime -am package -DskipTests)"
  (cd "$ROOT" && ./mvnw -q -B -ntp -pl proxy-runtime -am package -DskipTests) >&2 ||
    die "could not build the runtime jar (run with BENCH_PROXIES=nginx to measure nginx alone)"
  [[ -f $AKPROXY_JAR ]] || die "the build made no $AKPROXY_JAR"
}
