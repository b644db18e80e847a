#!/usr/bin/env bash
# Every bad input gets a clear message, a specific exit code, and changes nothing (SPEC §11).
source "$(dirname "$0")/lib/testlib.bash" "$@"

S=(--scope acme/app)
run "${S[@]}" remember --tag seed "Baseline memory about the caching layer"
expect "seed" 0

MAIN_DATA="$DATA"
# The main data dir's full export, read with no config file (some cases plant a bad one).
snapshot() {
  env -u MEMEX_CONFIG XDG_CONFIG_HOME="$T/no-config" "$MEMEX" --data-dir "$MAIN_DATA" \
    export --all-scopes 2>/dev/null
}
BEFORE="$(snapshot)"
# bad NAME WANT_RC MESSAGE ARGS...: runs memex, expects the code and message, and no change.
bad() {
  local name="$1" want="$2" message="$3"
  shift 3
  run "$@"
  expect "$name" "$want" --err "memex: error: " --err "$message"
  if [ "$(snapshot)" != "$BEFORE" ]; then fail "$name: nothing changed"; fi
}
bad_stdin() {
  local name="$1" want="$2" message="$3" input="$4"
  shift 4
  run_stdin "$input" "$@"
  expect "$name" "$want" --err "memex: error: " --err "$message"
  if [ "$(snapshot)" != "$BEFORE" ]; then fail "$name: nothing changed"; fi
}

# Config files.
printf 'limits = [\n' >"$T/malformed.toml"
bad "malformed TOML config" 3 "malformed.toml" --config "$T/malformed.toml" "${S[@]}" remember x
printf '[limits]\nmax_content_byts = 5\n' >"$T/unknown-key.toml"
bad "unknown config key is named" 3 "max_content_byts" --config "$T/unknown-key.toml" "${S[@]}" \
  remember x
printf '[limits]\nmax_content_bytes = "big"\n' >"$T/wrong-type.toml"
bad "config value of the wrong type" 3 "max_content_bytes" --config "$T/wrong-type.toml" \
  "${S[@]}" remember x
bad "missing --config file" 4 "$T/nope.toml" --config "$T/nope.toml" "${S[@]}" remember x
MEMEX_CONFIG="$T/unknown-key.toml" bad "bad config from \$MEMEX_CONFIG" 3 "max_content_byts" \
  "${S[@]}" remember x
mkdir -p "$XDG_CONFIG_HOME/memex"
cp "$T/malformed.toml" "$XDG_CONFIG_HOME/memex/memex.toml"
bad "bad default config file" 3 "memex.toml" "${S[@]}" stats
rm "$XDG_CONFIG_HOME/memex/memex.toml"

# Arguments.
bad "invalid scope name" 2 "--scope" --scope "Bad Scope" remember x
bad "scope with too many parts" 2 "--scope" --scope a/b/c remember x
bad "invalid --scopes name" 2 "--scopes" "${S[@]}" recall x --scopes "UPPER/x"
bad "unknown kind" 2 "kind" "${S[@]}" remember --kind opinion x
bad "bad date" 2 "--since" "${S[@]}" recall --since 2026-02-30x x
bad "bad --expires date" 2 "--expires" "${S[@]}" remember --expires tomorrow x
bad "negative limit" 2 "--limit" "${S[@]}" recall --limit -5 x
bad "negative list offset" 2 "--offset" "${S[@]}" list --offset -1
bad "confidence out of range" 2 "--confidence" "${S[@]}" remember --confidence 2 x
bad "unknown command" 2 "frobnicate" frobnicate
bad "unknown option" 2 "--bogus" "${S[@]}" recall --bogus x
bad "malformed id" 2 "invalid id" "${S[@]}" get 12345
bad "update with nothing to change" 2 "nothing to update" "${S[@]}" update \
  01a1ffdd-0000-7000-8000-000000000000

# Content.
bad "empty content" 3 "empty" "${S[@]}" remember ""
bad "blank content" 3 "empty" "${S[@]}" remember "   "
printf '' >"$T/empty"
bad_stdin "empty stdin" 3 "empty" "$T/empty" "${S[@]}" remember
head -c 40000 /dev/zero | tr '\0' a >"$T/big"
bad_stdin "content over the 32 KiB limit" 3 "limit" "$T/big" "${S[@]}" remember
printf '[limits]\nmax_content_bytes = 100\n' >"$T/small.toml"
head -c 200 /dev/zero | tr '\0' b >"$T/200"
bad_stdin "content over a configured limit" 3 "100" "$T/200" --config "$T/small.toml" "${S[@]}" \
  remember
printf '\xff\xfe' >"$T/invalid-utf8"
bad_stdin "invalid UTF-8 from stdin" 3 "UTF-8" "$T/invalid-utf8" "${S[@]}" remember
bad "invalid UTF-8 as an argument" 3 "UTF-8" "${S[@]}" remember $'ok \xc3\x28 bad'
bad "expiry in the past" 3 "past" "${S[@]}" remember --expires 2001-01-01 x
bad "tag too long" 3 "tag" "${S[@]}" remember --tag "$(head -c 100 /dev/zero | tr '\0' t)" x
run "${S[@]}" --json remember ""
expect_json_error "--json error document on stdout" 3 invalid_argument
if [ -z "$ERR" ]; then pass "--json errors keep stderr empty"; else fail "--json errors keep stderr empty"; fi

# Not found.
bad "get of an unknown id" 4 "not found" "${S[@]}" get 01a1ffdd-0000-7000-8000-000000000000
bad "update of an unknown id" 4 "not found" "${S[@]}" update 01a1ffdd-0000-7000-8000-000000000000 x
bad "forget of an unknown id" 4 "not found" "${S[@]}" forget 01a1ffdd-0000-7000-8000-000000000000
bad "import of a missing file" 4 "no such file" import "$T/missing.jsonl"
bad "import of a directory" 3 "directory" import "$T"

# Import: a broken line is named and nothing is imported.
printf '%s\n' "$BEFORE" >"$T/good.jsonl"
{
  head -n 1 "$T/good.jsonl" | sed 's/Baseline memory/Another memory/; s/"id":"[^"]*"/"id":"01a1ffdd-0000-7000-8000-0000000000aa"/'
  printf '{"id": "broken\n'
} >"$T/broken.jsonl"
bad "import with a broken JSONL line" 3 "line 2" import "$T/broken.jsonl"
head -n 1 "$T/good.jsonl" | sed 's/"kind":/"knid":/' >"$T/unknown-field.jsonl"
bad "import with an unknown field" 3 "knid" import "$T/unknown-field.jsonl"
DATA="$T/fresh" bad "broken import into a fresh data dir" 3 "line 2" import "$T/broken.jsonl"
OUT="$("$MEMEX" --data-dir "$T/fresh" export --all-scopes 2>/dev/null)"
if [ -z "$OUT" ]; then pass "the broken import stored nothing"; else fail "the broken import stored nothing"; fi

# A read-only data directory.
mkdir -p "$T/ro-empty"
if mount -t tmpfs -o ro tmpfs "$T/ro-empty" 2>/dev/null; then
  MOUNTS+=("$T/ro-empty")
  DATA="$T/ro-empty" bad "remember into a read-only data dir" 5 "$T/ro-empty" "${S[@]}" remember x
  DATA="$T/ro-empty" run "${S[@]}" status
  expect "status works on a read-only, empty data dir" 0 --out "not created yet"
else
  skip "read-only data dir (tmpfs): mount is not permitted here"
fi
mkdir -p "$T/ro-data"
if mount --bind "$DATA" "$T/ro-data" 2>/dev/null && MOUNTS+=("$T/ro-data") &&
  mount -o remount,ro,bind "$T/ro-data" 2>/dev/null; then
  DATA="$T/ro-data" bad "remember into a read-only existing database" 5 "not writable" "${S[@]}" \
    remember "should not be stored"
else
  skip "read-only existing database (bind mount): mount is not permitted here"
fi

# A corrupted database: exit 7 and a pointer to doctor / restore.
CORRUPT="$T/corrupt"
DATA="$CORRUPT" run "${S[@]}" remember "soon to be damaged"
rm -f "$CORRUPT/memex.db-wal" "$CORRUPT/memex.db-shm"
head -c 65536 /dev/urandom >"$CORRUPT/memex.db"
DATA="$CORRUPT" run "${S[@]}" recall damaged
expect "corrupted database" 7 --err "memex: error: " --err "memex doctor"
DATA="$CORRUPT" run "${S[@]}" --json stats
expect_json_error "corrupted database, --json" 7 data_loss
DATA="$CORRUPT" run doctor
expect "doctor reports the damage" 7 --out "FAIL" --out "database"
DATA="$CORRUPT" run --json doctor
if [ "$RC" -eq 7 ] && [ "$(json 'd["ok"]')" = "False" ]; then
  pass "doctor --json reports the damage"
else
  fail "doctor --json reports the damage"
fi

summary
