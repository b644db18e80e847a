// A scripted fake model for driving the real Claude Code and Codex CLIs offline (issue 4).
// Node built-ins only. Serves, on 127.0.0.1:
//   POST /v1/messages[?beta=true]        Anthropic Messages API (streaming SSE or plain JSON)
//   POST /v1/messages/count_tokens       Anthropic token count (a rough estimate)
//   POST /v1/responses                   OpenAI Responses API (streaming SSE or plain JSON)
//   GET  /v1/models                      an empty list
// Anything else gets a quick 404 JSON error; a request the script has no answer for gets a
// plain text reply: nothing ever hangs.
//
// The script decides each reply from the conversation so far, never from a request counter, so
// side requests (titles, summaries) cannot shift it. Its step index is the number of tool
// results in the request (Anthropic `tool_result` blocks, Responses `*_output` items). A
// request that offers no tools is a side request and gets `side` (default "ok").
//
// Script forms (a .json file, or a .mjs module whose default export is one of these):
//   [step, ...]  or  {steps: [step, ...], done?: step, side?: step}  or  (ctx) => step
// A step (API-neutral; the fake translates it for the client asking):
//   {text: "..."}                                           a final answer
//   {bash: "echo hi", text?: "..."}                          the client's shell tool
//   {mcp: {server: "memex", tool: "pf_scan", args: {...}}}   an MCP tool
//   {tool: "Name", input: {...}}                             any tool by its exact name
//   {calls: [step, ...], text?: "..."}                       several tool calls at once
// Any step may add usage: {input_tokens: N} to report that usage instead of an estimate (the
// estimate is the body's size / 4), e.g. to push a client over its compaction threshold.
// After the last step the reply is `done` (default {text: "done"}). A function script gets ctx
// (see context() below) and returns a step, or undefined for the default behaviour.
//
// Every request is appended to the record file as one JSON line:
//   {n, ts_ms, method, path, api, step, side, headers: {...no secrets}, body, reply, scriptError?}
//
// CLI: node fake-model.mjs --script FILE [--record FILE] [--port N]
//      prints {"port":N,"url":"http://127.0.0.1:N"} on one line, serves until SIGTERM/SIGINT.
// Module: import { startFakeModel } from './fake-model.mjs'.
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

const MAX_BODY_BYTES = 64 * 1024 * 1024;

// Loads a script file (.json, or a .mjs/.js module) into the value described above.
export async function loadScript(file) {
  if (/\.json$/i.test(file)) return JSON.parse(fs.readFileSync(file, 'utf8'));
  const mod = await import(pathToFileURL(path.resolve(file)).href);
  return mod.default ?? mod.script;
}

// ---- Reading the conversation -------------------------------------------------------------

function blockText(content) {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  return content.map((b) => {
    if (typeof b === 'string') return b;
    if (b == null) return '';
    if (typeof b.text === 'string') return b.text;
    if (b.content !== undefined) return blockText(b.content);
    if (typeof b.output === 'string') return b.output;
    return '';
  }).join('\n');
}

// What the script sees. Everything is derived from the request body.
export function context(api, body, n) {
  const ctx = { api, body, n, toolResults: [], tools: [], userTexts: [], system: '' };
  if (api === 'anthropic') {
    ctx.system = blockText(body.system ?? '');
    for (const m of body.messages ?? []) {
      if (!Array.isArray(m.content)) {
        if (m.role === 'user') ctx.userTexts.push(String(m.content ?? ''));
        continue;
      }
      for (const b of m.content) {
        if (b?.type === 'tool_result') {
          ctx.toolResults.push({ id: b.tool_use_id, text: blockText(b.content), isError: !!b.is_error });
        } else if (m.role === 'user' && b?.type === 'text') {
          ctx.userTexts.push(b.text);
        }
      }
    }
    ctx.tools = (body.tools ?? []).map((t) => t.name).filter(Boolean);
  } else {
    ctx.system = typeof body.instructions === 'string' ? body.instructions : '';
    const input = typeof body.input === 'string' ? [{ role: 'user', content: body.input }] : (body.input ?? []);
    for (const it of input) {
      if (typeof it?.type === 'string' && it.type.endsWith('_output')) {
        const out = typeof it.output === 'string' ? it.output : blockText(it.output);
        ctx.toolResults.push({ id: it.call_id, text: out, isError: false });
      } else if ((it?.type === 'message' || it?.type === undefined) && (it.role === 'user' || it.role === 'developer')) {
        ctx.userTexts.push(blockText(it.content));
      }
    }
    for (const t of body.tools ?? []) {
      if (t.type === 'namespace') for (const s of t.tools ?? []) ctx.tools.push(`${t.name}/${s.name}`);
      else ctx.tools.push(t.name ?? t.type);
    }
  }
  ctx.step = ctx.toolResults.length;
  ctx.side = ctx.tools.length === 0;
  ctx.lastToolResult = ctx.toolResults.at(-1)?.text;
  // Everything the model can read, as one string: for "did X reach the model" checks.
  ctx.allText = JSON.stringify(api === 'anthropic' ? [body.system, body.messages] : [body.instructions, body.input]);
  return ctx;
}

// The script's step for ctx; a script that throws gets a plain text reply naming the error
// (recorded as scriptError) rather than an HTTP error the client would retry.
function safeStep(script, ctx, entry, log) {
  try {
    return pickStep(script, ctx) ?? { text: 'ok' };
  } catch (e) {
    entry.scriptError = String(e?.stack ?? e);
    log(`fake-model: script error on request ${entry.n}: ${entry.scriptError}`);
    return { text: `(fake model: script error: ${e?.message ?? e})` };
  }
}

function pickStep(script, ctx) {
  if (typeof script === 'function') {
    const s = script(ctx);
    if (s !== undefined) return s;
    return ctx.side ? { text: 'ok' } : { text: 'done' };
  }
  const obj = Array.isArray(script) ? { steps: script } : (script ?? {});
  if (ctx.side) return obj.side ?? { text: 'ok' };
  const steps = obj.steps ?? [];
  return ctx.step < steps.length ? steps[ctx.step] : (obj.done ?? { text: 'done' });
}

// ---- Translating a step into tool calls for one client ------------------------------------

// Returns [{name, namespace?, input}] for the tool calls a step asks for.
function toolCalls(step, api, body) {
  const list = step.calls ?? (step.bash !== undefined || step.mcp || step.tool ? [step] : []);
  return list.map((c) => {
    if (c.mcp) {
      const { server, tool, args } = c.mcp;
      if (api === 'anthropic') return { name: `mcp__${server}__${tool}`, input: args ?? {} };
      return { namespace: `mcp__${server}`, name: tool, input: args ?? {} };
    }
    if (c.bash !== undefined) return shellCall(c.bash, api, body);
    return { name: c.tool, namespace: c.namespace, input: c.input ?? {} };
  });
}

// The shell tool differs between clients and, for Codex, between configurations.
function shellCall(command, api, body) {
  if (api === 'anthropic') return { name: 'Bash', input: { command, description: 'Run a command' } };
  const names = new Set((body.tools ?? []).map((t) => t.name ?? t.type));
  if (names.has('exec_command')) return { name: 'exec_command', input: { cmd: command } };
  if (names.has('shell_command')) return { name: 'shell_command', input: { command } };
  return { name: 'shell', input: { command: ['bash', '-lc', command] } };
}

// ---- Anthropic Messages API ---------------------------------------------------------------

function anthropicReply(step, body, n) {
  const content = [];
  if (step.text) content.push({ type: 'text', text: String(step.text) });
  toolCalls(step, 'anthropic', body).forEach((c, i) => {
    content.push({ type: 'tool_use', id: `toolu_fake_${n}_${i}`, name: c.name, input: c.input });
  });
  if (content.length === 0) content.push({ type: 'text', text: '(fake model: empty step)' });
  const stop = content.some((b) => b.type === 'tool_use') ? 'tool_use' : 'end_turn';
  return {
    id: `msg_fake_${n}`, type: 'message', role: 'assistant', model: body.model ?? 'fake-model',
    content, stop_reason: stop, stop_sequence: null,
    usage: { input_tokens: step.usage?.input_tokens ?? estimateTokens(body), output_tokens: 5, cache_creation_input_tokens: 0, cache_read_input_tokens: 0 },
  };
}

function anthropicEvents(msg) {
  const ev = [];
  const head = { ...msg, content: [], stop_reason: null, usage: { ...msg.usage, output_tokens: 1 } };
  ev.push(['message_start', { type: 'message_start', message: head }]);
  msg.content.forEach((b, index) => {
    if (b.type === 'text') {
      ev.push(['content_block_start', { type: 'content_block_start', index, content_block: { type: 'text', text: '' } }]);
      ev.push(['content_block_delta', { type: 'content_block_delta', index, delta: { type: 'text_delta', text: b.text } }]);
    } else {
      ev.push(['content_block_start', { type: 'content_block_start', index, content_block: { type: 'tool_use', id: b.id, name: b.name, input: {} } }]);
      ev.push(['content_block_delta', { type: 'content_block_delta', index, delta: { type: 'input_json_delta', partial_json: JSON.stringify(b.input) } }]);
    }
    ev.push(['content_block_stop', { type: 'content_block_stop', index }]);
  });
  ev.push(['message_delta', { type: 'message_delta', delta: { stop_reason: msg.stop_reason, stop_sequence: null }, usage: { output_tokens: msg.usage.output_tokens } }]);
  ev.push(['message_stop', { type: 'message_stop' }]);
  return ev;
}

// ---- OpenAI Responses API -----------------------------------------------------------------

function responsesOutput(step, body, n) {
  const out = [];
  if (step.text) {
    out.push({
      id: `msg_fake_${n}`, type: 'message', status: 'completed', role: 'assistant',
      content: [{ type: 'output_text', text: String(step.text), annotations: [] }],
    });
  }
  toolCalls(step, 'openai', body).forEach((c, i) => {
    const item = {
      id: `fc_fake_${n}_${i}`, type: 'function_call', status: 'completed',
      call_id: `call_fake_${n}_${i}`, name: c.name, arguments: JSON.stringify(c.input),
    };
    if (c.namespace) item.namespace = c.namespace;
    out.push(item);
  });
  if (out.length === 0) {
    out.push({ id: `msg_fake_${n}`, type: 'message', status: 'completed', role: 'assistant',
      content: [{ type: 'output_text', text: '(fake model: empty step)', annotations: [] }] });
  }
  return out;
}

function responseObject(body, n, status, output, usage) {
  const input = usage?.input_tokens ?? estimateTokens(body);
  return {
    id: `resp_fake_${n}`, object: 'response', created_at: Math.floor(Date.now() / 1000), status,
    model: body.model ?? 'fake-model', output,
    usage: status === 'completed' ? {
      input_tokens: input, input_tokens_details: { cached_tokens: 0 },
      output_tokens: 5, output_tokens_details: { reasoning_tokens: 0 }, total_tokens: input + 5,
    } : null,
  };
}

function responsesEvents(body, n, output, usage) {
  const ev = [];
  let seq = 0;
  const push = (type, data) => ev.push([type, { type, sequence_number: seq++, ...data }]);
  push('response.created', { response: responseObject(body, n, 'in_progress', []) });
  push('response.in_progress', { response: responseObject(body, n, 'in_progress', []) });
  output.forEach((item, output_index) => {
    if (item.type === 'message') {
      const text = item.content[0].text;
      push('response.output_item.added', { output_index, item: { ...item, status: 'in_progress', content: [] } });
      push('response.content_part.added', { item_id: item.id, output_index, content_index: 0, part: { type: 'output_text', text: '', annotations: [] } });
      push('response.output_text.delta', { item_id: item.id, output_index, content_index: 0, delta: text });
      push('response.output_text.done', { item_id: item.id, output_index, content_index: 0, text });
      push('response.content_part.done', { item_id: item.id, output_index, content_index: 0, part: item.content[0] });
    } else {
      push('response.output_item.added', { output_index, item: { ...item, status: 'in_progress', arguments: '' } });
      push('response.function_call_arguments.delta', { item_id: item.id, output_index, delta: item.arguments });
      push('response.function_call_arguments.done', { item_id: item.id, output_index, arguments: item.arguments });
    }
    push('response.output_item.done', { output_index, item });
  });
  push('response.completed', { response: responseObject(body, n, 'completed', output, usage) });
  return ev;
}

// ---- Server -------------------------------------------------------------------------------

function estimateTokens(body) {
  return Math.max(1, Math.ceil(JSON.stringify(body ?? {}).length / 4));
}

function sendJson(res, status, obj) {
  const data = JSON.stringify(obj);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(data) });
  res.end(data);
}

function sendSse(res, events) {
  res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'keep-alive' });
  for (const [name, data] of events) res.write(`event: ${name}\ndata: ${JSON.stringify(data)}\n\n`);
  res.end();
}

const SECRET_HEADERS = /^(authorization|x-api-key|cookie|proxy-authorization)$/i;

// Starts the fake. options: {script (value, not a file), record (JSONL path or undefined),
// port (0 = any free port), log (function for diagnostics)}. Returns
// {port, url, requests(): [record lines], close(): Promise}.
export async function startFakeModel({ script, record, port = 0, log = () => {} } = {}) {
  const recorded = [];
  let n = 0;
  const server = http.createServer((req, res) => {
    const chunks = [];
    let size = 0;
    req.on('data', (c) => {
      size += c.length;
      if (size <= MAX_BODY_BYTES) chunks.push(c);
    });
    req.on('end', () => {
      n += 1;
      const url = new URL(req.url, 'http://127.0.0.1');
      const raw = Buffer.concat(chunks).toString('utf8');
      let body = null;
      try { body = raw ? JSON.parse(raw) : null; } catch { body = { unparsed: raw.slice(0, 4096) }; }
      const entry = { n, ts_ms: Date.now(), method: req.method, path: url.pathname + url.search, api: null, step: null, side: null, headers: {}, body };
      for (const [k, v] of Object.entries(req.headers)) entry.headers[k] = SECRET_HEADERS.test(k) ? '(present)' : v;
      try {
        handle(req.method, url.pathname, body, entry, res);
      } catch (e) {
        log(`fake-model: error answering ${req.method} ${url.pathname}: ${e.stack ?? e}`);
        if (!res.headersSent) sendJson(res, 500, { type: 'error', error: { type: 'api_error', message: String(e) } });
        else res.end();
      }
      recorded.push(entry);
      if (record) fs.appendFileSync(record, JSON.stringify(entry) + '\n');
    });
  });

  function handle(method, pathname, body, entry, res) {
    const p = pathname.replace(/\/+$/, '');
    if (method === 'POST' && p.endsWith('/messages/count_tokens')) {
      entry.api = 'anthropic';
      return sendJson(res, 200, { input_tokens: estimateTokens(body) });
    }
    if (method === 'POST' && p.endsWith('/messages')) {
      entry.api = 'anthropic';
      const ctx = context('anthropic', body ?? {}, entry.n);
      entry.step = ctx.step;
      entry.side = ctx.side;
      const msg = anthropicReply(safeStep(script, ctx, entry, log), body ?? {}, entry.n);
      entry.reply = msg.content;
      return body?.stream ? sendSse(res, anthropicEvents(msg)) : sendJson(res, 200, msg);
    }
    if (method === 'POST' && p.endsWith('/responses')) {
      entry.api = 'openai';
      const ctx = context('openai', body ?? {}, entry.n);
      entry.step = ctx.step;
      entry.side = ctx.side;
      const step = safeStep(script, ctx, entry, log);
      const output = responsesOutput(step, body ?? {}, entry.n);
      entry.reply = output;
      return body?.stream === false
        ? sendJson(res, 200, responseObject(body ?? {}, entry.n, 'completed', output, step.usage))
        : sendSse(res, responsesEvents(body ?? {}, entry.n, output, step.usage));
    }
    if (method === 'GET' && p.endsWith('/models')) return sendJson(res, 200, { object: 'list', data: [], models: [] });
    log(`fake-model: unexpected ${method} ${pathname}`);
    return sendJson(res, 404, { type: 'error', error: { type: 'not_found_error', message: `fake model: no route ${method} ${pathname}` } });
  }

  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', resolve);
  });
  server.keepAliveTimeout = 1000;
  const actual = server.address().port;
  return {
    port: actual,
    url: `http://127.0.0.1:${actual}`,
    requests: () => recorded.slice(),
    close: () => new Promise((resolve) => {
      server.closeAllConnections?.();
      server.close(() => resolve());
    }),
  };
}

// Reads a record file written by the fake.
export function readRecord(file) {
  if (!fs.existsSync(file)) return [];
  return fs.readFileSync(file, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l));
}

async function main(argv) {
  const opts = {};
  for (let i = 0; i < argv.length; i += 2) {
    const k = argv[i];
    const v = argv[i + 1];
    if (!['--script', '--record', '--port'].includes(k) || v === undefined) {
      console.error('usage: node fake-model.mjs --script FILE [--record FILE] [--port N]');
      process.exit(2);
    }
    opts[k.slice(2)] = v;
  }
  const script = opts.script ? await loadScript(opts.script) : [];
  const fake = await startFakeModel({
    script, record: opts.record, port: Number(opts.port ?? 0), log: (m) => console.error(m),
  });
  console.log(JSON.stringify({ port: fake.port, url: fake.url }));
  const stop = () => fake.close().then(() => process.exit(0));
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

if (process.argv[1] && path.resolve(process.argv[1]) === path.resolve(new URL(import.meta.url).pathname)) {
  main(process.argv.slice(2));
}
