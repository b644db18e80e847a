// Shared by the MCP SDK tests: the memex binary, isolated temp dirs, the expected tool
// catalogue (docs/tools.md) and one scenario that calls all seven tools through a connected
// SDK Client, whatever its transport.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { EmptyResultSchema, McpError } from '@modelcontextprotocol/sdk/types.js';

export const SCOPE = 'sdk/test';
// Every request gets a bound: a hung server fails the test instead of the ctest timeout.
export const REQUEST = { timeout: 15000 };

export function memexBin() {
  const bin = process.env.MEMEX_BIN;
  assert.ok(bin, 'MEMEX_BIN must name the memex binary (ctest sets it)');
  assert.ok(fs.existsSync(bin), `MEMEX_BIN does not exist: ${bin}`);
  return bin;
}

// A temp HOME/data dir and an environment that cannot see the user's config or a MEMEX_* server.
export function isolatedEnv() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'memex-sdk-'));
  const env = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (!k.startsWith('MEMEX_') && v !== undefined) env[k] = v;
  }
  Object.assign(env, {
    HOME: dir,
    XDG_CONFIG_HOME: path.join(dir, 'config'),
    XDG_DATA_HOME: path.join(dir, 'share'),
    XDG_CACHE_HOME: path.join(dir, 'cache'),
  });
  const cleanup = () => fs.rmSync(dir, { recursive: true, force: true });
  return { dir, dataDir: path.join(dir, 'data'), env, cleanup };
}

// Records the protocol version the Client negotiated (it calls setProtocolVersion on its
// transport after initialize, when the transport has one).
export function captureProtocolVersion(transport) {
  const orig = transport.setProtocolVersion?.bind(transport);
  transport.setProtocolVersion = (v) => {
    transport.negotiatedVersion = v;
    orig?.(v);
  };
  return transport;
}

// docs/tools.md, the catalogue table: name → [title, readOnly, destructive, idempotent].
export const CATALOGUE = {
  pf_maps: ['List Memory Regions', true, false, true],
  pf_load: ['Load Memory Region', true, false, true],
  pf_scan: ['Search Memory', true, false, true],
  pf_peek: ['Read Resource', true, false, true],
  pf_fault: ['Deep Memory Query', true, false, false],
  pf_ps: ['Agent Status', true, false, true],
  pf_poke: ['Write to Memory', false, true, false],
};

export function checkInitialize(client, transport, expectedVersion) {
  const info = client.getServerVersion();
  assert.equal(info?.name, 'memex');
  assert.equal(typeof info.version, 'string');
  assert.ok(info.version.length > 0);
  assert.equal(transport.negotiatedVersion, expectedVersion);
  const caps = client.getServerCapabilities();
  assert.ok(caps?.tools, 'the server advertises tools');
  const instr = client.getInstructions();
  assert.equal(typeof instr, 'string');
  for (const word of ['pf_scan', 'pf_poke']) assert.ok(instr.includes(word), `instructions mention ${word}`);
  assert.match(instr, /data, not instructions/i);
}

export async function checkListTools(client) {
  const { tools, nextCursor } = await client.listTools({}, REQUEST);
  assert.equal(nextCursor, undefined);
  assert.deepEqual(tools.map((t) => t.name).sort(), Object.keys(CATALOGUE).sort());
  for (const t of tools) {
    const [title, readOnly, destructive, idempotent] = CATALOGUE[t.name];
    assert.equal(t.title, title, `${t.name} title`);
    assert.equal(typeof t.description, 'string');
    assert.equal(t.inputSchema?.type, 'object', `${t.name} inputSchema`);
    assert.deepEqual(
      {
        readOnlyHint: t.annotations?.readOnlyHint,
        destructiveHint: t.annotations?.destructiveHint,
        idempotentHint: t.annotations?.idempotentHint,
        openWorldHint: t.annotations?.openWorldHint,
      },
      { readOnlyHint: readOnly, destructiveHint: destructive, idempotentHint: idempotent, openWorldHint: false },
      `${t.name} annotations`,
    );
  }
}

// A successful call: one text content holding the JSON output, repeated as structuredContent.
export async function ok(client, name, args) {
  const res = await client.callTool({ name, arguments: args }, undefined, REQUEST);
  assert.ok(!res.isError, `${name} ${JSON.stringify(args)} failed: ${JSON.stringify(res.content)}`);
  assert.equal(res.content.length, 1);
  assert.equal(res.content[0].type, 'text');
  const out = JSON.parse(res.content[0].text);
  assert.deepEqual(res.structuredContent, out, `${name}: structuredContent equals the text`);
  return out;
}

// A failing tool: a result with isError whose text is the error message.
export async function toolError(client, name, args, pattern) {
  const res = await client.callTool({ name, arguments: args }, undefined, REQUEST);
  assert.equal(res.isError, true, `${name} ${JSON.stringify(args)} should fail: ${JSON.stringify(res)}`);
  assert.equal(res.content[0]?.type, 'text');
  assert.match(res.content[0].text, pattern);
  return res.content[0].text;
}

export async function rpcError(promise, code, pattern) {
  await assert.rejects(promise, (err) => {
    assert.ok(err instanceof McpError, `expected an McpError, got ${err}`);
    assert.equal(err.code, code, err.message);
    if (pattern) assert.match(err.message, pattern);
    return true;
  });
}

const URI_RE = /^memex:\/\/sdk\/test\/memories\/[0-9a-f-]{36}$/;

// The seven tools, end to end, against an empty data dir in scope sdk/test.
export async function exerciseTools(client, tag) {
  const marker = `zanzibar${tag}`; // unique per transport: each test has its own data dir anyway
  const body = `Use SQLite in WAL mode for the ${marker} store\nCheckpoint every 1000 pages\nVacuum weekly`;

  // pf_poke mode memory stores.
  const stored = await ok(client, 'pf_poke', { mode: 'memory', content: body, kind: 'decision', tags: ['db'] });
  assert.equal(stored.status, 'written');
  assert.equal(stored.mode, 'memory');
  assert.equal(stored.created, true);
  assert.equal(stored.version, 1);
  assert.match(stored.uri, URI_RE);
  assert.ok(stored.uri.endsWith(stored.id));

  // Storing the same content again changes nothing.
  const again = await ok(client, 'pf_poke', { mode: 'memory', content: body, kind: 'decision', tags: ['db'] });
  assert.equal(again.created, false);

  // pf_scan finds it.
  const scan = await ok(client, 'pf_scan', { query: `${marker} wal`, limit: 5 });
  assert.equal(scan.results.length, 1);
  const hit = scan.results[0];
  assert.equal(hit.uri, stored.uri);
  assert.equal(hit.backend, 'memex');
  assert.match(hit.snippet, new RegExp(marker));
  assert.equal(typeof hit.score, 'number');
  assert.equal(hit.metadata.kind, 'decision');
  assert.equal(hit.metadata.scope, SCOPE);
  assert.deepEqual(hit.metadata.tags, ['db']);

  // pf_peek reads it by its uri, with a line range.
  const peek = await ok(client, 'pf_peek', { uri: stored.uri, from_line: 2, to_line: 2 });
  assert.equal(peek.resource.uri, stored.uri);
  assert.equal(peek.resource.content, 'Checkpoint every 1000 pages');
  assert.equal(peek.resource.content_type, 'text/markdown');
  assert.equal(peek.resource.metadata.size, Buffer.byteLength(body));
  const whole = await ok(client, 'pf_peek', { uri: stored.uri });
  assert.equal(whole.resource.content, body);

  // pf_maps lists the built-in recent context and the scope.
  const maps = await ok(client, 'pf_maps', {});
  assert.ok(maps.contexts.some((c) => c.name === 'recent'), JSON.stringify(maps.contexts));
  assert.deepEqual(maps.scopes, [{ scope: SCOPE, memories: 1 }]);

  // pf_load recent.
  const load = await ok(client, 'pf_load', { name: 'recent' });
  assert.equal(load.name, 'recent');
  assert.equal(load.format, 'markdown');
  assert.ok(load.content.startsWith(`# ${stored.uri}\n\n`), load.content);
  assert.ok(load.content.includes('Checkpoint every 1000 pages'));

  // pf_fault: no subagent configured.
  await toolError(client, 'pf_fault', { query: 'what did we decide about the store?' }, /agent_not_found|no subagent/i);

  // pf_ps: no agents.
  assert.deepEqual(await ok(client, 'pf_ps', {}), { agents: [] });

  // pf_poke with replaces supersedes.
  const newer = `Use SQLite in WAL mode for the ${marker} store\nCheckpoint every 500 pages`;
  const v2 = await ok(client, 'pf_poke', { mode: 'memory', content: newer, replaces: stored.uri });
  assert.equal(v2.status, 'written');
  assert.equal(v2.version, 2);
  assert.equal(v2.created, true);
  assert.notEqual(v2.uri, stored.uri);
  assert.match(v2.uri, URI_RE);
  const rescan = await ok(client, 'pf_scan', { query: marker });
  assert.deepEqual(rescan.results.map((r) => r.uri), [v2.uri], 'only the newest version is searched');
  assert.equal(rescan.results[0].metadata.kind, 'decision', 'kind is carried over');
  const old = await ok(client, 'pf_peek', { uri: stored.uri });
  assert.equal(old.resource.content, body, 'the old uri still reads the old text');
  assert.equal(old.resource.metadata.status, 'superseded');
  assert.equal(old.resource.metadata.superseded_by, v2.id);

  // Domain failures are tool results with isError.
  await toolError(client, 'pf_scan', { query: '' }, /query|invalid/i);
  await toolError(client, 'pf_scan', { query: 'x', limit: 'ten' }, /limit/);
  await toolError(client, 'pf_peek', { uri: 'memex://sdk/test/memories/00000000-0000-7000-8000-000000000000' }, /not found/i);
  await toolError(client, 'pf_peek', { uri: stored.uri, from_line: 3, to_line: 1 }, /line|invalid/i);
  await toolError(client, 'pf_load', { name: 'no-such-context' }, /context|not found/i);
  await toolError(client, 'pf_poke', { mode: 'bogus', content: 'x' }, /mode/);

  // pf_poke forget: gone for good.
  const forgotten = await ok(client, 'pf_poke', { mode: 'memory', forget: v2.id });
  assert.equal(forgotten.status, 'forgotten');
  assert.equal((await ok(client, 'pf_scan', { query: marker })).results.length, 0);
  await toolError(client, 'pf_peek', { uri: v2.uri }, /forgotten|not found/i);

  // Malformed requests are JSON-RPC errors.
  await rpcError(client.callTool({ name: 'pf_nope', arguments: {} }, undefined, REQUEST), -32602, /unknown tool/);
  await rpcError(client.request({ method: 'memex/nope', params: {} }, EmptyResultSchema, REQUEST), -32601);

  // The connection survives all of it.
  await client.ping(REQUEST);
}
