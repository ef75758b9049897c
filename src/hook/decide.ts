/**
 * The policy hook's decision for one tool call: allow or deny, with a reason, by the tool, the
 * real path it would touch (symlinks resolved), the write roots, the read denials and the allowed
 * domains. Pure: the only I/O is the `realpath` the caller passes in. Tools are checked in a fixed
 * order: enabled at all, then by family (read, write, search, Bash, WebFetch, WebSearch, no
 * access); anything else is refused.
 */
import path from 'node:path'
import picomatch from 'picomatch'
import type { HookPolicy } from '../types/hook-policy.js'

/** A PreToolUse call as the CLI sends it on the hook's stdin (the fields the policy reads). */
export interface ToolCall {
  tool_name: string
  tool_input: Record<string, unknown>
  tool_use_id?: string
  cwd?: string
}

/** The hook's decision for one tool call. `target` is what was looked at (path, URL, command). */
export interface Decision {
  allow: boolean
  reason: string
  target: string
}

/** Resolves a path the way the OS would when the tool opens it (symlinks followed). */
export type RealPath = (p: string) => string

const FILE_TOOLS_READ = new Set(['Read'])
const FILE_TOOLS_WRITE = new Set(['Write', 'Edit', 'MultiEdit', 'NotebookEdit'])
const SEARCH_TOOLS = new Set(['Glob', 'Grep'])
const NO_ACCESS_TOOLS = new Set(['TodoWrite'])

function isUnder(child: string, parent: string): boolean {
  if (parent === '/') return true
  return child === parent || child.startsWith(parent.endsWith('/') ? parent : `${parent}/`)
}

function str(value: unknown): string | null {
  return typeof value === 'string' ? value : null
}

/** What every step of one decision needs: the policy, where relative paths start, the resolver. */
interface Context {
  policy: HookPolicy
  cwd: string
  realpath: RealPath
  /** Whether a path segment matches one of the policy's denied names. */
  deniedName: (name: string) => boolean
}

/**
 * Decides one tool call. Pure apart from `realpath`. Fails closed: an unknown tool, a missing or
 * odd argument, or any path that resolves into a denied place is refused with a reason the model
 * (and the report) can read.
 */
export function decide(policy: HookPolicy, call: ToolCall, realpath: RealPath): Decision {
  const tool = call.tool_name
  const input = call.tool_input
  if (!policy.tools.includes(tool)) {
    return {
      allow: false,
      reason: `the tool ${tool} is not enabled by Airlock's policy`,
      target: tool,
    }
  }
  const context: Context = {
    policy,
    cwd: call.cwd ?? policy.writeRoots[0] ?? '/',
    realpath,
    deniedName: picomatch(policy.denyNames, { dot: true, nocase: true }),
  }
  if (FILE_TOOLS_READ.has(tool)) return decideRead(context, input)
  if (FILE_TOOLS_WRITE.has(tool)) return decideWrite(context, tool, input)
  if (SEARCH_TOOLS.has(tool)) return checkRead(context, str(input.path) ?? context.cwd)
  if (tool === 'Bash') return decideBash(input)
  if (tool === 'WebFetch') return decideWebFetch(policy, input)
  if (tool === 'WebSearch') return decideWebSearch(policy, input)
  if (NO_ACCESS_TOOLS.has(tool))
    return { allow: true, reason: 'no file or network access', target: tool }
  return {
    allow: false,
    reason: `the tool ${tool} is not covered by Airlock's policy`,
    target: tool,
  }
}

/**
 * May a file tool read `raw`? Not when its real path is under a denied folder, nor when a name
 * on the way (inside a write root), or the name it was asked by, matches a denied name.
 */
function checkRead(context: Context, raw: string): Decision {
  const { policy, deniedName } = context
  const real = context.realpath(path.resolve(context.cwd, raw))
  for (const denied of policy.denyRead) {
    if (isUnder(real, denied))
      return { allow: false, reason: `reading ${denied} is not allowed`, target: raw }
  }
  if (
    namesUnder(real, policy.writeRoots).some((name) => deniedName(name)) ||
    deniedName(path.basename(raw))
  ) {
    return {
      allow: false,
      reason: 'reading environment, credential and secret files is not allowed',
      target: raw,
    }
  }
  return { allow: true, reason: 'read allowed', target: raw }
}

/** `Read`: the read check on `file_path`. */
function decideRead(context: Context, input: Record<string, unknown>): Decision {
  const file = str(input.file_path)
  if (file === null) return { allow: false, reason: 'Read needs a file_path', target: '' }
  return checkRead(context, file)
}

/**
 * `Write`, `Edit`, `MultiEdit`, `NotebookEdit`: what may not be read may not be written either;
 * then the real path must be outside every denied folder and inside a write root.
 */
function decideWrite(context: Context, tool: string, input: Record<string, unknown>): Decision {
  const { policy } = context
  const file = str(input.file_path) ?? str(input.notebook_path)
  if (file === null) return { allow: false, reason: `${tool} needs a file path`, target: '' }
  const read = checkRead(context, file)
  if (!read.allow) return { ...read, reason: read.reason.replace('reading', 'writing') }
  const real = context.realpath(path.resolve(context.cwd, file))
  for (const denied of policy.denyWrite) {
    if (isUnder(real, denied))
      return { allow: false, reason: `writing ${denied} is not allowed`, target: file }
  }
  if (!policy.writeRoots.some((root) => isUnder(real, root))) {
    return {
      allow: false,
      reason: 'writing outside the workspace and the temp folder is not allowed',
      target: file,
    }
  }
  return { allow: true, reason: 'write inside an allowed root', target: file }
}

/** `Bash`: allowed inside the OS sandbox, never with `dangerouslyDisableSandbox`. */
function decideBash(input: Record<string, unknown>): Decision {
  const command = str(input.command)
  if (command === null) return { allow: false, reason: 'Bash needs a command', target: '' }
  if (input.dangerouslyDisableSandbox !== undefined && input.dangerouslyDisableSandbox !== false) {
    return { allow: false, reason: 'commands may not leave the OS sandbox', target: command }
  }
  return { allow: true, reason: 'runs inside the OS sandbox', target: command }
}

/** `WebFetch`: the URL's host must match an allowed domain. */
function decideWebFetch(policy: HookPolicy, input: Record<string, unknown>): Decision {
  const raw = str(input.url) ?? ''
  let host: string
  try {
    host = new URL(raw).hostname.toLowerCase()
  } catch {
    return { allow: false, reason: 'WebFetch needs a valid URL', target: raw }
  }
  if (policy.allowedDomains.some((domain) => domainMatches(host, domain))) {
    return { allow: true, reason: `host ${host} is allowed`, target: raw }
  }
  return { allow: false, reason: `host ${host} is not in allowed-domains`, target: raw }
}

/** `WebSearch`: only when limited (`allowed_domains`, not empty) to allowed domains. */
function decideWebSearch(policy: HookPolicy, input: Record<string, unknown>): Decision {
  const domains: unknown[] = Array.isArray(input.allowed_domains) ? input.allowed_domains : []
  const query = str(input.query) ?? ''
  if (
    domains.length === 0 ||
    !domains.every(
      (d) => typeof d === 'string' && policy.allowedDomains.some((a) => domainMatches(d, a)),
    )
  ) {
    return {
      allow: false,
      reason: 'WebSearch must be limited (allowed_domains) to allowed domains',
      target: query,
    }
  }
  return { allow: true, reason: 'search limited to allowed domains', target: query }
}

const HOST_NAME = /^(\*\.)?[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*\.?$/i

/**
 * The path segments of `real` that name files or folders inside one of `roots` (the workspace's
 * `secrets/` folder counts, the machine's `/tmp` above it does not); the base name when `real`
 * is under no root.
 */
function namesUnder(real: string, roots: readonly string[]): string[] {
  const root = roots.find((r) => isUnder(real, r))
  if (root === undefined || root === real) return [path.basename(real)]
  return path.relative(root, real).split('/')
}

/** `domain` is a host name or `*.suffix`; matching is case-insensitive and exact per label. */
export function domainMatches(host: string, domain: string): boolean {
  if (!HOST_NAME.test(host)) return false
  const h = host.toLowerCase().replace(/\.$/, '')
  const d = domain.toLowerCase()
  if (d.startsWith('*.')) return h.endsWith(d.slice(1)) && h.length > d.length - 1
  return h === d
}
