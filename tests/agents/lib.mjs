// Harness for the end-to-end tests with the real Claude Code and Codex CLIs (issue 4): a
// scripted fake model (fake-model.mjs), isolated temporary homes, hook recorders, and bounded
// runs of `claude -p` and `codex exec`. Node built-ins only; the CLIs come from
// tests/agents/node_modules (scripts/npm-deps, pinned by package-lock.json).
//
// Nothing here contacts an outside host: both CLIs talk to the fake on 127.0.0.1 and are
// configured not to phone home (see claudeEnv and codexConfig). README.md lists the facts
// these helpers rely on.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { readRecord, startFakeModel } from './fake-model.mjs';

export const HERE = path.dirname(fileURLToPath(import.meta.url));
export const CLAUDE_VERSION = '2.1.330';
export const CODEX_VERSION = '0.169.0';
export const RUN_TIMEOUT_MS = 60000; // one CLI run; a normal run takes 1-3 s

// Every event each client can fire (from the binaries' own lists). The recorder registers them
// all so a test sees whatever fires.
export const CLAUDE_EVENTS = [
  'SessionStart', 'Setup', 'InstructionsLoaded', 'UserPromptSubmit', 'UserPromptExpansion',
  'PreToolUse', 'PermissionRequest', 'PermissionDenied', 'PostToolUse', 'PostToolUseFailure',
  'PostToolBatch', 'Notification', 'MessageDisplay', 'SubagentStart', 'SubagentStop',
  'TaskCreated', 'TaskCompleted', 'TeammateIdle', 'PreCompact', 'PostCompact', 'PreModelSwitch',
  'PostModelSwitch', 'Elicitation', 'ElicitationResult', 'ConfigChange', 'CwdChanged',
  'DirectoryAdded', 'Stop', 'StopFailure', 'SessionEnd',
];
export const CODEX_EVENTS = [
  'SessionStart', 'UserPromptSubmit', 'PreToolUse', 'PermissionRequest', 'PostToolUse',
  'PreCompact', 'PostCompact', 'SubagentStart', 'SubagentStop', 'Notification', 'Stop',
  'SessionEnd',
];
const TOOL_EVENTS = new Set(['PreToolUse', 'PostToolUse', 'PostToolUseFailure', 'PermissionRequest', 'PermissionDenied']);

// ---- Binaries -----------------------------------------------------------------------------

export function claudeBin() {
  const bin = path.join(HERE, 'node_modules/@anthropic-ai/claude-code/bin/claude.exe');
  assert.ok(fs.existsSync(bin), `${bin} is missing: run scripts/npm-deps tests/agents`);
  return bin;
}

// The native Codex binary from the platform package (@openai/codex-linux-x64 on x86-64 Linux,
// a static musl build), called directly: the bin/codex.js wrapper only adds a Node start.
export function codexBin() {
  const arch = { x64: 'x86_64', arm64: 'aarch64' }[process.arch];
  const plat = { linux: 'unknown-linux-musl', darwin: 'apple-darwin' }[process.platform];
  const pkg = `codex-${process.platform}-${process.arch}`;
  const bin = path.join(HERE, 'node_modules/@openai', pkg, 'vendor', `${arch}-${plat}`, 'bin', 'codex');
  if (fs.existsSync(bin)) return bin;
  const wrapper = path.join(HERE, 'node_modules/.bin/codex');
  assert.ok(fs.existsSync(wrapper), `${bin} is missing: run scripts/npm-deps tests/agents`);
  return wrapper;
}

export function memexBin() {
  const bin = process.env.MEMEX_BIN;
  assert.ok(bin, 'MEMEX_BIN must name the memex binary');
  assert.ok(fs.existsSync(bin), `MEMEX_BIN does not exist: ${bin}`);
  return path.resolve(bin);
}

// ---- Temp dirs, the fake model ------------------------------------------------------------

// A fresh directory under the system temp dir; removed by cleanup() unless KEEP_AGENT_TMP=1.
export function tempDir(prefix = 'memex-agents-') {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  return {
    dir,
    cleanup: () => { if (process.env.KEEP_AGENT_TMP !== '1') fs.rmSync(dir, { recursive: true, force: true }); },
  };
}

// Starts the fake model with a script (see fake-model.mjs) recording into <dir>/requests.jsonl.
export async function startFake(script, dir) {
  const record = path.join(dir, `requests-${Date.now()}-${Math.random().toString(16).slice(2, 8)}.jsonl`);
  const fake = await startFakeModel({ script, record, log: (m) => process.stderr.write(m + '\n') });
  return { ...fake, record, recorded: () => readRecord(record) };
}

// The model-facing requests (Messages or Responses calls) the fake received, in order.
export function modelRequests(fake) {
  return fake.recorded().filter((e) => e.api && !e.path.includes('count_tokens'));
}

// Where a marker string appears in a request body, as readable locations, e.g.
// "messages[1] role=system", "input[3] role=developer", "messages[2] tool_result". Empty if
// the model never saw it.
export function locate(body, marker) {
  const hits = [];
  const has = (v) => JSON.stringify(v ?? null).includes(marker);
  if (body?.system !== undefined && has(body.system)) hits.push('system');
  if (typeof body?.instructions === 'string' && has(body.instructions)) hits.push('instructions');
  (body?.messages ?? []).forEach((m, i) => {
    if (!has(m)) return;
    const kinds = Array.isArray(m.content)
      ? [...new Set(m.content.filter(has).map((b) => b.type))].join('+') : 'string';
    hits.push(`messages[${i}] role=${m.role} ${kinds}`);
  });
  (Array.isArray(body?.input) ? body.input : []).forEach((it, i) => {
    if (has(it)) hits.push(`input[${i}] ${it.type ?? 'message'}${it.role ? ` role=${it.role}` : ''}`);
  });
  return hits;
}

// For each model request: {n, step, where: locate(...)} for those where the marker appears.
export function findMarker(fake, marker) {
  return modelRequests(fake)
    .map((e) => ({ n: e.n, step: e.step, where: locate(e.body, marker) }))
    .filter((h) => h.where.length > 0);
}

// ---- Hooks --------------------------------------------------------------------------------

// A hook command that appends its stdin payload to <dir>/hooks/payloads/<client>/ and prints
// <dir>/hooks/out/<client>/<Event>@<tool_name> or else <dir>/hooks/out/<client>/<Event> when
// that file exists (setOutput). Always exits 0.
export function hookRecorder(dir) {
  const root = path.join(dir, 'hooks');
  fs.mkdirSync(path.join(root, 'out'), { recursive: true });
  const script = path.join(root, 'record-hook.sh');
  fs.writeFileSync(script, `#!/bin/bash
# record-hook.sh <client> <Event>: keeps the payload, prints the configured output.
root=${JSON.stringify(root)}
mkdir -p "$root/payloads/$1"
f="$root/payloads/$1/$(date +%s%N)-$$-$2"
cat > "$f.json"
env | grep -E '^(CLAUDE|CODEX)[A-Z_]*=' | grep -v -E '^[A-Z_]*(TOKEN|KEY|SECRET)[A-Z_]*=' | sort > "$f.env"
tool=$(grep -o '"tool_name":"[^"]*"' "$f.json" | head -n 1 | cut -d'"' -f4)
if [ -n "$tool" ] && [ -f "$root/out/$1/$2@$tool" ]; then cat "$root/out/$1/$2@$tool"
elif [ -f "$root/out/$1/$2" ]; then cat "$root/out/$1/$2"
fi
exit 0
`, { mode: 0o755 });
  return {
    root,
    command: (client, event) => `${script} ${client} ${event}`,
    // text: a string printed verbatim, or an object printed as JSON. tool: only for payloads
    // whose tool_name is this (e.g. 'Bash', 'mcp__memex__pf_scan').
    setOutput(client, event, text, tool) {
      fs.mkdirSync(path.join(root, 'out', client), { recursive: true });
      fs.writeFileSync(path.join(root, 'out', client, tool ? `${event}@${tool}` : event),
        typeof text === 'string' ? text : JSON.stringify(text));
    },
    clearOutputs(client) {
      fs.rmSync(path.join(root, 'out', client), { recursive: true, force: true });
    },
    // [{event, payload, env}] in firing order.
    payloads(client) {
      const d = path.join(root, 'payloads', client);
      if (!fs.existsSync(d)) return [];
      return fs.readdirSync(d).filter((f) => f.endsWith('.json')).sort().map((f) => {
        const base = f.slice(0, -5);
        const raw = fs.readFileSync(path.join(d, f), 'utf8');
        let payload;
        try { payload = JSON.parse(raw); } catch { payload = { unparsed: raw }; }
        const envFile = path.join(d, `${base}.env`);
        const env = fs.existsSync(envFile) ? fs.readFileSync(envFile, 'utf8') : '';
        return { event: base.replace(/^\d+-\d+-/, ''), payload, env };
      });
    },
    clearPayloads(client) {
      fs.rmSync(path.join(root, 'payloads', client), { recursive: true, force: true });
    },
  };
}

// Claude Code's settings.json "hooks" value: every event -> commandFor(event).
export function claudeHooks(commandFor, events = CLAUDE_EVENTS) {
  const hooks = {};
  for (const e of events) {
    const entry = { hooks: [{ type: 'command', command: commandFor(e), timeout: 10 }] };
    if (TOOL_EVENTS.has(e)) entry.matcher = '*';
    hooks[e] = [entry];
  }
  return hooks;
}

// Codex's hooks.json "hooks" value (same shape). Codex clamps SessionEnd timeouts to 3 s.
export function codexHooks(commandFor, events = CODEX_EVENTS) {
  const hooks = {};
  for (const e of events) {
    const entry = { hooks: [{ type: 'command', command: commandFor(e), timeout: e === 'SessionEnd' ? 3 : 10 }] };
    if (TOOL_EVENTS.has(e)) entry.matcher = '*';
    hooks[e] = [entry];
  }
  return hooks;
}

// An MCP stdio server entry for `memex mcp` that also logs every line the client sends to
// <logFile> (to check _meta on tools/call). Returns {command, args, env}.
export function memexMcpServer({ dataDir, scope = 'agents/test', logFile }) {
  const args = ['mcp', '--data-dir', dataDir, '--scope', scope];
  if (!logFile) return { command: memexBin(), args, env: {} };
  const wrapper = path.join(path.dirname(logFile), `mcp-tee-${path.basename(logFile)}.sh`);
  fs.writeFileSync(wrapper, `#!/bin/bash
tee -a ${JSON.stringify(logFile)} | exec ${JSON.stringify(memexBin())} ${args.map((a) => JSON.stringify(a)).join(' ')}
`, { mode: 0o755 });
  return { command: wrapper, args: [], env: {} };
}

// JSON-RPC lines an MCP client sent (from memexMcpServer's log).
export function mcpLog(logFile) {
  if (!fs.existsSync(logFile)) return [];
  return fs.readFileSync(logFile, 'utf8').split('\n').filter(Boolean).map((l) => {
    try { return JSON.parse(l); } catch { return { unparsed: l }; }
  });
}

// ---- Environment --------------------------------------------------------------------------

// The parent's environment minus anything that could leak a real account, server or proxy.
function baseEnv(home) {
  const env = {};
  const drop = /^(MEMEX_|ANTHROPIC_|CLAUDE|OPENAI_|CODEX_|HTTPS?_PROXY|ALL_PROXY|NO_PROXY|XDG_)/i;
  for (const [k, v] of Object.entries(process.env)) if (!drop.test(k) && v !== undefined) env[k] = v;
  Object.assign(env, {
    HOME: home,
    XDG_CONFIG_HOME: path.join(home, '.config'),
    XDG_DATA_HOME: path.join(home, '.local/share'),
    XDG_CACHE_HOME: path.join(home, '.cache'),
    NO_PROXY: '127.0.0.1,localhost',
  });
  return env;
}

// ---- Claude Code --------------------------------------------------------------------------

// A temp home for Claude Code pointed at the fake: {dir, home, configDir, cwd, settingsPath,
// mcpConfigPath, env}. settings: the settings.json object (e.g. {hooks}); mcpServers: name ->
// {command, args, env} (stdio) or {type:'http', url, headers}.
export function claudeHome(dir, { fake, settings = {}, mcpServers = {} }) {
  const root = path.join(dir, 'claude');
  const home = path.join(root, 'home');
  const configDir = path.join(root, 'config');
  const cwd = path.join(root, 'work');
  for (const d of [home, configDir, cwd]) fs.mkdirSync(d, { recursive: true });
  const settingsPath = path.join(root, 'settings.json');
  fs.writeFileSync(settingsPath, JSON.stringify(settings, null, 2));
  const mcpConfigPath = path.join(root, 'mcp.json');
  const servers = {};
  for (const [name, s] of Object.entries(mcpServers)) servers[name] = s.url ? { type: 'http', ...s } : { type: 'stdio', ...s };
  fs.writeFileSync(mcpConfigPath, JSON.stringify({ mcpServers: servers }, null, 2));
  const env = {
    ...baseEnv(home),
    CLAUDE_CONFIG_DIR: configDir,
    ANTHROPIC_BASE_URL: fake.url,
    ANTHROPIC_API_KEY: 'dummy',
    CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: '1',
    DISABLE_AUTOUPDATER: '1',
    DISABLE_TELEMETRY: '1',
    DISABLE_ERROR_REPORTING: '1',
    ENABLE_TOOL_SEARCH: 'false',
  };
  return { dir: root, home, configDir, cwd, settingsPath, mcpConfigPath, env };
}

// Runs `claude -p <prompt> --output-format json` in h.cwd. allowedTools: names the run may use
// without asking (e.g. ['Bash', 'mcp__memex__pf_scan']). Resolves {code, signal, ms, stdout,
// stderr, result (the parsed JSON, or null)}; never rejects.
// configFlags: false runs without --mcp-config/--strict-mcp-config/--settings, so that Claude
// reads only what is installed in its config dir (e.g. by `memex install`).
export async function runClaude(h, prompt, { allowedTools = [], extraArgs = [], timeoutMs = RUN_TIMEOUT_MS, configFlags = true } = {}) {
  const args = ['-p', prompt, '--output-format', 'json'];
  if (configFlags) args.push('--mcp-config', h.mcpConfigPath, '--strict-mcp-config', '--settings', h.settingsPath);
  if (allowedTools.length) args.push('--allowedTools', allowedTools.join(','));
  args.push(...extraArgs);
  const r = await run(claudeBin(), args, { cwd: h.cwd, env: h.env, timeoutMs });
  try { r.result = JSON.parse(r.stdout); } catch { r.result = null; }
  return r;
}

// ---- Codex --------------------------------------------------------------------------------

// TOML for a string (JSON string syntax is valid TOML basic-string syntax).
const tomlStr = (s) => JSON.stringify(String(s));

// config.toml for Codex pointed at the fake. mcpServers: name -> {command, args, env} or
// {url, bearer_token_env_var}. extra: raw TOML appended at the top level (before tables).
export function codexConfig({ fake, mcpServers = {}, extra = '', approvalPolicy = 'never', sandboxMode = 'danger-full-access' }) {
  const lines = [
    'model = "fake-model"',
    'model_provider = "fake"',
    `approval_policy = ${tomlStr(approvalPolicy)}`,
    `sandbox_mode = ${tomlStr(sandboxMode)}`,
    extra,
    '',
    '[model_providers.fake]',
    'name = "fake"',
    `base_url = ${tomlStr(`${fake.url}/v1`)}`,
    'wire_api = "responses"',
    'env_key = "FAKE_MODEL_API_KEY"',
    'request_max_retries = 0',
    'stream_max_retries = 0',
    '',
    '[analytics]',
    'enabled = false',
    '',
    '[features]',
    'plugins = false',
  ];
  for (const [name, s] of Object.entries(mcpServers)) {
    lines.push('', `[mcp_servers.${name}]`);
    if (s.url) {
      lines.push(`url = ${tomlStr(s.url)}`);
      if (s.bearer_token_env_var) lines.push(`bearer_token_env_var = ${tomlStr(s.bearer_token_env_var)}`);
    } else {
      lines.push(`command = ${tomlStr(s.command)}`);
      lines.push(`args = [${(s.args ?? []).map(tomlStr).join(', ')}]`);
      const env = Object.entries(s.env ?? {}).map(([k, v]) => `${k} = ${tomlStr(v)}`).join(', ');
      if (env) lines.push(`env = { ${env} }`);
    }
  }
  return lines.join('\n') + '\n';
}

// A temp CODEX_HOME (config.toml, hooks.json) and cwd: {dir, home, codexHome, cwd, env}.
// configOptions: extra, approvalPolicy, sandboxMode (see codexConfig).
export function codexHome(dir, { fake, hooks, mcpServers = {}, ...configOptions }) {
  const root = path.join(dir, 'codex');
  const home = path.join(root, 'home');
  const codexHomeDir = path.join(root, 'codex-home');
  const cwd = path.join(root, 'work');
  for (const d of [home, codexHomeDir, cwd]) fs.mkdirSync(d, { recursive: true });
  fs.writeFileSync(path.join(codexHomeDir, 'config.toml'), codexConfig({ fake, mcpServers, ...configOptions }));
  if (hooks) fs.writeFileSync(path.join(codexHomeDir, 'hooks.json'), JSON.stringify({ hooks }, null, 2));
  const env = { ...baseEnv(home), CODEX_HOME: codexHomeDir, FAKE_MODEL_API_KEY: 'dummy' };
  return { dir: root, home, codexHome: codexHomeDir, cwd, env };
}

// Runs `codex exec --json` in h.cwd. Hooks run only with persisted trust or
// --dangerously-bypass-hook-trust (passed here). Resolves {code, signal, ms, stdout, stderr,
// events (the parsed JSONL), finalText}; never rejects.
export async function runCodex(h, prompt, { extraArgs = [], timeoutMs = RUN_TIMEOUT_MS } = {}) {
  const args = ['exec', '--skip-git-repo-check', '--json', '--dangerously-bypass-hook-trust', ...extraArgs, prompt];
  const r = await run(codexBin(), args, { cwd: h.cwd, env: h.env, timeoutMs });
  r.events = r.stdout.split('\n').filter((l) => l.startsWith('{')).map((l) => {
    try { return JSON.parse(l); } catch { return { unparsed: l }; }
  });
  const msgs = r.events.filter((e) => e.type === 'item.completed' && e.item?.type === 'agent_message');
  r.finalText = msgs.at(-1)?.item.text ?? null;
  return r;
}

// ---- Processes ----------------------------------------------------------------------------

// Spawns a process with stdin from /dev/null, collects its output, and kills its whole process
// group after timeoutMs (SIGTERM, then SIGKILL 2 s later). Never rejects.
export function run(cmd, args, { cwd, env, timeoutMs = RUN_TIMEOUT_MS } = {}) {
  return new Promise((resolve) => {
    const start = Date.now();
    let stdout = '';
    let stderr = '';
    let timedOut = false;
    const child = spawn(cmd, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    child.stdout.on('data', (d) => { stdout += d; });
    child.stderr.on('data', (d) => { stderr += d; });
    const kill = (sig) => { try { process.kill(-child.pid, sig); } catch { /* gone */ } };
    const timer = setTimeout(() => {
      timedOut = true;
      kill('SIGTERM');
      setTimeout(() => kill('SIGKILL'), 2000).unref();
    }, timeoutMs);
    child.on('error', (e) => {
      clearTimeout(timer);
      resolve({ code: null, signal: null, ms: Date.now() - start, stdout, stderr: stderr + String(e), timedOut });
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, ms: Date.now() - start, stdout, stderr, timedOut });
    });
  });
}

// A readable summary of a run for assertion messages.
export function describeRun(r) {
  return `exit ${r.code}${r.signal ? ` signal ${r.signal}` : ''}${r.timedOut ? ' (timed out)' : ''} in ${r.ms} ms\n` +
    `stdout: ${r.stdout.slice(0, 2000)}\nstderr: ${r.stderr.slice(0, 2000)}`;
}
