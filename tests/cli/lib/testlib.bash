# Shared helpers for the CLI black-box tests (sourced, not run: ctest only globs tests/cli/*.sh).
# Every test gets a fresh temporary HOME, XDG dirs and data dir, removed on exit.
#
#   source "$(dirname "$0")/lib/testlib.bash" "$@"
#   run --scope a/b remember hello      # sets RC, OUT, ERR
#   expect_rc "remember works" 0
#   summary                             # prints "N passed, M failed"; exit status = failures

set -u

if [ $# -lt 1 ] || [ ! -x "$1" ]; then
  echo "usage: $0 path/to/memex" >&2
  exit 2
fi
MEMEX="$(cd "$(dirname "$1")" && pwd)/$(basename "$1")"
T="$(mktemp -d "${TMPDIR:-/tmp}/memex-cli-test.XXXXXX")"
MOUNTS=()
cleanup() {
  local m
  for m in "${MOUNTS[@]}"; do umount "$m" 2>/dev/null || umount -l "$m" 2>/dev/null; done
  rm -rf "$T"
}
trap cleanup EXIT
# The built-in embedding model stays where scripts/fetch-model put it (the fresh HOME below has
# none), so recall is semantic in these tests as it is for a user.
if [ -z "${MEMEX_MODEL_DIR:-}" ]; then
  export MEMEX_MODEL_DIR="${XDG_CACHE_HOME:-$HOME/.cache}/memex/models/use-lite-v1"
fi
export HOME="$T/home" XDG_CONFIG_HOME="$T/config" XDG_DATA_HOME="$T/xdg-data"
unset MEMEX_CONFIG MEMEX_DATA_DIR
mkdir -p "$HOME" "$XDG_CONFIG_HOME" "$T/work"
DATA="$T/data"       # the default data dir of a test: pass --data-dir "$DATA"
cd "$T/work" || exit 1

PASS=0
FAIL=0
RC=0
OUT=""
ERR=""

pass() { PASS=$((PASS + 1)); echo "ok   - $1"; }
fail() {
  FAIL=$((FAIL + 1))
  echo "FAIL - $1"
  shift
  local line
  for line in "$@"; do echo "       $line"; done
  echo "       rc=$RC"
  echo "       stdout: $(printf '%s' "$OUT" | head -c 600)"
  echo "       stderr: $(printf '%s' "$ERR" | head -c 600)"
}
skip() { echo "skip - $1"; }

# run ARGS...: runs memex with the test's data dir; stdin from /dev/null.
run() {
  OUT="$("$MEMEX" --data-dir "$DATA" "$@" 2>"$T/.stderr" </dev/null)"
  RC=$?
  ERR="$(cat "$T/.stderr")"
}
# run_stdin FILE ARGS...: like run, with stdin from FILE.
run_stdin() {
  local input="$1"
  shift
  OUT="$("$MEMEX" --data-dir "$DATA" "$@" 2>"$T/.stderr" <"$input")"
  RC=$?
  ERR="$(cat "$T/.stderr")"
}
# run_raw ARGS...: no implicit --data-dir.
run_raw() {
  OUT="$("$MEMEX" "$@" 2>"$T/.stderr" </dev/null)"
  RC=$?
  ERR="$(cat "$T/.stderr")"
}

expect_rc() {  # NAME WANT
  if [ "$RC" -eq "$2" ]; then pass "$1"; else fail "$1" "expected exit code $2"; fi
}
# expect NAME WANT_RC [--out TEXT]... [--err TEXT]... [--no-out TEXT]...
expect() {
  local name="$1" want="$2" ok=1 why=()
  shift 2
  [ "$RC" -eq "$want" ] || { ok=0; why+=("expected exit code $want"); }
  while [ $# -gt 0 ]; do
    case "$1" in
      --out) grep -qF -- "$2" <<<"$OUT" || { ok=0; why+=("stdout lacks: $2"); } ;;
      --err) grep -qF -- "$2" <<<"$ERR" || { ok=0; why+=("stderr lacks: $2"); } ;;
      --no-out) grep -qF -- "$2" <<<"$OUT" && { ok=0; why+=("stdout has: $2"); } ;;
    esac
    shift 2
  done
  if [ $ok -eq 1 ]; then pass "$name"; else fail "$name" "${why[@]}"; fi
}

# json EXPR: evaluates a Python expression over the JSON document in $OUT (bound to d) and
# prints it: strings as they are, anything else as Python's repr (True, [1, 2], ('a', 3)).
json() {
  python3 -c 'import json,sys
d = json.loads(sys.stdin.read())
v = eval(sys.argv[1])
print(v if isinstance(v, str) else repr(v))' "$1" <<<"$OUT"
}
# expect_json NAME EXPR WANT: exit 0, stdout is exactly one JSON document and EXPR == WANT.
expect_json() {
  local name="$1" expr="$2" want="$3" got
  if [ "$RC" -ne 0 ]; then fail "$name" "expected exit code 0"; return; fi
  if [ "$(printf '%s\n' "$OUT" | wc -l)" -ne 1 ] || ! python3 -m json.tool <<<"$OUT" >/dev/null 2>&1; then
    fail "$name" "stdout is not one JSON document"
    return
  fi
  got="$(json "$expr" 2>&1)"
  if [ "$got" = "$want" ]; then pass "$name"; else fail "$name" "$expr = $got, want $want"; fi
}
# expect_json_error NAME WANT_RC CODE: a JSON error document on stdout.
expect_json_error() {
  local name="$1" want="$2" code="$3" got
  got="$(json 'd["error"]["code"]' 2>/dev/null)"
  if [ "$RC" -eq "$want" ] && [ "$got" = "$code" ]; then
    pass "$name"
  else
    fail "$name" "expected exit $want and error code $code, got code '$got'"
  fi
}

is_uuid() { [[ "$1" =~ ^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$ ]]; }

summary() {
  echo "$PASS passed, $FAIL failed"
  [ "$FAIL" -eq 0 ]
  exit $?
}
