/**
 * The managed settings checked before they are written: the CLI silently drops a managed settings
 * file that fails its own schema (deny rules and all), so Airlock refuses to write one that would
 * fail it, or one that would not hold the lock. Pure.
 */
type Shape = 'boolean' | 'string' | 'number' | 'string[]' | { [key: string]: Shape } | [Shape]

/**
 * The subset of the CLI's settings schema (2.1.197) that the lock uses. The CLI silently drops a
 * managed settings file that fails its own validation, deny rules and all, so what we write is
 * checked against this first.
 */
const HOOK_SHAPE: Shape = { type: 'string', command: 'string', timeout: 'number' }
const SETTINGS_SHAPE: Shape = {
  permissions: { deny: 'string[]' },
  allowManagedHooksOnly: 'boolean',
  allowManagedPermissionRulesOnly: 'boolean',
  hooks: {
    PreToolUse: [{ matcher: 'string', hooks: [HOOK_SHAPE] }],
    SessionStart: [{ hooks: [HOOK_SHAPE] }],
  },
  sandbox: {
    enabled: 'boolean',
    failIfUnavailable: 'boolean',
    allowUnsandboxedCommands: 'boolean',
    autoAllowBashIfSandboxed: 'boolean',
    enableWeakerNestedSandbox: 'boolean',
    bwrapPath: 'string',
    network: {
      allowedDomains: 'string[]',
      allowManagedDomainsOnly: 'boolean',
      allowUnixSockets: 'string[]',
      allowAllUnixSockets: 'boolean',
      allowLocalBinding: 'boolean',
    },
    filesystem: { allowWrite: 'string[]', denyWrite: 'string[]', denyRead: 'string[]' },
    credentials: { envVars: [{ name: 'string', mode: 'string' }] },
  },
}

/** Keys the lock may leave out; every other key of the shape must be present. */
const OPTIONAL_KEYS: ReadonlySet<string> = new Set(['enableWeakerNestedSandbox', 'bwrapPath'])

function check(value: unknown, shape: Shape, at: string, problems: string[]): void {
  if (shape === 'string[]') {
    if (!Array.isArray(value) || value.some((v) => typeof v !== 'string'))
      problems.push(`${at} must be a list of strings`)
  } else if (typeof shape === 'string') {
    if (typeof value !== shape) problems.push(`${at} must be a ${shape}`)
  } else if (Array.isArray(shape)) {
    if (!Array.isArray(value)) {
      problems.push(`${at} must be a list`)
      return
    }
    value.forEach((item, i) => {
      check(item, shape[0], `${at}[${i}]`, problems)
    })
  } else {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      problems.push(`${at} must be an object`)
      return
    }
    for (const [key, child] of Object.entries(value)) {
      const childShape = shape[key]
      if (childShape === undefined) problems.push(`${at}.${key} is not a key the lock may set`)
      else check(child, childShape, `${at}.${key}`, problems)
    }
    for (const key of Object.keys(shape)) {
      if (!(key in value) && !OPTIONAL_KEYS.has(key)) problems.push(`${at}.${key} is missing`)
    }
  }
}

/**
 * Validates a settings object before it is written. Returns the problems found (empty when valid).
 * Also refuses a lock that would not hold: sandbox on without `failIfUnavailable`, unsandboxed
 * commands allowed, network not managed-only, hooks not managed-only.
 */
export function validateManagedSettings(value: unknown): string[] {
  const problems: string[] = []
  check(value, SETTINGS_SHAPE, 'settings', problems)
  if (problems.length > 0) return problems
  const settings = value as {
    allowManagedHooksOnly: boolean
    allowManagedPermissionRulesOnly: boolean
    hooks: { PreToolUse: unknown[]; SessionStart: unknown[] }
    sandbox: {
      enabled: boolean
      failIfUnavailable: boolean
      allowUnsandboxedCommands: boolean
      network: { allowManagedDomainsOnly: boolean }
    }
  }
  if (!settings.allowManagedHooksOnly) problems.push('settings.allowManagedHooksOnly must be true')
  if (!settings.allowManagedPermissionRulesOnly)
    problems.push('settings.allowManagedPermissionRulesOnly must be true')
  if (settings.sandbox.enabled && !settings.sandbox.failIfUnavailable) {
    problems.push('settings.sandbox.failIfUnavailable must be true when the sandbox is on')
  }
  if (settings.sandbox.allowUnsandboxedCommands)
    problems.push('settings.sandbox.allowUnsandboxedCommands must be false')
  if (!settings.sandbox.network.allowManagedDomainsOnly) {
    problems.push('settings.sandbox.network.allowManagedDomainsOnly must be true')
  }
  const hookCount = (groups: unknown[]): number =>
    groups.reduce<number>((n, group) => n + (group as { hooks: unknown[] }).hooks.length, 0)
  if (hookCount(settings.hooks.PreToolUse) === 0 || hookCount(settings.hooks.SessionStart) === 0) {
    problems.push('settings.hooks must run the policy hook')
  }
  return problems
}
