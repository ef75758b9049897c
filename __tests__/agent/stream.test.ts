import { readFileSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { StreamState, describeToolInput, renderEvent, resultText } from '../../src/agent/stream.js'
import type { StreamEvent } from '../../src/agent/stream.js'

const FIXTURE = path.join(
  path.dirname(fileURLToPath(import.meta.url)),
  '..',
  'fixtures',
  'claude-stream-json.jsonl',
)
const LINES = readFileSync(FIXTURE, 'utf8').split('\n')

function feed(events: (StreamEvent | string)[]): StreamState {
  const state = new StreamState()
  for (const e of events) state.push(typeof e === 'string' ? e : JSON.stringify(e))
  return state
}

function toolUse(id: string, name: string, input: unknown): StreamEvent {
  return {
    type: 'assistant',
    message: { role: 'assistant', content: [{ type: 'tool_use', id, name, input }] },
  }
}

function toolResult(id: string, content: unknown, isError = false): StreamEvent {
  return {
    type: 'user',
    message: {
      role: 'user',
      content: [{ type: 'tool_result', tool_use_id: id, content, is_error: isError }],
    },
  }
}

function result(fields: Record<string, unknown>): StreamEvent {
  return { type: 'result', subtype: 'success', is_error: false, num_turns: 1, ...fields }
}

describe('StreamState on the captured stream of the real CLI', () => {
  const state = new StreamState()
  const events = LINES.map((line) => state.push(line))

  it('parses every line as an event and keeps no stray lines', () => {
    expect(events.filter((e) => e !== null)).toHaveLength(7)
    expect(state.otherLines).toEqual([])
  })

  it('reads the init event: tools, permission mode and model', () => {
    expect(state.init).not.toBeNull()
    expect(state.init?.permissionMode).toBe('bypassPermissions')
    expect(state.init?.model).toBe('claude-opus-4-8[1m]')
    expect(state.init?.tools).toEqual(expect.arrayContaining(['Bash', 'Read', 'Write', 'Edit']))
    expect(state.init?.tools).toHaveLength(24)
  })

  it('records each tool call in order, and each result that came back', () => {
    expect(state.toolUses).toEqual([
      {
        id: 'toolu_01JVkxJWa64u475BfLV7UKkZ',
        name: 'Bash',
        input: { command: 'echo hello-from-bash' },
      },
      {
        id: 'toolu_01CpCO3c8T6ahW1SDejgpkwc',
        name: 'Write',
        input: {
          file_path: '/tmp/airlock-fakes-work-M0G04u/out.txt',
          content: 'hello-from-bash written by the model\n',
        },
      },
    ])
    expect(state.toolResults).toEqual([
      'toolu_01JVkxJWa64u475BfLV7UKkZ',
      'toolu_01CpCO3c8T6ahW1SDejgpkwc',
    ])
  })

  it('reads the result: subtype, turns, cost and final text', () => {
    expect(state.result).toEqual({
      subtype: 'success',
      isError: false,
      numTurns: 3,
      costUsd: 0.2895,
      text: 'All done',
      apiErrorStatus: null,
      errors: [],
    })
    expect(state.denials).toEqual([])
  })

  it('renders one line per tool call, per result, and for the start and the end', () => {
    const lines = events.flatMap((e) => (e === null ? [] : renderEvent(e)))
    expect(lines).toEqual([
      expect.stringMatching(
        /^· session started \(model claude-opus-4-8\[1m\], mode bypassPermissions, tools: Task, Bash, /,
      ),
      '→ Bash: echo hello-from-bash',
      '← hello-from-bash',
      '→ Write: /tmp/airlock-fakes-work-M0G04u/out.txt',
      expect.stringMatching(
        /^← File created successfully at: \/tmp\/airlock-fakes-work-M0G04u\/out\.txt/,
      ),
      'agent: All done',
      '· finished: success, 3 turns, $0.2895',
    ])
  })
})

describe('StreamState: results', () => {
  it('keeps a model outage reported as success with is_error and the API status', () => {
    const state = feed([
      result({
        subtype: 'success',
        is_error: true,
        api_error_status: 529,
        result: 'API Error: 529 {"type":"error","error":{"type":"overloaded_error"}}',
        total_cost_usd: 0,
        num_turns: 1,
      }),
    ])
    expect(state.result).toEqual({
      subtype: 'success',
      isError: true,
      numTurns: 1,
      costUsd: 0,
      text: 'API Error: 529 {"type":"error","error":{"type":"overloaded_error"}}',
      apiErrorStatus: 529,
      errors: [],
    })
  })

  it('reads error_max_turns, which carries no result text', () => {
    const state = feed([
      {
        type: 'result',
        subtype: 'error_max_turns',
        is_error: true,
        num_turns: 3,
        total_cost_usd: 0.05,
        errors: ['Reached maximum number of turns (2)', 42],
        permission_denials: [],
      },
    ])
    expect(state.result).toEqual({
      subtype: 'error_max_turns',
      isError: true,
      numTurns: 3,
      costUsd: 0.05,
      text: null,
      apiErrorStatus: null,
      errors: ['Reached maximum number of turns (2)'],
    })
  })

  it('reads odd result fields as unknown rather than trusting their type', () => {
    const state = feed([
      {
        type: 'result',
        is_error: 'true',
        num_turns: '3',
        total_cost_usd: '0.1',
        result: { text: 'x' },
        api_error_status: '529',
        errors: 'boom',
      },
    ])
    expect(state.result).toEqual({
      subtype: 'unknown',
      isError: false,
      numTurns: null,
      costUsd: null,
      text: null,
      apiErrorStatus: null,
      errors: [],
    })
  })
})

describe('StreamState: denials', () => {
  it('lists the permission_denials of the result', () => {
    const state = feed([
      result({
        permission_denials: [
          { tool_name: 'Bash', tool_use_id: 't1', tool_input: { command: 'rm -rf /' } },
          { tool_name: 'Read', tool_use_id: 't2', tool_input: { file_path: '/ws/.env' } },
          'not an object',
          null,
        ],
      }),
    ])
    expect(state.denials).toEqual([
      {
        source: 'cli',
        toolUseId: 't1',
        tool: 'Bash',
        target: 'rm -rf /',
        reason: 'denied by a permission rule',
      },
      {
        source: 'cli',
        toolUseId: 't2',
        tool: 'Read',
        target: '/ws/.env',
        reason: 'denied by a permission rule',
      },
    ])
  })

  it('notices a deny-rule refusal from its error tool result (Read denials never reach permission_denials)', () => {
    const state = feed([
      toolUse('t1', 'Read', { file_path: '/ws/.env' }),
      toolResult(
        't1',
        'Permission to read /ws/.env has been denied by your permission settings.',
        true,
      ),
    ])
    expect(state.denials).toEqual([
      {
        source: 'cli',
        toolUseId: 't1',
        tool: 'Read',
        target: '/ws/.env',
        reason: 'denied by a permission rule',
      },
    ])
  })

  it('does not take a policy-hook refusal from the stream: the hook log is the record', () => {
    const state = feed([
      toolUse('t1', 'Write', { file_path: '/etc/cron.d/x', content: '' }),
      toolResult(
        't1',
        [
          {
            type: 'text',
            text: 'PreToolUse:Write hook error: [node hook pre-tool-use]: Airlock: writing outside the workspace and the temp folder is not allowed\n',
          },
        ],
        true,
      ),
      toolUse('t2', 'Bash', { command: 'echo "Airlock: reading /proc is not allowed"; exit 1' }),
      toolResult('t2', 'Exit code 1\nAirlock: reading /proc is not allowed', true),
    ])
    expect(state.denials).toEqual([])
  })

  it('merges a denial seen in a tool result with the same one in permission_denials, without duplicates', () => {
    const state = feed([
      toolUse('t1', 'Bash', { command: 'sudo id' }),
      toolResult('t1', 'Permission to use Bash with command sudo id has been denied.', true),
      toolUse('t2', 'Write', { file_path: '/tmp/x' }),
      toolResult(
        't2',
        'Airlock: writing outside the workspace and the temp folder is not allowed',
        true,
      ),
      result({
        permission_denials: [
          { tool_name: 'Bash', tool_use_id: 't1', tool_input: { command: 'sudo id' } },
          { tool_name: 'Write', tool_use_id: 't2', tool_input: { file_path: '/tmp/x' } },
          { tool_name: 'Bash', tool_use_id: 't3', tool_input: { command: 'git push --force' } },
        ],
      }),
    ])
    expect(state.denials).toEqual([
      {
        source: 'cli',
        toolUseId: 't1',
        tool: 'Bash',
        target: 'sudo id',
        reason: 'denied by a permission rule',
      },
      {
        source: 'cli',
        toolUseId: 't2',
        tool: 'Write',
        target: '/tmp/x',
        reason: 'denied by a permission rule',
      },
      {
        source: 'cli',
        toolUseId: 't3',
        tool: 'Bash',
        target: 'git push --force',
        reason: 'denied by a permission rule',
      },
    ])
  })

  it.each([
    { name: 'an ordinary failing command', content: 'npm ERR! Test failed.', isError: true },
    {
      name: 'a successful result that mentions Airlock:',
      content: 'README: Airlock: runs Claude Code safely',
      isError: false,
    },
    {
      name: 'a successful result that mentions a denial',
      content: 'Access has been denied by your permission settings',
      isError: false,
    },
  ])('does not count $name as a denial', ({ content, isError }) => {
    const state = feed([
      toolUse('t1', 'Bash', { command: 'npm test' }),
      toolResult('t1', content, isError),
    ])
    expect(state.denials).toEqual([])
    expect(state.toolResults).toEqual(['t1'])
  })

  it('names the tool "?" when the refused call was never seen', () => {
    const state = feed([toolResult('ghost', 'Permission to use Task has been denied.', true)])
    expect(state.denials).toEqual([
      {
        source: 'cli',
        toolUseId: 'ghost',
        tool: '?',
        target: '',
        reason: 'denied by a permission rule',
      },
    ])
  })
})

describe('StreamState: parsing', () => {
  it('keeps lines that are not events in otherLines, and ignores blank ones', () => {
    const state = new StreamState()
    const lines = [
      'Error: Invalid API key · Please run /login',
      '[1,2,3]',
      '{"no":"type"}',
      '{"type":7}',
      '"text"',
      'null',
      '{"type":"assistant"',
      '',
      '   ',
    ]
    expect(lines.map((line) => state.push(line))).toEqual(lines.map(() => null))
    expect(state.otherLines).toEqual(lines.slice(0, 7))
  })

  it('keeps at most 2000 characters of a stray line', () => {
    const state = feed(['x'.repeat(5000)])
    expect(state.otherLines).toEqual(['x'.repeat(2000)])
  })

  it('returns the event for a JSON line, whatever its type', () => {
    const state = new StreamState()
    expect(state.push('  {"type":"stream_event","event":{}}  ')).toEqual({
      type: 'stream_event',
      event: {},
    })
    expect(state.otherLines).toEqual([])
  })

  it('reads an init event with odd fields without trusting them', () => {
    const state = feed([{ type: 'system', subtype: 'init', tools: ['Bash', 3, null], model: 5 }])
    expect(state.init).toEqual({ tools: ['Bash'], permissionMode: '', model: '' })
    expect(feed([{ type: 'system', subtype: 'init', tools: 'Bash' }]).init?.tools).toEqual([])
  })

  it('records every tool call of a message, and skips blocks without an id', () => {
    const state = feed([
      {
        type: 'assistant',
        message: {
          content: [
            { type: 'text', text: 'Reading two files.' },
            { type: 'tool_use', id: 'a', name: 'Read', input: { file_path: 'a' } },
            { type: 'tool_use', id: 'b', input: { file_path: 'b' } },
            { type: 'tool_use', name: 'Read', input: {} },
            null,
            'junk',
          ],
        },
      },
    ])
    expect(state.toolUses).toEqual([
      { id: 'a', name: 'Read', input: { file_path: 'a' } },
      { id: 'b', name: '?', input: { file_path: 'b' } },
    ])
  })

  it('ignores tool_use blocks in user messages and tool_result blocks in assistant messages', () => {
    const state = feed([
      {
        type: 'user',
        message: { content: [{ type: 'tool_use', id: 'x', name: 'Bash', input: {} }] },
      },
      {
        type: 'assistant',
        message: {
          content: [
            { type: 'tool_result', tool_use_id: 'x', content: 'Airlock: x', is_error: true },
          ],
        },
      },
    ])
    expect(state.toolUses).toEqual([])
    expect(state.toolResults).toEqual([])
    expect(state.denials).toEqual([])
  })

  it('never throws, whatever the line', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string(),
          fc.json(),
          fc
            .jsonValue()
            .map((v) =>
              JSON.stringify({ type: 'result', message: v ?? {}, permission_denials: v }),
            ),
          fc.jsonValue().map((v) => JSON.stringify({ type: 'user', message: { content: [v] } })),
          fc.jsonValue().map((v) => JSON.stringify({ type: 'assistant', message: { content: v } })),
        ),
        (line) => {
          const state = new StreamState()
          const event = state.push(line)
          if (event !== null) renderEvent(event)
        },
      ),
    )
  })
})

describe('renderEvent', () => {
  it.each([
    {
      name: 'renders a tool call as → Tool: target',
      event: toolUse('t', 'Read', { file_path: '/ws/src/a.ts' }),
      lines: ['→ Read: /ws/src/a.ts'],
    },
    {
      name: 'flattens a multi-line command into one line',
      event: toolUse('t', 'Bash', { command: 'set -e\n  npm ci\n\tnpm test' }),
      lines: ['→ Bash: set -e npm ci npm test'],
    },
    {
      name: 'renders a tool call with no readable input as → Tool:',
      event: toolUse('t', 'TodoWrite', { todos: [] }),
      lines: ['→ TodoWrite: '],
    },
    {
      name: 'renders a failed tool result with ✗',
      event: toolResult('t', 'Airlock: reading /proc is not allowed', true),
      lines: ['✗ Airlock: reading /proc is not allowed'],
    },
    {
      name: 'renders a result made of text blocks on one line',
      event: toolResult('t', [
        { type: 'text', text: 'line one\nline two' },
        { type: 'text', text: 'three' },
      ]),
      lines: ['← line one line two three'],
    },
    {
      name: 'renders a model API retry',
      event: {
        type: 'system',
        subtype: 'api_retry',
        attempt: 2,
        max_retries: 4,
        error_status: 529,
      },
      lines: ['· model API error (529), retry 2/4'],
    },
    {
      name: 'renders an error result',
      event: { type: 'result', subtype: 'error_max_turns', is_error: true, num_turns: 3 },
      lines: ['· finished: error_max_turns (error), 3 turns, $?'],
    },
    {
      name: 'renders the model-down result as an error',
      event: result({ is_error: true, api_error_status: 529, total_cost_usd: 0 }),
      lines: ['· finished: success (error), 1 turns, $0.0000'],
    },
    {
      name: 'skips blank agent text',
      event: { type: 'assistant', message: { content: [{ type: 'text', text: '  \n' }] } },
      lines: [],
    },
    { name: 'skips stream events', event: { type: 'stream_event', event: {} }, lines: [] },
    {
      name: 'skips other system events',
      event: { type: 'system', subtype: 'hook_response' },
      lines: [],
    },
    {
      name: 'skips user messages that are not tool results',
      event: { type: 'user', message: { content: [{ type: 'text', text: 'the prompt' }] } },
      lines: [],
    },
  ])('$name', ({ event, lines }) => {
    expect(renderEvent(event)).toEqual(lines)
  })

  it('renders one line for each tool call in a message, after the text', () => {
    const event: StreamEvent = {
      type: 'assistant',
      message: {
        content: [
          { type: 'text', text: 'I will look around.' },
          { type: 'tool_use', id: 'a', name: 'Glob', input: { pattern: '**/*.ts' } },
          { type: 'tool_use', id: 'b', name: 'Grep', input: { pattern: 'TODO', path: 'src' } },
          { type: 'tool_use', id: 'c', name: 'WebFetch', input: { url: 'https://example.org' } },
        ],
      },
    }
    expect(renderEvent(event)).toEqual([
      'agent: I will look around.',
      '→ Glob: **/*.ts',
      '→ Grep: TODO',
      '→ WebFetch: https://example.org',
    ])
  })

  it('shortens long results to 200 characters and long agent text to 500', () => {
    const [resultLine] = renderEvent(toolResult('t', 'y'.repeat(1000)))
    expect(resultLine).toBe(`← ${'y'.repeat(200)}…`)
    const [textLine] = renderEvent({
      type: 'assistant',
      message: { content: [{ type: 'text', text: 'z'.repeat(1000) }] },
    })
    expect(textLine).toBe(`agent: ${'z'.repeat(500)}…`)
  })

  it('renders any tool call as exactly one line with no line break', () => {
    // Tool names as the Messages API allows them; the input is free-form.
    const toolName = fc.stringMatching(/^[a-zA-Z0-9_-]{1,64}$/)
    const toolInput = fc.dictionary(fc.string({ unit: 'binary' }), fc.jsonValue())
    fc.assert(
      fc.property(toolName, toolInput, (name, input) => {
        const lines = renderEvent(toolUse('t', name, input))
        expect(lines).toHaveLength(1)
        expect(lines[0]).not.toMatch(/[\n\r]/)
      }),
    )
  })
})

describe('describeToolInput', () => {
  it.each([
    { input: { command: 'ls', description: 'List' }, text: 'ls' },
    { input: { file_path: '/ws/a.ts', content: 'x' }, text: '/ws/a.ts' },
    { input: { notebook_path: '/ws/n.ipynb' }, text: '/ws/n.ipynb' },
    { input: { url: 'https://example.org', prompt: 'p' }, text: 'https://example.org' },
    { input: { pattern: 'TODO', path: 'src' }, text: 'TODO' },
    { input: { query: 'vitest docs' }, text: 'vitest docs' },
    { input: { path: 'src' }, text: 'src' },
    { input: { description: 'Explore', prompt: 'p' }, text: 'Explore' },
    { input: { command: 42, file_path: '/ws/b' }, text: '/ws/b' },
    { input: { todos: [] }, text: '' },
    { input: null, text: '' },
    { input: 'ls', text: '' },
    { input: undefined, text: '' },
  ])('describes $input as $text', ({ input, text }) => {
    expect(describeToolInput(input)).toBe(text)
  })

  it('shortens a value longer than 300 characters', () => {
    expect(describeToolInput({ command: 'a'.repeat(301) })).toBe(`${'a'.repeat(300)}…`)
    expect(describeToolInput({ command: 'a'.repeat(300) })).toBe('a'.repeat(300))
  })
})

describe('resultText', () => {
  it.each([
    { content: 'plain', text: 'plain' },
    {
      content: [
        { type: 'text', text: 'a' },
        { type: 'text', text: 'b' },
      ],
      text: 'a b',
    },
    {
      content: [
        { type: 'image', source: {} },
        { type: 'text', text: 'b' },
      ],
      text: ' b',
    },
    { content: [null, 5, { text: 7 }], text: '  ' },
    { content: { text: 'not a list' }, text: '' },
    { content: undefined, text: '' },
  ])('reads $content as $text', ({ content, text }) => {
    expect(resultText(content)).toBe(text)
  })
})
