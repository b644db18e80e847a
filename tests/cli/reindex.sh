#!/usr/bin/env bash
# memex reindex and the embeddings line of memex status: a one-shot `remember` leaves its vector
# to the queue; --dry-run reports and changes nothing; reindex embeds what is pending, then
# nothing; --force embeds everything again; provider "none" and --server are clear errors.
source "$(dirname "$0")/lib/testlib.bash" "$@"

DATA="$T/data"
for text in "we deploy with blue green rollouts" "the cache is redis, written through" \
  "rotate the signing keys every month"; do
  run --scope acme/api remember "$text"
  is_uuid "$OUT" || { fail "seeding: remember '$text'"; summary; }
done
pass "seeded 3 memories"

run status
expect "status before: the provider, no vectors yet" 0 --out "embeddings: local provider; no vectors yet"

run reindex --dry-run
expect "reindex --dry-run: what it would embed" 0 \
  --out "would embed 3 memories with use-lite-v1 (512 dimensions)"
run status --json
expect_json "reindex --dry-run changed nothing" 'd["embeddings"]["models"]' "[]"

run reindex
expect "reindex embeds the pending memories" 0 \
  --out "embedded 3 memories with use-lite-v1 (512 dimensions)" --out "3 have a vector, 0 pending"
run status --json
expect_json "status after: 3 embedded, 0 pending" \
  '[(m["model"], m["dim"], m["vectors"], m["embedded"], m["pending"]) for m in d["embeddings"]["models"]]' \
  "[('use-lite-v1', 512, 3, 3, 0)]"
run status
expect "status after (text)" 0 --out "embeddings: use-lite-v1 (512 dims): 3 embedded, 0 pending"

run reindex --json
expect_json "a second reindex has nothing to do" '(d["embedded"], d["pending"], d["vectors"])' "(0, 0, 3)"

run reindex --force --json
expect_json "reindex --force embeds everything again" '(d["embedded"], d["pending"], d["vectors"])' \
  "(3, 0, 3)"

run --scope acme/api recall --explain "deploying blue green"
expect "recall uses the vectors after reindex" 0 --out "blue green" --out "semantic:     yes" \
  --out "cosine"

printf '[embedding]\nprovider = "none"\n' >"$T/none.toml"
run --config "$T/none.toml" reindex
expect "provider none: a clear error" 5 --err 'embedding.provider is "none"'

run --server http://127.0.0.1:1 reindex
expect "--server: refused, local only" 2 --err "works on this machine's data directory"

summary
