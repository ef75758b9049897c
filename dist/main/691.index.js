export const id = 691;
export const ids = [691];
export const modules = {

/***/ 5691:
/***/ ((__unused_webpack___webpack_module__, __webpack_exports__, __webpack_require__) => {


// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  publishReport: () => (/* reexport */ publishReport)
});

// UNUSED EXPORTS: COMMENT_LIMIT, REPORT_RECORD_VERSION, SUMMARY_LIMIT, conclusionFor, findPullRequestNumber, matrixKey, renderReport, reportRecord, stickyMarker, summaryLine, upsertStickyComment

// EXTERNAL MODULE: external "node:fs"
var external_node_fs_ = __webpack_require__(3024);
// EXTERNAL MODULE: external "node:path"
var external_node_path_ = __webpack_require__(6760);
// EXTERNAL MODULE: ./node_modules/@actions/core/lib/core.js + 11 modules
var core = __webpack_require__(3360);
// EXTERNAL MODULE: ./build/inputs/index.js + 5 modules
var inputs = __webpack_require__(8600);
// EXTERNAL MODULE: ./build/pipeline/errors.js
var errors = __webpack_require__(9032);
;// CONCATENATED MODULE: ./build/report/field.js
/**
 * Reads a field of a value whose shape is not known (a webhook payload, an error thrown by the API
 * client) without throwing and without trusting its type.
 *
 * Pure.
 */
/** `value[key]` when `value` is an object, else `undefined`; never throws. */
function field(value, key) {
    if (typeof value !== 'object' || value === null)
        return undefined;
    return value[key];
}

;// CONCATENATED MODULE: ./build/report/pull-request.js
/**
 * Which pull request a workflow event is about, read from the event's payload.
 *
 * Pure: an event name and its payload in, a number or `null` out.
 */

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
function positiveInteger(value) {
    return typeof value === 'number' && Number.isSafeInteger(value) && value > 0 ? value : null;
}

// EXTERNAL MODULE: external "node:crypto"
var external_node_crypto_ = __webpack_require__(7598);
;// CONCATENATED MODULE: ./build/report/marker.js
/**
 * The sticky comment's hidden marker: one HTML comment per workflow, job and matrix entry, by which
 * the comment is found again on the next run.
 *
 * Pure: names in, a marker out (hashing only, no I/O).
 */

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
    return (0,external_node_crypto_.createHash)('sha256').update(text, 'utf8').digest('hex');
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

;// CONCATENATED MODULE: ./build/report/record.js
/**
 * The machine-readable `report-file` record: the report's input as data, with a version.
 *
 * Pure: data in, data out (the caller redacts and writes it).
 */
/** Version of the `report-file` record's shape; raised on any incompatible change. */
const REPORT_RECORD_VERSION = 1;
/** The `report-file` record for a report (pure; the caller redacts it as it serialises it). */
function reportRecord(input) {
    // The marker is the comment's plumbing, not a fact of the run.
    const record = { version: REPORT_RECORD_VERSION, ...input };
    delete record.marker;
    return record;
}

;// CONCATENATED MODULE: ./build/report/escape.js
/**
 * Markdown escaping: text from the agent or the repository (paths, commit subjects, denial targets,
 * the final message) rendered so that it reads as text. It cannot open HTML, close a `<details>`
 * block, break a table row, ping anyone or hide characters.
 *
 * Pure: strings in, strings out.
 */
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
/** Length of the longest run of `char` in `text` (a fence must be longer to stay closed). */
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

;// CONCATENATED MODULE: ./build/report/format.js
/**
 * Plain formatting the report shares: numbers, counts, money and durations as a reader expects
 * them (`1,234`, `2 files`, `$0.12`, `2m 5s`), and the markdown table and `<details>` scaffolding.
 * None of these escape: callers pass escaped cells.
 *
 * Pure: values in, strings out.
 */
const NUMBER = new Intl.NumberFormat('en-US');
/** A count or amount in US English grouping (`10,000`); small whole numbers as they are. */
function num(n) {
    return Number.isInteger(n) && n >= 0 && n < 1000 ? String(n) : NUMBER.format(n);
}
/** `n` and the noun, in the plural unless `n` is 1: `1 file`, `2 files`. */
function plural(n, noun) {
    return `${num(n)} ${noun}${n === 1 ? '' : 's'}`;
}
/** US dollars with cents, or four decimals for a cost under a cent. */
function formatCost(usd) {
    return `$${usd.toFixed(usd > 0 && usd < 0.01 ? 4 : 2)}`;
}
/** A duration at the precision a reader needs: `850 ms`, `4.2 s`, `2m 5s`, `1h 3m`. */
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
/** A markdown table: header row, separator row, then `rows` (already built with {@link row}). */
function table(header, rows) {
    return [`| ${header.join(' | ')} |`, `| ${header.map(() => '---').join(' | ')} |`, ...rows];
}
/** One table row from cells that are already escaped. */
function row(cells) {
    return `| ${cells.join(' | ')} |`;
}
/** A collapsed block; `summary` and `body` are trusted markdown (escaped by the caller). */
function details(summary, body) {
    return `<details><summary>${summary}</summary>\n\n${body}\n\n</details>`;
}

;// CONCATENATED MODULE: ./build/report/measure.js
/**
 * Text measured and shortened in the units the limits count: UTF-8 bytes (GitHub's comment and
 * summary limits) and code points (so a cut never splits a character).
 *
 * Pure: strings in, numbers and strings out.
 */
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

;// CONCATENATED MODULE: ./build/report/layout.js
/**
 * The size-limited layout: the report as named sections in a fixed order, each plain text or a
 * block of rows, with byte sizes kept current so that the renderer can cut the least important
 * parts until the whole fits a limit. Knows nothing of what the sections say.
 *
 * Pure: strings in, strings out.
 */

/** The order of the sections in the document. */
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
const SEPARATOR = '\n\n';
/**
 * A block with every built row shown; {@link fitRows} shows fewer.
 *
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
/** Bytes of the block when its first `shown` rows are shown, the line counting the rest included. */
function rowBlockSize(block, shown = block.shown) {
    const hidden = block.total - shown;
    const more = hidden > 0 ? size(block.more(hidden)) + 2 : 0;
    return size(block.head) + (block.prefix[shown] ?? 0) + more;
}
/** The block as markdown: head, the rows shown, and the line counting the rest. */
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
/** The report's sections, each plain text or a block of rows, with their sizes kept current. */
class Doc {
    noticeReserve;
    texts = new Map();
    rowBlocks = new Map();
    /** `noticeReserve`: bytes kept for the cut notice while cutting (see {@link Doc.total}). */
    constructor(noticeReserve) {
        this.noticeReserve = noticeReserve;
    }
    /** Sets section `name` to plain text, replacing what it held. */
    text(name, text) {
        this.rowBlocks.delete(name);
        this.texts.set(name, { text, size: size(text) });
    }
    /** Sets section `name` to a block of rows, replacing what it held. */
    rows(name, block) {
        this.texts.delete(name);
        this.rowBlocks.set(name, block);
    }
    /** Whether section `name` is in the document. */
    has(name) {
        return this.texts.has(name) || this.rowBlocks.has(name);
    }
    /** The block of rows of section `name`, if it is one. */
    block(name) {
        return this.rowBlocks.get(name);
    }
    /** Every block of rows, in document order. */
    blocks() {
        return ORDER.flatMap((name) => {
            const block = this.rowBlocks.get(name);
            return block === undefined ? [] : [[name, block]];
        });
    }
    /** Bytes of section `name` as it would render now (0 when absent). */
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
    /** The document as markdown: the sections present, in order, separated by blank lines. */
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

;// CONCATENATED MODULE: ./build/report/audit-sections.js
/**
 * The sections for what the audit found: violations, changed files (files with a violation
 * first), new ignored files and the agent's commits. The row sections come as row blocks that the
 * layout can cut; every value from the repository is escaped or shown as code.
 *
 * Pure: the audit record in, markdown out.
 */




/** Most ignored-file names listed. */
const MAX_IGNORED = 100;
/** The violations table: kind, where (`path:line`), rule and detail, one row each. */
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
/** How many changed files no violation names (the rows that may be cut first). */
function countUnflagged(files, violations) {
    const flagged = flaggedPaths(violations);
    let n = 0;
    for (const f of files)
        if (!isFlagged(f, flagged))
            n++;
    return n;
}
/**
 * The changed-files table with totals: files with a violation first and marked, then the others.
 * Builds only the rows that `limit` bytes could ever hold; the block still counts every file.
 */
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
/** The count of new files under ignored paths, and with `withNames` their names, collapsed. */
function ignoredSection(ignored, withNames) {
    const line = `${plural(ignored.length, 'new file')} under ignored paths (not in the table above).`;
    if (!withNames)
        return line;
    const shown = ignored.slice(0, MAX_IGNORED).map((p) => `- ${codeSpan(clip(p, 300), 'inline')}`);
    if (ignored.length > MAX_IGNORED)
        shown.push(`- … and ${num(ignored.length - MAX_IGNORED)} more`);
    return `${line}\n\n${details(`New ignored files (${num(ignored.length)})`, shown.join('\n'))}`;
}
/** The agent's commits: short hash and subject, one line each. */
function commitBlock(commits, moreAt) {
    const rows = commits.map((c) => `- ${codeSpan(clip(c.sha, 40).slice(0, 8), 'inline')} ${escapeCell(clip(c.subject, 150))}`);
    return rowBlock(`**Commits by the agent (${num(commits.length)})**\n`, rows, (hidden) => `… and ${plural(hidden, 'more commit')}; see ${moreAt}.`);
}

;// CONCATENATED MODULE: ./build/report/denial-section.js
/**
 * The blocked-actions section: every refusal (by the CLI, the hook or the sandbox) grouped by tool
 * and reason, largest groups first, with counts and a few distinct examples.
 *
 * Pure: denials in, markdown out.
 */




/** Most distinct examples shown per group. */
const MAX_EXAMPLES = 3;
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
/**
 * The blocked-actions table, one row per tool and reason; `withExamples` adds a column of
 * examples (left out when the report must be shortened).
 */
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

;// CONCATENATED MODULE: ./build/report/message-section.js
/**
 * The agent's final message in a collapsed, fenced block: whole, or its first part when the report
 * must be shortened.
 *
 * Pure: the message in, markdown out.
 */



/** Shortest part of the message (in UTF-16 units) worth showing; a shorter one is left out. */
const MESSAGE_MIN = 300;
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

;// CONCATENATED MODULE: ./build/report/run-sections.js
/**
 * The sections that describe the run's setting rather than its changes: the agent's stats, the
 * isolation verdict with its evidence, the variables removed from the environment, the lock, and
 * the footer (transcript note and link to the run).
 *
 * Pure: the report's input in, markdown out.
 */



/** Most isolation evidence lines listed. */
const MAX_EVIDENCE = 100;
/** Most allowed hosts named. */
const MAX_DOMAINS = 30;
/** The agent's stats in one table row (turns, cost, duration, exit, result, timeout). */
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
/** The isolation verdict; with `withEvidence`, the evidence in a collapsed list. */
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
/** How many variables were removed; with `withNames`, their names in a collapsed block. */
function strippedSection(stripped, withNames) {
    const line = stripped.length === 0
        ? "**Environment:** no variables were removed from the agent's environment."
        : `**Environment:** ${plural(stripped.length, 'variable')} removed from the agent's environment.`;
    if (stripped.length === 0 || !withNames)
        return line;
    const names = stripped.map((n) => codeSpan(clip(n, 100), 'inline')).join(', ');
    return `${line}\n\n${details(`Removed variables (${num(stripped.length)})`, names)}`;
}
/** The lock in one line: sandbox, hook, deny rules and the hosts allowed to commands. */
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
/** The transcript note and, for an `http(s)` address only, the link to the workflow run. */
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

;// CONCATENATED MODULE: ./build/report/verdict.js
/**
 * The verdict: which conclusion a run gets and whether the step fails (`fail-on`), and the one
 * sentence that explains it, in the report and in the log.
 *
 * Pure: counts and the report's input in, a verdict and plain text out.
 */



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
/** The verdict as the report and the log name it. */
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
/**
 * One plain-text sentence that explains the verdict: the given `reason` when there is one, else
 * built from the run (what was refused, how the agent failed, what was violated). Not escaped.
 */
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

;// CONCATENATED MODULE: ./build/report/render.js
/**
 * The report a reviewer reads: the sticky PR comment and the job summary. One markdown document
 * that says what the agent changed, what the lock blocked and whether the policy held, within a
 * byte limit: when the whole does not fit, the least important parts are cut first and a note
 * says what was cut.
 *
 * Pure: data in, markdown out. Everything that comes from the agent or the repository is escaped
 * by the sections (see `escape.ts`).
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
const DEFAULT_MORE_AT = 'the job summary and the report file (`report-file` output)';
/** Room kept for the cut notice, beyond the `moreAt` text it repeats. */
const NOTICE_RESERVE = 700;
/** What the cut notice calls the rows of each row section. */
const ROW_NOUN = {
    violations: 'violations',
    files: 'changed-file rows',
    commits: 'commits',
    denials: 'blocked-action groups',
};
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
    const doc = composeDoc(input, limit, moreAt);
    const cuts = doc.total(false) > limit ? cutToFit(doc, input, limit, moreAt) : [];
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
/** Every section of the report, whole (only the changed-file rows past `limit` bytes unbuilt). */
function composeDoc(input, limit, moreAt) {
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
    return doc;
}
/**
 * Cuts, least important first, until the document and the cut notice fit in `limit` bytes (or
 * there is nothing left to cut). Returns what was cut, for the notice; rows left out of a block
 * are counted by the caller.
 */
function cutToFit(doc, input, limit, moreAt) {
    const cuts = [];
    for (const step of cutSteps(doc, input, limit, moreAt)) {
        if (doc.total(true) <= limit)
            break;
        const cut = step();
        if (cut !== undefined)
            cuts.push(cut);
    }
    return cuts;
}
/** The cuts in the order they are made; each says what it left out, if anything. */
function cutSteps(doc, input, limit, moreAt) {
    const audit = input.audit;
    const violations = audit?.violations ?? [];
    const files = audit?.files ?? [];
    const message = input.agent?.result;
    /** Bytes left for section `name` when everything else stays as it is, notice included. */
    const budgetFor = (name) => limit - (doc.total(true) - doc.sizeOf(name));
    /** Shows as many of the block's rows as fit, never fewer than `min`. */
    const fit = (name, min) => {
        const block = doc.block(name);
        if (block !== undefined)
            fitRows(block, budgetFor(name), min);
        return undefined;
    };
    return [
        () => {
            if (message === undefined || !doc.has('message'))
                return undefined;
            const shortened = shortMessageSection(message, budgetFor('message'));
            if (shortened !== undefined) {
                doc.text('message', shortened);
                return "the end of the agent's final message";
            }
            const characters = plural(codePoints(message), 'character');
            doc.text('message', `The agent's final message (${characters}) was left out to fit.`);
            return "the agent's final message";
        },
        () => {
            if (input.isolation === undefined || input.isolation.evidence.length === 0)
                return undefined;
            doc.text('isolation', isolationSection(input.isolation, false));
            return 'isolation evidence';
        },
        () => {
            if (input.stripped.length === 0)
                return undefined;
            doc.text('stripped', strippedSection(input.stripped, false));
            return 'the names of the removed variables';
        },
        () => {
            if (audit === undefined || audit.ignored.length === 0)
                return undefined;
            doc.text('ignored', ignoredSection(audit.ignored, false));
            return 'the names of new ignored files';
        },
        () => fit('files', files.length - countUnflagged(files, violations)),
        () => {
            if (input.denials.length === 0)
                return undefined;
            doc.rows('denials', denialBlock(input.denials, false, moreAt));
            return 'examples of blocked actions';
        },
        () => fit('commits', 0),
        () => fit('denials', 0),
        () => fit('files', 0),
        () => fit('violations', 0),
    ];
}
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

;// CONCATENATED MODULE: ./build/report/api-error.js
/**
 * What a failed GitHub API call means: transient (retry), a rate limit, or a refusal (the token may
 * not do this); and a one-line description built only from safe parts of the error (status,
 * GitHub's message, selected headers, a Node error code), never from the request, whose headers
 * carry the token.
 *
 * Pure: an error of unknown shape in, facts about it out.
 */

/** GitHub's `x-accepted-github-permissions` header (`issues=write; pull_requests=write`), if sane. */
function acceptedPermissions(error) {
    const value = header(error, 'x-accepted-github-permissions');
    return value !== undefined && /^[a-z_]+=[a-z]+(?:[;,] ?[a-z_]+=[a-z]+){0,9}$/.test(value)
        ? value
        : undefined;
}
function api_error_status(error) {
    const value = field(error, 'status');
    return typeof value === 'number' ? value : undefined;
}
/** A response header of the error, as text, if it has one. */
function header(error, name) {
    const value = field(field(field(error, 'response'), 'headers'), name);
    return typeof value === 'string' || typeof value === 'number' ? String(value) : undefined;
}
function isRateLimited(error) {
    const code = api_error_status(error);
    if (code === 429)
        return true;
    if (code !== 403)
        return false;
    return (header(error, 'x-ratelimit-remaining') === '0' ||
        header(error, 'retry-after') !== undefined ||
        /rate limit/i.test(apiMessage(error) ?? ''));
}
/** A network error, a server error (5xx) or a rate limit: worth another attempt. */
function isTransient(error) {
    const code = api_error_status(error);
    if (code === undefined)
        return true; // no response: a network error
    return code >= 500 || isRateLimited(error);
}
/** 403 or 404 that is not a rate limit: the token may not do this. */
function isRefused(error) {
    const code = api_error_status(error);
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
    const code = api_error_status(error);
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

;// CONCATENATED MODULE: ./build/report/retry.js
/**
 * Retries of GitHub API calls: transient failures are retried with exponential backoff, waiting
 * longer when GitHub says so, within a bound.
 *
 * Thin I/O: the sleep and the clock are parameters; only {@link defaultSleep} waits for real.
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
/**
 * The result of `call`, attempted up to {@link MAX_ATTEMPTS} times while it fails transiently;
 * throws the last error otherwise, or at once when GitHub asks for a wait over {@link MAX_DELAY_MS}.
 */
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
/** Waits `ms` milliseconds (the real timer). */
function defaultSleep(ms) {
    return new Promise((resolve) => setTimeout(resolve, ms));
}

;// CONCATENATED MODULE: ./build/report/sticky-comment.js
/**
 * The sticky pull-request comment: one comment per workflow + job (+ matrix entry), found again by a
 * hidden marker on its first line (see `marker.ts`) and updated in place on every run.
 *
 * Thin I/O: the Octokit client, the clock and the sleep function are parameters. Nothing here throws for an
 * API failure — a read-only token (fork pull requests) is normal, and the report is also in the job
 * summary — so every failure comes back as a `warning` for the caller to log.
 */


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
 * and network errors are retried up to `MAX_ATTEMPTS` attempts (see `retry.ts`), with exponential
 * backoff (`BASE_DELAY_MS`, doubled each time), waiting longer when GitHub says so (`retry-after`
 * seconds, or until `x-ratelimit-reset`), up to `MAX_DELAY_MS`; a rate limit that resets later is
 * not waited for. Never throws: a refused write (403/404, typically a read-only token,
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

;// CONCATENATED MODULE: ./build/report/publish.js
/**
 * Report, as a pipeline stage: renders the report from what the run recorded, writes the job
 * summary, upserts the sticky PR comment, annotates each violation, writes `report-file`, sets
 * every output and fails the step when the verdict says so. Loaded by `run()` with `import()`
 * after the agent, not at start-up: the report's number formatting alone (ICU) took 50 ms or more
 * to set up. Everything written is redacted. I/O (rendering, in `report.ts`, is pure).
 */











/** Publishes the report of `facts` everywhere it goes, and fails the step when the verdict says so. */
async function publishReport(facts, options) {
    const { redactor, outDir } = options;
    const failOn = facts.config?.failOn ?? 'violation';
    const violations = facts.audit?.violations ?? [];
    const verdict = conclusionFor({
        refused: facts.refusal !== undefined,
        agentFailed: facts.agentFailure !== undefined,
        violations: violations.length,
        denials: facts.denials.length,
        failOn,
    });
    const conclusion = verdict.conclusion;
    const reason = facts.refusal ?? facts.agentFailure;
    const input = reportInput(facts, conclusion, options.runner);
    const body = redactor.redact(renderReport(input));
    core/* info */.pq(redactor.redact(summaryLine(input)));
    try {
        await core/* summary */.z
            .addRaw(redactor.redact(renderReport(input, { limit: SUMMARY_LIMIT })))
            .write();
    }
    catch (error) {
        core/* warning */.$e(`Could not write the job summary: ${(0,errors/* errorMessage */.g)(error)}`);
    }
    const commentUrl = await postComment(facts, input, body, options);
    annotate(violations, redactor);
    if (outDir !== null) {
        const reportFile = external_node_path_.join(outDir, 'report.json');
        (0,external_node_fs_.writeFileSync)(reportFile, `${redactor.redact(JSON.stringify(reportRecord(input), null, 2))}\n`);
        core/* setOutput */.uH(inputs/* Outputs */.tY.ReportFile, reportFile);
    }
    setOutputs(facts, conclusion, commentUrl, redactor);
    if (verdict.fail) {
        core/* setFailed */.C1(redactor.redact(failureSentence(conclusion, reason, violations.length, facts.denials.length)));
    }
}
/** The report's input: the facts, the verdict, the run's link and the sticky comment's marker. */
function reportInput(facts, conclusion, runner) {
    const reason = facts.refusal ?? facts.agentFailure;
    const marker = stickyMarker(runner.GITHUB_WORKFLOW ?? 'workflow', runner.GITHUB_JOB ?? 'job', matrixKey(facts.config?.matrix ?? ''));
    const serverUrl = runner.GITHUB_SERVER_URL ?? 'https://github.com';
    const runUrl = runner.GITHUB_REPOSITORY !== undefined && runner.GITHUB_RUN_ID !== undefined
        ? `${serverUrl}/${runner.GITHUB_REPOSITORY}/actions/runs/${runner.GITHUB_RUN_ID}`
        : undefined;
    return {
        conclusion,
        ...(reason !== undefined ? { reason } : {}),
        failOn: facts.config?.failOn ?? 'violation',
        ...(facts.isolation !== undefined ? { isolation: facts.isolation } : {}),
        stripped: facts.stripped,
        ...(facts.lock !== undefined ? { lock: facts.lock } : {}),
        ...(facts.agent !== undefined ? { agent: facts.agent } : {}),
        ...(facts.audit !== undefined ? { audit: facts.audit } : {}),
        denials: facts.denials,
        ...(runUrl !== undefined ? { runUrl } : {}),
        marker,
        transcriptNote: 'The whole session (tool calls, results, policy decisions, commits), redacted, is in the transcript-file output; upload it with actions/upload-artifact to keep it.',
    };
}
/**
 * Upserts the sticky comment on the pull request, when there is one, a token, and `comment` asks
 * for it (`on-change`: only when files changed or the run did not succeed). Never throws: a
 * failure is a warning. Returns the comment's address, or ''.
 */
async function postComment(facts, input, body, options) {
    const { config } = facts;
    const { redactor } = options;
    if (config === null || config.comment === 'never' || config.githubToken === '')
        return '';
    const changed = (facts.audit?.files.length ?? 0) > 0;
    try {
        // Loaded only here, after the agent: Octokit is most of what @actions/github weighs.
        const github = await (options.github ?? (() => __webpack_require__.e(/* import() */ 413).then(__webpack_require__.bind(__webpack_require__, 2413))))();
        const prNumber = findPullRequestNumber(github.context.eventName, github.context.payload);
        const wantComment = prNumber !== null &&
            (config.comment === 'always' || changed || input.conclusion !== 'success');
        if (!wantComment)
            return '';
        const octokit = github.getOctokit(config.githubToken);
        const { owner, repo } = github.context.repo;
        const result = await upsertStickyComment(octokit, { owner, repo, issueNumber: prNumber, marker: input.marker, body }, { log: { info: core/* info */.pq, warning: core/* warning */.$e } });
        if (result.warning !== undefined)
            core/* warning */.$e(redactor.redact(result.warning));
        return result.url ?? '';
    }
    catch (error) {
        core/* warning */.$e(redactor.redact(`Could not post the PR comment: ${(0,errors/* errorMessage */.g)(error)}`));
        return '';
    }
}
/** One error annotation per violation, on its file and line when known. */
function annotate(violations, redactor) {
    for (const violation of violations) {
        core/* error */.z3(redactor.redact(violation.detail), {
            title: `Airlock: ${violation.kind}`,
            ...(violation.path !== undefined ? { file: violation.path } : {}),
            ...(violation.line !== undefined ? { startLine: violation.line } : {}),
        });
    }
}
/** Every output but `report-file`, `patch-file` and `transcript-file` (set where they are written). */
function setOutputs(facts, conclusion, commentUrl, redactor) {
    const violations = facts.audit?.violations ?? [];
    core/* setOutput */.uH(inputs/* Outputs */.tY.Conclusion, conclusion);
    core/* setOutput */.uH(inputs/* Outputs */.tY.ExitCode, facts.agent?.exitCode ?? '');
    core/* setOutput */.uH(inputs/* Outputs */.tY.ChangedFiles, redactor.redact(JSON.stringify(facts.audit?.files ?? [])));
    core/* setOutput */.uH(inputs/* Outputs */.tY.Violations, redactor.redact(JSON.stringify(violations)));
    core/* setOutput */.uH(inputs/* Outputs */.tY.StrippedEnv, JSON.stringify(facts.stripped));
    core/* setOutput */.uH(inputs/* Outputs */.tY.PermissionDenials, String(facts.denials.length));
    core/* setOutput */.uH(inputs/* Outputs */.tY.CommentUrl, commentUrl);
    core/* setOutput */.uH(inputs/* Outputs */.tY.Result, facts.agent?.result ?? '');
    core/* setOutput */.uH(inputs/* Outputs */.tY.CostUsd, facts.agent?.costUsd !== undefined ? String(facts.agent.costUsd) : '');
    core/* setOutput */.uH(inputs/* Outputs */.tY.Turns, facts.agent?.numTurns !== undefined ? String(facts.agent.numTurns) : '');
}
/** The step's failure message: what happened and what to do. */
function failureSentence(conclusion, reason, violations, denials) {
    switch (conclusion) {
        case 'refused':
            return `Airlock refused to run the agent: ${reason ?? 'see the log'}`;
        case 'agent-failed':
            return `The agent failed: ${reason ?? 'see the log'} The report lists what it changed before it stopped.`;
        case 'violation':
            return violations > 0
                ? `The agent broke the policy (${violations} violation${violations === 1 ? '' : 's'}); read the report before merging anything it changed.`
                : `The agent tried ${denials} blocked action${denials === 1 ? '' : 's'} (fail-on: denial); read the report.`;
        default:
            return 'Airlock failed.';
    }
}

;// CONCATENATED MODULE: ./build/report/index.js
/**
 * The report stage: the verdict, the markdown report (sticky PR comment and job summary), the
 * `report-file` record, and the upsert of the sticky comment. What the rest of the action uses.
 *
 * Everything is pure except `publishReport` (the stage: summary, comment, annotations, outputs)
 * and `upsertStickyComment` (thin I/O over a client it is given). The pipeline imports this module
 * lazily, after the agent, to keep start-up fast; elsewhere only its types are imported.
 */









/***/ })

};
