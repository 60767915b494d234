#!/usr/bin/env bash
# Runs a real Zipkin server (in-memory storage, loopback only) for the test suite.
#
#   scripts/zipkin.sh fetch    make sure the Zipkin server jar is in .cache/zipkin/ (uses Maven if missing)
#   scripts/zipkin.sh start    start Zipkin on a free 127.0.0.1 port, wait for /health, print the base URL
#   scripts/zipkin.sh stop     stop it (TERM, then KILL) and remove the run files; idempotent
#   scripts/zipkin.sh status   print the base URL and exit 0 if running and healthy, else exit 1
#
# Environment (all optional):
#   ZIPKIN_RUN_DIR        where the pidfile, `url` file and zipkin.log live (default .cache/zipkin/run).
#                         scripts/test.mjs uses a private directory per run so concurrent runs don't collide.
#   ZIPKIN_HEAP           JVM max heap (default 512m; ~165 MB is live after 200,000 small spans)
#   ZIPKIN_MEM_MAX_SPANS  in-memory storage capacity (default 1000000)
#   ZIPKIN_START_TIMEOUT  seconds to wait for /health (default 90)
#   ZIPKIN_JAVA_OPTS      extra JVM options
#   ZIPKIN_OWNER_PID      if set, a watchdog stops Zipkin when this process disappears (e.g. a killed test run)
#   KAFKA_BOOTSTRAP_SERVERS  if set (host:port,...), Zipkin's Kafka collector also consumes the topic
#                         KAFKA_TOPIC (default zipkin) there, e.g. the broker of scripts/kafka.sh;
#                         unset, the Kafka collector is off
set -euo pipefail

ZIPKIN_VERSION=3.6.1
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
CACHE_DIR="$ROOT/.cache/zipkin"
JAR="$CACHE_DIR/zipkin-server-${ZIPKIN_VERSION}-exec.jar"
RUN_DIR="${ZIPKIN_RUN_DIR:-$CACHE_DIR/run}"
PID_FILE="$RUN_DIR/zipkin.pid"
URL_FILE="$RUN_DIR/url"
WATCHDOG_PID_FILE="$RUN_DIR/watchdog.pid"
LOG_FILE="$RUN_DIR/zipkin.log"
START_TIMEOUT="${ZIPKIN_START_TIMEOUT:-90}"
STOP_TIMEOUT=15

log() { echo "zipkin.sh: $*" >&2; }
die() { log "error: $*"; exit 1; }
# shellcheck source=scripts/java-service.sh
source "$ROOT/scripts/java-service.sh"

# 0 if the process exists and is the java process we started (guards against pid reuse).
is_our_java() { java_process_with "$1" "zipkin-server-${ZIPKIN_VERSION}-exec.jar"; }

http_status() { curl -s -o /dev/null -w '%{http_code}' --max-time 2 "$1" 2>/dev/null || true; }

# 0 when the Zipkin at URL answers /health with 200; else `not_ready` holds the last status.
zipkin_healthy() {
  local status
  status="$(http_status "$1/health")"
  not_ready="last /health status: ${status:-none}"
  [[ "$status" == 200 ]]
}

free_port() {
  node -e '
    const s = require("node:net").createServer();
    s.listen(0, "127.0.0.1", () => { process.stdout.write(String(s.address().port)); s.close(); });
  '
}

print_log_tail() {
  if [[ -f "$LOG_FILE" ]]; then
    log "last lines of $LOG_FILE:"
    tail -n 40 "$LOG_FILE" >&2 || true
  fi
}

cmd_fetch() {
  if [[ -s "$JAR" ]]; then
    return 0
  fi
  command -v mvn >/dev/null 2>&1 || die "$JAR is missing and mvn is not installed (install Maven, or put the jar there)"
  mkdir -p "$CACHE_DIR"
  log "downloading io.zipkin:zipkin-server:${ZIPKIN_VERSION}:jar:exec with Maven ..."
  # Copy into a private directory and move into place, so an interrupted download never leaves a
  # truncated jar behind. The plugin is pinned: a bare `dependency:copy` can resolve to an old
  # maven-dependency-plugin.
  local tmp
  tmp="$(mktemp -d "$CACHE_DIR/fetch.XXXXXX")"
  if ! (cd "$ROOT" && mvn -B -q \
    org.apache.maven.plugins:maven-dependency-plugin:3.8.1:copy \
    "-Dartifact=io.zipkin:zipkin-server:${ZIPKIN_VERSION}:jar:exec" \
    "-DoutputDirectory=$tmp") </dev/null >"$tmp/mvn.log" 2>&1; then
    cat "$tmp/mvn.log" >&2
    rm -rf "$tmp"
    die "mvn failed to fetch the Zipkin server jar"
  fi
  if [[ ! -s "$tmp/$(basename "$JAR")" ]]; then
    rm -rf "$tmp"
    die "mvn finished but did not produce $(basename "$JAR")"
  fi
  mv -f "$tmp/$(basename "$JAR")" "$JAR"
  rm -rf "$tmp"
  log "fetched $JAR"
}

cmd_status() {
  local pid url
  pid="$(cat "$PID_FILE" 2>/dev/null || true)"
  url="$(cat "$URL_FILE" 2>/dev/null || true)"
  if [[ -n "$pid" && -n "$url" ]] && is_our_java "$pid" && [[ "$(http_status "$url/health")" == 200 ]]; then
    echo "$url"
    return 0
  fi
  log "not running${pid:+ (stale pid $pid)}"
  return 1
}


# One attempt. Returns 0 when healthy, 2 if the port was taken (caller retries), 1 on other failure.
try_start() {
  local port url pid
  port="$(free_port)"
  [[ "$port" =~ ^[0-9]+$ ]] || die "could not pick a free port"
  url="http://127.0.0.1:$port"

  # shellcheck disable=SC2086 # ZIPKIN_JAVA_OPTS is deliberately word-split
  env \
    STORAGE_TYPE=mem \
    MEM_MAX_SPANS="${ZIPKIN_MEM_MAX_SPANS:-1000000}" \
    QUERY_PORT="$port" \
    SELF_TRACING_ENABLED=false \
    UI_ENABLED=false \
    COLLECTOR_GRPC_ENABLED=false \
    COLLECTOR_SCRIBE_ENABLED=false \
    COLLECTOR_KAFKA_ENABLED="$([[ -n "${KAFKA_BOOTSTRAP_SERVERS:-}" ]] && echo true || echo false)" \
    COLLECTOR_RABBITMQ_ENABLED=false \
    COLLECTOR_ACTIVEMQ_ENABLED=false \
    COLLECTOR_PULSAR_ENABLED=false \
    DISCOVERY_EUREKA_ENABLED=false \
    java \
      "-Xmx${ZIPKIN_HEAP:-512m}" \
      -XX:TieredStopAtLevel=1 \
      -XX:+ExitOnOutOfMemoryError \
      -Djava.net.preferIPv4Stack=true \
      ${ZIPKIN_JAVA_OPTS:-} \
      -jar "$JAR" \
      "--armeria.ports[0].ip=127.0.0.1" \
      "--armeria.ports[0].port=$port" \
      "--armeria.ports[0].protocols[0]=http" \
      </dev/null >"$LOG_FILE" 2>&1 &
  pid=$!
  echo "$pid" >"$PID_FILE"

  await_java_service Zipkin "$pid" 0.2 zipkin_healthy "$url" || return $?
  echo "$url" >"$URL_FILE"
}

cmd_start() {
  command -v java >/dev/null 2>&1 || die "java is not installed (Zipkin ${ZIPKIN_VERSION} needs Java 17+)"
  command -v curl >/dev/null 2>&1 || die "curl is not installed"
  command -v node >/dev/null 2>&1 || die "node is not installed"
  [[ -s "$JAR" ]] || die "$JAR is missing; run: $0 fetch"
  mkdir -p "$RUN_DIR"

  if [[ -f "$PID_FILE" ]]; then
    if url="$(cmd_status 2>/dev/null)"; then
      log "already running (pid $(cat "$PID_FILE")) in $RUN_DIR"
      echo "$url"
      return 0
    fi
    cmd_stop
  fi

  local started rc attempt
  started=$(now_ms)
  for attempt in 1 2 3; do
    rc=0
    try_start || rc=$?
    case "$rc" in
      0) break ;;
      2) [[ $attempt -lt 3 ]] && continue; die "could not bind a free port after $attempt attempts" ;;
      *) exit 1 ;;
    esac
  done

  if [[ -n "${ZIPKIN_OWNER_PID:-}" ]]; then
    start_watchdog "$ZIPKIN_OWNER_PID" "$(cat "$PID_FILE")"
  fi
  log "Zipkin ${ZIPKIN_VERSION} (pid $(cat "$PID_FILE")) healthy at $(cat "$URL_FILE") after $(($(now_ms) - started)) ms; log: $LOG_FILE"
  cat "$URL_FILE"
}

cmd_stop() {
  stop_java_service Zipkin
  # The log is kept for post-mortems; it is overwritten by the next start.
  rm -f "$PID_FILE" "$URL_FILE" "$WATCHDOG_PID_FILE"
}

case "${1:-}" in
  fetch) cmd_fetch ;;
  start) cmd_start ;;
  stop) cmd_stop ;;
  status) cmd_status ;;
  *)
    echo "usage: $0 {fetch|start|stop|status}" >&2
    exit 2
    ;;
esac
