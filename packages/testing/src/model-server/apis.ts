// The four provider APIs the agent CLIs speak, each read into a Conversation and answered from a Reply
// in its own wire format:
// - Anthropic Messages (docs.anthropic.com/en/api/messages, /en/api/messages-streaming): JSON, or SSE
//   events message_start, content_block_start/delta/stop, message_delta (stop_reason, output usage),
//   message_stop; errors `{ type: "error", error: { type, message } }`.
// - OpenAI Responses (platform.openai.com/docs/api-reference/responses-streaming): SSE events
//   response.created, response.output_item.added/done, response.output_text.delta/done,
//   response.function_call_arguments.delta/done, response.custom_tool_call_input.delta/done,
//   response.completed with `usage { input_tokens, input_tokens_details.cached_tokens, output_tokens }`.
// - OpenAI Chat Completions: chat.completion(.chunk), `data: [DONE]`, usage in the last chunk.
// - Gemini generateContent / streamGenerateContent?alt=sse (ai.google.dev/api/generate-content):
//   candidates[].content.parts (text, functionCall), usageMetadata { promptTokenCount,
//   candidatesTokenCount, cachedContentTokenCount, totalTokenCount }; errors `{ error: { code, message,
//   status } }`.

import type { Conversation, ConversationMessage, Reply } from './script.js';
import type { ModelApi, ScriptedError } from './types.js';

/** A response, as chunks of body: a cut stream stops after half of them. */
export interface Rendered {
  status: number;
  headers: Record<string, string>;
  chunks: string[];
}

type Json = Record<string, unknown>;

const asArray = (value: unknown): unknown[] => (Array.isArray(value) ? value : []);
const asRecord = (value: unknown): Json => (value && typeof value === 'object' && !Array.isArray(value) ? (value as Json) : {});
const asText = (value: unknown): string => (typeof value === 'string' ? value : '');

function sse(event: string | null, data: unknown): string {
  return `${event ? `event: ${event}\n` : ''}data: ${JSON.stringify(data)}\n\n`;
}

const SSE_HEADERS = { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' };
const JSON_HEADERS = { 'content-type': 'application/json' };

// ---- Anthropic Messages ----

function anthropicText(content: unknown): { text: string; onlyToolResults: boolean } {
  if (typeof content === 'string') return { text: content, onlyToolResults: false };
  const blocks = asArray(content).map(asRecord);
  const texts = blocks.filter((b) => b.type === 'text').map((b) => asText(b.text));
  const results = blocks.filter((b) => b.type === 'tool_result');
  return { text: texts.join('\n'), onlyToolResults: results.length > 0 };
}

export function readAnthropic(body: Json): Conversation {
  const messages: ConversationMessage[] = [];
  const system =
    typeof body.system === 'string'
      ? body.system
      : asArray(body.system)
          .map((b) => asText(asRecord(b).text))
          .join('\n');
  messages.push({ role: 'system', text: system });
  for (const m of asArray(body.messages).map(asRecord)) {
    const { text, onlyToolResults } = anthropicText(m.content);
    messages.push({ role: m.role === 'assistant' ? 'assistant' : onlyToolResults ? 'tool' : 'user', text });
  }
  return {
    model: asText(body.model),
    stream: body.stream === true,
    tools: asArray(body.tools)
      .map((t) => asText(asRecord(t).name))
      .filter(Boolean),
    freeformTools: [],
    messages,
  };
}

function anthropicUsage(reply: Reply): Json {
  return {
    input_tokens: reply.usage.inputTokens - reply.usage.cachedInputTokens,
    cache_creation_input_tokens: 0,
    cache_read_input_tokens: reply.usage.cachedInputTokens,
    output_tokens: reply.usage.outputTokens,
  };
}

export function renderAnthropic(reply: Reply, conversation: Conversation, id: string): Rendered {
  const content: Json[] = [];
  if (reply.text) content.push({ type: 'text', text: reply.text });
  for (const call of reply.toolCalls) content.push({ type: 'tool_use', id: call.id, name: call.name, input: call.input });
  const stopReason = reply.toolCalls.length ? 'tool_use' : 'end_turn';
  const usage = anthropicUsage(reply);
  if (!conversation.stream) {
    const message = {
      id,
      type: 'message',
      role: 'assistant',
      model: conversation.model,
      content,
      stop_reason: stopReason,
      stop_sequence: null,
      usage,
    };
    return { status: 200, headers: JSON_HEADERS, chunks: [JSON.stringify(message)] };
  }
  const chunks = [
    sse('message_start', {
      type: 'message_start',
      message: {
        id,
        type: 'message',
        role: 'assistant',
        model: conversation.model,
        content: [],
        stop_reason: null,
        stop_sequence: null,
        usage: { ...usage, output_tokens: 0 },
      },
    }),
  ];
  content.forEach((block, index) => {
    if (block.type === 'text') {
      chunks.push(sse('content_block_start', { type: 'content_block_start', index, content_block: { type: 'text', text: '' } }));
      chunks.push(sse('content_block_delta', { type: 'content_block_delta', index, delta: { type: 'text_delta', text: block.text } }));
    } else {
      chunks.push(
        sse('content_block_start', {
          type: 'content_block_start',
          index,
          content_block: { type: 'tool_use', id: block.id, name: block.name, input: {} },
        }),
      );
      chunks.push(
        sse('content_block_delta', {
          type: 'content_block_delta',
          index,
          delta: { type: 'input_json_delta', partial_json: JSON.stringify(block.input) },
        }),
      );
    }
    chunks.push(sse('content_block_stop', { type: 'content_block_stop', index }));
  });
  chunks.push(
    sse('message_delta', {
      type: 'message_delta',
      delta: { stop_reason: stopReason, stop_sequence: null },
      usage: { output_tokens: usage.output_tokens },
    }),
  );
  chunks.push(sse('message_stop', { type: 'message_stop' }));
  return { status: 200, headers: SSE_HEADERS, chunks };
}

const ANTHROPIC_ERRORS: Record<number, [string, string]> = {
  400: ['invalid_request_error', 'invalid request'],
  401: ['authentication_error', 'invalid x-api-key'],
  403: ['permission_error', 'Your API key does not have permission to use the specified resource.'],
  404: ['not_found_error', 'model not found'],
  429: ['rate_limit_error', 'Number of request tokens has exceeded your per-minute rate limit'],
  500: ['api_error', 'Internal server error'],
  503: ['api_error', 'Service unavailable'],
  529: ['overloaded_error', 'Overloaded'],
};

// ---- OpenAI Responses ----

function responsesText(content: unknown): string {
  if (typeof content === 'string') return content;
  return asArray(content)
    .map((part) => asText(asRecord(part).text))
    .join('\n');
}

export function readResponses(body: Json): Conversation {
  const messages: ConversationMessage[] = [{ role: 'system', text: asText(body.instructions) }];
  let lastWasModel = false;
  for (const item of asArray(body.input).map(asRecord)) {
    const type = item.type ?? 'message';
    if (type === 'message') {
      const role = item.role === 'assistant' ? 'assistant' : item.role === 'user' ? 'user' : 'system';
      if (role === 'assistant') {
        if (!lastWasModel) messages.push({ role, text: responsesText(item.content) });
        lastWasModel = true;
        continue;
      }
      messages.push({ role, text: responsesText(item.content) });
      lastWasModel = false;
    } else if (type === 'function_call' || type === 'custom_tool_call' || type === 'local_shell_call' || type === 'reasoning') {
      // One response may hold several items (text, reasoning, calls): they are one assistant turn.
      if (!lastWasModel) messages.push({ role: 'assistant', text: '' });
      lastWasModel = true;
    } else {
      messages.push({ role: 'tool', text: asText(item.output) });
      lastWasModel = false;
    }
  }
  const tools = asArray(body.tools).map(asRecord);
  return {
    model: asText(body.model),
    stream: body.stream === true,
    tools: tools.map((t) => asText(t.name)).filter(Boolean),
    freeformTools: tools.filter((t) => t.type === 'custom').map((t) => asText(t.name)),
    messages,
  };
}

function responsesUsage(reply: Reply): Json {
  const { inputTokens, cachedInputTokens, outputTokens } = reply.usage;
  return {
    input_tokens: inputTokens,
    input_tokens_details: { cached_tokens: cachedInputTokens },
    output_tokens: outputTokens,
    output_tokens_details: { reasoning_tokens: 0 },
    total_tokens: inputTokens + outputTokens,
  };
}

export function renderResponses(reply: Reply, conversation: Conversation, id: string): Rendered {
  const created = Math.floor(Date.now() / 1000);
  const items: Json[] = [];
  if (reply.text) {
    items.push({
      id: `msg_${id}`,
      type: 'message',
      status: 'completed',
      role: 'assistant',
      content: [{ type: 'output_text', text: reply.text, annotations: [] }],
    });
  }
  for (const call of reply.toolCalls) {
    items.push(
      typeof call.input === 'string'
        ? { id: `ctc_${call.id}`, type: 'custom_tool_call', status: 'completed', call_id: call.id, name: call.name, input: call.input }
        : {
            id: `fc_${call.id}`,
            type: 'function_call',
            status: 'completed',
            call_id: call.id,
            name: call.name,
            arguments: JSON.stringify(call.input),
          },
    );
  }
  const response = (status: string, output: Json[], usage: Json | null) => ({
    id: `resp_${id}`,
    object: 'response',
    created_at: created,
    status,
    model: conversation.model,
    output,
    usage,
    error: null,
    incomplete_details: null,
  });
  if (!conversation.stream) {
    return { status: 200, headers: JSON_HEADERS, chunks: [JSON.stringify(response('completed', items, responsesUsage(reply)))] };
  }
  let seq = 0;
  const event = (type: string, data: Json) => sse(type, { type, sequence_number: seq++, ...data });
  const chunks = [
    event('response.created', { response: response('in_progress', [], null) }),
    event('response.in_progress', { response: response('in_progress', [], null) }),
  ];
  items.forEach((item, output_index) => {
    const itemId = asText(item.id);
    if (item.type === 'message') {
      const text = asText(asRecord(asArray(item.content)[0]).text);
      chunks.push(event('response.output_item.added', { output_index, item: { ...item, status: 'in_progress', content: [] } }));
      chunks.push(
        event('response.content_part.added', {
          item_id: itemId,
          output_index,
          content_index: 0,
          part: { type: 'output_text', text: '', annotations: [] },
        }),
      );
      chunks.push(event('response.output_text.delta', { item_id: itemId, output_index, content_index: 0, delta: text }));
      chunks.push(event('response.output_text.done', { item_id: itemId, output_index, content_index: 0, text }));
      chunks.push(
        event('response.content_part.done', {
          item_id: itemId,
          output_index,
          content_index: 0,
          part: { type: 'output_text', text, annotations: [] },
        }),
      );
    } else if (item.type === 'function_call') {
      chunks.push(event('response.output_item.added', { output_index, item: { ...item, status: 'in_progress', arguments: '' } }));
      chunks.push(event('response.function_call_arguments.delta', { item_id: itemId, output_index, delta: item.arguments }));
      chunks.push(event('response.function_call_arguments.done', { item_id: itemId, output_index, arguments: item.arguments }));
    } else {
      chunks.push(event('response.output_item.added', { output_index, item: { ...item, status: 'in_progress', input: '' } }));
      chunks.push(event('response.custom_tool_call_input.delta', { item_id: itemId, output_index, delta: item.input }));
      chunks.push(event('response.custom_tool_call_input.done', { item_id: itemId, output_index, input: item.input }));
    }
    chunks.push(event('response.output_item.done', { output_index, item }));
  });
  chunks.push(event('response.completed', { response: response('completed', items, responsesUsage(reply)) }));
  return { status: 200, headers: SSE_HEADERS, chunks };
}

// ---- OpenAI Chat Completions ----

export function readChat(body: Json): Conversation {
  const messages: ConversationMessage[] = [];
  for (const m of asArray(body.messages).map(asRecord)) {
    const role = m.role === 'assistant' ? 'assistant' : m.role === 'tool' ? 'tool' : m.role === 'user' ? 'user' : 'system';
    messages.push({ role, text: typeof m.content === 'string' ? m.content : responsesText(m.content) });
  }
  return {
    model: asText(body.model),
    stream: body.stream === true,
    tools: asArray(body.tools)
      .map((t) => asText(asRecord(asRecord(t).function).name))
      .filter(Boolean),
    freeformTools: [],
    messages,
  };
}

function chatUsage(reply: Reply): Json {
  const { inputTokens, cachedInputTokens, outputTokens } = reply.usage;
  return {
    prompt_tokens: inputTokens,
    completion_tokens: outputTokens,
    total_tokens: inputTokens + outputTokens,
    prompt_tokens_details: { cached_tokens: cachedInputTokens },
  };
}

export function renderChat(reply: Reply, conversation: Conversation, id: string): Rendered {
  const created = Math.floor(Date.now() / 1000);
  const toolCalls = reply.toolCalls.map((call, index) => ({
    index,
    id: call.id,
    type: 'function',
    function: {
      name: call.name,
      arguments: typeof call.input === 'string' ? JSON.stringify({ input: call.input }) : JSON.stringify(call.input),
    },
  }));
  const finish = toolCalls.length ? 'tool_calls' : 'stop';
  const base = { id: `chatcmpl-${id}`, created, model: conversation.model };
  if (!conversation.stream) {
    const message = {
      role: 'assistant',
      content: reply.text || null,
      ...(toolCalls.length ? { tool_calls: toolCalls.map(({ index: _, ...c }) => c) } : {}),
    };
    return {
      status: 200,
      headers: JSON_HEADERS,
      chunks: [
        JSON.stringify({
          ...base,
          object: 'chat.completion',
          choices: [{ index: 0, message, finish_reason: finish }],
          usage: chatUsage(reply),
        }),
      ],
    };
  }
  const chunk = (delta: Json, finishReason: string | null) =>
    sse(null, { ...base, object: 'chat.completion.chunk', choices: [{ index: 0, delta, finish_reason: finishReason }] });
  const chunks = [chunk({ role: 'assistant', content: '' }, null)];
  if (reply.text) chunks.push(chunk({ content: reply.text }, null));
  if (toolCalls.length) chunks.push(chunk({ tool_calls: toolCalls }, null));
  chunks.push(chunk({}, finish));
  chunks.push(sse(null, { ...base, object: 'chat.completion.chunk', choices: [], usage: chatUsage(reply) }));
  chunks.push('data: [DONE]\n\n');
  return { status: 200, headers: SSE_HEADERS, chunks };
}

const OPENAI_ERRORS: Record<number, [string, string, string]> = {
  400: ['invalid_request_error', 'invalid_request', 'Invalid request'],
  401: [
    'invalid_request_error',
    'invalid_api_key',
    'Incorrect API key provided: sk-***. You can find your API key at https://platform.openai.com/account/api-keys.',
  ],
  403: ['invalid_request_error', 'unsupported_country_region_territory', 'Country, region, or territory not supported'],
  404: ['invalid_request_error', 'model_not_found', 'The model does not exist or you do not have access to it.'],
  429: ['requests', 'rate_limit_exceeded', 'Rate limit reached for requests. Please try again in 1s.'],
  500: ['server_error', 'server_error', 'The server had an error while processing your request.'],
  503: ['server_error', 'server_is_overloaded', 'The engine is currently overloaded, please try again later'],
  529: ['server_error', 'server_is_overloaded', 'The engine is currently overloaded, please try again later'],
};

// ---- Gemini ----

export function readGemini(body: Json, model: string, stream: boolean): Conversation {
  const messages: ConversationMessage[] = [
    {
      role: 'system',
      text: asArray(asRecord(body.systemInstruction).parts)
        .map((p) => asText(asRecord(p).text))
        .join('\n'),
    },
  ];
  for (const c of asArray(body.contents).map(asRecord)) {
    const parts = asArray(c.parts).map(asRecord);
    const onlyResults = parts.length > 0 && parts.every((p) => p.functionResponse !== undefined);
    const text = parts.map((p) => asText(p.text)).join('\n');
    messages.push({ role: c.role === 'model' ? 'assistant' : onlyResults ? 'tool' : 'user', text });
  }
  const config = asRecord(body.generationConfig);
  const schema = config.responseJsonSchema ?? config.responseSchema;
  return {
    model,
    stream,
    tools: asArray(body.tools)
      .flatMap((t) => asArray(asRecord(t).functionDeclarations).map((f) => asText(asRecord(f).name)))
      .filter(Boolean),
    freeformTools: [],
    messages,
    ...(schema !== undefined || config.responseMimeType === 'application/json' ? { responseSchema: schema ?? {} } : {}),
  };
}

function geminiUsage(reply: Reply): Json {
  const { inputTokens, cachedInputTokens, outputTokens } = reply.usage;
  return {
    promptTokenCount: inputTokens,
    candidatesTokenCount: outputTokens,
    totalTokenCount: inputTokens + outputTokens,
    cachedContentTokenCount: cachedInputTokens,
  };
}

export function renderGemini(reply: Reply, conversation: Conversation, id: string): Rendered {
  const parts: Json[] = [];
  if (reply.text) parts.push({ text: reply.text });
  for (const call of reply.toolCalls) parts.push({ functionCall: { id: call.id, name: call.name, args: call.input } });
  const response = {
    candidates: [{ content: { parts, role: 'model' }, finishReason: 'STOP', index: 0 }],
    usageMetadata: geminiUsage(reply),
    modelVersion: conversation.model,
    responseId: id,
  };
  if (!conversation.stream) return { status: 200, headers: JSON_HEADERS, chunks: [JSON.stringify(response)] };
  // Streamed: the text first, then the rest with the usage, as the API sends it in pieces.
  const chunks: string[] = [];
  if (reply.text && reply.toolCalls.length) {
    chunks.push(
      sse(null, {
        candidates: [{ content: { parts: [{ text: reply.text }], role: 'model' }, index: 0 }],
        modelVersion: conversation.model,
        responseId: id,
      }),
    );
    chunks.push(sse(null, { ...response, candidates: [{ ...response.candidates[0], content: { parts: parts.slice(1), role: 'model' } }] }));
  } else {
    chunks.push(sse(null, response));
  }
  return { status: 200, headers: SSE_HEADERS, chunks };
}

const GEMINI_ERRORS: Record<number, [string, string]> = {
  400: ['INVALID_ARGUMENT', 'Request contains an invalid argument.'],
  401: ['UNAUTHENTICATED', 'API key not valid. Please pass a valid API key.'],
  403: ['PERMISSION_DENIED', 'The caller does not have permission'],
  404: ['NOT_FOUND', 'models/unknown is not found for API version v1beta'],
  429: ['RESOURCE_EXHAUSTED', 'Resource has been exhausted (e.g. check quota).'],
  500: ['INTERNAL', 'An internal error has occurred.'],
  503: ['UNAVAILABLE', 'The model is overloaded. Please try again later.'],
  529: ['UNAVAILABLE', 'The model is overloaded. Please try again later.'],
};

/** An HTTP error in the API's own format. */
export function renderError(api: ModelApi, error: ScriptedError): Rendered {
  const headers: Record<string, string> = {
    ...JSON_HEADERS,
    ...(error.retryAfter !== undefined ? { 'retry-after': String(error.retryAfter) } : {}),
  };
  const status = error.status;
  let body: unknown;
  if (api === 'anthropic') {
    const [type, message] = ANTHROPIC_ERRORS[status] ?? ['api_error', 'error'];
    body = { type: 'error', error: { type, message: error.message ?? message } };
  } else if (api === 'gemini') {
    const [code, message] = GEMINI_ERRORS[status] ?? ['UNKNOWN', 'error'];
    body = { error: { code: status, message: error.message ?? message, status: code } };
  } else {
    const [type, code, message] = OPENAI_ERRORS[status] ?? ['server_error', 'error', 'error'];
    body = { error: { message: error.message ?? message, type, param: null, code } };
  }
  return { status, headers, chunks: [JSON.stringify(body)] };
}
