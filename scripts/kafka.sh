#!/usr/bin/env bash
# Runs a real Kafka broker (Kafka 4.x in KRaft mode, one node that is broker and controller,
# loopback only) for the Kafka sink's tests and for Zipkin's Kafka collector.
#
#   scripts/kafka.sh fetch    make sure Kafka's jars are in .cache/kafka/lib/ (uses Maven if missing)
#   scripts/kafka.sh start    start the broker on free 127.0.0.1 ports, wait until it serves, create
#                             the topics in KAFKA_TOPICS, print its bootstrap address (host:port). In a
#                             run directory it already ran in, it starts again on the same port with
#                             the same data: a broker restart, as clients see one
#   scripts/kafka.sh stop     stop it (TERM, then KILL); keeps the data and port for a later start
#   scripts/kafka.sh clean    stop it and remove the run directory (data included); idempotent
#   scripts/kafka.sh status   print the bootstrap address and exit 0 if running, else exit 1
#
# Environment (all optional):
#   KAFKA_RUN_DIR            where server.properties, the data, the pidfile, the `bootstrap` file and
#                            kafka.log live (default .cache/kafka/run). scripts/test.mjs uses one per
#                            run; a test that stops the broker runs one of its own.
#   KAFKA_TOPICS             topics created at the first start, comma-separated (default zipkin)
#   KAFKA_AUTO_CREATE_TOPICS auto.create.topics.enable (default false: the tests need a topic that
#                            does not exist to stay so)
#   KAFKA_PORT               the broker's port at the first start (default: a free one; a test that
#                            starts the broker late gives its clients the address beforehand)
#   KAFKA_HEAP               JVM max heap (default 256m)
#   KAFKA_START_TIMEOUT      seconds to wait for the broker (default 60)
#   KAFKA_JAVA_OPTS          extra JVM options
#   KAFKA_OWNER_PID          if set, a watchdog stops the broker when this process disappears
set -euo pipefail

KAFKA_VERSION=4.1.1
SLF4J_VERSION=2.0.17
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
CACHE_DIR="$ROOT/.cache/kafka"
LIB_DIR="$CACHE_DIR/lib"
# Written last by fetch: a lib/ without it is an interrupted download.
LIB_MARK="$LIB_DIR/.complete-$KAFKA_VERSION"
RUN_DIR="${KAFKA_RUN_DIR:-$CACHE_DIR/run}"
PID_FILE="$RUN_DIR/kafka.pid"
BOOTSTRAP_FILE="$RUN_DIR/bootstrap"
PROPS="$RUN_DIR/server.properties"
DATA_DIR="$RUN_DIR/data"
WATCHDOG_PID_FILE="$RUN_DIR/watchdog.pid"
LOG_FILE="$RUN_DIR/kafka.log"
START_TIMEOUT="${KAFKA_START_TIMEOUT:-60}"
STOP_TIMEOUT=30

log() { echo "kafka.sh: $*" >&2; }
die() { log "error: $*"; exit 1; }
# shellcheck source=scripts/java-service.sh
source "$ROOT/scripts/java-service.sh"

# 0 if the process exists and is the broker of this run directory (guards against pid reuse).
is_our_java() { java_process_with "$1" "kafka.Kafka $PROPS"; }

# Two free loopback ports: the broker's and the controller's.
free_ports() {
  node -e '
    const net = require("node:net");
    const a = net.createServer().listen(0, "127.0.0.1", () => {
      const b = net.createServer().listen(0, "127.0.0.1", () => {
        process.stdout.write(`${a.address().port} ${b.address().port}`);
        a.close(); b.close();
      });
    });
  '
}

# 0 when something accepts TCP connections on 127.0.0.1:$1.
port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# 0 when the broker has logged its start and accepts connections on its port $1.
kafka_serving() { grep -q 'Kafka Server started' "$LOG_FILE" 2>/dev/null && port_open "$1"; }

print_log_tail() {
  if [[ -f "$LOG_FILE" ]]; then
    log "last lines of $LOG_FILE:"
    grep -vE '^\s' "$LOG_FILE" | tail -n 30 >&2 || true
  fi
}

cmd_fetch() {
  [[ -f "$LIB_MARK" ]] && return 0
  command -v mvn >/dev/null 2>&1 || die "$LIB_DIR is missing and mvn is not installed (install Maven)"
  mkdir -p "$CACHE_DIR"
  log "downloading org.apache.kafka:kafka_2.13:${KAFKA_VERSION} and its dependencies with Maven ..."
  # A throwaway project that depends on the broker and an slf4j binding; copy-dependencies puts
  # every runtime jar in one directory, moved into place when complete. slf4j-api is named so the
  # binding (2.x) and the API agree.
  local tmp
  tmp="$(mktemp -d "$CACHE_DIR/fetch.XXXXXX")"
  cat >"$tmp/pom.xml" <<EOF
<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>local.deferred-span</groupId>
  <artifactId>kafka-broker</artifactId>
  <version>1</version>
  <dependencies>
    <dependency><groupId>org.apache.kafka</groupId><artifactId>kafka_2.13</artifactId><version>${KAFKA_VERSION}</version></dependency>
    <dependency><groupId>org.slf4j</groupId><artifactId>slf4j-api</artifactId><version>${SLF4J_VERSION}</version></dependency>
    <dependency><groupId>org.slf4j</groupId><artifactId>slf4j-simple</artifactId><version>${SLF4J_VERSION}</version></dependency>
  </dependencies>
</project>
EOF
  if ! (cd "$tmp" && mvn -B -q \
    org.apache.maven.plugins:maven-dependency-plugin:3.8.1:copy-dependencies \
    -DincludeScope=runtime "-DoutputDirectory=$tmp/lib") </dev/null >"$tmp/mvn.log" 2>&1; then
    cat "$tmp/mvn.log" >&2
    rm -rf "$tmp"
    die "mvn failed to fetch Kafka's jars"
  fi
  if [[ ! -s "$tmp/lib/kafka_2.13-${KAFKA_VERSION}.jar" ]]; then
    rm -rf "$tmp"
    die "mvn finished but did not produce kafka_2.13-${KAFKA_VERSION}.jar"
  fi
  rm -rf "$LIB_DIR"
  mv "$tmp/lib" "$LIB_DIR"
  touch "$LIB_MARK"
  rm -rf "$tmp"
  log "fetched $(ls "$LIB_DIR" | wc -l) jars into $LIB_DIR"
}

cmd_status() {
  local pid bootstrap
  pid="$(cat "$PID_FILE" 2>/dev/null || true)"
  bootstrap="$(cat "$BOOTSTRAP_FILE" 2>/dev/null || true)"
  if [[ -n "$pid" && -n "$bootstrap" ]] && is_our_java "$pid" && port_open "${bootstrap##*:}"; then
    echo "$bootstrap"
    return 0
  fi
  log "not running${pid:+ (stale pid $pid)}"
  return 1
}


write_properties() {
  local port="$1" controller="$2"
  cat >"$PROPS" <<EOF
# Written by scripts/kafka.sh: one node, broker and controller, loopback only.
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@127.0.0.1:$controller
listeners=PLAINTEXT://127.0.0.1:$port,CONTROLLER://127.0.0.1:$controller
advertised.listeners=PLAINTEXT://127.0.0.1:$port
controller.listener.names=CONTROLLER
listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT
inter.broker.listener.name=PLAINTEXT
log.dirs=$DATA_DIR
num.partitions=1
auto.create.topics.enable=${KAFKA_AUTO_CREATE_TOPICS:-false}
offsets.topic.replication.factor=1
offsets.topic.num.partitions=1
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
share.coordinator.state.topic.replication.factor=1
share.coordinator.state.topic.min.isr=1
group.initial.rebalance.delay.ms=0
# Kafka's default message limit, named: the sink's maxMessageBytes stays under it.
message.max.bytes=1048588
log.retention.hours=1
# The log cleaner's buffer is 128 MiB by default, more than the small heap.
log.cleaner.dedupe.buffer.size=4194304
log.segment.bytes=67108864
EOF
}

# A random cluster ID: 16 random bytes, URL-safe base64 without padding, as `kafka-storage random-uuid` prints.
# Like Kafka's Uuid.randomUuid, never one starting with '-': the format tool would read it as an option
# (one run in 64 failed on "--cluster-id: expected one argument" before this).
random_cluster_id() {
  local id
  while :; do
    id=$(head -c 16 /dev/urandom | base64 | tr '+/' '-_' | tr -d '=\n')
    [[ "$id" == -* ]] || break
  done
  printf '%s' "$id"
}

format_storage() {
  rm -rf "$DATA_DIR"
  # shellcheck disable=SC2086
  if ! java -Xmx128m -XX:TieredStopAtLevel=1 -cp "$LIB_DIR/*" kafka.tools.StorageTool format \
    -t "$(random_cluster_id)" -c "$PROPS" </dev/null >"$RUN_DIR/format.log" 2>&1; then
    cat "$RUN_DIR/format.log" >&2
    die "kafka.tools.StorageTool format failed"
  fi
}

create_topics() {
  local bootstrap="$1" topics="${KAFKA_TOPICS-zipkin}"
  [[ -n "$topics" ]] || return 0
  # Through kafkajs (the project's dev dependency): Kafka's own kafka-topics tool is another JVM start.
  (cd "$ROOT" && node --input-type=module -e '
    const { Kafka, logLevel } = await import("kafkajs");
    const [bootstrap, list] = process.argv.slice(1);
    const admin = new Kafka({ brokers: [bootstrap], clientId: "kafka.sh", logLevel: logLevel.NOTHING }).admin();
    await admin.connect();
    const topics = list.split(",").filter(Boolean).map((topic) => ({ topic, numPartitions: 1, replicationFactor: 1 }));
    await admin.createTopics({ topics, waitForLeaders: true });
    await admin.disconnect();
  ' "$bootstrap" "$topics") || die "could not create the topics $topics"
}

# One attempt. Returns 0 when serving, 2 if a port was taken (caller retries on new ports), 1 on other failure.
try_start() {
  local port="$1" pid
  # shellcheck disable=SC2086 # KAFKA_JAVA_OPTS is deliberately word-split
  java \
    "-Xmx${KAFKA_HEAP:-256m}" -Xms64m \
    -XX:+UseSerialGC \
    -XX:TieredStopAtLevel=1 \
    -XX:+ExitOnOutOfMemoryError \
    -Djava.net.preferIPv4Stack=true \
    -Djava.awt.headless=true \
    -Dorg.slf4j.simpleLogger.defaultLogLevel=info \
    ${KAFKA_JAVA_OPTS:-} \
    -cp "$LIB_DIR/*" kafka.Kafka "$PROPS" \
    </dev/null >"$LOG_FILE" 2>&1 &
  pid=$!
  echo "$pid" >"$PID_FILE"

  await_java_service Kafka "$pid" 0.1 kafka_serving "$port" || return $?
  echo "127.0.0.1:$port" >"$BOOTSTRAP_FILE"
}

cmd_start() {
  command -v java >/dev/null 2>&1 || die "java is not installed (Kafka ${KAFKA_VERSION} needs Java 17+)"
  command -v node >/dev/null 2>&1 || die "node is not installed"
  [[ -f "$LIB_MARK" ]] || die "$LIB_DIR is missing; run: $0 fetch"
  mkdir -p "$RUN_DIR"

  if [[ -f "$PID_FILE" ]]; then
    if bootstrap="$(cmd_status 2>/dev/null)"; then
      log "already running (pid $(cat "$PID_FILE")) in $RUN_DIR"
      echo "$bootstrap"
      return 0
    fi
    cmd_stop
  fi

  local started rc attempt ports port controller
  started=$(now_ms)
  if [[ -f "$PROPS" && -d "$DATA_DIR" ]]; then
    # A restart: the same ports (clients reconnect to the address they know) and the same data.
    port="$(sed -n 's/^advertised.listeners=PLAINTEXT:\/\/127.0.0.1://p' "$PROPS")"
    rc=0
    try_start "$port" || rc=$?
    [[ $rc -eq 0 ]] || die "Kafka could not start again on port $port (see $LOG_FILE)"
    log "Kafka ${KAFKA_VERSION} (pid $(cat "$PID_FILE")) started again at $(cat "$BOOTSTRAP_FILE") after $(($(now_ms) - started)) ms"
  else
    for attempt in 1 2 3; do
      ports="$(free_ports)"
      read -r port controller <<<"$ports"
      if [[ -n "${KAFKA_PORT:-}" ]]; then
        [[ "$controller" != "$KAFKA_PORT" ]] || continue
        port="$KAFKA_PORT"
      fi
      [[ "$port" =~ ^[0-9]+$ && "$controller" =~ ^[0-9]+$ ]] || die "could not pick free ports"
      write_properties "$port" "$controller"
      format_storage
      rc=0
      try_start "$port" || rc=$?
      case "$rc" in
        0) break ;;
        2) [[ $attempt -lt 3 ]] && continue; die "could not bind free ports after $attempt attempts" ;;
        *) exit 1 ;;
      esac
    done
    create_topics "$(cat "$BOOTSTRAP_FILE")"
    log "Kafka ${KAFKA_VERSION} (pid $(cat "$PID_FILE")) serving at $(cat "$BOOTSTRAP_FILE") after $(($(now_ms) - started)) ms, topics: ${KAFKA_TOPICS-zipkin}; log: $LOG_FILE"
  fi

  if [[ -n "${KAFKA_OWNER_PID:-}" ]]; then
    start_watchdog "$KAFKA_OWNER_PID" "$(cat "$PID_FILE")"
  fi
  cat "$BOOTSTRAP_FILE"
}

cmd_stop() {
  stop_java_service Kafka
  rm -f "$PID_FILE" "$BOOTSTRAP_FILE" "$WATCHDOG_PID_FILE"
}

cmd_clean() {
  cmd_stop
  # Only a directory this script made: it holds server.properties or nothing of anyone else's.
  if [[ -d "$RUN_DIR" ]]; then
    rm -rf "$DATA_DIR"
    rm -f "$PROPS" "$LOG_FILE" "$RUN_DIR/format.log"
    rmdir "$RUN_DIR" 2>/dev/null || true
  fi
}

case "${1:-}" in
  fetch) cmd_fetch ;;
  start) cmd_start ;;
  stop) cmd_stop ;;
  clean) cmd_clean ;;
  status) cmd_status ;;
  *)
    echo "usage: $0 {fetch|start|stop|clean|status}" >&2
    exit 2
    ;;
esac
