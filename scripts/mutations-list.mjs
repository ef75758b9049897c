// The mutations `npm run mutations` applies: each switches one containment protection off by an
// exact edit of the source. `__tests__/project/mutations.test.ts` checks that every edit still
// finds its text exactly once, so a refactor cannot silently make a mutation stale.

/**
 * @typedef {object} Mutation
 * @property {string} id Issue 3's point number, plus a letter when a point has several layers.
 * @property {string} off The protection switched off.
 * @property {string} file
 * @property {string} find Exact text in the file.
 * @property {string} replace
 * @property {{ file: string, find: string, replace: string }[]} [more] Further edits, for a
 *   protection held by several layers that only fails when all of them are off.
 * @property {string} test Test file under __tests__/e2e.
 * @property {string} name `vitest -t` pattern.
 */

/** @type {Mutation[]} */
export const MUTATIONS = [
  {
    id: '1',
    off: 'the environment allowlist (every variable passes)',
    file: 'src/strip/environment.ts',
    find: 'const reasonFor = (name: string, value: string): StripReason | null => {',
    replace:
      "const reasonFor = (name: string, value: string): StripReason | null => {\n    if (name !== '') return null",
    test: 'attacks.test.ts',
    name: 'point 1 and 2',
  },
  {
    id: '2a',
    off: 'the model key unset for sandboxed commands (sandbox.credentials.envVars)',
    file: 'src/lock/policy.ts',
    find: "{ name: 'ANTHROPIC_API_KEY', mode: 'deny' }",
    replace: "{ name: 'ANTHROPIC_API_KEY_MUTATED', mode: 'deny' }",
    test: 'attacks.test.ts',
    name: 'point 1 and 2',
  },
  {
    id: '2b',
    off: '/proc denied to the file tools',
    file: 'src/lock/policy.ts',
    find: "    paths.privateDir,\n    '/proc',\n",
    replace: '    paths.privateDir,\n',
    test: 'attacks.test.ts',
    name: 'point 1 and 2',
  },
  {
    id: '3',
    off: "taking away checkout's git credentials",
    file: 'src/strip/credentials/neutralize.ts',
    find: '): Promise<CredentialsChange> {\n  const redactor = credentialRedactor()',
    replace:
      "): Promise<CredentialsChange> {\n  if (repoDir !== '') return { backupDir: path.resolve(backupDir), backups: [], removed: [] }\n  const redactor = credentialRedactor()",
    test: 'attacks.test.ts',
    name: 'point 3',
  },
  {
    id: '4a',
    off: 'the credential stores in HOME denied (deny rules, sandbox and hook)',
    file: 'src/lock/policy.ts',
    find: 'const homeCredentials = HOME_CREDENTIAL_PATHS.map((p) => path.join(home, p))',
    replace:
      'const homeCredentials = HOME_CREDENTIAL_PATHS.map((p) => path.join(home, p)).filter(() => false)',
    test: 'attacks.test.ts',
    name: 'point 4',
  },
  {
    id: '4b',
    off: "the runner installation's private files denied",
    file: 'src/lock/install.ts',
    find: '    runnerFiles.push(...runnerPrivatePaths(runnerRoot))\n',
    replace: '',
    test: 'attacks.test.ts',
    name: 'point 4',
  },
  {
    id: '4c',
    off: "the sandbox's own denyRead list (deny rules and the hook stay)",
    file: 'src/lock/policy.ts',
    find: "denyRead: readDenied.filter((p) => p !== '/proc' && p !== '/sys/kernel'),",
    replace: 'denyRead: [],',
    test: 'attacks.test.ts',
    name: 'point 4',
  },
  {
    id: '4d',
    off: 'the Read deny rules and the sandbox denyRead list together (the hook stays)',
    file: 'src/lock/policy.ts',
    find: "denyRead: readDenied.filter((p) => p !== '/proc' && p !== '/sys/kernel'),",
    replace: 'denyRead: [],',
    more: [
      {
        file: 'src/lock/policy.ts',
        find: '    ...readDenied.flatMap((p) => [`Read(${abs(p)})`, `Read(${abs(p)}/**)`]),\n',
        replace: '',
      },
    ],
    test: 'attacks.test.ts',
    name: 'point 4',
  },
  {
    id: '5a',
    off: "the sandbox's denyWrite list (.git/hooks, .git/config inside the workspace)",
    file: 'src/lock/policy.ts',
    find: '        denyWrite: writeDenied,',
    replace: '        denyWrite: [],',
    test: 'attacks.test.ts',
    name: 'point 5',
  },
  {
    id: '5c',
    off: 'the Edit deny rules and the sandbox denyWrite list together (the hook stays)',
    file: 'src/lock/policy.ts',
    find: '        denyWrite: writeDenied,',
    replace: '        denyWrite: [],',
    more: [
      {
        file: 'src/lock/policy.ts',
        find: '    ...writeDenied.flatMap((p) => [`Edit(${abs(p)})`, `Edit(${abs(p)}/**)`]),\n',
        replace: '',
      },
    ],
    test: 'attacks.test.ts',
    name: 'point 5',
  },
  {
    id: '5b',
    off: "the policy hook's write roots (file tools may write anywhere)",
    file: 'src/lock/policy.ts',
    find: 'writeRoots: [paths.workspace, paths.agentTmp, ...config.allowWrite],',
    replace: "writeRoots: ['/'],",
    test: 'attacks.test.ts',
    name: 'point 5',
  },
  {
    id: '6a',
    off: 'allowManagedDomainsOnly (and the validation that requires it)',
    file: 'src/lock/policy.ts',
    find: '        allowManagedDomainsOnly: true,',
    replace: '        allowManagedDomainsOnly: false as true,',
    // The lock's validation refuses a lock without it; switch that check off too.
    more: [
      {
        file: 'src/lock/settings-schema.ts',
        find: '  if (!settings.sandbox.network.allowManagedDomainsOnly) {',
        replace: '  if (!settings.sandbox.network.allowManagedDomainsOnly && settings === null) {',
      },
    ],
    test: 'attacks.test.ts',
    name: 'no loopback service',
  },
  {
    id: '6b',
    off: 'the Unix socket block (allowAllUnixSockets)',
    file: 'src/lock/policy.ts',
    find: '        allowAllUnixSockets: false,',
    replace: '        allowAllUnixSockets: true as false,',
    test: 'attacks.test.ts',
    name: 'no loopback service',
  },
  {
    id: '6c',
    off: "the policy hook's WebFetch domain check",
    file: 'src/lock/policy.ts',
    find: "    denyNames: ['.env*', '*credentials*', '*secret*'],\n    allowedDomains: [...config.allowedDomains],\n",
    replace:
      "    denyNames: ['.env*', '*credentials*', '*secret*'],\n    allowedDomains: [...config.allowedDomains, '127.0.0.1', 'localhost'],\n",
    test: 'attacks.test.ts',
    name: 'with an allowed domain',
  },
  {
    id: '7',
    off: '--setting-sources "" (the repository\'s settings are loaded)',
    file: 'src/agent/stage.ts',
    find: "    '--setting-sources',\n    '',\n",
    replace: '',
    test: 'containment.test.ts',
    name: 'cannot weaken',
  },
  {
    id: '8',
    off: "the SessionStart nonce check (the lock's proof)",
    file: 'src/agent/proof.ts',
    find: 'if (nonce !== proof.nonce) {',
    replace: 'if (nonce !== proof.nonce && nonce === proof.nonce) {',
    test: 'lock-proof.test.ts',
    name: 'lock proves',
  },
  {
    id: '9',
    off: 'the ::stop-commands:: fence',
    file: 'src/agent/stage.ts',
    find: 'process.stdout.write(`::stop-commands::${this.#token}\\n`)',
    replace: "process.stdout.write('')",
    test: 'pipeline.test.ts',
    name: 'workflow commands',
  },
  {
    id: '10',
    off: 'sandbox: required failing closed',
    file: 'src/lock/sandbox.ts',
    find: "  if (mode === 'required') {",
    replace: "  if (mode === 'required' && full === undefined) {",
    test: 'attacks.test.ts',
    name: 'point 10',
  },
  {
    id: '12a',
    off: '--tools (the CLI offers every tool; the hook still refuses unknown ones)',
    file: 'src/agent/stage.ts',
    find: "    '--tools',\n    lock.tools.join(','),\n",
    replace: '',
    test: 'attacks.test.ts',
    name: 'point 5',
  },
  {
    id: '12b',
    off: "--tools and the hook's refusal of unknown tools together",
    file: 'src/agent/stage.ts',
    find: "    '--tools',\n    lock.tools.join(','),\n",
    replace: '',
    more: [
      {
        file: 'src/hook/decide.ts',
        find: '  if (!policy.tools.includes(tool)) {',
        replace: '  if (!policy.tools.includes(tool) && tool === policy.nonce) {',
      },
    ],
    test: 'attacks.test.ts',
    name: 'point 5',
  },
  {
    id: '13',
    off: 'the actor check on comment events',
    file: 'src/inputs/actor.ts',
    find: 'export function needsActorCheck(eventName: string): boolean {',
    replace:
      "export function needsActorCheck(eventName: string): boolean {\n  if (eventName !== '') return false",
    test: 'pipeline.test.ts',
    name: 'who may start the agent',
  },
]
