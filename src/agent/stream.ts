/**
 * Reads the CLI's `--output-format stream-json` output: what the session reported (its start,
 * tool calls and results, refusals, the result) and one readable log line per event. Pure.
 *
 * A line that is not a JSON event is kept as the CLI's own message, never dropped; only the CLI's
 * own refusal texts count as denials, so a command's output cannot fake one.
 */
import type { Denial } from '../types/stages.js'

/** One parsed `--output-format stream-json` event (the fields Airlock reads). */
export interface StreamEvent {
  type: string
  subtype?: string
  [key: string]: unknown
}

/** What the stream has told so far. Updated in place by {@link StreamState.push}. */
export class StreamState {
  init: { tools: string[]; permissionMode: string; model: string } | null = null
  /** Tool calls seen, in order. */
  readonly toolUses: { id: string; name: string; input: unknown }[] = []
  /** Tool-use ids whose result came back. */
  readonly toolResults: string[] = []
  result: {
    subtype: string
    isError: boolean
    numTurns: number | null
    costUsd: number | null
    text: string | null
    apiErrorStatus: number | null
    errors: string[]
  } | null = null
  readonly denials: Denial[] = []
  /** Lines that were not JSON (the CLI's own messages). */
  readonly otherLines: string[] = []

  readonly #deniedIds = new Set<string>()

  /**
   * A tool result the CLI refused by a deny rule (some such refusals, Read-path denials among
   * them, never reach the result's `permission_denials`) or that the policy hook blocked.
   */
  #noteDenial(toolUseId: string, text: string): void {
    // Only the CLI's own refusal texts count: a command's output cannot fake one, because a
    // command's result never starts with these. The policy hook's refusals come from its log.
    const byRule =
      /^Permission to [\s\S]* has been denied/.test(text) ||
      /^<tool_use_error>[^<]*denied by your permission settings/.test(text)
    if (!byRule) return
    const call = this.toolUses.find((use) => use.id === toolUseId)
    this.#deniedIds.add(toolUseId)
    this.denials.push({
      source: 'cli',
      toolUseId,
      tool: call?.name ?? '?',
      target: describeToolInput(call?.input),
      reason: 'denied by a permission rule',
    })
  }

  /** Reads one line of the stream; returns the event, or null when the line is not JSON. */
  push(line: string): StreamEvent | null {
    const trimmed = line.trim()
    if (trimmed === '') return null
    let event: StreamEvent
    try {
      const parsed: unknown = JSON.parse(trimmed)
      if (
        typeof parsed !== 'object' ||
        parsed === null ||
        typeof (parsed as StreamEvent).type !== 'string'
      ) {
        throw new Error('not an event')
      }
      event = parsed as StreamEvent
    } catch {
      this.otherLines.push(trimmed.slice(0, 2000))
      return null
    }
    if (event.type === 'system' && event.subtype === 'init') {
      this.init = {
        tools: Array.isArray(event.tools)
          ? event.tools.filter((t): t is string => typeof t === 'string')
          : [],
        permissionMode: typeof event.permissionMode === 'string' ? event.permissionMode : '',
        model: typeof event.model === 'string' ? event.model : '',
      }
    }
    for (const block of contentBlocks(event)) {
      if (event.type === 'assistant' && block.type === 'tool_use' && typeof block.id === 'string') {
        this.toolUses.push({
          id: block.id,
          name: typeof block.name === 'string' ? block.name : '?',
          input: block.input,
        })
      }
      if (
        event.type === 'user' &&
        block.type === 'tool_result' &&
        typeof block.tool_use_id === 'string'
      ) {
        this.toolResults.push(block.tool_use_id)
        if (block.is_error === true) this.#noteDenial(block.tool_use_id, resultText(block.content))
      }
    }
    if (event.type === 'result') {
      this.result = {
        subtype: typeof event.subtype === 'string' ? event.subtype : 'unknown',
        isError: event.is_error === true,
        numTurns: typeof event.num_turns === 'number' ? event.num_turns : null,
        costUsd: typeof event.total_cost_usd === 'number' ? event.total_cost_usd : null,
        text: typeof event.result === 'string' ? event.result : null,
        apiErrorStatus: typeof event.api_error_status === 'number' ? event.api_error_status : null,
        errors: Array.isArray(event.errors)
          ? event.errors.filter((e): e is string => typeof e === 'string')
          : [],
      }
      if (Array.isArray(event.permission_denials)) {
        for (const denial of event.permission_denials as unknown[]) {
          if (typeof denial !== 'object' || denial === null) continue
          const d = denial as { tool_name?: unknown; tool_input?: unknown }
          const id = (denial as { tool_use_id?: unknown }).tool_use_id
          if (typeof id === 'string' && this.#deniedIds.has(id)) continue
          this.denials.push({
            source: 'cli',
            ...(typeof id === 'string' ? { toolUseId: id } : {}),
            tool: typeof d.tool_name === 'string' ? d.tool_name : '?',
            target: describeToolInput(d.tool_input),
            reason: 'denied by a permission rule',
          })
        }
      }
    }
    return event
  }
}

interface Block {
  type?: unknown
  id?: unknown
  name?: unknown
  input?: unknown
  text?: unknown
  tool_use_id?: unknown
  content?: unknown
  is_error?: unknown
}

/** The text of a tool result's content (a string or a list of text blocks). */
export function resultText(content: unknown): string {
  if (typeof content === 'string') return content
  if (!Array.isArray(content)) return ''
  return content
    .map((c: unknown) =>
      typeof c === 'object' && c !== null && typeof (c as Block).text === 'string'
        ? String((c as Block).text)
        : '',
    )
    .join(' ')
}

function contentBlocks(event: StreamEvent): Block[] {
  const message = event.message as { content?: unknown } | null | undefined
  if (typeof message !== 'object' || message === null || !Array.isArray(message.content)) return []
  return message.content.filter((b): b is Block => typeof b === 'object' && b !== null)
}

/** The part of a tool input a reader needs: the command, path, URL or query. */
export function describeToolInput(input: unknown): string {
  if (typeof input !== 'object' || input === null) return ''
  const i = input as Record<string, unknown>
  for (const key of [
    'command',
    'file_path',
    'notebook_path',
    'url',
    'pattern',
    'query',
    'path',
    'description',
  ]) {
    const value = i[key]
    if (typeof value === 'string') return value.length > 300 ? `${value.slice(0, 300)}…` : value
  }
  return ''
}

function oneLine(text: string, max = 200): string {
  const flat = text.replace(/\s+/g, ' ').trim()
  return flat.length > max ? `${flat.slice(0, max)}…` : flat
}

/**
 * One readable log line per event (tool calls as `→ Tool: target`, results as `← …`), or null
 * for events not worth a line. The caller redacts and fences it.
 */
export function renderEvent(event: StreamEvent): string[] {
  const lines: string[] = []
  if (event.type === 'system' && event.subtype === 'init') {
    const tools = Array.isArray(event.tools) ? event.tools.join(', ') : ''
    lines.push(
      oneLine(
        `· session started (model ${String(event.model)}, mode ${String(event.permissionMode)}, tools: ${tools})`,
        1000,
      ),
    )
  } else if (event.type === 'system' && event.subtype === 'api_retry') {
    lines.push(
      `· model API error (${String(event.error_status ?? event.error)}), retry ${String(event.attempt)}/${String(event.max_retries)}`,
    )
  } else if (event.type === 'assistant') {
    for (const block of contentBlocks(event)) {
      if (block.type === 'text' && typeof block.text === 'string' && block.text.trim() !== '') {
        lines.push(`agent: ${oneLine(block.text, 500)}`)
      } else if (block.type === 'tool_use') {
        lines.push(
          `→ ${oneLine(String(block.name), 60)}: ${oneLine(describeToolInput(block.input))}`,
        )
      }
    }
  } else if (event.type === 'user') {
    for (const block of contentBlocks(event)) {
      if (block.type !== 'tool_result') continue
      const content = resultText(block.content)
      lines.push(`${block.is_error === true ? '✗' : '←'} ${oneLine(content)}`)
    }
  } else if (event.type === 'result') {
    lines.push(
      `· finished: ${String(event.subtype)}${event.is_error === true ? ' (error)' : ''}, ${String(event.num_turns)} turns, $${typeof event.total_cost_usd === 'number' ? event.total_cost_usd.toFixed(4) : '?'}`,
    )
  }
  return lines
}
