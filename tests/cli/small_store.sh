#!/usr/bin/env bash
# A fresh store with the real model (docs/retrieval.md, the relevance gate): with one or two
# memories, a question in other words still finds the one that answers it, and questions about
# things the store never heard of get nothing. The words a paraphrase uses and the memories do
# not must not outweigh the ones they share.
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
  '(len(d["hits"]), d["plan"]["gated"])' "(0, True)"

run --scope acme/api recall --json --explain "how do I bake sourdough bread"
expect_json "another unrelated question gets nothing (gated)" \
  '(len(d["hits"]), d["plan"]["gated"])' "(0, True)"

summary
