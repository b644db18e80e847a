#!/usr/bin/env bash
# Scope isolation and resolution: --scope > .memex.toml marker > git root name > cwd name.
source "$(dirname "$0")/lib/testlib.bash" "$@"

run --scope acme/x remember "The alpha service listens on port 7070"
X_ID="$OUT"
expect "remember in acme/x" 0
run --scope acme/y remember "The beta service listens on port 8080"
run --scope acme/y recall alpha
expect "a memory in acme/x is not recalled from acme/y" 0 --out "No memories match." --no-out "$X_ID"
run --scope acme/y list
expect "nor listed" 0 --no-out "$X_ID"
run --scope acme/y recall alpha port --scopes acme/x
expect "recall --scopes names the other scope" 0 --out "$X_ID"
run --scope acme/y --json recall service port --scopes acme/x,acme/y
expect_json "recall --scopes a,b searches both" 'len(d["hits"])' 2
run --scope acme/y recall alpha port --all-scopes
expect "recall --all-scopes" 0 --out "$X_ID"
run --scope acme/y --json stats --all-scopes
expect_json "stats --all-scopes counts both" '[s["scope"] for s in d["scopes"]]' "['acme/x', 'acme/y']"
run --scope acme/y --json stats
expect_json "stats is per scope" 'd["live"]' 1
run --scope x remember "A memory in the default workspace"
run --json stats --scopes default/x
expect_json "a bare project name takes the default workspace" 'd["live"]' 1
run --scope other/x --json get "$X_ID"
expect_json "get by id is not limited by scope" 'd["project"]' x

# Resolution from the working directory.
mkdir -p "$T/work/plain-dir"
cd "$T/work/plain-dir" || exit 1
run --json status
expect_json "scope from the cwd name" '(d["scope"]["scope"], d["scope"]["source"])' \
  "('default/plain-dir', 'cwd')"

mkdir -p "$T/work/marked/sub/deep"
printf 'workspace = "team"\nproject = "marker-proj"\n' >"$T/work/marked/.memex.toml"
cd "$T/work/marked/sub/deep" || exit 1
run --json status
expect_json "scope from a .memex.toml marker in an ancestor" \
  '(d["scope"]["scope"], d["scope"]["source"].startswith("marker:"))' "('team/marker-proj', True)"
run status
expect "status names the marker" 0 --out "scope:      team/marker-proj (from the marker $T/work/marked/.memex.toml)"
run remember "Stored from inside the marked tree"
run --json stats --scopes team/marker-proj
expect_json "remember uses the marker scope" 'd["live"]' 1
run --scope explicit/wins --json status
expect_json "--scope beats the marker" 'd["scope"]["source"]' explicit

if command -v git >/dev/null 2>&1; then
  mkdir -p "$T/work/My_Repo/src/pkg"
  git -C "$T/work/My_Repo" init -q 2>/dev/null
  cd "$T/work/My_Repo/src/pkg" || exit 1
  run --json status
  expect_json "scope from the git repository root name" \
    '(d["scope"]["scope"], d["scope"]["source"].startswith("git:"))' "('default/my_repo', True)"
  printf 'project = "inner"\n' >"$T/work/My_Repo/src/.memex.toml"
  run --json status
  expect_json "a marker inside the repository beats the git root" 'd["scope"]["scope"]' \
    "default/inner"
else
  skip "git is not installed: git root resolution"
fi

printf 'workspace = "Bad Name"\n' >"$T/work/marked/.memex.toml"
cd "$T/work/marked/sub/deep" || exit 1
run remember "should not be stored"
expect "an invalid marker is invalid input naming the file" 3 --err ".memex.toml"

summary
