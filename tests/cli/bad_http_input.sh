#!/usr/bin/env bash
# Bad input over HTTP (docs/http.md): malformed JSON, a wrong JSON-RPC version, unknown methods,
# tools and routes, invalid arguments and oversized bodies each get the right status and a JSON
# error, and change nothing (an export of every scope is compared before and after); connections
# that send nothing, half a request or one byte at a time do not stop other clients from being
# served, and are closed after server.read_timeout_ms.
#
# Cases that fail because of a known server bug are reported as "skip - ... KNOWN BUG" so the
# suite stays green; MEMEX_STRICT_KNOWN_BUGS=1 turns them into failures.
HERE="$(cd "$(dirname "$0")" && pwd)"
source "$HERE/lib/testlib.bash" "$@"
source "$HERE/lib/http.bash"

known_bug() {  # NAME REASON
  if [ "${MEMEX_STRICT_KNOWN_BUGS:-0}" = 1 ]; then fail "$1" "known bug: $2"; else
    skip "$1 -- KNOWN BUG: $2"
  fi
}

"$MEMEX" --data-dir "$DATA" --scope acme/api remember "the seed memory about caching" \
  >/dev/null 2>&1 </dev/null
CFG="$T/memex.toml"
cat >"$CFG" <<'EOF'
[server]
max_body_bytes = 4096
read_timeout_ms = 1000
EOF
if start_server main --config "$CFG" --data-dir "$DATA" --scope acme/api --; then
  pass "server started at $URL (max_body_bytes 4096, read_timeout_ms 1000)"
else
  fail "server started"
  summary
fi

snapshot() {
  curl -s --max-time 10 "$URL/api/memories/export" -d '{"all_scopes":true,"include_history":true}' \
    -o "$T/.snapshot"
  eval_json jsonl "$T/.snapshot" 'sorted((r["id"], r["version"], r["status"], r["content"]) for r in d)'
}
BASELINE="$(snapshot)"
[ -n "$BASELINE" ] && [ "$BASELINE" != "[]" ] || { echo "FAIL - no baseline snapshot"; exit 1; }

# bad NAME WANT_STATUS EXPR WANT METHOD PATH [curl args...]: the answer has WANT_STATUS, its JSON
# body satisfies EXPR == WANT, and the store is unchanged.
bad() {
  local name="$1" want="$2" expr="$3" expect="$4" method="$5" path="$6" got why=()
  shift 6
  http "$method" "$path" "$@"
  [ "$CODE" = "$want" ] || why+=("HTTP $CODE, want $want")
  got="$(body_json "$expr")"
  [ "$got" = "$expect" ] || why+=("$expr = '$got', want $expect")
  [ "$(snapshot)" = "$BASELINE" ] || why+=("the store changed")
  if [ ${#why[@]} -eq 0 ]; then pass "$name"; else fail "$name" "${why[@]}"; fi
}

# --- MCP session for the JSON-RPC cases -----------------------------------------------------------
MCP_H=(-H 'Content-Type: application/json' -H 'Accept: application/json, text/event-stream')
INIT='{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"bad_http_input.sh","version":"1"}}}'
http POST /mcp "${MCP_H[@]}" --data-binary "$INIT"
SID="$(header Mcp-Session-Id)"
if [ "$CODE" = 200 ] && [ -n "$SID" ]; then pass "MCP session opened"; else fail "MCP session opened"; fi
http POST /mcp "${MCP_H[@]}" -H "Mcp-Session-Id: $SID" \
  --data-binary '{"jsonrpc":"2.0","method":"notifications/initialized"}'
S=(-H "Mcp-Session-Id: $SID")
BASELINE="$(snapshot)"  # the session's initialize wrote nothing, but re-take it to be sure

# --- Malformed JSON ----------------------------------------------------------------------------------
bad "/mcp: malformed JSON -> 400, JSON-RPC parse error (id null)" 400 \
  '(d["jsonrpc"], d["error"]["code"], d["id"])' "('2.0', -32700, None)" \
  POST /mcp "${MCP_H[@]}" "${S[@]}" --data-binary '{"jsonrpc":"2.0","id":7,'
bad "/mcp: malformed JSON without a session -> 400, JSON-RPC error" 400 \
  '(d["jsonrpc"], d["id"], type(d["error"]["code"]).__name__)' "('2.0', None, 'int')" \
  POST /mcp "${MCP_H[@]}" --data-binary '{"jsonrpc":"2.0","id":7,'
bad "/api/pf_scan: malformed JSON -> 400 invalid_request" 400 \
  'd["error"]["code"]' invalid_request POST /api/pf_scan --data-binary '{"query":'
bad "/api/pf_poke: a JSON array -> 400 invalid_request" 400 \
  'd["error"]["code"]' invalid_request POST /api/pf_poke --data-binary '[1,2]'
bad "/v1/store: malformed JSON -> 400 {\"error\":\"...\"}" 400 \
  'd["error"]' "body is not valid JSON" POST /v1/store --data-binary '{"content":'
bad "/api/memories/remember: malformed JSON -> 400 invalid_argument" 400 \
  'd["error"]["code"]' invalid_argument POST /api/memories/remember --data-binary '{bad'

# --- JSON-RPC: wrong version, unknown method, unknown tool ------------------------------------------
# A JSON message that is not valid JSON-RPC is answered 200 with an error that echoes its id.
bad "/mcp: \"jsonrpc\":\"1.0\" -> JSON-RPC invalid request (-32600)" 200 \
  '(d["jsonrpc"], d["id"], d["error"]["code"])' "('2.0', 2, -32600)" \
  POST /mcp "${MCP_H[@]}" "${S[@]}" --data-binary '{"jsonrpc":"1.0","id":2,"method":"tools/list"}'
bad "/mcp: \"jsonrpc\":\"1.0\" initialize opens no session" 200 'd["error"]["code"]' -32600 \
  POST /mcp "${MCP_H[@]}" \
  --data-binary '{"jsonrpc":"1.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"x","version":"1"}}}'
if [ -z "$(header Mcp-Session-Id)" ]; then pass "... and no Mcp-Session-Id"; else
  fail "... and no Mcp-Session-Id"; fi
bad "/mcp: unknown method -> -32601" 200 '(d["id"], d["error"]["code"])' "(3, -32601)" \
  POST /mcp "${MCP_H[@]}" "${S[@]}" --data-binary '{"jsonrpc":"2.0","id":3,"method":"memex/nope"}'
bad "/mcp: unknown tool -> -32602 naming it" 200 \
  '(d["error"]["code"], "pf_nope" in d["error"]["message"])' "(-32602, True)" \
  POST /mcp "${MCP_H[@]}" "${S[@]}" \
  --data-binary '{"jsonrpc":"2.0","id":4,"method":"tools/call","params":{"name":"pf_nope","arguments":{}}}'
bad "/api/pf_nope: unknown tool -> 404 resource_not_found" 404 'd["error"]["code"]' \
  resource_not_found POST /api/pf_nope --data-binary '{}'
bad "/v1/nope: unknown route -> 404 resource_not_found" 404 'd["error"]["code"]' \
  resource_not_found POST /v1/nope --data-binary '{}'
bad "GET /api/pf_scan: wrong method -> 405 envelope" 405 'd["error"]["status"]' 405 GET /api/pf_scan
if [[ "$(header Allow)" == *POST* ]]; then pass "... with Allow: $(header Allow)"; else
  fail "... with Allow naming POST" "Allow: '$(header Allow)'"; fi

# --- Invalid arguments: 400 naming the field ---------------------------------------------------------
bad "/api/pf_scan query:5 -> 400 naming query" 400 \
  '(d["error"]["code"], "query" in d["error"]["message"])' "('invalid_request', True)" \
  POST /api/pf_scan --data-binary '{"query":5}'
bad "/api/pf_scan without query -> 400 naming query" 400 \
  '(d["error"]["code"], "query" in d["error"]["message"])' "('invalid_request', True)" \
  POST /api/pf_scan --data-binary '{}'
bad "/api/pf_scan limit:\"ten\" -> 400 naming limit" 400 \
  '(d["error"]["code"], "limit" in d["error"]["message"])' "('invalid_request', True)" \
  POST /api/pf_scan --data-binary '{"query":"cache","limit":"ten"}'
bad "/api/pf_poke without content -> 400 naming content" 400 \
  '(d["error"]["code"], "content" in d["error"]["message"])' "('invalid_request', True)" \
  POST /api/pf_poke --data-binary '{"mode":"memory"}'
bad "/api/pf_poke content:7 -> 400 naming content" 400 \
  '(d["error"]["code"], "content" in d["error"]["message"])' "('invalid_request', True)" \
  POST /api/pf_poke --data-binary '{"mode":"memory","content":7}'
bad "/api/pf_poke bad scope -> 400 naming the bad value" 400 \
  '(d["error"]["code"], "Not A Scope" in d["error"]["message"])' "('invalid_request', True)" \
  POST /api/pf_poke --data-binary '{"mode":"memory","content":"x","scope":"Not A Scope"}'
bad "/v1/store {} -> 400 content: required" 400 'd["error"]' "content: required" \
  POST /v1/store --data-binary '{}'
bad "/v1/store tags:\"x\" -> 400 naming tags" 400 'd["error"].startswith("tags:")' True \
  POST /v1/store --data-binary '{"content":"x","tags":"x"}'
bad "/v1/recall limit:\"x\" -> 400 naming limit" 400 'd["error"].startswith("limit:")' True \
  POST /v1/recall --data-binary '{"query":"cache","limit":"x"}'
bad "/v1/store/batch item without content -> 400 naming memories[1].content" 400 \
  'd["error"].startswith("memories[1].content")' True \
  POST /v1/store/batch --data-binary '{"memories":[{"content":"ok one"},{"tags":["x"]}]}'
bad "/api/memories/remember {memory:{}} -> 400 naming memory.scope" 400 \
  '(d["error"]["code"], d["error"]["message"].startswith("memory.scope"))' "('invalid_argument', True)" \
  POST /api/memories/remember --data-binary '{"memory":{}}'
bad "/api/memories/recall without filter -> 400 naming filter" 400 \
  '(d["error"]["code"], d["error"]["message"].startswith("filter"))' "('invalid_argument', True)" \
  POST /api/memories/recall --data-binary '{"query":"cache"}'
bad "MCP pf_scan query:5 -> tool error naming query" 200 \
  '(d["result"]["isError"], "query" in d["result"]["content"][0]["text"])' "(True, True)" \
  POST /mcp "${MCP_H[@]}" "${S[@]}" \
  --data-binary '{"jsonrpc":"2.0","id":5,"method":"tools/call","params":{"name":"pf_scan","arguments":{"query":5}}}'
bad "MCP pf_poke without content -> tool error naming content" 200 \
  '(d["result"]["isError"], "content" in d["result"]["content"][0]["text"])' "(True, True)" \
  POST /mcp "${MCP_H[@]}" "${S[@]}" \
  --data-binary '{"jsonrpc":"2.0","id":6,"method":"tools/call","params":{"name":"pf_poke","arguments":{"mode":"memory"}}}'

# --- Oversized bodies (max_body_bytes 4096) ----------------------------------------------------------
python3 -c 'import json; print(json.dumps({"mode":"memory","content":"big " * 1500}))' >"$T/big.json"
for path in /mcp /api/pf_poke /v1/store /api/memories/remember /api/memories/import; do
  bad "$path: body over max_body_bytes -> 413 content_too_large" 413 'd["error"]["code"]' \
    content_too_large POST "$path" "${MCP_H[@]}" "${S[@]}" --data-binary @"$T/big.json"
done
# The same body sent chunked (no Content-Length), in small chunks.
PORT_NOW="$PORT"
chunked_code="$(python3 - "$PORT_NOW" "$T/big.json" <<'EOF'
import socket, sys
port, path = int(sys.argv[1]), sys.argv[2]
body = open(path, "rb").read()
s = socket.create_connection(("127.0.0.1", port), timeout=5)
s.sendall(b"POST /api/pf_poke HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
          b"Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n")
for i in range(0, len(body), 1000):
    part = body[i:i + 1000]
    s.sendall(b"%x\r\n" % len(part) + part + b"\r\n")
s.sendall(b"0\r\n\r\n")
data = b""
try:
    while len(data) < 65536:
        r = s.recv(65536)
        if not r:
            break
        data += r
except OSError:
    pass
print(data.split(b" ", 2)[1].decode() if data.startswith(b"HTTP/") else "none")
EOF
)"
if [ "$chunked_code" = 411 ] && [ "$(snapshot)" = "$BASELINE" ]; then
  pass "chunked body (which would bypass max_body_bytes) -> 411, nothing changed"
else
  known_bug "chunked body over max_body_bytes -> 413, nothing changed" \
    "a Transfer-Encoding: chunked body in small chunks bypasses server.max_body_bytes (httplib 0.11 checks only Content-Length); got HTTP $chunked_code and the write was stored"
  BASELINE="$(snapshot)"  # the bug stored it: later cases compare against the new state
fi

# --- Idle and slow connections (read_timeout_ms 1000) -------------------------------------------------
now_ms() { local t="${EPOCHREALTIME/./}"; echo $((t / 1000)); }
# closed_within FD MS: waits at most MS for the server to close FD (EOF or an answer); prints the
# time waited in ms, or "open".
closed_within() {
  local fd="$1" ms="$2" start line rc
  start="$(now_ms)"
  while [ $(($(now_ms) - start)) -lt "$ms" ]; do
    IFS= read -r -t 0.2 -u "$fd" line
    rc=$?
    if [ "$rc" -le 128 ]; then echo $(($(now_ms) - start)); return; fi
  done
  echo open
}
served_promptly() {  # NAME: /health and a pf_scan answer within 2 s
  local t0 t1 c1 c2
  t0="$(now_ms)"
  c1="$(curl -s -o /dev/null -w '%{http_code}' --max-time 2 "$URL/health")"
  c2="$(curl -s -o /dev/null -w '%{http_code}' --max-time 2 "$URL/api/pf_scan" -d '{"query":"cache"}')"
  t1="$(now_ms)"
  if [ "$c1$c2" = 200200 ] && [ $((t1 - t0)) -lt 2000 ]; then
    pass "$1: other clients served in $((t1 - t0)) ms"
  else
    fail "$1: other clients served promptly" "/health $c1, pf_scan $c2, $((t1 - t0)) ms"
  fi
}

IDLE=() HALF=()
T0="$(now_ms)"
for _ in 1 2 3 4; do exec {fd}<>"/dev/tcp/127.0.0.1/$PORT" && IDLE+=("$fd"); done
for _ in 1 2 3; do
  exec {fd}<>"/dev/tcp/127.0.0.1/$PORT" && HALF+=("$fd") && printf 'GET /hea' >&"$fd"
done
if [ ${#IDLE[@]} -eq 4 ] && [ ${#HALF[@]} -eq 3 ]; then pass "7 raw connections held (4 idle, 3 half a request line)"
else fail "7 raw connections held"; fi
served_promptly "while 7 idle connections are held"
# Closed after read_timeout_ms (1 s); 2.5 s allows for a loaded machine.
for fd in "${HALF[@]}"; do
  w="$(closed_within "$fd" $((7000 - ($(now_ms) - T0))))"
  at=$(($(now_ms) - T0))
  if [ "$w" != open ] && [ "$at" -le 2500 ]; then pass "half a request line: closed after ${at} ms"
  else fail "half a request line: closed after read_timeout_ms" "closed at ${at} ms ($w)"; fi
done
for fd in "${IDLE[@]}"; do
  w="$(closed_within "$fd" $((7000 - ($(now_ms) - T0))))"
  at=$(($(now_ms) - T0))
  if [ "$w" != open ] && [ "$at" -le 2500 ]; then pass "idle connection: closed after ${at} ms"
  elif [ "$w" != open ]; then
    known_bug "idle connection: closed after read_timeout_ms" \
      "a connection that sends nothing is kept for httplib's keep-alive timeout (5 s), not read_timeout_ms: closed at ${at} ms"
  else
    fail "idle connection: closed" "still open after 7 s"
  fi
done
for fd in "${IDLE[@]}" "${HALF[@]}"; do exec {fd}>&-; done

# Slowloris: one header byte every 300 ms, 20 times (6 s, six read timeouts).
exec {SLOW}<>"/dev/tcp/127.0.0.1/$PORT"
printf 'GET /health HTTP/1.1\r\nX-Slow: ' >&"$SLOW"
( for _ in $(seq 1 20); do printf 'x' >&"$SLOW" 2>/dev/null || exit 0; sleep 0.3; done ) &
DRIP=$!
sleep 1.5
served_promptly "while a slowloris connection is held"
wait "$DRIP"
w="$(closed_within "$SLOW" 300)"
if [ "$w" != open ]; then pass "slowloris: closed by the server"
else
  known_bug "slowloris: closed by the server" \
    "a client sending one header byte every 300 ms keeps its connection (and a worker thread) forever: read_timeout_ms bounds each read, not the request"
fi
exec {SLOW}>&-
stop_server

# Slowloris against a small worker pool: every connection holds a worker while its request is read.
printf '[server]\nthreads = 4\nread_timeout_ms = 1000\n' >"$T/small.toml"
if start_server small --config "$T/small.toml" --data-dir "$DATA" --; then
  SLOWS=()
  for _ in 1 2 3 4; do
    exec {fd}<>"/dev/tcp/127.0.0.1/$PORT" && SLOWS+=("$fd") && printf 'GET /health HTTP/1.1\r\nX-Slow: ' >&"$fd"
  done
  DRIPS=()
  for fd in "${SLOWS[@]}"; do
    ( for _ in $(seq 1 16); do printf 'x' >&"$fd" 2>/dev/null || exit 0; sleep 0.3; done ) &
    DRIPS+=($!)
  done
  sleep 0.5
  c="$(curl -s -o /dev/null -w '%{http_code}' --max-time 3 "$URL/health")"
  if [ "$c" = 200 ]; then pass "threads=4, 4 slowloris connections: /health still served"
  else
    known_bug "threads=4, 4 slowloris connections: /health still served" \
      "server.threads slow connections (64 by default, before authentication) starve every other client: /health got '$c' within 3 s"
  fi
  for p in "${DRIPS[@]}"; do wait "$p"; done
  for fd in "${SLOWS[@]}"; do exec {fd}>&-; done
  c="$(curl -s -o /dev/null -w '%{http_code}' --max-time 5 "$URL/health")"
  if [ "$c" = 200 ]; then pass "threads=4: served again once the slow clients stop"; else
    fail "threads=4: served again once the slow clients stop" "/health $c"; fi
else
  fail "threads=4 server started"
fi
stop_server

summary
