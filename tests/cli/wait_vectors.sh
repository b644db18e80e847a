#!/usr/bin/env bash
# Strong consistency (docs/retrieval.md, "The queue"): remember and update --wait answer once the
# memory's vector is stored and searchable, and --json says so ("embedded"); without --wait the
# vector is left to the queue; with provider "none" the memory is still stored and a note says it
# has no vector; through --server the flag crosses the wire.
source "$(dirname "$0")/lib/testlib.bash" "$@"
source "$(dirname "$0")/lib/http.bash"

run --scope acme/api remember --json "the cache is redis, written through"
expect_json "without --wait: no embedded field" '"embedded" in d' "False"
run status --json
expect_json "without --wait: the vector is left to the queue" 'd["embeddings"]["models"]' "[]"

run --scope acme/api remember --wait --json "we deploy with blue green rollouts"
expect_json "--wait: the vector is searchable" 'd["embedded"]' "True"
ID="$(python3 -c 'import json,sys; print(json.load(sys.stdin)["id"])' <<<"$OUT")"
run status --json
expect_json "one-shot --wait also embeds what was pending (the CLI's catch-up of 256)" \
  '[(m["embedded"], m["pending"]) for m in d["embeddings"]["models"]]' "[(2, 0)]"

run update "$ID" --wait --json "we deploy with canary rollouts"
expect_json "update --wait: the new version's vector is searchable" \
  '(d["version"], d["embedded"])' "(2, True)"
run status --json
expect_json "nothing pending after update --wait" \
  '[m["pending"] for m in d["embeddings"]["models"]]' "[0]"

run --scope acme/api remember --wait "rotate the signing keys every month"
expect "--wait in text: the id alone, no note" 0
[ -z "$ERR" ] && is_uuid "$OUT" && pass "--wait in text prints the id and nothing on stderr" ||
  fail "--wait in text prints the id and nothing on stderr" "out: $OUT err: $ERR"

printf '[embedding]\nprovider = "none"\n' >"$T/none.toml"
run --config "$T/none.toml" --scope acme/api remember --wait "stored without a model"
expect "provider none: stored, and a note says it has no vector" 0 --err "stored without its vector"
run --config "$T/none.toml" --scope acme/api remember --wait --json "stored without a model, json"
expect_json "provider none, --json: embedded is false" 'd["embedded"]' "False"

start_server srv --data-dir "$T/srv" -- || { fail "server did not start"; summary; }
run_raw --server "$URL" --scope acme/api remember --wait --json "over the wire, with its vector"
expect_json "--server: --wait crosses the wire" 'd["embedded"]' "True"
SID="$(python3 -c 'import json,sys; print(json.load(sys.stdin)["id"])' <<<"$OUT")"
run_raw --server "$URL" update "$SID" --wait --json "over the wire, updated"
expect_json "--server: update --wait crosses the wire" '(d["version"], d["embedded"])' "(2, True)"
http POST /api/memories/remember -H 'Content-Type: application/json' \
  -d '{"memory":{"scope":"acme/api","content":"straight to the route"},"wait_for_vectors":"yes"}'
[ "$CODE" = 400 ] && [ "$(body_json 'd["error"]["message"]')" != "" ] &&
  pass "a wait_for_vectors that is not a boolean is a 400" ||
  fail "a wait_for_vectors that is not a boolean is a 400" "code $CODE body $BODY"
stop_server

summary
