#!/usr/bin/env bash
# Capture through a server (docs/capture.md): `memex hook --server URL` posts to POST /hook; when
# the server is down mid-session the events go to the durable spool, and once it is back every
# one of them is stored exactly once — drained by the server itself (same data directory) or by
# the hook client (`memex hook drain`, and the drain a later hook starts). POST /hook answers
# bad input with a clear error, and the hook still never fails the agent.
HERE="$(cd "$(dirname "$0")" && pwd)"
FIX="$HERE/../../src/capture/testdata"
source "$HERE/lib/testlib.bash" "$@"
source "$HERE/lib/http.bash"

mkdir -p "$T/work/demo"
cd "$T/work/demo" || exit 1

# payload FIXTURE SESSION [TOOL_USE_ID]: a real payload with this session (and tool use id).
payload() {
  python3 - "$FIX/$1" "$2" "${3:-}" "$T/work/demo" <<'EOF'
import json, sys
d = json.load(open(sys.argv[1]))
d["session_id"] = sys.argv[2]
d["cwd"] = sys.argv[4]
if sys.argv[3]:
    d["tool_use_id"] = sys.argv[3]
print(json.dumps(d))
EOF
}

# hook DATA_DIR EVENT FIXTURE SESSION [TOOL_USE_ID]: payloads are made once per fixture and
# session (a python3 start costs more than the hook), the tool use id put in with sed.
hook() {
  local data="$1" event="$2" fixture="$3" session="$4" id="${5:-}"
  local tpl="$T/tpl-${fixture//\//_}-$session.json"
  [ -f "$tpl" ] || payload "$fixture" "$session" "__TOOL_USE_ID__" >"$tpl"
  sed "s/__TOOL_USE_ID__/${id:-none}/" "$tpl" >"$T/p.json"
  OUT="$("$MEMEX" --data-dir "$data" hook "$event" --agent claude-code --server "$URL" \
    <"$T/p.json" 2>"$T/.stderr")"
  RC=$?
  ERR="$(cat "$T/.stderr")"
}

# wait_for TIMEOUT_S PYTHON_EXPR ARGS...: polls `memex ARGS --json` until EXPR holds over d.
wait_for() {
  local limit="$1" expr="$2" i
  shift 2
  for i in $(seq 1 $((limit * 10))); do
    run "$@" --json
    if [ "$RC" -eq 0 ] && [ "$(json "$expr" 2>/dev/null)" = "True" ]; then return 0; fi
    sleep 0.1
  done
  return 1
}

start_server srv --data-dir "$DATA" || { fail "server starts"; summary; }
pass "server started"
FIXED_PORT="$PORT"

# ---- a normal session through the server ----
hook "$DATA" session-start claude-code/SessionStart.json s1
expect "session-start through the server prints {} (nothing to hand over)" 0 --out "{}"
hook "$DATA" user-prompt-submit claude-code/UserPromptSubmit.json s1
expect_rc "user-prompt-submit through the server" 0
wait_for 10 'd["session"]["prompt_count"] == 1' sessions show s1 &&
  pass "the server stored the events" || fail "server stores events" "prompt_count never reached 1"

# ---- server down mid-session: 200 events go to the spool ----
stop_server
start="$(date +%s)"
for i in $(seq 1 200); do
  hook "$DATA" post-tool-use claude-code/PostToolUse-bash.json s1 "down-$i"
  if [ "$RC" -ne 0 ] || [ "$OUT" != "{}" ]; then
    fail "hook $i with the server down" "expected exit 0 and {}"
    break
  fi
done
[ "$i" -eq 200 ] && pass "200 hooks with the server down all exit 0 with {} ($(($(date +%s) - start)) s)"
LINES="$(cat "$DATA/spool/hooks.jsonl" 2>/dev/null | wc -l)"
[ "$LINES" -eq 200 ] && pass "the spool holds the 200 events" || fail "spool" "hooks.jsonl has $LINES lines"
run status --json
expect_json "memex status reports events waiting in the spool" '(d["spool"]["pending"], d["spool"]["dropped"])' '(True, 0)'
[ "$(stat -c %a "$DATA/spool")" = "700" ] && pass "the spool directory is private (0700)" ||
  fail "spool mode" "$(stat -c %a "$DATA/spool")"

# ---- the server comes back on the same port and drains its data directory's spool ----
"$MEMEX" --data-dir "$DATA" serve --port "$FIXED_PORT" </dev/null >"$T/srv2.out" 2>"$T/srv2.err" &
SERVER_PID=$!
wait_for 20 'd["session"]["tool_count"] == 200' sessions show s1 &&
  pass "after the restart all 200 spooled events are stored" ||
  fail "spool drained by the server" "tool_count: $(json 'd["session"]["tool_count"]')"
run sessions show s1 --events --json
expect_json "each spooled event is stored exactly once" \
  'sorted(e["tool_use_id"] for e in d["events"] if e["kind"] == "post-tool-use") == sorted("down-%d" % i for i in range(1, 201))' 'True'
[ ! -s "$DATA/spool/hooks.jsonl" ] && ! ls "$DATA"/spool/draining-* >/dev/null 2>&1 &&
  pass "the spool is empty afterwards" || fail "spool emptied" "$(ls -la "$DATA/spool")"

# ---- a client with its own data directory drains through POST /hook/batch ----
CLIENT="$T/client"
stop_server
for i in $(seq 1 30); do hook "$CLIENT" post-tool-use claude-code/PostToolUse-bash.json s2 "c-$i"; done
[ "$(wc -l <"$CLIENT/spool/hooks.jsonl")" -eq 30 ] && pass "30 events spooled on the client side" ||
  fail "client spool" "$(wc -l <"$CLIENT/spool/hooks.jsonl") lines"
"$MEMEX" --data-dir "$DATA" serve --port "$FIXED_PORT" </dev/null >"$T/srv3.out" 2>"$T/srv3.err" &
SERVER_PID=$!
for _ in $(seq 1 100); do curl -s "$URL/health" >/dev/null && break; sleep 0.1; done
OUT="$("$MEMEX" --data-dir "$CLIENT" hook drain --server "$URL" 2>"$T/.stderr")"
RC=$?
ERR="$(cat "$T/.stderr")"
expect_rc "memex hook drain exits 0" 0
wait_for 10 'd["session"]["tool_count"] == 30' sessions show s2 &&
  pass "the drained events are stored" || fail "client drain" "tool_count $(json 'd["session"]["tool_count"]')"
# A second drain of the same (now empty) spool sends nothing more.
OUT="$("$MEMEX" --data-dir "$CLIENT" hook drain --server "$URL" 2>&1)"
sleep 0.3
run sessions show s2 --json
expect_json "draining again stores nothing twice" 'd["session"]["tool_count"]' '30'

# A later hook that reaches the server starts a background drain of what is left.
stop_server
for i in $(seq 1 5); do hook "$CLIENT" post-tool-use claude-code/PostToolUse-bash.json s3 "late-$i"; done
"$MEMEX" --data-dir "$DATA" serve --port "$FIXED_PORT" </dev/null >"$T/srv4.out" 2>"$T/srv4.err" &
SERVER_PID=$!
for _ in $(seq 1 100); do curl -s "$URL/health" >/dev/null && break; sleep 0.1; done
hook "$CLIENT" user-prompt-submit claude-code/UserPromptSubmit.json s3
expect_rc "a hook after the outage" 0
wait_for 15 'd["session"]["tool_count"] == 5' sessions show s3 &&
  pass "the next successful hook drained the client's spool in the background" ||
  fail "background drain" "tool_count $(json 'd["session"]["tool_count"]' 2>/dev/null)"

# ---- the capture commands through the server print what they print locally ----
same() {  # NAME ARGS...: `memex --server URL ARGS --json` == `memex ARGS --json` on the server's data
  local name="$1" local_out
  shift
  run "$@" --json
  local_out="$OUT"
  OUT="$("$MEMEX" --data-dir "$T/nowhere" --server "$URL" "$@" --json 2>"$T/.stderr")"
  RC=$?
  ERR="$(cat "$T/.stderr")"
  if [ "$RC" -eq 0 ] && [ "$OUT" = "$local_out" ]; then pass "$name"; else fail "$name" "local: $(head -c 300 <<<"$local_out")"; fi
}
same "sessions list --server" sessions list --all-scopes
same "sessions show --events --server" sessions show s2 --events
OUT="$("$MEMEX" --data-dir "$T/nowhere" --server "$URL" lessons add --tool Bash --input-regex 'rm -rf' --rule "remote lesson" --json 2>&1)"
RC=$?
expect_json "lessons add --server" 'd["lesson"]["rule"]' "remote lesson"
REMOTE_LESSON="$(json 'd["lesson"]["id"]')"
same "lessons list --server" lessons list --all
OUT="$("$MEMEX" --data-dir "$T/nowhere" --server "$URL" lessons disable "$REMOTE_LESSON" --json 2>&1)"
RC=$?
expect_json "lessons disable --server" 'd["lesson"]["active"]' "False"
OUT="$("$MEMEX" --data-dir "$T/nowhere" --server "$URL" handoff write --summary "remote handoff" --next "step one" --json 2>&1)"
RC=$?
expect_json "handoff write --server" '(d["handoff"]["summary"], d["handoff"]["manual"])' "('remote handoff', True)"
same "handoff show --server" handoff show
same "handoff list --server" handoff list
OUT="$("$MEMEX" --data-dir "$T/nowhere" --server "$URL" sessions show no-such --json 2>&1)"
RC=$?
expect "an unknown session through the server is not found" 4
[ ! -e "$T/nowhere" ] && pass "the client created no data directory" || fail "no local data dir" "$T/nowhere exists"

# ---- POST /hook bad input ----
http POST "/hook?event=stop&agent=x&workspace=default&project=demo" -H 'Content-Type: application/json' --data 'not json'
[ "$CODE" = "400" ] && pass "POST /hook with a malformed body is 400" || fail "bad body" "HTTP $CODE $BODY"
http POST "/hook?event=stop&agent=x" -H 'Content-Type: application/json' --data '{"session_id":"z"}'
[ "$CODE" = "400" ] && pass "POST /hook without a scope is 400" || fail "no scope" "HTTP $CODE $BODY"
http POST "/hook?event=stop&agent=x&workspace=default&project=demo&ingest_key=bad%20key" --data '{"session_id":"z"}'
[ "$CODE" = "400" ] && pass "POST /hook with a bad ingest key is 400" || fail "bad key" "HTTP $CODE $BODY"
http POST "/hook?event=stop&agent=x&workspace=default&project=demo" --data '{"session_id":"z"}'
[ "$CODE" = "202" ] && pass "POST /hook with a good event is 202" || fail "good event" "HTTP $CODE $BODY"
http POST "/hook/batch" --data '{"events":[{"event":"stop"}]}'
[ "$CODE" = "400" ] && pass "POST /hook/batch with an incomplete line is 400" || fail "batch" "HTTP $CODE $BODY"
http GET "/hook"
[ "$CODE" = "404" ] || [ "$CODE" = "405" ] && pass "GET /hook is refused" || fail "GET /hook" "HTTP $CODE"

# A hook refused for good (400) is not spooled.
printf '{"session_id":"", "cwd":"%s"}' "$T/work/demo" >"$T/empty-session.json"
OUT="$("$MEMEX" --data-dir "$CLIENT" hook stop --agent codex --server "$URL" <"$T/empty-session.json" 2>"$T/.stderr")"
RC=$?
ERR="$(cat "$T/.stderr")"
expect "an event the server refuses exits 0 with {}" 0 --out "{}"
[ ! -s "$CLIENT/spool/hooks.jsonl" ] && pass "a refused event is not spooled" || fail "refused spooled" "$(cat "$CLIENT/spool/hooks.jsonl")"

# ---- a full spool drops events and says so ----
stop_server
printf '[capture]\nspool_max_mb = 1\n' >"$T/small.toml"
python3 -c 'import json,sys; print(json.dumps({"session_id":"big","cwd":sys.argv[1],"tool_name":"Bash","tool_use_id":"x","tool_response":"y"*60000}))' "$T/work/demo" >"$T/big.json"
for i in $(seq 1 25); do
  "$MEMEX" --config "$T/small.toml" --data-dir "$T/full" hook post-tool-use --agent codex --server "$URL" <"$T/big.json" >"$T/full.out" 2>>"$T/full.err"
  [ "$?" -eq 0 ] || { fail "a hook with a full spool exits 0"; break; }
done
OUT="$("$MEMEX" --config "$T/small.toml" --data-dir "$T/full" status --json 2>/dev/null)"
RC=$?
expect_json "events beyond the spool's size are dropped and counted" 'd["spool"]["dropped"] > 0 and d["spool"]["dropped"] < 25' 'True'
grep -q "spool" "$T/full.err" && pass "a dropped event is reported on stderr" || fail "drop reported" "$(head -c 300 "$T/full.err")"

summary
