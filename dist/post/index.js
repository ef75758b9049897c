import { createRequire as __WEBPACK_EXTERNAL_createRequire } from "module";
var __webpack_exports__ = {};

;// CONCATENATED MODULE: external "node:crypto"
const external_node_crypto_namespaceObject = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:crypto");
;// CONCATENATED MODULE: external "node:fs"
const external_node_fs_namespaceObject = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:fs");
;// CONCATENATED MODULE: external "node:fs/promises"
const promises_namespaceObject = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:fs/promises");
;// CONCATENATED MODULE: external "node:os"
const external_node_os_namespaceObject = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:os");
;// CONCATENATED MODULE: ./build/pipeline/actions-core.js
/**
 * The part of `@actions/core` that Airlock uses, with the same names, signatures and bytes on
 * stdout and in the runner's files (`__tests__/actions-core.test.ts` compares the two).
 *
 * Why not `@actions/core` itself: it imports its OIDC client at load time, and with it
 * `@actions/http-client` and undici, about 1 MB of the bundle. Loading undici took 100 ms or more
 * of every start-up on a 2-core runner (`npm run bench -- startup`), before a single line of
 * Airlock ran; Airlock never asks for an OIDC token. What is here is the runner's protocol only:
 * workflow commands on stdout (`::name props::message`, escaped as `@actions/core` escapes them)
 * and file commands (`GITHUB_OUTPUT`, `GITHUB_STATE`, `GITHUB_STEP_SUMMARY`).
 */




/** A value as the runner receives it: strings as they are, anything else as JSON. */
function toCommandValue(input) {
    if (input === null || input === undefined)
        return '';
    if (typeof input === 'string' || input instanceof String)
        return String(input);
    return JSON.stringify(input);
}
function escapeData(value) {
    return toCommandValue(value).replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}
function escapeProperty(value) {
    return escapeData(value).replace(/:/g, '%3A').replace(/,/g, '%2C');
}
/**
 * Writes one workflow command line, `::command key=value,…::message`. Properties with an empty
 * value are left out; as in `@actions/core`, any property key at all adds the space after the name.
 */
function issueCommand(command, properties, message) {
    const entries = Object.entries(properties);
    const props = entries
        .filter(([, value]) => Boolean(value))
        .map(([key, value]) => `${key}=${escapeProperty(value)}`)
        .join(',');
    const head = entries.length > 0 ? `::${command} ${props}` : `::${command}`;
    process.stdout.write(`${head}::${escapeData(message)}${external_node_os_namespaceObject.EOL}`);
}
/** Appends `name<<delimiter` … `delimiter` to the file the runner named in `GITHUB_<command>`. */
function issueFileCommand(command, name, value) {
    const file = process.env[`GITHUB_${command}`];
    if (!file)
        throw new Error(`Unable to find environment variable for file command ${command}`);
    if (!existsSync(file))
        throw new Error(`Missing file at path: ${file}`);
    const delimiter = `ghadelimiter_${randomUUID()}`;
    const converted = toCommandValue(value);
    if (name.includes(delimiter)) {
        throw new Error(`Unexpected input: name should not contain the delimiter "${delimiter}"`);
    }
    if (converted.includes(delimiter)) {
        throw new Error(`Unexpected input: value should not contain the delimiter "${delimiter}"`);
    }
    appendFileSync(file, `${name}<<${delimiter}${EOL}${converted}${EOL}${delimiter}${EOL}`, {
        encoding: 'utf8',
    });
}
function toCommandProperties(properties) {
    if (Object.keys(properties).length === 0)
        return {};
    return {
        title: properties.title,
        file: properties.file,
        line: properties.startLine,
        endLine: properties.endLine,
        col: properties.startColumn,
        endColumn: properties.endColumn,
    };
}
/** The input's value (`INPUT_<NAME>`), trimmed unless asked not to; '' when unset. */
function getInput(name, options) {
    const value = process.env[`INPUT_${name.replace(/ /g, '_').toUpperCase()}`] || '';
    if (options?.required === true && !value) {
        throw new Error(`Input required and not supplied: ${name}`);
    }
    return options?.trimWhitespace === false ? value : value.trim();
}
/** Asks the runner to mask `secret` in every later log line. */
function setSecret(secret) {
    issueCommand('add-mask', {}, secret);
}
/** Sets a step output (the `GITHUB_OUTPUT` file, or the old `set-output` command without it). */
function setOutput(name, value) {
    if (process.env.GITHUB_OUTPUT) {
        issueFileCommand('OUTPUT', name, value);
        return;
    }
    process.stdout.write(EOL);
    issueCommand('set-output', { name }, toCommandValue(value));
}
/** Saves a value for the post step, which reads it with {@link getState}. */
function saveState(name, value) {
    if (process.env.GITHUB_STATE) {
        issueFileCommand('STATE', name, value);
        return;
    }
    issueCommand('save-state', { name }, toCommandValue(value));
}
/** A value saved by {@link saveState} in the main step (`STATE_<name>`), or ''. */
function getState(name) {
    return process.env[`STATE_${name}`] || '';
}
/** Writes a line to the log, as it is (no command is escaped: fence untrusted text yourself). */
function info(message) {
    process.stdout.write(message + external_node_os_namespaceObject.EOL);
}
/** A warning annotation. */
function actions_core_warning(message, properties = {}) {
    issueCommand('warning', toCommandProperties(properties), message instanceof Error ? message.toString() : message);
}
/** An error annotation. */
function error(message, properties = {}) {
    issueCommand('error', toCommandProperties(properties), message instanceof Error ? message.toString() : message);
}
/** Fails the step: exit code 1 and an error annotation. */
function setFailed(message) {
    process.exitCode = 1;
    error(message);
}
/** Opens a foldable group in the log. */
function startGroup(name) {
    issueCommand('group', {}, name);
}
/** Closes the group {@link startGroup} opened. */
function endGroup() {
    issueCommand('endgroup', {}, '');
}
/** Runs `fn` inside a log group, closing the group however `fn` ends. */
async function group(name, fn) {
    startGroup(name);
    try {
        return await fn();
    }
    finally {
        endGroup();
    }
}
/**
 * Appends markdown to the job summary (`GITHUB_STEP_SUMMARY`), as
 * `core.summary.addRaw(text).write()` does, with its error messages.
 */
async function appendSummary(text) {
    const file = process.env.GITHUB_STEP_SUMMARY;
    if (!file) {
        throw new Error('Unable to find environment variable for $GITHUB_STEP_SUMMARY. Check if your runtime environment supports job summaries.');
    }
    try {
        await access(file, constants.R_OK | constants.W_OK);
    }
    catch {
        throw new Error(`Unable to access summary file: '${file}'. Check if the file has correct read/write permissions.`);
    }
    await appendFile(file, text, { encoding: 'utf8' });
}

;// CONCATENATED MODULE: ./build/inputs/contract.js
/** Names of the action's inputs, outputs and saved state: the public contract, in one place. */
const Inputs = {
    Prompt: 'prompt',
    PromptFile: 'prompt-file',
    AnthropicApiKey: 'anthropic-api-key',
    OAuthToken: 'claude-code-oauth-token',
    AnthropicBaseUrl: 'anthropic-base-url',
    GitHubToken: 'github-token',
    Isolation: 'isolation',
    PassEnv: 'pass-env',
    StripEnv: 'strip-env',
    AllowedDomains: 'allowed-domains',
    AllowWrite: 'allow-write',
    Deny: 'deny',
    ProtectedPaths: 'protected-paths',
    Sandbox: 'sandbox',
    FailOn: 'fail-on',
    Comment: 'comment',
    Model: 'model',
    MaxTurns: 'max-turns',
    TimeoutMinutes: 'timeout-minutes',
    ClaudeArgs: 'claude-args',
    ClaudeVersion: 'claude-version',
    ClaudePath: 'claude-path',
    AllowedActors: 'allowed-actors',
    Matrix: 'matrix',
};
const Outputs = {
    Conclusion: 'conclusion',
    ExitCode: 'exit-code',
    ChangedFiles: 'changed-files',
    Violations: 'violations',
    StrippedEnv: 'stripped-env',
    PermissionDenials: 'permission-denials',
    CommentUrl: 'comment-url',
    ReportFile: 'report-file',
    PatchFile: 'patch-file',
    TranscriptFile: 'transcript-file',
    Result: 'result',
    CostUsd: 'cost-usd',
    Turns: 'turns',
};
/** Keys of the action state the post step reads (`STATE_<key>`). */
const contract_State = {
    /** JSON of the {@link RestorePlan}: everything that must be put back. */
    RestorePlan: 'airlock-restore-plan',
    /** Set once `main` has restored everything itself. */
    Restored: 'airlock-restored',
};

;// CONCATENATED MODULE: external "node:child_process"
const external_node_child_process_namespaceObject = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:child_process");
;// CONCATENATED MODULE: external "node:readline"
const external_node_readline_namespaceObject = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:readline");
;// CONCATENATED MODULE: ./build/agent/run.js




const KILL_GRACE_MS = 5_000;
/** Every pid whose session id is `sid` (the CLI is started as a session leader). */
function processesInSession(sid) {
    const pids = [];
    let entries;
    try {
        entries = (0,external_node_fs_namespaceObject.readdirSync)('/proc');
    }
    catch {
        return pids;
    }
    for (const entry of entries) {
        if (!/^\d+$/.test(entry))
            continue;
        try {
            const stat = (0,external_node_fs_namespaceObject.readFileSync)(`/proc/${entry}/stat`, 'utf8');
            // Fields after the command name (which may contain spaces): state ppid pgrp session …
            const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
            if (Number(fields[3]) === sid)
                pids.push(Number(entry));
        }
        catch {
            // Gone already.
        }
    }
    return pids;
}
function signalGroup(pid, signal) {
    try {
        process.kill(-pid, signal);
    }
    catch {
        // Group already gone.
    }
}
/**
 * Ends the CLI and everything it started: SIGTERM to its process group, SIGKILL after a grace
 * period, then SIGKILL to anything left in its session. Resolves when none is left (or after 15 s).
 */
async function endAgentProcesses(pid) {
    signalGroup(pid, 'SIGTERM');
    const deadline = Date.now() + 15_000;
    let killed = false;
    for (;;) {
        const left = processesInSession(pid);
        if (left.length === 0)
            return 0;
        if (Date.now() > deadline)
            return left.length;
        if (!killed && Date.now() > deadline - 15_000 + KILL_GRACE_MS) {
            signalGroup(pid, 'SIGKILL');
            for (const p of left) {
                try {
                    process.kill(p, 'SIGKILL');
                }
                catch {
                    // Gone.
                }
            }
            killed = true;
        }
        await new Promise((resolve) => setTimeout(resolve, 100));
    }
}
function readOrEmpty(file) {
    try {
        return readFileSync(file, 'utf8');
    }
    catch {
        return '';
    }
}
function hookLogged(logFile, toolUseId) {
    try {
        return readFileSync(logFile, 'utf8').includes(`"toolUseId":${JSON.stringify(toolUseId)}`);
    }
    catch {
        return false;
    }
}
/**
 * Runs the CLI with an argument array in its own session, streams its output line by line,
 * and proves the lock while it runs: at `system/init` the SessionStart hook must have written
 * the run's nonce, the mode must be bypassPermissions and the tools a subset of the policy's;
 * every tool call that ran must have a decision in the policy hook's log. If any proof fails,
 * the CLI is killed at once and `lockBroken` says why. Resolves once the CLI and every process
 * in its session are gone.
 */
async function runAgent(options) {
    const started = Date.now();
    const stream = new StreamState();
    const child = spawn(options.claudePath, options.args, {
        cwd: options.cwd,
        env: options.env,
        detached: true,
        stdio: ['pipe', 'pipe', 'pipe'],
    });
    child.stdin.on('error', () => {
        // The CLI exited before reading its prompt; its exit status tells why.
    });
    child.stdin.end(options.prompt);
    let lockBroken = null;
    let timedOut = false;
    let stderrTail = '';
    const pid = child.pid;
    if (pid !== undefined)
        options.onSpawn(pid);
    const breakLock = (why) => {
        if (lockBroken !== null)
            return;
        lockBroken = why;
        if (pid !== undefined) {
            signalGroup(pid, 'SIGKILL');
        }
    };
    const timer = setTimeout(() => {
        timedOut = true;
        if (pid !== undefined)
            void endAgentProcesses(pid);
    }, options.timeoutMs);
    const proof = options.proof;
    const checkInit = () => {
        if (proof === null || stream.init === null)
            return;
        if (readOrEmpty(proof.settingsFile) !== proof.settingsText) {
            breakLock('the managed settings file changed after Airlock wrote it; the lock is not in force');
            return;
        }
        const nonce = readOrEmpty(proof.sessionFile);
        if (nonce !== proof.nonce) {
            breakLock("the managed settings were not in force: the SessionStart hook did not write this run's nonce (a settings file the CLI cannot validate is silently ignored)");
            return;
        }
        if (stream.init.permissionMode !== 'bypassPermissions') {
            breakLock(`the CLI started in permission mode '${stream.init.permissionMode}', not bypassPermissions`);
            return;
        }
        const extra = stream.init.tools.filter((tool) => !proof.tools.includes(tool));
        if (extra.length > 0)
            breakLock(`the CLI offered tools the policy does not cover: ${extra.join(', ')}`);
    };
    const stdout = createInterface({ input: child.stdout });
    stdout.on('line', (line) => {
        options.onRawLine(line);
        const event = stream.push(line);
        if (event === null) {
            if (line.trim() !== '')
                options.onLine(line);
            return;
        }
        for (const out of renderEvent(event))
            options.onLine(out);
        if (event.type === 'system' && event.subtype === 'init')
            checkInit();
        if (event.type === 'assistant' && proof !== null && stream.init === null) {
            breakLock('the CLI called a tool before reporting its session start');
        }
        if (event.type === 'user' && proof !== null) {
            const message = event.message;
            const blocks = Array.isArray(message?.content)
                ? message.content
                : [];
            for (const block of blocks) {
                if (block.type !== 'tool_result' ||
                    block.is_error === true ||
                    typeof block.tool_use_id !== 'string')
                    continue;
                if (!hookLogged(proof.logFile, block.tool_use_id)) {
                    breakLock('a tool ran without a decision from the policy hook; the lock is not in force');
                }
            }
        }
    });
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (chunk) => {
        stderrTail = (stderrTail + chunk).slice(-4000);
        for (const line of chunk.split('\n'))
            if (line.trim() !== '')
                options.onLine(`stderr: ${line}`);
    });
    const [exitCode, signal] = await new Promise((resolve) => {
        child.on('error', (error) => {
            stderrTail += `\n${error.message}`;
            resolve([null, null]);
        });
        child.on('close', (code, sig) => {
            resolve([code, sig]);
        });
    });
    clearTimeout(timer);
    if (pid !== undefined)
        await endAgentProcesses(pid);
    // Set by the stream and timer callbacks above; read through a function so the compiler does
    // not assume they still hold their initial values.
    const outcome = () => ({
        broken: lockBroken,
        late: timedOut,
    });
    if (proof !== null && stream.init === null && outcome().broken === null && !outcome().late) {
        // A CLI that never reported its session never proved the lock: not a success.
        lockBroken = 'the CLI exited without reporting a session, so the lock was never proven';
    }
    return {
        exitCode,
        signal,
        timedOut,
        lockBroken,
        durationMs: Date.now() - started,
        stream,
        stderrTail,
    };
}

;// CONCATENATED MODULE: external "node:path"
const external_node_path_namespaceObject = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:path");
;// CONCATENATED MODULE: ./build/strip/git-credentials.js
/**
 * Take away, for the length of the agent's run, the git credentials that earlier steps left on the
 * runner, and put them back afterwards byte for byte.
 *
 * What actions/checkout leaves behind with `persist-credentials: true` (the default), from its
 * `src/git-auth-helper.ts`:
 * - v2–v5: `http.<server>/.extraheader = AUTHORIZATION: basic <base64 of x-access-token:TOKEN>` in
 *   `.git/config`, and in each submodule's `.git/modules/<name>/config`.
 * - v6+: the same header in `$RUNNER_TEMP/git-credentials-<uuid>.config`, pulled into `.git/config`
 *   (and submodule configs) by `includeIf.gitdir:<repo>/.git.path`,
 *   `includeIf.gitdir:<repo>/.git/worktrees/*.path`, and the same two for the container paths
 *   `/github/workspace/…` → `/github/runner_temp/git-credentials-<uuid>.config`.
 * - with `ssh-key`: the private key in `$RUNNER_TEMP/<uuid>` and
 *   `core.sshCommand = "<ssh>" -i "$RUNNER_TEMP/<uuid>" …` in `.git/config`.
 * - its global settings go to a temporary `HOME` under `RUNNER_TEMP` that it deletes afterwards, so
 *   it does not leave credentials in `~/.gitconfig`; other steps do (tokens in
 *   `url.<base>.insteadOf`, credential helpers, `~/.git-credentials`), so those are handled too.
 *
 * Everything touched is copied into the backup directory, and a manifest naming the copies is
 * written, before the first change. The manifest and the returned record hold paths and modes only;
 * the credential bytes exist only in the backup copies.
 */




/** The name of the record written into the backup directory before anything is changed. */
const MANIFEST_FILE = 'manifest.json';
/** actions/checkout v6's credentials file name (its own cleanup matches the same pattern). */
const CHECKOUT_CREDENTIALS_FILE = /^git-credentials-[0-9a-f-]+\.config$/i;
const EXTRAHEADER_KEY = /^http\.(?:.+\.)?extraheader$/;
const HELPER_KEY = /^credential\.(?:.+\.)?helper$/;
const INCLUDE_KEY = /^(?:include|includeif\..+)\.path$/;
/** `scheme://userinfo@` for http(s): a token in a URL, as user, password or both. */
const URL_USERINFO = /\b(https?:\/\/)([^/@\s?#]+)@/gi;
/** Nested repositories (other checkouts with `path:`) are looked for this deep below the repo. */
const NESTED_REPO_DEPTH = 3;
/** Git's own limit for nested includes. */
const MAX_INCLUDE_DEPTH = 10;
/** `git config --unset-all` exits 5 when there was nothing to unset: already gone is fine. */
const UNSET_OK = (/* unused pure expression or super */ null && ([0, 5]));
const GIT_DIR_SKIP = new Set(['objects', 'refs', 'logs', 'hooks', 'info', 'lfs', 'worktrees']);
/** Remembers credential values seen, only to blank them out of messages; never stored. */
class Redactor {
    values = new Set();
    add(value) {
        if (value === null || value === undefined)
            return;
        const trimmed = value.trim();
        if (trimmed.length >= 4)
            this.values.add(trimmed);
    }
    addHeader(value) {
        if (value === null)
            return;
        this.add(value);
        const match = /^\s*authorization:\s*(\S+)\s+(\S+)/i.exec(value);
        const token = match?.[2];
        if (token === undefined)
            return;
        this.add(token);
        if (match?.[1]?.toLowerCase() === 'basic') {
            const decoded = Buffer.from(token, 'base64').toString('utf8');
            this.add(decoded);
            this.add(decoded.slice(decoded.indexOf(':') + 1));
        }
    }
    addUserinfo(text) {
        for (const match of text.matchAll(URL_USERINFO)) {
            const userinfo = match[2] ?? '';
            for (const part of [userinfo, ...userinfo.split(':')]) {
                this.add(part);
                this.add(safeDecode(part));
            }
        }
    }
    redact(text) {
        let out = text.replace(URL_USERINFO, '$1***@');
        out = out.replace(/\b(basic|bearer)\s+[A-Za-z0-9+/=._~-]{8,}/gi, '$1 ***');
        for (const value of [...this.values].sort((a, b) => b.length - a.length)) {
            out = out.split(value).join('***');
        }
        return out;
    }
}
function safeDecode(text) {
    try {
        return decodeURIComponent(text);
    }
    catch {
        return text;
    }
}
function errorMessage(error) {
    return error instanceof Error ? error.message : String(error);
}
function isErrno(error, code) {
    return error instanceof Error && error.code === code;
}
/** Whether `child` is `parent` or inside it (both absolute). */
function isInside(child, parent) {
    const relative = path.relative(parent, child);
    return relative === '' || (!relative.startsWith('..') && !path.isAbsolute(relative));
}
async function realOrResolved(p) {
    try {
        return await fs.realpath(p);
    }
    catch {
        return path.resolve(p);
    }
}
async function isFile(p) {
    try {
        return (await fs.stat(p)).isFile();
    }
    catch {
        return false;
    }
}
/** Runs git with an argument array, no system or global config, outside any repository. */
class Git {
    executable;
    home;
    constructor(executable, home) {
        this.executable = executable;
        this.home = home;
    }
    /** Runs git; `okCodes` are exit codes that count as success (5: nothing to unset). */
    run(args, okCodes = [0]) {
        return new Promise((resolve, reject) => {
            execFile(this.executable, args, {
                cwd: path.parse(process.cwd()).root,
                env: {
                    PATH: process.env['PATH'] ?? '/usr/bin:/bin',
                    HOME: this.home,
                    GIT_CONFIG_NOSYSTEM: '1',
                    GIT_CONFIG_GLOBAL: '/dev/null',
                    LC_ALL: 'C',
                },
                encoding: 'utf8',
                maxBuffer: 16 * 1024 * 1024,
                timeout: 30_000,
            }, (error, stdout, stderr) => {
                const code = typeof error?.code === 'number' ? error.code : error ? -1 : 0;
                if (!okCodes.includes(code)) {
                    reject(new Error(`git ${args[0] ?? ''} failed: ${stderr.trim() || (typeof error?.code === 'string' ? error.code : `exit ${code}`)}`));
                }
                else {
                    resolve(stdout);
                }
            });
        });
    }
    /**
     * The entries of one file, includes not followed; `null` when there is no such file. A file
     * whose bytes {@link mayHoldCredential} clears is not given to git (one process less): its
     * entries hold no credential, so it counts as having none. A file that cannot be read is given
     * to git, whose error then fails the run.
     */
    async list(file) {
        if (!(await isFile(file)))
            return null;
        let text = null;
        try {
            text = (await fs.readFile(file)).toString('latin1');
        }
        catch {
            // git reports why
        }
        if (text !== null && !mayHoldCredential(text))
            return [];
        const out = await this.run(['config', '--file', file, '--list', '-z']);
        return out
            .split('\0')
            .filter((record) => record.length > 0)
            .map((record) => {
            const newline = record.indexOf('\n');
            return newline < 0
                ? { key: record, value: null }
                : { key: record.slice(0, newline), value: record.slice(newline + 1) };
        });
    }
    async apply(file, edit) {
        const base = ['config', '--file', file];
        switch (edit.kind) {
            case 'unset':
                await this.run([...base, '--unset-all', edit.key], UNSET_OK);
                return;
            case 'unset-value':
                await this.run([...base, '--fixed-value', '--unset-all', edit.key, edit.value], UNSET_OK);
                return;
            case 'rewrite':
                await this.run([...base, '--unset-all', edit.key], UNSET_OK);
                for (const value of edit.values)
                    await this.run([...base, '--add', edit.key, value]);
                return;
        }
    }
}
/** Finds the config files of the repository, its submodules, worktrees and nested checkouts. */
async function repositoryConfigFiles(repoDir) {
    const gitDirs = new Set();
    const addGitDir = async (dotGit) => {
        let stat;
        try {
            stat = await fs.lstat(dotGit);
        }
        catch {
            return;
        }
        let dir;
        if (stat.isDirectory()) {
            dir = await fs.realpath(dotGit);
        }
        else if (stat.isFile()) {
            const text = (await fs.readFile(dotGit, 'utf8')).slice(0, 4096);
            const match = /^gitdir:\s*(.+?)\s*$/m.exec(text);
            if (match?.[1] !== undefined) {
                dir = await realOrResolved(path.resolve(path.dirname(dotGit), match[1]));
            }
        }
        if (dir === undefined || gitDirs.has(dir))
            return;
        gitDirs.add(dir);
        try {
            const common = (await fs.readFile(path.join(dir, 'commondir'), 'utf8')).trim();
            if (common.length > 0)
                gitDirs.add(await realOrResolved(path.resolve(dir, common)));
        }
        catch {
            // not a linked worktree
        }
    };
    const walkWorkTree = async (dir, depth) => {
        let entries;
        try {
            entries = await fs.readdir(dir, { withFileTypes: true });
        }
        catch {
            return;
        }
        for (const entry of entries) {
            const full = path.join(dir, entry.name);
            if (entry.name === '.git') {
                if (depth > 0)
                    await addGitDir(full);
            }
            else if (entry.isDirectory() &&
                entry.name !== 'node_modules' &&
                depth < NESTED_REPO_DEPTH) {
                await walkWorkTree(full, depth + 1);
            }
        }
    };
    await addGitDir(path.join(repoDir, '.git'));
    await walkWorkTree(repoDir, 0);
    const files = new Set();
    const addConfigs = async (dir) => {
        for (const name of ['config', 'config.worktree']) {
            const file = path.join(dir, name);
            if (await isFile(file))
                files.add(await fs.realpath(file));
        }
    };
    const walkGitDir = async (dir, depth) => {
        await addConfigs(dir);
        if (depth > 12)
            return;
        let entries;
        try {
            entries = await fs.readdir(dir, { withFileTypes: true });
        }
        catch {
            return;
        }
        for (const entry of entries) {
            if (!entry.isDirectory() || GIT_DIR_SKIP.has(entry.name))
                continue;
            await walkGitDir(path.join(dir, entry.name), depth + 1);
        }
    };
    for (const dir of gitDirs) {
        await addConfigs(dir);
        await walkGitDir(path.join(dir, 'modules'), 0);
        try {
            for (const worktree of await fs.readdir(path.join(dir, 'worktrees'))) {
                await addConfigs(path.join(dir, 'worktrees', worktree));
            }
        }
        catch {
            // no linked worktrees
        }
    }
    return [...files].sort();
}
/** Reads config files and decides what to take away, without changing anything. */
class Inspector {
    git;
    redactor;
    home;
    runnerTemp;
    display;
    constructor(git, redactor, home, runnerTemp, display) {
        this.git = git;
        this.redactor = redactor;
        this.home = home;
        this.runnerTemp = runnerTemp;
        this.display = display;
    }
    /**
     * `memo` shares results between includes of the same file (checkout v6 includes its file twice)
     * and stops include cycles: a file still being inspected counts as holding nothing.
     */
    async inspect(file, depth = 0, memo = new Map()) {
        const known = memo.get(file);
        if (known !== undefined)
            return known;
        const findings = { holds: false, edits: [], descriptions: [], moves: new Map() };
        if (depth > MAX_INCLUDE_DEPTH)
            return findings;
        memo.set(file, { holds: false, edits: [], descriptions: [], moves: new Map() });
        const entries = await this.git.list(file);
        if (entries === null) {
            memo.set(file, findings);
            return findings;
        }
        const where = ` in ${this.display(file)}`;
        const unset = new Set();
        const taken = new Set();
        const take = (edit, description) => {
            findings.holds = true;
            const id = JSON.stringify(edit);
            if (taken.has(id))
                return;
            taken.add(id);
            findings.edits.push(edit);
            findings.descriptions.push(this.redactor.redact(description + where));
        };
        for (const { key, value } of entries) {
            this.redactor.addUserinfo(key);
            if (unset.has(key))
                continue;
            if (EXTRAHEADER_KEY.test(key)) {
                this.redactor.addHeader(value);
                unset.add(key);
                take({ kind: 'unset', key }, key);
            }
            else if (HELPER_KEY.test(key) || key === 'core.askpass') {
                this.redactor.add(value);
                unset.add(key);
                take({ kind: 'unset', key }, key);
                for (const store of storeFilesOf(value ?? '', this.home)) {
                    const real = await realOrResolved(store);
                    if (await isFile(real)) {
                        findings.moves.set(real, `credential store ${this.display(real)} moved aside`);
                    }
                }
            }
            else if (key === 'core.sshcommand' && value !== null && /(?:^|\s)-i\b/.test(value)) {
                unset.add(key);
                take({ kind: 'unset', key }, key);
                for (const identity of this.identityFiles(value)) {
                    findings.moves.set(identity, `SSH key ${this.display(identity)} moved aside`);
                }
            }
            else if (INCLUDE_KEY.test(key) && value !== null) {
                const target = this.resolveInclude(value, path.dirname(file));
                const real = await realOrResolved(target);
                const nested = await this.inspect(real, depth + 1, memo);
                for (const [p, d] of nested.moves)
                    findings.moves.set(p, d);
                const byName = CHECKOUT_CREDENTIALS_FILE.test(path.basename(target));
                const inTemp = this.runnerTemp !== undefined && isInside(real, this.runnerTemp);
                if (byName || inTemp || nested.holds) {
                    take({ kind: 'unset-value', key, value }, `${key} -> ${target}`);
                    if (await isFile(real)) {
                        findings.moves.set(real, `credentials file ${this.display(real)} moved aside`);
                    }
                }
            }
            else if (hasUserinfo(key)) {
                unset.add(key);
                take({ kind: 'unset', key }, key);
            }
        }
        // A token in a URL value (remote.origin.url, submodule.x.url, lfs.url, ...): keep the URL.
        const byKey = new Map();
        for (const { key, value } of entries) {
            if (!unset.has(key))
                byKey.set(key, [...(byKey.get(key) ?? []), value]);
        }
        for (const [key, values] of byKey) {
            if (!values.some((v) => v !== null && hasUserinfo(v)))
                continue;
            for (const v of values)
                if (v !== null)
                    this.redactor.addUserinfo(v);
            const stripped = values
                .filter((v) => v !== null)
                .map((v) => v.replace(URL_USERINFO, '$1'));
            take({ kind: 'rewrite', key, values: stripped }, `userinfo of ${key}`);
        }
        memo.set(file, findings);
        return findings;
    }
    /** Git's include rules: `~/` is the home, a relative path is relative to the including file. */
    resolveInclude(value, baseDir) {
        if (value === '~' || value.startsWith('~/'))
            return path.join(this.home, value.slice(1));
        return path.resolve(baseDir, value);
    }
    /** `-i <file>` arguments of an ssh command that point into RUNNER_TEMP (checkout's key). */
    identityFiles(command) {
        if (this.runnerTemp === undefined)
            return [];
        const temp = this.runnerTemp;
        const files = [];
        for (const match of command.matchAll(/(?:^|\s)-i\s*(?:"([^"]*)"|'([^']*)'|(\S+))/g)) {
            const raw = match[1] ?? match[2] ?? match[3] ?? '';
            const expanded = raw.replace(/\$\{RUNNER_TEMP\}|\$RUNNER_TEMP\b/g, temp);
            const resolved = path.resolve(expanded);
            if (isInside(resolved, temp))
                files.push(resolved);
        }
        return files;
    }
}
/** The names of every key {@link Inspector} acts on (`includeif` contains `include`). */
const CREDENTIAL_NAMES = /extraheader|helper|askpass|sshcommand|include/;
/**
 * `scheme://userinfo@` as {@link URL_USERINFO} matches it, and more: no word boundary, an empty
 * userinfo, and only ASCII whitespace ends it (git's output is read as UTF-8, the file as latin1).
 */
const LOOSE_USERINFO = /https?:\/\/[^/@\t\n\v\f\r ?#]*@/;
/**
 * Whether a config file's text (bytes as latin1) could hold anything {@link Inspector} takes away:
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
function mayHoldCredential(text) {
    const plain = text
        .replace(/\\\r?\n/g, '')
        .replace(/["\\]/g, '')
        .toLowerCase();
    return CREDENTIAL_NAMES.test(plain) || LOOSE_USERINFO.test(plain);
}
function hasUserinfo(text) {
    URL_USERINFO.lastIndex = 0;
    const found = URL_USERINFO.test(text);
    URL_USERINFO.lastIndex = 0;
    return found;
}
/**
 * The files a `store` credential helper keeps credentials in: its `--file` (absolute or `~/`).
 * The default files (`~/.git-credentials`, `~/.config/git/credentials`) are moved aside anyway.
 * Pure.
 */
function storeFilesOf(helper, home) {
    const words = helper.trim().split(/\s+/);
    const program = words[0] ?? '';
    if (program !== 'store' && !program.endsWith('git-credential-store'))
        return [];
    const files = [];
    for (let i = 1; i < words.length; i++) {
        const word = words[i] ?? '';
        const file = word.startsWith('--file=') ? word.slice(7) : word === '--file' ? words[++i] : null;
        if (file === null || file === undefined || file === '')
            continue;
        const unquoted = file.replace(/^(['"])(.*)\1$/, '$2');
        if (unquoted.startsWith('~/'))
            files.push(path.join(home, unquoted.slice(2)));
        else if (path.isAbsolute(unquoted))
            files.push(unquoted);
    }
    return files;
}
/**
 * Take away every git credential reachable from `repoDir` and the runner user's home: auth headers
 * (`http.*.extraheader`), credential helpers and `core.askPass`, tokens in URLs (values such as
 * `remote.origin.url`, and `url.<base>.insteadOf` keys), `core.sshCommand` with checkout's key,
 * and includes of credential files. An include is taken away when its target is checkout's
 * `git-credentials-<uuid>.config`, lies under `runnerTemp`, or holds a credential itself; such
 * targets, checkout's SSH key, any `git-credentials-*.config` left in `runnerTemp`, and
 * `~/.git-credentials` are moved into `backupDir`, so reading them directly yields nothing.
 *
 * Looked at: `.git/config`, `config.worktree`, every `.git/modules/**` config, linked worktrees,
 * nested checkouts up to three directories below `repoDir`, `~/.gitconfig` and
 * `~/.config/git/config`. Not looked at: the system config (`/etc/gitconfig`).
 *
 * Guarantees: every file is copied byte for byte into `backupDir` (0700; copies 0600) and
 * `manifest.json` is written before the first change; the rest of each file is kept (git edits it
 * by key); afterwards every edited file is read again and must hold no credential. On any failure
 * everything is put back and the error is thrown; messages never contain a credential value.
 * When nothing is found, nothing is written and `backups` is empty.
 */
async function neutralizeGitCredentials(repoDir, backupDir, opts) {
    const redactor = new Redactor();
    const home = await realOrResolved(opts.home);
    const runnerTemp = opts.runnerTemp === undefined ? undefined : await realOrResolved(opts.runnerTemp);
    const repo = await realOrResolved(repoDir);
    const git = new Git(opts.git ?? 'git', home);
    const display = (p) => {
        if (isInside(p, repo))
            return path.relative(repo, p) || '.';
        if (isInside(p, home))
            return `~/${path.relative(home, p)}`;
        return p;
    };
    const inspector = new Inspector(git, redactor, home, runnerTemp, display);
    const change = { backupDir: path.resolve(backupDir), backups: [], removed: [] };
    try {
        // 1. Decide, read-only.
        const configFiles = [
            ...(await repositoryConfigFiles(repo)),
            await realOrResolved(path.join(home, '.gitconfig')),
            await realOrResolved(path.join(home, '.config', 'git', 'config')),
        ];
        const edits = new Map();
        const descriptions = new Map();
        const moves = new Map();
        for (const file of new Set(configFiles)) {
            const findings = await inspector.inspect(file);
            if (findings.edits.length > 0) {
                edits.set(file, findings.edits);
                descriptions.set(file, findings.descriptions);
            }
            for (const [p, d] of findings.moves)
                moves.set(p, d);
        }
        for (const store of [
            path.join(home, '.git-credentials'),
            path.join(home, '.config', 'git', 'credentials'),
        ]) {
            if (await isFile(store)) {
                const real = await fs.realpath(store);
                moves.set(real, `credential store ${display(real)} moved aside`);
            }
        }
        if (runnerTemp !== undefined) {
            try {
                for (const name of await fs.readdir(runnerTemp)) {
                    const full = path.join(runnerTemp, name);
                    if (CHECKOUT_CREDENTIALS_FILE.test(name) && (await isFile(full))) {
                        moves.set(full, `credentials file ${display(full)} moved aside`);
                    }
                }
            }
            catch {
                // no RUNNER_TEMP on this machine
            }
        }
        for (const moved of moves.keys())
            edits.delete(moved);
        if (edits.size === 0 && moves.size === 0)
            return change;
        for (const file of edits.keys())
            change.removed.push(...(descriptions.get(file) ?? []));
        change.removed.push(...[...moves.values()].map((d) => redactor.redact(d)));
        // 2. Copy everything aside and record it, before the first change.
        await prepareBackupDir(change.backupDir);
        const touched = [...new Set([...edits.keys(), ...moves.keys()])].sort();
        for (const [index, original] of touched.entries()) {
            const stat = await fs.lstat(original);
            if (!stat.isFile())
                throw new Error(`${display(original)} is not a regular file`);
            const backup = path.join(change.backupDir, `${index}-${path.basename(original)}`);
            await fs.writeFile(backup, await fs.readFile(original), { flag: 'wx', mode: 0o600 });
            change.backups.push({
                original,
                backup,
                removedOriginal: moves.has(original),
                mode: stat.mode & 0o7777,
                uid: stat.uid,
                gid: stat.gid,
            });
        }
        await writeManifest(change);
        // 3. Change: edit by key with git, move credential files away.
        for (const [file, fileEdits] of edits) {
            for (const edit of fileEdits)
                await git.apply(file, edit);
        }
        for (const file of moves.keys())
            await fs.unlink(file);
        // 4. Check: nothing left in what was edited.
        for (const file of edits.keys()) {
            const again = await inspector.inspect(file);
            if (again.holds) {
                throw new Error(`${display(file)} still holds git credentials after editing`);
            }
        }
        return change;
    }
    catch (error) {
        const warnings = change.backups.length > 0 ? await restoreGitCredentials(change) : [];
        const rollback = warnings.length > 0 ? ` Putting files back also failed: ${warnings.join(' ')}` : '';
        // No `cause`: the original error may quote a credential (git echoes keys); only the redacted
        // message leaves this function.
        // eslint-disable-next-line preserve-caught-error
        throw new Error(redactor.redact(`Could not take away git credentials: ${errorMessage(error)}.${rollback}`));
    }
}
async function prepareBackupDir(dir) {
    await fs.mkdir(dir, { recursive: true, mode: 0o700 });
    const stat = await fs.lstat(dir);
    if (!stat.isDirectory())
        throw new Error(`backup directory ${dir} is not a directory`);
    await fs.chmod(dir, 0o700);
    if ((await fs.readdir(dir)).length > 0) {
        throw new Error(`backup directory ${dir} is not empty (an earlier run was not restored?)`);
    }
}
async function writeManifest(change) {
    const file = path.join(change.backupDir, MANIFEST_FILE);
    await fs.writeFile(file, JSON.stringify(change, null, 2) + '\n', { flag: 'wx', mode: 0o600 });
}
function isChange(value) {
    if (typeof value !== 'object' || value === null)
        return false;
    const v = value;
    return (typeof v.backupDir === 'string' &&
        Array.isArray(v.removed) &&
        Array.isArray(v.backups) &&
        v.backups.every((b) => typeof b === 'object' &&
            b !== null &&
            typeof b.original === 'string' &&
            external_node_path_namespaceObject.isAbsolute(b.original) &&
            typeof b.backup === 'string' &&
            external_node_path_namespaceObject.dirname(b.backup) === external_node_path_namespaceObject.resolve(v.backupDir) &&
            typeof b.removedOriginal === 'boolean' &&
            typeof b.mode === 'number' &&
            typeof b.uid === 'number' &&
            typeof b.gid === 'number'));
}
/**
 * The record `neutralizeGitCredentials` wrote into `backupDir` before its first change, for a post
 * step that runs after `main` died before saving the returned record; `null` when there is none
 * (nothing was changed, or it was already restored).
 */
async function readCredentialsChange(backupDir) {
    try {
        const parsed = JSON.parse(await promises_namespaceObject.readFile(external_node_path_namespaceObject.join(backupDir, MANIFEST_FILE), 'utf8'));
        return isChange(parsed) ? parsed : null;
    }
    catch {
        return null;
    }
}
/**
 * Put back every file in `change` byte for byte, with its mode (and owner, as root), whatever the
 * agent did to it meanwhile: edited, deleted, replaced by a link or a directory — the backup wins.
 * A file is written next to its original and renamed over it, so a link planted at the original's
 * path is replaced, never followed; a parent directory that now resolves elsewhere is refused.
 * Each backup is deleted once its file is back, so a second call does nothing. Never throws:
 * returns one warning per file it could not put back (its backup is kept for another try).
 */
async function restoreGitCredentials(change) {
    const warnings = [];
    const redactor = new Redactor();
    if (!isChange(change))
        return ['The git credentials record is malformed; nothing was restored.'];
    for (const backup of change.backups) {
        try {
            await restoreOne(backup);
        }
        catch (error) {
            warnings.push(redactor.redact(`Could not put back ${backup.original}: ${errorMessage(error)}`));
        }
    }
    if (warnings.length === 0) {
        try {
            await promises_namespaceObject.rm(external_node_path_namespaceObject.join(change.backupDir, MANIFEST_FILE), { force: true });
            await promises_namespaceObject.rmdir(change.backupDir);
        }
        catch (error) {
            if (!isErrno(error, 'ENOENT')) {
                warnings.push(`Could not remove the backup directory ${change.backupDir}: ${errorMessage(error)}`);
            }
        }
    }
    return warnings;
}
async function restoreOne(backup) {
    let data;
    try {
        data = await promises_namespaceObject.readFile(backup.backup);
    }
    catch (error) {
        if (isErrno(error, 'ENOENT'))
            return; // already put back
        throw error;
    }
    const dir = external_node_path_namespaceObject.dirname(backup.original);
    await promises_namespaceObject.mkdir(dir, { recursive: true, mode: 0o755 });
    const real = await promises_namespaceObject.realpath(dir);
    if (real !== dir)
        throw new Error(`${dir} now resolves to ${real}; not writing through a link`);
    const temporary = external_node_path_namespaceObject.join(dir, `.airlock-restore-${(0,external_node_crypto_namespaceObject.randomBytes)(8).toString('hex')}`);
    const handle = await promises_namespaceObject.open(temporary, 'wx', 0o600);
    try {
        try {
            await handle.writeFile(data);
            if (process.getuid?.() === 0) {
                try {
                    await handle.chown(backup.uid, backup.gid);
                }
                catch {
                    // the owner may not exist here (another container); the bytes and mode matter most
                }
            }
            await handle.chmod(backup.mode);
            await handle.sync();
        }
        finally {
            await handle.close();
        }
        try {
            if ((await promises_namespaceObject.lstat(backup.original)).isDirectory()) {
                await promises_namespaceObject.rm(backup.original, { recursive: true, force: true });
            }
        }
        catch (error) {
            if (!isErrno(error, 'ENOENT'))
                throw error;
        }
        await promises_namespaceObject.rename(temporary, backup.original);
    }
    catch (error) {
        await promises_namespaceObject.rm(temporary, { force: true });
        throw error;
    }
    await promises_namespaceObject.unlink(backup.backup);
}

;// CONCATENATED MODULE: ./build/lock/privileged-write.js



function sudo(args) {
    (0,external_node_child_process_namespaceObject.execFileSync)('sudo', ['-n', ...args], { stdio: ['ignore', 'ignore', 'pipe'] });
}
const direct = {
    viaSudo: false,
    mkdir: (dir) => (0,external_node_fs_namespaceObject.mkdirSync)(dir, { recursive: true, mode: 0o755 }),
    install: (from, to, mode) => {
        const staged = external_node_path_namespaceObject.join(external_node_path_namespaceObject.dirname(to), `.${external_node_path_namespaceObject.basename(to)}.airlock-tmp`);
        (0,external_node_fs_namespaceObject.copyFileSync)(from, staged);
        (0,external_node_fs_namespaceObject.chmodSync)(staged, mode);
        (0,external_node_fs_namespaceObject.renameSync)(staged, to);
    },
    copy: (from, to) => (0,external_node_child_process_namespaceObject.execFileSync)('cp', ['-p', '--', from, to]),
    move: (from, to) => (0,external_node_fs_namespaceObject.renameSync)(from, to),
    remove: (file) => (0,external_node_fs_namespaceObject.rmSync)(file, { force: true }),
    removeEmptyDir: (dir) => {
        try {
            (0,external_node_fs_namespaceObject.rmdirSync)(dir);
        }
        catch {
            // Not empty or already gone: leave it.
        }
    },
};
const viaSudo = {
    viaSudo: true,
    mkdir: (dir) => sudo(['mkdir', '-p', '-m', '755', '--', dir]),
    install: (from, to, mode) => sudo(['install', '-m', mode.toString(8), '-o', 'root', '-g', 'root', '--', from, to]),
    copy: (from, to) => sudo(['cp', '-p', '--', from, to]),
    move: (from, to) => sudo(['mv', '-f', '--', from, to]),
    remove: (file) => sudo(['rm', '-f', '--', file]),
    removeEmptyDir: (dir) => {
        try {
            sudo(['rmdir', '--', dir]);
        }
        catch {
            // Not empty or already gone: leave it.
        }
    },
};
/** Ubuntu 24.04's switch that stops bubblewrap (unprivileged user namespaces) under AppArmor. */
const APPARMOR_USERNS_SYSCTL = 'kernel.apparmor_restrict_unprivileged_userns';
/** Sets a kernel parameter (`sysctl -w key=value`), with `sudo -n` when asked. Throws on failure. */
function setSysctl(key, value, useSudo) {
    const args = ['sysctl', '-q', '-w', `${key}=${value}`];
    if (useSudo)
        sudo(args);
    else
        (0,external_node_child_process_namespaceObject.execFileSync)(args[0] ?? 'sysctl', args.slice(1), { stdio: ['ignore', 'ignore', 'pipe'] });
}
/** True when this process may write system paths itself. */
function isRoot() {
    return process.getuid?.() === 0;
}
/** Whether passwordless sudo works here. */
function hasPasswordlessSudo() {
    try {
        execFileSync('sudo', ['-n', 'true'], { stdio: 'ignore', timeout: 10_000 });
        return true;
    }
    catch {
        return false;
    }
}
/**
 * The way to change system paths on this runner, or `null` when there is none (not root, no
 * passwordless sudo): the lock cannot be written, and the action fails closed.
 */
function privilegedFs() {
    if (isRoot())
        return direct;
    if (hasPasswordlessSudo())
        return viaSudo;
    return null;
}
/** The implementation recorded in state (`viaSudo`), for the post step. */
function privilegedFsFor(useSudo) {
    return useSudo ? viaSudo : direct;
}
/** Whether a path exists (no privilege needed to look in /etc). */
function exists(p) {
    return existsSync(p);
}

;// CONCATENATED MODULE: ./build/lock/defaults.js
/**
 * Security-relevant defaults of the lock and the run, each with the reason it is what it is.
 * (The environment's allowlist lives in `defaults.ts`.)
 */
/** The CLI version Airlock is tested against; the facts in shared/claude-code-facts.md hold for it. */
const DEFAULT_CLAUDE_VERSION = '2.1.197';
/** A run longer than this is ended: an agent in a loop must not hold a runner for six hours. */
const DEFAULT_TIMEOUT_MINUTES = 30;
/** Where the CLI reads managed (highest-precedence) settings on Linux. */
const defaults_MANAGED_SETTINGS_DIR = '/etc/claude-code';
const defaults_MANAGED_SETTINGS_FILE = `${defaults_MANAGED_SETTINGS_DIR}/managed-settings.json`;
/** Drop-in folder the CLI also merges (sorted) after the main file: moved aside for the run. */
const defaults_MANAGED_SETTINGS_DROPIN_DIR = `${defaults_MANAGED_SETTINGS_DIR}/managed-settings.d`;
/**
 * The CLI's built-in tools the policy hook understands, and so the only ones the agent gets
 * (`--tools`). A tool a new CLI version adds stays off until it is reviewed here.
 */
const KNOWN_TOOLS = (/* unused pure expression or super */ null && ([
    // Runs inside the OS sandbox.
    'Bash',
    // Reads: the hook refuses credential paths, /proc and the runner's folders.
    'Read',
    'Glob',
    'Grep',
    // Writes: the hook keeps them inside the workspace, the private temp folder and allow-write.
    'Write',
    'Edit',
    'NotebookEdit',
    // Bookkeeping, no file or network access.
    'TodoWrite',
    // Network: allowed domains only, and only when some are allowed.
    'WebFetch',
    'WebSearch',
]));
/** Tools that need the network; they are not offered at all when `allowed-domains` is empty. */
const NETWORK_TOOLS = new Set(['WebFetch', 'WebSearch']);
/**
 * Flags `claude-args` may carry (value: whether the flag takes a value). None of them can
 * widen what the agent may do; every other flag is refused.
 */
const SAFE_CLAUDE_ARGS = new Map([
    ['--append-system-prompt', true],
    ['--system-prompt', true],
    ['--effort', true],
    ['--fallback-model', true],
    ['--disallowedTools', true],
    ['--disallowed-tools', true],
    ['--betas', true],
    ['--max-budget-usd', true],
]);
/**
 * The seed's deny set, in the CLI's rule syntax. Deny rules are enforced even under
 * `--dangerously-skip-permissions` (claude-code-facts.md), and Read/Edit rules also feed the
 * OS sandbox's filesystem lists.
 */
const SEED_BASH_DENY = (/* unused pure expression or super */ null && ([
    // Destructive deletes.
    'Bash(rm -rf *)',
    'Bash(rm -fr *)',
    // Privilege escalation: the runner has passwordless sudo.
    'Bash(sudo *)',
    'Bash(su *)',
    // Force pushes and forced operations rewrite history others rely on.
    'Bash(* --force *)',
    'Bash(* --force)',
    'Bash(*--force-with-lease*)',
    // Anything that names production.
    'Bash(*production*)',
]));
/** Workspace-relative file patterns no tool may read or write (the seed's `.env*`, credentials, secrets). */
const SEED_FILE_DENY = (/* unused pure expression or super */ null && (['**/.env*', '**/*credentials*', '**/*secret*']));
/**
 * Credential stores under the home folder: never readable by any tool or command. (`~/.gitconfig`
 * is not here: git cannot run without reading it; the strip stage takes credentials out of it.)
 */
const HOME_CREDENTIAL_PATHS = (/* unused pure expression or super */ null && ([
    '.aws',
    '.azure',
    '.config/gcloud',
    '.kube',
    '.docker/config.json',
    '.npmrc',
    '.pypirc',
    '.netrc',
    '.git-credentials',
    '.ssh',
    '.gnupg',
    '.config/gh',
    '.config/git/credentials',
    '.claude',
    '.claude.json',
]));
/** Home start-up files: writing them would run code in a later step. */
const HOME_STARTUP_FILES = (/* unused pure expression or super */ null && ([
    '.bashrc',
    '.bash_profile',
    '.bash_login',
    '.bash_logout',
    '.profile',
    '.zshrc',
    '.zshenv',
    '.zprofile',
    '.config/fish',
    '.gitconfig',
    '.npmrc',
    '.ssh',
]));

;// CONCATENATED MODULE: ./build/lock/managed-settings.js



/**
 * Plans the change: looks at what is there now. Call it, save the result in state, then
 * {@link installManagedSettings}.
 */
function planSettingsChange(privateDir, useSudo) {
    return {
        useSudo,
        createdDir: !existsSync(MANAGED_SETTINGS_DIR),
        backup: existsSync(MANAGED_SETTINGS_FILE)
            ? path.join(privateDir, 'managed-settings.backup.json')
            : null,
        dropinMovedTo: existsSync(MANAGED_SETTINGS_DROPIN_DIR)
            ? `${MANAGED_SETTINGS_DROPIN_DIR}.airlock-moved-${path.basename(privateDir)}`
            : null,
    };
}
/**
 * Writes the lock as the machine's managed settings. An existing file is backed up byte for byte
 * first; an existing drop-in folder (which the CLI merges after the file, and which could add
 * rules or hooks of its own) is moved aside for the run. The settings are written with mode 0644,
 * owned by root, so nothing the agent runs as another user can change them.
 */
function installManagedSettings(change, settings, privateDir, fs) {
    if (change.backup !== null)
        fs.copy(MANAGED_SETTINGS_FILE, change.backup);
    if (change.createdDir)
        fs.mkdir(MANAGED_SETTINGS_DIR);
    if (change.dropinMovedTo !== null)
        fs.move(MANAGED_SETTINGS_DROPIN_DIR, change.dropinMovedTo);
    const staged = path.join(privateDir, 'managed-settings.json');
    writeFileSync(staged, `${JSON.stringify(settings, null, 2)}\n`, { mode: 0o644 });
    fs.install(staged, MANAGED_SETTINGS_FILE, 0o644);
    const written = readFileSync(MANAGED_SETTINGS_FILE, 'utf8');
    if (written !== readFileSync(staged, 'utf8')) {
        throw new Error(`${MANAGED_SETTINGS_FILE} does not hold what Airlock wrote; the lock is not in force.`);
    }
}
/**
 * Puts the managed settings back as they were: the backup byte for byte (mode and owner kept),
 * or no file at all; the drop-in folder moved back; a folder Airlock created removed if empty.
 * Idempotent. Returns warnings instead of throwing.
 */
function restoreManagedSettings(change, fs) {
    const warnings = [];
    const attempt = (what, action) => {
        try {
            action();
        }
        catch (error) {
            warnings.push(`Could not ${what}: ${error instanceof Error ? (error.message.split('\n')[0] ?? '') : 'unknown error'}`);
        }
    };
    if (change.backup !== null && (0,external_node_fs_namespaceObject.existsSync)(change.backup)) {
        attempt(`restore ${defaults_MANAGED_SETTINGS_FILE} from its backup`, () => {
            fs.copy(change.backup ?? '', defaults_MANAGED_SETTINGS_FILE);
        });
    }
    else if (change.backup === null) {
        attempt(`remove ${defaults_MANAGED_SETTINGS_FILE}`, () => {
            fs.remove(defaults_MANAGED_SETTINGS_FILE);
        });
    }
    if (change.dropinMovedTo !== null && (0,external_node_fs_namespaceObject.existsSync)(change.dropinMovedTo)) {
        attempt(`move ${defaults_MANAGED_SETTINGS_DROPIN_DIR} back`, () => {
            fs.move(change.dropinMovedTo ?? '', defaults_MANAGED_SETTINGS_DROPIN_DIR);
        });
    }
    if (change.createdDir)
        fs.removeEmptyDir(defaults_MANAGED_SETTINGS_DIR);
    return warnings;
}

;// CONCATENATED MODULE: ./build/restore/restore.js







/** Records the plan in action state (the post step reads it as `STATE_…`). */
function savePlan(plan) {
    core.saveState(State.RestorePlan, JSON.stringify(plan));
}
/** The plan saved by `main`, or null when there is none (main never got that far). */
function loadPlan() {
    const raw = getState(contract_State.RestorePlan);
    if (raw === '')
        return null;
    try {
        return { sysctl: null, ...JSON.parse(raw) };
    }
    catch {
        return null;
    }
}
/**
 * Puts back everything in the plan: ends any agent process still running, restores the managed
 * settings and git credentials byte for byte, removes the agent's temp folder (and, when asked,
 * the private folder). Idempotent, never
 * throws; returns warnings (one sentence each). The private folder is kept when something could
 * not be restored, so that a later attempt still has the backups.
 */
async function restoreAll(plan, options) {
    const warnings = [];
    if (plan.agentPid !== null) {
        const left = await endAgentProcesses(plan.agentPid);
        if (left > 0)
            warnings.push(`${left} agent processes could not be ended.`);
    }
    if (plan.settings !== null) {
        warnings.push(...restoreManagedSettings(plan.settings, privilegedFsFor(plan.settings.useSudo)));
    }
    if (plan.sysctl !== null) {
        try {
            setSysctl(plan.sysctl.key, plan.sysctl.value, plan.sysctl.useSudo);
        }
        catch {
            warnings.push(`Could not set ${plan.sysctl.key} back to ${plan.sysctl.value}; run sudo sysctl -w ${plan.sysctl.key}=${plan.sysctl.value}.`);
        }
    }
    let credentials = plan.credentials;
    if (credentials === null && plan.credentialsBackupDir !== null) {
        try {
            credentials = await readCredentialsChange(plan.credentialsBackupDir);
        }
        catch (error) {
            warnings.push(`Could not read the git credentials backup: ${error instanceof Error ? error.message : 'unknown error'}`);
        }
    }
    if (credentials !== null)
        warnings.push(...(await restoreGitCredentials(credentials)));
    try {
        (0,external_node_fs_namespaceObject.rmSync)(plan.agentTmp, { recursive: true, force: true });
    }
    catch {
        warnings.push(`Could not remove the agent's temp folder ${plan.agentTmp}.`);
    }
    if (options.removePrivateDir && warnings.length === 0) {
        try {
            (0,external_node_fs_namespaceObject.rmSync)(plan.privateDir, { recursive: true, force: true });
        }
        catch {
            warnings.push(`Could not remove Airlock's private folder ${plan.privateDir}.`);
        }
    }
    return warnings;
}

;// CONCATENATED MODULE: ./build/pipeline/post.js



/**
 * The safety net after a crash, timeout or cancel: ends any agent process still running and puts
 * back whatever `main` had not put back yet. Idempotent; never throws and never fails the job
 * (a problem is a warning naming what is left to do by hand).
 */
async function runPost() {
    try {
        const plan = loadPlan();
        if (plan === null || getState(contract_State.Restored) === 'true') {
            info('Airlock: nothing left to restore.');
            return;
        }
        const warnings = await restoreAll(plan, { removePrivateDir: true });
        for (const warning of warnings)
            actions_core_warning(`Airlock post step: ${warning}`);
        info(warnings.length === 0
            ? 'Airlock: the runner is back as it was (managed settings, git credentials, temp folders).'
            : 'Airlock: some changes could not be put back; see the warnings above.');
    }
    catch (error) {
        actions_core_warning(`Airlock post step could not finish restoring (${error instanceof Error ? error.message : 'unknown error'}); check /etc/claude-code and the repository's .git/config by hand.`);
    }
}

;// CONCATENATED MODULE: ./build/bin/post.js

void runPost();

