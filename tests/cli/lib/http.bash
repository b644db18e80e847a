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

# One long-lived Python evaluates every JSON expression: a python3 start per check would cost
# more than the request it checks (the matrix makes hundreds).
coproc PYJSON {
  python3 -u -c '
import hashlib, json, sys
for line in sys.stdin:
    op, path, expr = line.rstrip("\n").split("\t", 2)
    try:
        text = open(path, encoding="utf-8", errors="replace").read()
        if op == "json":
            d = json.loads(text)
        else:  # jsonl
            d = [json.loads(l) for l in text.splitlines() if l.strip()]
        v = eval(expr)
        out = v if isinstance(v, str) else repr(v)
    except Exception as e:
        out = ""
    print(out.replace("\n", "\\n"), flush=True)
' 2>/dev/null
}
# eval_json OP FILE EXPR: EXPR over the JSON (OP json) or JSON lines (OP jsonl, d = the list) in
# FILE; "" when FILE does not parse or EXPR fails.
eval_json() {
  local line="<eval_json: no evaluator (not callable in a pipeline)>"
  { printf '%s\t%s\t%s\n' "$1" "$2" "$3" >&"${PYJSON[1]}" &&
    IFS= read -r -t 10 line <&"${PYJSON[0]}"; } 2>/dev/null
  printf '%s\n' "$line"
}
body_json() {
  printf '%s' "$BODY" >"$T/.body_json"
  eval_json json "$T/.body_json" "$1"
}

header() {
  tr -d '\r' <"$HDRS" | awk -v h="$(tr '[:upper:]' '[:lower:]' <<<"$1")" -F': ' \
    'tolower($1) == h { sub(/^[^:]*: /, ""); print; exit }'
}
# expect_body NAME EXPR WANT: the last answer's JSON body satisfies EXPR == WANT.
expect_body() {
  local got
  got="$(body_json "$2")"
  if [ "$got" = "$3" ]; then pass "$1"; else fail "$1" "$2 = '$got', want $3"; fi
}
