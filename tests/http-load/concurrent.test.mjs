// Concurrent load against `memex serve` (ctest: http_load.concurrent). 50 clients for 10 s mix
// writes (POST /v1/store, POST /api/pf_poke mode "memory", each with unique content) and reads
// (POST /v1/recall, POST /api/pf_scan, GET /api/memories/{id} of a memory the client wrote) in
// bearer mode with one write token over the test scope, so every request is authenticated and
// rate-checked. Passes when every answer is 2xx within its timeout, every read by id returns
// what was written, and, after the server stops, `memex export --all-scopes` holds every
// acknowledged write exactly once and nothing else.
// Node built-ins only (fetch, node:test, node:child_process): no npm install.
// Run: MEMEX_BIN=build/memex node tests/http-load/concurrent.test.mjs
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';

const CLIENTS = Number(process.env.LOAD_CLIENTS ?? 50);
const DURATION_MS = Number(process.env.LOAD_DURATION_MS ?? 10000);
const REQUEST_TIMEOUT_MS = 5000;
const START_TIMEOUT_MS = 10000;
const STOP_TIMEOUT_MS = 8000;
const NAMESPACE = 'load/api';
const WORDS = ['cache', 'queue', 'deploy', 'schema', 'index', 'retry', 'widget', 'latency'];

const bin = process.env.MEMEX_BIN;
assert.ok(bin && fs.existsSync(bin), 'MEMEX_BIN must name the memex binary');

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'memex-load-'));
const dataDir = path.join(root, 'data');
const env = {
  ...process.env,
  HOME: path.join(root, 'home'),
  XDG_CONFIG_HOME: path.join(root, 'config'),
  XDG_DATA_HOME: path.join(root, 'xdg-data'),
};
delete env.MEMEX_CONFIG;
delete env.MEMEX_DATA_DIR;
delete env.MEMEX_SERVER;
delete env.MEMEX_TOKEN;
fs.mkdirSync(env.HOME, { recursive: true });

function memex(args) {
  return execFileSync(bin, ['--data-dir', dataDir, ...args], {
    env, cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 15000,
    maxBuffer: 256 * 1024 * 1024,
  });
}

// Starts the server; resolves with { child, url } once it prints its address.
async function startServer(configPath) {
  const child = spawn(bin, ['--config', configPath, '--data-dir', dataDir, '--scope', NAMESPACE,
    'serve', '--port', '0'], { env, cwd: root, stdio: ['ignore', 'ignore', 'pipe'] });
  let log = '';
  child.stderr.setEncoding('utf8');
  const url = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`memex serve did not start: ${log}`)),
      START_TIMEOUT_MS);
    child.stderr.on('data', (chunk) => {
      log += chunk;
      const m = log.match(/serving (http:\/\/127\.0\.0\.1:\d+)/);
      if (m) { clearTimeout(timer); resolve(m[1]); }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`memex serve exited (${code}): ${log}`));
    });
  });
  return { child, url, log: () => log };
}

async function stopServer(child) {
  if (child.exitCode !== null || child.signalCode !== null) return child.exitCode;
  const exited = new Promise((resolve) => child.once('exit', (code) => resolve(code)));
  child.kill('SIGTERM');
  const code = await Promise.race([exited, sleep(STOP_TIMEOUT_MS).then(() => 'timeout')]);
  if (code === 'timeout') {
    child.kill('SIGKILL');
    await exited;
    throw new Error(`memex serve did not stop within ${STOP_TIMEOUT_MS} ms of SIGTERM`);
  }
  return code;
}

function percentile(sorted, p) {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

test('50 concurrent clients for 10 s: no errors, every acknowledged write stored once',
  { timeout: 28000 }, async (t) => {
    const token = memex(['token', 'create', '--name', 'load', '--role', 'write', '--scope',
      'load/*']).trim();
    assert.match(token, /^mx_/);
    const configPath = path.join(root, 'memex.toml');
    // A rate far above what 50 clients reach: the limiter runs on every request without refusing.
    fs.writeFileSync(configPath, [
      '[server]', 'rate_limit_per_sec = 1000000', 'rate_limit_burst = 1000000', '',
      '[auth]', 'mode = "bearer"', '',
    ].join('\n'));
    const server = await startServer(configPath);
    t.after(async () => {
      await stopServer(server.child).catch(() => {});
      fs.rmSync(root, { recursive: true, force: true });
    });
    const headers = { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' };

    const stats = { requests: 0, writes: 0, reads: 0, byOp: {} };
    const errors = [];
    const latencies = [];
    const acked = new Map();  // id -> content
    const deadline = Date.now() + DURATION_MS;

    async function call(op, method, route, body) {
      const started = performance.now();
      stats.requests++;
      stats.byOp[op] = (stats.byOp[op] ?? 0) + 1;
      try {
        const res = await fetch(server.url + route, {
          method, headers, body: body === undefined ? undefined : JSON.stringify(body),
          signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
        });
        const text = await res.text();
        latencies.push(performance.now() - started);
        if (res.status < 200 || res.status > 299) {
          errors.push(`${op}: HTTP ${res.status} ${text.slice(0, 200)}`);
          return null;
        }
        return text.length ? JSON.parse(text) : {};
      } catch (e) {
        errors.push(`${op}: ${e.name}: ${e.message}`);
        return null;
      }
    }

    async function client(n) {
      const mine = [];
      let i = 0;
      while (Date.now() < deadline) {
        i++;
        const word = WORDS[(n + i) % WORDS.length];
        const content = `load client ${n} write ${i}: the ${word} note ${Math.random().toString(36).slice(2)}`;
        const r = Math.random();
        if (r < 0.25) {
          const out = await call('v1_store', 'POST', '/v1/store', { content, namespace: NAMESPACE });
          if (out) {
            stats.writes++;
            if (!out.id || out.created !== true) errors.push(`v1_store: unexpected ${JSON.stringify(out)}`);
            else { acked.set(out.id, content); mine.push(out.id); }
          }
        } else if (r < 0.45) {
          const out = await call('pf_poke', 'POST', '/api/pf_poke',
            { mode: 'memory', scope: NAMESPACE, content });
          if (out) {
            stats.writes++;
            if (!out.id || out.created !== true) errors.push(`pf_poke: unexpected ${JSON.stringify(out)}`);
            else { acked.set(out.id, content); mine.push(out.id); }
          }
        } else if (r < 0.65) {
          const out = await call('v1_recall', 'POST', '/v1/recall',
            { query: word, namespace: NAMESPACE, limit: 5 });
          if (out) {
            stats.reads++;
            if (!Array.isArray(out.memories)) errors.push('v1_recall: no memories array');
          }
        } else if (r < 0.85) {
          const out = await call('pf_scan', 'POST', '/api/pf_scan',
            { query: word, scope: NAMESPACE, limit: 5 });
          if (out) {
            stats.reads++;
            if (!Array.isArray(out.results)) errors.push('pf_scan: no results array');
          }
        } else if (mine.length > 0) {
          const id = mine[Math.floor(Math.random() * mine.length)];
          const out = await call('get_by_id', 'GET', `/api/memories/${id}`);
          if (out) {
            stats.reads++;
            if (out.memory?.content !== acked.get(id)) {
              errors.push(`get_by_id ${id}: content ${JSON.stringify(out.memory?.content)}`);
            }
          }
        }
      }
    }

    const started = performance.now();
    await Promise.all(Array.from({ length: CLIENTS }, (_, n) => client(n)));
    const seconds = (performance.now() - started) / 1000;
    latencies.sort((a, b) => a - b);
    const summary = `http_load: ${CLIENTS} clients, ${seconds.toFixed(1)} s: ${stats.requests} requests ` +
      `(${(stats.requests / seconds).toFixed(0)} req/s), ${stats.writes} writes acknowledged, ` +
      `${stats.reads} reads, ${errors.length} errors; latency p50 ${percentile(latencies, 50).toFixed(1)} ms, ` +
      `p99 ${percentile(latencies, 99).toFixed(1)} ms, max ${percentile(latencies, 100).toFixed(1)} ms; ` +
      `by op ${JSON.stringify(stats.byOp)}`;
    console.log(summary);
    t.diagnostic(summary);
    assert.deepEqual(errors.slice(0, 10), [], `${errors.length} failed requests`);
    assert.ok(stats.writes > 0 && stats.reads > 0, 'the load made writes and reads');
    assert.equal(acked.size, stats.writes, 'every acknowledged write has its own id');

    const code = await stopServer(server.child);
    assert.equal(code, 0, `memex serve exit code: ${server.log()}`);

    // Every acknowledged write exactly once, nothing else, from the data dir itself.
    const rows = memex(['export', '--all-scopes']).split('\n').filter((l) => l.trim())
      .map((l) => JSON.parse(l));
    const live = rows.filter((m) => m.status === 'active' && m.deleted_at === null);
    const seen = new Map();
    for (const m of live) seen.set(m.id, (seen.get(m.id) ?? 0) + 1);
    const missing = [...acked.keys()].filter((id) => !seen.has(id));
    const duplicated = [...seen].filter(([, n]) => n > 1).map(([id]) => id);
    const extra = live.filter((m) => !acked.has(m.id)).map((m) => m.id);
    const wrong = live.filter((m) => acked.has(m.id) && acked.get(m.id) !== m.content)
      .map((m) => m.id);
    const contents = new Set(live.map((m) => m.content));
    console.log(`http_load: export holds ${live.length} live memories for ${acked.size} acknowledged writes`);
    assert.deepEqual(missing.slice(0, 5), [], `${missing.length} acknowledged writes missing`);
    assert.deepEqual(duplicated, [], 'ids stored more than once');
    assert.deepEqual(extra.slice(0, 5), [], `${extra.length} memories nobody acknowledged`);
    assert.deepEqual(wrong.slice(0, 5), [], 'memories whose content differs from what was sent');
    assert.equal(contents.size, live.length, 'each content stored once');
    assert.ok(live.every((m) => `${m.workspace}/${m.project}` === NAMESPACE), 'all in the test scope');
  });
