# HTTP helpers for black-box tests of `memex serve` (sourced after testlib.bash; ctest only globs
# tests/cli/*.sh). Needs curl and python3. Every wait is bounded.
#
#   start_server NAME [memex args before 'serve'...] -- [serve args...]
#       starts memex serve --port 0 in the background; sets URL, PORT, SERVER_PID; stderr in
#       $T/NAME.err. Returns 1 (and prints the log) when it did not start within 10 s.
#   stop_server                     SIGTERM, then SIGKILL after 5 s
#   http METHOD PATH [curl args...] sets CODE, BODY, HDRS (a file with the response headers)
#   body_json EXPR                  Python expression over the JSON body (bound to d)
#   header NAME                     the value of a response header ("" when absent)

command -v curl >/dev/null 2>&1 || { echo "FAIL - curl is not installed (scripts/setup)"; exit 1; }

SERVER_PID=""
URL=""
PORT=""
CODE=""
BODY=""
HDRS="$T/.headers"
CURL_MAX_TIME="${CURL_MAX_TIME:-10}"

stop_server() {
  if [ -n "$SERVER_PID" ]; then
    kill -TERM "$SERVER_PID" 2>/dev/null
    for _ in $(seq 1 50); do kill -0 "$SERVER_PID" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$SERVER_PID" 2>/dev/null
    wait "$SERVER_PID" 2>/dev/null
    SERVER_PID=""
  fi
}
trap 'stop_server; cleanup' EXIT

start_server() {
  local name="$1" pre=() post=()
  shift
  while [ $# -gt 0 ] && [ "$1" != "--" ]; do pre+=("$1"); shift; done
  [ $# -gt 0 ] && shift
  post=("$@")
  stop_server
  "$MEMEX" "${pre[@]}" serve --port 0 "${post[@]}" </dev/null >"$T/$name.out" 2>"$T/$name.err" &
  SERVER_PID=$!
  URL=""
  PORT=""
  for _ in $(seq 1 100); do  # at most 10 s
    PORT="$(grep -o 'serving http://[^ ]*' "$T/$name.err" | head -1 | grep -o ':[0-9]*$' | tr -d :)"
    [ -n "$PORT" ] && break
    kill -0 "$SERVER_PID" 2>/dev/null || break
    sleep 0.1
  done
  if [ -z "$PORT" ]; then
    echo "       server log: $(head -c 600 "$T/$name.err")"
    stop_server
    return 1
  fi
  URL="http://127.0.0.1:$PORT"
  return 0
}

http() {
  local method="$1" path="$2"
  shift 2
  CODE="$(curl -s -o "$T/.body" -D "$HDRS" -w '%{http_code}' --max-time "$CURL_MAX_TIME" \
    -X "$method" "$@" "$URL$path" 2>/dev/null)"
  BODY="$(cat "$T/.body" 2>/dev/null)"
  OUT="$BODY"
  RC=0
  ERR="HTTP $CODE"
}

body_json() {
  python3 -c 'import json,sys
d = json.loads(sys.stdin.read())
v = eval(sys.argv[1])
print(v if isinstance(v, str) else repr(v))' "$1" <<<"$BODY" 2>/dev/null
}

header() {
  tr -d '\r' <"$HDRS" | awk -v h="$(tr '[:upper:]' '[:lower:]' <<<"$1")" -F': ' \
    'tolower($1) == h { sub(/^[^:]*: /, ""); print; exit }'
}
