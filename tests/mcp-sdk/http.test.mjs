// The official MCP SDK client against `memex serve`: streamable HTTP (/mcp) and legacy SSE
// (/sse + /message), issue 3 "Tests". Each transport gets its own server and data dir. The server
// runs with `[auth] mode = "bearer"` (docs/auth.md): every client sends a token from
// `memex token create`, and the tests check that no token, a read-only token and a token of
// another workspace get what docs/auth.md promises.
// Run: MEMEX_BIN=build/memex node --test tests/mcp-sdk/http.test.mjs (ctest: mcp_sdk.http).
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { SSEClientTransport } from '@modelcontextprotocol/sdk/client/sse.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { LATEST_PROTOCOL_VERSION } from '@modelcontextprotocol/sdk/types.js';
import {
  REQUEST, SCOPE, captureProtocolVersion, checkInitialize, checkListTools, exerciseTools, isolatedEnv, memexBin, ok,
  toolError,
} from './lib.mjs';

const TIMEOUT = 60000;
const START_TIMEOUT_MS = 15000;
const STOP_TIMEOUT_MS = 10000;
// Bound on a connection attempt the server must refuse (the SSE transport's start() has no
// request timeout of its own).
const REFUSE_TIMEOUT_MS = 10000;

// The tokens every server gets: name → [role, scope pattern]. SCOPE is sdk/test.
const TOKENS = {
  writer: ['write', 'sdk/*'],
  reader: ['read', 'sdk/*'],
  outsider: ['write', 'other/*'],
};

function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

function canConnect(port) {
  return new Promise((resolve) => {
    const sock = net.connect({ host: '127.0.0.1', port });
    sock.setTimeout(1000);
    sock.once('connect', () => { sock.destroy(); resolve(true); });
    sock.once('error', () => resolve(false));
    sock.once('timeout', () => { sock.destroy(); resolve(false); });
  });
}

// `memex token create` against the data dir (the CLI acts as the local admin there); the token
// is the one line it prints on stdout.
function createToken(iso, config, name, role, scope) {
  const out = execFileSync(memexBin(), [
    '--data-dir', iso.dataDir, '--config', config, 'token', 'create', '--name', name, '--role', role, '--scope', scope,
  ], { env: iso.env, cwd: iso.dir, encoding: 'utf8', timeout: 15000, stdio: ['ignore', 'pipe', 'pipe'] });
  const token = out.trim();
  assert.match(token, /^mx_[A-Za-z0-9_-]{43}$/, `token create printed ${JSON.stringify(out)}`);
  return token;
}

// Starts `memex serve --config <bearer config>` on a free loopback port, with the TOKENS created
// first; resolves once it accepts connections.
async function startServer() {
  const iso = isolatedEnv();
  const config = path.join(iso.dir, 'memex.toml');
  fs.writeFileSync(config, '[auth]\nmode = "bearer"\n');
  const tokens = {};
  for (const [name, [role, scope]] of Object.entries(TOKENS)) tokens[name] = createToken(iso, config, name, role, scope);
  const port = await freePort();
  const args = ['--data-dir', iso.dataDir, '--config', config, '--scope', SCOPE, 'serve', '--port', String(port)];
  const proc = spawn(memexBin(), args, { env: iso.env, cwd: iso.dir, stdio: ['ignore', 'pipe', 'pipe'] });
  const server = { iso, port, proc, tokens, output: '', exit: null };
  proc.stdout.on('data', (d) => { server.output += d; });
  proc.stderr.on('data', (d) => { server.output += d; });
  server.exited = new Promise((resolve) => {
    proc.once('exit', (code, signal) => { server.exit = { code, signal }; resolve(server.exit); });
  });
  const deadline = Date.now() + START_TIMEOUT_MS;
  for (;;) {
    if (server.exit) assert.fail(`memex serve exited early (${JSON.stringify(server.exit)}):\n${server.output}`);
    if (await canConnect(port)) return server;
    if (Date.now() > deadline) {
      proc.kill('SIGKILL');
      assert.fail(`memex serve did not listen on ${port} within ${START_TIMEOUT_MS} ms:\n${server.output}`);
    }
    await sleep(50);
  }
}

// SIGTERM, then SIGKILL if the graceful shutdown takes too long. Resolves to the exit status.
async function stopServer(server) {
  if (!server) return null;
  if (!server.exit) {
    server.proc.kill('SIGTERM');
    const done = await Promise.race([server.exited, sleep(STOP_TIMEOUT_MS, null, { ref: false })]);
    if (!done) {
      server.proc.kill('SIGKILL');
      await server.exited;
      server.iso.cleanup();
      return { killed: true, ...server.exit };
    }
  }
  server.iso.cleanup();
  return server.exit;
}

// Request options carrying `token` (none when it is undefined). In SDK 1.x both transports merge
// requestInit.headers into every request they make: the streamable-HTTP POSTs, GET and DELETE,
// and for SSE the POSTs to /message *and* the EventSource GET of /sse (SSEClientTransport's
// _commonHeaders feeds its EventSource fetch), so no eventSourceInit.fetch is needed — and a
// hand-written one that spreads `init.headers` would drop them, as they arrive as a Headers.
function auth(token) {
  return token === undefined ? {} : { requestInit: { headers: { Authorization: `Bearer ${token}` } } };
}

const transports = {
  'streamable HTTP (/mcp)': (port, token) =>
    new StreamableHTTPClientTransport(new URL(`http://127.0.0.1:${port}/mcp`), auth(token)),
  'legacy SSE (/sse)': (port, token) => new SSEClientTransport(new URL(`http://127.0.0.1:${port}/sse`), auth(token)),
};

// `promise`, or a rejection after `ms`.
async function bounded(promise, ms, what) {
  let timer;
  const expired = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: no answer within ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([promise, expired]);
  } finally {
    clearTimeout(timer);
  }
}

// Where the session of a connected transport posts its messages, with its session header.
function sessionTarget(transport, port) {
  if (transport instanceof StreamableHTTPClientTransport) {
    return { url: `http://127.0.0.1:${port}/mcp`, headers: { 'Mcp-Session-Id': transport.sessionId } };
  }
  assert.ok(transport._endpoint, 'the SSE transport received its endpoint'); // private, like stdio's _process
  return { url: transport._endpoint.href, headers: {} };
}

for (const [label, makeTransport] of Object.entries(transports)) {
  describe(`memex serve, ${label}`, { timeout: 120000 }, () => {
    let server;
    let transport;
    let client;
    const tag = label.startsWith('legacy') ? 'sse' : 'http';

    // A second client of the same transport, authenticated with `token`; closed by `use`.
    async function withClient(token, use) {
      const t = captureProtocolVersion(makeTransport(server.port, token));
      const c = new Client({ name: 'memex-sdk-test-extra', version: '0.0.0' });
      await c.connect(t, REQUEST);
      try {
        return await use(c, t);
      } finally {
        await c.close();
      }
    }

    // Connecting with `token` (undefined: none) must fail with the server's 401.
    async function refused(token) {
      const t = makeTransport(server.port, token);
      const c = new Client({ name: 'memex-sdk-test-refused', version: '0.0.0' });
      try {
        await assert.rejects(bounded(c.connect(t, REQUEST), REFUSE_TIMEOUT_MS, 'connect'), (err) => {
          // StreamableHTTPError (POST /mcp) or SseError (GET /sse), both with the HTTP status.
          assert.equal(err.code, 401, `expected a 401, got ${err}`);
          return true;
        });
      } finally {
        await c.close().catch(() => {});
      }
    }

    before(async () => {
      server = await startServer();
      transport = captureProtocolVersion(makeTransport(server.port, server.tokens.writer));
      client = new Client({ name: 'memex-sdk-test', version: '0.0.0' });
      await client.connect(transport, REQUEST);
    }, { timeout: TIMEOUT });

    after(async () => {
      await client?.close();
      const exit = await stopServer(server);
      if (exit && (exit.code !== 0 || exit.killed)) console.error(`memex serve output:\n${server.output}`);
    }, { timeout: TIMEOUT });

    it('initializes: server info, protocol version, instructions', { timeout: TIMEOUT }, () => {
      checkInitialize(client, transport, LATEST_PROTOCOL_VERSION);
      if (transport instanceof StreamableHTTPClientTransport) {
        assert.equal(typeof transport.sessionId, 'string', 'the server assigns an Mcp-Session-Id');
        assert.ok(transport.sessionId.length > 0);
      }
    });

    it('lists the seven tools with titles and annotations', { timeout: TIMEOUT }, async () => {
      await checkListTools(client);
    });

    it('calls all seven tools', { timeout: TIMEOUT }, async () => {
      await exerciseTools(client, tag);
    });

    it('refuses to connect without a valid bearer token (401)', { timeout: TIMEOUT }, async () => {
      await refused(undefined);
      await refused('mx_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA'); // well-formed, unknown
      await refused(`${server.tokens.writer}x`);
      // /health stays public.
      const health = await fetch(`http://127.0.0.1:${server.port}/health`, { signal: AbortSignal.timeout(REQUEST.timeout) });
      assert.equal(health.status, 200);
    });

    it('a session belongs to the principal that opened it', { timeout: TIMEOUT }, async () => {
      const { url, headers } = sessionTarget(transport, server.port);
      const post = (token) => fetch(url, {
        method: 'POST',
        headers: {
          ...headers,
          Authorization: `Bearer ${token}`,
          'Content-Type': 'application/json',
          Accept: 'application/json, text/event-stream',
        },
        body: JSON.stringify({ jsonrpc: '2.0', id: 'intruder', method: 'ping' }),
        signal: AbortSignal.timeout(REQUEST.timeout),
      });
      // Another principal's request on this session is answered as for an unknown session.
      for (const who of ['reader', 'outsider']) {
        const res = await post(server.tokens[who]);
        await res.body?.cancel();
        assert.equal(res.status, 404, `${who} on the writer's session`);
      }
      // No token at all: 401 before the session is even looked up.
      const anon = await fetch(url, {
        method: 'POST', headers: { ...headers, 'Content-Type': 'application/json' },
        body: JSON.stringify({ jsonrpc: '2.0', id: 'anon', method: 'ping' }), signal: AbortSignal.timeout(REQUEST.timeout),
      });
      await anon.body?.cancel();
      assert.equal(anon.status, 401);
      // The owner's session is untouched.
      await client.ping(REQUEST);
    });

    it('a read-role token can pf_scan but not pf_poke', { timeout: TIMEOUT }, async () => {
      const marker = `kestrel${tag}`;
      const stored = await ok(client, 'pf_poke', { mode: 'memory', content: `The ${marker} cache holds 64 entries` });
      assert.equal(stored.status, 'written');
      await withClient(server.tokens.reader, async (reader) => {
        const scan = await ok(reader, 'pf_scan', { query: marker });
        assert.deepEqual(scan.results.map((r) => r.uri), [stored.uri]);
        assert.equal((await ok(reader, 'pf_peek', { uri: stored.uri })).resource.uri, stored.uri);
        // access_violation (403): the MCP result carries the service's message.
        await toolError(reader, 'pf_poke', { mode: 'memory', content: `The ${marker}x cache is read only` },
          /token 'reader' \(read\) may not write to sdk\/test/);
        await toolError(reader, 'pf_poke', { mode: 'memory', forget: stored.id }, /may not write to sdk\/test/);
      });
      // Nothing was stored or forgotten.
      assert.equal((await ok(client, 'pf_scan', { query: `${marker}x` })).results.length, 0);
      assert.deepEqual((await ok(client, 'pf_scan', { query: marker })).results.map((r) => r.uri), [stored.uri]);
      assert.deepEqual((await ok(client, 'pf_maps', {})).scopes, [{ scope: SCOPE, memories: 1 }]);
    });

    it('a token of another workspace sees nothing of sdk/test', { timeout: TIMEOUT }, async () => {
      const marker = `kestrel${tag}`; // stored by the previous test
      const [hit] = (await ok(client, 'pf_scan', { query: marker })).results;
      assert.ok(hit, 'the writer still finds its memory');
      await withClient(server.tokens.outsider, async (outsider) => {
        // The server's default scope (sdk/test) and naming it explicitly are both refused.
        await toolError(outsider, 'pf_scan', { query: marker }, /token 'outsider' \(write\) may not read from sdk\/test/);
        await toolError(outsider, 'pf_scan', { query: marker, scope: SCOPE }, /may not read from sdk\/test/);
        await toolError(outsider, 'pf_poke', { mode: 'memory', content: `The ${marker}y cache` }, /may not write to sdk\/test/);
        // Reads by uri cannot tell a hidden memory from a missing one.
        await toolError(outsider, 'pf_peek', { uri: hit.uri }, /not found/i);
        // pf_maps lists no scope it may not read.
        assert.deepEqual((await ok(outsider, 'pf_maps', {})).scopes, []);
        // Its own workspace works, and stays apart from sdk/test.
        const own = await ok(outsider, 'pf_poke', { mode: 'memory', content: `The ${marker} cache of other`, scope: 'other/x' });
        assert.match(own.uri, /^memex:\/\/other\/x\/memories\//);
        assert.deepEqual((await ok(outsider, 'pf_scan', { query: marker, scope: 'other/x' })).results.map((r) => r.uri), [own.uri]);
      });
      assert.deepEqual((await ok(client, 'pf_scan', { query: marker })).results.map((r) => r.uri), [hit.uri]);
    });

    it('closes the session, then the server shuts down gracefully', { timeout: TIMEOUT }, async () => {
      if (transport instanceof StreamableHTTPClientTransport) {
        await transport.terminateSession(); // DELETE /mcp with the session id
        assert.equal(transport.sessionId, undefined);
      }
      await client.close();
      client = undefined;
      const exit = await stopServer(server);
      server = undefined;
      assert.deepEqual(exit, { code: 0, signal: null }, 'memex serve exits with 0 on SIGTERM');
    });
  });
}
