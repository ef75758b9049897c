/**
 * Installing the Claude Code CLI: `resolveClaude` gives the binary to run, `claude-path` as is or
 * the pinned version from the tool cache, downloaded and verified there first if needed.
 */
export { resolveClaude, type ResolveOptions } from './install.js'
