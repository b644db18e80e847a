// Issue 4's end-to-end story with the real Claude Code 2.1.330 and Codex 0.169.0, each driven
// by the scripted fake model (fake-model.mjs) in temporary homes configured only by
// `memex install` (plus what the fake model provider needs: ANTHROPIC_BASE_URL etc. for
// Claude, the [model_providers.fake] section of Codex's config.toml):
//   1. session 1 in Claude Code stores a decision through pf_poke and ends: memex has the
//      decision, an ended claude-code session and an open handoff built from the last answer;
//   2. session 2 in Codex, same project and data directory: the handoff reaches the model (a
//      developer message in the first request), pf_scan with a paraphrase recalls the
//      decision, and the handoff is accepted by the Codex session once it has done work;
//   3. a lesson on `Bash` + /rm -rf/ fires before a matching command, in both clients, and its
//      text reaches the model in the next request;
//   4. the same story with `memex serve` (hooks POST /hook, MCP over HTTP).
// Everything runs on 127.0.0.1. Run: MEMEX_BIN=build/debug/memex tests/agents/run capture.test.mjs
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import * as L from './lib.mjs';

const RUN_BUDGET_MS = 30000; // one CLI run takes 1-3 s; anything near this is a hang
const CLI_BUDGET_MS = 20000; // one memex CLI call
const PROJECT = 'queue-service'; // the project dir's name: memex resolves scope default/queue-service

// Markers unique to this process, so only this run can produce them.
const tag = Math.random().toString(36).slice(2, 8);
const DECISION_MARKER = `decision-marker-${tag}`;
const DECISION = `We decided to use SQLite WAL mode for the job queue (${DECISION_MARKER})`;
const NEXT_STEP = `wire the queue into the scheduler ${tag}`;
const SESSION1_ANSWER = `Recorded the journal-mode decision for the job queue.\n\nNext steps:\n- ${NEXT_STEP}\n- add a retry test for failed jobs`;
const SCAN_QUERY = 'what journal mode did we choose for the job queue database';
const LESSON_MARKER = `LESSON-MARKER-${tag}`;
const LESSON_RULE = `${LESSON_MARKER} never rm -rf the build dir`;
const RM_COMMAND = 'rm -rf ./build-scratch';

// ---- memex CLI ---------------------------------------------------------------------------

// The environment for memex itself: the parent's minus MEMEX_* (no stray server or data dir).
function memexEnv(home) {
  const env = {};
  for (const [k, v] of Object.entries(process.env)) if (!/^MEMEX_/.test(k)) env[k] = v;
  return { ...env, HOME: home, XDG_CONFIG_HOME: path.join(home, '.config'), XDG_DATA_HOME: path.join(home, '.local/share') };
}

// Runs `memex <global...> <args...>` in cwd; asserts exit 0; returns parsed JSON with --json.
async function memex(ctx, args, { env = ctx.env, cwd = ctx.project, global = ctx.global } = {}) {
  const r = await L.run(L.memexBin(), [...global, ...args], { cwd, env, timeoutMs: CLI_BUDGET_MS });
  assert.equal(r.code, 0, `memex ${[...global, ...args].join(' ')}: ${L.describeRun(r)}`);
  if (!args.includes('--json')) return r.stdout;
  try { return JSON.parse(r.stdout); } catch (e) { assert.fail(`memex ${args.join(' ')}: not JSON: ${r.stdout.slice(0, 2000)}`); }
}

// A JSON list answer as an array, whatever the wrapper (a bare array or {key: [...]}).
function items(v, ...keys) {
  if (Array.isArray(v)) return v;
  for (const k of [...keys, 'items', 'results']) if (Array.isArray(v?.[k])) return v[k];
  assert.fail(`expected a list in ${JSON.stringify(v).slice(0, 1000)}`);
}

const text = (v) => JSON.stringify(v);

// Polls fn until it returns a truthy value (server mode processes hook events in the
// background); returns the last value.
async function eventually(fn, timeoutMs = 10000) {
  const end = Date.now() + timeoutMs;
  let v;
  for (;;) {
    v = await fn();
    if (v || Date.now() > end) return v;
    await new Promise((r) => setTimeout(r, 100));
  }
}

// ---- The clients, installed by memex -----------------------------------------------------

// Installs memex into a Claude Code home (user scope: $CLAUDE_CONFIG_DIR/.claude.json and
// settings.json) and runs there with no --mcp-config/--settings flags.
// installArgs: local mode ['--data-dir', D]; server mode ['--server', URL] (the hooks then
// spool, if ever, under the client's own HOME).
async function installClaude(ctx, h) {
  h.cwd = ctx.project;
  const out = await memex(ctx, ['install', '--client', 'claude-code', ...ctx.installArgs], { env: h.env, global: [] });
  const mcp = JSON.parse(fs.readFileSync(path.join(h.configDir, '.claude.json'), 'utf8'));
  assert.ok(mcp.mcpServers?.memex, `memex install wrote no mcpServers.memex: ${out}`);
  const settings = JSON.parse(fs.readFileSync(path.join(h.configDir, 'settings.json'), 'utf8'));
  for (const e of ['SessionStart', 'PreToolUse', 'SessionEnd']) {
    assert.match(text(settings.hooks?.[e]), /hook/, `memex install registered no ${e} hook`);
  }
  return h;
}

// Installs memex into a CODEX_HOME that holds only the fake provider's config.toml.
async function installCodex(ctx, h) {
  h.cwd = ctx.project;
  const before = fs.readFileSync(path.join(h.codexHome, 'config.toml'), 'utf8');
  await memex(ctx, ['install', '--client', 'codex', ...ctx.installArgs], { env: h.env, global: [] });
  const after = fs.readFileSync(path.join(h.codexHome, 'config.toml'), 'utf8');
  assert.ok(after.includes(before.trim().split('\n')[0]), 'memex install kept the provider config');
  assert.match(after, /\[mcp_servers\.memex\]/);
  const hooks = JSON.parse(fs.readFileSync(path.join(h.codexHome, 'hooks.json'), 'utf8'));
  for (const e of ['SessionStart', 'PreToolUse', 'SessionEnd']) {
    assert.match(text(hooks.hooks?.[e]), /hook/, `memex install registered no ${e} hook`);
  }
  return h;
}

async function claudeSession(ctx, name, script, prompt, allowedTools) {
  const fake = await L.startFake(script, ctx.dir);
  try {
    const h = L.claudeHome(path.join(ctx.dir, name), { fake });
    await installClaude(ctx, h);
    ctx.homes.push(h.home);
    const run = await L.runClaude(h, prompt, { allowedTools, configFlags: false, timeoutMs: RUN_BUDGET_MS });
    assert.equal(run.code, 0, L.describeRun(run));
    return { fake, run, h };
  } finally {
    await fake.close();
  }
}

async function codexSession(ctx, name, script, prompt) {
  const fake = await L.startFake(script, ctx.dir);
  try {
    const h = L.codexHome(path.join(ctx.dir, name), { fake });
    await installCodex(ctx, h);
    ctx.homes.push(h.home);
    const run = await L.runCodex(h, prompt, { timeoutMs: RUN_BUDGET_MS });
    assert.equal(run.code, 0, L.describeRun(run));
    return { fake, run, h };
  } finally {
    await fake.close();
  }
}

// The model request at script step `step` (the number of tool results so far).
function requestAt(fake, step) {
  const r = L.modelRequests(fake).find((e) => e.step === step);
  assert.ok(r, `no model request at step ${step}: ${L.modelRequests(fake).map((e) => e.step)}`);
  return r;
}

function assertNoScriptErrors(fake) {
  assert.deepEqual(fake.recorded().filter((e) => e.scriptError).map((e) => e.scriptError), []);
}

// ---- The story -----------------------------------------------------------------------------

const SESSION1 = [
  { text: 'Recording the decision.', mcp: { server: 'memex', tool: 'pf_poke', args: { mode: 'memory', kind: 'decision', content: DECISION } } },
  { text: SESSION1_ANSWER },
];
const SESSION2 = [
  { mcp: { server: 'memex', tool: 'pf_scan', args: { query: SCAN_QUERY } } },
  { text: 'Cleaning the scratch build.', bash: RM_COMMAND },
  { text: 'The queue uses WAL mode; wiring it into the scheduler next.' },
];
const LESSON_SESSION = [
  { text: 'Cleaning up.', bash: RM_COMMAND },
  { text: 'Cleaned up.' },
];

function story(mode) {
  const ctx = { mode };
  let serverProc;

  before(async () => {
    const t = L.tempDir(`memex-agents-capture-${mode}-`);
    ctx.cleanup = t.cleanup;
    ctx.dir = t.dir;
    ctx.project = path.join(t.dir, PROJECT);
    fs.mkdirSync(ctx.project, { recursive: true });
    ctx.data = path.join(t.dir, 'data');
    const home = path.join(t.dir, 'home');
    fs.mkdirSync(home, { recursive: true });
    ctx.env = memexEnv(home);
    ctx.global = ['--data-dir', ctx.data];
    ctx.installArgs = ctx.global;
    ctx.homes = [];
    if (mode === 'server') {
      const port = await freePort();
      ctx.url = `http://127.0.0.1:${port}`;
      serverProc = await startServer(ctx, port);
      ctx.installArgs = ['--server', ctx.url];
    }
  });
  after(async () => {
    if (serverProc) await stopServer(serverProc);
    ctx.cleanup?.();
  });

  // memex CLI queries. `sessions`, `handoff` and `lessons` work on this machine's data
  // directory only (also in server mode: the server's own); memories are read through the
  // server in server mode.
  const q = (args) => memex(ctx, args);
  const sessions = async () => items(await q(['sessions', 'list', '--all-scopes', '--json']), 'sessions');
  const handoffs = async () => items(await q(['handoff', 'list', '--all-scopes', '--json']), 'handoffs');
  const memories = async () => items(await memex(ctx, ['list', '--all-scopes', '--json'],
    { global: mode === 'server' ? ['--server', ctx.url] : ctx.global }), 'memories');
  const wait = (fn) => (mode === 'server' ? eventually(fn) : fn());

  let s1;
  let s2;
  let claudeSid;
  let codexSid;

  it('session 1 (Claude Code) stores a decision through pf_poke', async () => {
    s1 = await claudeSession(ctx, 'claude-1', SESSION1,
      'Pick a journal mode for the job queue database and record the decision.', ['mcp__memex__pf_poke']);
    assertNoScriptErrors(s1.fake);
    assert.equal(s1.run.result?.result, SESSION1_ANSWER, L.describeRun(s1.run));
    assert.deepEqual(L.modelRequests(s1.fake).map((e) => e.step), [0, 1], 'one pf_poke call, one answer');
    // pf_poke answered without an error (the tool_result of step 1).
    const res = requestAt(s1.fake, 1).body.messages.flatMap((m) => (Array.isArray(m.content) ? m.content : []))
      .filter((b) => b.type === 'tool_result');
    assert.equal(res.length, 1);
    assert.ok(!res[0].is_error, `pf_poke failed: ${text(res[0])}`);
    claudeSid = s1.run.result?.session_id;
    assert.ok(claudeSid, 'claude -p reports its session_id');
  });

  it('after session 1: the decision, an ended claude-code session, an open handoff', async () => {
    assert.ok(s1, 'session 1 ran');
    const decision = await wait(async () => (await memories()).find((m) => m.content?.includes(DECISION_MARKER)));
    assert.ok(decision, `the decision is stored: ${text(await memories()).slice(0, 2000)}`);
    assert.equal(decision.kind, 'decision', text(decision));
    assert.equal(`${decision.workspace}/${decision.project}`, `default/${PROJECT}`, text(decision));
    // The MCP call is joined to the hook session (tools/call _meta claudecode/toolUseId).
    assert.equal(decision.session, claudeSid, `the decision names session 1: ${text(decision)}`);
    const sess = await wait(async () => (await sessions()).find((s) => s.id === claudeSid && s.ended_ms > 0));
    assert.ok(sess, `an ended session ${claudeSid}: ${text(await sessions())}`);
    assert.equal(sess.agent, 'claude-code', text(sess));
    assert.equal(sess.scope, `default/${PROJECT}`, text(sess));
    const open = await wait(async () => (await handoffs()).find((h) => h.from_session === claudeSid));
    assert.ok(open, `a handoff from session ${claudeSid}: ${text(await handoffs())}`);
    assert.equal(open.state, 'open', text(open));
    assert.equal(open.from_agent, 'claude-code', text(open));
    assert.ok(open.next_steps?.includes(NEXT_STEP), `the handoff's next steps hold "${NEXT_STEP}": ${text(open)}`);
  });

  it('a lesson is added by the CLI', async () => {
    await memex(ctx, ['lessons', 'add', '--tool', 'Bash', '--input-regex', 'rm -rf', '--severity', 'critical',
      '--rule', LESSON_RULE]);
    assert.ok(lesson(await q(['lessons', 'list', '--json'])), 'lessons list shows it');
  });

  it('session 2 (Codex) runs pf_scan, a Bash rm -rf and answers', async () => {
    s2 = await codexSession(ctx, 'codex-2', SESSION2, 'Continue where the last session stopped.');
    assertNoScriptErrors(s2.fake);
    assert.equal(s2.run.finalText, SESSION2.at(-1).text, L.describeRun(s2.run));
    assert.deepEqual(L.modelRequests(s2.fake).map((e) => e.step), [0, 1, 2]);
    codexSid = s2.run.events.find((e) => e.type === 'thread.started')?.thread_id;
    assert.ok(codexSid, `codex reports its thread id: ${s2.run.stdout.slice(0, 1000)}`);
  });

  it('the handoff reaches Codex\'s first request as a developer message', () => {
    assert.ok(s2, 'session 2 ran');
    const body = requestAt(s2.fake, 0).body;
    const where = L.locate(body, NEXT_STEP);
    assert.ok(where.length > 0, `"${NEXT_STEP}" is not in the first request Codex sent`);
    assert.match(where.join(), /input\[\d+\] message role=developer/, where.join());
    // Before the user's prompt: the model reads it as the session's starting context.
    const prompt = body.input.findIndex((it) => it.role === 'user' && text(it).includes('Continue where the last session stopped.'));
    const ctxAt = body.input.findIndex((it) => it.role === 'developer' && text(it).includes(NEXT_STEP));
    assert.ok(ctxAt >= 0 && ctxAt < prompt, `handoff at input[${ctxAt}], prompt at input[${prompt}]`);
  });

  it('pf_scan with a paraphrase returns the decision', () => {
    assert.ok(s2, 'session 2 ran');
    const body = requestAt(s2.fake, 1).body;
    const call = body.input.find((it) => it.type === 'function_call' && it.name === 'pf_scan');
    assert.ok(call, `no pf_scan call in ${text(body.input).slice(-2000)}`);
    const out = body.input.find((it) => it.type === 'function_call_output' && it.call_id === call.call_id);
    assert.ok(out, 'no pf_scan output');
    const raw = typeof out.output === 'string' ? out.output : text(out.output);
    // Codex prefixes "Wall time: ...\nOutput:\n" to the tool's text.
    let results;
    try { results = JSON.parse(raw.slice(raw.indexOf('{'))).results; } catch { assert.fail(`pf_scan output is not JSON: ${raw.slice(0, 2000)}`); }
    const hit = results.find((r) => r.metadata?.kind === 'decision' && text(r).includes(DECISION_MARKER));
    assert.ok(hit, `pf_scan "${SCAN_QUERY}" lacks the decision: ${raw.slice(0, 3000)}`);
  });

  it('the lesson fires before the rm -rf in Codex and reaches the model', async () => {
    assert.ok(s2, 'session 2 ran');
    // A developer message between the exec_command call and its output (not the briefing's
    // "Active lessons", which comes before the prompt).
    const body = requestAt(s2.fake, 2).body;
    const callAt = body.input.findIndex((it) => it.type === 'function_call' && it.name === 'exec_command' && text(it).includes('rm -rf'));
    assert.ok(callAt >= 0, 'no exec_command call');
    const at = body.input.findIndex((it, i) => i > callAt && it.role === 'developer' && text(it).includes(LESSON_MARKER));
    assert.ok(at > callAt, `the lesson is not after the rm -rf call: ${text(body.input.slice(callAt)).slice(0, 2000)}`);
    // Not on the pf_scan call.
    const b1 = requestAt(s2.fake, 1).body;
    const scanAt = b1.input.findIndex((it) => it.type === 'function_call' && it.name === 'pf_scan');
    assert.ok(!b1.input.slice(scanAt).some((it) => text(it).includes(LESSON_MARKER)), 'the lesson fired on pf_scan');
    const l = await wait(async () => { const x = lesson(await q(['lessons', 'list', '--json'])); return x?.trigger_count >= 1 && x; });
    assert.ok(l, 'the lesson\'s trigger count went up');
  });

  it('the handoff is accepted by the Codex session', async () => {
    assert.ok(codexSid, 'session 2 ran');
    const h = await wait(async () => (await handoffs()).find((x) => x.from_session === claudeSid && x.state === 'accepted'));
    assert.ok(h, `the handoff from ${claudeSid} is not accepted: ${text(await handoffs())}`);
    assert.equal(h.accepted_by_session, codexSid, text(h));
    assert.equal(h.accepted_by_agent, 'codex', text(h));
    const sess = await wait(async () => (await sessions()).find((s) => s.id === codexSid && s.ended_ms > 0));
    assert.ok(sess, `an ended codex session ${codexSid}: ${text(await sessions())}`);
    assert.equal(sess.agent, 'codex', text(sess));
    assert.equal(sess.handoff_offered, h.id, text(sess));
  });

  it('the lesson fires before the rm -rf in Claude Code and reaches the model', async () => {
    const s3 = await claudeSession(ctx, 'claude-3', LESSON_SESSION, 'Clean the scratch build.', ['Bash']);
    assertNoScriptErrors(s3.fake);
    assert.deepEqual(L.modelRequests(s3.fake).map((e) => e.step), [0, 1]);
    // A system message after the Bash tool_result ("PreToolUse:Bash hook additional context").
    const msgs = requestAt(s3.fake, 1).body.messages;
    const resAt = msgs.findIndex((m) => Array.isArray(m.content) && m.content.some((b) => b.type === 'tool_result'));
    assert.ok(resAt >= 0, 'no tool_result');
    const at = msgs.findIndex((m, i) => i > resAt && m.role === 'system' && text(m).includes(LESSON_MARKER));
    assert.ok(at > resAt, `the lesson is not after the rm -rf: ${text(msgs.slice(resAt)).slice(0, 2000)}`);
    const l = await wait(async () => { const x = lesson(await q(['lessons', 'list', '--json'])); return x?.trigger_count >= 2 && x; });
    assert.ok(l, `the lesson's trigger count is 2: ${text(lesson(await q(['lessons', 'list', '--json'])))}`);
  });

  if (mode === 'server') {
    it('every hook event reached the server: nothing is left in a client-side spool', () => {
      const spooled = [];
      const walk = (d) => {
        for (const e of fs.readdirSync(d, { withFileTypes: true })) {
          const f = path.join(d, e.name);
          if (e.isDirectory()) walk(f);
          else if (/^(hooks|draining-.*)\.jsonl$/.test(e.name) && fs.statSync(f).size > 0) spooled.push(f);
        }
      };
      for (const home of ctx.homes) walk(home);
      assert.deepEqual(spooled, []);
    });
  }
}

const lesson = (list) => items(list, 'lessons').find((l) => l.rule?.includes(LESSON_MARKER));

// ---- memex serve ---------------------------------------------------------------------------

function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

// Starts `memex serve` on 127.0.0.1:port and waits until it answers.
async function startServer(ctx, port) {
  const proc = spawn(L.memexBin(), ['--data-dir', ctx.data, 'serve', '--host', '127.0.0.1', '--port', String(port)],
    { cwd: ctx.project, env: ctx.env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  let log = '';
  proc.stdout.on('data', (d) => { log += d; });
  proc.stderr.on('data', (d) => { log += d; });
  proc.log = () => log;
  const end = Date.now() + 15000;
  for (;;) {
    if (proc.exitCode !== null) assert.fail(`memex serve exited ${proc.exitCode}: ${log}`);
    try {
      const r = await fetch(`http://127.0.0.1:${port}/health`, { signal: AbortSignal.timeout(1000) });
      if (r.status < 500) break;
    } catch { /* not up yet */ }
    if (Date.now() > end) {
      process.kill(-proc.pid, 'SIGKILL');
      assert.fail(`memex serve did not come up on ${port}: ${log}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return proc;
}

async function stopServer(proc) {
  if (proc.exitCode !== null) return;
  const exited = new Promise((r) => proc.once('exit', r));
  try { process.kill(-proc.pid, 'SIGTERM'); } catch { return; }
  const timer = setTimeout(() => { try { process.kill(-proc.pid, 'SIGKILL'); } catch { /* gone */ } }, 5000);
  await exited;
  clearTimeout(timer);
}

describe('capture end to end: Claude Code -> Codex, local data directory', { timeout: 150000 }, () => story('local'));
describe('capture end to end: Claude Code -> Codex, memex serve', { timeout: 150000 }, () => story('server'));
