#!/usr/bin/env bash
# A fresh store with the real model (docs/retrieval.md, the relevance gate): with one or two
# memories, a question in other words still finds the one that answers it, and questions about
# things the store never heard of get nothing, saying why when the relevance gate answered. The
# words a paraphrase uses and the memories do not must not outweigh the ones they share.
source "$(dirname "$0")/lib/testlib.bash" "$@"

run --scope acme/api remember --wait "We picked SQLite WAL mode for the local store"
is_uuid "$OUT" || { fail "seeding: remember the storage decision"; summary; }

run --scope acme/api recall --json "what storage did we choose for the local store"
expect_json "one memory: a paraphrase sharing half its words finds it" \
  '[h["memory"]["content"] for h in d["hits"]]' "['We picked SQLite WAL mode for the local store']"

run --scope acme/api remember --wait \
  "Deploys go through the staging cluster first, then production after a manual approval"
is_uuid "$OUT" || { fail "seeding: remember the deploy convention"; summary; }

run --scope acme/api recall --json "what storage did we choose for the local store"
expect_json "two memories: the paraphrase finds its memory first" \
  '[h["memory"]["content"] for h in d["hits"]][:1]' "['We picked SQLite WAL mode for the local store']"

run --scope acme/api recall --json --explain "what is the capital of peru?"
expect_json "an unrelated question gets nothing (gated)" \
  '(len(d["hits"]), d["plan"]["gated"], d["gated"])' "(0, True, True)"

run --scope acme/api recall "what is the capital of peru?"
expect "in text, recall says why nothing came back" 0 \
  --out "No memories match. Nothing in scope is relevant enough (relevance" \
  --out "; --explain shows why)."

run --scope acme/api recall --json "how do I bake sourdough bread"
expect_json "a question nothing comes near at all is gated too" \
  '(len(d["hits"]), d["gated"])' "(0, True)"

printf '[recall]\nmin_relevance = 0\n' >"$T/nogate.toml"
run --config "$T/nogate.toml" --scope acme/api recall --json "how do I bake sourdough bread"
expect_json "with the gate off, nothing is gated" '(len(d["hits"]), d["gated"])' "(0, False)"
run --config "$T/nogate.toml" --scope acme/api recall "how do I bake sourdough bread"
expect "... and the message is the plain one" 0 --out "No memories match." --no-out "relevant enough"

summary
