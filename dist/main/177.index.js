export const id = 177;
export const ids = [177];
export const modules = {

/***/ 7177:
/***/ ((__unused_webpack___webpack_module__, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   SUMMARY_LIMIT: () => (/* binding */ SUMMARY_LIMIT),
/* harmony export */   conclusionFor: () => (/* binding */ conclusionFor),
/* harmony export */   renderReport: () => (/* binding */ renderReport),
/* harmony export */   reportRecord: () => (/* binding */ reportRecord),
/* harmony export */   summaryLine: () => (/* binding */ summaryLine)
/* harmony export */ });
/* unused harmony exports COMMENT_LIMIT, REPORT_RECORD_VERSION, escapeCell, codeSpan, fencedBlock */
/**
 * The report a reviewer reads: the sticky PR comment and the job summary. One markdown document
 * that says what the agent changed, what the lock blocked and whether the policy held.
 *
 * Pure: data in, markdown out. Everything that comes from the agent or the repository (paths,
 * commit subjects, denial targets, the final message) is escaped so that it renders as text: it
 * cannot open HTML, close a `<details>` block, break a table row, ping anyone or hide characters.
 */
/**
 * GitHub's limit on a comment body. The API's error says "maximum is 65536 characters"; field
 * measurements (dead-claudia/github-limits, PR #13) found the real check counts bytes for some
 * text. {@link renderReport} keeps the UTF-8 byte length within the limit, which also keeps the
 * character count (UTF-16 units or code points) within it, whichever GitHub counts.
 */
const COMMENT_LIMIT = 65_536;
/**
 * A safe size for the job summary: the runner refuses a step summary over 1024k ("upload aborted,
 * supports content up to a size of 1024k"), so this stays a little below 1 MiB.
 */
const SUMMARY_LIMIT = 1_000_000;
/** Version of the `report-file` record's shape; raised on any incompatible change. */
const REPORT_RECORD_VERSION = 1;
/** The `report-file` record for a report (pure; the caller redacts it as it serialises it). */
function reportRecord(input) {
    // The marker is the comment's plumbing, not a fact of the run.
    const record = { version: REPORT_RECORD_VERSION, ...input };
    delete record.marker;
    return record;
}
const DEFAULT_MORE_AT = 'the job summary and the report file (`report-file` output)';
// ---------------------------------------------------------------------------------------------
// Policy
/**
 * The verdict and whether the step fails.
 *
 * Precedence: refused > violation > agent-failed > blocked actions (only with `fail-on: denial`) >
 * success. A violation outranks an agent failure because whether the policy held is what the
 * reviewer must know first; the report still shows the agent's exit.
 *
 * `fail-on` governs what the agent's run can fail:
 * - `violation` (default): a violation or an agent failure fails the step; blocked actions are
 *   reported only.
 * - `denial`: any blocked action fails the step too, with conclusion `violation` and the reason
 *   "N blocked actions (fail-on: denial)".
 * - `never`: nothing the agent did fails the step (advisory mode); the `conclusion` output still
 *   carries the verdict for later steps to act on.
 *
 * A refusal is not a run: the guard or the lock could not be established, so the step fails
 * whatever `fail-on` says, as an invalid input would.
 */
function conclusionFor(args) {
    const { agentFailed, violations, denials, failOn } = args;
    const enforced = failOn !== 'never';
    if (args.refused === true)
        return { conclusion: 'refused', fail: true };
    if (violations > 0) {
        const also = agentFailed ? '; the agent also failed' : '';
        return {
            conclusion: 'violation',
            fail: enforced,
            reason: `${plural(violations, 'policy violation')}${also}.`,
        };
    }
    if (agentFailed)
        return { conclusion: 'agent-failed', fail: enforced };
    if (denials > 0 && failOn === 'denial') {
        return {
            conclusion: 'violation',
            fail: true,
            reason: `${plural(denials, 'blocked action')} (fail-on: denial).`,
        };
    }
    return { conclusion: 'success', fail: false };
}
const VERDICT_WORD = {
    success: 'success',
    violation: 'violation',
    'agent-failed': 'agent failed',
    refused: 'refused',
};
/**
 * One plain-text line for the log: verdict, reason and counts. Control characters are shown as
 * escapes, so the line cannot start a workflow command or span several lines.
 */
function summaryLine(input) {
    const files = input.audit?.files.length ?? 0;
    const violations = input.audit?.violations.length ?? 0;
    const counts = [
        plural(violations, 'violation'),
        plural(input.denials.length, 'blocked action'),
        `${plural(files, 'file')} changed`,
    ];
    if (input.agent?.numTurns !== undefined)
        counts.push(plural(input.agent.numTurns, 'turn'));
    if (input.agent?.costUsd !== undefined)
        counts.push(formatCost(input.agent.costUsd));
    const sentence = visible(clip(verdictText(input), 300));
    return `Airlock: ${VERDICT_WORD[input.conclusion]} — ${sentence} (${counts.join(', ')})`;
}
// ---------------------------------------------------------------------------------------------
// Escaping
const CONTROL = 
// Matching control characters is the point here.
// eslint-disable-next-line no-control-regex
/[\u0000-\u001f\u007f-\u009f\u00ad\u061c\u180e\u200b-\u200f\u2028-\u202e\u2060-\u2064\u2066-\u206f\ufeff\ufff9-\ufffb\ud800-\udfff]/gu;
/**
 * Makes invisible and layout characters visible: `\n`, `\r`, `\t`, and `\u{…}` for other
 * control, zero-width and bidirectional characters (which could disguise a path).
 */
function visible(text) {
    return text.replace(CONTROL, (char) => {
        if (char === '\n')
            return '\\n';
        if (char === '\r')
            return '\\r';
        if (char === '\t')
            return '\\t';
        return `\\u{${(char.codePointAt(0) ?? 0).toString(16).toUpperCase()}}`;
    });
}
const ZWJ = '\u200d';
/**
 * Plain text, safe in a table cell and in running text: markdown punctuation is backslash-escaped
 * (no emphasis, links, images, math, strikethrough), `<`, `>`, `&` become entities (no HTML, no
 * `</details>`), `|` cannot split a cell, line breaks and invisible characters are shown as
 * escapes, and every `@` is followed by a zero-width joiner so that no one is mentioned.
 */
function escapeCell(text) {
    return visible(text).replace(/[\\`*_[\]|~$<>&@]/g, (char) => {
        switch (char) {
            case '<':
                return '&lt;';
            case '>':
                return '&gt;';
            case '&':
                return '&amp;';
            case '@':
                return `@${ZWJ}`;
            default:
                return `\\${char}`;
        }
    });
}
/**
 * An inline code span showing `text` verbatim: the delimiter is longer than any backtick run
 * inside, invisible characters are shown as escapes, and (in `'cell'` context, the default) `|` is
 * escaped as GitHub's table parser requires. Code spans render no HTML and ping no one.
 */
function codeSpan(text, context = 'cell') {
    let content = visible(text);
    if (content === '')
        return '(empty)';
    if (context === 'cell')
        content = content.replace(/\|/g, '\\|');
    const fence = '`'.repeat(longestRun(content, '`') + 1);
    const pad = content.startsWith('`') ||
        content.endsWith('`') ||
        (content.startsWith(' ') && content.endsWith(' '))
        ? ' '
        : '';
    return `${fence}${pad}${content}${pad}${fence}`;
}
/**
 * A fenced code block showing `text` verbatim: the fence is longer than any backtick run inside,
 * so the text cannot close it; line breaks are normalized to `\n` and other control and
 * bidirectional characters are shown as escapes.
 */
function fencedBlock(text, info = 'text') {
    const content = text
        .replace(/\r\n?/g, '\n')
        .split('\n')
        .map((line) => visible(line))
        .join('\n');
    const fence = '`'.repeat(Math.max(3, longestRun(content, '`') + 1));
    return `${fence}${info}\n${content}\n${fence}`;
}
function longestRun(text, char) {
    let longest = 0;
    let current = 0;
    for (let i = 0; i < text.length; i++) {
        if (text[i] === char) {
            current++;
            if (current > longest)
                longest = current;
        }
        else {
            current = 0;
        }
    }
    return longest;
}
/** Shortens to at most `max` code points, keeping both ends: `abc…xyz`. */
function clip(text, max) {
    if (text.length <= max)
        return text;
    const points = Array.from(text);
    if (points.length <= max)
        return text;
    const head = Math.ceil((max - 1) / 2);
    const tail = max - 1 - head;
    return `${points.slice(0, head).join('')}…${tail > 0 ? points.slice(-tail).join('') : ''}`;
}
/** Number of code points, without building an array. */
function codePoints(text) {
    let n = 0;
    for (let i = 0; i < text.length; i++) {
        const unit = text.charCodeAt(i);
        if (unit < 0xdc00 || unit > 0xdfff || i === 0)
            n++;
        else {
            const previous = text.charCodeAt(i - 1);
            if (previous < 0xd800 || previous > 0xdbff)
                n++;
        }
    }
    return n;
}
/** UTF-8 byte length (never less than the UTF-16 length). */
function size(text) {
    let bytes = 0;
    for (let i = 0; i < text.length; i++) {
        const unit = text.charCodeAt(i);
        if (unit < 0x80)
            bytes += 1;
        else if (unit < 0x800)
            bytes += 2;
        else if (unit >= 0xd800 && unit <= 0xdbff) {
            const next = text.charCodeAt(i + 1);
            if (next >= 0xdc00 && next <= 0xdfff) {
                bytes += 4;
                i++;
            }
            else
                bytes += 3;
        }
        else
            bytes += 3;
    }
    return bytes;
}
/** The longest prefix of `text` whose UTF-8 length is at most `max`, cut at a code point. */
function prefixWithin(text, max) {
    let bytes = 0;
    let i = 0;
    while (i < text.length) {
        const unit = text.charCodeAt(i);
        const next = text.charCodeAt(i + 1);
        const pair = unit >= 0xd800 && unit <= 0xdbff && next >= 0xdc00 && next <= 0xdfff;
        const width = unit < 0x80 ? 1 : unit < 0x800 ? 2 : pair ? 4 : 3;
        if (bytes + width > max)
            break;
        bytes += width;
        i += pair ? 2 : 1;
    }
    return text.slice(0, i);
}
// ---------------------------------------------------------------------------------------------
// Formatting
const NUMBER = new Intl.NumberFormat('en-US');
function num(n) {
    return Number.isInteger(n) && n >= 0 && n < 1000 ? String(n) : NUMBER.format(n);
}
function plural(n, noun) {
    return `${num(n)} ${noun}${n === 1 ? '' : 's'}`;
}
function formatCost(usd) {
    return `$${usd.toFixed(usd > 0 && usd < 0.01 ? 4 : 2)}`;
}
function formatDuration(ms) {
    if (ms < 1000)
        return `${Math.round(ms)} ms`;
    const seconds = Math.round(ms / 1000);
    if (seconds < 60)
        return `${(ms / 1000).toFixed(1)} s`;
    const minutes = Math.floor(seconds / 60);
    if (minutes < 60)
        return `${minutes}m ${seconds % 60}s`;
    return `${Math.floor(minutes / 60)}h ${minutes % 60}m`;
}
function table(header, rows) {
    return [`| ${header.join(' | ')} |`, `| ${header.map(() => '---').join(' | ')} |`, ...rows];
}
function row(cells) {
    return `| ${cells.join(' | ')} |`;
}
function details(summary, body) {
    return `<details><summary>${summary}</summary>\n\n${body}\n\n</details>`;
}
// ---------------------------------------------------------------------------------------------
// Verdict
function verdictText(input) {
    if (input.reason !== undefined && input.reason.trim() !== '')
        return input.reason.trim();
    const violations = input.audit?.violations ?? [];
    const denials = input.denials.length;
    const files = input.audit?.files.length ?? 0;
    switch (input.conclusion) {
        case 'refused': {
            const why = input.isolation?.allowed === false ? input.isolation.reason : undefined;
            return why === undefined
                ? 'Airlock refused to start the agent.'
                : `Airlock refused to start the agent: ${why}`;
        }
        case 'agent-failed':
            return agentFailure(input.agent);
        case 'violation': {
            if (violations.length > 0) {
                const kinds = [...new Set(violations.map((v) => v.kind))].join(', ');
                const blocked = denials > 0 ? `; ${plural(denials, 'blocked action')}` : '';
                return `${plural(violations.length, 'policy violation')} (${kinds})${blocked}.`;
            }
            return `${plural(denials, 'blocked action')} (fail-on: ${input.failOn}).`;
        }
        case 'success':
            return `No policy violations; ${plural(files, 'file')} changed, ${plural(denials, 'blocked action')}.`;
    }
}
function agentFailure(agent) {
    if (agent === undefined)
        return 'The agent did not run to completion.';
    if (agent.timedOut)
        return `The agent timed out after ${formatDuration(agent.durationMs)}.`;
    if (agent.killedReason !== undefined)
        return `Airlock stopped the agent: ${agent.killedReason}`;
    if (agent.signal !== null)
        return `The agent was ended by ${agent.signal}.`;
    if (agent.exitCode !== null && agent.exitCode !== 0) {
        return `The agent exited with code ${agent.exitCode}.`;
    }
    if (agent.isError === true) {
        return `The agent reported an error (${agent.subtype ?? 'no subtype'}).`;
    }
    return 'The agent did not finish.';
}
/**
 * `total`: how many rows there are, when only the first `rows.length` are built. Build more rows
 * than `limit` bytes can hold (or all of them): a document that cannot show the rest is cut
 * exactly as if they were there.
 */
function rowBlock(head, rows, more, total = rows.length) {
    const prefix = [0];
    let bytes = 0;
    for (const r of rows) {
        bytes += size(r) + 1;
        prefix.push(bytes);
    }
    return { head, rows, total, prefix, shown: rows.length, more };
}
function rowBlockSize(block, shown = block.shown) {
    const hidden = block.total - shown;
    const more = hidden > 0 ? size(block.more(hidden)) + 2 : 0;
    return size(block.head) + (block.prefix[shown] ?? 0) + more;
}
function renderRowBlock(block) {
    const lines = [block.head, ...block.rows.slice(0, block.shown)];
    const hidden = block.total - block.shown;
    let text = lines.join('\n');
    if (hidden > 0)
        text += `\n\n${block.more(hidden)}`;
    return text;
}
/** Shows as many rows as fit in `budget` bytes, never fewer than `min`. */
function fitRows(block, budget, min) {
    let shown = block.shown;
    while (shown > min && rowBlockSize(block, shown) > budget)
        shown--;
    block.shown = shown;
}
// ---------------------------------------------------------------------------------------------
// Rendering
const MAX_EXAMPLES = 3;
const MAX_IGNORED = 100;
const MAX_EVIDENCE = 100;
const MAX_DOMAINS = 30;
/** Room kept for the cut notice, beyond the `moreAt` text it repeats. */
const NOTICE_RESERVE = 700;
const MESSAGE_MIN = 300;
/**
 * The report as markdown, at most `limit` bytes of UTF-8 (default {@link COMMENT_LIMIT}), first
 * line `input.marker`.
 *
 * Order: verdict, violations, changed files and commits, blocked actions, agent, isolation,
 * stripped variables, lock, the agent's final message, link to the run. When the whole report does
 * not fit, parts are cut least important first — the final message (shortened, then left out),
 * isolation evidence, stripped-variable names, ignored-file names, changed-file rows (rows of files
 * with a violation are kept), blocked-action examples, commits, blocked-action rows, the remaining
 * changed-file rows — and a note under the verdict says what was cut. Violations are cut last, and
 * then only from the end, with a count of what is not shown. Linear in the size of the input.
 */
function renderReport(input, options = {}) {
    const limit = options.limit ?? COMMENT_LIMIT;
    const moreAt = options.moreAt ?? DEFAULT_MORE_AT;
    const audit = input.audit;
    const violations = audit?.violations ?? [];
    const files = audit?.files ?? [];
    const message = input.agent?.result;
    const doc = new Doc(NOTICE_RESERVE + size(moreAt));
    doc.text('head', `${input.marker}\n**Airlock: ${VERDICT_WORD[input.conclusion]}** — ${escapeCell(clip(verdictText(input), 500))}`);
    if (violations.length > 0)
        doc.rows('violations', violationBlock(violations, moreAt));
    if (audit !== undefined) {
        doc.rows('files', fileBlock(files, violations, moreAt, limit));
        if (audit.ignored.length > 0)
            doc.text('ignored', ignoredSection(audit.ignored, true));
        if (audit.commits.length > 0)
            doc.rows('commits', commitBlock(audit.commits, moreAt));
    }
    else if (input.conclusion !== 'refused') {
        doc.text('files', '#### Changed files\n\nNo audit record.');
    }
    if (input.denials.length > 0)
        doc.rows('denials', denialBlock(input.denials, true, moreAt));
    doc.text('agent', agentSection(input.agent));
    if (input.isolation !== undefined)
        doc.text('isolation', isolationSection(input.isolation, true));
    doc.text('stripped', strippedSection(input.stripped, true));
    doc.text('lock', lockSection(input.lock));
    if (message !== undefined && message !== '')
        doc.text('message', messageSection(message));
    const footer = footerSection(input);
    if (footer !== '')
        doc.text('footer', footer);
    const cuts = [];
    /** Bytes left for section `name` when everything else stays as it is, notice included. */
    const budgetFor = (name) => limit - (doc.total(true) - doc.sizeOf(name));
    /** Shows as many of the block's rows as fit, never fewer than `min`. */
    const fit = (name, min) => {
        const block = doc.block(name);
        if (block !== undefined)
            fitRows(block, budgetFor(name), min);
    };
    const steps = [
        () => {
            if (message === undefined || !doc.has('message'))
                return;
            const shortened = shortMessageSection(message, budgetFor('message'));
            if (shortened !== undefined) {
                doc.text('message', shortened);
                cuts.push("the end of the agent's final message");
            }
            else {
                const characters = plural(codePoints(message), 'character');
                doc.text('message', `The agent's final message (${characters}) was left out to fit.`);
                cuts.push("the agent's final message");
            }
        },
        () => {
            if (input.isolation === undefined || input.isolation.evidence.length === 0)
                return;
            doc.text('isolation', isolationSection(input.isolation, false));
            cuts.push('isolation evidence');
        },
        () => {
            if (input.stripped.length === 0)
                return;
            doc.text('stripped', strippedSection(input.stripped, false));
            cuts.push('the names of the removed variables');
        },
        () => {
            if (audit === undefined || audit.ignored.length === 0)
                return;
            doc.text('ignored', ignoredSection(audit.ignored, false));
            cuts.push('the names of new ignored files');
        },
        () => {
            fit('files', files.length - countUnflagged(files, violations));
        },
        () => {
            if (input.denials.length === 0)
                return;
            doc.rows('denials', denialBlock(input.denials, false, moreAt));
            cuts.push('examples of blocked actions');
        },
        () => {
            fit('commits', 0);
        },
        () => {
            fit('denials', 0);
        },
        () => {
            fit('files', 0);
        },
        () => {
            fit('violations', 0);
        },
    ];
    if (doc.total(false) > limit) {
        for (const step of steps) {
            if (doc.total(true) <= limit)
                break;
            step();
        }
    }
    for (const [name, block] of doc.blocks()) {
        const hidden = block.total - block.shown;
        if (hidden > 0) {
            cuts.push(`${num(hidden)} of ${num(block.total)} ${ROW_NOUN[name] ?? 'rows'}`);
        }
    }
    if (cuts.length > 0) {
        doc.text('notice', `> **Shortened to fit the ${num(limit)}-byte limit.** Left out: ${cuts.join('; ')}. ` +
            `The full record is in ${moreAt}.`);
    }
    const markdown = doc.render();
    return size(markdown) <= limit ? markdown : lastResort(input, limit, moreAt);
}
const ORDER = [
    'head',
    'notice',
    'violations',
    'files',
    'ignored',
    'commits',
    'denials',
    'agent',
    'isolation',
    'stripped',
    'lock',
    'message',
    'footer',
];
/** The report's sections, each plain text or a block of rows, with their sizes kept current. */
class Doc {
    noticeReserve;
    texts = new Map();
    rowBlocks = new Map();
    constructor(noticeReserve) {
        this.noticeReserve = noticeReserve;
    }
    text(name, text) {
        this.rowBlocks.delete(name);
        this.texts.set(name, { text, size: size(text) });
    }
    rows(name, block) {
        this.texts.delete(name);
        this.rowBlocks.set(name, block);
    }
    has(name) {
        return this.texts.has(name) || this.rowBlocks.has(name);
    }
    block(name) {
        return this.rowBlocks.get(name);
    }
    blocks() {
        return ORDER.flatMap((name) => {
            const block = this.rowBlocks.get(name);
            return block === undefined ? [] : [[name, block]];
        });
    }
    sizeOf(name) {
        const block = this.rowBlocks.get(name);
        if (block !== undefined)
            return rowBlockSize(block);
        return this.texts.get(name)?.size ?? 0;
    }
    /** Bytes of the whole document; with `reserveNotice`, room for the cut notice too. */
    total(reserveNotice) {
        let sum = 0;
        let count = 0;
        for (const name of ORDER) {
            if (name === 'notice' || !this.has(name))
                continue;
            sum += this.sizeOf(name);
            count++;
        }
        if (reserveNotice) {
            sum += this.noticeReserve;
            count++;
        }
        return sum + SEPARATOR.length * Math.max(0, count - 1);
    }
    render() {
        const parts = [];
        for (const name of ORDER) {
            const block = this.rowBlocks.get(name);
            const text = block === undefined ? this.texts.get(name)?.text : renderRowBlock(block);
            if (text !== undefined)
                parts.push(text);
        }
        return parts.join(SEPARATOR);
    }
}
const SEPARATOR = '\n\n';
const ROW_NOUN = {
    violations: 'violations',
    files: 'changed-file rows',
    commits: 'commits',
    denials: 'blocked-action groups',
};
/** When even the cut report is too long (a very small limit): verdict and counts only. */
function lastResort(input, limit, moreAt) {
    const counts = [
        plural(input.audit?.violations.length ?? 0, 'violation'),
        plural(input.denials.length, 'blocked action'),
        `${plural(input.audit?.files.length ?? 0, 'file')} changed`,
    ];
    const text = [
        `${input.marker}\n**Airlock: ${VERDICT_WORD[input.conclusion]}** — ${escapeCell(clip(verdictText(input), 200))}`,
        `${counts.join(', ')}. The report did not fit in ${num(limit)} bytes; it is in ${moreAt}.`,
    ].join('\n\n');
    return size(text) <= limit ? text : prefixWithin(text, limit);
}
function violationBlock(violations, moreAt) {
    const rows = violations.map((v) => {
        const where = v.path === undefined
            ? '—'
            : codeSpan(clip(v.path, 300) + (v.line === undefined ? '' : `:${v.line}`));
        return row([
            escapeCell(v.kind),
            where,
            codeSpan(clip(v.rule, 120)),
            escapeCell(clip(v.detail, 300)),
        ]);
    });
    const head = [
        `#### Violations (${num(violations.length)})`,
        '',
        ...table(['Kind', 'Where', 'Rule', 'Detail'], []),
    ].join('\n');
    return rowBlock(head, rows, (hidden) => `… and ${plural(hidden, 'more violation')}; see ${moreAt}.`);
}
/** Paths named by a violation. */
function flaggedPaths(violations) {
    const paths = new Set();
    for (const v of violations)
        if (v.path !== undefined)
            paths.add(v.path);
    return paths;
}
function isFlagged(file, flagged) {
    return flagged.has(file.path) || (file.oldPath !== undefined && flagged.has(file.oldPath));
}
function countUnflagged(files, violations) {
    const flagged = flaggedPaths(violations);
    let n = 0;
    for (const f of files)
        if (!isFlagged(f, flagged))
            n++;
    return n;
}
function fileBlock(files, violations, moreAt, limit) {
    const flagged = flaggedPaths(violations);
    const first = [];
    const rest = [];
    let additions = 0;
    let deletions = 0;
    for (const file of files) {
        additions += file.additions ?? 0;
        deletions += file.deletions ?? 0;
        if (isFlagged(file, flagged))
            first.push(fileRow(file, true));
        else
            rest.push(file);
    }
    if (files.length === 0) {
        return rowBlock('#### Changed files\n\nNo files changed.', [], () => '');
    }
    const head = [
        `#### Changed files (${num(files.length)}, +${num(additions)} −${num(deletions)})`,
        '',
        ...table(['Status', 'Path', '+/−', 'Notes'], []),
    ].join('\n');
    // Rows past `limit` bytes can never be shown: build one more than fit, not 10,000.
    const rows = first;
    let bytes = rows.reduce((sum, r) => sum + size(r) + 1, 0);
    for (const file of rest) {
        if (bytes > limit)
            break;
        const row = fileRow(file, false);
        rows.push(row);
        bytes += size(row) + 1;
    }
    return rowBlock(head, rows, (hidden) => `… and ${plural(hidden, 'more file')}; see ${moreAt}.`, files.length);
}
function fileRow(file, flagged) {
    const path = file.oldPath !== undefined && file.oldPath !== file.path
        ? `${codeSpan(clip(file.oldPath, 200))} → ${codeSpan(clip(file.path, 200))}`
        : codeSpan(clip(file.path, 300));
    const stat = file.binary
        ? 'binary'
        : file.additions === null || file.deletions === null
            ? '—'
            : `+${num(file.additions)} −${num(file.deletions)}`;
    const notes = [];
    if (flagged)
        notes.push('**violation**');
    if (file.binary && stat !== 'binary')
        notes.push('binary');
    if (file.oldMode !== undefined && file.newMode !== undefined && file.oldMode !== file.newMode) {
        notes.push(`mode ${codeSpan(`${file.oldMode} → ${file.newMode}`)}`);
    }
    else if (file.oldMode === undefined &&
        file.newMode !== undefined &&
        file.newMode !== '100644') {
        notes.push(`mode ${codeSpan(file.newMode)}`);
    }
    if (file.newMode === '160000')
        notes.push('submodule');
    if (file.symlinkTarget !== undefined)
        notes.push(`symlink → ${codeSpan(clip(file.symlinkTarget, 200))}`);
    return row([escapeCell(file.status), path, stat, notes.join(', ')]);
}
function ignoredSection(ignored, withNames) {
    const line = `${plural(ignored.length, 'new file')} under ignored paths (not in the table above).`;
    if (!withNames)
        return line;
    const shown = ignored.slice(0, MAX_IGNORED).map((p) => `- ${codeSpan(clip(p, 300), 'inline')}`);
    if (ignored.length > MAX_IGNORED)
        shown.push(`- … and ${num(ignored.length - MAX_IGNORED)} more`);
    return `${line}\n\n${details(`New ignored files (${num(ignored.length)})`, shown.join('\n'))}`;
}
function commitBlock(commits, moreAt) {
    const rows = commits.map((c) => `- ${codeSpan(clip(c.sha, 40).slice(0, 8), 'inline')} ${escapeCell(clip(c.subject, 150))}`);
    return rowBlock(`**Commits by the agent (${num(commits.length)})**\n`, rows, (hidden) => `… and ${plural(hidden, 'more commit')}; see ${moreAt}.`);
}
function denialGroups(denials) {
    const byTool = new Map();
    for (const d of denials) {
        let reasons = byTool.get(d.tool);
        if (reasons === undefined) {
            reasons = new Map();
            byTool.set(d.tool, reasons);
        }
        let group = reasons.get(d.reason);
        if (group === undefined) {
            group = { tool: d.tool, reason: d.reason, sources: new Set(), count: 0, examples: [] };
            reasons.set(d.reason, group);
        }
        group.count++;
        group.sources.add(d.source);
        if (group.examples.length < MAX_EXAMPLES && !group.examples.includes(d.target)) {
            group.examples.push(d.target);
        }
    }
    const tools = [...byTool.values()].map((reasons) => {
        const groups = [...reasons.values()].sort((a, b) => b.count - a.count);
        return { groups, count: groups.reduce((n, g) => n + g.count, 0) };
    });
    tools.sort((a, b) => b.count - a.count);
    return tools.flatMap((t) => t.groups);
}
function denialBlock(denials, withExamples, moreAt) {
    const groups = denialGroups(denials);
    const header = ['Tool', 'Reason', 'By', 'Count'];
    if (withExamples)
        header.push('Examples');
    const rows = groups.map((g) => {
        const cells = [
            codeSpan(clip(g.tool, 60)),
            escapeCell(clip(g.reason, 200)),
            [...g.sources].sort().join(', '),
            num(g.count),
        ];
        if (withExamples)
            cells.push(g.examples.map((e) => codeSpan(clip(e, 100))).join('<br>'));
        return row(cells);
    });
    const head = [`#### Blocked actions (${num(denials.length)})`, '', ...table(header, [])].join('\n');
    return rowBlock(head, rows, (hidden) => `… and ${plural(hidden, 'more group')}; see ${moreAt}.`);
}
function agentSection(agent) {
    if (agent === undefined)
        return '#### Agent\n\nThe agent did not run.';
    const exit = agent.exitCode !== null
        ? String(agent.exitCode)
        : agent.signal !== null
            ? escapeCell(agent.signal)
            : '—';
    const result = agent.subtype === undefined ? '—' : escapeCell(clip(agent.subtype, 60));
    const lines = [
        '#### Agent',
        '',
        ...table(['Turns', 'Cost', 'Duration', 'Exit', 'Result', 'Timed out'], [
            row([
                agent.numTurns === undefined ? '—' : num(agent.numTurns),
                agent.costUsd === undefined ? '—' : escapeCell(formatCost(agent.costUsd)),
                formatDuration(agent.durationMs),
                exit,
                agent.isError === true ? `${result} (error)` : result,
                agent.timedOut ? '**yes**' : 'no',
            ]),
        ]),
    ];
    if (agent.killedReason !== undefined) {
        lines.push('', `Airlock stopped the agent: ${escapeCell(clip(agent.killedReason, 300))}`);
    }
    return lines.join('\n');
}
function isolationSection(isolation, withEvidence) {
    const reason = isolation.reason === undefined ? '' : ` ${escapeCell(clip(isolation.reason, 300))}`;
    const line = `**Isolation:** ${escapeCell(isolation.kind)}, ${isolation.allowed ? 'allowed' : '**refused**'}.${reason}`;
    if (isolation.evidence.length === 0)
        return line;
    if (!withEvidence)
        return `${line} (Evidence left out to fit.)`;
    const items = isolation.evidence
        .slice(0, MAX_EVIDENCE)
        .map((e) => `- ${escapeCell(clip(e, 300))}`);
    if (isolation.evidence.length > MAX_EVIDENCE) {
        items.push(`- … and ${num(isolation.evidence.length - MAX_EVIDENCE)} more`);
    }
    return `${line}\n\n${details(`Isolation evidence (${num(isolation.evidence.length)})`, items.join('\n'))}`;
}
function strippedSection(stripped, withNames) {
    const line = stripped.length === 0
        ? "**Environment:** no variables were removed from the agent's environment."
        : `**Environment:** ${plural(stripped.length, 'variable')} removed from the agent's environment.`;
    if (stripped.length === 0 || !withNames)
        return line;
    const names = stripped.map((n) => codeSpan(clip(n, 100), 'inline')).join(', ');
    return `${line}\n\n${details(`Removed variables (${num(stripped.length)})`, names)}`;
}
function lockSection(lock) {
    if (lock === undefined)
        return '**Lock:** not applied.';
    const sandbox = lock.sandbox === 'on'
        ? 'OS sandbox on'
        : lock.sandbox === 'weaker-nested'
            ? 'OS sandbox on (weaker nested mode, inside a container)'
            : 'OS sandbox **off** (shell commands were not confined)';
    const hook = lock.hookVerified ? 'policy hook verified' : 'policy hook **not verified**';
    const domains = lock.allowedDomains.length === 0
        ? 'no outbound hosts allowed to commands'
        : `hosts allowed to commands: ${lock.allowedDomains
            .slice(0, MAX_DOMAINS)
            .map((d) => codeSpan(clip(d, 100), 'inline'))
            .join(', ')}${lock.allowedDomains.length > MAX_DOMAINS ? ` and ${num(lock.allowedDomains.length - MAX_DOMAINS)} more` : ''}`;
    return `**Lock:** ${sandbox} · ${hook} · ${plural(lock.denyRules, 'deny rule')} · ${domains}.`;
}
/** The final message, complete, in a collapsed block. */
function messageSection(message) {
    return messageDetails(codePoints(message), message, '');
}
/** The first part of the final message that fits in `budget` bytes, or `undefined` if too little. */
function shortMessageSection(message, budget) {
    const characters = codePoints(message);
    const note = `Shortened to fit: the first part of ${plural(characters, 'character')}.\n\n`;
    const overhead = size(messageDetails(characters, '', note)) + longestRun(message, '`') + 8;
    let keep = prefixWithin(message, budget - overhead);
    let text = messageDetails(characters, keep, note);
    // Escapes of invisible characters can lengthen the text: shorten until the block fits.
    while (size(text) > budget && keep.length >= MESSAGE_MIN) {
        keep = prefixWithin(keep, Math.floor(size(keep) * 0.9));
        text = messageDetails(characters, keep, note);
    }
    return keep.length < MESSAGE_MIN || size(text) > budget ? undefined : text;
}
function messageDetails(characters, shown, note) {
    const summary = `The agent's final message (${plural(characters, 'character')})`;
    return details(summary, `${note}${fencedBlock(shown)}`);
}
function footerSection(input) {
    const lines = [];
    if (input.transcriptNote !== undefined && input.transcriptNote !== '') {
        lines.push(escapeCell(clip(input.transcriptNote, 300)));
    }
    if (input.runUrl !== undefined && /^https?:\/\/[^\s<>()[\]"'`\\]+$/.test(input.runUrl)) {
        lines.push(`[Workflow run](${input.runUrl})`);
    }
    return lines.join(' · ');
}


/***/ })

};
