// Records real hook payloads of Claude Code and Codex into src/capture/testdata/<agent>/ (the
// fixtures of the payload parser's tests). Not a test: run it by hand after a client upgrade:
//   MEMEX_BIN=build/debug/memex node tests/agents/record-fixtures.mjs [out dir]
// Each client runs scripted sessions against the fake model that fire every event it can fire
// offline (tool calls: Bash, MCP, a failing command, a denied write, a subagent; a resumed and
// a compacted session). Temp paths are replaced by /home/user/... so the files name nothing
// of the machine that recorded them. Writes one file per event (and per variant), e.g.
// PreToolUse-bash.json, PreToolUse-mcp.json, SessionStart-compact.json.
import fs from 'node:fs';
import path from 'node:path';
import * as L from './lib.mjs';

const OUT = path.resolve(process.argv[2] ?? path.join(L.HERE, '../../src/capture/testdata'));

// Replaces every temp path (and Claude's path slugs of them) by a neutral home.
function sanitize(text, t) {
  const slug = (p) => p.replace(/[^A-Za-z0-9]/g, '-');
  const pairs = [
    [path.join(t, 'claude/work'), '/home/user/project'],
    [path.join(t, 'claude/config'), '/home/user/.claude'],
    [path.join(t, 'claude/home'), '/home/user'],
    [path.join(t, 'codex/work'), '/home/user/project'],
    [path.join(t, 'codex/codex-home'), '/home/user/.codex'],
    [path.join(t, 'codex/home'), '/home/user'],
    [t, '/home/user/tmp'],
  ];
  let s = text;
  for (const [from, to] of pairs) {
    s = s.split(slug(from)).join(slug(to));
    s = s.split(from).join(to);
  }
  return s;
}

// name for a payload: Event, plus a variant suffix where one event has several shapes.
function fixtureName(client, p, seen) {
  const e = p.event;
  const x = p.payload;
  let variant = '';
  if (x.tool_name) {
    const t = x.tool_name;
    if (t === 'Bash') variant = 'bash';
    else if (t.startsWith('mcp__')) variant = 'mcp';
    else variant = t.replace(/^multi_agent_v1/, '').replace(/[^A-Za-z0-9]+/g, '-').toLowerCase();
    if (t === 'Bash' && /^exit [1-9]/.test(String(x.tool_input?.command ?? ''))) variant += '-failed';
  }
  if (e === 'SessionStart' && x.source && x.source !== 'startup') variant = x.source;
  if (e === 'UserPromptSubmit' && String(x.prompt ?? '').startsWith('<task-notification>')) variant = 'task-notification';
  if (e === 'UserPromptSubmit' && x.agent_id) variant = 'subagent';
  if (e === 'SubagentStop' && x.agent_type === '') variant = 'compaction';
  const name = variant ? `${e}-${variant}` : e;
  if (seen.has(name)) return null; // the first of each kind
  seen.add(name);
  return name;
}

function write(client, rec, t) {
  const dir = path.join(OUT, client);
  fs.mkdirSync(dir, { recursive: true });
  const seen = new Set();
  const names = [];
  for (const p of rec.payloads(client)) {
    const name = fixtureName(client, p, seen);
    if (!name) continue;
    const text = sanitize(JSON.stringify(p.payload, null, 2), t);
    fs.writeFileSync(path.join(dir, `${name}.json`), text + '\n');
    names.push(name);
  }
  return names;
}

async function claude() {
  const t = L.tempDir('memex-fixtures-');
  const rec = L.hookRecorder(t.dir);
  let phase = 1;
  const script = (ctx) => {
    if (ctx.userTexts.join('\n').includes('SUBAGENT_TASK')) return { text: 'sub done' };
    if (phase === 2) return { text: 'Summary: ran a few commands.' };
    return [
      { text: 'Running a command.', bash: 'echo hello' },
      { mcp: { server: 'memex', tool: 'pf_poke', args: { mode: 'memory', content: 'We use SQLite.', kind: 'decision' } } },
      { bash: 'exit 3' },
      { tool: 'Write', input: { file_path: path.join(t.dir, 'claude/work/notes.txt'), content: 'x' } },
      { tool: 'Agent', input: { description: 'check', prompt: 'SUBAGENT_TASK say done', subagent_type: 'general-purpose' } },
      { bash: 'cd /tmp && echo moved' },
      { text: 'Finished.' },
    ][ctx.step] ?? { text: 'Finished.' };
  };
  const fake = await L.startFake(script, t.dir);
  try {
    const srv = L.memexMcpServer({ dataDir: path.join(t.dir, 'data') });
    const h = L.claudeHome(t.dir, {
      fake, settings: { hooks: L.claudeHooks((e) => rec.command('claude-code', e)) }, mcpServers: { memex: srv },
    });
    fs.writeFileSync(path.join(h.cwd, 'CLAUDE.md'), '# Notes\n');
    fs.mkdirSync(path.join(h.cwd, '.claude/commands'), { recursive: true });
    fs.writeFileSync(path.join(h.cwd, '.claude/commands/work.md'), 'Do the work. $ARGUMENTS\n');
    const r1 = await L.runClaude(h, '/work now', { allowedTools: ['Bash', 'Agent', 'mcp__memex__pf_poke'] });
    if (r1.code !== 0 || !r1.result?.session_id) throw new Error(`claude run 1: ${L.describeRun(r1)}`);
    phase = 2;
    const r2 = await L.runClaude(h, '/compact', { extraArgs: ['--resume', r1.result.session_id] });
    if (r2.code !== 0) throw new Error(`claude run 2: ${L.describeRun(r2)}`);
    return write('claude-code', rec, t.dir);
  } finally {
    await fake.close();
    t.cleanup();
  }
}

async function codex() {
  const t = L.tempDir('memex-fixtures-');
  const rec = L.hookRecorder(t.dir);
  let phase = 1;
  const small = { input_tokens: 100 }; // below the compaction threshold
  const script = (ctx) => ({ usage: small, ...step(ctx) });
  const step = (ctx) => {
    const isSub = ctx.userTexts.join('\n').includes('SUBAGENT_TASK') && !ctx.tools.some((x) => x.endsWith('/spawn_agent'));
    if (isSub) return { text: 'sub done' };
    if (phase === 2) {
      // Reports a large usage once so that Codex compacts (model_auto_compact_token_limit).
      if (ctx.side) return { text: 'COMPACTED summary' };
      if (ctx.allText.includes('COMPACTED summary')) return { text: 'Finished.' };
      return { bash: 'echo one', usage: { input_tokens: 5000 } };
    }
    if (ctx.step === 0) return { text: 'Running a command.', bash: 'echo hello' };
    if (ctx.step === 1) return { mcp: { server: 'memex', tool: 'pf_poke', args: { mode: 'memory', content: 'We use SQLite.', kind: 'decision' } } };
    if (ctx.step === 2) return { bash: 'exit 3' };
    if (ctx.step === 3) return { tool: 'spawn_agent', namespace: 'multi_agent_v1', input: { message: 'SUBAGENT_TASK say done' } };
    if (ctx.step === 4) {
      const id = (String(ctx.lastToolResult).match(/"agent_id"\s*:\s*"([^"]+)"/) ?? [])[1] ?? 'unknown';
      return { tool: 'wait_agent', namespace: 'multi_agent_v1', input: { targets: [id], timeout_ms: 10000 } };
    }
    return { text: 'Finished.' };
  };
  const fake = await L.startFake(script, t.dir);
  try {
    const srv = L.memexMcpServer({ dataDir: path.join(t.dir, 'data') });
    const hooks = L.codexHooks((e) => rec.command('codex', e));
    const h = L.codexHome(t.dir, { fake, hooks, mcpServers: { memex: srv }, extra: 'model_auto_compact_token_limit = 2000' });
    const r1 = await L.runCodex(h, 'Do the work now');
    if (r1.code !== 0) throw new Error(`codex run 1: ${L.describeRun(r1)}`);
    phase = 2;
    const r2 = await L.runCodex(h, 'Do more work');
    if (r2.code !== 0) throw new Error(`codex run 2: ${L.describeRun(r2)}`);
    return write('codex', rec, t.dir);
  } finally {
    await fake.close();
    t.cleanup();
  }
}

console.log('claude-code:', (await claude()).join(' '));
console.log('codex:', (await codex()).join(' '));
console.log(`written under ${OUT}`);
