#!/usr/bin/env bash
# Two processes writing at once: every acknowledged write is stored, none fails with "busy".
source "$(dirname "$0")/lib/testlib.bash" "$@"

N=200
writer() {  # NAME: N remembers with distinct contents; counts failures
  local name="$1" i failures=0
  for ((i = 1; i <= N; i++)); do
    if ! "$MEMEX" --data-dir "$DATA" --scope acme/load remember --tag "$name" \
      "writer $name wrote note number $i" >/dev/null 2>>"$T/$name.err"; then
      failures=$((failures + 1))
    fi
  done
  echo "$failures" >"$T/$name.failures"
}

run --scope acme/load remember "created before the writers start"
writer one &
PID1=$!
writer two &
PID2=$!
wait "$PID1" "$PID2"

if [ "$(cat "$T/one.failures")" = 0 ] && [ "$(cat "$T/two.failures")" = 0 ]; then
  pass "every remember of both writers succeeded"
else
  fail "every remember of both writers succeeded" "failures: $(cat "$T/one.failures") + $(cat "$T/two.failures")" \
    "$(head -3 "$T/one.err" "$T/two.err")"
fi
run --scope acme/load --json stats
expect_json "all $((2 * N + 1)) memories are present" 'd["live"]' $((2 * N + 1))
run --scope acme/load --json list --tag two --limit 0
expect_json "each writer's memories are all there" 'len(set(m["content"] for m in d["memories"]))' "$N"
run doctor
expect "the database is healthy afterwards" 0 --out "checks passed"

summary
