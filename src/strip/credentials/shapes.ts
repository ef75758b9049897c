/**
 * What a git credential looks like in config: the keys that hold one (auth headers, credential
 * helpers, `core.askPass`, `core.sshCommand`, includes), userinfo in an http(s) URL, the files a
 * `store` helper keeps, and a quick check that a config file's bytes cannot hold any of them.
 * Pure.
 */
import * as path from 'node:path'

/** `http.<url>.extraheader` and `http.extraheader`: actions/checkout's auth header. */
export const EXTRAHEADER_KEY = /^http\.(?:.+\.)?extraheader$/
/** `credential.helper` and `credential.<url>.helper`. */
export const HELPER_KEY = /^credential\.(?:.+\.)?helper$/
/** `include.path` and `includeIf.<condition>.path`. */
export const INCLUDE_KEY = /^(?:include|includeif\..+)\.path$/
/** `scheme://userinfo@` for http(s): a token in a URL, as user, password or both. */
export const URL_USERINFO = /\b(https?:\/\/)([^/@\s?#]+)@/gi

/** The names of every key the inspector acts on (`includeif` contains `include`). */
const CREDENTIAL_NAMES = /extraheader|helper|askpass|sshcommand|include/
/**
 * `scheme://userinfo@` as {@link URL_USERINFO} matches it, and more: no word boundary, an empty
 * userinfo, and only ASCII whitespace ends it (git's output is read as UTF-8, the file as latin1).
 */
const LOOSE_USERINFO = /https?:\/\/[^/@\t\n\v\f\r ?#]*@/

/**
 * Whether a config file's text (bytes as latin1) could hold anything the inspector takes away:
 * `false` only when no key git could parse from it is a credential key and no key or value holds
 * `http(s)://userinfo@`. Conservative by construction, so a `false` needs no git process:
 * - Section and variable names cannot be escaped or split, and git compares them ASCII
 *   case-insensitively, so a credential key's name (`extraHeader`, `helper`, `askPass`,
 *   `sshCommand`, `include`/`includeIf`) appears in the text, in some case.
 * - Quotes, backslash escapes and continuation lines can split a URL in a value or a subsection
 *   (`"https:"//tok@x`, `https:\<newline>//tok@x`, `[url "https:\/\/tok\@x"]`); every `"`,
 *   every `\` and every backslash-newline is removed first, which turns each of those back into
 *   the URL git reads, and leaves any other escape as a character the URL pattern still accepts.
 * Comments are looked at too (a needless git process, never a missed credential). Pure.
 */
export function mayHoldCredential(text: string): boolean {
  const plain = text
    .replace(/\\\r?\n/g, '')
    .replace(/["\\]/g, '')
    .toLowerCase()
  return CREDENTIAL_NAMES.test(plain) || LOOSE_USERINFO.test(plain)
}

/** Whether `text` holds an http(s) URL with userinfo ({@link URL_USERINFO}). */
export function hasUserinfo(text: string): boolean {
  URL_USERINFO.lastIndex = 0
  const found = URL_USERINFO.test(text)
  URL_USERINFO.lastIndex = 0
  return found
}

/** `text` with the userinfo of every http(s) URL taken out (`https://tok@host` → `https://host`). */
export function withoutUserinfo(text: string): string {
  return text.replace(URL_USERINFO, '$1')
}

/**
 * The files a `store` credential helper keeps credentials in: its `--file` (absolute or `~/`).
 * The default files (`~/.git-credentials`, `~/.config/git/credentials`) are moved aside anyway.
 * Pure.
 */
export function storeFilesOf(helper: string, home: string): string[] {
  const words = helper.trim().split(/\s+/)
  const program = words[0] ?? ''
  if (program !== 'store' && !program.endsWith('git-credential-store')) return []
  const files: string[] = []
  for (let i = 1; i < words.length; i++) {
    const word = words[i] ?? ''
    const file = word.startsWith('--file=') ? word.slice(7) : word === '--file' ? words[++i] : null
    if (file === null || file === undefined || file === '') continue
    const unquoted = file.replace(/^(['"])(.*)\1$/, '$2')
    if (unquoted.startsWith('~/')) files.push(path.join(home, unquoted.slice(2)))
    else if (path.isAbsolute(unquoted)) files.push(unquoted)
  }
  return files
}
