#!/usr/bin/env bash
# Capture without a server (docs/capture.md): `memex hook` stores the real payloads of Claude
# Code and Codex (src/capture/testdata) into the data directory, a session ends in a summary, a
# handoff and an archive, the next session is handed it, lessons fire before a matching tool
# call, and `memex sessions|lessons|handoff` show it all. A hook never fails the agent: bad
# input still exits 0 with {} and stores nothing.
FIX="$(cd "$(dirname "$0")/../../src/capture/testdata" && pwd)"
source "$(dirname "$0")/lib/testlib.bash" "$@"
mkdir -p "$T/work/demo"
cd "$T/work/demo" || exit 1

# hook AGENT EVENT FIXTURE [SESSION] [SED]: the fixture with its session id (and cwd) replaced.
hook() {
  local agent="$1" event="$2" fixture="$3" session="${4:-}" extra="${5:-}"
  local f="$T/payload.json"
  python3 - "$FIX/$agent/$fixture" "$session" "$T/work/demo" "$extra" >"$f" <<'EOF'
import json, sys
d = json.load(open(sys.argv[1]))
if sys.argv[2]:
    d["session_id"] = sys.argv[2]
d["cwd"] = sys.argv[3]
if sys.argv[4]:
    k, v = sys.argv[4].split("=", 1)
    d["tool_input"][k] = v
print(json.dumps(d))
EOF
  run_stdin "$f" hook "$event" --agent "$agent"
}

# ---- session 1: Claude Code, a working session ----
hook claude-code session-start SessionStart.json cc-1
expect_json "session-start with nothing to hand over prints {}" 'd' '{}'
hook claude-code user-prompt-submit UserPromptSubmit.json cc-1
expect_rc "user-prompt-submit exits 0" 0
hook claude-code pre-tool-use PreToolUse-bash.json cc-1
expect_rc "pre-tool-use exits 0" 0
hook claude-code post-tool-use PostToolUse-bash.json cc-1
expect_rc "post-tool-use (object tool_response) exits 0" 0
hook claude-code post-tool-use PostToolUseFailure-bash-failed.json cc-1
expect_rc "PostToolUseFailure exits 0" 0
hook claude-code post-tool-use PostToolUse-mcp.json cc-1
expect_rc "post-tool-use (string tool_response) exits 0" 0
hook claude-code stop Stop.json cc-1
hook claude-code session-end SessionEnd.json cc-1
expect_rc "session-end exits 0" 0

run sessions show cc-1 --json
expect_json "the session is stored under the cwd's scope" 'd["session"]["scope"]' 'default/demo'
expect_json "prompts are counted" 'd["session"]["prompt_count"]' '1'
expect_json "a failed tool call is counted" 'd["session"]["error_count"]' '1'
expect_json "the session is ended" 'd["session"]["ended_ms"] > 0' 'True'
expect_json "the session has an archive" 'len(d["session"]["archive_sha256"])' '64'
SUMMARY="$(json 'd["session"]["summary_id"]')"
is_uuid "$SUMMARY" && pass "the session has a summary memory" || fail "summary memory" "got '$SUMMARY'"
run get "$SUMMARY" --json
expect_json "the summary is an episode written by the hook" '(d["kind"], d["origin"], d["session"])' "('episode', 'hook', 'cc-1')"
run sessions show cc-1 --events
expect "sessions show --events lists the events" 0 --out "user-prompt-submit" --out "post-tool-use" --out "FAILED"
ARCHIVE="$(find "$DATA/archive" -name '*.jsonl.gz' | head -1)"
if [ -n "$ARCHIVE" ] && zcat "$ARCHIVE" | grep -q '"kind":"user-prompt-submit"'; then
  pass "the archive is gzip JSONL of the events"
else
  fail "archive" "no readable archive under $DATA/archive"
fi
run handoff list --json
expect_json "an automatic handoff is open" '[(h["state"], h["from_session"]) for h in d["handoffs"]]' "[('open', 'cc-1')]"

# ---- a session that does no work sees the handoff but does not consume it ----
hook codex session-start SessionStart.json idle-1
expect "codex session-start prints the handoff as plain text" 0 --out "<memex-context>" --out "Handoff from the previous session"
hook codex session-end SessionEnd.json idle-1
run handoff list --json
expect_json "a lifecycle-only session leaves the handoff open" '[(h["state"], h["from_session"]) for h in d["handoffs"]]' "[('open', 'cc-1')]"

# ---- session 2: Codex works, so it accepts the handoff ----
hook codex session-start SessionStart.json cx-2
expect "codex gets the handoff at start" 0 --out "Handoff from the previous session"
hook codex user-prompt-submit UserPromptSubmit.json cx-2
run handoff list --json
expect_json "the working session accepted the handoff" '[(h["state"], h["accepted_by_session"], h["accepted_by_agent"]) for h in d["handoffs"]]' "[('accepted', 'cx-2', 'codex')]"

# ---- lessons ----
run lessons add --tool Bash --input-regex 'rm\s+-rf' --severity critical --rule "Never rm -rf the build dir; run make clean"
expect_rc "lessons add" 0
LESSON="$OUT"
run lessons add --tool Bash --input-regex '(' --rule "broken"
expect "a lesson with a bad regex is refused" 3 --err "input_regex"
run lessons add --rule "no trigger"
expect "a lesson without a trigger is refused" 3 --err "trigger"
hook claude-code pre-tool-use PreToolUse-bash.json cc-3 "command=rm -rf build"
expect_json "PreToolUse shows the matching lesson to the model" 'd["hookSpecificOutput"]["additionalContext"].split("\n")[1]' "1. CRITICAL: Never rm -rf the build dir; run make clean"
hook codex pre-tool-use PreToolUse-bash.json cx-3 "command=ls -la"
expect_json "a non-matching command shows nothing" 'd' '{}'
run lessons list --json
expect_json "the trigger was counted" '[(l["id"], l["trigger_count"]) for l in d["lessons"]]' "[('$LESSON', 1)]"
run lessons disable "$LESSON"
expect_rc "lessons disable" 0
hook claude-code pre-tool-use PreToolUse-bash.json cc-3 "command=rm -rf build"
expect_json "a disabled lesson no longer fires" 'd' '{}'

# ---- explicit handoff ----
run handoff write --summary "Parser half done" --next "Add the tests" --question "Keep the old API?"
expect_rc "handoff write" 0
run handoff show
expect "handoff show renders the pending (manual) handoff" 0 --out "Parser half done" --out "Add the tests" --out "Keep the old API?"

# ---- a session without SessionEnd, ended by hand ----
hook codex user-prompt-submit UserPromptSubmit.json open-1
run sessions end open-1 --json
expect_json "sessions end marks the session ended" '(d["session"]["ended_ms"] > 0, d["session"]["end_reason"])' "(True, 'ended by memex')"
SUMMARY2="$(json 'd["session"]["summary_id"]')"
run sessions end open-1 --json
expect_json "ending it again keeps its summary" 'd["session"]["summary_id"]' "$SUMMARY2"
run sessions show open-1 --events --json
expect_json "one session-end event" '[e["kind"] for e in d["events"]].count("session-end")' '1'

# ---- hooks never fail the agent ----
printf 'not json' >"$T/bad.json"
run_stdin "$T/bad.json" hook post-tool-use --agent claude-code
expect "malformed JSON still exits 0 with {}" 0 --out "{}" --err "memex hook"
run_stdin /dev/null hook stop --agent codex
expect "an empty payload still exits 0" 0 --out "{}"
hook claude-code teleport Stop.json cc-9
expect "an unknown event name is stored as other and exits 0" 0 --out "{}"
run sessions show cc-9 --events --json
expect_json "the unknown event was kept as 'other'" '[e["kind"] for e in d["events"]]' "['other']"

# ---- secrets are redacted before storage ----
python3 - "$FIX/claude-code/UserPromptSubmit.json" "$T/secret.json" <<'EOF'
import json, sys
d = json.load(open(sys.argv[1]))
d["session_id"] = "sec-1"
d["prompt"] = "deploy with AKIAABCDEFGHIJKLMNOP and password=hunter2hunter2"
json.dump(d, open(sys.argv[2], "w"))
EOF
run_stdin "$T/secret.json" hook user-prompt-submit --agent claude-code
run sessions show sec-1 --events --json
if grep -q "AKIAABCDEFGHIJKLMNOP\|hunter2hunter2" <<<"$OUT"; then
  fail "secrets in prompts are redacted" "found the secret in the stored event"
else
  pass "secrets in prompts are redacted"
fi
if grep -rqa "AKIAABCDEFGHIJKLMNOP" "$DATA"/memex.db* 2>/dev/null; then
  fail "no secret reaches the database file" "found AKIA... in $DATA/memex.db"
else
  pass "no secret reaches the database file"
fi

# ---- capture disabled ----
printf '[capture]\nenabled = false\n' >"$T/off.toml"
OUT="$("$MEMEX" --config "$T/off.toml" --data-dir "$T/off-data" hook user-prompt-submit --agent codex <"$FIX/codex/UserPromptSubmit.json" 2>/dev/null)"
RC=$?
expect "capture.enabled = false prints {} and stores nothing" 0 --out "{}"
[ ! -e "$T/off-data/memex.db" ] && pass "nothing was created" || fail "capture disabled" "a database was created"

# ---- usage ----
run sessions show
expect "sessions show needs an id" 2 --err "one session id"
run sessions show no-such-session
expect "an unknown session is not found" 4
run lessons frobnicate
expect "an unknown lessons action is a usage error" 2
run --server http://127.0.0.1:1 sessions list
expect "sessions against an unreachable server exits 6" 6 --err "http://127.0.0.1:1"

summary
