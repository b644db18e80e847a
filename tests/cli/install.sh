#!/usr/bin/env bash
# memex install / uninstall (docs/install.md) against fake client homes holding foreign entries:
# every client and both scopes; a second install changes nothing and makes no backup;
# uninstall gives back the same JSON/TOML value; malformed files are reported and nothing is
# written; --dry-run writes nothing.
source "$(dirname "$0")/lib/testlib.bash" "$@"

export CLAUDE_CONFIG_DIR="$T/claude" CODEX_HOME="$T/codex"
mkdir -p "$CLAUDE_CONFIG_DIR" "$CODEX_HOME" "$HOME/.cursor" "$HOME/.gemini" "$T/proj"
REAL_MEMEX="$(realpath "$MEMEX")"

# py EXPR FILE...: evaluates a Python expression over the files' parsed values (JSON, or TOML
# for *.toml) bound to f[0], f[1]... and prints it like json().
py() {
  python3 - "$@" <<'PY'
import json, sys, tomllib
def load(p):
    with open(p, 'rb') as fh:
        return tomllib.load(fh) if p.endswith('.toml') else json.load(fh)
f = [load(p) for p in sys.argv[2:]]
v = eval(sys.argv[1])
print(v if isinstance(v, str) else repr(v))
PY
}
expect_py() {  # NAME EXPR WANT FILE...
  local name="$1" expr="$2" want="$3" got
  shift 3
  got="$(py "$expr" "$@" 2>&1)"
  if [ "$got" = "$want" ]; then pass "$name"; else fail "$name" "$expr = $got, want $want"; fi
}
same_value() {  # NAME A B: the two files hold the same JSON (or TOML) value
  if [ "$(py 'f[0] == f[1]' "$2" "$3" 2>&1)" = "True" ]; then pass "$1"; else
    fail "$1" "$(diff <(python3 -m json.tool --sort-keys "$2" 2>&1) <(python3 -m json.tool --sort-keys "$3" 2>&1) | head -20)"
  fi
}
backups() { find "$T" -name '*.bak-*' | wc -l; }
snapshot() { rm -rf "$T/snap"; cp -a "$T" "$T.snap" 2>/dev/null; mv "$T.snap" "$T/snap"; }
unchanged_tree() {  # NAME: every file under the fake homes is as in the last snapshot
  if diff -r --exclude=snap --exclude=.stderr "$T/snap" "$T" >/dev/null 2>&1; then pass "$1"; else
    fail "$1" "$(diff -rq --exclude=snap --exclude=.stderr "$T/snap" "$T" | head -5)"
  fi
}

# Foreign configuration every client already has.
cat >"$CLAUDE_CONFIG_DIR/.claude.json" <<'J'
{"numStartups": 12, "mcpServers": {"github": {"type": "http", "url": "https://example.com/gh"}},
 "projects": {"/x": {"mcpServers": {}}}}
J
cat >"$CLAUDE_CONFIG_DIR/settings.json" <<'J'
{"model": "opus", "hooks": {"Stop": [{"matcher": "", "hooks": [{"type": "command", "command": "notify-send done"}]}],
 "Notification": [{"hooks": [{"type": "command", "command": "say hi"}]}]}}
J
cat >"$CODEX_HOME/config.toml" <<'J'
# my Codex settings
model = "o3"   # the good one

[mcp_servers.docs]
command = "npx"
args = ["-y", "docs-mcp"]
J
cat >"$CODEX_HOME/hooks.json" <<'J'
{"hooks": {"PreToolUse": [{"matcher": "Bash", "hooks": [{"type": "command", "command": "/usr/bin/audit-bash"}]}]}}
J
echo '{"mcpServers": {"linear": {"url": "https://example.com/linear/sse"}}}' >"$HOME/.cursor/mcp.json"
echo '{"theme": "Dracula", "mcpServers": {"git": {"command": "uvx", "args": ["mcp-server-git"]}}}' \
  >"$HOME/.gemini/settings.json"
chmod 600 "$CLAUDE_CONFIG_DIR/.claude.json"
cp -a "$CLAUDE_CONFIG_DIR" "$T/orig-claude"
cp -a "$CODEX_HOME" "$T/orig-codex"
cp "$HOME/.cursor/mcp.json" "$T/orig-cursor.json"
cp "$HOME/.gemini/settings.json" "$T/orig-gemini.json"

# ---- Claude Code, user scope -------------------------------------------------------------------
run_raw install --client claude-code
expect "claude-code: install" 0 --out "in $CLAUDE_CONFIG_DIR/.claude.json: updated (backup: " \
  --out "in $CLAUDE_CONFIG_DIR/settings.json: updated (backup: "
CC="$CLAUDE_CONFIG_DIR/.claude.json"
CS="$CLAUDE_CONFIG_DIR/settings.json"
expect_py "claude-code: stdio entry runs this memex" \
  '(f[0]["mcpServers"]["memex"]["type"], f[0]["mcpServers"]["memex"]["args"])' \
  "('stdio', ['mcp'])" "$CC"
if [ "$(realpath "$(py 'f[0]["mcpServers"]["memex"]["command"]' "$CC")")" = "$REAL_MEMEX" ]; then
  pass "claude-code: the command is the absolute path of memex"
else
  fail "claude-code: the command is the absolute path of memex"
fi
expect_py "claude-code: foreign keys kept" '(f[0]["numStartups"], f[0]["mcpServers"]["github"], f[0]["projects"])' \
  "(12, {'type': 'http', 'url': 'https://example.com/gh'}, {'/x': {'mcpServers': {}}})" "$CC"
expect_py "claude-code: 8 events, one memex handler each" \
  'sorted(e for e, gs in f[0]["hooks"].items() for g in gs for h in g["hooks"] if " hook " in h["command"])' \
  "['PostToolUse', 'PostToolUseFailure', 'PreCompact', 'PreToolUse', 'SessionEnd', 'SessionStart', 'Stop', 'UserPromptSubmit']" "$CS"
expect_py "claude-code: handler shape" '[g for g in f[0]["hooks"]["UserPromptSubmit"]][0]["hooks"][0]["timeout"], f[0]["hooks"]["UserPromptSubmit"][0]["matcher"]' \
  "(10, '')" "$CS"
expect_py "claude-code: foreign hooks kept first" '(f[0]["hooks"]["Stop"][0]["hooks"][0]["command"], f[0]["hooks"]["Notification"], f[0]["model"])' \
  "('notify-send done', [{'hooks': [{'type': 'command', 'command': 'say hi'}]}], 'opus')" "$CS"
CMD="$(py 'f[0]["hooks"]["SessionStart"][0]["hooks"][0]["command"]' "$CS")"
eval "set -- $CMD"
if [ "$(realpath "$1")" = "$REAL_MEMEX" ] && [ "$2 $3 $4 $5" = "hook session-start --agent claude-code" ]; then
  pass "claude-code: the hook command parses as memex hook session-start --agent claude-code"
else
  fail "claude-code: the hook command parses as memex hook session-start --agent claude-code" "$CMD"
fi
if [ "$(stat -c %a "$CC")" = 600 ]; then pass "claude-code: the file keeps its mode"; else
  fail "claude-code: the file keeps its mode" "mode $(stat -c %a "$CC")"
fi
if [ "$(backups)" -eq 2 ]; then pass "claude-code: one backup per changed file"; else
  fail "claude-code: one backup per changed file" "$(backups) backups"
fi
BACKUP="$(ls "$CC".bak-*)"
if [[ "$BACKUP" =~ \.bak-[0-9]{8}T[0-9]{6}Z$ ]] && cmp -s "$BACKUP" "$T/orig-claude/.claude.json"; then
  pass "claude-code: the backup is the old file, named .bak-YYYYmmddTHHMMSSZ"
else
  fail "claude-code: the backup is the old file, named .bak-YYYYmmddTHHMMSSZ" "$BACKUP"
fi

snapshot
run_raw install --client claude-code
expect "claude-code: second install" 0 --out "$CC: unchanged" --out "$CS: unchanged" --no-out "backup"
unchanged_tree "claude-code: second install writes nothing (no new backup)"

run_raw install --client claude-code --dry-run
expect "claude-code: dry run of an installed client" 0 --out "unchanged" --err "dry run"

run_raw --json uninstall --client claude-code
expect_json "claude-code: uninstall --json" '[(x["what"], x["status"]) for x in d["files"]]' \
  "[(\"MCP server 'memex'\", 'updated'), ('hooks', 'updated')]"
same_value "claude-code: .claude.json holds its old value" "$CC" "$T/orig-claude/.claude.json"
same_value "claude-code: settings.json holds its old value" "$CS" "$T/orig-claude/settings.json"
run_raw uninstall --client claude-code
expect "claude-code: second uninstall" 0 --out "$CC: unchanged" --out "$CS: unchanged"

# ---- Codex, user scope -------------------------------------------------------------------------
run_raw install --client codex
expect "codex: install" 0 --out "$CODEX_HOME/config.toml: updated (backup: " \
  --out "$CODEX_HOME/hooks.json: updated (backup: " --err "trust" \
  --err "--dangerously-bypass-hook-trust"
expect_py "codex: mcp_servers.memex and the user's table" \
  '(f[0]["mcp_servers"]["memex"]["args"], f[0]["mcp_servers"]["docs"]["command"], f[0]["model"])' \
  "(['mcp'], 'npx', 'o3')" "$CODEX_HOME/config.toml"
if head -n "$(wc -l <"$T/orig-codex/config.toml")" "$CODEX_HOME/config.toml" |
  cmp -s - "$T/orig-codex/config.toml" &&
  grep -qxF '# >>> memex (managed by memex install) >>>' "$CODEX_HOME/config.toml" &&
  grep -qxF '# <<< memex <<<' "$CODEX_HOME/config.toml"; then
  pass "codex: the user's text and comments are kept; memex's block is marked"
else
  fail "codex: the user's text and comments are kept; memex's block is marked" "$(cat "$CODEX_HOME/config.toml")"
fi
expect_py "codex: 8 events" 'sorted(f[0]["hooks"])' \
  "['PostCompact', 'PostToolUse', 'PreCompact', 'PreToolUse', 'SessionEnd', 'SessionStart', 'Stop', 'UserPromptSubmit']" \
  "$CODEX_HOME/hooks.json"
expect_py "codex: timeouts (Codex caps SessionEnd at 3 s)" \
  '(f[0]["hooks"]["Stop"][0]["hooks"][0]["timeout"], f[0]["hooks"]["SessionEnd"][0]["hooks"][0]["timeout"])' \
  "(10, 3)" "$CODEX_HOME/hooks.json"
expect_py "codex: foreign PreToolUse group kept, memex's appended" \
  '[g["hooks"][0]["command"].split("/")[-1].split(" ")[0:3] for g in f[0]["hooks"]["PreToolUse"]]' \
  "[['audit-bash'], [\"memex'\", 'hook', 'pre-tool-use']]" "$CODEX_HOME/hooks.json"
snapshot
run_raw install --client codex
expect "codex: second install" 0 --out "config.toml: unchanged" --out "hooks.json: unchanged"
unchanged_tree "codex: second install writes nothing"
run_raw uninstall --client codex
expect "codex: uninstall" 0 --out "config.toml: updated" --out "hooks.json: updated"
if cmp -s "$CODEX_HOME/config.toml" "$T/orig-codex/config.toml"; then
  pass "codex: config.toml is byte for byte as before"
else
  fail "codex: config.toml is byte for byte as before" "$(diff "$T/orig-codex/config.toml" "$CODEX_HOME/config.toml")"
fi
same_value "codex: hooks.json holds its old value" "$CODEX_HOME/hooks.json" "$T/orig-codex/hooks.json"

# A table of that name the user wrote: refused, nothing written.
printf '\n[mcp_servers.memex]\ncommand = "my-own-memex"\n' >>"$CODEX_HOME/config.toml"
snapshot
run_raw install --client codex
expect "codex: the user's own [mcp_servers.memex] is refused" 5 --err "config.toml:8" \
  --err "outside memex's managed block"
unchanged_tree "codex: refused install writes nothing"
cp "$T/orig-codex/config.toml" "$CODEX_HOME/config.toml"

# HTTP transport with a token variable.
run_raw install --client codex --server http://127.0.0.1:7700/ --token-env MY_MEMEX_TOKEN
expect "codex: install --server" 0
expect_py "codex: url and bearer_token_env_var" \
  '(f[0]["mcp_servers"]["memex"], )' \
  "({'url': 'http://127.0.0.1:7700/mcp', 'bearer_token_env_var': 'MY_MEMEX_TOKEN'},)" "$CODEX_HOME/config.toml"
expect_py "codex: hooks pass --server and --token-env" \
  'f[0]["hooks"]["Stop"][0]["hooks"][0]["command"].split(" ", 1)[1]' \
  "hook stop --agent codex --server http://127.0.0.1:7700 --token-env MY_MEMEX_TOKEN" "$CODEX_HOME/hooks.json"
run_raw uninstall --client codex
expect "codex: uninstall after --server" 0
if cmp -s "$CODEX_HOME/config.toml" "$T/orig-codex/config.toml"; then pass "codex: back as before"; else
  fail "codex: back as before"
fi

# ---- Cursor, Gemini CLI, Claude Desktop (MCP only) ---------------------------------------------
run_raw install --client cursor
expect "cursor: install" 0 --out "$HOME/.cursor/mcp.json: updated" --err "MCP server only"
expect_py "cursor: entry and foreign server" '(sorted(f[0]["mcpServers"]), f[0]["mcpServers"]["memex"]["args"])' \
  "(['linear', 'memex'], ['mcp'])" "$HOME/.cursor/mcp.json"
run_raw install --client cursor --server http://h:7700 --token-env TOK
expect_py "cursor: HTTP entry uses \${env:VAR}" 'f[0]["mcpServers"]["memex"]' \
  "{'url': 'http://h:7700/mcp', 'headers': {'Authorization': 'Bearer \${env:TOK}'}}" "$HOME/.cursor/mcp.json"
run_raw uninstall --client cursor
same_value "cursor: uninstall restores the value" "$HOME/.cursor/mcp.json" "$T/orig-cursor.json"

run_raw --data-dir "$DATA" install --client gemini-cli
expect "gemini-cli: install" 0 --out "settings.json: updated"
expect_py "gemini-cli: --data-dir is passed on" 'f[0]["mcpServers"]["memex"]["args"]' \
  "['mcp', '--data-dir', '$DATA']" "$HOME/.gemini/settings.json"
run_raw install --client gemini-cli --server http://h:7700 --token-env TOK
expect_py "gemini-cli: httpUrl and headers" 'f[0]["mcpServers"]["memex"]' \
  "{'httpUrl': 'http://h:7700/mcp', 'headers': {'Authorization': 'Bearer \${TOK}'}}" "$HOME/.gemini/settings.json"
run_raw uninstall --client gemini-cli
same_value "gemini-cli: uninstall restores the value" "$HOME/.gemini/settings.json" "$T/orig-gemini.json"

DESKTOP="$XDG_CONFIG_HOME/Claude/claude_desktop_config.json"
run_raw install --client claude-desktop --server http://h:7700
expect "claude-desktop: install creates the file" 0 --out "$DESKTOP: created" --err "stdio only"
expect_py "claude-desktop: stdio entry" 'f[0]["mcpServers"]["memex"]["args"]' "['mcp']" "$DESKTOP"
run_raw uninstall --client claude-desktop
expect "claude-desktop: uninstall removes the file it created" 0 --out "$DESKTOP: removed"
if [ ! -e "$DESKTOP" ]; then pass "claude-desktop: file gone"; else fail "claude-desktop: file gone"; fi

# ---- Project scope -----------------------------------------------------------------------------
for client in claude-code codex cursor gemini-cli; do
  snapshot
  run_raw install --client "$client" --scope project --project-dir "$T/proj"
  expect "$client: project install" 0 --out "created"
  run_raw install --client "$client" --scope project --project-dir "$T/proj"
  expect "$client: project install twice" 0 --out "unchanged" --no-out "created"
  run_raw uninstall --client "$client" --scope project --project-dir "$T/proj"
  expect "$client: project uninstall" 0 --out "removed"
  if [ -z "$(find "$T/proj" -type f)" ]; then pass "$client: project files removed"; else
    fail "$client: project files removed" "$(find "$T/proj" -type f)"
  fi
done
(cd "$T/proj" && "$MEMEX" install --client cursor --scope project >/dev/null 2>&1)
if [ -f "$T/proj/.cursor/mcp.json" ]; then pass "project scope defaults to the current directory"; else
  fail "project scope defaults to the current directory"
fi
rm -rf "$T/proj/.cursor"
run_raw install --client claude-code --scope project --project-dir "$T/proj" --server http://h:1 --token-env TOK
expect_py "claude-code: project .mcp.json HTTP entry" 'f[0]["mcpServers"]["memex"]' \
  "{'type': 'http', 'url': 'http://h:1/mcp', 'headers': {'Authorization': 'Bearer \${TOK}'}}" "$T/proj/.mcp.json"
expect_py "claude-code: project hooks" 'len(f[0]["hooks"])' "8" "$T/proj/.claude/settings.json"
run_raw uninstall --client claude-code --scope project --project-dir "$T/proj"
rm -rf "$T/proj/.claude"

# ---- Malformed files ---------------------------------------------------------------------------
printf '{\n  "model": "opus",\n  "hooks": {,\n}\n' >"$CS"
snapshot
run_raw install --client claude-code
expect "malformed settings.json: exit 3 with file and position" 3 --err "$CS:3:" --err "invalid JSON"
unchanged_tree "malformed settings.json: nothing written, not even .claude.json"
run_raw --json uninstall --client claude-code
expect_json_error "malformed settings.json: uninstall --json" 3 invalid_argument
cp "$T/orig-claude/settings.json" "$CS"

printf 'model = "o3"\n[mcp_servers\n' >"$CODEX_HOME/config.toml"
snapshot
run_raw install --client codex
expect "malformed config.toml: exit 3 with file and position" 3 --err "$CODEX_HOME/config.toml:2:" \
  --err "invalid TOML"
unchanged_tree "malformed config.toml: nothing written"
cp "$T/orig-codex/config.toml" "$CODEX_HOME/config.toml"

printf '{\n  // comment\n  "theme": "x"\n}\n' >"$HOME/.gemini/settings.json"
run_raw install --client gemini-cli
expect "JSON with comments is refused, not stripped" 3 --err "comments"
cp "$T/orig-gemini.json" "$HOME/.gemini/settings.json"

# ---- Dry run -----------------------------------------------------------------------------------
snapshot
run_raw install --client claude-code --dry-run
expect "dry run: prints the change" 0 --out "would be updated" --out "+++ $CS" \
  --out '+        "matcher": ""' --err "nothing was written"
unchanged_tree "dry run: writes nothing"
run_raw install --client claude-desktop --dry-run
expect "dry run: a new file" 0 --out "would be created" --out "--- /dev/null"
run_raw --json install --client codex --dry-run
expect_json "dry run --json" '(d["dry_run"], [x["status"] for x in d["files"]], "+# >>> memex" in d["files"][0]["diff"])' \
  "(True, ['updated', 'updated'], True)"
unchanged_tree "dry run --json: writes nothing"

# ---- A memex in a directory with a space and a quote -------------------------------------------
ODD="$T/my tools/it's"
mkdir -p "$ODD"
cp "$REAL_MEMEX" "$ODD/memex"
[ -x "$(dirname "$REAL_MEMEX")/memex-core" ] && cp "$(dirname "$REAL_MEMEX")/memex-core" "$ODD/"
OUT="$("$ODD/memex" install --client claude-code 2>&1)"
CMD="$(py 'f[0]["hooks"]["Stop"][-1]["hooks"][0]["command"]' "$CS")"
eval "set -- $CMD"
if [ "$1" = "$ODD/memex" ] && [ "$2" = hook ]; then pass "hook command quotes an odd path safely"; else
  fail "hook command quotes an odd path safely" "$CMD"
fi
expect_py "stdio command is the odd path" 'f[0]["mcpServers"]["memex"]["command"]' "$ODD/memex" "$CC"
"$ODD/memex" uninstall --client claude-code >/dev/null 2>&1
same_value "uninstall by another memex binary still finds its entries" "$CS" "$T/orig-claude/settings.json"

# ---- Usage errors ------------------------------------------------------------------------------
run_raw install --client vim
expect "unknown client" 2 --err "claude-code, codex"
run_raw install --client claude-desktop --scope project
expect "claude-desktop has no project scope" 2 --err "no project configuration"
run_raw install
expect "--client is required" 2
run_raw install --client codex --token-env TOK
expect "--token-env needs --server" 3 --err "needs --server"
run_raw install --client codex --name 'bad name'
expect "bad --name" 2
run_raw install --client codex --server ftp://x
expect "bad --server" 2

summary
