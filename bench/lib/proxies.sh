# shellcheck shell=bash
# Starting the upstream stub and the two proxies, and swapping their certificate and config for
# the reload row. Sourced, not run.

# The upstream stub, a stand-in for authentik that costs the load core as little as possible, so
# the proxies are what gets measured: nginx (one worker, HTTPS, HTTP/1.1 keep-alive that never
# closes a connection on its own) answering a small fixed JSON body, serving /big from a sparse
# file, and passing /ws/ to WsEchoServer, a real WebSocket echo.
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
# idle-connections row), the access log discarded (formatted, then written to /dev/null, as
# akproxy's is).
render_nginx_conf() {
  local variant=$1 out=$2
  cat >"$out" <<EOF
$( ((EUID == 0)) && echo "user root;")
worker_processes 1;
pid $NG_DIR/nginx.pid;
error_log $NG_DIR/error.log notice;
events { worker_connections 4096; }
http {
  access_log /dev/null;
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
  mkdir -p "$NG_DIR/tmp" "$WORK/nginx-conf"
  render_nginx_conf a "$WORK/nginx-conf/a.conf"
  render_nginx_conf b "$WORK/nginx-conf/b.conf"
  cp "$WORK/certs/a/tls.crt" "$WORK/certs/a/tls.key" "$NG_DIR/"
  cp "$WORK/nginx-conf/a.conf" "$NG_DIR/nginx.conf"
  nginx_cmd -t -q || die "nginx rejected the bench config ($NG_DIR/nginx.conf)"
  start_pinned "$BENCH_PROXY_CPU" "$WORK/nginx.log" "$WORK/nginx.log" \
    nginx -p "$NG_DIR" -c "$NG_DIR/nginx.conf" -e "$NG_DIR/error.log" -g 'daemon off;'
  NG_PID=$LAST_PID
  wait_ready "$NG_PID" "$WORK/nginx.log" 30 "nginx" curl -skf --resolve "$BENCH_HOST:$NG_HTTPS_PORT:127.0.0.1" \
    "https://$BENCH_HOST:$NG_HTTPS_PORT/"
  log "nginx $(nginx -v 2>&1 | sed 's|.*/||') serving https://127.0.0.1:$NG_HTTPS_PORT (pid $NG_PID)"
}

# One reload step for nginx: certificate, key and config rewritten in place, then nginx -s reload
# (what an admin or a cert-manager hook does). Three processes, so the swap keeps its pace on a
# busy load core.
nginx_swap() {
  local variant=$1
  cp "$WORK/certs/$variant/tls.crt" "$WORK/certs/$variant/tls.key" "$NG_DIR/"
  cp "$WORK/nginx-conf/$variant.conf" "$NG_DIR/nginx.conf"
  nginx_cmd -s reload 2>>"$NG_DIR/reload-errors.log"
}

nginx_reloads_logged() { grep -c 'SIGHUP) received' "$NG_DIR/error.log" || true; }

# ---------------------------------------------------------------------------------------------
# akproxy: the runtime jar, reading proxy.json and the TLS pair from directories laid out as the
# kubelet projects a ConfigMap and a Secret (a ..data symlink swapped atomically).

AK_DIR=""
declare -A KUBELET_CURRENT # volume dir -> its current timestamped directory
KUBELET_SEQ=0

# Publishes the files of <src> into the kubelet-style volume <dir> as the kubelet's atomic writer
# does: the files copied into a new timestamped directory, a ..data_tmp symlink to it renamed over
# ..data (the atomic step), then the old directory removed. The user-visible names are symlinks
# through ..data, made on the first publish.
kubelet_publish() {
  local dir=$1 src=$2 stamp old=${KUBELET_CURRENT[$1]:-} name
  KUBELET_SEQ=$((KUBELET_SEQ + 1))
  printf -v stamp '..%(%Y_%m_%d_%H_%M_%S)T.%09d' -1 "$KUBELET_SEQ"
  cp -r "$src" "$dir/$stamp"
  ln -sfn "$stamp" "$dir/..data_tmp"
  mv -T "$dir/..data_tmp" "$dir/..data"
  if [[ -z $old ]]; then
    for name in "$src"/*; do
      name=${name##*/}
      ln -s "..data/$name" "$dir/$name"
    done
  else
    rm -rf "${dir:?}/$old"
  fi
  KUBELET_CURRENT[$dir]=$stamp
}

# The proxy.json akproxy serves in the bench, for variant <a|b>; everything not given here is the
# contract's default (the seed's values): TLS 1.3, HTTP/2, upstream keep-alive 10 without
# verification, access log on.
render_akproxy_config() {
  local variant=$1 out=$2
  mkdir -p "$out"
  cat >"$out/proxy.json" <<EOF
{
  "version": 1,
  "serverNames": ["$BENCH_HOST"],
  "listeners": {
    "bindAddress": "127.0.0.1",
    "https": { "port": $AK_HTTPS_PORT },
    "http": { "port": $AK_HTTP_PORT, "redirectToHttps": true },
    "admin": { "port": $AK_ADMIN_PORT }
  },
  "tls": {
    "certFile": "$AK_DIR/tls/tls.crt",
    "keyFile": "$AK_DIR/tls/tls.key",
    "hsts": { "maxAgeSeconds": ${HSTS[$variant]} }
  },
  "upstream": { "url": "https://127.0.0.1:$STUB_PORT" }
}
EOF
}

start_akproxy() {
  AK_DIR=$WORK/akproxy
  mkdir -p "$AK_DIR/config" "$AK_DIR/tls"
  render_akproxy_config a "$WORK/configs/a"
  render_akproxy_config b "$WORK/configs/b"
  kubelet_publish "$AK_DIR/tls" "$WORK/certs/a"
  kubelet_publish "$AK_DIR/config" "$WORK/configs/a"
  # Access log lines go to stdout: discarded, as nginx's are; everything else (stderr) is kept.
  # shellcheck disable=SC2086 # AKPROXY_JAVA_OPTS is a list of flags
  start_pinned "$BENCH_PROXY_CPU" /dev/null "$WORK/akproxy.log" \
    "$AKPROXY_JAVA" $AKPROXY_JAVA_OPTS -jar "$AKPROXY_JAR" --config "$AK_DIR/config/proxy.json"
  AK_PID=$LAST_PID
  wait_ready "$AK_PID" "$WORK/akproxy.log" 60 "akproxy /readyz" curl -sf "http://127.0.0.1:$AK_ADMIN_PORT/readyz"
  log "akproxy serving https://127.0.0.1:$AK_HTTPS_PORT (pid $AK_PID, $AKPROXY_JAVA_OPTS)"
}

# One reload step for akproxy: a Secret rotation and a ConfigMap update, as the kubelet does them.
akproxy_swap() {
  local variant=$1
  kubelet_publish "$AK_DIR/tls" "$WORK/certs/$variant"
  kubelet_publish "$AK_DIR/config" "$WORK/configs/$variant"
}

# What the proxy on <port> serves to a new client, left in SERVED as "<certificate serial (hex)>
# <HSTS max-age>": one curl, parsed with shell builtins (the load core is busy).
served_identity() {
  local port=$1 out line lower serial=none hsts=none
  out=$(curl -sk --max-time 5 -o /dev/null -D - -w '%{certs}' \
    --resolve "$BENCH_HOST:$port:127.0.0.1" "https://$BENCH_HOST:$port/" 2>/dev/null) || true
  while IFS= read -r line; do
    line=${line%$'\r'}
    lower=${line,,}
    case $lower in
      strict-transport-security:*max-age=*)
        hsts=${lower#*max-age=}
        hsts=${hsts%%;*}
        ;;
      "serial number:"*) serial=${lower#serial number:} ;;
    esac
  done <<<"$out"
  SERVED="$serial $hsts"
}
