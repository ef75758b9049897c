import * as fs from 'node:fs'
import * as path from 'node:path'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { neutralizeGitCredentials } from '../../../src/strip/credentials/neutralize.js'
import { mayHoldCredential, storeFilesOf } from '../../../src/strip/credentials/shapes.js'
import {
  useCredentialsFixture,
  TOKEN,
  BASIC,
  HEADER,
  config,
  tmp,
  repo,
  home,
  runnerTemp,
  backupDir,
  git,
  visibleCredentials,
  neutralize,
} from './fixture.js'

useCredentialsFixture()

describe('storeFilesOf', () => {
  it.each([
    ['store --file=/srv/creds', ['/srv/creds']],
    ['store --file /srv/creds', ['/srv/creds']],
    ["store --file='~/x'", ['/home/u/x']],
    ['/usr/lib/git-core/git-credential-store --file=~/y', ['/home/u/y']],
    ['store', []],
    ['cache --timeout=3600', []],
    ['store --file=relative', []],
    ['!f() { echo --file=/srv/creds; }; f', []],
  ])('%s → %j', (helper, files) => {
    expect(storeFilesOf(helper, '/home/u')).toEqual(files)
  })
})

/** Credential configs in the spellings git accepts; each must be found and taken away. */
const SPELLED: [string, string][] = [
  ['an upper-case section and a mixed-case key', `[HTTP "https://x"]\n\tExtraHeader = ${HEADER}\n`],
  ['the key on the section line', `[hTTp]extraHEADER=${HEADER}\n`],
  ['the old dotted subsection', `[Http.Example.Com]\n\tEXTRAHEADER = ${HEADER}\n`],
  ['a [credential] section', '[Credential]\n\tHELPER = store\n'],
  ['a URL-scoped helper', '[credential "https://github.com"]\n\thelper = cache\n'],
  ['core.askPass', '[CORE]\n\taskPass = /usr/local/bin/pass\n'],
  ['a token in a URL', `[remote "origin"]\n\turl = https://${TOKEN}@github.com/acme/w\n`],
  ['a URL split by quotes', `[remote "origin"]\n\turl = "https:"//${TOKEN}@github.com/a\n`],
  ['a URL split over lines', `[remote "origin"]\n\turl = https:\\\n//${TOKEN}@github.com/a\n`],
  ['a URL after an escape', `[remote "origin"]\n\tpushurl = x\\nhttps://${TOKEN}@github.com/a\n`],
  ['an upper-case scheme', `[remote "origin"]\n\turl = HTTPS://${TOKEN}@GITHUB.COM/a\n`],
  [
    'userinfo in an insteadOf key',
    `[url "https://${TOKEN}@github.com/"]\n\tinsteadOf = https://github.com/\n`,
  ],
  [
    'an escaped subsection',
    `[url "https:\\/\\/${TOKEN}\\@github.com/"]\n\tinsteadOf = https://github.com/\n`,
  ],
]

describe('mayHoldCredential', () => {
  it.each(SPELLED)('lets git read %s', async (_name, text) => {
    expect(mayHoldCredential(text)).toBe(true)
    fs.appendFileSync(config(), text)
    const change = await neutralize()
    expect(change.removed.length).toBeGreaterThan(0)
    expect(visibleCredentials(repo)).not.toContain(TOKEN)
    expect(visibleCredentials(repo)).not.toContain(BASIC)
  })

  it.each(['[IncludeIf "gitdir:/"]\n\tpath = ', '[INCLUDE]\n\tpath='])(
    'lets git follow an include spelled %j to a file that holds a credential',
    async (include) => {
      const target = path.join(tmp, 'elsewhere.config')
      fs.writeFileSync(target, `[http]\n\textraheader = ${HEADER}\n`)
      fs.appendFileSync(config(), `${include}${target}\n`)
      expect(mayHoldCredential(fs.readFileSync(config(), 'latin1'))).toBe(true)
      const change = await neutralize()
      expect(change.removed).toContain(`credentials file ${target} moved aside`)
    },
  )

  it.each([
    ['a name and an e-mail address', '[user]\n\tname = Kept User\n\temail = kept@example.com\n'],
    ['a URL without userinfo', '[remote "origin"]\n\turl = https://github.com/acme/widgets\n'],
    ['an SSH remote', '[remote "origin"]\n\turl = git@github.com:acme/widgets.git\n'],
    ['core settings', '[core]\n\trepositoryformatversion = 0\n\tbare = false\n'],
  ])('clears %s, so no git process reads it', async (_name, text) => {
    expect(mayHoldCredential(text)).toBe(false)
    fs.writeFileSync(config(), text)
    const calls = path.join(tmp, 'git-calls')
    const countingGit = path.join(tmp, 'counting-git')
    fs.writeFileSync(countingGit, `#!/bin/sh\necho "$*" >> '${calls}'\nexec git "$@"\n`, {
      mode: 0o755,
    })
    const change = await neutralizeGitCredentials(repo, backupDir, {
      home,
      runnerTemp,
      git: countingGit,
    })
    expect(change.removed).toEqual([])
    expect(fs.existsSync(calls)).toBe(false)
  })

  it('lets git read a URL whose userinfo is one escaped backslash', async () => {
    const text = '[remote "origin"]\n\turl = https://\\\\@github.com/acme/w\n'
    expect(mayHoldCredential(text)).toBe(true)
    fs.appendFileSync(config(), text)
    expect((await neutralize()).removed).toEqual(['userinfo of remote.origin.url in .git/config'])
  })

  it('lets git read a URL whose userinfo holds a byte that is not UTF-8 (latin1: a no-break space)', async () => {
    const text = Buffer.concat([
      Buffer.from(`[remote "origin"]\n\turl = https://${TOKEN}`),
      Buffer.from([0xa0]),
      Buffer.from('x@github.com/acme/w\n'),
    ])
    expect(mayHoldCredential(text.toString('latin1'))).toBe(true)
    fs.appendFileSync(config(), text)
    expect((await neutralize()).removed).toEqual(['userinfo of remote.origin.url in .git/config'])
  })

  /** Git's view: whether the entries of `file` hold what the inspector takes away; null: invalid. */
  function gitSeesCredential(file: string): boolean | null {
    const out = git(tmp, 'config', '--file', file, '--list', '-z')
    if (out === null) return null
    return out
      .split('\0')
      .filter((r) => r !== '')
      .some((record) => {
        const [key = '', value = ''] = record.split('\n', 2)
        return (
          /^http\..*extraheader$|^credential\..*helper$|^core\.(askpass|sshcommand)$|^include(if\..+)?\.path$/.test(
            key,
          ) || /\bhttps?:\/\/[^/@\s?#]+@/i.test(`${key}\n${value}`)
        )
      })
  }

  const cased = (word: string): fc.Arbitrary<string> =>
    fc
      .array(fc.boolean(), { minLength: word.length, maxLength: word.length })
      .map((upper) =>
        upper.map((up, i) => (up ? word.charAt(i).toUpperCase() : word.charAt(i))).join(''),
      )
  /** A URL with or without userinfo, its parts joined as-is, by a quote pair or a continuation. */
  const url = (joins: string[]): fc.Arbitrary<string> =>
    fc
      .tuple(
        fc.constantFrom('http', 'https', 'HTTPS', 'ftp', 'xhttp'),
        fc.constantFrom('tok@', 'a:b@', '', 'u\\t@', 'x y@', '\\\\@', '\\n@'),
        fc.constantFrom('github.com/a', 'h@x/', 'h?q@x'),
        fc.array(fc.constantFrom(...joins), { minLength: 4, maxLength: 4 }),
      )
      .map(
        ([scheme, userinfo, host, [a = '', b = '', c = '', d = '']]) =>
          `${scheme}${a}:${b}//${c}${userinfo}${d}${host}`,
      )
  /** `[section]` lines and `name = value` lines, in up to three sections. */
  const configText = (
    sections: fc.Arbitrary<string>,
    names: string[],
    values: fc.Arbitrary<string>,
  ): fc.Arbitrary<string> =>
    fc
      .array(
        fc.tuple(
          sections,
          fc.array(
            fc
              .tuple(fc.constantFrom(...names).chain(cased), values)
              .map(([n, v]) => `\t${n} = ${v}\n`),
            { maxLength: 3 },
          ),
        ),
        { minLength: 1, maxLength: 3 },
      )
      .map((all) => all.map(([section, entries]) => `[${section}]\n${entries.join('')}`).join(''))

  it.each([
    [
      'credential keys in any case',
      configText(
        fc
          .constantFrom('http', 'credential', 'core', 'remote', 'include', 'includeIf', 'user')
          .chain(cased),
        ['extraheader', 'helper', 'askpass', 'sshcommand', 'path', 'url', 'email'],
        fc.constantFrom('ssh -i /k', 'x@y.z', 'true', '"a b"'),
      ),
    ],
    [
      'URLs split and escaped in values and subsections',
      configText(
        fc.oneof(
          fc.constantFrom('user', 'remote "origin"', 'url "x"'),
          fc
            .tuple(fc.constantFrom('url', 'remote', 'http'), url(['', '\\']))
            .map(([name, sub]) => `${name} "${sub}"`),
        ),
        ['url', 'pushurl', 'insteadof', 'email'],
        fc.oneof(url(['', '""', '\\\n']), fc.constantFrom('x@y.z', '"a b" ; c@d')),
      ),
    ],
  ])(
    'is true for every config in which git shows a credential: %s',
    (_name, texts) => {
      const file = path.join(tmp, 'random.config')
      let shown = 0
      fc.assert(
        fc.property(texts, (text) => {
          fs.writeFileSync(file, text)
          const seen = gitSeesCredential(file)
          if (seen === true) shown++
          if (seen === true) expect(mayHoldCredential(text)).toBe(true)
        }),
        // Seeded: the count below is then the same on every run (unseeded it was sometimes 15).
        { numRuns: 100, seed: 20261127 },
      )
      expect(shown).toBeGreaterThan(15)
    },
    60_000, // one git process a run
  )
})
