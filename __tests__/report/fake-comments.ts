// A fake GitHub holding one pull request's comments, errors shaped like Octokit's, and a recorder
// of sleeps and log lines: what the sticky-comment tests drive the upsert with.
import type {
  CommentsClient,
  IssueCommentLike,
  ListCommentsMethod,
} from '../../src/report/sticky-comment.js'
import { stickyMarker } from '../../src/report/marker.js'

export const TOKEN = 'ghs_THIS_IS_THE_TOKEN_0123456789'
export const MARKER = stickyMarker('ci', 'agent')
export const BOT = { login: 'github-actions[bot]', type: 'Bot' }
export const HUMAN = { login: 'mallory', type: 'User' }

type Call = 'list' | 'create' | 'update'

/**
 * An error shaped like Octokit's RequestError, with the token in its message and request headers,
 * as a real one may have.
 */
export function apiError(
  status: number,
  message: string,
  headers: Record<string, string> = {},
): Error {
  return Object.assign(new Error(`${message} (authorization: token ${TOKEN})`), {
    status,
    request: {
      method: 'POST',
      url: 'https://api.github.com/x',
      headers: { authorization: `token ${TOKEN}` },
    },
    response: { status, url: 'https://api.github.com/x', headers, data: { message } },
  })
}

/** A fake GitHub holding one issue's comments, paging like the REST API, with scripted failures. */
export function fakeGitHub(initial: Array<Omit<IssueCommentLike, 'html_url'>> = []) {
  let nextId = 1000
  const comments: IssueCommentLike[] = initial.map((c) => ({
    ...c,
    html_url: `https://github.com/o/r/pull/7#issuecomment-${c.id}`,
  }))
  const failures: Record<Call, Error[]> = { list: [], create: [], update: [] }
  const calls: Record<Call, number> = { list: 0, create: 0, update: 0 }
  /** Counts the call, then fails with the next scripted error or answers. */
  const respond = async <T>(call: Call, answer: () => T): Promise<T> => {
    await Promise.resolve()
    calls[call]++
    const error = failures[call].shift()
    if (error !== undefined) throw error
    return answer()
  }

  const listComments: ListCommentsMethod = ({ per_page = 30, page = 1 }) =>
    respond('list', () => ({ data: comments.slice((page - 1) * per_page, page * per_page) }))
  const client: CommentsClient = {
    paginate: async (method, params) => {
      const all: IssueCommentLike[] = []
      for (let page = 1; ; page++) {
        const { data } = await method({ ...params, page })
        all.push(...data)
        if (data.length < (params.per_page ?? 30)) return all
      }
    },
    rest: {
      issues: {
        listComments,
        createComment: ({ body }) =>
          respond('create', () => {
            const id = nextId++
            const comment = {
              id,
              body,
              user: BOT,
              html_url: `https://github.com/o/r/pull/7#issuecomment-${id}`,
            }
            comments.push(comment)
            return { data: comment }
          }),
        updateComment: ({ comment_id, body }) =>
          respond('update', () => {
            const comment = comments.find((c) => c.id === comment_id)
            if (comment === undefined) throw apiError(404, 'Not Found')
            comment.body = body
            return { data: comment }
          }),
      },
    },
  }
  return { client, comments, failures, calls }
}

export function target(body = `${MARKER}\n**Airlock: success**`) {
  return { owner: 'o', repo: 'r', issueNumber: 7, marker: MARKER, body }
}

export function recorder() {
  const delays: number[] = []
  const warnings: string[] = []
  const infos: string[] = []
  return {
    delays,
    warnings,
    infos,
    deps: {
      sleep: (ms: number) => {
        delays.push(ms)
        return Promise.resolve()
      },
      log: { warning: (m: string) => warnings.push(m), info: (m: string) => infos.push(m) },
    },
  }
}
