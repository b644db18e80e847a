// The official MCP SDK client against `memex serve`: streamable HTTP (/mcp) and legacy SSE
// (/sse + /message), issue 3 "Tests". Each transport gets its own server and data dir.
// Run: MEMEX_BIN=build/memex node --test tests/mcp-sdk/http.test.mjs (ctest: mcp_sdk.http).
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import net from 'node:net';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { SSEClientTransport } from '@modelcontextprotocol/sdk/client/sse.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { LATEST_PROTOCOL_VERSION } from '@modelcontextprotocol/sdk/types.js';
import {
  REQUEST, SCOPE, captureProtocolVersion, checkInitialize, checkListTools, exerciseTools, isolatedEnv, memexBin,
} from './lib.mjs';

const TIMEOUT = 60000;
const START_TIMEOUT_MS = 15000;
const STOP_TIMEOUT_MS = 10000;

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

// Starts `memex serve` on a free loopback port; resolves once it accepts connections.
async function startServer() {
  const iso = isolatedEnv();
  const port = await freePort();
  const proc = spawn(memexBin(), ['--data-dir', iso.dataDir, '--scope', SCOPE, 'serve', '--port', String(port)], {
    env: iso.env, cwd: iso.dir, stdio: ['ignore', 'pipe', 'pipe'],
  });
  const server = { iso, port, proc, output: '', exit: null };
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

const transports = {
  'streamable HTTP (/mcp)': (port) => new StreamableHTTPClientTransport(new URL(`http://127.0.0.1:${port}/mcp`)),
  'legacy SSE (/sse)': (port) => new SSEClientTransport(new URL(`http://127.0.0.1:${port}/sse`)),
};

for (const [label, makeTransport] of Object.entries(transports)) {
  describe(`memex serve, ${label}`, { timeout: 120000 }, () => {
    let server;
    let transport;
    let client;

    before(async () => {
      server = await startServer();
      transport = captureProtocolVersion(makeTransport(server.port));
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
      await exerciseTools(client, transport instanceof SSEClientTransport ? 'sse' : 'http');
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
