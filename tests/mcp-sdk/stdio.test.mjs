// The official MCP SDK client against `memex mcp` over stdio (issue 3, "Tests").
// Run: MEMEX_BIN=build/memex node --test tests/mcp-sdk/stdio.test.mjs (ctest: mcp_sdk.stdio).
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { LATEST_PROTOCOL_VERSION } from '@modelcontextprotocol/sdk/types.js';
import {
  REQUEST, SCOPE, captureProtocolVersion, checkInitialize, checkListTools, exerciseTools, isolatedEnv, memexBin, ok,
} from './lib.mjs';

const TIMEOUT = 60000; // per test; every request inside has its own 15 s bound

describe('memex mcp over stdio', { timeout: 120000 }, () => {
  let iso;
  let transport;
  let client;
  let stderr = '';
  let exited; // resolves to {code, signal} when the server process exits

  before(async () => {
    iso = isolatedEnv();
    transport = captureProtocolVersion(new StdioClientTransport({
      command: memexBin(),
      args: ['--data-dir', iso.dataDir, '--scope', SCOPE, 'mcp'],
      env: iso.env,
      cwd: iso.dir,
      stderr: 'pipe',
    }));
    transport.stderr?.on('data', (d) => { stderr += d; });
    client = new Client({ name: 'memex-sdk-test', version: '0.0.0' });
    await client.connect(transport, REQUEST);
    // The SDK does not expose the exit status; its (private) ChildProcess does.
    const proc = transport._process;
    assert.ok(proc, 'the server process is running');
    exited = new Promise((resolve) => proc.once('exit', (code, signal) => resolve({ code, signal })));
  }, { timeout: TIMEOUT });

  after(async () => {
    // close() ends stdin, waits for the server to exit and kills it if it does not (bounded).
    await client?.close();
    iso?.cleanup();
    if (stderr.trim()) console.error(`memex mcp stderr:\n${stderr}`);
  }, { timeout: TIMEOUT });

  it('initializes: server info, protocol version, instructions', { timeout: TIMEOUT }, () => {
    checkInitialize(client, transport, LATEST_PROTOCOL_VERSION);
  });

  it('lists the seven tools with titles and annotations', { timeout: TIMEOUT }, async () => {
    await checkListTools(client);
  });

  it('calls all seven tools', { timeout: TIMEOUT }, async () => {
    await exerciseTools(client, 'stdio');
  });

  it('writes a handoff with pf_poke and loads it with pf_load', { timeout: TIMEOUT }, async () => {
    const written = await ok(client, 'pf_poke', {
      mode: 'handoff',
      content: 'Parser refactor half done',
      next_steps: ['Finish the lexer'],
      open_questions: ['Keep the old API?'],
      files_touched: ['src/parser.cc'],
    });
    assert.equal(written.status, 'written');
    assert.equal(written.mode, 'handoff');
    assert.equal(written.uri, `memex://${SCOPE}/handoffs/${written.id}`);
    const loaded = await ok(client, 'pf_load', { name: 'handoff' });
    assert.equal(loaded.name, 'handoff');
    assert.ok(loaded.content.startsWith(`# ${written.uri}\n\n`), loaded.content);
    for (const text of ['Parser refactor half done', 'Finish the lexer', 'Keep the old API?', 'src/parser.cc']) {
      assert.ok(loaded.content.includes(text), `${text} in ${loaded.content}`);
    }
    const peek = await ok(client, 'pf_peek', { uri: written.uri });
    assert.equal(peek.resource.metadata.manual, true);
  });

  it('exits with status 0 when the client closes stdin', { timeout: TIMEOUT }, async () => {
    const start = Date.now();
    // close() ends stdin and waits up to 2 s before it resorts to SIGTERM.
    await client.close();
    client = undefined;
    assert.deepEqual(await exited, { code: 0, signal: null }, `memex mcp stderr:\n${stderr}`);
    assert.ok(Date.now() - start < 2000, 'the server exits on EOF, before the SDK has to kill it');
  });
});
