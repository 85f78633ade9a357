import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import {
  readAnthropic,
  readChat,
  readGemini,
  readResponses,
  renderAnthropic,
  renderChat,
  renderError,
  renderGemini,
  renderResponses,
  type Rendered,
} from './apis.js';
import { replyFor, stepFor, usageOf, type Conversation, type Reply } from './script.js';
import type { ModelApi, ModelScript, ServedRequest, ServedUsage } from './types.js';

/** A running scripted model server. */
export interface ModelServer {
  /** `http://127.0.0.1:<port>`: the base URL without an API prefix. */
  url: string;
  port: number;
  /** Every request answered so far, in order. */
  requests(): ServedRequest[];
  /** Requests received so far, answered or not (one held back by `delayMs` counts at once). */
  received(): number;
  /** The usage served in successful responses, summed. */
  served(): ServedUsage;
  /** Replaces the script (and forgets which errors were already given). */
  setScript(script: ModelScript): void;
  close(): Promise<void>;
}

export interface ModelServerOptions {
  script?: ModelScript;
}

const ZERO: ServedUsage = { inputTokens: 0, cachedInputTokens: 0, outputTokens: 0 };

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => (body += chunk));
    req.on('end', () => resolve(body));
    req.on('error', reject);
  });
}

function credentialOf(req: IncomingMessage): string | null {
  const header = req.headers['x-api-key'] ?? req.headers['x-goog-api-key'] ?? req.headers.authorization;
  if (typeof header === 'string') return header.replace(/^Bearer /i, '');
  const key = new URL(req.url ?? '/', 'http://localhost').searchParams.get('key');
  return key;
}

/** Which API a path belongs to, and for Gemini the model and method it names. */
function route(
  method: string,
  path: string,
): { api: ModelApi; kind: 'turn' | 'count_tokens'; model?: string; stream?: boolean } | { kind: 'models' } | null {
  if (method === 'GET' && /\/models\/?$/.test(path)) return { kind: 'models' };
  if (method !== 'POST') return null;
  if (/\/messages\/count_tokens$/.test(path)) return { api: 'anthropic', kind: 'count_tokens' };
  if (/\/messages$/.test(path)) return { api: 'anthropic', kind: 'turn' };
  if (/\/responses$/.test(path)) return { api: 'responses', kind: 'turn' };
  if (/\/chat\/completions$/.test(path)) return { api: 'chat', kind: 'turn' };
  const gemini = /\/models\/([^/:]+):(generateContent|streamGenerateContent|countTokens)$/.exec(path);
  if (gemini) {
    const [, model, verb] = gemini;
    return {
      api: 'gemini',
      kind: verb === 'countTokens' ? 'count_tokens' : 'turn',
      model: decodeURIComponent(model!),
      stream: verb === 'streamGenerateContent',
    };
  }
  return null;
}

function read(api: ModelApi, body: Record<string, unknown>, model?: string, stream?: boolean): Conversation {
  switch (api) {
    case 'anthropic':
      return readAnthropic(body);
    case 'responses':
      return readResponses(body);
    case 'chat':
      return readChat(body);
    case 'gemini':
      return readGemini(body, model ?? '', stream ?? false);
  }
}

function render(api: ModelApi, reply: Reply, conversation: Conversation, id: string): Rendered {
  switch (api) {
    case 'anthropic':
      return renderAnthropic(reply, conversation, id);
    case 'responses':
      return renderResponses(reply, conversation, id);
    case 'chat':
      return renderChat(reply, conversation, id);
    case 'gemini':
      return renderGemini(reply, conversation, id);
  }
}

/**
 * Starts the scripted model server on 127.0.0.1 (an ephemeral port): one HTTP server answering as the
 * Anthropic Messages, OpenAI Responses and Chat Completions, and Gemini APIs do, from a script that
 * says, run by run, which tool calls the model makes and what it finally says. Every response carries
 * known usage figures, and the log lets a test compute exactly what was served. WebSocket upgrades
 * are refused (codex then falls back to HTTPS).
 */
export async function startModelServer(options: ModelServerOptions = {}): Promise<ModelServer> {
  let script: ModelScript = options.script ?? {};
  const log: ServedRequest[] = [];
  const errorsGiven = new Map<string, number>();
  const sockets = new Set<Socket>();
  let counter = 0;
  let received = 0;

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    received += 1;
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const method = req.method ?? 'GET';
    const raw = await readBody(req);
    const credential = credentialOf(req);
    const where = route(method, url.pathname);
    const entry = (fields: Partial<ServedRequest> & Pick<ServedRequest, 'api' | 'kind' | 'status'>): ServedRequest => {
      const record: ServedRequest = {
        method,
        path: url.pathname,
        model: '',
        stream: false,
        run: null,
        step: null,
        prompts: [],
        tools: [],
        usage: ZERO,
        credential,
        toolCalls: [],
        cut: false,
        ...fields,
      };
      log.push(record);
      return record;
    };
    if (!where) {
      entry({ api: 'anthropic', kind: 'other', status: 404 });
      res.writeHead(404, { 'content-type': 'application/json' }).end('{"error":{"message":"not found"}}');
      return;
    }
    if (where.kind === 'models') {
      entry({ api: 'responses', kind: 'other', status: 200 });
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ object: 'list', data: [], models: [] }));
      return;
    }
    let body: Record<string, unknown>;
    try {
      body = JSON.parse(raw) as Record<string, unknown>;
    } catch {
      entry({ api: where.api, kind: 'other', status: 400 });
      res.writeHead(400, { 'content-type': 'application/json' }).end(JSON.stringify({ error: { message: 'the body is not JSON' } }));
      return;
    }
    const conversation = read(where.api, body, where.model, where.stream);
    if (where.kind === 'count_tokens') {
      entry({ api: where.api, kind: 'count_tokens', status: 200, model: conversation.model });
      const tokens = Math.max(1, Math.round(raw.length / 4));
      res
        .writeHead(200, { 'content-type': 'application/json' })
        .end(JSON.stringify(where.api === 'gemini' ? { totalTokens: tokens } : { input_tokens: tokens }));
      return;
    }

    const { position, step } = stepFor(script, conversation);
    const base = {
      api: where.api,
      kind: position.kind,
      model: conversation.model,
      stream: conversation.stream,
      run: position.run,
      prompts: position.prompts,
      tools: conversation.tools,
    };
    const stepKey = `${position.kind}:${position.run}:${position.step}`;
    // Unref'd: a test that ends while an answer is still held back does not wait for it.
    if (step.delayMs) await new Promise((r) => setTimeout(r, step.delayMs).unref());
    if (step.error) {
      const given = errorsGiven.get(stepKey) ?? 0;
      if (step.errorTimes === undefined || given < step.errorTimes) {
        errorsGiven.set(stepKey, given + 1);
        const rendered = renderError(where.api, step.error);
        entry({ ...base, step: position.kind === 'turn' ? position.step : null, status: rendered.status });
        res.writeHead(rendered.status, rendered.headers).end(rendered.chunks.join(''));
        return;
      }
    }
    counter += 1;
    const id = `r${position.run ?? 0}s${position.step}n${counter}`;
    const reply = replyFor(script, conversation, step, `call_${id}`);
    const rendered = render(where.api, reply, conversation, id);
    const cut = step.cut === true && rendered.chunks.length > 0;
    entry({
      ...base,
      step: position.kind === 'turn' ? position.step : null,
      status: rendered.status,
      usage: cut ? ZERO : usageOf(script, step),
      toolCalls: reply.toolCalls.map((c) => c.name),
      cut,
    });
    res.writeHead(rendered.status, rendered.headers);
    if (cut) {
      // Half the stream, then the connection drops: no end of message, no usage.
      const half = Math.max(1, Math.floor(rendered.chunks.length / 2));
      for (const chunk of rendered.chunks.slice(0, half)) res.write(chunk);
      await new Promise((r) => setTimeout(r, 50));
      res.socket?.destroy();
      return;
    }
    for (const chunk of rendered.chunks) res.write(chunk);
    res.end();
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: { message: `scripted model server: ${String(err)}` } }));
    });
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  // Responses over WebSocket are not served: the refusal makes codex use HTTPS.
  server.on('upgrade', (req: IncomingMessage, socket: Socket) => {
    log.push({
      api: 'responses',
      method: 'GET',
      path: req.url ?? '',
      model: '',
      stream: true,
      run: null,
      step: null,
      prompts: [],
      kind: 'other',
      tools: [],
      status: 404,
      usage: ZERO,
      credential: null,
      toolCalls: [],
      cut: false,
    });
    socket.end('HTTP/1.1 404 Not Found\r\ncontent-length: 0\r\n\r\n');
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    // Loopback only: the server is never reachable from another host.
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    requests: () => [...log],
    received: () => received,
    served: () =>
      log.reduce<ServedUsage>(
        (sum, r) => ({
          inputTokens: sum.inputTokens + r.usage.inputTokens,
          cachedInputTokens: sum.cachedInputTokens + r.usage.cachedInputTokens,
          outputTokens: sum.outputTokens + r.usage.outputTokens,
        }),
        ZERO,
      ),
    setScript: (next) => {
      script = next;
      errorsGiven.clear();
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
