// A scripted fake of the Anthropic Messages API, on 127.0.0.1, for the end-to-end tests and the
// demo. It speaks the real wire format (JSON and server-sent events) closely enough for the real
// `claude` CLI, and records every request byte for byte so that tests can scan what the model
// would have seen.

import { randomBytes } from 'node:crypto'
import { createServer } from 'node:http'
import { closeServer, listen, parseJson } from './http.mjs'

/**
 * One recorded HTTP request.
 *
 * @typedef {object} RecordedRequest
 * @property {string} method HTTP method, upper case.
 * @property {string} path Path without the query string, e.g. `/v1/messages`.
 * @property {Record<string, string>} query Query parameters, e.g. `{ beta: 'true' }`.
 * @property {import('node:http').IncomingHttpHeaders} headers Request headers, lower-case names.
 * @property {string} rawBody The request body exactly as received (UTF-8).
 * @property {any} body The body parsed as JSON, or `null` when it is empty or not JSON.
 */

/**
 * A tool call the fake model makes.
 *
 * @typedef {object} ToolUse
 * @property {string} name Tool name as the CLI declares it, e.g. `Bash`, `Write`, `Read`.
 * @property {Record<string, unknown>} input The tool input, sent as one `input_json_delta`.
 * @property {string} [id] Tool-use id; generated (`toolu_01…`) when absent.
 */

/**
 * One scripted assistant turn: text only (`end_turn`), or tool calls (`tool_use`), optionally
 * preceded by text.
 *
 * @typedef {{ text: string, toolUses?: undefined } | { text?: string, toolUses: ToolUse[] }} Turn
 */

/**
 * A script step: a turn, or a function of the main-loop request being answered that returns one
 * (so a step can react to the previous tool result).
 *
 * @typedef {Turn | ((request: RecordedRequest) => Turn | Promise<Turn>)} ScriptStep
 */

/**
 * How the fake answers `/v1/messages`: `'ok'` (scripted answers), `'down'` (HTTP 529
 * `overloaded_error`), `'hang'` (never answers; the request is recorded), or an explicit error
 * answer in the API's shape, e.g. `{ status: 401, errorType: 'authentication_error' }`.
 *
 * @typedef {'ok' | 'down' | 'hang' | { status: number, errorType: string, message?: string }} FakeAnthropicMode
 */

/**
 * @typedef {object} FakeAnthropicOptions
 * @property {ScriptStep[]} [script] Assistant turns, consumed one per main-loop request. When the
 *   script is exhausted the fake answers `{ text: 'Done.' }`.
 * @property {FakeAnthropicMode} [mode] Defaults to `'ok'`.
 * @property {string} [sideText] Answer to side requests (no tools): titles, summaries. Defaults to
 *   `'Fake session'`.
 */

/**
 * @typedef {object} FakeAnthropic
 * @property {string} url Base URL (`http://127.0.0.1:<port>`), for `ANTHROPIC_BASE_URL`.
 * @property {RecordedRequest[]} requests Every request received, in order (live array).
 * @property {RecordedRequest[]} mainRequests The main-loop requests only: `POST /v1/messages`
 *   with a non-empty `tools` array (live array).
 * @property {Error[]} errors Errors thrown by script functions (answered as HTTP 500).
 * @property {() => Promise<void>} close Stops the server and drops open connections.
 */

/**
 * The tool-result block of a request, its content flattened to a string.
 *
 * @typedef {object} ToolResult
 * @property {string} toolUseId The `tool_use_id` it answers.
 * @property {boolean} isError Whether the CLI flagged the result as an error.
 * @property {string} content Text parts joined with newlines; non-text parts as `[<type>]`.
 */

/** Overloaded error the real API returns when the model is unavailable. */
const DOWN = { status: 529, errorType: 'overloaded_error', message: 'Overloaded' }

/** What the fake answers once the script is exhausted. */
const DONE = { text: 'Done.' }

const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz'

/**
 * A random id in the API's style, e.g. `msg_01…` or `toolu_01…`.
 *
 * @param {string} prefix
 * @returns {string}
 */
function makeId(prefix) {
  const bytes = randomBytes(22)
  let tail = ''
  for (const byte of bytes) tail += BASE62[byte % 62]
  return `${prefix}_01${tail}`
}

/**
 * A plausible token count for a text: about four characters a token.
 *
 * @param {string} text
 * @returns {number}
 */
function estimateTokens(text) {
  return Math.max(1, Math.ceil(text.length / 4))
}

/**
 * Starts the fake Messages API on an ephemeral port of 127.0.0.1.
 *
 * Main-loop requests (a `POST /v1/messages` with a non-empty `tools` array) consume the script
 * one turn each; side requests get a short text. `stream: true` is answered with the real
 * server-sent event sequence, otherwise with the full message JSON. `HEAD /` and `GET /` answer
 * 200, `POST /v1/messages/count_tokens` an estimate, anything else a 404 error in the API's shape.
 *
 * @param {FakeAnthropicOptions} [options]
 * @returns {Promise<FakeAnthropic>}
 */
export async function startFakeAnthropic(options = {}) {
  const script = [...(options.script ?? [])]
  const mode = options.mode ?? 'ok'
  const failure = mode === 'ok' || mode === 'hang' ? null : mode === 'down' ? DOWN : mode
  const sideText = options.sideText ?? 'Fake session'
  /** @type {RecordedRequest[]} */
  const requests = []
  /** @type {RecordedRequest[]} */
  const mainRequests = []
  /** @type {Error[]} */
  const errors = []

  /**
   * @param {import('node:http').ServerResponse} res
   * @param {RecordedRequest} request
   * @returns {Promise<void>}
   */
  async function answer(res, request) {
    const { method, path } = request
    if ((method === 'HEAD' || method === 'GET') && path === '/') {
      sendJson(res, 200, { ok: true }, method === 'HEAD')
      return
    }
    if (method === 'POST' && path === '/v1/messages/count_tokens') {
      sendJson(res, 200, { input_tokens: estimateTokens(request.rawBody) })
      return
    }
    if (method !== 'POST' || path !== '/v1/messages') {
      sendError(res, 404, 'not_found_error', `Not found: ${method} ${path}`)
      return
    }
    if (request.body === null || typeof request.body !== 'object') {
      sendError(res, 400, 'invalid_request_error', 'The request body is not valid JSON.')
      return
    }
    const body = request.body
    const isMain = Array.isArray(body.tools) && body.tools.length > 0
    if (isMain) mainRequests.push(request)
    if (mode === 'hang') return
    if (failure !== null) {
      sendError(res, failure.status, failure.errorType, failure.message ?? failure.errorType)
      return
    }
    /** @type {Turn} */
    let turn = { text: sideText }
    if (isMain) {
      const step = script.shift() ?? DONE
      try {
        turn = typeof step === 'function' ? await step(request) : step
      } catch (error) {
        errors.push(error instanceof Error ? error : new Error(String(error)))
        sendError(res, 500, 'api_error', 'The fake model script threw.')
        return
      }
    }
    const message = buildMessage(turn, typeof body.model === 'string' ? body.model : 'claude-fake')
    message.usage.input_tokens = estimateTokens(request.rawBody)
    if (body.stream === true) sendStream(res, message)
    else sendJson(res, 200, message)
  }

  const server = createServer((req, res) => {
    /** @type {Buffer[]} */
    const chunks = []
    req.on('data', (/** @type {Buffer} */ chunk) => chunks.push(chunk))
    req.on('end', () => {
      const target = new URL(req.url ?? '/', 'http://127.0.0.1')
      const rawBody = Buffer.concat(chunks).toString('utf8')
      /** @type {RecordedRequest} */
      const request = {
        method: req.method ?? 'GET',
        path: target.pathname,
        query: Object.fromEntries(target.searchParams),
        headers: req.headers,
        rawBody,
        body: parseJson(rawBody),
      }
      requests.push(request)
      answer(res, request).catch((/** @type {unknown} */ error) => {
        errors.push(error instanceof Error ? error : new Error(String(error)))
        if (!res.headersSent) sendError(res, 500, 'api_error', 'Internal error in the fake.')
        else res.end()
      })
    })
  })

  const url = await listen(server)
  return {
    url,
    requests,
    mainRequests,
    errors,
    close: () => closeServer(server),
  }
}

/**
 * The Messages API's message object for a turn.
 *
 * @param {Turn} turn
 * @param {string} model
 */
function buildMessage(turn, model) {
  /** @type {Array<{ type: 'text', text: string } | { type: 'tool_use', id: string, name: string, input: Record<string, unknown> }>} */
  const content = []
  if (typeof turn.text === 'string' && turn.text !== '')
    content.push({ type: 'text', text: turn.text })
  for (const use of turn.toolUses ?? []) {
    content.push({
      type: 'tool_use',
      id: use.id ?? makeId('toolu'),
      name: use.name,
      input: use.input,
    })
  }
  if (content.length === 0) content.push({ type: 'text', text: '' })
  const hasTools = content.some((block) => block.type === 'tool_use')
  return {
    id: makeId('msg'),
    type: 'message',
    role: 'assistant',
    model,
    content,
    stop_reason: hasTools ? 'tool_use' : 'end_turn',
    stop_sequence: null,
    usage: {
      input_tokens: 0,
      cache_creation_input_tokens: 0,
      cache_read_input_tokens: 0,
      output_tokens: estimateTokens(JSON.stringify(content)),
      service_tier: 'standard',
    },
  }
}

/**
 * Answers with the real server-sent event sequence for a message.
 *
 * @param {import('node:http').ServerResponse} res
 * @param {ReturnType<typeof buildMessage>} message
 */
function sendStream(res, message) {
  res.writeHead(200, {
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-cache',
    'request-id': makeId('req'),
  })
  /**
   * @param {string} event
   * @param {unknown} data
   */
  const send = (event, data) => res.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`)
  send('message_start', {
    type: 'message_start',
    message: {
      ...message,
      content: [],
      stop_reason: null,
      stop_sequence: null,
      usage: { ...message.usage, output_tokens: 1 },
    },
  })
  message.content.forEach((block, index) => {
    if (block.type === 'text') {
      send('content_block_start', {
        type: 'content_block_start',
        index,
        content_block: { type: 'text', text: '' },
      })
      if (index === 0) send('ping', { type: 'ping' })
      send('content_block_delta', {
        type: 'content_block_delta',
        index,
        delta: { type: 'text_delta', text: block.text },
      })
    } else {
      send('content_block_start', {
        type: 'content_block_start',
        index,
        content_block: { type: 'tool_use', id: block.id, name: block.name, input: {} },
      })
      if (index === 0) send('ping', { type: 'ping' })
      send('content_block_delta', {
        type: 'content_block_delta',
        index,
        delta: { type: 'input_json_delta', partial_json: JSON.stringify(block.input) },
      })
    }
    send('content_block_stop', { type: 'content_block_stop', index })
  })
  send('message_delta', {
    type: 'message_delta',
    delta: { stop_reason: message.stop_reason, stop_sequence: null },
    usage: { output_tokens: message.usage.output_tokens },
  })
  send('message_stop', { type: 'message_stop' })
  res.end()
}

/**
 * @param {import('node:http').ServerResponse} res
 * @param {number} status
 * @param {unknown} payload
 * @param {boolean} [headOnly]
 */
function sendJson(res, status, payload, headOnly = false) {
  const text = JSON.stringify(payload)
  res.writeHead(status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(text),
    'request-id': makeId('req'),
  })
  res.end(headOnly ? undefined : text)
}

/**
 * Answers with the API's error shape: `{"type":"error","error":{"type":…,"message":…}}`.
 *
 * @param {import('node:http').ServerResponse} res
 * @param {number} status
 * @param {string} errorType
 * @param {string} message
 */
function sendError(res, status, errorType, message) {
  sendJson(res, status, {
    type: 'error',
    error: { type: errorType, message },
    request_id: makeId('req'),
  })
}

/**
 * The `tool_result` blocks of a request's last user message, contents flattened to strings.
 *
 * @param {RecordedRequest} request
 * @returns {ToolResult[]}
 */
export function toolResultBlocksOf(request) {
  const messages = request.body?.messages
  if (!Array.isArray(messages)) return []
  const last = [...messages].reverse().find((message) => message?.role === 'user')
  if (!last || !Array.isArray(last.content)) return []
  return last.content
    .filter((/** @type {any} */ block) => block?.type === 'tool_result')
    .map((/** @type {any} */ block) => ({
      toolUseId: String(block.tool_use_id),
      isError: block.is_error === true,
      content: flatten(block.content),
    }))
}

/**
 * The contents of the `tool_result` blocks of a request's last user message, as strings.
 *
 * @param {RecordedRequest} request
 * @returns {string[]}
 */
export function toolResultsOf(request) {
  return toolResultBlocksOf(request).map((result) => result.content)
}

/**
 * The last tool result the fake model received: the last `tool_result` of its last main-loop
 * request, or `undefined` when there is none.
 *
 * @param {Pick<FakeAnthropic, 'mainRequests'>} fake
 * @returns {string | undefined}
 */
export function lastToolResult(fake) {
  const last = fake.mainRequests.at(-1)
  return last ? toolResultsOf(last).at(-1) : undefined
}

/**
 * @param {unknown} content
 * @returns {string}
 */
function flatten(content) {
  if (typeof content === 'string') return content
  if (!Array.isArray(content)) return ''
  return content
    .map((part) =>
      part?.type === 'text' && typeof part.text === 'string'
        ? part.text
        : `[${String(part?.type)}]`,
    )
    .join('\n')
}
