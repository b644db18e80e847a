// The facts the capture design relies on (README.md), checked against the real Claude Code
// 2.1.330 and Codex 0.169.0 driven by the scripted fake model, with trivial hooks (a script
// that records its stdin and prints a fixed output) and `memex mcp` as the MCP server:
// which hook outputs reach the model (asserted on the request bodies the fake receives), the
// payload shapes memex parses, and the _meta that joins an MCP call to its hook events.
// Run: tests/agents/run probe.test.mjs (MEMEX_BIN names the memex binary).
import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import * as L from './lib.mjs';

const RUN_BUDGET_MS = 30000; // a run takes 1-3 s; anything near this is a hang
const SCRIPT = [
  { text: 'Running a command.', bash: 'echo probe-bash-output' },
  { mcp: { server: 'memex', tool: 'pf_scan', args: { query: 'probe' } } },
  { text: 'PROBE_FINAL_ANSWER' },
];
const ALLOWED = ['Bash', 'mcp__memex__pf_scan'];

const ctx = (event, additionalContext) => ({ hookSpecificOutput: { hookEventName: event, additionalContext } });

// Markers, unique per process so that nothing but this run's hooks can produce them.
const tag = Math.random().toString(36).slice(2, 8).toUpperCase();
const M = (name) => `${name}_${tag}`;

// The first model request holding the marker, or undefined; where: locate()'s list.
function seen(fake, marker) {
  return L.findMarker(fake, marker)[0];
}

function assertNeverSeen(fake, marker, what) {
  assert.deepEqual(L.findMarker(fake, marker), [], `${what} must not reach the model`);
}

// One session of `client` with the given hook outputs: {fake, rec, run, payloads, mcp}.
async function session(client, t, name, outputs) {
  const dir = path.join(t.dir, name);
  const rec = L.hookRecorder(dir);
  for (const [key, out] of Object.entries(outputs)) {
    const [event, tool] = key.split('@');
    rec.setOutput(client, event, out, tool);
  }
  const fake = await L.startFake(SCRIPT, dir);
  const mcpLogFile = path.join(dir, 'mcp-in.jsonl');
  const memex = L.memexMcpServer({ dataDir: path.join(dir, 'data'), scope: 'agents/probe', logFile: mcpLogFile });
  let run;
  try {
    if (client === 'claude-code') {
      const h = L.claudeHome(dir, {
        fake, settings: { hooks: L.claudeHooks((e) => rec.command(client, e)) }, mcpServers: { memex },
      });
      run = await L.runClaude(h, 'Run the probe', { allowedTools: ALLOWED, timeoutMs: RUN_BUDGET_MS });
      assert.equal(run.code, 0, L.describeRun(run));
      assert.equal(run.result?.result, 'PROBE_FINAL_ANSWER', L.describeRun(run));
    } else {
      const h = L.codexHome(dir, { fake, hooks: L.codexHooks((e) => rec.command(client, e)), mcpServers: { memex } });
      run = await L.runCodex(h, 'Run the probe', { timeoutMs: RUN_BUDGET_MS });
      assert.equal(run.code, 0, L.describeRun(run));
      assert.equal(run.finalText, 'PROBE_FINAL_ANSWER', L.describeRun(run));
    }
  } finally {
    await fake.close();
  }
  assert.deepEqual(fake.recorded().filter((e) => e.scriptError), []);
  // Three model turns: the Bash call, the MCP call, the answer (no side requests offline).
  assert.deepEqual(L.modelRequests(fake).map((e) => e.step), [0, 1, 2]);
  const payloads = rec.payloads(client);
  return { fake, run, payloads, mcp: L.mcpLog(mcpLogFile) };
}

const byEvent = (payloads, event, tool) =>
  payloads.filter((p) => p.event === event && (!tool || p.payload.tool_name === tool)).map((p) => p.payload);

describe('Claude Code 2.1.330 with hooks and memex mcp', { timeout: 120000 }, () => {
  let t;
  before(() => { t = L.tempDir('memex-agents-probe-'); });
  after(() => t?.cleanup());

  let a; // plain SessionStart stdout; additionalContext elsewhere
  it('runs a session: Bash and an MCP tool call through the fake model', async () => {
    a = await session('claude-code', t, 'claude-a', {
      SessionStart: `${M('SS_PLAIN')} plain stdout\n`,
      UserPromptSubmit: ctx('UserPromptSubmit', M('UPS_CTX')),
      'PreToolUse@Bash': {
        systemMessage: M('PTU_SYSMSG'),
        hookSpecificOutput: {
          hookEventName: 'PreToolUse', permissionDecision: 'allow',
          permissionDecisionReason: M('PTU_REASON'), additionalContext: M('PTU_BASH_CTX'),
        },
      },
      'PreToolUse@mcp__memex__pf_scan': ctx('PreToolUse', M('PTU_MCP_CTX')),
      'PostToolUse@Bash': ctx('PostToolUse', M('POST_CTX')),
    });
    assert.ok(a.run.ms < RUN_BUDGET_MS);
  });

  it('SessionStart plain stdout and UserPromptSubmit additionalContext reach the first request', () => {
    // Both inside a role "system" message of `messages` (not the top-level system prompt).
    for (const m of [M('SS_PLAIN'), M('UPS_CTX')]) {
      const s = seen(a.fake, m);
      assert.ok(s, `${m} reaches the model`);
      assert.equal(s.step, 0);
      assert.match(s.where.join(), /messages\[\d+\] role=system/);
    }
  });

  it('PreToolUse additionalContext reaches the model (Bash and MCP); systemMessage and the allow reason do not', () => {
    const bash = seen(a.fake, M('PTU_BASH_CTX'));
    assert.ok(bash, 'PreToolUse additionalContext for Bash reaches the model');
    assert.equal(bash.step, 1); // the request after the tool ran
    assert.match(bash.where.join(), /messages\[\d+\] role=system/);
    const mcp = seen(a.fake, M('PTU_MCP_CTX'));
    assert.ok(mcp, 'PreToolUse additionalContext for an MCP tool reaches the model');
    assert.equal(mcp.step, 2);
    assertNeverSeen(a.fake, M('PTU_SYSMSG'), 'PreToolUse systemMessage');
    assertNeverSeen(a.fake, M('PTU_REASON'), 'permissionDecisionReason with allow');
    assert.ok(seen(a.fake, M('POST_CTX')), 'PostToolUse additionalContext reaches the model');
  });

  it('fires the events with the payload shapes memex parses', () => {
    const events = a.payloads.map((p) => p.event);
    for (const e of ['SessionStart', 'UserPromptSubmit', 'PreToolUse', 'PostToolUse', 'Stop', 'SessionEnd']) {
      assert.ok(events.includes(e), `${e} fired (got ${events.join(',')})`);
    }
    const [ss] = byEvent(a.payloads, 'SessionStart');
    assert.equal(ss.source, 'startup');
    const sid = ss.session_id;
    for (const p of a.payloads) assert.equal(p.payload.session_id, sid, `${p.event} session_id`);
    const [preBash] = byEvent(a.payloads, 'PreToolUse', 'Bash');
    assert.deepEqual(preBash.tool_input.command, 'echo probe-bash-output');
    const [postBash] = byEvent(a.payloads, 'PostToolUse', 'Bash');
    // Bash: tool_response is an object {stdout, stderr, interrupted, ...}.
    assert.equal(typeof postBash.tool_response, 'object');
    assert.equal(postBash.tool_response.stdout, 'probe-bash-output');
    assert.equal(postBash.tool_use_id, preBash.tool_use_id);
    const [preMcp] = byEvent(a.payloads, 'PreToolUse', 'mcp__memex__pf_scan');
    assert.deepEqual(preMcp.mcp_server?.name, 'memex');
    const [postMcp] = byEvent(a.payloads, 'PostToolUse', 'mcp__memex__pf_scan');
    // MCP: tool_response is a string (the tool's text content).
    assert.equal(typeof postMcp.tool_response, 'string');
    assert.ok(JSON.parse(postMcp.tool_response).results, 'the pf_scan result text');
    const [stop] = byEvent(a.payloads, 'Stop');
    assert.equal(stop.last_assistant_message, 'PROBE_FINAL_ANSWER');
    const [end] = byEvent(a.payloads, 'SessionEnd');
    assert.equal(typeof end.reason, 'string');
    assert.match(a.payloads[0].env, /CLAUDE_PROJECT_DIR=/);
  });

  it('tools/call carries _meta["claudecode/toolUseId"] = the hook tool_use_id', () => {
    const [preMcp] = byEvent(a.payloads, 'PreToolUse', 'mcp__memex__pf_scan');
    const calls = a.mcp.filter((m) => m.method === 'tools/call');
    assert.equal(calls.length, 1);
    assert.equal(calls[0].params.name, 'pf_scan');
    assert.equal(calls[0].params._meta?.['claudecode/toolUseId'], preMcp.tool_use_id);
    assert.equal(a.mcp[0].method, 'server/discover', 'the discovery probe comes first');
  });

  it('SessionStart additionalContext reaches the model; systemMessage and PreToolUse plain stdout do not', async () => {
    const b = await session('claude-code', t, 'claude-b', {
      SessionStart: { systemMessage: M('SS_SYSMSG'), ...ctx('SessionStart', M('SS_CTX')) },
      UserPromptSubmit: { systemMessage: M('UPS_SYSMSG') },
      PreToolUse: `${M('PTU_PLAIN')} plain stdout\n`,
    });
    const s = seen(b.fake, M('SS_CTX'));
    assert.ok(s, 'SessionStart additionalContext reaches the model');
    assert.equal(s.step, 0);
    assertNeverSeen(b.fake, M('SS_SYSMSG'), 'SessionStart systemMessage');
    assertNeverSeen(b.fake, M('UPS_SYSMSG'), 'UserPromptSubmit systemMessage');
    assertNeverSeen(b.fake, M('PTU_PLAIN'), 'PreToolUse plain stdout');
  });
});

describe('Codex 0.169.0 with hooks and memex mcp', { timeout: 120000 }, () => {
  let t;
  before(() => { t = L.tempDir('memex-agents-probe-'); });
  after(() => t?.cleanup());

  let a;
  it('runs a session: Bash and an MCP tool call through the fake model', async () => {
    a = await session('codex', t, 'codex-a', {
      SessionStart: `${M('SS_PLAIN')} plain stdout\n`,
      UserPromptSubmit: ctx('UserPromptSubmit', M('UPS_CTX')),
      'PreToolUse@Bash': { systemMessage: M('PTU_SYSMSG'), ...ctx('PreToolUse', M('PTU_BASH_CTX')) },
      'PreToolUse@mcp__memex__pf_scan': ctx('PreToolUse', M('PTU_MCP_CTX')),
      'PostToolUse@Bash': ctx('PostToolUse', M('POST_CTX')),
    });
    assert.ok(a.run.ms < RUN_BUDGET_MS);
  });

  it('SessionStart plain stdout and UserPromptSubmit additionalContext reach the first request as developer messages', () => {
    for (const m of [M('SS_PLAIN'), M('UPS_CTX')]) {
      const s = seen(a.fake, m);
      assert.ok(s, `${m} reaches the model`);
      assert.equal(s.step, 0);
      assert.match(s.where.join(), /input\[\d+\] message role=developer/);
    }
  });

  it('PreToolUse additionalContext (without permissionDecision) reaches the model; systemMessage does not', () => {
    const bash = seen(a.fake, M('PTU_BASH_CTX'));
    assert.ok(bash, 'PreToolUse additionalContext for Bash reaches the model');
    assert.equal(bash.step, 1);
    assert.match(bash.where.join(), /role=developer/);
    const mcp = seen(a.fake, M('PTU_MCP_CTX'));
    assert.ok(mcp, 'PreToolUse additionalContext for an MCP tool reaches the model');
    assert.equal(mcp.step, 2);
    assertNeverSeen(a.fake, M('PTU_SYSMSG'), 'PreToolUse systemMessage');
    assert.ok(seen(a.fake, M('POST_CTX')), 'PostToolUse additionalContext reaches the model');
  });

  it('fires the events with the payload shapes memex parses', () => {
    const events = a.payloads.map((p) => p.event);
    for (const e of ['SessionStart', 'UserPromptSubmit', 'PreToolUse', 'PostToolUse', 'Stop', 'SessionEnd']) {
      assert.ok(events.includes(e), `${e} fired (got ${events.join(',')})`);
    }
    const [ss] = byEvent(a.payloads, 'SessionStart');
    assert.equal(ss.source, 'startup');
    assert.equal(ss.model, 'fake-model');
    for (const p of a.payloads) assert.equal(p.payload.session_id, ss.session_id, `${p.event} session_id`);
    const [preBash] = byEvent(a.payloads, 'PreToolUse', 'Bash');
    assert.equal(preBash.tool_input.command, 'echo probe-bash-output');
    assert.equal(typeof preBash.turn_id, 'string');
    const [postBash] = byEvent(a.payloads, 'PostToolUse', 'Bash');
    // Bash: tool_response is the output as a string.
    assert.equal(postBash.tool_response, 'probe-bash-output\n');
    assert.equal(postBash.tool_use_id, preBash.tool_use_id);
    const [preMcp] = byEvent(a.payloads, 'PreToolUse', 'mcp__memex__pf_scan');
    assert.deepEqual(preMcp.tool_input, { query: 'probe' });
    const [postMcp] = byEvent(a.payloads, 'PostToolUse', 'mcp__memex__pf_scan');
    // MCP: tool_response is the CallToolResult object.
    assert.ok(Array.isArray(postMcp.tool_response.content));
    assert.ok(postMcp.tool_response.structuredContent.results);
    const [stop] = byEvent(a.payloads, 'Stop');
    assert.equal(stop.last_assistant_message, 'PROBE_FINAL_ANSWER');
  });

  it('tools/call carries _meta.callId = the hook tool_use_id (no claudecode/toolUseId)', () => {
    const [preMcp] = byEvent(a.payloads, 'PreToolUse', 'mcp__memex__pf_scan');
    const calls = a.mcp.filter((m) => m.method === 'tools/call');
    assert.equal(calls.length, 1);
    const meta = calls[0].params._meta ?? {};
    assert.equal(meta.callId, preMcp.tool_use_id);
    assert.equal(meta['claudecode/toolUseId'], undefined);
    assert.equal(meta['x-codex-turn-metadata']?.session_id, preMcp.session_id);
    assert.equal(meta['x-codex-turn-metadata']?.turn_id, preMcp.turn_id);
  });

  it('SessionStart additionalContext reaches the model; PreToolUse permissionDecision "allow" voids the whole output', async () => {
    const b = await session('codex', t, 'codex-b', {
      SessionStart: { systemMessage: M('SS_SYSMSG'), ...ctx('SessionStart', M('SS_CTX')) },
      PreToolUse: {
        hookSpecificOutput: {
          hookEventName: 'PreToolUse', permissionDecision: 'allow',
          permissionDecisionReason: M('PTU_REASON'), additionalContext: M('PTU_ALLOW_CTX'),
        },
      },
      PostToolUse: `${M('POST_PLAIN')} plain stdout\n`,
    });
    const s = seen(b.fake, M('SS_CTX'));
    assert.ok(s, 'SessionStart additionalContext reaches the model');
    assert.match(s.where.join(), /role=developer/);
    assertNeverSeen(b.fake, M('SS_SYSMSG'), 'SessionStart systemMessage');
    // Codex: "PreToolUse hook returned unsupported permissionDecision:allow"; the output is dropped.
    assertNeverSeen(b.fake, M('PTU_ALLOW_CTX'), 'additionalContext next to permissionDecision allow');
    assertNeverSeen(b.fake, M('PTU_REASON'), 'permissionDecisionReason with allow');
    assertNeverSeen(b.fake, M('POST_PLAIN'), 'PostToolUse plain stdout');
  });
});
