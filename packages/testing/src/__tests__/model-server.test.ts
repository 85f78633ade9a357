import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startModelServer, type ModelServer } from '../model-server';

// The scripted model server against the providers' documented wire formats (the real CLIs check it
// end to end in packages/worker's real-agent tests): the SSE event sequences, the usage fields, the
// error bodies and headers, a cut stream and a slow first byte, and which step a request gets.

let server: ModelServer;
afterEach(async () => server?.close());

const PROMPT = '# fix\n\nIteration 2 of 5\n\nMake the tests pass.';

async function post(
  path: string,
  body: unknown,
  headers: Record<string, string> = {},
): Promise<{ status: number; headers: Headers; text: string }> {
  const res = await fetch(`${server.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });
  return { status: res.status, headers: res.headers, text: await res.text() };
}

/** The `data:` objects of an SSE body, with their `event:` names. */
function events(text: string): { event?: string; data: Record<string, unknown> }[] {
  return text
    .split('\n\n')
    .filter((block) => block.includes('data: ') && !block.includes('[DONE]'))
    .map((block) => {
      const event = /^event: (.+)$/m.exec(block)?.[1];
      const data = JSON.parse(/^data: (.+)$/m.exec(block)![1]!) as Record<string, unknown>;
      return event ? { event, data } : { data };
    });
}

describe('the scripted model server', () => {
  it('listens on loopback only', async () => {
    server = await startModelServer();
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
  });

  it('answers Anthropic Messages as a stream: message_start … message_stop, with tool_use and usage', async () => {
    const workspace = mkdtempSync(join(tmpdir(), 'aidp-model-'));
    server = await startModelServer({
      script: {
        runs: { 2: [{ tools: [{ write: { path: 'a.txt', content: 'x\n' } }] }] },
        usage: { inputTokens: 1000, cachedInputTokens: 300, outputTokens: 40 },
      },
    });
    const res = await post(
      '/v1/messages?beta=true',
      {
        model: 'claude-haiku-4-5',
        stream: true,
        system: [{ type: 'text', text: `Primary working directory: ${workspace}` }],
        messages: [{ role: 'user', content: [{ type: 'text', text: PROMPT }] }],
        tools: [{ name: 'Read' }, { name: 'Write' }],
      },
      { 'x-api-key': 'sk-ant-test' },
    );
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/event-stream');
    const seq = events(res.text);
    expect(seq.map((e) => e.event)).toEqual([
      'message_start',
      'content_block_start',
      'content_block_delta',
      'content_block_stop',
      'message_delta',
      'message_stop',
    ]);
    // Claude Code's Write needs the file read first: the first step of a write is a Read.
    expect(seq[1]!.data.content_block).toMatchObject({ type: 'tool_use', name: 'Read' });
    expect((seq[0]!.data.message as { usage: unknown }).usage).toMatchObject({ input_tokens: 700, cache_read_input_tokens: 300 });
    expect(seq[4]!.data).toMatchObject({ delta: { stop_reason: 'tool_use' }, usage: { output_tokens: 40 } });
    expect(server.requests()[0]).toMatchObject({
      api: 'anthropic',
      run: 2,
      step: 0,
      credential: 'sk-ant-test',
      toolCalls: ['Read'],
      prompts: [2],
    });

    // The Read answered, the next request gets the Write, with the absolute path.
    writeFileSync(join(workspace, 'a.txt'), 'old\n');
    const next = await post('/v1/messages', {
      model: 'claude-haiku-4-5',
      system: `Primary working directory: ${workspace}`,
      messages: [
        { role: 'user', content: PROMPT },
        { role: 'assistant', content: [{ type: 'tool_use', id: 't1', name: 'Read', input: {} }] },
        { role: 'user', content: [{ type: 'tool_result', tool_use_id: 't1', content: 'old' }] },
      ],
      tools: [{ name: 'Read' }, { name: 'Write' }],
    });
    const message = JSON.parse(next.text) as { type: string; content: { type: string; name: string; input: unknown }[] };
    expect(message.type).toBe('message');
    expect(message.content[0]).toMatchObject({
      type: 'tool_use',
      name: 'Write',
      input: { file_path: join(workspace, 'a.txt'), content: 'x\n' },
    });
    expect(server.served()).toEqual({ inputTokens: 2000, cachedInputTokens: 600, outputTokens: 80 });
  });

  it('answers OpenAI Responses with the apply_patch custom tool codex offers, and usage on response.completed', async () => {
    const workspace = mkdtempSync(join(tmpdir(), 'aidp-model-'));
    writeFileSync(join(workspace, 'a.txt'), 'one\ntwo\n');
    server = await startModelServer({ script: { default: [{ tools: [{ write: { path: 'a.txt', content: 'three\n' } }] }] } });
    const res = await post('/v1/responses', {
      model: 'gpt-5.5',
      stream: true,
      input: [{ type: 'message', role: 'user', content: [{ type: 'input_text', text: `<cwd>${workspace}</cwd>\n${PROMPT}` }] }],
      tools: [
        { type: 'function', name: 'exec_command' },
        { type: 'custom', name: 'apply_patch' },
      ],
    });
    const seq = events(res.text);
    expect(seq.map((e) => e.event)).toEqual([
      'response.created',
      'response.in_progress',
      'response.output_item.added',
      'response.custom_tool_call_input.delta',
      'response.custom_tool_call_input.done',
      'response.output_item.done',
      'response.completed',
    ]);
    expect(seq.map((e) => e.data.sequence_number)).toEqual([0, 1, 2, 3, 4, 5, 6]);
    expect(seq[5]!.data.item).toMatchObject({
      type: 'custom_tool_call',
      name: 'apply_patch',
      input: '*** Begin Patch\n*** Update File: a.txt\n@@\n-one\n-two\n+three\n*** End Patch\n',
    });
    expect((seq[6]!.data.response as { usage: unknown }).usage).toEqual({
      input_tokens: 1200,
      input_tokens_details: { cached_tokens: 400 },
      output_tokens: 60,
      output_tokens_details: { reasoning_tokens: 0 },
      total_tokens: 1260,
    });
  });

  it('answers Chat Completions with chunks, the usage chunk and [DONE]', async () => {
    server = await startModelServer({ script: { default: [{ text: 'Done here.' }] } });
    const res = await post('/v1/chat/completions', {
      model: 'gpt-5',
      stream: true,
      messages: [{ role: 'user', content: PROMPT }],
      tools: [{ type: 'function', function: { name: 'bash' } }],
    });
    expect(res.text.trimEnd().endsWith('data: [DONE]')).toBe(true);
    const chunks = events(res.text).map((e) => e.data);
    expect(chunks.every((c) => c.object === 'chat.completion.chunk')).toBe(true);
    expect(chunks.map((c) => (c.choices as { delta?: { content?: string } }[])[0]?.delta?.content).join('')).toBe('Done here.');
    expect(chunks.at(-1)!.usage).toMatchObject({
      prompt_tokens: 1200,
      completion_tokens: 60,
      prompt_tokens_details: { cached_tokens: 400 },
    });
  });

  it('answers Gemini streamGenerateContent with candidates and usageMetadata, and a structured side request with JSON', async () => {
    server = await startModelServer({ script: { default: [{ text: 'ok' }] } });
    const res = await post(
      '/v1beta/models/gemini-2.5-pro:streamGenerateContent?alt=sse',
      {
        contents: [{ role: 'user', parts: [{ text: PROMPT }] }],
        tools: [{ functionDeclarations: [{ name: 'write_file' }] }],
      },
      { 'x-goog-api-key': 'gm-test' },
    );
    const [chunk] = events(res.text).map((e) => e.data);
    expect(chunk).toMatchObject({
      candidates: [{ content: { role: 'model', parts: [{ text: 'ok' }] }, finishReason: 'STOP' }],
      usageMetadata: { promptTokenCount: 1200, candidatesTokenCount: 60, cachedContentTokenCount: 400, totalTokenCount: 1260 },
      modelVersion: 'gemini-2.5-pro',
    });
    const side = await post('/v1beta/models/gemini-2.5-flash:generateContent', {
      contents: [{ role: 'user', parts: [{ text: 'Who speaks next?' }] }],
      generationConfig: {
        responseMimeType: 'application/json',
        responseJsonSchema: {
          type: 'object',
          properties: { reasoning: { type: 'string' }, next_speaker: { type: 'string', enum: ['user', 'model'] } },
        },
      },
    });
    const text = (JSON.parse(side.text) as { candidates: { content: { parts: { text: string }[] } }[] }).candidates[0]!.content.parts[0]!
      .text;
    expect(JSON.parse(text)).toEqual({ reasoning: 'Scripted answer', next_speaker: 'user' });
    expect(server.requests().map((r) => [r.kind, r.credential])).toEqual([
      ['turn', 'gm-test'],
      ['side', null],
    ]);
  });

  it.each([
    [
      '/v1/messages',
      529,
      { model: 'm', messages: [{ role: 'user', content: PROMPT }], tools: [{ name: 'Write' }] },
      { type: 'error', error: { type: 'overloaded_error', message: 'Overloaded' } },
    ],
    [
      '/v1/messages',
      401,
      { model: 'm', messages: [{ role: 'user', content: PROMPT }], tools: [{ name: 'Write' }] },
      { type: 'error', error: { type: 'authentication_error' } },
    ],
    [
      '/v1/responses',
      429,
      { model: 'm', input: [{ role: 'user', content: PROMPT }], tools: [{ name: 'shell' }] },
      { error: { type: 'requests', code: 'rate_limit_exceeded' } },
    ],
    [
      '/v1/chat/completions',
      503,
      { model: 'm', messages: [{ role: 'user', content: PROMPT }], tools: [{ function: { name: 'bash' } }] },
      { error: { code: 'server_is_overloaded' } },
    ],
    [
      '/v1beta/models/g:generateContent',
      403,
      { contents: [{ role: 'user', parts: [{ text: PROMPT }] }], tools: [{ functionDeclarations: [{ name: 'write_file' }] }] },
      { error: { code: 403, status: 'PERMISSION_DENIED' } },
    ],
  ])('answers a scripted error on %s with %s in the provider’s own format', async (path, status, body, shape) => {
    server = await startModelServer({ script: { default: [{ error: { status, retryAfter: 2 } }] } });
    const res = await post(path, body);
    expect(res.status).toBe(status);
    expect(res.headers.get('retry-after')).toBe('2');
    expect(JSON.parse(res.text)).toMatchObject(shape);
    expect(server.served()).toEqual({ inputTokens: 0, cachedInputTokens: 0, outputTokens: 0 });
  });

  it('gives an error the given number of times, then answers', async () => {
    server = await startModelServer({ script: { default: [{ text: 'finally', error: { status: 429 }, errorTimes: 2 }] } });
    const body = { model: 'm', messages: [{ role: 'user', content: PROMPT }], tools: [{ function: { name: 'bash' } }] };
    expect([
      (await post('/v1/chat/completions', body)).status,
      (await post('/v1/chat/completions', body)).status,
      (await post('/v1/chat/completions', body)).status,
    ]).toEqual([429, 429, 200]);
  });

  it('cuts a stream in the middle: no end of message, nothing counted as served', async () => {
    server = await startModelServer({ script: { default: [{ text: 'partial', cut: true }] } });
    const res = await fetch(`${server.url}/v1/messages`, {
      method: 'POST',
      body: JSON.stringify({ model: 'm', stream: true, messages: [{ role: 'user', content: PROMPT }], tools: [{ name: 'Write' }] }),
    });
    expect(res.status).toBe(200);
    await expect(res.text()).rejects.toThrow();
    expect(server.requests()[0]).toMatchObject({ cut: true, usage: { inputTokens: 0, outputTokens: 0 } });
  });

  it('holds back the first byte when told to, and counts the request as received at once', async () => {
    server = await startModelServer({ script: { default: [{ text: 'slow', delayMs: 400 }] } });
    const started = Date.now();
    const pending = post('/v1/chat/completions', {
      model: 'm',
      messages: [{ role: 'user', content: PROMPT }],
      tools: [{ function: { name: 'bash' } }],
    });
    await new Promise((r) => setTimeout(r, 100));
    expect(server.received()).toBe(1);
    expect(server.requests()).toHaveLength(0);
    await pending;
    expect(Date.now() - started).toBeGreaterThanOrEqual(400);
  });

  it('takes the run from the last prompt a message carries (a CLI may merge an unanswered prompt with the next)', async () => {
    server = await startModelServer({ script: { runs: { 1: [{ text: 'one' }], 2: [{ text: 'two' }] } } });
    const merged = '# fix\n\nIteration 1 of 5\n\nFirst.\n\n# fix\n\nIteration 2 of 5\n\nSecond.';
    const res = await post('/v1/messages', { model: 'm', messages: [{ role: 'user', content: merged }], tools: [{ name: 'Write' }] });
    expect((JSON.parse(res.text) as { content: { text: string }[] }).content[0]!.text).toBe('two');
    expect(server.requests()[0]).toMatchObject({ run: 2, prompts: [1, 2] });
  });

  it('counts tokens, lists no models, and refuses WebSocket upgrades', async () => {
    server = await startModelServer();
    expect(JSON.parse((await post('/v1/messages/count_tokens', { model: 'm', messages: [] })).text)).toHaveProperty('input_tokens');
    expect(JSON.parse((await post('/v1beta/models/g:countTokens', { contents: [] })).text)).toHaveProperty('totalTokens');
    expect((await fetch(`${server.url}/v1/models`)).status).toBe(200);
    const upgrade = await fetch(`${server.url}/v1/responses`, { headers: { connection: 'upgrade', upgrade: 'websocket' } }).catch(
      (err: unknown) => err,
    );
    expect(upgrade instanceof Response ? upgrade.status : 'refused').not.toBe(101);
  });
});
