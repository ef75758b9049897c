import { mkdirSync, mkdtempSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import fc from 'fast-check'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { decide, domainMatches } from '../../src/hook/decide.js'
import type { RealPath, ToolCall } from '../../src/hook/decide.js'
import { buildLock } from '../../src/lock/policy.js'
import type { LockPaths } from '../../src/lock/policy.js'
import type { HookPolicy } from '../../src/types/hook-policy.js'
import { realpathLoose } from '../../src/hook/realpath.js'

const LOOP = '/proc/airlock-symlink-loop'

function policyFor(paths: Partial<LockPaths> & Pick<LockPaths, 'workspace' | 'home'>): HookPolicy {
  return buildLock(
    {
      allowedDomains: ['example.org', '*.example.com', '127.0.0.1'],
      allowWrite: paths.workspace === '/ws' ? ['/opt/cache'] : [],
      deny: [],
      modelCredential: { name: 'ANTHROPIC_API_KEY', value: 'k' },
    },
    {
      runnerTemp: '/runner/_temp',
      privateDir: '/runner/_temp/airlock-1',
      agentTmp: '/tmp/agent',
      secretFiles: ['/opt/gcp/key.json'],
      runnerFiles: ['/runner/_temp/_runner_file_commands/set_env_1'],
      node: '/usr/bin/node',
      hookScript: '/actions/airlock/dist/hook/index.js',
      ...paths,
    },
    { nonce: 'n', sandbox: 'on' },
  ).hookPolicy
}

/**
 * A realpath over a fixed table of symlinks (link path → target), following links in any
 * component of the path, and giving up after 40 links the way `realpathLoose` does.
 */
function fakeRealpath(links: Record<string, string>): RealPath & { calls: string[] } {
  const calls: string[] = []
  const resolve = (p: string): string => {
    calls.push(p)
    let out = p
    for (let hops = 0; hops <= 40; hops++) {
      const link = Object.keys(links).find((l) => out === l || out.startsWith(`${l}/`))
      if (link === undefined) return out
      out = path.resolve(path.dirname(link), links[link]!) + out.slice(link.length)
    }
    return LOOP
  }
  return Object.assign(resolve, { calls })
}

const POLICY = policyFor({ workspace: '/ws', home: '/home/runner' })
const REALPATH = fakeRealpath({
  '/ws/passwd-link': '/etc/passwd',
  '/ws/key-link': '/home/runner/.ssh/id_rsa',
  '/ws/aws-dir': '/home/runner/.aws',
  '/ws/notes.txt': '.env',
  '/ws/outside': '/var/lib/outside',
  '/ws/to-bashrc': '/home/runner/.bashrc',
  '/ws/git-hooks': '.git/hooks',
  '/ws/docs-link': 'docs',
  '/ws/tmp-link': '/tmp/agent/scratch',
  '/ws/loop-a': 'loop-b',
  '/ws/loop-b': 'loop-a',
  '/ws/environ': '/proc/self/environ',
  '/ws/lock-link': '/etc/claude-code',
})

function call(tool: string, input: Record<string, unknown>, cwd = '/ws'): ToolCall {
  return { tool_name: tool, tool_input: input, tool_use_id: 'toolu_1', cwd }
}

interface Case {
  name: string
  call: ToolCall
  allow: boolean
  reason?: RegExp
}

const fileCases: Case[] = [
  // Reads.
  {
    name: 'allows a Read of a source file',
    call: call('Read', { file_path: '/ws/src/a.ts' }),
    allow: true,
  },
  {
    name: 'resolves a relative Read against cwd',
    call: call('Read', { file_path: 'src/a.ts' }, '/ws/pkg'),
    allow: true,
  },
  {
    name: 'denies a relative Read that climbs from cwd into ~/.ssh',
    call: call('Read', { file_path: '../.ssh/id_rsa' }, '/home/runner/work'),
    allow: false,
    reason: /^reading \/home\/runner\/\.ssh is not allowed$/,
  },
  {
    name: 'denies a Read whose .. segments leave the workspace for a credential store',
    call: call('Read', { file_path: '/ws/src/../../home/runner/.aws/config' }),
    allow: false,
    reason: /reading \/home\/runner\/\.aws/,
  },
  {
    name: 'denies a Read of /proc/self/environ',
    call: call('Read', { file_path: '/proc/self/environ' }),
    allow: false,
    reason: /reading \/proc is not allowed/,
  },
  {
    name: 'denies a Read of /proc itself',
    call: call('Read', { file_path: '/proc' }),
    allow: false,
  },
  {
    name: 'denies a Read of the managed settings',
    call: call('Read', { file_path: '/etc/claude-code/managed-settings.json' }),
    allow: false,
  },
  {
    name: "denies a Read of the action's private folder (the policy and the nonce)",
    call: call('Read', { file_path: '/runner/_temp/airlock-1/policy.json' }),
    allow: false,
  },
  {
    name: "denies a Read of the runner's GITHUB_ENV file",
    call: call('Read', { file_path: '/runner/_temp/_runner_file_commands/set_env_1' }),
    allow: false,
  },
  {
    name: 'denies a Read of a credential file named by the environment',
    call: call('Read', { file_path: '/opt/gcp/key.json' }),
    allow: false,
  },
  {
    name: 'denies a Read of ~/.docker/config.json',
    call: call('Read', { file_path: '/home/runner/.docker/config.json' }),
    allow: false,
  },
  {
    name: 'does not count /home/runner/.ssh-notes as under /home/runner/.ssh',
    call: call('Read', { file_path: '/home/runner/.ssh-notes/todo.md' }),
    allow: true,
  },
  {
    name: 'does not count /procedures as under /proc',
    call: call('Read', { file_path: '/procedures/readme.md' }),
    allow: true,
  },
  // Names.
  ...[
    '/ws/.env',
    '/ws/config/.env.production',
    '/ws/.ENV.Local',
    '/ws/aws_credentials.json',
    '/ws/deploy/Credentials.yml',
    '/ws/client_secret.json',
    '/ws/SECRETS.md',
    '/tmp/agent/.env',
  ].flatMap((file): Case[] => [
    {
      name: `denies a Read of ${file} by its name`,
      call: call('Read', { file_path: file }),
      allow: false,
      reason: /^reading environment, credential and secret files is not allowed$/,
    },
    {
      name: `denies a Write of ${file} by its name`,
      call: call('Write', { file_path: file, content: 'x' }),
      allow: false,
      reason: /^writing environment, credential and secret files is not allowed$/,
    },
  ]),
  ...['/ws/src/environment.ts', '/ws/envoy.yaml', '/ws/docs/env.md'].map((file): Case => ({
    name: `allows ${file}, which only resembles an environment file`,
    call: call('Read', { file_path: file }),
    allow: true,
  })),
  {
    name: 'denies a Read through an innocent-looking link to .env',
    call: call('Read', { file_path: '/ws/notes.txt' }),
    allow: false,
  },
  // Writes.
  {
    name: 'allows a Write inside the workspace',
    call: call('Write', { file_path: '/ws/src/new.ts', content: '' }),
    allow: true,
    reason: /^write inside an allowed root$/,
  },
  {
    name: 'allows a relative Write',
    call: call('Write', { file_path: 'b.txt' }, '/ws/a'),
    allow: true,
  },
  {
    name: 'allows an Edit in the agent temp folder',
    call: call('Edit', { file_path: '/tmp/agent/x' }),
    allow: true,
  },
  {
    name: 'allows a Write under allow-write',
    call: call('Write', { file_path: '/opt/cache/k' }),
    allow: true,
  },
  {
    name: 'denies a Write outside every root',
    call: call('Write', { file_path: '/tmp/outside-write.txt' }),
    allow: false,
    reason: /^writing outside the workspace and the temp folder is not allowed$/,
  },
  {
    name: 'denies a Write to a sibling folder whose name starts with the workspace path',
    call: call('Write', { file_path: '/ws-evil/payload.sh' }),
    allow: false,
  },
  {
    name: 'denies a Write that climbs out with .. from inside the workspace',
    call: call('Write', { file_path: '/ws/a/../../ws-evil/x' }),
    allow: false,
  },
  {
    name: 'denies a relative Write that climbs out of cwd',
    call: call('Write', { file_path: '../../etc/cron.d/job' }, '/ws/src'),
    allow: false,
  },
  {
    name: 'allows .. segments that stay inside the workspace',
    call: call('Write', { file_path: '/ws/a/../b/./c.txt' }),
    allow: true,
  },
  {
    name: 'denies a Write to ~/.bashrc',
    call: call('Write', { file_path: '/home/runner/.bashrc' }),
    allow: false,
  },
  ...[
    '/ws/.git/hooks/pre-commit',
    '/ws/.git/config',
    '/ws/.git/HEAD',
    '/ws/.git/info/attributes',
  ].map((file): Case => ({
    name: `denies a Write into ${file}`,
    call: call('Edit', { file_path: file, old_string: 'a', new_string: 'b' }),
    allow: false,
    reason: /^writing \/ws\/\.git is not allowed$/,
  })),
  {
    name: 'allows a Write to a .gitignore (not inside .git/)',
    call: call('Write', { file_path: '/ws/.gitignore' }),
    allow: true,
  },
  {
    name: 'denies a Write to the managed settings',
    call: call('Write', { file_path: '/etc/claude-code/managed-settings.json' }),
    allow: false,
  },
  {
    name: "denies a Write to the runner's file-command files",
    call: call('Write', { file_path: '/runner/_temp/_runner_file_commands/set_env_1' }),
    allow: false,
  },
  // Symlinks.
  {
    name: 'denies a Write through a symlink in the workspace that points to /etc/passwd',
    call: call('Write', { file_path: '/ws/passwd-link' }),
    allow: false,
    reason: /outside the workspace/,
  },
  {
    name: 'denies a Read through a symlink in the workspace that points to ~/.ssh/id_rsa',
    call: call('Read', { file_path: '/ws/key-link' }),
    allow: false,
    reason: /\/home\/runner\/\.ssh/,
  },
  {
    name: 'denies an Edit through a symlink in the workspace that points to ~/.ssh/id_rsa',
    call: call('Edit', { file_path: 'key-link' }),
    allow: false,
  },
  {
    name: 'denies a Read of a file under a symlinked folder that points to ~/.aws',
    call: call('Read', { file_path: '/ws/aws-dir/config' }),
    allow: false,
  },
  {
    name: 'denies a Write under a symlinked folder that points outside',
    call: call('Write', { file_path: '/ws/outside/new.txt' }),
    allow: false,
  },
  {
    name: 'denies a Write through a symlink to ~/.bashrc',
    call: call('Write', { file_path: '/ws/to-bashrc' }),
    allow: false,
  },
  {
    name: 'denies a Write through a symlink into .git/hooks',
    call: call('Write', { file_path: '/ws/git-hooks/post-checkout' }),
    allow: false,
  },
  {
    name: 'denies a Read through a symlink to /proc/self/environ',
    call: call('Read', { file_path: '/ws/environ' }),
    allow: false,
  },
  {
    name: 'denies a Write through a symlink into /etc/claude-code',
    call: call('Write', { file_path: '/ws/lock-link/managed-settings.d/z.json' }),
    allow: false,
  },
  {
    name: 'allows a Write through a symlink that stays inside the workspace',
    call: call('Write', { file_path: '/ws/docs-link/a.md' }),
    allow: true,
  },
  {
    name: 'allows a Write through a symlink into the agent temp folder',
    call: call('Write', { file_path: '/ws/tmp-link/a' }),
    allow: true,
  },
  {
    name: 'denies a Read of a symlink loop',
    call: call('Read', { file_path: '/ws/loop-a' }),
    allow: false,
  },
  {
    name: 'denies a Write under a symlink loop',
    call: call('Write', { file_path: '/ws/loop-b/file' }),
    allow: false,
  },
  // NotebookEdit.
  {
    name: 'allows a NotebookEdit inside the workspace',
    call: call('NotebookEdit', { notebook_path: '/ws/nb/analysis.ipynb', new_source: '' }),
    allow: true,
  },
  {
    name: 'denies a NotebookEdit outside the workspace',
    call: call('NotebookEdit', { notebook_path: '/home/runner/x.ipynb', new_source: '' }),
    allow: false,
  },
  // Search.
  {
    name: 'allows a Grep in the workspace',
    call: call('Grep', { pattern: 'TODO', path: '/ws/src' }),
    allow: true,
  },
  {
    name: 'allows a Glob with no path (searches cwd)',
    call: call('Glob', { pattern: '**/*.ts' }),
    allow: true,
  },
  {
    name: 'denies a Grep in ~/.aws',
    call: call('Grep', { pattern: 'aws_secret', path: '/home/runner/.aws' }),
    allow: false,
  },
  {
    name: 'denies a Glob in /proc',
    call: call('Glob', { pattern: '*/environ', path: '/proc' }),
    allow: false,
  },
  {
    name: 'denies a Grep through a symlink to ~/.aws',
    call: call('Grep', { pattern: 'key', path: 'aws-dir' }),
    allow: false,
  },
  {
    name: 'denies a Grep of a .env file',
    call: call('Grep', { pattern: 'KEY', path: '/ws/.env' }),
    allow: false,
  },
]

const otherCases: Case[] = [
  // Missing and odd arguments.
  {
    name: 'denies a Read with no file_path',
    call: call('Read', {}),
    allow: false,
    reason: /needs a file_path/,
  },
  {
    name: 'denies a Read whose file_path is a number',
    call: call('Read', { file_path: 7 }),
    allow: false,
  },
  {
    name: 'denies a Read whose file_path is a list',
    call: call('Read', { file_path: ['/ws/a'] }),
    allow: false,
  },
  { name: 'denies a Write with no file_path', call: call('Write', { content: 'x' }), allow: false },
  {
    name: 'denies an Edit whose file_path is null',
    call: call('Edit', { file_path: null }),
    allow: false,
  },
  {
    name: 'denies a NotebookEdit with no notebook_path',
    call: call('NotebookEdit', {}),
    allow: false,
  },
  // Bash.
  {
    name: 'allows a Bash command (the OS sandbox confines it)',
    call: call('Bash', { command: 'npm test' }),
    allow: true,
  },
  {
    name: 'denies a Bash command that asks to leave the sandbox',
    call: call('Bash', { command: 'curl https://evil.io', dangerouslyDisableSandbox: true }),
    allow: false,
    reason: /^commands may not leave the OS sandbox$/,
  },
  {
    name: 'allows a Bash command that explicitly stays in the sandbox',
    call: call('Bash', { command: 'ls', dangerouslyDisableSandbox: false }),
    allow: true,
  },
  // Bookkeeping.
  { name: 'allows TodoWrite', call: call('TodoWrite', { todos: [] }), allow: true },
  // Unknown tools.
  ...['Task', 'MultiEdit', 'mcp__github__create_issue', 'KillShell', 'read', ''].map(
    (tool): Case => ({
      name: `denies ${tool === '' ? 'an empty tool name' : tool}, which the policy does not enable`,
      call: call(tool, { file_path: '/ws/a' }),
      allow: false,
      reason: /is not enabled by Airlock's policy$/,
    }),
  ),
  // WebFetch.
  ...[
    'https://example.org/',
    'https://EXAMPLE.org/path?q=1',
    'https://example.org./',
    'https://api.example.com/v1',
    'https://a.b.example.com',
    'HTTPS://API.EXAMPLE.COM',
    'https://evil.io@example.org/',
    'http://127.0.0.1:8080/x',
    'http://2130706433/',
    'http://0x7f.0.0.1/',
  ].map((url): Case => ({
    name: `allows WebFetch of ${url}`,
    call: call('WebFetch', { url, prompt: 'summarise' }),
    allow: true,
  })),
  ...[
    'https://example.com/',
    'https://evilexample.com/',
    'https://example.com.evil.io/',
    'https://example.org.evil.io/',
    'https://api.example.com.evil.io/',
    'https://example.org@evil.io/',
    'https://example.org:pw@evil.io/',
    'https://evil.io\\@example.org/',
    'https://evil.io#@example.org',
    'https://evil.io?.example.org',
    'https://evil.io/.example.com',
    'https://exämple.org/',
    'http://10.0.0.1/',
    'http://[::1]/',
    'http://169.254.169.254/latest/meta-data/',
    'file:///etc/passwd',
  ].map((url): Case => ({
    name: `denies WebFetch of ${url}`,
    call: call('WebFetch', { url, prompt: 'summarise' }),
    allow: false,
    reason: /is not in allowed-domains$/,
  })),
  ...['not a url', '', '//example.org/', 'example.org'].map((url): Case => ({
    name: `denies WebFetch of '${url}', which is not a URL`,
    call: call('WebFetch', { url }),
    allow: false,
    reason: /^WebFetch needs a valid URL$/,
  })),
  { name: 'denies WebFetch with no url', call: call('WebFetch', { prompt: 'x' }), allow: false },
  // WebSearch.
  {
    name: 'allows WebSearch limited to allowed domains',
    call: call('WebSearch', { query: 'q', allowed_domains: ['example.org', 'docs.example.com'] }),
    allow: true,
  },
  {
    name: 'denies WebSearch with no allowed_domains',
    call: call('WebSearch', { query: 'q' }),
    allow: false,
    reason: /must be limited/,
  },
  {
    name: 'denies WebSearch with an empty allowed_domains',
    call: call('WebSearch', { query: 'q', allowed_domains: [] }),
    allow: false,
  },
  {
    name: 'denies WebSearch when one of its domains is not allowed',
    call: call('WebSearch', { query: 'q', allowed_domains: ['example.org', 'evil.io'] }),
    allow: false,
  },
  {
    name: 'denies WebSearch whose allowed_domains holds no string',
    call: call('WebSearch', { query: 'q', allowed_domains: [42, null] }),
    allow: false,
  },
  {
    name: 'denies WebSearch whose allowed_domains is a string',
    call: call('WebSearch', { query: 'q', allowed_domains: 'example.org' }),
    allow: false,
  },
  {
    name: 'denies WebSearch blocking only some domains (blocked_domains is not a limit)',
    call: call('WebSearch', { query: 'q', blocked_domains: ['evil.io'] }),
    allow: false,
  },
]

describe('decide (fake realpath)', () => {
  it.each([...fileCases, ...otherCases])('$name', ({ call: c, allow, reason }) => {
    const decision = decide(POLICY, c, REALPATH)
    expect(decision.allow).toBe(allow)
    if (reason !== undefined) expect(decision.reason).toMatch(reason)
    expect(decision.reason).not.toBe('')
  })

  it('reports the path as the model gave it as the target', () => {
    expect(decide(POLICY, call('Read', { file_path: 'key-link' }), REALPATH).target).toBe(
      'key-link',
    )
    expect(decide(POLICY, call('Bash', { command: 'ls -la' }), REALPATH).target).toBe('ls -la')
    expect(decide(POLICY, call('WebFetch', { url: 'https://evil.io/x' }), REALPATH).target).toBe(
      'https://evil.io/x',
    )
  })

  it('hands realpath absolute paths only', () => {
    const realpath = fakeRealpath({})
    decide(POLICY, call('Write', { file_path: 'a/../b.txt' }, '/ws/src'), realpath)
    decide(POLICY, call('Glob', { pattern: '*' }, '/ws/pkg'), realpath)
    expect(realpath.calls.length).toBeGreaterThan(0)
    for (const p of realpath.calls) expect(path.isAbsolute(p)).toBe(true)
    expect(realpath.calls).toContain('/ws/src/b.txt')
    expect(realpath.calls).toContain('/ws/pkg')
  })

  it('uses the first write root as cwd when the call carries none', () => {
    const noCwd: ToolCall = { tool_name: 'Write', tool_input: { file_path: 'x.txt' } }
    const realpath = fakeRealpath({})
    expect(decide(POLICY, noCwd, realpath).allow).toBe(true)
    expect(realpath.calls).toContain('/ws/x.txt')
  })

  it('denies a tool the policy enables but does not know how to check', () => {
    const policy = { ...POLICY, tools: [...POLICY.tools, 'Frobnicate'] }
    expect(decide(policy, call('Frobnicate', {}), REALPATH)).toEqual({
      allow: false,
      reason: "the tool Frobnicate is not covered by Airlock's policy",
      target: 'Frobnicate',
    })
  })

  it('denies WebFetch and WebSearch when no domain is allowed', () => {
    const policy = buildLock(
      {
        allowedDomains: [],
        allowWrite: [],
        deny: [],
        modelCredential: { name: 'ANTHROPIC_API_KEY', value: 'k' },
      },
      {
        workspace: '/ws',
        home: '/home/runner',
        runnerTemp: null,
        privateDir: '/p',
        agentTmp: '/t',
        secretFiles: [],
        runnerFiles: [],
        node: '/n',
        hookScript: '/h',
      },
      { nonce: 'n', sandbox: 'on' },
    ).hookPolicy
    const fetch = decide(policy, call('WebFetch', { url: 'https://example.org' }), REALPATH)
    const search = decide(
      policy,
      call('WebSearch', { query: 'q', allowed_domains: ['example.org'] }),
      REALPATH,
    )
    expect([fetch.allow, search.allow]).toEqual([false, false])
  })

  it('never allows a write whose real path is outside every write root or inside a denied place', () => {
    const segment = fc.constantFrom(
      'ws',
      'ws-evil',
      '.git',
      'hooks',
      '..',
      '.',
      'a',
      'tmp',
      'agent',
      'home',
      'runner',
      '.ssh',
      'etc',
      'claude-code',
      'opt',
      'cache',
      'proc',
      'key-link',
      'outside',
      'git-hooks',
      'docs-link',
      'loop-a',
    )
    const filePath = fc
      .tuple(fc.boolean(), fc.array(segment, { minLength: 1, maxLength: 6 }))
      .map(([absolute, parts]) => (absolute ? '/' : '') + parts.join('/'))
    fc.assert(
      fc.property(filePath, fc.constantFrom('Write', 'Edit', 'NotebookEdit'), (file, tool) => {
        const key = tool === 'NotebookEdit' ? 'notebook_path' : 'file_path'
        const decision = decide(POLICY, call(tool, { [key]: file }, '/ws/a'), REALPATH)
        const real = REALPATH(path.resolve('/ws/a', file))
        const under = (root: string): boolean => real === root || real.startsWith(`${root}/`)
        if (decision.allow) {
          expect(POLICY.writeRoots.some(under)).toBe(true)
          expect(POLICY.denyWrite.some(under)).toBe(false)
          expect(POLICY.denyRead.some(under)).toBe(false)
        }
      }),
      { numRuns: 500 },
    )
  })
})

describe('decide (real symlinks, realpathLoose)', () => {
  let root = ''
  let ws = ''
  let home = ''
  let outside = ''
  let policy: HookPolicy

  beforeAll(() => {
    root = realpathSync(mkdtempSync(path.join(os.tmpdir(), 'airlock-decide-')))
    ws = path.join(root, 'ws')
    home = path.join(root, 'home')
    outside = path.join(root, 'outside')
    for (const dir of [
      ws,
      `${ws}/src`,
      `${ws}/docs`,
      `${ws}/sub`,
      `${ws}/.git/hooks`,
      `${home}/.ssh`,
      `${home}/.aws`,
      outside,
      `${root}/ws-evil`,
      `${root}/agent-tmp`,
      `${root}/runner-temp/airlock-1`,
    ]) {
      mkdirSync(dir, { recursive: true })
    }
    writeFileSync(`${home}/.ssh/id_rsa`, 'PRIVATE KEY\n')
    writeFileSync(`${home}/.aws/credentials`, '[default]\n')
    writeFileSync(`${ws}/.env`, 'TOKEN=x\n')
    writeFileSync(`${ws}/src/a.ts`, 'export {}\n')
    writeFileSync(`${root}/runner-temp/airlock-1/policy.json`, '{}')
    const links: [string, string][] = [
      ['passwd', '/etc/passwd'],
      ['id-link', `${home}/.ssh/id_rsa`],
      ['rel-ssh', '../home/.ssh'],
      ['chain-1', 'chain-2'],
      ['chain-2', `${home}/.ssh/id_rsa`],
      ['dangling-out', `${outside}/created-by-write.txt`],
      ['dangling-home', `${home}/.bashrc`],
      ['dangling-rel', '../outside/new/deeper.txt'],
      ['dangling-in', `${ws}/src/created.ts`],
      ['out-dir', outside],
      ['loop-a', 'loop-b'],
      ['loop-b', 'loop-a'],
      ['self', 'self'],
      ['notes.txt', '.env'],
      ['git-hooks', '.git/hooks'],
      ['policy-link', `${root}/runner-temp/airlock-1/policy.json`],
      ['docs-link', 'docs'],
      ['up', '../outside/../home/.ssh'],
      ['sub/esc', '../../outside'],
      ['evil-sibling', '../ws-evil'],
    ]
    for (const [link, target] of links) symlinkSync(target, path.join(ws, link))
    policy = policyFor({
      workspace: ws,
      home,
      runnerTemp: `${root}/runner-temp`,
      privateDir: `${root}/runner-temp/airlock-1`,
      agentTmp: `${root}/agent-tmp`,
    })
  })

  afterAll(() => {
    if (root !== '') rmSync(root, { recursive: true, force: true })
  })

  const cases: { name: string; tool: string; file: string; cwd?: string; allow: boolean }[] = [
    { name: 'allows a Read of a workspace file', tool: 'Read', file: 'src/a.ts', allow: true },
    {
      name: 'allows a Write of a new workspace file',
      tool: 'Write',
      file: 'src/new/b.ts',
      allow: true,
    },
    {
      name: 'denies a Write through a symlink to /etc/passwd',
      tool: 'Write',
      file: 'passwd',
      allow: false,
    },
    {
      name: 'denies a Read through a symlink to ~/.ssh/id_rsa',
      tool: 'Read',
      file: 'id-link',
      allow: false,
    },
    {
      name: 'denies an Edit through a symlink to ~/.ssh/id_rsa',
      tool: 'Edit',
      file: 'id-link',
      allow: false,
    },
    {
      name: 'denies a Read through a relative symlink to ~/.ssh',
      tool: 'Read',
      file: 'rel-ssh/id_rsa',
      allow: false,
    },
    {
      name: 'denies a Read through a chain of symlinks to ~/.ssh/id_rsa',
      tool: 'Read',
      file: 'chain-1',
      allow: false,
    },
    {
      name: 'denies a Write through a dangling symlink that points outside the workspace',
      tool: 'Write',
      file: 'dangling-out',
      allow: false,
    },
    {
      name: 'denies a Write through a dangling symlink to ~/.bashrc',
      tool: 'Write',
      file: 'dangling-home',
      allow: false,
    },
    {
      name: 'denies a Write through a dangling relative symlink into a folder that does not exist yet',
      tool: 'Write',
      file: 'dangling-rel',
      allow: false,
    },
    {
      name: 'allows a Write through a dangling symlink that points inside the workspace',
      tool: 'Write',
      file: 'dangling-in',
      allow: true,
    },
    {
      name: 'denies a Write under a symlinked folder outside',
      tool: 'Write',
      file: 'out-dir/x.txt',
      allow: false,
    },
    {
      name: 'denies a Write under a symlink nested in a subfolder that escapes',
      tool: 'Write',
      file: 'sub/esc/x',
      allow: false,
    },
    { name: 'denies a Read of a symlink loop', tool: 'Read', file: 'loop-a', allow: false },
    { name: 'denies a Write under a symlink loop', tool: 'Write', file: 'loop-b/x', allow: false },
    {
      name: 'denies a Write through a symlink to itself',
      tool: 'Write',
      file: 'self',
      allow: false,
    },
    {
      name: 'denies a Read through an innocent-looking link to .env',
      tool: 'Read',
      file: 'notes.txt',
      allow: false,
    },
    {
      name: 'denies a Write through a symlink into .git/hooks',
      tool: 'Write',
      file: 'git-hooks/pre-push',
      allow: false,
    },
    {
      name: 'denies a Read through a symlink to the policy file',
      tool: 'Read',
      file: 'policy-link',
      allow: false,
    },
    {
      name: 'allows a Write through a symlink that stays inside',
      tool: 'Write',
      file: 'docs-link/a.md',
      allow: true,
    },
    {
      name: 'denies a Read through a symlink whose target has .. segments',
      tool: 'Read',
      file: 'up/id_rsa',
      allow: false,
    },
    {
      name: 'denies a Write through a symlink to a sibling folder named like the workspace',
      tool: 'Write',
      file: 'evil-sibling/x',
      allow: false,
    },
    {
      name: 'denies a Grep through a symlink to ~/.ssh',
      tool: 'Grep',
      file: 'rel-ssh',
      allow: false,
    },
    {
      name: 'denies a relative Read resolved against a cwd inside the home folder',
      tool: 'Read',
      file: '.ssh/id_rsa',
      cwd: 'HOME',
      allow: false,
    },
  ]

  it.each(cases)('$name', ({ tool, file, cwd, allow }) => {
    const key = tool === 'Grep' ? 'path' : 'file_path'
    const decision = decide(
      policy,
      call(tool, { [key]: file, pattern: 'x' }, cwd === 'HOME' ? home : ws),
      realpathLoose,
    )
    expect(decision.allow).toBe(allow)
  })

  it('denies a Write to a sibling folder whose name starts with the workspace path', () => {
    expect(decide(policy, call('Write', { file_path: `${ws}-evil/x` }), realpathLoose).allow).toBe(
      false,
    )
  })

  it('sees the same real paths as the OS for links that exist', () => {
    expect(realpathLoose(`${ws}/chain-1`)).toBe(realpathSync(`${ws}/chain-1`))
    expect(realpathLoose(`${ws}/up`)).toBe(realpathSync(`${ws}/up`))
    expect(realpathLoose(`${ws}/sub/esc`)).toBe(realpathSync(`${ws}/sub/esc`))
  })

  it('follows a dangling link to where a write would create the file', () => {
    expect(realpathLoose(`${ws}/dangling-out`)).toBe(`${outside}/created-by-write.txt`)
    expect(realpathLoose(`${ws}/dangling-rel`)).toBe(`${outside}/new/deeper.txt`)
    expect(realpathLoose(`${ws}/src/not/yet/there.ts`)).toBe(`${ws}/src/not/yet/there.ts`)
  })

  it('resolves a symlink loop to a path under /proc, which every policy denies', () => {
    expect(realpathLoose(`${ws}/loop-a`)).toBe(LOOP)
    expect(realpathLoose(`${ws}/self/x`)).toBe(LOOP)
    expect(policy.denyRead).toContain('/proc')
  })
})

describe('domainMatches', () => {
  it.each([
    ['example.com', 'example.com', true],
    ['EXAMPLE.com', 'example.com', true],
    ['example.com', 'Example.COM', true],
    ['example.com.', 'example.com', true],
    ['api.example.com', 'example.com', false],
    ['example.com', '*.example.com', false],
    ['api.example.com', '*.example.com', true],
    ['a.b.example.com', '*.example.com', true],
    ['api.example.com.', '*.example.com', true],
    ['API.Example.Com', '*.EXAMPLE.com', true],
    ['evilexample.com', '*.example.com', false],
    ['example.com.evil.io', 'example.com', false],
    ['example.com.evil.io', '*.example.com', false],
    ['.example.com', '*.example.com', false],
    ['xexample.com', 'example.com', false],
    ['', 'example.com', false],
    ['127.0.0.1', '127.0.0.1', true],
    ['127.0.0.10', '127.0.0.1', false],
  ] as const)('domainMatches(%j, %j) is %s', (host, domain, expected) => {
    expect(domainMatches(host, domain)).toBe(expected)
  })

  const label = fc.stringMatching(/^[a-z0-9]([a-z0-9-]{0,8}[a-z0-9])?$/)
  const name = fc.array(label, { minLength: 1, maxLength: 3 }).map((l) => l.join('.'))

  it('matches a wildcard exactly on a label boundary, never the bare suffix', () => {
    fc.assert(
      fc.property(name, name, (sub, base) => {
        expect(domainMatches(`${sub}.${base}`, `*.${base}`)).toBe(true)
        expect(domainMatches(base, `*.${base}`)).toBe(false)
        expect(domainMatches(`${sub}${base}`, `*.${base}`)).toBe(
          `${sub}${base}`.endsWith(`.${base}`),
        )
        expect(domainMatches(`${base}.${sub}`, base)).toBe(false)
      }),
    )
  })

  it('matches only the host itself, or a subdomain of a wildcard', () => {
    fc.assert(
      fc.property(name, fc.boolean(), name, (host, wild, base) => {
        const domain = wild ? `*.${base}` : base
        const expected = wild ? host.endsWith(`.${base}`) : host === base
        expect(domainMatches(host, domain)).toBe(expected)
      }),
    )
  })
})
