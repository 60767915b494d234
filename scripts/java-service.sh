# Sourced by scripts/zipkin.sh and scripts/kafka.sh: what both need to run one JVM service of a
# run directory. Each sets, before sourcing: PID_FILE, WATCHDOG_PID_FILE, LOG_FILE, START_TIMEOUT and
# STOP_TIMEOUT (seconds), and the functions `log`, `print_log_tail`, `cmd_stop` and `is_our_java PID`
# (whether PID is its service, by its command line).

# Milliseconds since the epoch (GNU date); falls back to whole seconds elsewhere.
now_ms() {
  local t
  t="$(date +%s%3N 2>/dev/null)"
  [[ "$t" =~ ^[0-9]+$ ]] || t="$(($(date +%s) * 1000))"
  echo "$t"
}

# 0 if PID exists and its command line holds TEXT (guards against pid reuse; without procfs, kill -0 is trusted).
java_process_with() {
  local pid="$1" text="$2"
  [[ "$pid" =~ ^[0-9]+$ ]] || return 1
  kill -0 "$pid" 2>/dev/null || return 1
  [[ -r "/proc/$pid/cmdline" ]] || return 0
  tr '\0' ' ' <"/proc/$pid/cmdline" | grep -qF -- "$text"
}

# Waits for PID, a service just started with its output in LOG_FILE, until `READY...` (a command run
# every INTERVAL seconds) succeeds. Returns 0 then; 2 if PID exited because a port was taken (the
# caller retries on new ports); 1 if it exited otherwise or missed START_TIMEOUT (then it is stopped).
# READY may set `not_ready` to say why not yet, for the timeout message. NAME is for messages.
await_java_service() {
  local name="$1" pid="$2" interval="$3" deadline
  shift 3
  not_ready=''
  deadline=$(($(now_ms) + START_TIMEOUT * 1000))
  while :; do
    if ! kill -0 "$pid" 2>/dev/null; then
      rm -f "$PID_FILE"
      if grep -qiE 'address already in use|BindException' "$LOG_FILE" 2>/dev/null; then
        log "a port was taken before $name could bind it"
        return 2
      fi
      log "$name exited during startup"
      print_log_tail
      return 1
    fi
    "$@" && return 0
    if (($(now_ms) > deadline)); then
      log "$name did not start within ${START_TIMEOUT}s${not_ready:+ ($not_ready)}"
      print_log_tail
      cmd_stop
      return 1
    fi
    sleep "$interval"
  done
}

# Stops JAVA_PID once OWNER is gone (a killed test run). Polls: bash cannot wait for an unrelated pid.
start_watchdog() {
  local owner="$1" java_pid="$2"
  (
    trap '' HUP INT
    while kill -0 "$owner" 2>/dev/null && kill -0 "$java_pid" 2>/dev/null; do sleep 2; done
    if kill -0 "$java_pid" 2>/dev/null; then
      kill -TERM "$java_pid" 2>/dev/null || true
      for _ in $(seq 1 "$STOP_TIMEOUT"); do kill -0 "$java_pid" 2>/dev/null || exit 0; sleep 1; done
      kill -KILL "$java_pid" 2>/dev/null || true
    fi
  ) </dev/null >/dev/null 2>&1 &
  echo $! >"$WATCHDOG_PID_FILE"
  disown $! 2>/dev/null || true
}

# Stops the watchdog and the service (TERM, then KILL after STOP_TIMEOUT); NAME is for messages.
stop_java_service() {
  local name="$1" pid wpid deadline
  wpid="$(cat "$WATCHDOG_PID_FILE" 2>/dev/null || true)"
  if [[ "$wpid" =~ ^[0-9]+$ ]]; then
    kill -TERM "$wpid" 2>/dev/null || true
  fi
  pid="$(cat "$PID_FILE" 2>/dev/null || true)"
  if [[ -n "$pid" ]] && is_our_java "$pid"; then
    kill -TERM "$pid" 2>/dev/null || true
    deadline=$(($(now_ms) + STOP_TIMEOUT * 1000))
    while kill -0 "$pid" 2>/dev/null; do
      if (($(now_ms) > deadline)); then
        log "$name (pid $pid) ignored SIGTERM for ${STOP_TIMEOUT}s; sending SIGKILL"
        kill -KILL "$pid" 2>/dev/null || true
        break
      fi
      sleep 0.1
    done
    log "stopped $name (pid $pid)"
  fi
}
