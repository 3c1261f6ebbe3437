#!/usr/bin/env bash
# The demo media plane on loopback: one origin, one relay and two edges (relay group "demo"), each a
# media server with its own config agent, folders and ports, running the real nginx, Janus and
# coturn from the files config-svc applies.
#
#   scripts/media-plane.sh start   start the agents, register the servers through the gateway's
#                                  admin API, apply janus, coturn and nginx to them (which starts
#                                  the servers), and make sure every server runs
#   scripts/media-plane.sh stop    stop the servers and the agents (the registry keeps the servers)
#   scripts/media-plane.sh status  what runs
#   scripts/media-plane.sh origins the Janus URLs' origins rooms hand to browsers (one a line), for
#                                  the gateway's browser.janus-origins
#
# Needs the mesh up (./mediamesh up: the gateway, config-svc and user-svc) and config-svc built.
# When nginx, janus or coturn is not installed, `start` says which and how to install them, and
# exits 0 without starting anything. Only 127.0.0.1 is used, and, when run as root, the veth
# address of a network namespace of its own (see ice_namespace_up).
#
# State: $MEDIAMESH_HOME/media-plane/<server>/ (agent root with the kinds' active files, each
# server's nginx prefix, Janus and coturn pid files and logs).
#
# Environment: MEDIAMESH_HOME (~/.local/share/mediamesh), MEDIAMESH_GATEWAY_PORT (8080),
# MEDIAMESH_ADMIN_USER (admin), MEDIAMESH_ADMIN_PASSWORD (else $MEDIAMESH_HOME/admin-password),
# MEDIAMESH_TLS_DIR (else $MEDIAMESH_HOME/tls: the mesh's CA, which issues each agent's certificate),
# MEDIAMESH_TLS_MODE (plaintext: local debugging only), MEDIAMESH_USER_SVC_ENDPOINT,
# MEDIAMESH_MEDIA_PLANE_PORT_OFFSET (0): added to every port and port range of the plane, to run it
# beside something that holds one of its ports (`start` refuses to start on a taken port).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
MEDIAMESH_HOME="${MEDIAMESH_HOME:-$HOME/.local/share/mediamesh}"
PLANE="$MEDIAMESH_HOME/media-plane"
GATEWAY="http://127.0.0.1:${MEDIAMESH_GATEWAY_PORT:-8080}"
VERSION="0.1.0-SNAPSHOT"
JAR="$ROOT/config-svc/target/config-svc-$VERSION.jar"

# name role relay-group slot: the slot picks the server's ports (see ports()).
SERVERS=("demo-origin origin - 0" "demo-relay relay demo 1" "demo-edge-1 edge demo 2" "demo-edge-2 edge demo 3")

say() { printf 'media-plane: %s\n' "$*"; }
die() { printf 'media-plane: %s\n' "$*" >&2; exit 1; }

tool() { command -v "$1" 2>/dev/null || { [[ -x "/usr/sbin/$1" ]] && echo "/usr/sbin/$1"; } || { [[ -x "/usr/bin/$1" ]] && echo "/usr/bin/$1"; } || true; }
NGINX="$(tool nginx)"
JANUS="$(tool janus)"
TURNSERVER="$(tool turnserver)"

OFFSET="${MEDIAMESH_MEDIA_PLANE_PORT_OFFSET:-0}"
[[ "$OFFSET" =~ ^[0-9]+$ ]] && ((OFFSET <= 20000)) ||
  die "MEDIAMESH_MEDIA_PLANE_PORT_OFFSET must be a number from 0 to 20000 (not $OFFSET)"

# Ports of a slot: agent, janus http, janus admin, nginx, coturn, and the bases of three port ranges.
# Each server has ranges of its own: two Janus on one host must not share RTP or mountpoint ports.
ports() {
  local slot=$1
  AGENT_PORT=$((9111 + slot + OFFSET))
  JANUS_HTTP=$((18088 + 100 * slot + OFFSET))
  JANUS_ADMIN=$((17088 + 100 * slot + OFFSET))
  NGINX_PORT=$((18080 + 100 * slot + OFFSET))
  COTURN_PORT=$((13478 + 10 * slot + OFFSET))
  RTP_BASE=$((20000 + 1000 * slot + OFFSET))       # Janus core
  STREAMING_BASE=$((30000 + 1000 * slot + OFFSET)) # streaming mountpoints (stream ingest)
  RELAY_BASE=$((40000 + 1000 * slot + OFFSET))     # coturn relay ports
}

# Janus removes its pid file as it exits: a file read just after the test may be gone.
alive() { local pid; pid="$(cat "$1" 2>/dev/null)" && [[ -n "$pid" ]] && kill -0 "$pid" 2>/dev/null; }

missing_tools() {
  local missing=()
  [[ -n "$NGINX" ]] || missing+=(nginx)
  [[ -n "$JANUS" && -n "$(tool janus-cfgconv)" ]] || missing+=(janus)
  [[ -n "$TURNSERVER" ]] || missing+=(coturn)
  printf '%s' "${missing[*]:-}"
}

secret() {
  local variable=$1 file=$2
  if [[ -n "${!variable:-}" ]]; then printf '%s' "${!variable}"
  elif [[ -f "$MEDIAMESH_HOME/$file" ]]; then cat "$MEDIAMESH_HOME/$file"
  else die "no $variable and no $MEDIAMESH_HOME/$file: is the mesh up (./mediamesh up)?"
  fi
}

# Writes a server's control scripts: run-<kind>.sh ensure|restart, which the agent runs after an
# apply (restart; nginx reloads) and `start` runs to bring up what is not running (ensure).
write_scripts() {
  local dir=$1
  mkdir -p "$dir/nginx-prefix/logs" "$dir/janus-run" "$dir/coturn-run" "$dir/recordings"
  cat >"$dir/run-nginx.sh" <<EOF
#!/bin/sh
# nginx of this server, from the agent's active files; relative paths resolve under nginx-prefix/.
conf="$dir/agent/nginx/active/nginx.conf"
[ -f "\$conf" ] || { echo "no active nginx.conf yet"; exit 0; }
if [ -f "$dir/nginx-prefix/logs/nginx.pid" ] && kill -0 "\$(cat "$dir/nginx-prefix/logs/nginx.pid")" 2>/dev/null; then
  [ "\$1" = ensure ] && exit 0
  exec "$NGINX" -p "$dir/nginx-prefix/" -c "\$conf" -s reload
fi
exec "$NGINX" -p "$dir/nginx-prefix/" -c "\$conf" </dev/null >>"$dir/nginx-prefix/logs/start.log" 2>&1
EOF
  cat >"$dir/run-janus.sh" <<EOF
#!/bin/sh
# Janus of this server, from the agent's active files (Janus reads them only when it starts).
conf="$dir/agent/janus/active"
pid="$dir/janus-run/janus.pid"
[ -f "\$conf/janus.jcfg" ] || { echo "no active janus.jcfg yet"; exit 0; }
if [ -f "\$pid" ] && kill -0 "\$(cat "\$pid")" 2>/dev/null; then
  [ "\$1" = ensure ] && exit 0
  kill "\$(cat "\$pid")"
  for i in \$(seq 1 50); do kill -0 "\$(cat "\$pid")" 2>/dev/null || break; sleep 0.1; done
fi
rm -f "\$pid"
"$JANUS" -b -p "\$pid" -C "\$conf/janus.jcfg" -F "\$conf" -L "$dir/janus-run/janus.log" -N \
  </dev/null >>"$dir/janus-run/start.log" 2>&1
EOF
  cat >"$dir/run-coturn.sh" <<EOF
#!/bin/sh
# coturn of this server, from the agent's active file (it reads it only when it starts).
conf="$dir/agent/coturn/active/turnserver.conf"
pid="$dir/coturn-run/turnserver.pid"
[ -f "\$conf" ] || { echo "no active turnserver.conf yet"; exit 0; }
if [ -f "\$pid" ] && kill -0 "\$(cat "\$pid")" 2>/dev/null; then
  [ "\$1" = ensure ] && exit 0
  kill "\$(cat "\$pid")"
  for i in \$(seq 1 50); do kill -0 "\$(cat "\$pid")" 2>/dev/null || break; sleep 0.1; done
fi
rm -f "\$pid"
"$TURNSERVER" -c "\$conf" -o --pidfile "\$pid" --userdb "$dir/coturn-run/turndb" \
  </dev/null >>"$dir/coturn-run/start.log" 2>&1
EOF
  chmod +x "$dir"/run-*.sh
}

start_agent() {
  local name=$1 dir=$2
  if alive "$dir/agent.pid"; then
    return
  fi
  rm -f "$dir/agent/agent.port"
  mkdir -p "$dir/agent"
  # Its certificate (identity agent/<name>) from the mesh's CA, which config-svc checks before it
  # sends the agent anything; the agent obeys config-svc's certificate only.
  if [[ "${MEDIAMESH_TLS_MODE:-mtls}" != plaintext ]]; then
    java -cp "$JAR:$ROOT/config-svc/target/lib/*" io.mediamesh.common.tls.MeshCaFiles "$TLS_DIR" "agent/$name" \
      >/dev/null || die "could not issue the certificate of agent/$name in $TLS_DIR"
  fi
  MEDIAMESH_AGENT_SERVER_NAME="$name" MEDIAMESH_AGENT_ROOT="$dir/agent" MEDIAMESH_AGENT_PORT="$AGENT_PORT" \
  MEDIAMESH_AGENT_NGINX_RELOAD="sh $dir/run-nginx.sh restart" \
  MEDIAMESH_AGENT_JANUS_RELOAD="sh $dir/run-janus.sh restart" \
  MEDIAMESH_AGENT_COTURN_RELOAD="sh $dir/run-coturn.sh restart" \
  MEDIAMESH_TLS_DIR="$TLS_DIR" \
    nohup java -Xmx96m -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -Dcom.linecorp.armeria.useOpenSsl=false -cp "$JAR:$ROOT/config-svc/target/lib/*" \
    io.mediamesh.config.agent.AgentMain </dev/null >"$dir/agent.log" 2>&1 &
  echo $! >"$dir/agent.pid"
}

await_agent() {
  local name=$1 dir=$2
  for _ in $(seq 1 600); do
    [[ -f "$dir/agent/agent.port" ]] && return
    alive "$dir/agent.pid" || die "the agent of $name did not start; see $dir/agent.log"
    sleep 0.1
  done
  die "the agent of $name did not start within 60 s; see $dir/agent.log"
}

# curl the gateway as the admin: api METHOD PATH [JSON]; prints the body, fails on non-2xx. The
# session and the body (documents hold secrets) reach curl through a pipe and stdin, never its
# command line, which every user of the machine can read (ps).
api() {
  local method=$1 path=$2 body=${3:-}
  local args=(-sS -X "$method" -H 'Content-Type: application/json' -w '\n%{http_code}')
  [[ -n "$body" ]] && args+=(--data-binary @-)
  local out status
  out="$(printf '%s' "$body" | curl "${args[@]}" -H @<(printf 'X-Session-Id: %s\n' "$SESSION") "$GATEWAY$path")"
  status="${out##*$'\n'}"
  out="${out%$'\n'*}"
  if [[ "$status" != 2* ]]; then
    printf 'media-plane: %s %s: HTTP %s %s\n' "$method" "$path" "$status" "$out" >&2
    return 1
  fi
  printf '%s' "$out"
}

register() {
  local name=$1 role=$2 group=$3 dir=$4
  local existing
  existing="$(api GET "/api/admin/servers?limit=500" | jq -r --arg n "$name" '.response.servers[] | select(.name == $n) | .id')"
  local server
  server="$(jq -n --arg name "$name" --arg role "$role" --arg group "$([[ $group == - ]] || echo "$group")" \
    --arg agent "127.0.0.1:$AGENT_PORT" --arg rec "$dir/recordings" \
    --argjson jh "$JANUS_HTTP" --argjson ja "$JANUS_ADMIN" --argjson np "$NGINX_PORT" --argjson cp "$COTURN_PORT" \
    --argjson rtp "$RTP_BASE" --argjson st "$STREAMING_BASE" --argjson rl "$RELAY_BASE" \
    '{name: $name, role: $role, public_address: "127.0.0.1", internal_address: "127.0.0.1", relay_group: $group,
      agent_endpoint: $agent, enabled: true,
      overrides: {janus_http_port: $jh, janus_admin_port: $ja, nginx_listen_port: $np, coturn_listening_port: $cp,
                  janus_rtp_port_range: {min: $rtp, max: ($rtp + 999)},
                  streaming_rtp_port_range: {min: $st, max: ($st + 999)},
                  coturn_relay_port_range: {min: $rl, max: ($rl + 999)}, janus_rec_dir: $rec}}')"
  if [[ -n "$existing" ]]; then
    api PUT "/api/admin/servers/$existing" "$server" >/dev/null
  else
    api POST /api/admin/servers "$server" >/dev/null
  fi
}

# Four coturns on one host must not all take coturn's CLI and TLS ports: the demo's coturn
# documents turn them off (a new revision, once).
coturn_for_loopback() {
  local role doc
  for role in origin relay edge; do
    doc="$(api GET "/api/admin/configs/coturn/$role" | jq '.response.document')"
    if [[ "$(jq -r '(.no_cli // false) and (.no_tls // false) and (.no_dtls // false)' <<<"$doc")" != true ]]; then
      api PUT "/api/admin/configs/coturn/$role" "$(jq '{document: (. + {no_cli: true, no_tls: true, no_dtls: true}),
          message: "media plane demo: several coturns on loopback, without CLI or TLS"}' <<<"$doc")" >/dev/null
    fi
  done
}

# nginx listens on every address unless its document names one: the demo's listen on loopback only
# (a new revision, once).
nginx_for_loopback() {
  local role doc
  for role in origin relay edge; do
    doc="$(api GET "/api/admin/configs/nginx/$role" | jq '.response.document')"
    if [[ "$(jq -r '(.listen | length > 0) and all(.listen[]; .address == "127.0.0.1")' <<<"$doc")" != true ]]; then
      api PUT "/api/admin/configs/nginx/$role" "$(jq '{document: (.listen = (if .listen == []
                                      then [{address: "127.0.0.1", port: 80}]
                                      else (.listen | map(.address = "127.0.0.1")) end)),
          message: "media plane demo: nginx on loopback only"}' <<<"$doc")" >/dev/null
    fi
  done
}

# Janus never gathers ICE candidates on loopback, so a browser on this machine could not reach a
# loopback-only Janus. As root, `start` makes a network namespace with a veth pair whose root end
# (ICE_LINK, ICE_ADDRESS) is on no other network, and restricts every Janus's ICE to that end
# (nat.ice_enforce_list in the janus documents); Janus's APIs, nginx and coturn stay on loopback.
ICE_NAMESPACE=mm-plane
ICE_LINK=mmplane0
ICE_PEER=mmplane1
ICE_ADDRESS=10.213.255.1
ICE_PEER_ADDRESS=10.213.255.2

ice_namespace_up() {
  if [[ $(id -u) != 0 ]] || [[ -z "$(tool ip)" ]]; then
    say "browsers on this machine cannot join rooms: Janus offers no loopback ICE candidates, and giving it"
    say "  another address needs root and iproute2 (ip): run ./mediamesh up as root, or once as root:"
    say "  ip netns add $ICE_NAMESPACE && ip link add $ICE_LINK type veth peer name $ICE_PEER netns $ICE_NAMESPACE"
    say "  ip addr add $ICE_ADDRESS/30 dev $ICE_LINK && ip link set $ICE_LINK up"
    say "  ip -n $ICE_NAMESPACE addr add $ICE_PEER_ADDRESS/30 dev $ICE_PEER && ip -n $ICE_NAMESPACE link set $ICE_PEER up"
    return 1
  fi
  if ! ip link show "$ICE_LINK" >/dev/null 2>&1; then
    ip netns add "$ICE_NAMESPACE" 2>/dev/null || true
    ip link add "$ICE_LINK" type veth peer name "$ICE_PEER" netns "$ICE_NAMESPACE"
    ip addr add "$ICE_ADDRESS/30" dev "$ICE_LINK"
    ip link set "$ICE_LINK" up
    ip -n "$ICE_NAMESPACE" addr add "$ICE_PEER_ADDRESS/30" dev "$ICE_PEER"
    ip -n "$ICE_NAMESPACE" link set "$ICE_PEER" up
    say "made network namespace $ICE_NAMESPACE and veth $ICE_LINK ($ICE_ADDRESS/30) for Janus's ICE candidates;"
    say "  \`scripts/media-plane.sh stop\` removes them (by hand: ip netns del $ICE_NAMESPACE)"
  fi
}

ice_namespace_down() {
  if [[ $(id -u) == 0 ]] && ip netns list 2>/dev/null | grep -q "^$ICE_NAMESPACE\b"; then
    # Deleting the namespace deletes its end of the veth, and so the pair.
    ip netns del "$ICE_NAMESPACE"
    ip link del "$ICE_LINK" 2>/dev/null || true
    say "removed network namespace $ICE_NAMESPACE and veth $ICE_LINK"
  fi
}

# Every Janus gathers ICE candidates on ICE_LINK only (a new revision, once).
janus_ice_on_veth() {
  local role doc
  for role in origin relay edge; do
    doc="$(api GET "/api/admin/configs/janus/$role" | jq '.response.document')"
    if [[ "$(jq -r '.nat.ice_enforce_list // ""' <<<"$doc")" != "$ICE_LINK" ]]; then
      api PUT "/api/admin/configs/janus/$role" "$(jq --arg link "$ICE_LINK" '{document: (.nat.ice_enforce_list = $link),
          message: "media plane demo: ICE on the veth a browser on this machine reaches"}' <<<"$doc")" >/dev/null
    fi
  done
}

apply_kind() {
  local kind=$1 summary
  summary="$(api POST /api/admin/configs/apply "{\"kind\":\"$kind\",\"policy\":\"best_effort\"}" | tail -n 1)"
  say "$kind: $(jq -r '"\(.outcome): \(.activated) activated, \(.already_active) already active, \(.failed) failed"' <<<"$summary")"
  jq -r '.results[] | select(.status == "failed") | "  \(.server_name): \(.message) \(.tool_output)"' <<<"$summary"
}

# What listens on a loopback TCP or UDP port (empty when it is free).
port_user() {
  local line
  if ! command -v ss >/dev/null; then
    (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null && echo "another process"
    return 0
  fi
  line="$(ss -Hlntup "sport = :$1" 2>/dev/null | head -n 1)"
  [[ -z "$line" ]] || grep -o 'users:(([^)]*))' <<<"$line" || echo "$line"
}

# Refuses to start on a port something else holds: a Janus or agent of another program would
# answer in our server's place. A part of the plane that already runs keeps its ports.
check_ports() {
  local entry name role group slot dir taken=() port user
  for entry in "${SERVERS[@]}"; do
    read -r name role group slot <<<"$entry"
    ports "$slot"
    dir="$PLANE/$name"
    local wanted=()
    alive "$dir/agent.pid" || wanted+=("$AGENT_PORT")
    alive "$dir/janus-run/janus.pid" || wanted+=("$JANUS_HTTP" "$JANUS_ADMIN")
    alive "$dir/nginx-prefix/logs/nginx.pid" || wanted+=("$NGINX_PORT")
    alive "$dir/coturn-run/turnserver.pid" || wanted+=("$COTURN_PORT")
    for port in "${wanted[@]}"; do
      user="$(port_user "$port")"
      [[ -z "$user" ]] || taken+=("$port ($name) is held by $user")
    done
  done
  if ((${#taken[@]} > 0)); then
    printf 'media-plane: port %s\n' "${taken[@]}" >&2
    die "not started: free these ports, or move the plane's ports with MEDIAMESH_MEDIA_PLANE_PORT_OFFSET=N"
  fi
}

cmd_start() {
  local missing
  missing="$(missing_tools)"
  if [[ -n "$missing" ]]; then
    say "not started: $missing not installed. Install with: sudo apt-get install -y nginx janus coturn"
    exit 0
  fi
  command -v jq >/dev/null || die "jq is needed (sudo apt-get install -y jq)"
  [[ -f "$JAR" ]] || die "config-svc is not built ($JAR); run ./mvnw -q -DskipTests package"
  TLS_DIR="${MEDIAMESH_TLS_DIR:-$MEDIAMESH_HOME/tls}"
  local password
  password="$(secret MEDIAMESH_ADMIN_PASSWORD admin-password)"
  # The password goes through stdin (printf is a shell builtin): never on a command line.
  SESSION="$(printf '%s' "$password" | jq -Rs --arg u "${MEDIAMESH_ADMIN_USER:-admin}" '{user_name: $u, pwd: .}' \
    | curl -sS -X POST "$GATEWAY/api/login" -H 'Content-Type: application/json' --data-binary @- \
    | jq -r '.response.session_id // empty')" || true
  [[ -n "$SESSION" ]] || die "cannot log in as the admin at $GATEWAY: is the mesh up (./mediamesh up)?"
  check_ports

  local entry name role group slot
  for entry in "${SERVERS[@]}"; do
    read -r name role group slot <<<"$entry"
    ports "$slot"
    write_scripts "$PLANE/$name"
    start_agent "$name" "$PLANE/$name"
  done
  for entry in "${SERVERS[@]}"; do
    read -r name role group slot <<<"$entry"
    ports "$slot"
    await_agent "$name" "$PLANE/$name"
    register "$name" "$role" "$group" "$PLANE/$name"
  done
  coturn_for_loopback
  nginx_for_loopback
  if ice_namespace_up; then
    janus_ice_on_veth
  fi
  # coturn first: Janus checks its STUN server (the server's coturn) when it starts.
  apply_kind coturn
  apply_kind janus
  apply_kind nginx
  # An apply of files already in force runs no reload: start what does not run (after a reboot).
  for entry in "${SERVERS[@]}"; do
    read -r name role group slot <<<"$entry"
    for kind in coturn janus nginx; do
      sh "$PLANE/$name/run-$kind.sh" ensure >/dev/null 2>&1 || say "$name: $kind did not start; see $PLANE/$name"
    done
  done
  cmd_status
}

cmd_stop() {
  local entry name role group slot dir
  for entry in "${SERVERS[@]}"; do
    read -r name role group slot <<<"$entry"
    dir="$PLANE/$name"
    [[ -d "$dir" ]] || continue
    for pidfile in "$dir/agent.pid" "$dir/janus-run/janus.pid" "$dir/coturn-run/turnserver.pid" \
                   "$dir/nginx-prefix/logs/nginx.pid"; do
      if alive "$pidfile"; then
        kill "$(cat "$pidfile")" 2>/dev/null || true
      fi
    done
  done
  # Janus takes about two seconds to exit.
  for _ in $(seq 1 50); do
    local running=0
    for entry in "${SERVERS[@]}"; do
      read -r name role group slot <<<"$entry"
      for pidfile in "$PLANE/$name/agent.pid" "$PLANE/$name/janus-run/janus.pid"; do
        alive "$pidfile" && running=1
      done
    done
    [[ $running == 0 ]] && break
    sleep 0.1
  done
  ice_namespace_down
  say "stopped"
}

cmd_origins() {
  local entry name role group slot
  for entry in "${SERVERS[@]}"; do
    read -r name role group slot <<<"$entry"
    ports "$slot"
    echo "http://127.0.0.1:$NGINX_PORT"
  done
}

cmd_status() {
  local entry name role group slot dir line
  for entry in "${SERVERS[@]}"; do
    read -r name role group slot <<<"$entry"
    ports "$slot"
    dir="$PLANE/$name"
    line="$name ($role)"
    for what in "agent:$dir/agent.pid:$AGENT_PORT" "janus:$dir/janus-run/janus.pid:$JANUS_HTTP" \
                "nginx:$dir/nginx-prefix/logs/nginx.pid:$NGINX_PORT" "coturn:$dir/coturn-run/turnserver.pid:$COTURN_PORT"; do
      IFS=: read -r label pidfile port <<<"$what"
      if alive "$pidfile"; then line+="  $label :$port"; else line+="  $label down"; fi
    done
    say "$line"
  done
}

case "${1:-}" in
  start) cmd_start ;;
  stop) cmd_stop ;;
  status) cmd_status ;;
  origins) cmd_origins ;;
  *) die "usage: scripts/media-plane.sh start|stop|status|origins" ;;
esac
