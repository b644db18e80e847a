#!/usr/bin/env bash
# export -> import into a fresh data dir -> export again is byte-identical (versions and
# tombstones included); import is idempotent and all-or-nothing; --dry-run stores nothing.
source "$(dirname "$0")/lib/testlib.bash" "$@"

A=(--scope team/alpha)
B=(--scope team/beta)
run "${A[@]}" remember --kind decision --tag db "Postgres for the shared deployment"
ID1="$OUT"
run "${A[@]}" remember --agent codex --session s-1 --confidence 0.7 "Tests run with ctest -j2"
run "${A[@]}" remember --expires 2999-01-01 --created 2025-06-01 "Backfilled note with an expiry"
run "${A[@]}" remember "A memory that will be forgotten"
FORGOTTEN="$OUT"
run "${A[@]}" update "$ID1" "Postgres for the shared deployment, SQLite locally"
run "${A[@]}" forget "$FORGOTTEN"
run "${B[@]}" remember "Beta uses a different cache"
run "${B[@]}" remember "Beta deploys on Fridays"
expect "seeded two scopes" 0

run export --all-scopes --out "$T/e1.jsonl"
expect "export --out" 0 --out "Exported 7 memory versions to $T/e1.jsonl"
if [ "$(wc -l <"$T/e1.jsonl")" -eq 7 ]; then pass "export has one line per version"; else fail "export has one line per version" "$(wc -l <"$T/e1.jsonl") lines"; fi
if grep -q '"deleted_at":"' "$T/e1.jsonl" && grep -q '"status":"superseded"' "$T/e1.jsonl"; then
  pass "export includes tombstones and superseded versions"
else
  fail "export includes tombstones and superseded versions"
fi
if python3 -c 'import json,sys
for line in open(sys.argv[1]): json.loads(line)' "$T/e1.jsonl"; then
  pass "every export line is JSON"
else
  fail "every export line is JSON"
fi
run export --all-scopes
printf '%s\n' "$OUT" >"$T/e1-stdout.jsonl"
if [ "$RC" -eq 0 ] && cmp -s "$T/e1.jsonl" "$T/e1-stdout.jsonl"; then
  pass "export to stdout equals export --out"
else
  fail "export to stdout equals export --out"
fi
run "${A[@]}" export
if [ "$RC" -eq 0 ] && [ "$(printf '%s\n' "$OUT" | wc -l)" -eq 5 ] && ! grep -q '"project":"beta"' <<<"$OUT"; then
  pass "export defaults to the current scope"
else
  fail "export defaults to the current scope"
fi
run export --scopes team/beta
if [ "$(printf '%s\n' "$OUT" | wc -l)" -eq 2 ]; then pass "export --scopes"; else fail "export --scopes"; fi
run --json export --all-scopes --out "$T/e1-json.jsonl"
expect_json "export --json --out" 'd["rows"]' 7

# A fresh data directory.
DATA="$T/data2"
run import --dry-run "$T/e1.jsonl"
expect "import --dry-run" 0 --out "Dry run: 7 memory versions are valid; nothing was stored."
run export --all-scopes
if [ "$RC" -eq 0 ] && [ -z "$OUT" ]; then pass "dry run stored nothing"; else fail "dry run stored nothing"; fi
run import "$T/e1.jsonl"
expect "import" 0 --out "Imported 7 memory versions (0 already present)"
run export --all-scopes --out "$T/e2.jsonl"
if cmp -s <(sort "$T/e1.jsonl") <(sort "$T/e2.jsonl"); then
  pass "import restores every row exactly (ignoring order)"
else
  fail "import restores every row exactly (ignoring order)"
fi
if cmp -s "$T/e1.jsonl" "$T/e2.jsonl"; then
  pass "export after import is identical (lossless)"
else
  fail "export after import is identical (lossless)" "$(diff "$T/e1.jsonl" "$T/e2.jsonl" | head -5)"
fi
run --json import "$T/e1.jsonl"
expect_json "re-import is idempotent" '(d["lines"], d["inserted"], d["skipped"])' "(7, 0, 7)"
run export --all-scopes --out "$T/e3.jsonl"
if cmp -s "$T/e2.jsonl" "$T/e3.jsonl"; then pass "re-import changed nothing"; else fail "re-import changed nothing"; fi
run "${A[@]}" recall postgres
expect "imported memories are recalled" 0 --out "SQLite locally"
run "${A[@]}" get --history "$ID1"
expect "imported version chain is intact" 0 --out "=== version 2 (2 of 2)"

# Import from stdin, with the progress bar forced on a non-TTY stderr.
DATA="$T/data3"
run_stdin "$T/e1.jsonl" --progress import -
expect "import - with --progress" 0 --out "Imported 7 memory versions" --out "from stdin" \
  --err "Importing"
run --progress export --all-scopes --out "$T/e4.jsonl"
expect "export --progress" 0 --err "Exporting"
if cmp -s "$T/e2.jsonl" "$T/e4.jsonl"; then pass "stdin import is lossless too"; else fail "stdin import is lossless too"; fi
run export --all-scopes --out "$T/e5.jsonl"
if [ "$RC" -eq 0 ] && ! grep -q "Exporting \[" <<<"$ERR"; then
  pass "no progress bar when stderr is not a TTY"
else
  fail "no progress bar when stderr is not a TTY"
fi
if [ ! -e "$T/e5.jsonl.partial" ]; then pass "no partial file left behind"; else fail "no partial file left behind"; fi

summary
