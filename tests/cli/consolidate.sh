#!/usr/bin/env bash
# Write-time hygiene (docs/hygiene.md): `remember` reports a near-duplicate (stored anyway, linked,
# shown by `get`); `memex consolidate` is a dry run by default, --apply archives all but the
# newest of each group; bad flags and --server are clear errors that change nothing.
source "$(dirname "$0")/lib/testlib.bash" "$@"

DATA="$T/data"
count_live() {
  run --scope acme/api list --json
  json 'len(d["memories"])'
}

run --scope acme/api remember "deploy the api with make release on fridays"
A="$OUT"
is_uuid "$A" || { fail "seeding: remember A"; summary; }
run --scope acme/api remember "rotate the signing keys every month"
run --scope acme/api remember "kitten photos from the office party are in the shared drive"
run --scope acme/api remember --tag release "Always deploy the API with make release on Fridays."
B="$OUT"
expect "remember: a near-duplicate is stored and reported on stderr" 0 \
  --err "near-duplicate of $A (contained, similarity 0.89)" --err "memex consolidate"
is_uuid "$B" && pass "remember: stdout is still just the id" || fail "remember: stdout is the id"

run --scope acme/api remember --json "deploy the API with make release on Fridays"
expect_json "remember --json lists near_duplicates" \
  'sorted((n["id"], n["reason"]) for n in d["near_duplicates"])' \
  "$(python3 -c "print(sorted([('$A', 'same_words'), ('$B', 'contained')]))")"
C="$(json 'd["id"]')"

run --scope acme/api remember --json "the cache is redis, written through"
expect_json "remember --json: no near-duplicates is an empty list" 'd["near_duplicates"]' "[]"

run get "$B"
expect "get shows the links" 0 --out "links:" --out "near_duplicate -> $A" --out "near_duplicate <- $C"
run get --json "$B"
expect_json "get --json has links" 'sorted(l["kind"] for l in d["links"])' \
  "['near_duplicate', 'near_duplicate']"

before="$(count_live)"
# B contains A's words at 8/9 = 0.89 of its length: under the default threshold (0.9), over 0.85.
run --scope acme/api consolidate
expect "consolidate --threshold default 0.9: only the same-words pair" 0 --out "keep   $C" \
  --out "merge  $A" --no-out "merge  $B" --out "dry run: nothing changed"
run --scope acme/api consolidate --threshold 0.85
expect "consolidate: a dry run by default" 0 --out "group 1" --out "keep   $C" \
  --out "merge  $B" --out "merge  $A" --out "dry run: nothing changed; --apply to merge"
[ "$(count_live)" = "$before" ] && pass "dry run changed nothing" || fail "dry run changed nothing"

run --scope acme/api consolidate --json --threshold 0.85
expect_json "consolidate --json: the group" '(d["dry_run"], d["groups"][0]["kept"], sorted(d["groups"][0]["merged"]), d["total_merged"] >= 2)' \
  "$(python3 -c "print((True, '$C', sorted(['$A', '$B']), True))")"

for bad in "--threshold 0" "--threshold 1.5" "--threshold x" "--max-groups 0" "--frobnicate"; do
  # shellcheck disable=SC2086
  run --scope acme/api consolidate --apply $bad
  expect "bad input: consolidate $bad is a usage error" 2 --err "memex: error"
done
[ "$(count_live)" = "$before" ] && pass "bad input changed nothing" || fail "bad input changed nothing"

run --server http://127.0.0.1:1 --scope acme/api consolidate --apply
expect "--server: refused, local only" 2 --err "works on this machine's data directory"

run --scope acme/api consolidate --apply --threshold 0.85
expect "consolidate --apply merges" 0 --out "2 memories merged" --out "memex unarchive"
after="$(count_live)"
[ "$after" -lt "$before" ] && pass "apply archived the merged memories ($before -> $after live)" \
  || fail "apply archived the merged memories ($before -> $after live)"
run get "$A"
expect "a merged memory is archived, not forgotten, and linked merged_into" 0 \
  --out "archived" --out "merged_into ->"
run --scope acme/api list --json
expect_json "the kept memory gained the merged tags" \
  '[m["tags"] for m in d["memories"] if "make release" in m["content"]]' "[['release']]"

run --scope acme/api consolidate --threshold 0.85
expect "a second run finds nothing left" 0 --out "no near-duplicates" --out "dry run"

if "$MEMEX" unarchive --help >/dev/null 2>&1; then
  run unarchive "$A"
  expect_rc "unarchive restores a merged memory" 0
  [ "$(count_live)" -eq $((after + 1)) ] && pass "restored memory is live again" \
    || fail "restored memory is live again"
else
  skip "memex unarchive is not built"
fi

summary
