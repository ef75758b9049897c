// Who may start the agent, against a fake GitHub: only comment- and review-triggered events are
// checked; a listed actor needs no API call; a failed API call counts as no permission.
import * as core from '@actions/core'
import { beforeEach, describe, expect, it, vi } from 'vitest'
import { checkActor } from '../../src/inputs/actor-check.js'
import { parseConfig, type Config } from '../../src/inputs/config.js'
import { Refusal } from '../../src/pipeline/errors.js'
import { faked } from '../fakes/core.js'

const github = vi.hoisted(() => ({
  context: {
    eventName: 'issue_comment',
    payload: { sender: { login: 'mallory', type: 'User' } },
    repo: { owner: 'acme', repo: 'widgets' },
  },
  permission: vi.fn<() => Promise<{ data: { role_name: string; permission: string } }>>(),
  getOctokit: vi.fn(),
}))

vi.mock('@actions/core', async () => (await import('../fakes/core.js')).fakeCore())
vi.mock('@actions/github', () => ({
  context: github.context,
  getOctokit: github.getOctokit,
}))

// Assembled so this file does not trip secret scanners.
const API_KEY = 'sk-ant-' + 'api03-' + 'Qm4Zt8Zq7Lw2Xr6Vn1Pk9Hs3Jd7Fb5Gc0Ya'
const TOKEN = 'ghs_' + 'ActorTestToken0123456789abcdefg'

function config(inputs: Record<string, string> = {}): Config {
  return parseConfig(
    { prompt: 'p', 'anthropic-api-key': API_KEY, 'github-token': TOKEN, ...inputs },
    { workspace: '/ws' },
  )
}

function answer(role: string): void {
  github.permission.mockResolvedValue({ data: { role_name: role, permission: role } })
}

beforeEach(() => {
  vi.clearAllMocks()
  faked(core).reset()
  github.getOctokit.mockReturnValue({
    rest: { repos: { getCollaboratorPermissionLevel: github.permission } },
  })
})

describe('checkActor', () => {
  it('does not look at a push or a pull request', async () => {
    await checkActor(config(), 'push')
    await checkActor(config(), 'pull_request')
    expect(github.getOctokit).not.toHaveBeenCalled()
  })

  it('lets a commenter with write access start the agent, and says so', async () => {
    answer('write')
    await checkActor(config(), 'issue_comment')
    expect(github.permission).toHaveBeenCalledWith({
      owner: 'acme',
      repo: 'widgets',
      username: 'mallory',
    })
    expect(faked(core).log).toEqual(['info Actor: mallory may start the agent (write).'])
  })

  it('refuses a commenter with read access', async () => {
    answer('read')
    await expect(checkActor(config(), 'issue_comment')).rejects.toThrow(Refusal)
    await expect(checkActor(config(), 'issue_comment')).rejects.toThrow(
      /^mallory has read access to the repository/,
    )
  })

  it('lets an actor listed in allowed-actors start the agent without asking GitHub', async () => {
    await checkActor(config({ 'allowed-actors': 'Mallory' }), 'issue_comment')
    expect(github.getOctokit).not.toHaveBeenCalled()
    expect(faked(core).log).toEqual(['info Actor: mallory may start the agent (allowed-actors).'])
  })

  it('refuses when GitHub cannot say (no token, or the call fails)', async () => {
    await expect(checkActor(config({ 'github-token': '' }), 'issue_comment')).rejects.toThrow(
      /could not read mallory's permission/,
    )
    github.permission.mockRejectedValue(new Error('403'))
    await expect(checkActor(config(), 'issue_comment')).rejects.toThrow(
      /could not read mallory's permission/,
    )
  })
})
