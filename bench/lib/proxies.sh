# shellcheck shell=bash
# Starting the upstream stub and the two proxies, and swapping their certificate and config for
# the reload row. Sourced, not run.

# The upstream stub, a stand-in for authentik that costs the load core as little as possible, so
# the proxies are what gets measured: nginx (one worker, HTTPS, HTTP/1.1 keep-alive that never
# closes a connection on its own) answering a small fixed JSON body, serving /big from a sparse
# file, and passing /ws/ to WsEchoServer, a real WebSocket echo. Under /churn/ it answers the
# same body but behaves as an app server that manages its keep-alive connections: a connection
# that has served $BENCH_CHURN_REQUESTS requests is closed after its response (Connection: close),
# and one idle for $BENCH_CHURN_IDLE_MS ms is closed from the stub's side, racing any request a proxy
# sends on it at that moment (the churn row).
start_stub() {
  local dir=$WORK/stub
  new_certificate "$dir" 5157
  mkdir -p "$dir/tmp"
  truncate -s "${BENCH_BIG_MIB}M" "$dir/big.bin"
  cat >"$dir/nginx.conf" <<EOF
$( ((EUID == 0)) && echo "user root;")
worker_processes 1;
pid $dir/nginx.pid;
error_log $dir/error.log;
events { worker_connections 8192; }
http {
  access_log off;
  client_body_temp_path $dir/tmp/client_body;
  proxy_temp_path $dir/tmp/proxy;
  fastcgi_temp_path $dir/tmp/fastcgi;
  uwsgi_temp_path $dir/tmp/uwsgi;
  scgi_temp_path $dir/tmp/scgi;
  keepalive_requests 10000000;
  upstream echo {
    server 127.0.0.1:$ECHO_PORT;
    keepalive 64;
  }
  map \$http_upgrade \$connection_upgrade {
    default upgrade;
    '' '';
  }
  server {
    listen 127.0.0.1:$STUB_PORT ssl;
    ssl_certificate $dir/tls.crt;
    ssl_certificate_key $dir/tls.key;
    location / {
      default_type application/json;
      return 200 '{"component":"bench-upstream","ok":true}\n';
    }
    location /churn/ {
      keepalive_requests $BENCH_CHURN_REQUESTS;
      keepalive_timeout ${BENCH_CHURN_IDLE_MS}ms;
      default_type application/json;
      return 200 '{"component":"bench-upstream","ok":true}\n';
    }
    location = /big {
      alias $dir/big.bin;
      default_type application/octet-stream;
    }
    location /ws/ {
      proxy_pass http://echo;
      proxy_http_version 1.1;
      proxy_set_header Upgrade \$http_upgrade;
      proxy_set_header Connection \$connection_upgrade;
      proxy_read_timeout 3600s;
    }
  }
}
EOF
  start_pinned "$BENCH_LOAD_CPU" "$WORK/echo.log" "$WORK/echo.log" \
    "$TOOLS_JAVA" -XX:+UseSerialGC -Xmx128m -cp "$TOOLS_CP" WsEchoServer "$ECHO_PORT"
  ECHO_PID=$LAST_PID
  start_pinned "$BENCH_LOAD_CPU" "$dir/nginx.log" "$dir/nginx.log" \
    nginx -p "$dir" -c "$dir/nginx.conf" -e "$dir/error.log" -g 'daemon off;'
  STUB_PID=$LAST_PID
  wait_ready "$ECHO_PID" "$WORK/echo.log" 30 "the WebSocket echo server" curl -sf "http://127.0.0.1:$ECHO_PORT/"
  wait_ready "$STUB_PID" "$dir/nginx.log" 30 "the upstream stub" curl -skf "https://127.0.0.1:$STUB_PORT/"
  log "upstream stub on https://127.0.0.1:$STUB_PORT (nginx), WebSocket echo behind it on port $ECHO_PORT"
}

# ---------------------------------------------------------------------------------------------
# nginx, configured as authentik's example (shared/reference/authentik-reverse-proxy.md): one
# worker, TLS 1.3, http2, HSTS, upstream over HTTPS with keepalive 10, the same headers.

NG_DIR=""

# The seed configuration for variant <a|b> (its certificate pair and HSTS max-age; the reload
# row alternates them), with the bench's ports and paths. Additions, each needed to run it here:
# pid/log/temp paths inside the work dir, worker_connections raised above 1,000 (the
# idle-connections row), the access log in the work dir (nginx's default format, unbuffered, as
# the seed logs; the bench counts its 5xx lines per row).
render_nginx_conf() {
  local variant=$1 out=$2
  cat >"$out" <<EOF
$( ((EUID == 0)) && echo "user root;")
worker_processes 1;
pid $NG_DIR/nginx.pid;
error_log $NG_DIR/error.log notice;
events { worker_connections 4096; }
http {
  access_log $NG_DIR/access.log;
  client_body_temp_path $NG_DIR/tmp/client_body;
  proxy_temp_path $NG_DIR/tmp/proxy;
  fastcgi_temp_path $NG_DIR/tmp/fastcgi;
  uwsgi_temp_path $NG_DIR/tmp/uwsgi;
  scgi_temp_path $NG_DIR/tmp/scgi;

  upstream authentik {
    server 127.0.0.1:$STUB_PORT;
    keepalive 10;
  }
  map \$http_upgrade \$connection_upgrade_keepalive {
    default upgrade;
    '' '';
  }
  server {
    listen 127.0.0.1:$NG_HTTP_PORT;
    server_name $BENCH_HOST;
    return 301 https://\$host\$request_uri;
  }
  server {
    listen 127.0.0.1:$NG_HTTPS_PORT ssl http2;
    server_name $BENCH_HOST;
    ssl_certificate $NG_DIR/tls.crt;
    ssl_certificate_key $NG_DIR/tls.key;
    ssl_protocols TLSv1.3;
    add_header Strict-Transport-Security "max-age=${HSTS[$variant]}" always;
    location / {
      proxy_pass https://authentik;
      proxy_http_version 1.1;
      proxy_set_header X-Forwarded-Proto \$scheme;
      proxy_set_header X-Forwarded-For \$proxy_add_x_forwarded_for;
      proxy_set_header Host \$http_host;
      proxy_set_header Upgrade \$http_upgrade;
      proxy_set_header Connection \$connection_upgrade_keepalive;
    }
  }
}
EOF
}

nginx_cmd() { nginx -p "$NG_DIR" -c "$NG_DIR/nginx.conf" -e "$NG_DIR/error.log" "$@"; }

start_nginx() {
  NG_DIR=$WORK/nginx
  local variants=$NG_DIR/variants
  mkdir -p "$NG_DIR/tmp" "$variants/nginx-conf"
  write_variants_common "$variants"
  render_nginx_conf a "$variants/nginx-conf/a.conf"
  render_nginx_conf b "$variants/nginx-conf/b.conf"
  cp "$WORK/certs/a/tls.crt" "$WORK/certs/a/tls.key" "$NG_DIR/"
  cp "$variants/nginx-conf/a.conf" "$NG_DIR/nginx.conf"
  nginx_cmd -t -q || die "nginx rejected the bench config ($NG_DIR/nginx.conf)"
  ACCESS_LOG[nginx]=$NG_DIR/access.log
  launch_nginx
}

# Starts nginx (again, after the rollout row) on the files start_nginx laid out; leaves its pid in
# NG_PID.
launch_nginx() {
  spawn_nginx
  wait_ready "$NG_PID" "$WORK/nginx.log" 30 "nginx" curl -skf --resolve "$BENCH_HOST:$NG_HTTPS_PORT:127.0.0.1" \
    "https://$BENCH_HOST:$NG_HTTPS_PORT/"
  log "nginx $(nginx -v 2>&1 | sed 's|.*/||') serving https://127.0.0.1:$NG_HTTPS_PORT (pid $NG_PID)"
}

# Starts nginx without waiting for it; leaves its pid in NG_PID.
spawn_nginx() {
  start_pinned "$BENCH_PROXY_CPU" "$WORK/nginx.log" "$WORK/nginx.log" \
    nginx -p "$NG_DIR" -c "$NG_DIR/nginx.conf" -e "$NG_DIR/error.log" -g 'daemon off;'
  NG_PID=$LAST_PID
}

nginx_reloads_logged() { grep -c 'SIGHUP) received' "$NG_DIR/error.log" || true; }

# What the reload row alternates, for one proxy, in <dir>: certs/<a|b> (shared) and hsts-<a|b>,
# which ReloadDriver reads to know what a new client should see after each swap.
write_variants_common() {
  local dir=$1 variant
  mkdir -p "$dir"
  ln -sfn "$WORK/certs" "$dir/certs"
  for variant in a b; do echo "${HSTS[$variant]}" >"$dir/hsts-$variant"; done
}

# The reload-row driver's arguments for a proxy: how it swaps that proxy's files.
reload_driver_args() {
  if [[ $1 == nginx ]]; then
    echo nginx "$NG_DIR" "$NG_DIR/variants" nginx -p "$NG_DIR" -c "$NG_DIR/nginx.conf" -e "$NG_DIR/error.log" -s reload
  else
    echo kubelet "$WORK/$1/tls" "$WORK/$1/config" "$WORK/$1/variants"
  fi
}

# ---------------------------------------------------------------------------------------------
# akproxy: the runtime jar, reading proxy.json and the TLS pair from directories laid out as the
# kubelet projects a ConfigMap and a Secret (a ..data symlink swapped atomically).

# Lays out the files of <src> in <dir> as the kubelet projects a volume: a timestamped directory,
# ..data a symlink to it, each user-visible name a symlink through ..data. The reload row's
# updates (ReloadDriver) then swap ..data atomically, as the kubelet's atomic writer does.
kubelet_publish() {
  local dir=$1 src=$2 stamp name
  printf -v stamp '..%(%Y_%m_%d_%H_%M_%S)T.0' -1
  cp -r "$src" "$dir/$stamp"
  ln -s "$stamp" "$dir/..data"
  for name in "$src"/*; do
    name=${name##*/}
    ln -s "..data/$name" "$dir/$name"
  done
}

# akproxy instances: "akproxy" runs with the runtime's default TLS engine (OpenSSL when it loads),
# "akproxy-jdk" forces the JDK's TLS, the fallback; "akproxy-c1" (opt-in) is "akproxy" with C1
# alone (-XX:TieredStopAtLevel=1, as the image ran before issue 14), to weigh C2's CPU gain
# against its memory and warm-up in the same run;
# "akproxy-alt" (opt-in) runs on AKPROXY_ALT_JAVA with AKPROXY_ALT_JAVA_OPTS, any alternative
# to weigh against what ships. Each has its own ports and volumes.
declare -A AK_TLS_ENGINE=([akproxy]=auto [akproxy-jdk]=jdk [akproxy-c1]=auto [akproxy-alt]=auto)
declare -A AK_PORT_OFFSET=([akproxy]=1000 [akproxy-jdk]=3000 [akproxy-c1]=5000 [akproxy-alt]=6000)

# The JVM flags of an instance.
ak_java_opts() {
  case $1 in
    akproxy-c1) echo "$AKPROXY_JAVA_OPTS -XX:TieredStopAtLevel=1" ;;
    akproxy-alt) echo "$AKPROXY_ALT_JAVA_OPTS" ;;
    *) echo "$AKPROXY_JAVA_OPTS" ;;
  esac
}

# The java command of an instance.
ak_java() {
  if [[ $1 == akproxy-alt ]]; then echo "$AKPROXY_ALT_JAVA"; else echo "$AKPROXY_JAVA"; fi
}
declare -A AK_ADMIN_PORT AK_LIVES

ak_https_port() { echo $((BENCH_PORT_BASE + AK_PORT_OFFSET[$1] + 443)); }
ak_http_port() { echo $((BENCH_PORT_BASE + AK_PORT_OFFSET[$1] + 80)); }
ak_admin_port() { echo $((BENCH_PORT_BASE + AK_PORT_OFFSET[$1] + 900)); }

# The proxy.json an akproxy instance serves, for variant <a|b>; everything not given here is the
# contract's default (the seed's values): TLS 1.3, HTTP/2, upstream keep-alive 10 without
# verification, access log on.
render_akproxy_config() {
  local instance=$1 variant=$2 out=$3
  mkdir -p "$out"
  cat >"$out/proxy.json" <<EOF
{
  "version": 1,
  "serverNames": ["$BENCH_HOST"],
  "listeners": {
    "bindAddress": "127.0.0.1",
    "https": { "port": $(ak_https_port "$instance") },
    "http": { "port": $(ak_http_port "$instance"), "redirectToHttps": true },
    "admin": { "port": $(ak_admin_port "$instance") }
  },
  "tls": {
    "certFile": "$WORK/$instance/tls/tls.crt",
    "keyFile": "$WORK/$instance/tls/tls.key",
    "hsts": { "maxAgeSeconds": ${HSTS[$variant]} }
  },
  "upstream": { "url": "https://127.0.0.1:$STUB_PORT" }
}
EOF
}

# Starts an akproxy instance pinned to the proxy core, with one event loop (against one nginx
# worker); leaves its pid in LAST_PID.
start_akproxy() {
  local instance=$1 dir=$WORK/$1
  mkdir -p "$dir/config" "$dir/tls"
  write_variants_common "$dir/variants"
  render_akproxy_config "$instance" a "$dir/variants/configs/a"
  render_akproxy_config "$instance" b "$dir/variants/configs/b"
  kubelet_publish "$dir/tls" "$WORK/certs/a"
  kubelet_publish "$dir/config" "$dir/variants/configs/a"
  AK_ADMIN_PORT[$instance]=$(ak_admin_port "$instance")
  AK_LIVES[$instance]=0
  launch_akproxy "$instance"
}

# Starts (or, after the rollout row, restarts) an akproxy instance on the files start_akproxy laid
# out. Access-log lines (stdout) go to a file per life of the process, as nginx's go to its
# access.log, so the bench can count 5xx lines per row; the runtime's own log (stderr) is kept.
launch_akproxy() {
  local instance=$1
  spawn_akproxy "$instance"
  local pid=$LAST_PID
  wait_ready "$pid" "$WORK/$instance.log" 60 "$instance /readyz" \
    curl -sf "http://127.0.0.1:${AK_ADMIN_PORT[$instance]}/readyz"
  log "$instance serving https://127.0.0.1:$(ak_https_port "$instance") (pid $pid, TLS engine $(akproxy_status_field "$instance" tlsEngine))"
  LAST_PID=$pid
}

# Starts the process of an akproxy instance, without waiting for it; leaves its pid in LAST_PID.
spawn_akproxy() {
  local instance=$1 dir=$WORK/$1
  AK_LIVES[$instance]=$((AK_LIVES[$instance] + 1))
  ACCESS_LOG[$instance]=$WORK/$instance.access.${AK_LIVES[$instance]}.log
  local java_opts
  read -r -a java_opts <<<"$(ak_java_opts "$instance")"
  start_pinned "$BENCH_PROXY_CPU" "${ACCESS_LOG[$instance]}" "$WORK/$instance.log.${AK_LIVES[$instance]}" \
    "$(ak_java "$instance")" "${java_opts[@]}" -jar "$AKPROXY_JAR" --config "$dir/config/proxy.json" \
    --event-loops 1 --tls-engine "${AK_TLS_ENGINE[$instance]}"
  ln -sfn "$instance.log.${AK_LIVES[$instance]}" "$WORK/$instance.log"
}

# One field of an akproxy instance's /status JSON (a string or a number; reloads.<x> for the
# reload counters).
akproxy_status_field() {
  local instance=$1 field=$2 status
  status=$(curl -sf --max-time 5 "http://127.0.0.1:${AK_ADMIN_PORT[$instance]}/status") || return 0
  python3 -c 'import json, sys
value = json.load(sys.stdin)
for key in sys.argv[1].split("."):
    value = value.get(key) if isinstance(value, dict) else None
print("" if value is None else value)' "$field" <<<"$status" 2>/dev/null || true
}

# One number from an akproxy instance's /metrics (a counter or gauge without labels).
akproxy_metric() {
  local instance=$1 name=$2
  curl -sf --max-time 5 "http://127.0.0.1:${AK_ADMIN_PORT[$instance]}/metrics" 2>/dev/null |
    awk -v n="$name" '$1 == n { printf "%d", $2; exit }' || true
}

# The shutdown delay of an akproxy instance: shutdown.delaySeconds of the proxy.json it serves, as
# the contract's parser reads it (its default when the file leaves it out).
akproxy_shutdown_delay() {
  "$TOOLS_JAVA" -XX:TieredStopAtLevel=1 -cp "$TOOLS_CP" ShutdownDelay "$WORK/$1/config/proxy.json"
}

# ---------------------------------------------------------------------------------------------
# Access logs: each proxy's is a file (ACCESS_LOG[proxy]); a row counts the 5xx lines it added.

declare -A ACCESS_LOG

# The current size of a proxy's access log, in bytes, and its path: "<bytes> <path>".
access_log_mark() {
  local file=${ACCESS_LOG[$1]:-}
  [[ -n $file ]] || return 0
  echo "$(stat -c %s "$file" 2>/dev/null || echo 0) $file"
}

# access_log_5xx <format> <mark>: the 5xx lines written to the marked file after the mark. Waits
# (up to 5 s) until the file stops growing: akproxy writes its lines from a queue on a thread of
# its own. format: json (akproxy's "status":NNN) or combined (nginx's default, status 9th field).
access_log_5xx() {
  local format=$1 offset=${2:-} file=${3:-}
  [[ -n $file && -f $file ]] || { echo "-"; return 0; }
  local size last=-1 i
  for ((i = 0; i < 25; i++)); do
    size=$(stat -c %s "$file")
    [[ $size == "$last" ]] && break
    last=$size
    sleep 0.2
  done
  if [[ $format == json ]]; then
    tail -c +$((offset + 1)) "$file" | grep -c '"status":5' || true
  else
    tail -c +$((offset + 1)) "$file" | awk '$9 ~ /^5/ { n++ } END { print n + 0 }'
  fi
}
