#!/usr/bin/env bash
# Bearer tokens (docs/auth.md): create prints the token once and stores only its hash; list
# never shows tokens or hashes; revoke by id or name; bad input is a usage error.
source "$(dirname "$0")/lib/testlib.bash" "$@"

# create: the token alone on stdout, a one-line warning on stderr.
run token create --name ci --role write --scope 'acme/*' --scope acme/api --expires 30
CI_TOKEN="$OUT"
expect "create prints the token" 0 --err "shown only this once"
if [[ "$CI_TOKEN" =~ ^mx_[A-Za-z0-9_-]{43}$ ]]; then pass "the token is mx_ + 43 base64url chars"; else
  fail "the token is mx_ + 43 base64url chars"
fi
if [ "$(printf '%s\n' "$ERR" | wc -l)" -eq 1 ]; then pass "one line on stderr"; else
  fail "one line on stderr"
fi

run --json token create --name reader --role read --scope '*'
expect_json "create --json" '(d["name"], d["role"], d["scopes"], d["state"], d["token"][:3])' \
  "('reader', 'read', ['*'], 'active', 'mx_')"
READER_TOKEN="$(json 'd["token"]')"
READER_ID="$(json 'd["id"]')"
if is_uuid "$READER_ID"; then pass "the token id is a UUID"; else fail "the token id is a UUID"; fi
if [ "$CI_TOKEN" != "$READER_TOKEN" ]; then pass "tokens differ"; else fail "tokens differ"; fi

run --scope team/proj token create --name here
expect "create without --scope" 0
run --json token list
expect_json "without --scope a token gets the current scope" \
  '[t["scopes"] for t in d["tokens"] if t["name"] == "here"]' "[['team/proj']]"

# list: ids, names, roles, scopes, times; never the token or its hash.
run token list
expect "list" 0 --out "ci" --out "reader" --out "acme/*,acme/api" --out "write" \
  --out "LAST USED" --no-out "$CI_TOKEN" --no-out "${CI_TOKEN#mx_}"
HASH="$(printf '%s' "$CI_TOKEN" | sha256sum | cut -d' ' -f1)"
expect "list hides the hash" 0 --no-out "$HASH"
run --json token list
expect_json "list --json" '[(t["name"], t["role"], t["state"]) for t in d["tokens"]]' \
  "[('ci', 'write', 'active'), ('reader', 'read', 'active'), ('here', 'read', 'active')]"
expect "list --json hides tokens and hashes" 0 --no-out "$CI_TOKEN" --no-out "$HASH" \
  --no-out "${READER_TOKEN#mx_}" --no-out '"hash"'
expect_json "expiry is set" '[t["expires_at"] is not None for t in d["tokens"]]' \
  "[True, False, False]"

# The database holds the hash, never the plaintext.
DB_FILES=("$DATA"/memex.db*)
if grep -qaF -- "${CI_TOKEN#mx_}" "${DB_FILES[@]}" || grep -qaF -- "${READER_TOKEN#mx_}" "${DB_FILES[@]}"; then
  fail "the database does not contain a plaintext token"
else
  pass "the database does not contain a plaintext token"
fi
if grep -qaF -- "$HASH" "${DB_FILES[@]}"; then pass "the database holds the SHA-256"; else
  fail "the database holds the SHA-256"
fi

# Errors.
run token create --name ci --role read --scope 'acme/*'
expect "duplicate name" 5 --err "memex: error: " --err "'ci' already exists"
run --json token create --name ci --role read --scope 'acme/*'
expect_json_error "duplicate name --json" 5 already_exists
run token create --name other --role owner --scope 'acme/*'
expect "bad role" 2 --err "unknown role 'owner'"
run token create --name other --role read --scope 'acme'
expect "bad scope pattern" 2 --err "invalid scope pattern 'acme'"
run token create --name other --role read --scope '*/api'
expect "wildcard workspace" 2 --err "invalid scope pattern '*/api'"
run token create --name 'Bad Name' --scope 'acme/*'
expect "bad name" 2 --err "--name"
run token create --scope 'acme/*'
expect "missing --name" 2 --err "--name"
run token create --name other --expires 0
expect "bad --expires" 2 --err "--expires"
run token frobnicate
expect "unknown action" 2 --err "frobnicate"
run token list --name x
expect "create flags on list" 2 --err "token create"
run token revoke
expect "revoke without a token" 2 --err "exactly one"
run --json token list
expect_json "nothing was created by the errors" 'len(d["tokens"])' 3

# revoke by name and by id.
run token revoke ci
expect "revoke by name" 0 --out "Revoked token 'ci'"
run --json token revoke "$READER_ID"
expect_json "revoke by id --json" '(d["name"], d["state"], d["revoked_at"] is not None)' \
  "('reader', 'revoked', True)"
run --json token revoke ci
expect_json "revoking twice is fine" 'd["already_revoked"]' True
run token revoke nope
expect "revoke an unknown token" 4 --err "nope"
run --json token list
expect_json "revoked tokens are listed as revoked" '[t["state"] for t in d["tokens"]]' \
  "['revoked', 'revoked', 'active']"
run token create --name ci --scope 'acme/*'
expect "a revoked token keeps its name" 5 --err "already exists"

# Token commands are audited as cli calls; the tokens themselves never reach the audit file.
AUDIT="$DATA/audit/audit.jsonl"
if grep -q '"tool":"token"' "$AUDIT" 2>/dev/null; then pass "token commands are audited"; else fail "token commands are audited"; fi
if grep -q -e "$CI_TOKEN" -e "$READER_TOKEN" "$AUDIT"; then
  fail "no token in the audit file"
else
  pass "no token in the audit file"
fi

summary
