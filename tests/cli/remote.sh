#!/usr/bin/env bash
# The thin client: every memory command run with --server against `memex serve` prints what the
# same command prints locally on an equivalent data directory (ids aside), with the same exit
# code; $MEMEX_SERVER works like --server; an unreachable server is exit 6 naming the URL; bad
# input maps to the same errors; the client never creates a local data directory.
source "$(dirname "$0")/lib/testlib.bash" "$@"

SRV_DATA="$T/server-data"
NO_DATA="$T/client-data"  # the client's data dir: must never be created
SERVER_PID=""
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

"$MEMEX" --data-dir "$SRV_DATA" serve --port 0 </dev/null >"$T/serve.out" 2>"$T/serve.err" &
SERVER_PID=$!
URL=""
for _ in $(seq 1 100); do  # at most 10 s
  URL="$(grep -o 'http://127\.0\.0\.1:[0-9]*' "$T/serve.err" | head -1)"
  [ -n "$URL" ] && break
  kill -0 "$SERVER_PID" 2>/dev/null || break
  sleep 0.1
done
if [ -z "$URL" ]; then
  echo "FAIL - memex serve did not start: $(cat "$T/serve.err")"
  exit 1
fi
pass "server started at $URL"

# Replaces ids, times, sizes and float tails (recency depends on "now") so that local and remote outputs compare. Access statistics
# are left out too: a long-running server batches them (service/access_recorder.h) while a CLI
# process writes them as it exits.
normalize() {
  sed -E -e 's/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/<id>/g' \
    -e 's/20[0-9]{2}-[0-9]{2}-[0-9]{2}T[0-9:.]+Z/<time>/g' \
    -e 's/"access_count":[0-9]+/"access_count":0/g' \
    -e 's/"last_accessed_at":("<time>"|null)/"last_accessed_at":null/g' \
    -e '/^accessed: /d' \
    -e 's/"elapsed_us":[0-9]+/"elapsed_us":0/g' \
    -e 's/([0-9]\.[0-9]{4})[0-9]+/\1/g' \
    -e 's/("db_bytes"|"bytes"):[0-9]+/\1:0/g' \
    -e 's/[0-9.]+ (B|KiB|MiB|GiB)( on disk)?/<size>\2/g' \
    -e 's#'"$DATA"'|'"$T"'/out-[lr]#<path>#g'
}

LID=""  # an id in the local store
RID=""  # the same memory's id on the server
# both NAME ARGS...: runs ARGS locally and with --server; '@ID' in ARGS is the side's id and
# '@OUT' a side's output file. Passes when exit codes, stdout and stderr match (normalized).
both() {
  local name="$1" a largs=() rargs=()
  shift
  for a in "$@"; do
    largs+=("${a//@ID/$LID}")
    rargs+=("${a//@ID/$RID}")
  done
  largs=("${largs[@]//@OUT/$T/out-l}")
  rargs=("${rargs[@]//@OUT/$T/out-r}")
  run "${largs[@]}"
  LRC=$RC LOUT="$OUT" LERR="$ERR"
  OUT="$("$MEMEX" --data-dir "$NO_DATA" --server "$URL" "${rargs[@]}" 2>"$T/.stderr" </dev/null)"
  RC=$?
  ERR="$(cat "$T/.stderr")"
  local lo ro le re
  lo="$(normalize <<<"$LOUT")" ro="$(normalize <<<"$OUT")"
  le="$(normalize <<<"$LERR")" re="$(normalize <<<"$ERR")"
  if [ "$LRC" -eq "$RC" ] && [ "$lo" = "$ro" ] && [ "$le" = "$re" ]; then
    pass "$name (exit $RC)"
  else
    fail "$name" "local rc=$LRC stdout: $(head -c 400 <<<"$lo")" "local stderr: $(head -c 300 <<<"$le")" \
      "remote stdout: $(head -c 400 <<<"$ro")" "remote stderr: $(head -c 300 <<<"$re")"
  fi
}

S=(--scope team/alpha)
both "remember" "${S[@]}" remember --kind decision --tag db,sqlite "Use SQLite in WAL mode for src/store/db.cc"
LID="$LOUT" RID="$OUT"
if is_uuid "$RID"; then pass "remote remember prints an id"; else fail "remote remember prints an id"; fi
both "remember duplicate (note on stderr)" "${S[@]}" remember --kind decision --tag db,sqlite "Use SQLite in WAL mode for src/store/db.cc"
both "remember --json" "${S[@]}" --json remember --agent codex --confidence 0.5 --expires 2999-01-01 "Tests run with ctest"
both "remember from stdin marker, other scope" --scope team/beta remember --tag cache "Beta caches with redis"
both "recall" "${S[@]}" recall sqlite wal
both "recall --json --explain" "${S[@]}" --json recall --explain "src/store/db.cc" sqlite
both "recall --explain (human)" "${S[@]}" recall --explain sqlite
both "recall no match" "${S[@]}" recall nothingmatcheszzz
both "recall --all-scopes --kind" recall --all-scopes --kind decision sqlite
both "get" get @ID
both "get --json" --json get @ID
both "remember a near-duplicate (linked to the first)" "${S[@]}" remember --kind decision "Always use SQLite in WAL mode for src/store/db.cc."
DUP_L="$LOUT" DUP_R="$OUT"
both "get shows the links" get @ID
if grep -q "near_duplicate <- " <<<"$OUT"; then pass "get through --server shows the links"; else
  fail "get through --server shows the links" "out: $OUT"; fi
both "get --json with links" --json get @ID
# Purged again, so that the counts below are those of one memory.
run forget "$DUP_L" --hard
"$MEMEX" --data-dir "$NO_DATA" --server "$URL" forget "$DUP_R" --hard >/dev/null 2>&1 </dev/null
both "the purge took the links with it" get @ID
both "update" "${S[@]}" update @ID --tag db "Use SQLite in WAL mode, always"
both "update unchanged" "${S[@]}" update @ID --tag db
both "get --history" get @ID --history
both "get --history --json" --json get @ID --history
both "list" "${S[@]}" list
both "list --json --oldest-first" "${S[@]}" --json list --oldest-first
both "list --all-scopes --limit 1 --page 2" list --all-scopes --limit 1 --page 2
both "stats" "${S[@]}" stats
both "stats --all-scopes --json" --json stats --all-scopes
both "export to stdout" export --all-scopes
both "export --out" export --all-scopes --out @OUT
# Each side imports its own export (the ids differ between the two stores).
both "import --dry-run" import @OUT --dry-run
both "import (all present)" import @OUT
both "import --json" --json import @OUT
printf '%s\n' '{"id":"not-json' >"$T/broken.jsonl"
both "import of a broken file: exit 3, same message" import "$T/broken.jsonl"
both "import of a missing file: exit 4" import "$T/missing.jsonl"
both "forget" forget @ID
both "get forgotten: exit 4" get @ID
both "get --include-forgotten" get @ID --include-forgotten
both "forget --hard --json" --json forget @ID --hard
both "get unknown id --json: exit 4" --json get 0198c3e2-0000-7000-8000-000000000000
both "remember empty content: exit 3" "${S[@]}" remember ""
both "update unknown id: exit 4" update 0198c3e2-0000-7000-8000-000000000000 "x"
both "recall bad kind: usage" recall --kind nope x
both "bad id: usage" get nope

# $MEMEX_SERVER works like --server; --token is accepted (and sent as a bearer token).
OUT="$(MEMEX_SERVER="$URL" MEMEX_TOKEN=t0k "$MEMEX" --data-dir "$NO_DATA" "${S[@]}" --json list 2>"$T/.stderr" </dev/null)"
RC=$?
ERR="$(cat "$T/.stderr")"
expect_json "MEMEX_SERVER: list over the server" 'd["total"]' 1
run_raw --data-dir "$NO_DATA" --server "$URL" --token abc "${S[@]}" stats --json
expect_json "--token: accepted" 'd["live"]' 1

# status describes the server.
run_raw --data-dir "$NO_DATA" --server "$URL" "${S[@]}" status
expect "status --server describes the server" 0 --out "server:     $URL (ok, memex" --out "team/alpha"
run_raw --data-dir "$NO_DATA" --server "$URL" --json status
expect_json "status --server --json" 'd["server"]["status"]' ok

# Local-only commands refuse --server.
for cmd in doctor serve mcp; do
  run_raw --data-dir "$NO_DATA" --server "$URL" "$cmd"
  expect "$cmd --server: usage error" 2 --err "cannot be used with it"
done

# A port nobody listens on: unavailable (6), naming the URL.
DEAD_PORT="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')"
DEAD="http://127.0.0.1:$DEAD_PORT"
run_raw --data-dir "$NO_DATA" --server "$DEAD" list
expect "unreachable server: exit 6 naming the URL" 6 --err "cannot reach the memex server at $DEAD" --err "memex serve"
run_raw --data-dir "$NO_DATA" --server "$DEAD" --json remember hello
expect_json_error "unreachable server --json" 6 unavailable
OUT="$(MEMEX_SERVER="$DEAD" "$MEMEX" --data-dir "$NO_DATA" stats 2>"$T/.stderr" </dev/null)"
RC=$?
ERR="$(cat "$T/.stderr")"
expect "unreachable \$MEMEX_SERVER: exit 6" 6 --err "$DEAD"
run_raw --data-dir "$NO_DATA" --server "localhost:7700" list
expect "a URL without http://: invalid input" 3 --err "--server: invalid server URL"

if [ -e "$NO_DATA" ]; then fail "the client created no data directory"; else pass "the client created no data directory"; fi

# The server audits the memory API's routes (docs/audit.md); the client audits nothing.
SRV_AUDIT="$SRV_DATA/audit/audit.jsonl"
if grep -q '"route":"POST /api/memories/remember"' "$SRV_AUDIT" 2>/dev/null &&
  grep -q '"interface":"rest"' "$SRV_AUDIT"; then
  pass "the server audits /api/memories routes"
else
  fail "the server audits /api/memories routes"
fi
stop_server
summary
