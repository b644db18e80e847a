#!/usr/bin/env bash
# Decay and archive (docs/cli.md, "Decay and archive"): episodes imported with old timestamps
# are stale; `memex decay` is a dry run that names them and changes nothing; --apply archives
# them as one sweep that leaves recall and list (list --archived shows it) and `memex unarchive
# --sweep` undoes; `memex archive`/`unarchive` by id; unknown ids fail with nothing changed;
# --server is refused.
source "$(dirname "$0")/lib/testlib.bash" "$@"

E1=0190f5c2-0000-7000-8000-0000000000e1
E2=0190f5c2-0000-7000-8000-0000000000e2
E3=0190f5c2-0000-7000-8000-0000000000e3
F1=0190f5c2-0000-7000-8000-0000000000f1
W1=0190f5c2-0000-7000-8000-0000000000a1
UNKNOWN=0190f5c2-0000-7000-8000-00000000dead
NOW="$(date -u +%Y-%m-%dT%H:%M:%SZ)"
row() {  # ID PROJECT KIND TIME CONTENT
  printf '{"id":"%s","workspace":"acme","project":"%s","kind":"%s","created_at":"%s","updated_at":"%s","content":"%s"}\n' \
    "$1" "$2" "$3" "$4" "$4" "$5"
}
{
  row "$E1" api episode 2020-01-01T00:00:00Z "debugged the flaky zeppelin deploy for hours"
  row "$E2" api episode 2020-02-01T00:00:00Z "paired on the quokka migration script"
  row "$E3" api episode "$NOW" "reviewed the walrus pull request today"
  row "$F1" api fact 2020-01-01T00:00:00Z "the zeppelin service listens on port 8443"
  row "$W1" web episode 2020-01-01T00:00:00Z "old zeppelin episode in another project"
} >"$T/old.jsonl"
run import "$T/old.jsonl"
expect "seeding: import 5 old and new memories" 0

# ---- dry run ----
run --scope acme/api decay
expect "decay: a dry run naming the stale episodes" 0 --out "$E1" --out "$E2" --no-out "$E3" \
  --no-out "$F1" --no-out "$W1" --out "idle" --out "never recalled" \
  --out "2 stale memories of 2 episode memories idle for 30 days or more" \
  --out "dry run: nothing changed; --apply to archive"
run --scope acme/api decay --json
expect_json "decay --json: the stale ids, oldest first, dry run" \
  '([c["id"] for c in d["stale"]], d["dry_run"], d["after_days"], d["kinds"], d["archived"])' \
  "(['$E1', '$E2'], True, 30, ['episode'], [])"
# (`list` reads without counting as a recall; `get` and `recall` count, keeping a memory warm.)
run --scope acme/api list --archived --json
expect_json "the dry run changed nothing" 'd["memories"]' "[]"
run --scope acme/api decay --kind fact --json
expect_json "--kind overrides decay.kinds" '[c["id"] for c in d["stale"]]' "['$F1']"
run --scope acme/api decay --after-days 100000 --json
expect "--after-days out of range is a usage error" 2
printf '[decay]\nafter_days = 3650\n' >"$T/long.toml"
run --config "$T/long.toml" --scope acme/api decay --json
expect_json "decay.after_days from the config" '(d["after_days"], d["stale"])' "(3650, [])"

# ---- apply, then undo the sweep ----
run --scope acme/api decay --apply --json
expect_json "decay --apply archives both as one sweep" \
  '(sorted(d["archived"]), d["dry_run"], d["sweep"] > 0)' "(['$E1', '$E2'], False, True)"
SWEEP="$(json 'd["sweep"]')"
run --scope acme/api get "$E1" --json
expect_json "get shows the archived status and time" \
  '(d["status"], d["archived_at"] is not None)' "('archived', True)"
run --scope acme/api recall zeppelin --json
expect_json "recall no longer finds the archived episode" '[h["memory"]["id"] for h in d["hits"]]' "['$F1']"
run --scope acme/api list
expect "list leaves archived memories out" 0 --out "$E3" --no-out "$E1" --no-out "$E2"
run --scope acme/api list --archived
expect "list --archived shows them, marked" 0 --out "$E1" --out "$E2" --out "[archived]" \
  --no-out "$E3"
run --scope acme/web list
expect "another project is untouched" 0 --out "$W1"
run --scope acme/api stats
expect "stats counts the archived memories" 0 --out "2 archived"
run --scope acme/api stats --json
expect_json "stats --json counts them too" '(d["archived"], [s["archived"] for s in d["scopes"]])' \
  "(2, [2])"
run --scope acme/web stats
expect "stats of a scope without archived memories says nothing of them" 0 --no-out "archived"
run --scope acme/api decay
expect "a second sweep finds nothing" 0 --out "nothing to decay"
run --scope acme/api decay --apply
expect "decay --apply with nothing stale changes nothing" 0 --out "nothing to decay"

run --scope acme/api unarchive --sweep "$SWEEP"
expect "unarchive --sweep restores the sweep" 0 --out "restored $E1" --out "restored $E2"
run --scope acme/api recall zeppelin --json
expect_json "recall finds the restored episode again" "'$E1' in [h['memory']['id'] for h in d['hits']]" "True"
run --scope acme/api unarchive --sweep "$SWEEP"
expect "the same sweep twice: nothing left to restore" 4 --err "no memory archived by sweep"

# ---- by id ----
run archive "$E3"
expect "archive ID" 0 --out "archived $E3" --err "'memex unarchive ID' restores them"
run archive "$E3"
expect "archive again: a note, success" 0 --err "$E3 was already archived"
run --scope acme/api list --json
expect_json "list --json leaves it out" "'$E3' in [m['id'] for m in d['memories']]" "False"
run unarchive "$E3" --json
expect_json "unarchive ID --json" '(d["restored"], d["unchanged"])' "(['$E3'], [])"

run archive "$E2" "$UNKNOWN"
expect "an unknown id fails naming it" 4 --err "$UNKNOWN"
run get "$E2" --json
expect_json "and nothing changed" 'd["status"]' "active"
run archive not-an-id
expect "not an id: invalid input" 3 --err "is not a memory id"
run archive
expect "archive without ids: usage" 2
run unarchive --sweep 5 "$E1"
expect "unarchive: ids and --sweep together is a usage error" 2

# ---- a sweep that archived something, in text ----
run --scope acme/api decay
expect "memories read by get and recall since are no longer idle" 0 \
  --out "nothing to decay: 0 episode memories idle for 30 days or more"
run --scope acme/web decay --apply
expect "decay --apply (text)" 0 --out "$W1" --out "archived 1 memory (sweep " \
  --out "undo: memex unarchive --sweep "

run --server http://127.0.0.1:1 decay
expect "--server: refused, local only" 2 --err "works on this machine's data directory"

summary
