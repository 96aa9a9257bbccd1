# Sourced by the bench scripts that start their own nginx (nginx_overhead.sh,
# viewers_header.sh, live.sh): a free loopback port, and the head every one
# of their nginx.conf files starts with.

# A port nobody listens on now, on 127.0.0.1.
port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

# nginx_conf_head BUILD_DIR DIR [WORKER_CONNECTIONS=1024]: the module loaded
# from BUILD_DIR, one worker, pid, logs and temp files in DIR, and the
# opening of the http block with the access log off.
nginx_conf_head() {
  cat <<CONF
load_module $1/nginx-module/ngx_http_onlooker_module.so;
worker_processes 1;
pid $2/nginx.pid;
error_log $2/error.log warn;
events { worker_connections ${3:-1024}; }
http {
    access_log off;
    client_body_temp_path $2/tmp;
CONF
}
