export const id = 0;
export const ids = [0];
export const modules = {

/***/ 3000:
/***/ ((__unused_webpack___webpack_module__, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   findPullRequestNumber: () => (/* binding */ findPullRequestNumber),
/* harmony export */   matrixKey: () => (/* binding */ matrixKey),
/* harmony export */   stickyMarker: () => (/* binding */ stickyMarker),
/* harmony export */   upsertStickyComment: () => (/* binding */ upsertStickyComment)
/* harmony export */ });
/* unused harmony exports MAX_ATTEMPTS, BASE_DELAY_MS, MAX_DELAY_MS */
/* harmony import */ var node_crypto__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(7598);
/**
 * The sticky pull-request comment: one comment per workflow + job (+ matrix entry), found again by a
 * hidden marker on its first line and updated in place on every run.
 *
 * Thin I/O: the Octokit client, the clock and the sleep function are parameters. Nothing here throws for an
 * API failure — a read-only token (fork pull requests) is normal, and the report is also in the job
 * summary — so every failure comes back as a `warning` for the caller to log.
 */

/** Attempts per API call, the first included. */
const MAX_ATTEMPTS = 3;
/** Delay before the second attempt; doubled before each further one. */
const BASE_DELAY_MS = 1000;
/**
 * Longest wait honoured from a `retry-after` or `x-ratelimit-reset` header. A rate limit that
 * resets later than this is not waited for: the step warns and moves on.
 */
const MAX_DELAY_MS = 30_000;
/** Longest `matrix` input used as it is in the marker; a longer one is hashed. */
const MAX_PLAIN_MATRIX_KEY = 64;
/** JSON with object keys sorted at every level, so equal matrices give equal text. */
function canonicalJson(value) {
    if (Array.isArray(value))
        return `[${value.map(canonicalJson).join(',')}]`;
    if (typeof value === 'object' && value !== null) {
        const entries = Object.entries(value).sort(([a], [b]) => a < b ? -1 : a > b ? 1 : 0);
        return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
    }
    // Parsed JSON: a string, number, boolean or null, each of which JSON.stringify spells.
    return JSON.stringify(value);
}
/**
 * The matrix part of the sticky marker, from the `matrix` input (by default
 * `${{ toJSON(matrix) }}`, which the runner evaluates per leg), or `undefined` outside a matrix.
 *
 * - empty, `null` or `{}` (not a matrix job): `undefined`, so a plain job keeps the marker it
 *   always had;
 * - a JSON object or array: `m-` and the first 16 hex digits of the SHA-256 of its canonical JSON
 *   (keys sorted): the same leg gets the same key on every run and re-run, whatever order the
 *   runner prints the keys in, two legs differ, and no matrix value shows in the comment;
 * - any other text (a key the workflow chose, e.g. `${{ matrix.os }}`): itself when at most 64
 *   characters, else hashed likewise.
 */
function matrixKey(input) {
    const text = input.trim();
    if (text === '' || text === 'null' || text === '{}')
        return undefined;
    let parsed;
    try {
        parsed = JSON.parse(text);
    }
    catch {
        parsed = undefined;
    }
    if (typeof parsed === 'object' && parsed !== null) {
        if (!Array.isArray(parsed) && Object.keys(parsed).length === 0)
            return undefined;
        return `m-${sha256(canonicalJson(parsed)).slice(0, 16)}`;
    }
    return text.length <= MAX_PLAIN_MATRIX_KEY ? text : `m-${sha256(text).slice(0, 16)}`;
}
function sha256(text) {
    return (0,node_crypto__WEBPACK_IMPORTED_MODULE_0__.createHash)('sha256').update(text, 'utf8').digest('hex');
}
/**
 * The hidden first line of the sticky comment, unique per workflow, job and (optionally) matrix
 * entry: `<!-- airlock:v1 workflow="ci" job="agent" -->`, or with ` matrix="…"` before `-->`.
 *
 * Values are percent-encoded where needed so that the marker is always one well-formed HTML
 * comment: no `--` sequence, no `>`, no quote, no line break, no control character. The encoding is
 * reversible, so distinct inputs give distinct markers, and no marker is a prefix of another.
 */
function stickyMarker(workflow, job, matrixKey) {
    const fields = [`workflow="${markerValue(workflow)}"`, `job="${markerValue(job)}"`];
    if (matrixKey !== undefined && matrixKey !== '') {
        fields.push(`matrix="${markerValue(matrixKey)}"`);
    }
    return `<!-- airlock:v1 ${fields.join(' ')} -->`;
}
const MARKER_SAFE = /^[A-Za-z0-9 _.,:;/+=()[\]{}@#!?*'~^$]$/u;
/** Percent-encodes (UTF-8) every character outside a safe set, and every `-` that follows a `-`. */
function markerValue(value) {
    const out = [];
    let previous = '';
    for (const char of value) {
        let piece;
        if (char === '-')
            piece = previous === '-' ? '%2D' : '-';
        else if (MARKER_SAFE.test(char))
            piece = char;
        else
            piece = percentEncode(char);
        out.push(piece);
        previous = piece;
    }
    return out.join('');
}
/**
 * `%XX` for each byte of the character in UTF-8. A lone surrogate gets the 3-byte form that valid
 * UTF-8 never uses, so the encoding stays reversible for any JavaScript string.
 */
function percentEncode(char) {
    const cp = char.codePointAt(0) ?? 0;
    const bytes = cp < 0x80
        ? [cp]
        : cp < 0x800
            ? [0xc0 | (cp >> 6), 0x80 | (cp & 0x3f)]
            : cp < 0x10000
                ? [0xe0 | (cp >> 12), 0x80 | ((cp >> 6) & 0x3f), 0x80 | (cp & 0x3f)]
                : [
                    0xf0 | (cp >> 18),
                    0x80 | ((cp >> 12) & 0x3f),
                    0x80 | ((cp >> 6) & 0x3f),
                    0x80 | (cp & 0x3f),
                ];
    return bytes.map((byte) => `%${byte.toString(16).toUpperCase().padStart(2, '0')}`).join('');
}
const PR_EVENTS = new Set([
    'pull_request',
    'pull_request_target',
    'pull_request_review',
    'pull_request_review_comment',
]);
/**
 * The pull request a workflow event is about, or `null` when it is not about one (push, schedule,
 * workflow_dispatch, an `issue_comment` on a plain issue, a malformed payload).
 */
function findPullRequestNumber(eventName, payload) {
    if (PR_EVENTS.has(eventName)) {
        return positiveInteger(field(field(payload, 'pull_request'), 'number'));
    }
    if (eventName === 'issue_comment') {
        const issue = field(payload, 'issue');
        const pr = field(issue, 'pull_request');
        if (pr === undefined || pr === null)
            return null;
        return positiveInteger(field(issue, 'number'));
    }
    return null;
}
function field(value, key) {
    if (typeof value !== 'object' || value === null)
        return undefined;
    return value[key];
}
function positiveInteger(value) {
    return typeof value === 'number' && Number.isSafeInteger(value) && value > 0 ? value : null;
}
/**
 * Creates the sticky comment, or updates the existing one in place.
 *
 * The existing comment is the most recent one whose body starts with `marker` **and** whose author
 * is a bot account (`user.type === 'Bot'`, as `github-actions[bot]` is). A human who pastes the
 * marker into a comment is ignored: their comment is never overwritten and never mistaken for the
 * report. (A workflow that posts with a personal access token posts as a user, so it gets a new
 * comment on every run rather than an update.) If the in-place update is refused (the comment was
 * deleted meanwhile, or belongs to another app), a new comment is created instead.
 *
 * Server errors (5xx), rate limits (429, or 403 with `x-ratelimit-remaining: 0` or `retry-after`)
 * and network errors are retried up to {@link MAX_ATTEMPTS} attempts, with exponential backoff
 * ({@link BASE_DELAY_MS}, doubled each time), waiting longer when GitHub says so (`retry-after`
 * seconds, or until `x-ratelimit-reset`), up to {@link MAX_DELAY_MS}; a rate limit that resets
 * later is not waited for. Never throws: a refused write (403/404, typically a read-only token,
 * e.g. on a pull request from a fork) or an exhausted retry comes back as `action: 'skipped'` with
 * a `warning`; a refusal's warning names the permission the token lacks. Warnings are built from
 * the HTTP status, GitHub's own message and its `x-accepted-github-permissions` header only, never
 * from the request (whose headers carry the token).
 */
async function upsertStickyComment(octokit, target, deps = {}) {
    const retry = {
        sleep: deps.sleep ?? defaultSleep,
        now: deps.now ?? Date.now,
        log: deps.log,
    };
    const { owner, repo, issueNumber, marker, body } = target;
    const where = `${owner}/${repo}#${issueNumber}`;
    let existing;
    try {
        const comments = await withRetry(() => octokit.paginate(octokit.rest.issues.listComments, {
            owner,
            repo,
            issue_number: issueNumber,
            per_page: 100,
        }), retry);
        existing = findSticky(comments, marker);
    }
    catch (error) {
        return skipped(`Could not read the comments of ${where}: ${describe(error)}`, error, deps.log);
    }
    if (existing !== undefined) {
        const commentId = existing.id;
        try {
            const { data } = await withRetry(() => octokit.rest.issues.updateComment({ owner, repo, comment_id: commentId, body }), retry);
            deps.log?.info(`Updated the Airlock comment on ${where}: ${data.html_url}`);
            return { url: data.html_url, action: 'updated' };
        }
        catch (error) {
            if (!isRefused(error)) {
                return skipped(`Could not update the Airlock comment on ${where}: ${describe(error)}`, error, deps.log);
            }
            deps.log?.info(`The existing Airlock comment on ${where} could not be updated (${describe(error)}); creating a new one.`);
        }
    }
    try {
        const { data } = await withRetry(() => octokit.rest.issues.createComment({ owner, repo, issue_number: issueNumber, body }), retry);
        deps.log?.info(`Created the Airlock comment on ${where}: ${data.html_url}`);
        return { url: data.html_url, action: 'created' };
    }
    catch (error) {
        return skipped(`Could not comment on ${where}: ${describe(error)}`, error, deps.log);
    }
}
/** The most recent bot comment that starts with the marker. */
function findSticky(comments, marker) {
    for (let i = comments.length - 1; i >= 0; i--) {
        const comment = comments[i];
        if (comment === undefined)
            continue;
        if (comment.user?.type !== 'Bot')
            continue;
        if (typeof comment.body === 'string' && comment.body.startsWith(marker))
            return comment;
    }
    return undefined;
}
function skipped(message, error, log) {
    const accepted = acceptedPermissions(error);
    const warning = isRefused(error)
        ? `${message}. The token needs \`pull-requests: write\` (or \`issues: write\`) permission` +
            (accepted !== undefined ? ` (GitHub accepts: ${accepted})` : '') +
            '; pull requests from forks get a read-only token. The report is in the job summary.'
        : `${message}. The report is in the job summary.`;
    log?.warning(warning);
    return { url: null, action: 'skipped', warning };
}
async function withRetry(call, deps) {
    for (let attempt = 1;; attempt++) {
        try {
            return await call();
        }
        catch (error) {
            if (attempt >= MAX_ATTEMPTS || !isTransient(error))
                throw error;
            const delay = retryDelay(error, attempt, deps.now());
            if (delay === null)
                throw error;
            deps.log?.info(`GitHub API: ${describe(error)}; retrying in ${delay} ms.`);
            await deps.sleep(delay);
        }
    }
}
/**
 * How long to wait before the next attempt: the backoff, or longer when GitHub says so;
 * `null` when GitHub says to wait longer than {@link MAX_DELAY_MS}.
 */
function retryDelay(error, attempt, now) {
    const backoff = BASE_DELAY_MS * 2 ** (attempt - 1);
    const retryAfter = Number(header(error, 'retry-after'));
    let wanted = 0;
    if (Number.isFinite(retryAfter) && retryAfter > 0) {
        wanted = retryAfter * 1000;
    }
    else if (header(error, 'x-ratelimit-remaining') === '0') {
        const reset = Number(header(error, 'x-ratelimit-reset'));
        if (Number.isFinite(reset) && reset > 0)
            wanted = reset * 1000 - now + 1000;
    }
    if (wanted > MAX_DELAY_MS)
        return null;
    return Math.max(backoff, wanted);
}
/** GitHub's `x-accepted-github-permissions` header (`issues=write; pull_requests=write`), if sane. */
function acceptedPermissions(error) {
    const value = header(error, 'x-accepted-github-permissions');
    return value !== undefined && /^[a-z_]+=[a-z]+(?:[;,] ?[a-z_]+=[a-z]+){0,9}$/.test(value)
        ? value
        : undefined;
}
function status(error) {
    const value = field(error, 'status');
    return typeof value === 'number' ? value : undefined;
}
function header(error, name) {
    const value = field(field(field(error, 'response'), 'headers'), name);
    return typeof value === 'string' || typeof value === 'number' ? String(value) : undefined;
}
function isRateLimited(error) {
    const code = status(error);
    if (code === 429)
        return true;
    if (code !== 403)
        return false;
    return (header(error, 'x-ratelimit-remaining') === '0' ||
        header(error, 'retry-after') !== undefined ||
        /rate limit/i.test(apiMessage(error) ?? ''));
}
function isTransient(error) {
    const code = status(error);
    if (code === undefined)
        return true; // no response: a network error
    return code >= 500 || isRateLimited(error);
}
/** 403 or 404 that is not a rate limit: the token may not do this. */
function isRefused(error) {
    const code = status(error);
    return (code === 403 || code === 404) && !isRateLimited(error);
}
/** GitHub's `message` from the response body, one line, shortened. */
function apiMessage(error) {
    const message = field(field(field(error, 'response'), 'data'), 'message');
    if (typeof message !== 'string')
        return undefined;
    const line = message.replace(/\s+/g, ' ').trim();
    return line.length > 200 ? `${line.slice(0, 199)}…` : line;
}
/** A description built only from safe parts: status, GitHub's message, a Node error code. */
function describe(error) {
    const code = status(error);
    if (code === undefined) {
        const errno = field(error, 'code');
        return typeof errno === 'string' && /^[A-Z][A-Z0-9_]{0,40}$/.test(errno)
            ? `network error ${errno}`
            : 'network error';
    }
    if (isRateLimited(error))
        return `rate limited (HTTP ${code})`;
    const message = apiMessage(error);
    return message === undefined || message === '' ? `HTTP ${code}` : `HTTP ${code} (${message})`;
}
function defaultSleep(ms) {
    return new Promise((resolve) => setTimeout(resolve, ms));
}


/***/ })

};
