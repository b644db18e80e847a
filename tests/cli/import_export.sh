#!/usr/bin/env bash
# Importing agents' transcripts and exporting fine-tune datasets (docs/capture.md, "Importing
# transcripts" and "Datasets"): the real recorded transcripts of Claude Code and Codex
# (src/capture/testdata/transcripts) become ended sessions with summaries and archives but no
# handoff; importing again stores nothing new; malformed lines are skipped and counted; a
# session the hooks captured live is not imported twice; `memex export-dataset` writes valid
# JSONL in agent-memory's sft, trajectory and preference shapes.
FIX="$(cd "$(dirname "$0")/../../src/capture/testdata" && pwd)"
source "$(dirname "$0")/lib/testlib.bash" "$@"

CC_SESSION=89848f09-9f64-4cf7-9828-0702c194f701
CX_SESSION=01a2011c-0ad1-7312-b3ac-398b5644b9e5

# The fixtures, with their cwd moved to a directory that no longer exists: the scope is then
# its name, as for a hook fired from there.
cp -r "$FIX/transcripts" "$T/tx"
find "$T/tx" -name '*.jsonl' -exec sed -i "s#/home/user/project#$T/gone/shop-api#g" {} +

# jsonl_check FILE PYTHON: every line of FILE is a JSON object; PYTHON (over `rows`) is True.
jsonl_check() {
  python3 - "$1" "$2" <<'EOF'
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
assert all(isinstance(r, dict) for r in rows), "a line is not an object"
ok = eval(sys.argv[2])
print("ok" if ok else "bad: " + repr(rows)[:600])
EOF
}
expect_jsonl() {  # NAME FILE PYTHON
  local got
  got="$(jsonl_check "$2" "$3" 2>&1)"
  if [ "$got" = "ok" ]; then pass "$1"; else fail "$1" "$got"; fi
}

# ---- import ----
run import --from claude-code "$T/tx/claude-code" --json
expect_json "claude-code: one session, every event new" \
  '(d["files"], d["sessions"], d["events_new"], d["events_present"], d["lines_skipped"])' \
  "(1, 1, 13, 0, {})"
expect_json "claude-code: the metadata lines are ignored, not skipped" 'd["lines_ignored"] > 10' 'True'
run import --from codex "$T/tx/codex"
expect "codex: a text report" 0 --out "Imported 1 codex session (1 with new events) from 1 file" --out "13 new events" \
  --out "0 already present"

run sessions list --all-scopes --json
expect_json "both sessions are stored" 'sorted((s["agent"], s["id"]) for s in d["sessions"])' \
  "[('claude-code', '$CC_SESSION'), ('codex', '$CX_SESSION')]"
expect_json "scoped by the transcript's (vanished) cwd" '{s["scope"] for s in d["sessions"]}' \
  "{'default/shop-api'}"
expect_json "prompts, tool calls and failures are counted" \
  '[(s["prompt_count"], s["tool_count"], s["error_count"]) for s in d["sessions"]]' \
  "[(2, 4, 2), (2, 4, 2)]"
expect_json "imported sessions are ended" '[s["ended_ms"] > 0 and s["end_reason"] for s in d["sessions"]]' \
  "['import', 'import']"
expect_json "each has a summary and an archive" \
  'all(s["summary_id"] and len(s["archive_sha256"]) == 64 for s in d["sessions"])' 'True'
SUMMARY="$(json '[s["summary_id"] for s in d["sessions"] if s["agent"] == "codex"][0]')"
run get "$SUMMARY" --json
expect_json "the summary is an episode of the imported session" \
  '(d["kind"], d["agent"], d["session"], "exit 3" in d["content"])' \
  "('episode', 'codex', '$CX_SESSION', True)"
run handoff list --all-scopes --json
expect_json "old history writes no handoff" 'd["handoffs"]' '[]'

run sessions show "$CC_SESSION" --events --json
expect_json "the events are the hook events" '[e["kind"] for e in d["events"]]' \
  "['user-prompt-submit', 'pre-tool-use', 'post-tool-use', 'pre-tool-use', 'post-tool-use', 'pre-tool-use', 'post-tool-use', 'stop', 'user-prompt-submit', 'pre-tool-use', 'post-tool-use', 'stop', 'session-end']"
expect_json "Pre and Post share the tool_use_id" \
  '[e.get("tool_use_id") for e in d["events"] if e["kind"].endswith("tool-use")][:2]' \
  "['toolu_fake_1_0', 'toolu_fake_1_0']"

# ---- importing again stores nothing new ----
run import --from claude-code "$T/tx/claude-code" --json
expect_json "claude-code again: nothing new" '(d["events_new"], d["events_present"], d["sessions_new"])' \
  "(0, 13, 0)"
run import --from codex "$T/tx/codex" --json
expect_json "codex again: nothing new" '(d["events_new"], d["events_present"])' "(0, 13)"
run list --all-scopes --json
expect_json "still one summary per session" \
  'sorted(m["session"] for m in d["memories"] if "summary" in m.get("tags", []))' \
  "['$CX_SESSION', '$CC_SESSION']"

# ---- malformed lines are skipped and counted ----
CCFILE="$(find "$T/tx/claude-code" -name '*.jsonl')"
printf 'this is not json\n{"type":"user","sessionId":"x","message":{"content":"cut' >>"$CCFILE"
run import --from claude-code "$CCFILE" --json
expect_json "bad lines are skipped, never fatal" '(d["lines_skipped"], d["events_new"])' \
  "({'not JSON': 2}, 0)"
run import --from claude-code "$CCFILE"
expect "the text report names the reason" 0 --out "Skipped 2 of" --out "not JSON (2)"

# ---- a session the hooks captured is not imported twice ----
python3 - "$FIX/claude-code/UserPromptSubmit.json" "$T/live.json" "$T/gone/live" <<'EOF'
import json, sys
d = json.load(open(sys.argv[1]))
d["session_id"] = "live-1"
d["cwd"] = sys.argv[3]
json.dump(d, open(sys.argv[2], "w"))
EOF
run_stdin "$T/live.json" hook user-prompt-submit --agent claude-code
mkdir -p "$T/live"
sed "s/$CC_SESSION/live-1/g" "$CCFILE" >"$T/live/live-1.jsonl"
run import --from claude-code "$T/live" --json
expect_json "a hook-captured session is skipped" '(d["sessions"], d["sessions_skipped"])' \
  "(0, {'already captured by hooks': 1})"

# ---- default locations and --scope ----
run import --from codex
expect "no ~/.codex/sessions: not found" 4 --err "does not exist"
mkdir -p "$HOME/.codex"
cp -r "$T/tx/codex" "$HOME/.codex/sessions"
run import --from codex --json
expect_json "~/.codex/sessions by default" '(d["path"], d["events_present"])' "('$HOME/.codex/sessions', 13)"
OUT="$(CLAUDE_CONFIG_DIR="$T/cc" "$MEMEX" --data-dir "$DATA" import --from claude-code 2>"$T/.stderr")"
RC=$?
ERR="$(cat "$T/.stderr")"
expect "\$CLAUDE_CONFIG_DIR/projects when set" 4 --err "$T/cc/projects"
mkdir -p "$T/cc" && cp -r "$T/tx/claude-code" "$T/cc/projects"
OUT="$(CLAUDE_CONFIG_DIR="$T/cc" "$MEMEX" --data-dir "$DATA" import --from claude-code --json 2>"$T/.stderr")"
RC=$?
expect_json "\$CLAUDE_CONFIG_DIR/projects is read" 'd["sessions"]' '1'
run_raw --scope acme/imported import --from codex "$T/tx/codex" --data-dir "$T/data2" --json
expect_json "--scope overrides the cwd" 'd["events_new"]' '13'
OUT="$("$MEMEX" --data-dir "$T/data2" sessions list --all-scopes --json 2>/dev/null)"
RC=$?
expect_json "stored under --scope" '[s["scope"] for s in d["sessions"]]' "['acme/imported']"

# ---- bad input ----
run import --from claude-code "$T/no/such/dir"
expect "a missing PATH is not found" 4 --err "$T/no/such/dir"
run import --from cursor "$T/tx"
expect "an unknown agent is a usage error" 2 --err "claude-code or codex"
run import --from codex --dry-run "$T/tx/codex"
expect "--dry-run does not go with --from" 2
run import
expect "import without a file or --from is a usage error" 2 --err "needs a file"
run --server http://127.0.0.1:1 import --from codex "$T/tx/codex"
expect "import --from works on the local data directory only" 5 --err "--server"

# ---- export-dataset ----
run export-dataset --format sft --all-scopes
expect_rc "sft to stdout" 0
printf '%s\n' "$OUT" >"$T/sft.jsonl"
expect_jsonl "sft: the successful calls, in agent-memory's shape" "$T/sft.jsonl" \
  'len(rows) == 4 and all(r["dataset_type"] == "sft" and set(r) == {"dataset_type", "input", "output", "meta"} and set(r["input"]) == {"prompt_text", "tool_name", "tool_input"} and "tool_response_preview" in r["output"] and set(r["meta"]) >= {"tool_call_id", "project", "session_id", "source_agent", "reward", "is_problematic", "created_at"} for r in rows)'
expect_jsonl "sft: prompts joined, rewards per the rules" "$T/sft.jsonl" \
  'sorted({(r["input"]["prompt_text"], r["input"]["tool_name"], r["meta"]["reward"]) for r in rows}) == [("Run the tests and record the storage decision", "Bash", 1.0), ("Run the tests and record the storage decision", "mcp__memex__pf_poke", 1.0)]'
expect "the count is a note on stderr" 0 --err "exported 4 sft records from 8 tool calls in 3 sessions"

run export-dataset --format trajectory --all-scopes --include-errors --out "$T/traj.jsonl" --json
expect_json "trajectory to a file" '(d["records"], d["tool_calls"], d["out"])' "(8, 8, '$T/traj.jsonl')"
expect_jsonl "trajectory: steps and outcomes, failures included" "$T/traj.jsonl" \
  'len(rows) == 8 and all(r["dataset_type"] == "trajectory" and set(r["trajectory"][0]) == {"prompt_text", "tool_name", "tool_input", "tool_response_preview", "observation"} and set(r["outcome"]) == {"reward", "tool_success", "tool_error", "is_problematic"} for r in rows) and sum(not r["outcome"]["tool_success"] for r in rows) == 4 and min(r["outcome"]["reward"] for r in rows) == -1.5'

run export-dataset --format preference --all-scopes --out "$T/pref.jsonl"
expect "preference to a file" 0 --out "Exported 2 preference records"
expect_jsonl "preference: chosen and rejected calls for the same prompt and tool" "$T/pref.jsonl" \
  'len(rows) == 2 and all(r["tool_name"] == "Bash" and r["chosen"]["reward"] > 0 > r["rejected"]["reward"] and r["meta"]["project"] == "default/shop-api" for r in rows)'

run export-dataset --format sft --agent codex --all-scopes --min-reward 0.5
printf '%s\n' "$OUT" >"$T/cx.jsonl"
expect_jsonl "--agent and --min-reward filter" "$T/cx.jsonl" \
  'len(rows) == 2 and all(r["meta"]["source_agent"] == "codex" for r in rows)'
run export-dataset --format sft
expect "nothing captured in this scope: empty output" 0 --err "exported 0 sft records"
[ -z "$OUT" ] && pass "no lines for no records" || fail "empty export" "stdout not empty"
run export-dataset --format dpo
expect "an unknown format is a usage error" 2 --err "sft, trajectory or preference"
run export-dataset
expect "--format is required" 2
run export-dataset --format sft --out "$T/no/such/dir/x.jsonl"
expect "an unwritable --out fails" 5
run --server http://127.0.0.1:1 export-dataset --format sft
expect "export-dataset works on the local data directory only (a usage error)" 2 --err "--server"

summary
