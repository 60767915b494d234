#!/usr/bin/env bash
# Debian's Chromium for the HTML report's browser tests (driven headless by playwright-core).
#
#   scripts/chromium.sh ensure   print the path of a Chromium that runs; when there is none and apt-get
#                                is there, install Debian's `chromium` package first (quietly; as root,
#                                or through sudo -n when that works). Idempotent: a second call only prints.
#                                Exit 1 (and nothing on stdout) when there is no Chromium and none could be installed.
#   scripts/chromium.sh path     print the path if there is a Chromium, else exit 1; never installs
#
# Environment (optional):
#   DEFERRED_SPAN_CHROMIUM   use this browser binary instead of looking for one
set -euo pipefail

find_chromium() {
  local candidate
  for candidate in "${DEFERRED_SPAN_CHROMIUM:-}" /usr/bin/chromium /usr/bin/chromium-browser; do
    if [[ -n "$candidate" && -x "$candidate" ]]; then
      printf '%s\n' "$candidate"
      return 0
    fi
  done
  return 1
}

install_chromium() {
  command -v apt-get >/dev/null 2>&1 || { echo "chromium.sh: no Chromium and no apt-get to install it with" >&2; return 1; }
  local sudo=()
  if [[ "$(id -u)" != 0 ]]; then
    if command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then sudo=(sudo -n); else
      echo "chromium.sh: no Chromium; installing it needs root: sudo apt-get install chromium" >&2
      return 1
    fi
  fi
  echo "chromium.sh: installing Debian's chromium with apt-get (once)" >&2
  local log
  log="$(mktemp)"
  if ! { "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium >"$log" 2>&1 \
      || { "${sudo[@]}" apt-get update -qq >>"$log" 2>&1 && "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium >>"$log" 2>&1; }; }; then
    echo "chromium.sh: apt-get install chromium failed; its output:" >&2
    tail -n 20 "$log" >&2
    rm -f "$log"
    return 1
  fi
  rm -f "$log"
}

case "${1:-}" in
  ensure)
    find_chromium && exit 0
    install_chromium || exit 1
    find_chromium || { echo "chromium.sh: chromium installed but not found at /usr/bin/chromium" >&2; exit 1; }
    ;;
  path)
    find_chromium
    ;;
  *)
    echo "usage: scripts/chromium.sh ensure|path" >&2
    exit 2
    ;;
esac
