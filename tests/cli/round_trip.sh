#!/usr/bin/env bash
# remember -> recall -> get -> update -> forget, idempotency, stdin, pagination, and the
# read-only commands, in human and --json form.
source "$(dirname "$0")/lib/testlib.bash" "$@"

S=(--scope acme/app)

run "${S[@]}" remember --kind decision --tag db,storage "We chose SQLite in WAL mode for memex.db"
ID="$OUT"
if [ "$RC" -eq 0 ] && is_uuid "$ID"; then pass "remember prints the id"; else fail "remember prints the id"; fi

run "${S[@]}" remember --kind decision --tag db,storage "We chose SQLite in WAL mode for memex.db"
expect "identical remember returns the same id" 0 --out "$ID" --err "already stored"

run "${S[@]}" remember --idempotency-key key-1 "first text for the key"
KEYED="$OUT"
run "${S[@]}" remember --idempotency-key key-1 "a different text, same key"
expect "idempotency key returns the same id" 0 --out "$KEYED" --err "already stored"

run "${S[@]}" --json remember "Deploys go through the staging cluster first" --kind procedure
expect_json "remember --json" 'd["created"] and d["version"] == 1 and len(d["id"]) == 36' True

run "${S[@]}" remember "The AWS key AKIAIOSFODNN7EXAMPLE belongs to the CI user"
SECRET_ID="$OUT"
expect "remember reports redacted secrets" 0 --err "1 secret redacted"
run "${S[@]}" --json get "$SECRET_ID"
expect_json "the secret is not stored" '"AKIAIOSFODNN7EXAMPLE" not in d["content"]' True

# Content from stdin, with and without '-'.
printf 'Redis is only used as a cache\n' >"$T/in1"
run_stdin "$T/in1" "${S[@]}" remember --tag cache
STDIN_ID="$OUT"
expect "remember reads stdin when no content is given" 0
run_stdin "$T/in1" "${S[@]}" remember -
expect "remember - reads stdin (same content, same id)" 0 --out "$STDIN_ID" --err "already stored"
run "${S[@]}" --json get "$STDIN_ID"
expect_json "one trailing newline is dropped from stdin" 'd["content"]' "Redis is only used as a cache"

# Recall.
run "${S[@]}" recall sqlite wal
expect "recall finds the memory" 0 --out "$ID" --out "We chose SQLite" --out "decision"
run "${S[@]}" --json recall sqlite wal
expect_json "recall --json hit" 'd["hits"][0]["memory"]["id"]' "$ID"
run "${S[@]}" recall sqlite --json
expect_json "--json after the command" 'd["total"] >= 1 and "plan" not in d' True
run "${S[@]}" recall --explain sqlite memex.db
expect "recall --explain shows plan and channels" 0 --out "query plan" --out "explain: text" \
  --out "memex.db"
run "${S[@]}" --json recall --explain "what did we choose for memex.db"
expect_json "recall --json --explain" \
  '"explain" in d["hits"][0] and "the" not in d["plan"]["terms"] and len(d["plan"]["stop_words"]) > 0' True
run "${S[@]}" recall nothing-like-this-anywhere
expect "recall with no match" 0 --out "No memories match."
run "${S[@]}" --json recall nothing-like-this-anywhere
expect_json "recall --json with no match" 'd["hits"] == [] and d["total"] == 0' True
run "${S[@]}" recall --kind gotcha sqlite
expect "recall --kind filters" 0 --out "No memories match."
run "${S[@]}" recall --tag storage sqlite
expect "recall --tag filters" 0 --out "$ID"
run "${S[@]}" recall --since 2999-01-01 sqlite
expect "recall --since filters" 0 --out "No memories match."
run "${S[@]}" recall --until 2999-01-01 sqlite
expect "recall --until keeps older" 0 --out "$ID"

# Get.
run "${S[@]}" get "$ID"
expect "get shows fields and content" 0 --out "kind:       decision" --out "tags:       db, storage" \
  --out "We chose SQLite in WAL mode for memex.db"
run "${S[@]}" --json get "$ID"
expect_json "get --json is the export shape" \
  '(d["id"], d["workspace"], d["project"], d["kind"], d["tags"])' \
  "('$ID', 'acme', 'app', 'decision', ['db', 'storage'])"

# Update -> new version.
run "${S[@]}" update "$ID" "We chose SQLite in WAL mode for memex.db; checkpoint every 1000 pages"
NEW_ID="${OUT%% *}"
expect "update prints the new id and version" 0 --out "(version 2)"
run "${S[@]}" --json get "$NEW_ID"
expect_json "the new version supersedes the old" '(d["version"], d["supersedes"], d["kind"])' \
  "(2, '$ID', 'decision')"
run "${S[@]}" recall sqlite checkpoint
expect "recall shows the new version only" 0 --out "$NEW_ID" --no-out "$ID  "
run "${S[@]}" --json recall sqlite
expect_json "old version hidden from recall" "[h['memory']['id'] for h in d['hits']].count('$ID')" 0
run "${S[@]}" --json recall --history sqlite
expect_json "recall --history shows both versions" \
  "sorted(h['memory']['version'] for h in d['hits'] if h['memory']['id'] in ('$ID', '$NEW_ID'))" \
  "[1, 2]"
run "${S[@]}" get --history "$ID"
expect "get --history lists every version" 0 --out "=== version 1" --out "=== version 2"
run "${S[@]}" --json get --history "$NEW_ID"
expect_json "get --history --json" '[v["version"] for v in d["versions"]]' "[1, 2]"
run "${S[@]}" --json update "$NEW_ID" --tag db --tag wal --kind convention --confidence 0.8
expect_json "update of tags/kind/confidence only" 'd["version"]' 3
run "${S[@]}" --json get "$NEW_ID" --history
expect_json "metadata update keeps the content" \
  '(d["versions"][-1]["tags"], d["versions"][-1]["kind"], d["versions"][-1]["content"].endswith("1000 pages"))' \
  "(['db', 'wal'], 'convention', True)"
V3="$(json 'd["versions"][-1]["id"]')"
printf 'Stdin update text about sqlite\n' >"$T/in2"
run_stdin "$T/in2" "${S[@]}" update "$V3" -
expect "update - reads stdin" 0 --out "(version 4)"
V4="${OUT%% *}"

# List, pagination.
for i in 1 2 3 4 5; do run "${S[@]}" remember "paging note number $i about kiwis"; done
run "${S[@]}" recall kiwis --limit 2
expect "recall --limit pages" 0 --out "Showing 1-2 of 5" --out "next page: --page 2"
run "${S[@]}" --json recall kiwis --limit 2 --page 3
expect_json "recall --page 3" '(len(d["hits"]), d["offset"], d["hits"][0]["rank"])' "(1, 4, 5)"
run "${S[@]}" --json recall kiwis --offset 4
expect_json "recall --offset" 'len(d["hits"])' 1
run "${S[@]}" list
expect "list shows memories" 0 --out "paging note number 5" --out "$V4"
run "${S[@]}" --json list --limit 3
expect_json "list --json pages" '(len(d["memories"]), d["total"] >= 9, d["limit"])' "(3, True, 3)"
run "${S[@]}" --json list --oldest-first --limit 1
expect_json "list --oldest-first" 'd["memories"][0]["id"]' "$KEYED"
run "${S[@]}" --json list --history --limit 0
expect_json "list --history includes superseded versions" \
  "'$ID' in [m['id'] for m in d['memories']]" True
run "${S[@]}" --json list --kind procedure
expect_json "list --kind" '[m["kind"] for m in d["memories"]]' "['procedure']"

# Forget (soft, then hard).
run "${S[@]}" forget "$V4"
expect "forget" 0 --out "Forgot $V4"
run "${S[@]}" recall sqlite
expect "a forgotten memory is not recalled" 0 --no-out "$V4" --no-out "$ID"
run "${S[@]}" get "$V4"
expect "get of a forgotten memory is not found" 4 --err "memex: error:"
run "${S[@]}" --json get "$V4"
expect_json_error "get --json of a forgotten memory" 4 not_found
run "${S[@]}" --json get --include-forgotten "$V4"
expect_json "get --include-forgotten" 'd["deleted_at"] is not None' True
run "${S[@]}" --json list --forgotten --limit 0
expect_json "list --forgotten shows tombstones" "'$V4' in [m['id'] for m in d['memories']]" True
run "${S[@]}" --json forget --hard "$V4"
expect_json "forget --hard purges every version" '(d["hard"], d["rows"])' "(True, 4)"
run "${S[@]}" get --include-forgotten "$V4"
expect "a purged memory is gone" 4
run "${S[@]}" get --include-forgotten "$ID"
expect "every version is purged" 4
run "${S[@]}" forget "$V4"
expect "forget of an unknown id" 4

# Read-only commands.
run "${S[@]}" stats
expect "stats" 0 --out "scope:      acme/app" --out "live"
run "${S[@]}" --json stats
expect_json "stats --json" '(d["live"] >= 8, d["queried_scopes"], d["schema_version"] >= 1)' \
  "(True, ['acme/app'], True)"
run "${S[@]}" --json stats --all-scopes
expect_json "stats --all-scopes --json" 'd["all_scopes"] and len(d["scopes"]) == 1' True
run "${S[@]}" status
expect "status" 0 --out "memex " --out "config:     none" --out "data dir:   $DATA" \
  --out "scope:      acme/app (from --scope)" --out "in this scope"
run "${S[@]}" --json status
expect_json "status --json" \
  '(d["config_file"], d["data_dir"]["exists"], d["database"]["exists"], d["scope"]["scope"])' \
  "(None, True, True, 'acme/app')"
run version
expect "version" 0 --out "memex "
run --json version
expect_json "version --json" '"version" in d' True
run --version
expect "--version" 0 --out "memex "
run doctor
expect "doctor" 0 --out "database integrity" --out "checks passed"
run --json doctor
expect_json "doctor --json" 'd["ok"] and all(c["ok"] for c in d["checks"])' True
run --help
expect "--help lists the commands" 0 --out "remember" --out "Exit codes"
for cmd in remember recall get update forget list export import stats doctor version status; do
  run "$cmd" --help
  if [ "$RC" -eq 0 ] && grep -q "Usage: memex $cmd" <<<"$OUT"; then
    pass "$cmd --help"
  else
    fail "$cmd --help"
  fi
done

# Local calls are audited as interface "cli", secrets scrubbed (docs/audit.md).
AUDIT="$DATA/audit/audit.jsonl"
if [ -f "$AUDIT" ] && grep -q '"interface":"cli"' "$AUDIT" && grep -q '"tool":"remember"' "$AUDIT" &&
  grep -q '"tool":"recall"' "$AUDIT"; then
  pass "CLI calls are audited as cli"
else
  fail "CLI calls are audited as cli"
fi
if grep -q "AKIAIOSFODNN7EXAMPLE" "$AUDIT"; then fail "the audit file holds no secret"; else pass "the audit file holds no secret"; fi
run version
if grep -q '"tool":"version"' "$AUDIT"; then fail "version is not audited"; else pass "version is not audited"; fi

summary
