import { createRequire as __WEBPACK_EXTERNAL_createRequire } from "module";
/******/ var __webpack_modules__ = ({

/***/ 4006:
/***/ ((module, __unused_webpack_exports, __nccwpck_require__) => {



const pico = __nccwpck_require__(8016);
const utils = __nccwpck_require__(4059);

function picomatch(glob, options, returnState = false) {
  // default to os.platform()
  if (options && (options.windows === null || options.windows === undefined)) {
    // don't mutate the original options object
    options = { ...options, windows: utils.isWindows() };
  }

  return pico(glob, options, returnState);
}

Object.assign(picomatch, pico);
module.exports = picomatch;


/***/ }),

/***/ 5595:
/***/ ((module) => {



const WIN_SLASH = '\\\\/';
const WIN_NO_SLASH = `[^${WIN_SLASH}]`;

const DEFAULT_MAX_EXTGLOB_RECURSION = 0;

/**
 * Posix glob regex
 */

const DOT_LITERAL = '\\.';
const PLUS_LITERAL = '\\+';
const QMARK_LITERAL = '\\?';
const SLASH_LITERAL = '\\/';
const ONE_CHAR = '(?=.)';
const QMARK = '[^/]';
const END_ANCHOR = `(?:${SLASH_LITERAL}|$)`;
const START_ANCHOR = `(?:^|${SLASH_LITERAL})`;
const DOTS_SLASH = `${DOT_LITERAL}{1,2}${END_ANCHOR}`;
const NO_DOT = `(?!${DOT_LITERAL})`;
const NO_DOTS = `(?!${START_ANCHOR}${DOTS_SLASH})`;
const NO_DOT_SLASH = `(?!${DOT_LITERAL}{0,1}${END_ANCHOR})`;
const NO_DOTS_SLASH = `(?!${DOTS_SLASH})`;
const QMARK_NO_DOT = `[^.${SLASH_LITERAL}]`;
const STAR = `${QMARK}*?`;
const SEP = '/';

const POSIX_CHARS = {
  DOT_LITERAL,
  PLUS_LITERAL,
  QMARK_LITERAL,
  SLASH_LITERAL,
  ONE_CHAR,
  QMARK,
  END_ANCHOR,
  DOTS_SLASH,
  NO_DOT,
  NO_DOTS,
  NO_DOT_SLASH,
  NO_DOTS_SLASH,
  QMARK_NO_DOT,
  STAR,
  START_ANCHOR,
  SEP
};

/**
 * Windows glob regex
 */

const WINDOWS_CHARS = {
  ...POSIX_CHARS,

  SLASH_LITERAL: `[${WIN_SLASH}]`,
  QMARK: WIN_NO_SLASH,
  STAR: `${WIN_NO_SLASH}*?`,
  DOTS_SLASH: `${DOT_LITERAL}{1,2}(?:[${WIN_SLASH}]|$)`,
  NO_DOT: `(?!${DOT_LITERAL})`,
  NO_DOTS: `(?!(?:^|[${WIN_SLASH}])${DOT_LITERAL}{1,2}(?:[${WIN_SLASH}]|$))`,
  NO_DOT_SLASH: `(?!${DOT_LITERAL}{0,1}(?:[${WIN_SLASH}]|$))`,
  NO_DOTS_SLASH: `(?!${DOT_LITERAL}{1,2}(?:[${WIN_SLASH}]|$))`,
  QMARK_NO_DOT: `[^.${WIN_SLASH}]`,
  START_ANCHOR: `(?:^|[${WIN_SLASH}])`,
  END_ANCHOR: `(?:[${WIN_SLASH}]|$)`,
  SEP: '\\'
};

/**
 * POSIX Bracket Regex
 */

const POSIX_REGEX_SOURCE = {
  __proto__: null,
  alnum: 'a-zA-Z0-9',
  alpha: 'a-zA-Z',
  ascii: '\\x00-\\x7F',
  blank: ' \\t',
  cntrl: '\\x00-\\x1F\\x7F',
  digit: '0-9',
  graph: '\\x21-\\x7E',
  lower: 'a-z',
  print: '\\x20-\\x7E ',
  punct: '\\-!"#$%&\'()\\*+,./:;<=>?@[\\]^_`{|}~',
  space: ' \\t\\r\\n\\v\\f',
  upper: 'A-Z',
  word: 'A-Za-z0-9_',
  xdigit: 'A-Fa-f0-9'
};

module.exports = {
  DEFAULT_MAX_EXTGLOB_RECURSION,
  MAX_LENGTH: 1024 * 64,
  POSIX_REGEX_SOURCE,

  // regular expressions
  REGEX_BACKSLASH: /\\(?![*+?^${}(|)[\]])/g,
  REGEX_NON_SPECIAL_CHARS: /^[^@![\].,$*+?^{}()|\\/]+/,
  REGEX_SPECIAL_CHARS: /[-*+?.^${}(|)[\]]/,
  REGEX_SPECIAL_CHARS_BACKREF: /(\\?)((\W)(\3*))/g,
  REGEX_SPECIAL_CHARS_GLOBAL: /([-*+?.^${}(|)[\]])/g,
  REGEX_REMOVE_BACKSLASH: /(?:\[.*?[^\\]\]|\\(?=.))/g,

  // Replace globs with equivalent patterns to reduce parsing time.
  REPLACEMENTS: {
    __proto__: null,
    '***': '*',
    '**/**': '**',
    '**/**/**': '**'
  },

  // Digits
  CHAR_0: 48, /* 0 */
  CHAR_9: 57, /* 9 */

  // Alphabet chars.
  CHAR_UPPERCASE_A: 65, /* A */
  CHAR_LOWERCASE_A: 97, /* a */
  CHAR_UPPERCASE_Z: 90, /* Z */
  CHAR_LOWERCASE_Z: 122, /* z */

  CHAR_LEFT_PARENTHESES: 40, /* ( */
  CHAR_RIGHT_PARENTHESES: 41, /* ) */

  CHAR_ASTERISK: 42, /* * */

  // Non-alphabetic chars.
  CHAR_AMPERSAND: 38, /* & */
  CHAR_AT: 64, /* @ */
  CHAR_BACKWARD_SLASH: 92, /* \ */
  CHAR_CARRIAGE_RETURN: 13, /* \r */
  CHAR_CIRCUMFLEX_ACCENT: 94, /* ^ */
  CHAR_COLON: 58, /* : */
  CHAR_COMMA: 44, /* , */
  CHAR_DOT: 46, /* . */
  CHAR_DOUBLE_QUOTE: 34, /* " */
  CHAR_EQUAL: 61, /* = */
  CHAR_EXCLAMATION_MARK: 33, /* ! */
  CHAR_FORM_FEED: 12, /* \f */
  CHAR_FORWARD_SLASH: 47, /* / */
  CHAR_GRAVE_ACCENT: 96, /* ` */
  CHAR_HASH: 35, /* # */
  CHAR_HYPHEN_MINUS: 45, /* - */
  CHAR_LEFT_ANGLE_BRACKET: 60, /* < */
  CHAR_LEFT_CURLY_BRACE: 123, /* { */
  CHAR_LEFT_SQUARE_BRACKET: 91, /* [ */
  CHAR_LINE_FEED: 10, /* \n */
  CHAR_NO_BREAK_SPACE: 160, /* \u00A0 */
  CHAR_PERCENT: 37, /* % */
  CHAR_PLUS: 43, /* + */
  CHAR_QUESTION_MARK: 63, /* ? */
  CHAR_RIGHT_ANGLE_BRACKET: 62, /* > */
  CHAR_RIGHT_CURLY_BRACE: 125, /* } */
  CHAR_RIGHT_SQUARE_BRACKET: 93, /* ] */
  CHAR_SEMICOLON: 59, /* ; */
  CHAR_SINGLE_QUOTE: 39, /* ' */
  CHAR_SPACE: 32, /*   */
  CHAR_TAB: 9, /* \t */
  CHAR_UNDERSCORE: 95, /* _ */
  CHAR_VERTICAL_LINE: 124, /* | */
  CHAR_ZERO_WIDTH_NOBREAK_SPACE: 65279, /* \uFEFF */

  /**
   * Create EXTGLOB_CHARS
   */

  extglobChars(chars) {
    return {
      '!': { type: 'negate', open: '(?:(?!(?:', close: `))${chars.STAR})` },
      '?': { type: 'qmark', open: '(?:', close: ')?' },
      '+': { type: 'plus', open: '(?:', close: ')+' },
      '*': { type: 'star', open: '(?:', close: ')*' },
      '@': { type: 'at', open: '(?:', close: ')' }
    };
  },

  /**
   * Create GLOB_CHARS
   */

  globChars(win32) {
    return win32 === true ? WINDOWS_CHARS : POSIX_CHARS;
  }
};


/***/ }),

/***/ 8265:
/***/ ((module, __unused_webpack_exports, __nccwpck_require__) => {



const constants = __nccwpck_require__(5595);
const utils = __nccwpck_require__(4059);

/**
 * Constants
 */

const {
  MAX_LENGTH,
  POSIX_REGEX_SOURCE,
  REGEX_NON_SPECIAL_CHARS,
  REGEX_SPECIAL_CHARS_BACKREF,
  REPLACEMENTS
} = constants;

/**
 * Helpers
 */

const expandRange = (args, options) => {
  if (typeof options.expandRange === 'function') {
    return options.expandRange(...args, options);
  }

  args.sort();
  const value = `[${args.join('-')}]`;

  try {
    /* eslint-disable-next-line no-new */
    new RegExp(value);
  } catch (ex) {
    return args.map(v => utils.escapeRegex(v)).join('..');
  }

  return value;
};

/**
 * Create the message for a syntax error
 */

const syntaxError = (type, char) => {
  return `Missing ${type}: "${char}" - use "\\\\${char}" to match literal characters`;
};

const splitTopLevel = input => {
  const parts = [];
  let bracket = 0;
  let paren = 0;
  let quote = 0;
  let value = '';
  let escaped = false;

  for (const ch of input) {
    if (escaped === true) {
      value += ch;
      escaped = false;
      continue;
    }

    if (ch === '\\') {
      value += ch;
      escaped = true;
      continue;
    }

    if (ch === '"') {
      quote = quote === 1 ? 0 : 1;
      value += ch;
      continue;
    }

    if (quote === 0) {
      if (ch === '[') {
        bracket++;
      } else if (ch === ']' && bracket > 0) {
        bracket--;
      } else if (bracket === 0) {
        if (ch === '(') {
          paren++;
        } else if (ch === ')' && paren > 0) {
          paren--;
        } else if (ch === '|' && paren === 0) {
          parts.push(value);
          value = '';
          continue;
        }
      }
    }

    value += ch;
  }

  parts.push(value);
  return parts;
};

const isPlainBranch = branch => {
  let escaped = false;

  for (const ch of branch) {
    if (escaped === true) {
      escaped = false;
      continue;
    }

    if (ch === '\\') {
      escaped = true;
      continue;
    }

    if (/[?*+@!()[\]{}]/.test(ch)) {
      return false;
    }
  }

  return true;
};

const normalizeSimpleBranch = branch => {
  let value = branch.trim();
  let changed = true;

  while (changed === true) {
    changed = false;

    if (/^@\([^\\()[\]{}|]+\)$/.test(value)) {
      value = value.slice(2, -1);
      changed = true;
    }
  }

  if (!isPlainBranch(value)) {
    return;
  }

  return value.replace(/\\(.)/g, '$1');
};

const hasRepeatedCharPrefixOverlap = branches => {
  const values = branches.map(normalizeSimpleBranch).filter(Boolean);

  for (let i = 0; i < values.length; i++) {
    for (let j = i + 1; j < values.length; j++) {
      const a = values[i];
      const b = values[j];
      const char = a[0];

      if (!char || a !== char.repeat(a.length) || b !== char.repeat(b.length)) {
        continue;
      }

      if (a === b || a.startsWith(b) || b.startsWith(a)) {
        return true;
      }
    }
  }

  return false;
};

const parseRepeatedExtglob = (pattern, requireEnd = true) => {
  if ((pattern[0] !== '+' && pattern[0] !== '*') || pattern[1] !== '(') {
    return;
  }

  let bracket = 0;
  let paren = 0;
  let quote = 0;
  let escaped = false;

  for (let i = 1; i < pattern.length; i++) {
    const ch = pattern[i];

    if (escaped === true) {
      escaped = false;
      continue;
    }

    if (ch === '\\') {
      escaped = true;
      continue;
    }

    if (ch === '"') {
      quote = quote === 1 ? 0 : 1;
      continue;
    }

    if (quote === 1) {
      continue;
    }

    if (ch === '[') {
      bracket++;
      continue;
    }

    if (ch === ']' && bracket > 0) {
      bracket--;
      continue;
    }

    if (bracket > 0) {
      continue;
    }

    if (ch === '(') {
      paren++;
      continue;
    }

    if (ch === ')') {
      paren--;

      if (paren === 0) {
        if (requireEnd === true && i !== pattern.length - 1) {
          return;
        }

        return {
          type: pattern[0],
          body: pattern.slice(2, i),
          end: i
        };
      }
    }
  }
};

const buildCharClassStar = chars => {
  const source = chars.length === 1
    ? utils.escapeRegex(chars[0])
    : `[${chars.map(ch => utils.escapeRegex(ch)).join('')}]`;

  return `${source}*`;
};

const getStarExtglobSequenceChars = pattern => {
  let index = 0;
  const chars = [];

  while (index < pattern.length) {
    const match = parseRepeatedExtglob(pattern.slice(index), false);

    if (!match || match.type !== '*') {
      return;
    }

    const branches = splitTopLevel(match.body).map(branch => branch.trim());
    if (branches.length !== 1) {
      return;
    }

    const branch = normalizeSimpleBranch(branches[0]);
    if (!branch || branch.length !== 1) {
      return;
    }

    chars.push(branch);
    index += match.end + 1;
  }

  if (chars.length < 1) {
    return;
  }

  return chars;
};

const repeatedExtglobRecursion = pattern => {
  let depth = 0;
  let value = pattern.trim();
  let match = parseRepeatedExtglob(value);

  while (match) {
    depth++;
    value = match.body.trim();
    match = parseRepeatedExtglob(value);
  }

  return depth;
};

const analyzeRepeatedExtglob = (body, options) => {
  if (options.maxExtglobRecursion === false) {
    return { risky: false };
  }

  const max =
    typeof options.maxExtglobRecursion === 'number'
      ? options.maxExtglobRecursion
      : constants.DEFAULT_MAX_EXTGLOB_RECURSION;

  const branches = splitTopLevel(body).map(branch => branch.trim());

  if (branches.length > 1) {
    if (
      branches.some(branch => branch === '') ||
      branches.some(branch => /^[*?]+$/.test(branch)) ||
      hasRepeatedCharPrefixOverlap(branches)
    ) {
      return { risky: true };
    }
  }

  // A repeated extglob is "risky" (prone to catastrophic backtracking) when a
  // branch is itself a `*(...)` sequence, since that nests an unbounded quantifier
  // inside the outer `+(...)`/`*(...)`. When *every* branch reduces to single
  // characters we can emit one flat, ReDoS-safe character class that preserves the
  // meaning of ALL branches (e.g. `+(*(a)|*(b))` -> `[ab]*`), rather than dropping
  // every branch but the first.
  const safeChars = [];
  let sawStarSequence = false;
  let combinable = true;

  for (const branch of branches) {
    const chars = getStarExtglobSequenceChars(branch);
    if (chars) {
      sawStarSequence = true;
      safeChars.push(...chars);
      continue;
    }

    const literal = normalizeSimpleBranch(branch);
    if (literal && literal.length === 1) {
      safeChars.push(literal);
      continue;
    }

    combinable = false;

    if (repeatedExtglobRecursion(branch) > max) {
      return { risky: true };
    }
  }

  if (sawStarSequence) {
    return combinable
      ? { risky: true, safeOutput: buildCharClassStar([...new Set(safeChars)]) }
      : { risky: true };
  }

  return { risky: false };
};

/**
 * Parse the given input string.
 * @param {String} input
 * @param {Object} options
 * @return {Object}
 */

const parse = (input, options) => {
  if (typeof input !== 'string') {
    throw new TypeError('Expected a string');
  }

  input = REPLACEMENTS[input] || input;

  const opts = { ...options };
  const max = typeof opts.maxLength === 'number' ? Math.min(MAX_LENGTH, opts.maxLength) : MAX_LENGTH;

  let len = input.length;
  if (len > max) {
    throw new SyntaxError(`Input length: ${len}, exceeds maximum allowed length: ${max}`);
  }

  const bos = { type: 'bos', value: '', output: opts.prepend || '' };
  const tokens = [bos];

  const capture = opts.capture ? '' : '?:';

  // create constants based on platform, for windows or posix
  const PLATFORM_CHARS = constants.globChars(opts.windows);
  const EXTGLOB_CHARS = constants.extglobChars(PLATFORM_CHARS);

  const {
    DOT_LITERAL,
    PLUS_LITERAL,
    SLASH_LITERAL,
    ONE_CHAR,
    DOTS_SLASH,
    NO_DOT,
    NO_DOT_SLASH,
    NO_DOTS_SLASH,
    QMARK,
    QMARK_NO_DOT,
    STAR,
    START_ANCHOR
  } = PLATFORM_CHARS;

  const globstar = opts => {
    return `(${capture}(?:(?!${START_ANCHOR}${opts.dot ? DOTS_SLASH : DOT_LITERAL}).)*?)`;
  };

  const nodot = opts.dot ? '' : NO_DOT;
  const qmarkNoDot = opts.dot ? QMARK : QMARK_NO_DOT;
  let star = opts.bash === true ? globstar(opts) : STAR;

  if (opts.capture) {
    star = `(${star})`;
  }

  // minimatch options support
  if (typeof opts.noext === 'boolean') {
    opts.noextglob = opts.noext;
  }

  const state = {
    input,
    index: -1,
    start: 0,
    dot: opts.dot === true,
    consumed: '',
    output: '',
    prefix: '',
    backtrack: false,
    negated: false,
    brackets: 0,
    braces: 0,
    parens: 0,
    quotes: 0,
    globstar: false,
    tokens
  };

  input = utils.removePrefix(input, state);
  len = input.length;

  const extglobs = [];
  const braces = [];
  const stack = [];
  let prev = bos;
  let value;

  /**
   * Tokenizing helpers
   */

  const eos = () => state.index === len - 1;
  const peek = state.peek = (n = 1) => input[state.index + n];
  const advance = state.advance = () => input[++state.index] || '';
  const remaining = () => input.slice(state.index + 1);
  const consume = (value = '', num = 0) => {
    state.consumed += value;
    state.index += num;
  };

  const append = token => {
    state.output += token.output != null ? token.output : token.value;
    consume(token.value);
  };

  const negate = () => {
    let count = 1;

    while (peek() === '!' && (peek(2) !== '(' || peek(3) === '?')) {
      advance();
      state.start++;
      count++;
    }

    if (count % 2 === 0) {
      return false;
    }

    state.negated = true;
    state.start++;
    return true;
  };

  const increment = type => {
    state[type]++;
    stack.push(type);
  };

  const decrement = type => {
    state[type]--;
    stack.pop();
  };

  /**
   * Push tokens onto the tokens array. This helper speeds up
   * tokenizing by 1) helping us avoid backtracking as much as possible,
   * and 2) helping us avoid creating extra tokens when consecutive
   * characters are plain text. This improves performance and simplifies
   * lookbehinds.
   */

  const push = tok => {
    if (prev.type === 'globstar') {
      const isBrace = state.braces > 0 && (tok.type === 'comma' || tok.type === 'brace');
      const isExtglob = tok.extglob === true || (extglobs.length && (tok.type === 'pipe' || tok.type === 'paren'));

      if (tok.type !== 'slash' && tok.type !== 'paren' && !isBrace && !isExtglob) {
        state.output = state.output.slice(0, -prev.output.length);
        prev.type = 'star';
        prev.value = '*';
        prev.output = star;
        state.output += prev.output;
      }
    }

    if (extglobs.length && tok.type !== 'paren') {
      extglobs[extglobs.length - 1].inner += tok.value;
    }

    if (tok.value || tok.output) append(tok);
    if (prev && prev.type === 'text' && tok.type === 'text') {
      prev.output = (prev.output || prev.value) + tok.value;
      prev.value += tok.value;
      return;
    }

    tok.prev = prev;
    tokens.push(tok);
    prev = tok;
  };

  const extglobOpen = (type, value) => {
    const token = { ...EXTGLOB_CHARS[value], conditions: 1, inner: '' };

    token.prev = prev;
    token.parens = state.parens;
    token.output = state.output;
    token.startIndex = state.index;
    token.tokensIndex = tokens.length;
    const output = (opts.capture ? '(' : '') + token.open;

    increment('parens');
    push({ type, value, output: state.output ? '' : ONE_CHAR });
    push({ type: 'paren', extglob: true, value: advance(), output });
    extglobs.push(token);
  };

  const extglobClose = token => {
    const literal = input.slice(token.startIndex, state.index + 1);
    const body = input.slice(token.startIndex + 2, state.index);
    const analysis = analyzeRepeatedExtglob(body, opts);

    if ((token.type === 'plus' || token.type === 'star') && analysis.risky) {
      const safeOutput = analysis.safeOutput
        ? (token.output ? '' : ONE_CHAR) + (opts.capture ? `(${analysis.safeOutput})` : analysis.safeOutput)
        : undefined;
      const open = tokens[token.tokensIndex];

      open.type = 'text';
      open.value = literal;
      open.output = safeOutput || utils.escapeRegex(literal);

      for (let i = token.tokensIndex + 1; i < tokens.length; i++) {
        tokens[i].value = '';
        tokens[i].output = '';
        delete tokens[i].suffix;
      }

      state.output = token.output + open.output;
      state.backtrack = true;

      push({ type: 'paren', extglob: true, value, output: '' });
      decrement('parens');
      return;
    }

    let output = token.close + (opts.capture ? ')' : '');
    let rest;

    if (token.type === 'negate') {
      let extglobStar = star;

      if (token.inner && token.inner.length > 1 && token.inner.includes('/')) {
        extglobStar = globstar(opts);
      }

      if (extglobStar !== star || eos() || /^\)+$/.test(remaining())) {
        output = token.close = `)$))${extglobStar}`;
      }

      if (token.inner.includes('*') && (rest = remaining()) && /^\.[^\\/.]+$/.test(rest)) {
        // Any non-magical string (`.ts`) or even nested expression (`.{ts,tsx}`) can follow after the closing parenthesis.
        // In this case, we need to parse the string and use it in the output of the original pattern.
        // Suitable patterns: `/!(*.d).ts`, `/!(*.d).{ts,tsx}`, `**/!(*-dbg).@(js)`.
        //
        // Disabling the `fastpaths` option due to a problem with parsing strings as `.ts` in the pattern like `**/!(*.d).ts`.
        const expression = parse(rest, { ...options, fastpaths: false }).output;

        output = token.close = `)${expression})${extglobStar})`;
      }

      if (token.prev.type === 'bos') {
        state.negatedExtglob = true;
      }
    }

    push({ type: 'paren', extglob: true, value, output });
    decrement('parens');
  };

  /**
   * Fast paths
   */

  if (opts.fastpaths !== false && !/(^[*!]|[/()[\]{}"])/.test(input)) {
    let backslashes = false;

    let output = input.replace(REGEX_SPECIAL_CHARS_BACKREF, (m, esc, chars, first, rest, index) => {
      if (first === '\\') {
        backslashes = true;
        return m;
      }

      if (first === '?') {
        if (esc) {
          return esc + first + (rest ? QMARK.repeat(rest.length) : '');
        }
        if (index === 0) {
          return qmarkNoDot + (rest ? QMARK.repeat(rest.length) : '');
        }
        return QMARK.repeat(chars.length);
      }

      if (first === '.') {
        return DOT_LITERAL.repeat(chars.length);
      }

      if (first === '*') {
        if (esc) {
          return esc + first + (rest ? star : '');
        }
        return star;
      }
      return esc ? m : `\\${m}`;
    });

    if (backslashes === true) {
      if (opts.unescape === true) {
        output = output.replace(/\\/g, '');
      } else {
        output = output.replace(/\\+/g, m => {
          return m.length % 2 === 0 ? '\\\\' : (m ? '\\' : '');
        });
      }
    }

    if (output === input && opts.contains === true) {
      state.output = input;
      return state;
    }

    state.output = utils.wrapOutput(output, state, options);
    return state;
  }

  /**
   * Tokenize input until we reach end-of-string
   */

  while (!eos()) {
    value = advance();

    if (value === '\u0000') {
      continue;
    }

    /**
     * Escaped characters
     */

    if (value === '\\') {
      const next = peek();

      if (next === '/' && opts.bash !== true) {
        continue;
      }

      if (next === '.' || next === ';') {
        continue;
      }

      if (!next) {
        value += '\\';
        push({ type: 'text', value });
        continue;
      }

      // collapse slashes to reduce potential for exploits
      const match = /^\\+/.exec(remaining());
      let slashes = 0;

      if (match && match[0].length > 2) {
        slashes = match[0].length;
        state.index += slashes;
        if (slashes % 2 !== 0) {
          value += '\\';
        }
      }

      if (opts.unescape === true) {
        value = advance();
      } else {
        value += advance();
      }

      if (state.brackets === 0) {
        push({ type: 'text', value });
        continue;
      }
    }

    /**
     * If we're inside a regex character class, continue
     * until we reach the closing bracket.
     */

    if (state.brackets > 0 && (value !== ']' || prev.value === '[' || prev.value === '[^')) {
      if (opts.posix !== false && value === ':') {
        const inner = prev.value.slice(1);
        if (inner.includes('[')) {
          prev.posix = true;

          if (inner.includes(':')) {
            const idx = prev.value.lastIndexOf('[');
            const pre = prev.value.slice(0, idx);
            const rest = prev.value.slice(idx + 2);
            const posix = POSIX_REGEX_SOURCE[rest];
            if (posix) {
              prev.value = pre + posix;
              state.backtrack = true;
              advance();

              if (!bos.output && tokens.indexOf(prev) === 1) {
                bos.output = ONE_CHAR;
              }
              continue;
            }
          }
        }
      }

      if ((value === '[' && peek() !== ':') || (value === '-' && peek() === ']')) {
        value = `\\${value}`;
      }

      if (value === ']' && (prev.value === '[' || prev.value === '[^')) {
        value = `\\${value}`;
      }

      if (opts.posix === true && value === '!' && prev.value === '[') {
        value = '^';
      }

      prev.value += value;
      append({ value });
      continue;
    }

    /**
     * If we're inside a quoted string, continue
     * until we reach the closing double quote.
     */

    if (state.quotes === 1 && value !== '"') {
      value = utils.escapeRegex(value);
      prev.value += value;
      append({ value });
      continue;
    }

    /**
     * Double quotes
     */

    if (value === '"') {
      state.quotes = state.quotes === 1 ? 0 : 1;
      if (opts.keepQuotes === true) {
        push({ type: 'text', value });
      }
      continue;
    }

    /**
     * Parentheses
     */

    if (value === '(') {
      increment('parens');
      push({ type: 'paren', value });
      continue;
    }

    if (value === ')') {
      if (state.parens === 0 && opts.strictBrackets === true) {
        throw new SyntaxError(syntaxError('opening', '('));
      }

      const extglob = extglobs[extglobs.length - 1];
      if (extglob && state.parens === extglob.parens + 1) {
        extglobClose(extglobs.pop());
        continue;
      }

      push({ type: 'paren', value, output: state.parens ? ')' : '\\)' });
      decrement('parens');
      continue;
    }

    /**
     * Square brackets
     */

    if (value === '[') {
      if (opts.nobracket === true || !remaining().includes(']')) {
        if (opts.nobracket !== true && opts.strictBrackets === true) {
          throw new SyntaxError(syntaxError('closing', ']'));
        }

        value = `\\${value}`;
      } else {
        increment('brackets');
      }

      push({ type: 'bracket', value });
      continue;
    }

    if (value === ']') {
      if (opts.nobracket === true || (prev && prev.type === 'bracket' && prev.value.length === 1)) {
        push({ type: 'text', value, output: `\\${value}` });
        continue;
      }

      if (state.brackets === 0) {
        if (opts.strictBrackets === true) {
          throw new SyntaxError(syntaxError('opening', '['));
        }

        push({ type: 'text', value, output: `\\${value}` });
        continue;
      }

      decrement('brackets');

      const prevValue = prev.value.slice(1);
      if (prev.posix !== true && prevValue[0] === '^' && !prevValue.includes('/')) {
        value = `/${value}`;
      }

      prev.value += value;
      append({ value });

      // when literal brackets are explicitly disabled
      // assume we should match with a regex character class
      if (opts.literalBrackets === false || utils.hasRegexChars(prevValue)) {
        continue;
      }

      const escaped = utils.escapeRegex(prev.value);
      state.output = state.output.slice(0, -prev.value.length);

      // when literal brackets are explicitly enabled
      // assume we should escape the brackets to match literal characters
      if (opts.literalBrackets === true) {
        state.output += escaped;
        prev.value = escaped;
        continue;
      }

      // when the user specifies nothing, try to match both
      prev.value = `(${capture}${escaped}|${prev.value})`;
      state.output += prev.value;
      continue;
    }

    /**
     * Braces
     */

    if (value === '{' && opts.nobrace !== true) {
      increment('braces');

      const open = {
        type: 'brace',
        value,
        output: '(',
        outputIndex: state.output.length,
        tokensIndex: state.tokens.length
      };

      braces.push(open);
      push(open);
      continue;
    }

    if (value === '}') {
      const brace = braces[braces.length - 1];

      if (opts.nobrace === true || !brace) {
        push({ type: 'text', value, output: value });
        continue;
      }

      let output = ')';

      if (brace.dots === true) {
        const arr = tokens.slice();
        const range = [];

        for (let i = arr.length - 1; i >= 0; i--) {
          tokens.pop();
          if (arr[i].type === 'brace') {
            break;
          }
          if (arr[i].type !== 'dots') {
            range.unshift(arr[i].value);
          }
        }

        output = expandRange(range, opts);
        state.backtrack = true;
      }

      if (brace.comma !== true && brace.dots !== true) {
        const out = state.output.slice(0, brace.outputIndex);
        const toks = state.tokens.slice(brace.tokensIndex);
        brace.value = brace.output = '\\{';
        value = output = '\\}';
        state.output = out;
        for (const t of toks) {
          state.output += (t.output || t.value);
        }
      }

      push({ type: 'brace', value, output });
      decrement('braces');
      braces.pop();
      continue;
    }

    /**
     * Pipes
     */

    if (value === '|') {
      if (extglobs.length > 0) {
        extglobs[extglobs.length - 1].conditions++;
      }
      push({ type: 'text', value });
      continue;
    }

    /**
     * Commas
     */

    if (value === ',') {
      let output = value;

      const brace = braces[braces.length - 1];
      if (brace && stack[stack.length - 1] === 'braces') {
        brace.comma = true;
        output = '|';
      }

      push({ type: 'comma', value, output });
      continue;
    }

    /**
     * Slashes
     */

    if (value === '/') {
      // if the beginning of the glob is "./", advance the start
      // to the current index, and don't add the "./" characters
      // to the state. This greatly simplifies lookbehinds when
      // checking for BOS characters like "!" and "." (not "./")
      if (prev.type === 'dot' && state.index === state.start + 1) {
        state.start = state.index + 1;
        state.consumed = '';
        state.output = '';
        tokens.pop();
        prev = bos; // reset "prev" to the first token
        continue;
      }

      push({ type: 'slash', value, output: SLASH_LITERAL });
      continue;
    }

    /**
     * Dots
     */

    if (value === '.') {
      if (state.braces > 0 && prev.type === 'dot') {
        if (prev.value === '.') prev.output = DOT_LITERAL;
        const brace = braces[braces.length - 1];
        prev.type = 'dots';
        prev.output += value;
        prev.value += value;
        brace.dots = true;
        continue;
      }

      if ((state.braces + state.parens) === 0 && prev.type !== 'bos' && prev.type !== 'slash') {
        push({ type: 'text', value, output: DOT_LITERAL });
        continue;
      }

      push({ type: 'dot', value, output: DOT_LITERAL });
      continue;
    }

    /**
     * Question marks
     */

    if (value === '?') {
      const isGroup = prev && prev.value === '(';
      if (!isGroup && opts.noextglob !== true && peek() === '(' && peek(2) !== '?') {
        extglobOpen('qmark', value);
        continue;
      }

      if (prev && prev.type === 'paren') {
        const next = peek();
        let output = value;

        if ((prev.value === '(' && !/[!=<:]/.test(next)) || (next === '<' && !/<([!=]|\w+>)/.test(remaining()))) {
          output = `\\${value}`;
        }

        push({ type: 'text', value, output });
        continue;
      }

      if (opts.dot !== true && (prev.type === 'slash' || prev.type === 'bos')) {
        push({ type: 'qmark', value, output: QMARK_NO_DOT });
        continue;
      }

      push({ type: 'qmark', value, output: QMARK });
      continue;
    }

    /**
     * Exclamation
     */

    if (value === '!') {
      if (opts.noextglob !== true && peek() === '(') {
        if (peek(2) !== '?' || !/[!=<:]/.test(peek(3))) {
          extglobOpen('negate', value);
          continue;
        }
      }

      if (opts.nonegate !== true && state.index === 0) {
        negate();
        continue;
      }
    }

    /**
     * Plus
     */

    if (value === '+') {
      if (opts.noextglob !== true && peek() === '(' && peek(2) !== '?') {
        extglobOpen('plus', value);
        continue;
      }

      if ((prev && prev.value === '(') || opts.regex === false) {
        push({ type: 'plus', value, output: PLUS_LITERAL });
        continue;
      }

      if ((prev && (prev.type === 'bracket' || prev.type === 'paren' || prev.type === 'brace')) || state.parens > 0) {
        push({ type: 'plus', value });
        continue;
      }

      push({ type: 'plus', value: PLUS_LITERAL });
      continue;
    }

    /**
     * Plain text
     */

    if (value === '@') {
      if (opts.noextglob !== true && peek() === '(' && peek(2) !== '?') {
        push({ type: 'at', extglob: true, value, output: '' });
        continue;
      }

      push({ type: 'text', value });
      continue;
    }

    /**
     * Plain text
     */

    if (value !== '*') {
      if (value === '$' || value === '^') {
        value = `\\${value}`;
      }

      const match = REGEX_NON_SPECIAL_CHARS.exec(remaining());
      if (match) {
        value += match[0];
        state.index += match[0].length;
      }

      push({ type: 'text', value });
      continue;
    }

    /**
     * Stars
     */

    if (prev && (prev.type === 'globstar' || prev.star === true)) {
      prev.type = 'star';
      prev.star = true;
      prev.value += value;
      prev.output = star;
      state.backtrack = true;
      state.globstar = true;
      consume(value);
      continue;
    }

    let rest = remaining();
    if (opts.noextglob !== true && /^\([^?]/.test(rest)) {
      extglobOpen('star', value);
      continue;
    }

    if (prev.type === 'star') {
      if (opts.noglobstar === true) {
        consume(value);
        continue;
      }

      const prior = prev.prev;
      const before = prior.prev;
      const isStart = prior.type === 'slash' || prior.type === 'bos';
      const afterStar = before && (before.type === 'star' || before.type === 'globstar');

      if (opts.bash === true && (!isStart || (rest[0] && rest[0] !== '/'))) {
        push({ type: 'star', value, output: '' });
        continue;
      }

      const isBrace = state.braces > 0 && (prior.type === 'comma' || prior.type === 'brace');
      const isExtglob = extglobs.length && (prior.type === 'pipe' || prior.type === 'paren');
      if (!isStart && prior.type !== 'paren' && !isBrace && !isExtglob) {
        push({ type: 'star', value, output: '' });
        continue;
      }

      // strip consecutive `/**/`
      while (rest.slice(0, 3) === '/**') {
        const after = input[state.index + 4];
        if (after && after !== '/') {
          break;
        }
        rest = rest.slice(3);
        consume('/**', 3);
      }

      // A globstar followed only by balanced closing parens is at the logical end of patterns like
      // `test(/utils/**)` and `test?(/utils/**)`. Treat it as EOS so the trailing `/**` can match its
      // parent path, except in negated extglobs where that would change the exclusion semantics.
      const isEnd = eos() || (
        state.parens > 0
        && rest === ')'.repeat(state.parens)
        && !extglobs.some(extglob => extglob.type === 'negate')
      );

      if (prior.type === 'bos' && eos()) {
        prev.type = 'globstar';
        prev.value += value;
        prev.output = globstar(opts);
        state.output = prev.output;
        state.globstar = true;
        consume(value);
        continue;
      }

      if (prior.type === 'slash' && prior.prev.type !== 'bos' && !afterStar && isEnd) {
        state.output = state.output.slice(0, -(prior.output + prev.output).length);
        prior.output = `(?:${prior.output}`;

        prev.type = 'globstar';
        prev.output = globstar(opts) + (opts.strictSlashes ? ')' : '|$)');
        prev.value += value;
        state.globstar = true;
        state.output += prior.output + prev.output;
        consume(value);
        continue;
      }

      if (prior.type === 'slash' && prior.prev.type !== 'bos' && rest[0] === '/') {
        const end = rest[1] !== void 0 ? '|$' : '';

        state.output = state.output.slice(0, -(prior.output + prev.output).length);
        prior.output = `(?:${prior.output}`;

        prev.type = 'globstar';
        prev.output = `${globstar(opts)}${SLASH_LITERAL}|${SLASH_LITERAL}${end})`;
        prev.value += value;

        state.output += prior.output + prev.output;
        state.globstar = true;

        consume(value + advance());

        push({ type: 'slash', value: '/', output: '' });
        continue;
      }

      if (prior.type === 'bos' && rest[0] === '/') {
        prev.type = 'globstar';
        prev.value += value;
        prev.output = `(?:^|${SLASH_LITERAL}|${globstar(opts)}${SLASH_LITERAL})`;
        state.output = prev.output;
        state.globstar = true;
        consume(value + advance());
        push({ type: 'slash', value: '/', output: '' });
        continue;
      }

      // remove single star from output
      state.output = state.output.slice(0, -prev.output.length);

      // reset previous token to globstar
      prev.type = 'globstar';
      prev.output = globstar(opts);
      prev.value += value;

      // reset output with globstar
      state.output += prev.output;
      state.globstar = true;
      consume(value);
      continue;
    }

    const token = { type: 'star', value, output: star };

    if (opts.bash === true) {
      token.output = '.*?';
      if (prev.type === 'bos' || prev.type === 'slash') {
        token.output = nodot + token.output;
      }
      push(token);
      continue;
    }

    if (prev && (prev.type === 'bracket' || prev.type === 'paren') && opts.regex === true) {
      token.output = value;
      push(token);
      continue;
    }

    if (state.index === state.start || prev.type === 'slash' || prev.type === 'dot') {
      if (prev.type === 'dot') {
        state.output += NO_DOT_SLASH;
        prev.output += NO_DOT_SLASH;

      } else if (opts.dot === true) {
        state.output += NO_DOTS_SLASH;
        prev.output += NO_DOTS_SLASH;

      } else {
        state.output += nodot;
        prev.output += nodot;
      }

      if (peek() !== '*') {
        state.output += ONE_CHAR;
        prev.output += ONE_CHAR;
      }
    }

    push(token);
  }

  while (state.brackets > 0) {
    if (opts.strictBrackets === true) throw new SyntaxError(syntaxError('closing', ']'));
    state.output = utils.escapeLast(state.output, '[');
    decrement('brackets');
  }

  while (state.parens > 0) {
    if (opts.strictBrackets === true) throw new SyntaxError(syntaxError('closing', ')'));
    state.output = utils.escapeLast(state.output, '(');
    decrement('parens');
  }

  while (state.braces > 0) {
    if (opts.strictBrackets === true) throw new SyntaxError(syntaxError('closing', '}'));
    state.output = utils.escapeLast(state.output, '{');
    decrement('braces');
  }

  if (opts.strictSlashes !== true && (prev.type === 'star' || prev.type === 'bracket')) {
    push({ type: 'maybe_slash', value: '', output: `${SLASH_LITERAL}?` });
  }

  // rebuild the output if we had to backtrack at any point
  if (state.backtrack === true) {
    state.output = '';

    for (const token of state.tokens) {
      state.output += token.output != null ? token.output : token.value;

      if (token.suffix) {
        state.output += token.suffix;
      }
    }
  }

  return state;
};

/**
 * Fast paths for creating regular expressions for common glob patterns.
 * This can significantly speed up processing and has very little downside
 * impact when none of the fast paths match.
 */

parse.fastpaths = (input, options) => {
  const opts = { ...options };
  const max = typeof opts.maxLength === 'number' ? Math.min(MAX_LENGTH, opts.maxLength) : MAX_LENGTH;
  const len = input.length;
  if (len > max) {
    throw new SyntaxError(`Input length: ${len}, exceeds maximum allowed length: ${max}`);
  }

  input = REPLACEMENTS[input] || input;

  // create constants based on platform, for windows or posix
  const {
    DOT_LITERAL,
    SLASH_LITERAL,
    ONE_CHAR,
    DOTS_SLASH,
    NO_DOT,
    NO_DOTS,
    NO_DOTS_SLASH,
    STAR,
    START_ANCHOR
  } = constants.globChars(opts.windows);

  const nodot = opts.dot ? NO_DOTS : NO_DOT;
  const slashDot = opts.dot ? NO_DOTS_SLASH : NO_DOT;
  const capture = opts.capture ? '' : '?:';
  const state = { negated: false, prefix: '' };
  let star = opts.bash === true ? '.*?' : STAR;

  if (opts.capture) {
    star = `(${star})`;
  }

  const globstar = opts => {
    if (opts.noglobstar === true) return star;
    return `(${capture}(?:(?!${START_ANCHOR}${opts.dot ? DOTS_SLASH : DOT_LITERAL}).)*?)`;
  };

  const create = str => {
    switch (str) {
      case '*':
        return `${nodot}${ONE_CHAR}${star}`;

      case '.*':
        return `${DOT_LITERAL}${ONE_CHAR}${star}`;

      case '*.*':
        return `${nodot}${star}${DOT_LITERAL}${ONE_CHAR}${star}`;

      case '*/*':
        return `${nodot}${star}${SLASH_LITERAL}${ONE_CHAR}${slashDot}${star}`;

      case '**':
        return nodot + globstar(opts);

      case '**/*':
        return `(?:${nodot}${globstar(opts)}${SLASH_LITERAL})?${slashDot}${ONE_CHAR}${star}`;

      case '**/*.*':
        return `(?:${nodot}${globstar(opts)}${SLASH_LITERAL})?${slashDot}${star}${DOT_LITERAL}${ONE_CHAR}${star}`;

      case '**/.*':
        return `(?:${nodot}${globstar(opts)}${SLASH_LITERAL})?${DOT_LITERAL}${ONE_CHAR}${star}`;

      default: {
        const match = /^(.*?)\.(\w+)$/.exec(str);
        if (!match) return;

        const source = create(match[1]);
        if (!source) return;

        return source + DOT_LITERAL + match[2];
      }
    }
  };

  const output = utils.removePrefix(input, state);
  let source = create(output);

  if (source && opts.strictSlashes !== true) {
    source += `${SLASH_LITERAL}?`;
  }

  return source;
};

module.exports = parse;


/***/ }),

/***/ 8016:
/***/ ((module, __unused_webpack_exports, __nccwpck_require__) => {



const scan = __nccwpck_require__(1781);
const parse = __nccwpck_require__(8265);
const utils = __nccwpck_require__(4059);
const constants = __nccwpck_require__(5595);
const isObject = val => val && typeof val === 'object' && !Array.isArray(val);

/**
 * Creates a matcher function from one or more glob patterns. The
 * returned function takes a string to match as its first argument,
 * and returns true if the string is a match. The returned matcher
 * function also takes a boolean as the second argument that, when true,
 * returns an object with additional information.
 *
 * ```js
 * const picomatch = require('picomatch');
 * // picomatch(glob[, options]);
 *
 * const isMatch = picomatch('*.!(*a)');
 * console.log(isMatch('a.a')); //=> false
 * console.log(isMatch('a.b')); //=> true
 *
 * // For environments without `node.js`, `picomatch/posix` provides you a dependency-free matcher, without automatic OS detection.
 * const picomatch = require('picomatch/posix');
 * // the same API, defaulting to posix paths
 * const isMatch = picomatch('a/*');
 * console.log(isMatch('a\\b')); //=> false
 * console.log(isMatch('a/b')); //=> true
 *
 * // you can still configure the matcher function to accept windows paths
 * const isMatch = picomatch('a/*', { options: windows });
 * console.log(isMatch('a\\b')); //=> true
 * console.log(isMatch('a/b')); //=> true
 * ```
 * @name picomatch
 * @param {String|Array} `globs` One or more glob patterns.
 * @param {Object=} `options`
 * @return {Function=} Returns a matcher function.
 * @api public
 */

const picomatch = (glob, options, returnState = false) => {
  if (Array.isArray(glob)) {
    const fns = glob.map(input => picomatch(input, options, returnState));
    const arrayMatcher = str => {
      for (const isMatch of fns) {
        const state = isMatch(str);
        if (state) return state;
      }
      return false;
    };
    return arrayMatcher;
  }

  const isState = isObject(glob) && glob.tokens && glob.input;

  if (glob === '' || (typeof glob !== 'string' && !isState)) {
    throw new TypeError('Expected pattern to be a non-empty string');
  }

  const opts = options || {};
  const posix = opts.windows;
  const regex = isState
    ? picomatch.compileRe(glob, options)
    : picomatch.makeRe(glob, options, false, true);

  const state = regex.state;
  delete regex.state;

  let isIgnored = () => false;
  if (opts.ignore) {
    const ignoreOpts = { ...options, ignore: null, onMatch: null, onResult: null };
    isIgnored = picomatch(opts.ignore, ignoreOpts, returnState);
  }

  const matcher = (input, returnObject = false) => {
    const { isMatch, match, output } = picomatch.test(input, regex, options, { glob, posix });
    const result = { glob, state, regex, posix, input, output, match, isMatch };

    if (typeof opts.onResult === 'function') {
      opts.onResult(result);
    }

    if (isMatch === false) {
      result.isMatch = false;
      return returnObject ? result : false;
    }

    if (isIgnored(input)) {
      if (typeof opts.onIgnore === 'function') {
        opts.onIgnore(result);
      }
      result.isMatch = false;
      return returnObject ? result : false;
    }

    if (typeof opts.onMatch === 'function') {
      opts.onMatch(result);
    }
    return returnObject ? result : true;
  };

  if (returnState) {
    matcher.state = state;
  }

  return matcher;
};

/**
 * Test `input` with the given `regex`. This is used by the main
 * `picomatch()` function to test the input string.
 *
 * ```js
 * const picomatch = require('picomatch');
 * // picomatch.test(input, regex[, options]);
 *
 * console.log(picomatch.test('foo/bar', /^(?:([^/]*?)\/([^/]*?))$/));
 * // { isMatch: true, match: [ 'foo/', 'foo', 'bar' ], output: 'foo/bar' }
 * ```
 * @param {String} `input` String to test.
 * @param {RegExp} `regex`
 * @return {Object} Returns an object with matching info.
 * @api public
 */

picomatch.test = (input, regex, options, { glob, posix } = {}) => {
  if (typeof input !== 'string') {
    throw new TypeError('Expected input to be a string');
  }

  if (input === '') {
    return { isMatch: false, output: '' };
  }

  const opts = options || {};
  const format = opts.format || (posix ? utils.toPosixSlashes : null);
  let match = input === glob;
  let output = (match && format) ? format(input) : input;

  if (match === false) {
    output = format ? format(input) : input;
    match = output === glob;
  }

  if (match === false || opts.capture === true) {
    if (opts.matchBase === true || opts.basename === true) {
      match = picomatch.matchBase(input, regex, options, posix);
    } else {
      match = regex.exec(output);
    }
  }

  return { isMatch: Boolean(match), match, output };
};

/**
 * Match the basename of a filepath.
 *
 * ```js
 * const picomatch = require('picomatch');
 * // picomatch.matchBase(input, glob[, options]);
 * console.log(picomatch.matchBase('foo/bar.js', '*.js'); // true
 * ```
 * @param {String} `input` String to test.
 * @param {RegExp|String} `glob` Glob pattern or regex created by [.makeRe](#makeRe).
 * @return {Boolean}
 * @api public
 */

picomatch.matchBase = (input, glob, options, posix = options && options.windows) => {
  const regex = glob instanceof RegExp ? glob : picomatch.makeRe(glob, options);
  return regex.test(utils.basename(input, { windows: posix }));
};

/**
 * Returns true if **any** of the given glob `patterns` match the specified `string`.
 *
 * ```js
 * const picomatch = require('picomatch');
 * // picomatch.isMatch(string, patterns[, options]);
 *
 * console.log(picomatch.isMatch('a.a', ['b.*', '*.a'])); //=> true
 * console.log(picomatch.isMatch('a.a', 'b.*')); //=> false
 * ```
 * @param {String|Array} str The string to test.
 * @param {String|Array} patterns One or more glob patterns to use for matching.
 * @param {Object} [options] See available [options](#options).
 * @return {Boolean} Returns true if any patterns match `str`
 * @api public
 */

picomatch.isMatch = (str, patterns, options) => picomatch(patterns, options)(str);

/**
 * Parse a glob pattern to create the source string for a regular
 * expression.
 *
 * ```js
 * const picomatch = require('picomatch');
 * const result = picomatch.parse(pattern[, options]);
 * ```
 * @param {String} `pattern`
 * @param {Object} `options`
 * @return {Object} Returns an object with useful properties and output to be used as a regex source string.
 * @api public
 */

picomatch.parse = (pattern, options) => {
  if (Array.isArray(pattern)) return pattern.map(p => picomatch.parse(p, options));
  return parse(pattern, { ...options, fastpaths: false });
};

/**
 * Scan a glob pattern to separate the pattern into segments.
 *
 * ```js
 * const picomatch = require('picomatch');
 * // picomatch.scan(input[, options]);
 *
 * const result = picomatch.scan('!./foo/*.js');
 * console.log(result);
 * { prefix: '!./',
 *   input: '!./foo/*.js',
 *   start: 3,
 *   base: 'foo',
 *   glob: '*.js',
 *   isBrace: false,
 *   isBracket: false,
 *   isGlob: true,
 *   isExtglob: false,
 *   isGlobstar: false,
 *   negated: true }
 * ```
 * @param {String} `input` Glob pattern to scan.
 * @param {Object} `options`
 * @return {Object} Returns an object with
 * @api public
 */

picomatch.scan = (input, options) => scan(input, options);

/**
 * Compile a regular expression from the `state` object returned by the
 * [parse()](#parse) method.
 *
 * ```js
 * const picomatch = require('picomatch');
 * const state = picomatch.parse('*.js');
 * // picomatch.compileRe(state[, options]);
 *
 * console.log(picomatch.compileRe(state));
 * //=> /^(?:(?!\.)(?=.)[^/]*?\.js)$/
 * ```
 * @param {Object} `state`
 * @param {Object} `options`
 * @param {Boolean} `returnOutput` Intended for implementors, this argument allows you to return the raw output from the parser.
 * @param {Boolean} `returnState` Adds the state to a `state` property on the returned regex. Useful for implementors and debugging.
 * @return {RegExp}
 * @api public
 */

picomatch.compileRe = (state, options, returnOutput = false, returnState = false) => {
  if (returnOutput === true) {
    return state.output;
  }

  const opts = options || {};
  const prepend = opts.contains ? '' : '^';
  const append = opts.contains ? '' : '$';

  let source = `${prepend}(?:${state.output})${append}`;
  if (state && state.negated === true) {
    source = `^(?!${source}).*$`;
  }

  const regex = picomatch.toRegex(source, options);
  if (returnState === true) {
    regex.state = state;
  }

  return regex;
};

/**
 * Create a regular expression from a parsed glob pattern.
 *
 * ```js
 * const picomatch = require('picomatch');
 * // picomatch.makeRe(state[, options]);
 *
 * const result = picomatch.makeRe('*.js');
 * console.log(result);
 * //=> /^(?:(?!\.)(?=.)[^/]*?\.js)$/
 * ```
 * @param {String} `state` The object returned from the `.parse` method.
 * @param {Object} `options`
 * @param {Boolean} `returnOutput` Implementors may use this argument to return the compiled output, instead of a regular expression. This is not exposed on the options to prevent end-users from mutating the result.
 * @param {Boolean} `returnState` Implementors may use this argument to return the state from the parsed glob with the returned regular expression.
 * @return {RegExp} Returns a regex created from the given pattern.
 * @api public
 */

picomatch.makeRe = (input, options = {}, returnOutput = false, returnState = false) => {
  if (!input || typeof input !== 'string') {
    throw new TypeError('Expected a non-empty string');
  }

  let parsed = { negated: false, fastpaths: true };

  if (options.fastpaths !== false && (input[0] === '.' || input[0] === '*')) {
    parsed.output = parse.fastpaths(input, options);
  }

  if (!parsed.output) {
    parsed = parse(input, options);
  }

  return picomatch.compileRe(parsed, options, returnOutput, returnState);
};

/**
 * Create a regular expression from the given regex source string.
 *
 * ```js
 * const picomatch = require('picomatch');
 * // picomatch.toRegex(source[, options]);
 *
 * const { output } = picomatch.parse('*.js');
 * console.log(picomatch.toRegex(output));
 * //=> /^(?:(?!\.)(?=.)[^/]*?\.js)$/
 * ```
 * @param {String} `source` Regular expression source string.
 * @param {Object} `options`
 * @return {RegExp}
 * @api public
 */

picomatch.toRegex = (source, options) => {
  try {
    const opts = options || {};
    return new RegExp(source, opts.flags || (opts.nocase ? 'i' : ''));
  } catch (err) {
    if (options && options.debug === true) throw err;
    return /$^/;
  }
};

/**
 * Picomatch constants.
 * @return {Object}
 */

picomatch.constants = constants;

/**
 * Expose "picomatch"
 */

module.exports = picomatch;


/***/ }),

/***/ 1781:
/***/ ((module, __unused_webpack_exports, __nccwpck_require__) => {



const utils = __nccwpck_require__(4059);
const {
  CHAR_ASTERISK,             /* * */
  CHAR_AT,                   /* @ */
  CHAR_BACKWARD_SLASH,       /* \ */
  CHAR_COMMA,                /* , */
  CHAR_DOT,                  /* . */
  CHAR_EXCLAMATION_MARK,     /* ! */
  CHAR_FORWARD_SLASH,        /* / */
  CHAR_LEFT_CURLY_BRACE,     /* { */
  CHAR_LEFT_PARENTHESES,     /* ( */
  CHAR_LEFT_SQUARE_BRACKET,  /* [ */
  CHAR_PLUS,                 /* + */
  CHAR_QUESTION_MARK,        /* ? */
  CHAR_RIGHT_CURLY_BRACE,    /* } */
  CHAR_RIGHT_PARENTHESES,    /* ) */
  CHAR_RIGHT_SQUARE_BRACKET  /* ] */
} = __nccwpck_require__(5595);

const isPathSeparator = code => {
  return code === CHAR_FORWARD_SLASH || code === CHAR_BACKWARD_SLASH;
};

const depth = token => {
  if (token.isPrefix !== true) {
    token.depth = token.isGlobstar ? Infinity : 1;
  }
};

/**
 * Quickly scans a glob pattern and returns an object with a handful of
 * useful properties, like `isGlob`, `path` (the leading non-glob, if it exists),
 * `glob` (the actual pattern), `negated` (true if the path starts with `!` but not
 * with `!(`) and `negatedExtglob` (true if the path starts with `!(`).
 *
 * ```js
 * const pm = require('picomatch');
 * console.log(pm.scan('foo/bar/*.js'));
 * { isGlob: true, input: 'foo/bar/*.js', base: 'foo/bar', glob: '*.js' }
 * ```
 * @param {String} `str`
 * @param {Object} `options`
 * @return {Object} Returns an object with tokens and regex source string.
 * @api public
 */

const scan = (input, options) => {
  const opts = options || {};

  const length = input.length - 1;
  const scanToEnd = opts.parts === true || opts.tokens === true || opts.scanToEnd === true;
  const slashes = [];
  const tokens = [];
  const parts = [];

  let str = input;
  let index = -1;
  let start = 0;
  let lastIndex = 0;
  let isBrace = false;
  let isBracket = false;
  let isGlob = false;
  let isExtglob = false;
  let isGlobstar = false;
  let braceEscaped = false;
  let backslashes = false;
  let negated = false;
  let negatedExtglob = false;
  let finished = false;
  let braces = 0;
  let prev;
  let code;
  let token = { value: '', depth: 0, isGlob: false };

  const eos = () => index >= length;
  const peek = () => str.charCodeAt(index + 1);
  const advance = () => {
    prev = code;
    return str.charCodeAt(++index);
  };

  while (index < length) {
    code = advance();
    let next;

    if (code === CHAR_BACKWARD_SLASH) {
      backslashes = token.backslashes = true;
      code = advance();

      if (code === CHAR_LEFT_CURLY_BRACE) {
        braceEscaped = true;
      }
      continue;
    }

    if (braceEscaped === true || code === CHAR_LEFT_CURLY_BRACE) {
      braces++;

      while (eos() !== true && (code = advance())) {
        if (code === CHAR_BACKWARD_SLASH) {
          backslashes = token.backslashes = true;
          advance();
          continue;
        }

        if (code === CHAR_LEFT_CURLY_BRACE) {
          braces++;
          continue;
        }

        if (braceEscaped !== true && code === CHAR_DOT && (code = advance()) === CHAR_DOT) {
          isBrace = token.isBrace = true;
          isGlob = token.isGlob = true;
          finished = true;

          if (scanToEnd === true) {
            continue;
          }

          break;
        }

        if (braceEscaped !== true && code === CHAR_COMMA) {
          isBrace = token.isBrace = true;
          isGlob = token.isGlob = true;
          finished = true;

          if (scanToEnd === true) {
            continue;
          }

          break;
        }

        if (code === CHAR_RIGHT_CURLY_BRACE) {
          braces--;

          if (braces === 0) {
            braceEscaped = false;
            isBrace = token.isBrace = true;
            finished = true;
            break;
          }
        }
      }

      if (scanToEnd === true) {
        continue;
      }

      break;
    }

    if (code === CHAR_FORWARD_SLASH) {
      slashes.push(index);
      tokens.push(token);
      token = { value: '', depth: 0, isGlob: false };

      if (finished === true) continue;
      if (prev === CHAR_DOT && index === (start + 1)) {
        start += 2;
        continue;
      }

      lastIndex = index + 1;
      continue;
    }

    if (opts.noext !== true) {
      const isExtglobChar = code === CHAR_PLUS
        || code === CHAR_AT
        || code === CHAR_ASTERISK
        || code === CHAR_QUESTION_MARK
        || code === CHAR_EXCLAMATION_MARK;

      if (isExtglobChar === true && peek() === CHAR_LEFT_PARENTHESES) {
        isGlob = token.isGlob = true;
        isExtglob = token.isExtglob = true;
        finished = true;
        if (code === CHAR_EXCLAMATION_MARK && index === start) {
          negatedExtglob = true;
        }

        if (scanToEnd === true) {
          let parens = 0;

          while (eos() !== true && (code = advance())) {
            if (code === CHAR_BACKWARD_SLASH) {
              backslashes = token.backslashes = true;
              advance();
              continue;
            }

            if (code === CHAR_LEFT_PARENTHESES) {
              parens++;
              continue;
            }

            if (code === CHAR_RIGHT_PARENTHESES && --parens === 0) {
              finished = true;
              break;
            }
          }
          continue;
        }
        break;
      }
    }

    if (code === CHAR_ASTERISK) {
      if (prev === CHAR_ASTERISK) isGlobstar = token.isGlobstar = true;
      isGlob = token.isGlob = true;
      finished = true;

      if (scanToEnd === true) {
        continue;
      }
      break;
    }

    if (code === CHAR_QUESTION_MARK) {
      isGlob = token.isGlob = true;
      finished = true;

      if (scanToEnd === true) {
        continue;
      }
      break;
    }

    if (code === CHAR_LEFT_SQUARE_BRACKET) {
      while (eos() !== true && (next = advance())) {
        if (next === CHAR_BACKWARD_SLASH) {
          backslashes = token.backslashes = true;
          advance();
          continue;
        }

        if (next === CHAR_RIGHT_SQUARE_BRACKET) {
          isBracket = token.isBracket = true;
          isGlob = token.isGlob = true;
          finished = true;
          break;
        }
      }

      if (scanToEnd === true) {
        continue;
      }

      break;
    }

    if (opts.nonegate !== true && code === CHAR_EXCLAMATION_MARK && index === start) {
      negated = token.negated = true;
      start++;
      continue;
    }

    if (opts.noparen !== true && code === CHAR_LEFT_PARENTHESES) {
      isGlob = token.isGlob = true;

      if (scanToEnd === true) {
        let parens = 1;

        while (eos() !== true && (code = advance())) {
          if (code === CHAR_BACKWARD_SLASH) {
            backslashes = token.backslashes = true;
            advance();
            continue;
          }

          if (code === CHAR_LEFT_PARENTHESES) {
            parens++;
            continue;
          }

          if (code === CHAR_RIGHT_PARENTHESES && --parens === 0) {
            finished = true;
            break;
          }
        }
        continue;
      }
      break;
    }

    if (isGlob === true) {
      finished = true;

      if (scanToEnd === true) {
        continue;
      }

      break;
    }
  }

  if (opts.noext === true) {
    isExtglob = false;
    isGlob = false;
  }

  let base = str;
  let prefix = '';
  let glob = '';

  if (start > 0) {
    prefix = str.slice(0, start);
    str = str.slice(start);
    lastIndex -= start;
  }

  if (base && isGlob === true && lastIndex > 0) {
    base = str.slice(0, lastIndex);
    glob = str.slice(lastIndex);
  } else if (isGlob === true) {
    base = '';
    glob = str;
  } else {
    base = str;
  }

  if (base && base !== '' && base !== '/' && base !== str) {
    if (isPathSeparator(base.charCodeAt(base.length - 1))) {
      base = base.slice(0, -1);
    }
  }

  if (opts.unescape === true) {
    if (glob) glob = utils.removeBackslashes(glob);

    if (base && backslashes === true) {
      base = utils.removeBackslashes(base);
    }
  }

  const state = {
    prefix,
    input,
    start,
    base,
    glob,
    isBrace,
    isBracket,
    isGlob,
    isExtglob,
    isGlobstar,
    negated,
    negatedExtglob
  };

  if (opts.tokens === true) {
    state.maxDepth = 0;
    if (!isPathSeparator(code)) {
      tokens.push(token);
    }
    state.tokens = tokens;
  }

  if (opts.parts === true || opts.tokens === true) {
    let prevIndex;

    for (let idx = 0; idx < slashes.length; idx++) {
      const n = prevIndex !== undefined ? prevIndex + 1 : start;
      const i = slashes[idx];
      const value = input.slice(n, i);
      if (opts.tokens) {
        if (idx === 0 && start !== 0) {
          tokens[idx].isPrefix = true;
          tokens[idx].value = prefix;
        } else {
          tokens[idx].value = value;
        }
        depth(tokens[idx]);
        state.maxDepth += tokens[idx].depth;
      }
      if (i >= start) {
        parts.push(value);
        prevIndex = i;
      }
    }

    const n = prevIndex !== undefined ? prevIndex + 1 : start;
    const value = input.slice(n);
    parts.push(value);

    if (opts.tokens && prevIndex && prevIndex + 1 < input.length) {
      tokens[tokens.length - 1].value = value;
      depth(tokens[tokens.length - 1]);
      state.maxDepth += tokens[tokens.length - 1].depth;
    }

    state.slashes = slashes;
    state.parts = parts;
  }

  return state;
};

module.exports = scan;


/***/ }),

/***/ 4059:
/***/ ((__unused_webpack_module, exports, __nccwpck_require__) => {

/*global navigator*/


const {
  REGEX_BACKSLASH,
  REGEX_REMOVE_BACKSLASH,
  REGEX_SPECIAL_CHARS,
  REGEX_SPECIAL_CHARS_GLOBAL
} = __nccwpck_require__(5595);

exports.isObject = val => val !== null && typeof val === 'object' && !Array.isArray(val);
exports.hasRegexChars = str => REGEX_SPECIAL_CHARS.test(str);
exports.isRegexChar = str => str.length === 1 && exports.hasRegexChars(str);
exports.escapeRegex = str => str.replace(REGEX_SPECIAL_CHARS_GLOBAL, '\\$1');
exports.toPosixSlashes = str => str.replace(REGEX_BACKSLASH, '/');

exports.isWindows = () => {
  if (typeof navigator !== 'undefined' && navigator.platform) {
    const platform = navigator.platform.toLowerCase();
    return platform === 'win32' || platform === 'windows';
  }

  if (typeof process !== 'undefined' && process.platform) {
    return process.platform === 'win32';
  }

  return false;
};

exports.removeBackslashes = str => {
  return str.replace(REGEX_REMOVE_BACKSLASH, match => {
    return match === '\\' ? '' : match;
  });
};

exports.escapeLast = (input, char, lastIdx) => {
  const idx = input.lastIndexOf(char, lastIdx);
  if (idx === -1) return input;
  if (input[idx - 1] === '\\') return exports.escapeLast(input, char, idx - 1);
  return `${input.slice(0, idx)}\\${input.slice(idx)}`;
};

exports.removePrefix = (input, state = {}) => {
  let output = input;
  if (output.startsWith('./')) {
    output = output.slice(2);
    state.prefix = './';
  }
  return output;
};

exports.wrapOutput = (input, state = {}, options = {}) => {
  const prepend = options.contains ? '' : '^';
  const append = options.contains ? '' : '$';

  let output = `${prepend}(?:${input})${append}`;
  if (state.negated === true) {
    output = `(?:^(?!${output}).*$)`;
  }
  return output;
};

exports.basename = (path, { windows } = {}) => {
  const segs = path.split(windows ? /[\\/]/ : '/');
  const last = segs[segs.length - 1];

  if (last === '') {
    return segs[segs.length - 2];
  }

  return last;
};


/***/ }),

/***/ 2613:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("assert");

/***/ }),

/***/ 4434:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("events");

/***/ }),

/***/ 9896:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("fs");

/***/ }),

/***/ 8611:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("http");

/***/ }),

/***/ 5692:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("https");

/***/ }),

/***/ 9278:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("net");

/***/ }),

/***/ 4589:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:assert");

/***/ }),

/***/ 6698:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:async_hooks");

/***/ }),

/***/ 4573:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:buffer");

/***/ }),

/***/ 7540:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:console");

/***/ }),

/***/ 7598:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:crypto");

/***/ }),

/***/ 3053:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:diagnostics_channel");

/***/ }),

/***/ 610:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:dns");

/***/ }),

/***/ 8474:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:events");

/***/ }),

/***/ 3024:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:fs");

/***/ }),

/***/ 7067:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:http");

/***/ }),

/***/ 2467:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:http2");

/***/ }),

/***/ 7030:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:net");

/***/ }),

/***/ 6760:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:path");

/***/ }),

/***/ 643:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:perf_hooks");

/***/ }),

/***/ 1792:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:querystring");

/***/ }),

/***/ 7075:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:stream");

/***/ }),

/***/ 1692:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:tls");

/***/ }),

/***/ 3136:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:url");

/***/ }),

/***/ 7975:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:util");

/***/ }),

/***/ 3429:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:util/types");

/***/ }),

/***/ 5919:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:worker_threads");

/***/ }),

/***/ 8522:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:zlib");

/***/ }),

/***/ 857:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("os");

/***/ }),

/***/ 3193:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("string_decoder");

/***/ }),

/***/ 4756:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("tls");

/***/ }),

/***/ 9023:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("util");

/***/ })

/******/ });
/************************************************************************/
/******/ // The module cache
/******/ var __webpack_module_cache__ = {};
/******/ 
/******/ // The require function
/******/ function __nccwpck_require__(moduleId) {
/******/ 	// Check if module is in cache
/******/ 	var cachedModule = __webpack_module_cache__[moduleId];
/******/ 	if (cachedModule !== undefined) {
/******/ 		return cachedModule.exports;
/******/ 	}
/******/ 	// Create a new module (and put it into the cache)
/******/ 	var module = __webpack_module_cache__[moduleId] = {
/******/ 		// no module.id needed
/******/ 		// no module.loaded needed
/******/ 		exports: {}
/******/ 	};
/******/ 
/******/ 	// Execute the module function
/******/ 	var threw = true;
/******/ 	try {
/******/ 		__webpack_modules__[moduleId].call(module.exports, module, module.exports, __nccwpck_require__);
/******/ 		threw = false;
/******/ 	} finally {
/******/ 		if(threw) delete __webpack_module_cache__[moduleId];
/******/ 	}
/******/ 
/******/ 	// Return the exports of the module
/******/ 	return module.exports;
/******/ }
/******/ 
/******/ // expose the modules object (__webpack_modules__)
/******/ __nccwpck_require__.m = __webpack_modules__;
/******/ 
/************************************************************************/
/******/ /* webpack/runtime/asset-relocator-loader */
/******/ if (typeof __nccwpck_require__ !== 'undefined') __nccwpck_require__.ab = decodeURIComponent(new URL('.', import.meta.url).pathname).slice(import.meta.url.match(/^file:\/\/\/\w:/) ? 1 : 0, -1) + "/";
/******/ 
/******/ /* webpack/runtime/create fake namespace object */
/******/ (() => {
/******/ 	var getProto = Object.getPrototypeOf ? (obj) => (Object.getPrototypeOf(obj)) : (obj) => (obj.__proto__);
/******/ 	var leafPrototypes;
/******/ 	// create a fake namespace object
/******/ 	// mode & 1: value is a module id, require it
/******/ 	// mode & 2: merge all properties of value into the ns
/******/ 	// mode & 4: return value when already ns object
/******/ 	// mode & 16: return value when it's Promise-like
/******/ 	// mode & 8|1: behave like require
/******/ 	__nccwpck_require__.t = function(value, mode) {
/******/ 		if(mode & 1) value = this(value);
/******/ 		if(mode & 8) return value;
/******/ 		if(typeof value === 'object' && value) {
/******/ 			if((mode & 4) && value.__esModule) return value;
/******/ 			if((mode & 16) && typeof value.then === 'function') return value;
/******/ 		}
/******/ 		var ns = Object.create(null);
/******/ 		__nccwpck_require__.r(ns);
/******/ 		var def = {};
/******/ 		leafPrototypes = leafPrototypes || [null, getProto({}), getProto([]), getProto(getProto)];
/******/ 		for(var current = mode & 2 && value; typeof current == 'object' && !~leafPrototypes.indexOf(current); current = getProto(current)) {
/******/ 			Object.getOwnPropertyNames(current).forEach((key) => (def[key] = () => (value[key])));
/******/ 		}
/******/ 		def['default'] = () => (value);
/******/ 		__nccwpck_require__.d(ns, def);
/******/ 		return ns;
/******/ 	};
/******/ })();
/******/ 
/******/ /* webpack/runtime/define property getters */
/******/ (() => {
/******/ 	// define getter functions for harmony exports
/******/ 	__nccwpck_require__.d = (exports, definition) => {
/******/ 		for(var key in definition) {
/******/ 			if(__nccwpck_require__.o(definition, key) && !__nccwpck_require__.o(exports, key)) {
/******/ 				Object.defineProperty(exports, key, { enumerable: true, get: definition[key] });
/******/ 			}
/******/ 		}
/******/ 	};
/******/ })();
/******/ 
/******/ /* webpack/runtime/ensure chunk */
/******/ (() => {
/******/ 	__nccwpck_require__.f = {};
/******/ 	// This file contains only the entry chunk.
/******/ 	// The chunk loading function for additional chunks
/******/ 	__nccwpck_require__.e = (chunkId) => {
/******/ 		return Promise.all(Object.keys(__nccwpck_require__.f).reduce((promises, key) => {
/******/ 			__nccwpck_require__.f[key](chunkId, promises);
/******/ 			return promises;
/******/ 		}, []));
/******/ 	};
/******/ })();
/******/ 
/******/ /* webpack/runtime/get javascript chunk filename */
/******/ (() => {
/******/ 	// This function allow to reference async chunks
/******/ 	__nccwpck_require__.u = (chunkId) => {
/******/ 		// return url for filenames based on template
/******/ 		return "" + chunkId + ".index.js";
/******/ 	};
/******/ })();
/******/ 
/******/ /* webpack/runtime/hasOwnProperty shorthand */
/******/ (() => {
/******/ 	__nccwpck_require__.o = (obj, prop) => (Object.prototype.hasOwnProperty.call(obj, prop))
/******/ })();
/******/ 
/******/ /* webpack/runtime/make namespace object */
/******/ (() => {
/******/ 	// define __esModule on exports
/******/ 	__nccwpck_require__.r = (exports) => {
/******/ 		if(typeof Symbol !== 'undefined' && Symbol.toStringTag) {
/******/ 			Object.defineProperty(exports, Symbol.toStringTag, { value: 'Module' });
/******/ 		}
/******/ 		Object.defineProperty(exports, '__esModule', { value: true });
/******/ 	};
/******/ })();
/******/ 
/******/ /* webpack/runtime/import chunk loading */
/******/ (() => {
/******/ 	// no baseURI
/******/ 	
/******/ 	// object to store loaded and loading chunks
/******/ 	// undefined = chunk not loaded, null = chunk preloaded/prefetched
/******/ 	// [resolve, Promise] = chunk loading, 0 = chunk loaded
/******/ 	var installedChunks = {
/******/ 		792: 0
/******/ 	};
/******/ 	
/******/ 	var installChunk = (data) => {
/******/ 		var {ids, modules, runtime} = data;
/******/ 		// add "modules" to the modules object,
/******/ 		// then flag all "ids" as loaded and fire callback
/******/ 		var moduleId, chunkId, i = 0;
/******/ 		for(moduleId in modules) {
/******/ 			if(__nccwpck_require__.o(modules, moduleId)) {
/******/ 				__nccwpck_require__.m[moduleId] = modules[moduleId];
/******/ 			}
/******/ 		}
/******/ 		if(runtime) runtime(__nccwpck_require__);
/******/ 		for(;i < ids.length; i++) {
/******/ 			chunkId = ids[i];
/******/ 			if(__nccwpck_require__.o(installedChunks, chunkId) && installedChunks[chunkId]) {
/******/ 				installedChunks[chunkId][0]();
/******/ 			}
/******/ 			installedChunks[ids[i]] = 0;
/******/ 		}
/******/ 	
/******/ 	}
/******/ 	
/******/ 	__nccwpck_require__.f.j = (chunkId, promises) => {
/******/ 			// import() chunk loading for javascript
/******/ 			var installedChunkData = __nccwpck_require__.o(installedChunks, chunkId) ? installedChunks[chunkId] : undefined;
/******/ 			if(installedChunkData !== 0) { // 0 means "already installed".
/******/ 	
/******/ 				// a Promise means "currently loading".
/******/ 				if(installedChunkData) {
/******/ 					promises.push(installedChunkData[1]);
/******/ 				} else {
/******/ 					if(true) { // all chunks have JS
/******/ 						// setup Promise in chunk cache
/******/ 						var promise = import("./" + __nccwpck_require__.u(chunkId)).then(installChunk, (e) => {
/******/ 							if(installedChunks[chunkId] !== 0) installedChunks[chunkId] = undefined;
/******/ 							throw e;
/******/ 						});
/******/ 						var promise = Promise.race([promise, new Promise((resolve) => (installedChunkData = installedChunks[chunkId] = [resolve]))])
/******/ 						promises.push(installedChunkData[1] = promise);
/******/ 					}
/******/ 				}
/******/ 			}
/******/ 	};
/******/ 	
/******/ 	// no prefetching
/******/ 	
/******/ 	// no preloaded
/******/ 	
/******/ 	// no external install chunk
/******/ 	
/******/ 	// no on chunks loaded
/******/ })();
/******/ 
/************************************************************************/
var __webpack_exports__ = {};

// EXTERNAL MODULE: external "node:crypto"
var external_node_crypto_ = __nccwpck_require__(7598);
// EXTERNAL MODULE: external "node:fs"
var external_node_fs_ = __nccwpck_require__(3024);
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
    if (!(0,external_node_fs_.existsSync)(file))
        throw new Error(`Missing file at path: ${file}`);
    const delimiter = `ghadelimiter_${(0,external_node_crypto_.randomUUID)()}`;
    const converted = toCommandValue(value);
    if (name.includes(delimiter)) {
        throw new Error(`Unexpected input: name should not contain the delimiter "${delimiter}"`);
    }
    if (converted.includes(delimiter)) {
        throw new Error(`Unexpected input: value should not contain the delimiter "${delimiter}"`);
    }
    (0,external_node_fs_.appendFileSync)(file, `${name}<<${delimiter}${external_node_os_namespaceObject.EOL}${converted}${external_node_os_namespaceObject.EOL}${delimiter}${external_node_os_namespaceObject.EOL}`, {
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
    process.stdout.write(external_node_os_namespaceObject.EOL);
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
        await (0,promises_namespaceObject.access)(file, external_node_fs_.constants.R_OK | external_node_fs_.constants.W_OK);
    }
    catch {
        throw new Error(`Unable to access summary file: '${file}'. Check if the file has correct read/write permissions.`);
    }
    await (0,promises_namespaceObject.appendFile)(file, text, { encoding: 'utf8' });
}

;// CONCATENATED MODULE: external "node:readline"
const external_node_readline_namespaceObject = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:readline");
// EXTERNAL MODULE: external "node:path"
var external_node_path_ = __nccwpck_require__(6760);
;// CONCATENATED MODULE: ./build/inputs/actor.js
/**
 * Who may start the agent. On events a comment or review triggers, anyone who can comment could
 * otherwise make the agent run with the workflow's model key: only users with write access to the
 * repository, and those listed in `allowed-actors`, may. Bots only when listed.
 */
/** Events whose author is whoever wrote a comment or review. */
const COMMENT_EVENTS = new Set([
    'issue_comment',
    'pull_request_review',
    'pull_request_review_comment',
    'discussion_comment',
    'issues',
    'discussion',
]);
/** Repository roles that may start the agent. */
const WRITE_ROLES = new Set(['admin', 'maintain', 'write']);
/** The triggering actor of an event payload (`sender`), or null when the payload has none. */
function actorOf(payload) {
    if (typeof payload !== 'object' || payload === null)
        return null;
    const sender = payload.sender;
    if (typeof sender !== 'object' || sender === null)
        return null;
    const { login, type } = sender;
    if (typeof login !== 'string' || login === '')
        return null;
    return { login, type: typeof type === 'string' ? type : 'User' };
}
/** Whether the event needs the check at all. */
function needsActorCheck(eventName) {
    return COMMENT_EVENTS.has(eventName);
}
/**
 * The decision, pure. `permission` is the actor's role as GitHub reports it (`admin`, `maintain`,
 * `write`, `triage`, `read`, `none`), or null when it could not be read. Returns null when the
 * actor may start the agent, else one sentence saying why not and what to do.
 */
function refuseActor(args) {
    if (!needsActorCheck(args.eventName))
        return null;
    const actor = args.actor;
    if (actor === null) {
        return `The ${args.eventName} event names no sender, so Airlock cannot tell who started it; the agent does not run.`;
    }
    const listed = args.allowedActors.some((name) => name.toLowerCase() === actor.login.toLowerCase());
    if (listed)
        return null;
    if (actor.type === 'Bot' || actor.login.endsWith('[bot]')) {
        return `${actor.login} is a bot, and bots may start the agent only when listed in allowed-actors.`;
    }
    if (args.permission === null) {
        return `Airlock could not read ${actor.login}'s permission on the repository (the token needs metadata: read); the agent does not run.`;
    }
    if (WRITE_ROLES.has(args.permission))
        return null;
    return `${actor.login} has ${args.permission} access to the repository; only users with write access, or listed in allowed-actors, may start the agent from a comment or review.`;
}

;// CONCATENATED MODULE: external "node:child_process"
const external_node_child_process_namespaceObject = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:child_process");
;// CONCATENATED MODULE: ./build/agent/stream.js
/** What the stream has told so far. Updated in place by {@link StreamState.push}. */
class StreamState {
    init = null;
    /** Tool calls seen, in order. */
    toolUses = [];
    /** Tool-use ids whose result came back. */
    toolResults = [];
    result = null;
    denials = [];
    /** Lines that were not JSON (the CLI's own messages). */
    otherLines = [];
    #deniedIds = new Set();
    /**
     * A tool result the CLI refused by a deny rule (some such refusals, Read-path denials among
     * them, never reach the result's `permission_denials`) or that the policy hook blocked.
     */
    #noteDenial(toolUseId, text) {
        // Only the CLI's own refusal texts count: a command's output cannot fake one, because a
        // command's result never starts with these. The policy hook's refusals come from its log.
        const byRule = /^Permission to [\s\S]* has been denied/.test(text) ||
            /^<tool_use_error>[^<]*denied by your permission settings/.test(text);
        if (!byRule)
            return;
        const call = this.toolUses.find((use) => use.id === toolUseId);
        this.#deniedIds.add(toolUseId);
        this.denials.push({
            source: 'cli',
            toolUseId,
            tool: call?.name ?? '?',
            target: describeToolInput(call?.input),
            reason: 'denied by a permission rule',
        });
    }
    /** Reads one line of the stream; returns the event, or null when the line is not JSON. */
    push(line) {
        const trimmed = line.trim();
        if (trimmed === '')
            return null;
        let event;
        try {
            const parsed = JSON.parse(trimmed);
            if (typeof parsed !== 'object' ||
                parsed === null ||
                typeof parsed.type !== 'string') {
                throw new Error('not an event');
            }
            event = parsed;
        }
        catch {
            this.otherLines.push(trimmed.slice(0, 2000));
            return null;
        }
        if (event.type === 'system' && event.subtype === 'init') {
            this.init = {
                tools: Array.isArray(event.tools)
                    ? event.tools.filter((t) => typeof t === 'string')
                    : [],
                permissionMode: typeof event.permissionMode === 'string' ? event.permissionMode : '',
                model: typeof event.model === 'string' ? event.model : '',
            };
        }
        for (const block of contentBlocks(event)) {
            if (event.type === 'assistant' && block.type === 'tool_use' && typeof block.id === 'string') {
                this.toolUses.push({
                    id: block.id,
                    name: typeof block.name === 'string' ? block.name : '?',
                    input: block.input,
                });
            }
            if (event.type === 'user' &&
                block.type === 'tool_result' &&
                typeof block.tool_use_id === 'string') {
                this.toolResults.push(block.tool_use_id);
                if (block.is_error === true)
                    this.#noteDenial(block.tool_use_id, resultText(block.content));
            }
        }
        if (event.type === 'result') {
            this.result = {
                subtype: typeof event.subtype === 'string' ? event.subtype : 'unknown',
                isError: event.is_error === true,
                numTurns: typeof event.num_turns === 'number' ? event.num_turns : null,
                costUsd: typeof event.total_cost_usd === 'number' ? event.total_cost_usd : null,
                text: typeof event.result === 'string' ? event.result : null,
                apiErrorStatus: typeof event.api_error_status === 'number' ? event.api_error_status : null,
                errors: Array.isArray(event.errors)
                    ? event.errors.filter((e) => typeof e === 'string')
                    : [],
            };
            if (Array.isArray(event.permission_denials)) {
                for (const denial of event.permission_denials) {
                    if (typeof denial !== 'object' || denial === null)
                        continue;
                    const d = denial;
                    const id = denial.tool_use_id;
                    if (typeof id === 'string' && this.#deniedIds.has(id))
                        continue;
                    this.denials.push({
                        source: 'cli',
                        ...(typeof id === 'string' ? { toolUseId: id } : {}),
                        tool: typeof d.tool_name === 'string' ? d.tool_name : '?',
                        target: describeToolInput(d.tool_input),
                        reason: 'denied by a permission rule',
                    });
                }
            }
        }
        return event;
    }
}
/** The text of a tool result's content (a string or a list of text blocks). */
function resultText(content) {
    if (typeof content === 'string')
        return content;
    if (!Array.isArray(content))
        return '';
    return content
        .map((c) => typeof c === 'object' && c !== null && typeof c.text === 'string'
        ? String(c.text)
        : '')
        .join(' ');
}
function contentBlocks(event) {
    const message = event.message;
    if (typeof message !== 'object' || message === null || !Array.isArray(message.content))
        return [];
    return message.content.filter((b) => typeof b === 'object' && b !== null);
}
/** The part of a tool input a reader needs: the command, path, URL or query. */
function describeToolInput(input) {
    if (typeof input !== 'object' || input === null)
        return '';
    const i = input;
    for (const key of [
        'command',
        'file_path',
        'notebook_path',
        'url',
        'pattern',
        'query',
        'path',
        'description',
    ]) {
        const value = i[key];
        if (typeof value === 'string')
            return value.length > 300 ? `${value.slice(0, 300)}…` : value;
    }
    return '';
}
function oneLine(text, max = 200) {
    const flat = text.replace(/\s+/g, ' ').trim();
    return flat.length > max ? `${flat.slice(0, max)}…` : flat;
}
/**
 * One readable log line per event (tool calls as `→ Tool: target`, results as `← …`), or null
 * for events not worth a line. The caller redacts and fences it.
 */
function renderEvent(event) {
    const lines = [];
    if (event.type === 'system' && event.subtype === 'init') {
        const tools = Array.isArray(event.tools) ? event.tools.join(', ') : '';
        lines.push(oneLine(`· session started (model ${String(event.model)}, mode ${String(event.permissionMode)}, tools: ${tools})`, 1000));
    }
    else if (event.type === 'system' && event.subtype === 'api_retry') {
        lines.push(`· model API error (${String(event.error_status ?? event.error)}), retry ${String(event.attempt)}/${String(event.max_retries)}`);
    }
    else if (event.type === 'assistant') {
        for (const block of contentBlocks(event)) {
            if (block.type === 'text' && typeof block.text === 'string' && block.text.trim() !== '') {
                lines.push(`agent: ${oneLine(block.text, 500)}`);
            }
            else if (block.type === 'tool_use') {
                lines.push(`→ ${oneLine(String(block.name), 60)}: ${oneLine(describeToolInput(block.input))}`);
            }
        }
    }
    else if (event.type === 'user') {
        for (const block of contentBlocks(event)) {
            if (block.type !== 'tool_result')
                continue;
            const content = resultText(block.content);
            lines.push(`${block.is_error === true ? '✗' : '←'} ${oneLine(content)}`);
        }
    }
    else if (event.type === 'result') {
        lines.push(`· finished: ${String(event.subtype)}${event.is_error === true ? ' (error)' : ''}, ${String(event.num_turns)} turns, $${typeof event.total_cost_usd === 'number' ? event.total_cost_usd.toFixed(4) : '?'}`);
    }
    return lines;
}

;// CONCATENATED MODULE: ./build/agent/run.js




const KILL_GRACE_MS = 5_000;
/** Every pid whose session id is `sid` (the CLI is started as a session leader). */
function processesInSession(sid) {
    const pids = [];
    let entries;
    try {
        entries = (0,external_node_fs_.readdirSync)('/proc');
    }
    catch {
        return pids;
    }
    for (const entry of entries) {
        if (!/^\d+$/.test(entry))
            continue;
        try {
            const stat = (0,external_node_fs_.readFileSync)(`/proc/${entry}/stat`, 'utf8');
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
        return (0,external_node_fs_.readFileSync)(file, 'utf8');
    }
    catch {
        return '';
    }
}
function hookLogged(logFile, toolUseId) {
    try {
        return (0,external_node_fs_.readFileSync)(logFile, 'utf8').includes(`"toolUseId":${JSON.stringify(toolUseId)}`);
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
    const child = (0,external_node_child_process_namespaceObject.spawn)(options.claudePath, options.args, {
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
    const stdout = (0,external_node_readline_namespaceObject.createInterface)({ input: child.stdout });
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

// EXTERNAL MODULE: external "node:buffer"
var external_node_buffer_ = __nccwpck_require__(4573);
;// CONCATENATED MODULE: ./build/audit/parse/diff.js
/**
 * Parsers for git's machine-readable output: `diff-tree`/`diff-index -z --raw -p` (the raw
 * records, then the patch: its added lines and per-file line counts), `cat-file --batch`,
 * NUL-separated lists and the index file's entry flags. Pure: bytes in, data out. The streaming
 * parsers keep at most one bounded line or field in memory (and the raw records, one per changed
 * file), whatever the size of the input.
 */

const NUL = 0x00;
const TAB = 0x09;
const LF = 0x0a;
const PLUS = 0x2b;
const MINUS = 0x2d;
const SPACE = 0x20;
const BACKSLASH = 0x5c;
const QUOTE = 0x22;
/**
 * Decodes bytes as UTF-8, rendering every byte that is not part of a valid UTF-8 sequence as
 * `\xNN` (two lowercase hex digits). Valid text comes back unchanged, so a path that is valid
 * UTF-8 decodes to exactly the string git would print for it.
 */
function decodeBytes(bytes) {
    const buf = Buffer.isBuffer(bytes)
        ? bytes
        : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    if ((0,external_node_buffer_.isUtf8)(buf))
        return buf.toString('utf8');
    let out = '';
    let runStart = 0;
    let i = 0;
    while (i < buf.length) {
        const length = validSequenceLength(buf, i);
        if (length > 0) {
            i += length;
            continue;
        }
        out += buf.toString('utf8', runStart, i) + `\\x${hex2(buf[i] ?? 0)}`;
        i += 1;
        runStart = i;
    }
    return out + buf.toString('utf8', runStart, buf.length);
}
function hex2(byte) {
    return byte.toString(16).padStart(2, '0');
}
/** Length of the well-formed UTF-8 sequence starting at `i` (RFC 3629 table), or 0 if none. */
function validSequenceLength(buf, i) {
    const b0 = buf[i] ?? 0;
    if (b0 < 0x80)
        return 1;
    const cont = (j, lo = 0x80, hi = 0xbf) => {
        const b = buf[i + j];
        return b !== undefined && b >= lo && b <= hi;
    };
    if (b0 >= 0xc2 && b0 <= 0xdf)
        return cont(1) ? 2 : 0;
    if (b0 === 0xe0)
        return cont(1, 0xa0) && cont(2) ? 3 : 0;
    if ((b0 >= 0xe1 && b0 <= 0xec) || b0 === 0xee || b0 === 0xef)
        return cont(1) && cont(2) ? 3 : 0;
    if (b0 === 0xed)
        return cont(1, 0x80, 0x9f) && cont(2) ? 3 : 0;
    if (b0 === 0xf0)
        return cont(1, 0x90) && cont(2) && cont(3) ? 4 : 0;
    if (b0 >= 0xf1 && b0 <= 0xf3)
        return cont(1) && cont(2) && cont(3) ? 4 : 0;
    if (b0 === 0xf4)
        return cont(1, 0x80, 0x8f) && cont(2) && cont(3) ? 4 : 0;
    return 0;
}
/** Splits a complete NUL-terminated list into its fields (a missing final NUL is tolerated). */
function splitNul(buf) {
    const fields = [];
    let start = 0;
    while (start < buf.length) {
        let end = buf.indexOf(NUL, start);
        if (end === -1)
            end = buf.length;
        fields.push(buf.subarray(start, end));
        start = end + 1;
    }
    return fields;
}
/**
 * Splits a NUL-separated stream fed in chunks of any size into fields. Holds at most one field
 * in memory and fails on a field longer than `maxFieldBytes`.
 */
class NulSplitter {
    maxFieldBytes;
    pending = [];
    pendingBytes = 0;
    /** @param maxFieldBytes the longest field accepted, in bytes. */
    constructor(maxFieldBytes = 1 << 20) {
        this.maxFieldBytes = maxFieldBytes;
    }
    /** Feeds the next chunk; returns the fields it completed. */
    push(chunk) {
        const fields = [];
        let start = 0;
        for (;;) {
            const end = chunk.indexOf(NUL, start);
            if (end === -1) {
                this.hold(chunk.subarray(start));
                return fields;
            }
            this.hold(chunk.subarray(start, end));
            fields.push(Buffer.concat(this.pending, this.pendingBytes));
            this.pending = [];
            this.pendingBytes = 0;
            start = end + 1;
        }
    }
    /** Ends the stream; returns the last field if it was not NUL-terminated. */
    end() {
        if (this.pendingBytes === 0)
            return [];
        const last = Buffer.concat(this.pending, this.pendingBytes);
        this.pending = [];
        this.pendingBytes = 0;
        return [last];
    }
    hold(part) {
        if (part.length === 0)
            return;
        this.pendingBytes += part.length;
        if (this.pendingBytes > this.maxFieldBytes) {
            throw new Error(`A NUL-separated field is longer than ${this.maxFieldBytes} bytes.`);
        }
        this.pending.push(part);
    }
}
const OID = '[0-9a-f]{40}(?:[0-9a-f]{24})?';
const RAW_HEADER = new RegExp(`^:([0-7]{6}) ([0-7]{6}) (${OID}) (${OID}) ([A-Z])[0-9]*$`);
const ABSENT_MODE = '000000';
const EMPTY = Buffer.alloc(0);
const STATUS = {
    A: 'added',
    M: 'modified',
    D: 'deleted',
    R: 'renamed',
    T: 'type-changed',
};
/**
 * Parses the NUL-separated fields of `git diff-tree -r -z --raw [-M]`, in git's order.
 * Understands additions, modifications (mode-only ones included), deletions, renames
 * (`R<score>`) and type changes (`T`). Throws on anything else (copies, unmerged entries) and on
 * output cut short.
 */
function parseRawZ(fields) {
    const entries = [];
    let at = 0;
    const next = (what) => {
        const field = fields[at];
        if (field === undefined)
            throw new Error(`Truncated diff-tree output: expected ${what}.`);
        at += 1;
        return field;
    };
    while (at < fields.length) {
        const head = next('a record');
        const match = RAW_HEADER.exec(head.toString('latin1'));
        if (match === null) {
            throw new Error(`Unexpected diff-tree record ${JSON.stringify(head.toString('latin1'))}.`);
        }
        const [, oldMode = '', newMode = '', oldOid = '', newOid = '', code = ''] = match;
        const status = STATUS[code];
        if (status === undefined)
            throw new Error(`Unexpected diff-tree status ${code}.`);
        const sides = { status, oldMode, newMode, oldOid, newOid };
        if (code === 'R') {
            const oldPath = next('the source path of a rename');
            entries.push({ ...sides, oldPath, path: next('the target path of a rename') });
        }
        else {
            entries.push({ ...sides, path: next('a path') });
        }
    }
    return entries;
}
/**
 * Splits the output of `git diff-tree -r -z --raw -p` fed in chunks of any size: first the raw
 * records (NUL-separated fields, kept), then an empty field, then the patch (handed back as it
 * comes, never kept). An output without changes is empty.
 */
class RawPatchSplitter {
    maxFieldBytes;
    fields = [];
    pending = [];
    pendingBytes = 0;
    inPatch = false;
    parsed = null;
    /** @param maxFieldBytes the longest raw field accepted, in bytes. */
    constructor(maxFieldBytes = 1 << 20) {
        this.maxFieldBytes = maxFieldBytes;
    }
    /** Whether the raw part is over and the patch has begun. */
    get patchStarted() {
        return this.inPatch;
    }
    /** Feeds the next chunk; returns the part of it that belongs to the patch (maybe empty). */
    push(chunk) {
        if (this.inPatch)
            return chunk;
        let start = 0;
        for (;;) {
            const end = chunk.indexOf(NUL, start);
            if (end === -1) {
                this.hold(chunk.subarray(start));
                return EMPTY;
            }
            this.hold(chunk.subarray(start, end));
            const field = Buffer.concat(this.pending, this.pendingBytes);
            this.pending = [];
            this.pendingBytes = 0;
            start = end + 1;
            this.parsed = null;
            if (field.length === 0) {
                this.inPatch = true;
                return chunk.subarray(start);
            }
            this.fields.push(field);
        }
    }
    /** The raw records, parsed; complete once the patch has begun or the output ended. */
    rawEntries() {
        this.parsed ??= parseRawZ(this.fields);
        return this.parsed;
    }
    /** Ends the output; throws if it stopped inside a raw field. */
    end() {
        if (this.pendingBytes > 0)
            throw new Error('Truncated diff-tree output inside a record.');
    }
    hold(part) {
        if (part.length === 0)
            return;
        this.pendingBytes += part.length;
        if (this.pendingBytes > this.maxFieldBytes) {
            throw new Error(`A diff-tree field is longer than ${this.maxFieldBytes} bytes.`);
        }
        this.pending.push(part);
    }
}
/**
 * Joins the raw records of one `diff-tree -r --raw -p` run with the sections of its patch, which
 * git prints in the same order: one section per record, two for a type change (git splits it
 * into a deletion and a creation). Line counts are the lines the patch removes and adds, which
 * are `--numstat`'s counts for every change but a type change (numstat diffs the old file's text
 * against the new symlink's target; here the patch deletes the one and creates the other). A file
 * is binary when a section says so; binary files have `null` counts. Throws when the two halves
 * do not agree (count, order or names).
 */
function joinPatchSections(entries, sections) {
    const joined = [];
    let at = 0;
    for (const entry of entries) {
        const path = decodeBytes(entry.path);
        const oldPath = entry.oldPath === undefined ? undefined : decodeBytes(entry.oldPath);
        const own = sections.slice(at, at + (entry.status === 'type-changed' ? 2 : 1));
        at += own.length;
        if (own.length < (entry.status === 'type-changed' ? 2 : 1)) {
            throw new Error(`The patch has fewer sections than diff-tree listed changes (at ${path}).`);
        }
        let additions = 0;
        let deletions = 0;
        let binary = false;
        let contentShown = false;
        const split = entry.status === 'type-changed';
        for (const section of own) {
            if (!labelFits(section.oldLabel, oldPath ?? path, entry.status !== 'added', split) ||
                !labelFits(section.newLabel, path, entry.status !== 'deleted', split)) {
                throw new Error(`The patch and diff-tree's records are not in the same order (at ${path}).`);
            }
            additions += section.additions;
            deletions += section.deletions;
            binary ||= section.binary;
            contentShown ||= section.contentShown;
        }
        const file = {
            path,
            status: entry.status,
            additions: binary ? null : additions,
            deletions: binary ? null : deletions,
            binary,
        };
        if (oldPath !== undefined)
            file.oldPath = oldPath;
        if (entry.oldMode !== ABSENT_MODE)
            file.oldMode = entry.oldMode;
        if (entry.newMode !== ABSENT_MODE)
            file.newMode = entry.newMode;
        joined.push({ file, oldOid: entry.oldOid, newOid: entry.newOid, contentShown });
    }
    if (at !== sections.length) {
        throw new Error(`The patch has ${sections.length} sections for diff-tree's ${entries.length} changes.`);
    }
    return joined;
}
/**
 * Whether a `---`/`+++` label fits its side of the change: absent, the side's path when the side
 * exists, or `/dev/null` when it does not (or may not: git splits a type change into a deletion
 * and a creation).
 */
function labelFits(label, expected, exists, split) {
    if (label === undefined)
        return true;
    if (label === null)
        return !exists || split;
    return exists && label === expected;
}
/**
 * Git's own test for a binary blob when no attribute decides (`diff_filespec_is_binary`): larger
 * than `core.bigFileThreshold`, or a NUL byte among the first 8,000 bytes.
 */
function isBinaryToGit(size, head, bigFileThreshold) {
    return size > bigFileThreshold || head.subarray(0, 8000).includes(NUL);
}
/** An index entry read where it lies: each field is decoded only when asked for. */
class IndexRecord {
    index;
    at;
    hashBytes;
    fullPath;
    nameStart;
    nameEnd;
    skipWorktree = false;
    constructor(index, at, hashBytes, fullPath, nameStart, nameEnd) {
        this.index = index;
        this.at = at;
        this.hashBytes = hashBytes;
        this.fullPath = fullPath;
        this.nameStart = nameStart;
        this.nameEnd = nameEnd;
    }
    get path() {
        return this.fullPath ?? this.index.subarray(this.nameStart, this.nameEnd);
    }
    get mode() {
        return this.index.readUInt32BE(this.at + 24).toString(8);
    }
    get oid() {
        return this.index.toString('hex', this.at + 40, this.at + 40 + this.hashBytes);
    }
    get size() {
        return this.index.readUInt32BE(this.at + 36);
    }
    get assumeUnchanged() {
        return (this.index.readUInt16BE(this.at + 40 + this.hashBytes) & 0x8000) !== 0;
    }
}
/**
 * Reads the entries of a git index file (`DIRC`, versions 2 to 4, `hashBytes` 20 for SHA-1 and
 * 32 for SHA-256 repositories), passing each of at least `minSize` bytes to `visit` until it
 * returns `false`. Returns
 * `false` when the file is not an index this reads in full (another version, a split index, a
 * cut or malformed file): then the entries seen are not all there are, and the caller asks git.
 */
function walkIndex(index, hashBytes, visit, minSize = 0) {
    if (index.length < 12 + hashBytes || index.toString('latin1', 0, 4) !== 'DIRC')
        return false;
    const version = index.readUInt32BE(4);
    if (version < 2 || version > 4)
        return false;
    const count = index.readUInt32BE(8);
    const body = index.length - hashBytes;
    const fixed = 40 + hashBytes + 2;
    let previous = Buffer.alloc(0);
    let at = 12;
    for (let i = 0; i < count; i++) {
        if (at + fixed > body)
            return false;
        const flags = index.readUInt16BE(at + fixed - 2);
        let nameAt = at + fixed;
        let skipWorktree = false;
        const extended = (flags & 0x4000) !== 0;
        if (extended) {
            if (version < 3 || nameAt + 2 > body)
                return false;
            skipWorktree = (index.readUInt16BE(nameAt) & 0x4000) !== 0;
            nameAt += 2;
        }
        let nameEnd;
        let path = null;
        if (version === 4) {
            // A varint (bytes to drop from the previous name), then the NUL-terminated rest.
            let drop = 0;
            let v = nameAt;
            for (;;) {
                if (v >= body)
                    return false;
                const byte = index[v] ?? 0;
                drop = drop * 128 + (byte & 0x7f);
                v += 1;
                if ((byte & 0x80) === 0)
                    break;
                drop += 1;
            }
            const nul = index.indexOf(NUL, v);
            if (nul === -1 || nul >= body || drop > previous.length)
                return false;
            path = Buffer.concat([previous.subarray(0, previous.length - drop), index.subarray(v, nul)]);
            previous = path;
            nameEnd = nul;
            nameAt = nul + 1;
        }
        else {
            const nul = index.indexOf(NUL, nameAt);
            if (nul === -1 || nul >= body)
                return false;
            nameEnd = nul;
            // The entry is NUL-padded to a multiple of 8 bytes, with at least one NUL.
            const next = at + ((nul - at + 8) & ~7);
            if (next > body)
                return false;
            nameAt = next;
        }
        if (minSize > 0 && index.readUInt32BE(at + 36) < minSize) {
            at = nameAt;
            continue;
        }
        const entry = new IndexRecord(index, at, hashBytes, path, at + fixed + (extended ? 2 : 0), nameEnd);
        entry.skipWorktree = skipWorktree;
        if (visit(entry) === false)
            return true;
        at = nameAt;
    }
    // Extensions: a four-byte signature and a length each. A split index keeps entries elsewhere.
    while (at + 8 <= body) {
        const signature = index.toString('latin1', at, at + 4);
        if (signature === 'link' || signature === 'sdir')
            return false;
        at += 8 + index.readUInt32BE(at + 4);
    }
    return at === body;
}
/**
 * Says whether any entry of a git index is marked assume-unchanged or skip-worktree: `none`,
 * `some`, or `unknown` when the file is not an index {@link walkIndex} reads in full. Only an
 * answer of `none` can be relied on; the caller asks git otherwise.
 */
function indexMarks(index, hashBytes) {
    const marked = [];
    const whole = walkIndex(index, hashBytes, (entry) => {
        if (!entry.assumeUnchanged && !entry.skipWorktree)
            return undefined;
        marked.push(entry);
        return false;
    });
    if (marked.length > 0)
        return 'some';
    return whole ? 'none' : 'unknown';
}
const C_ESCAPES = {
    a: 0x07,
    b: 0x08,
    t: 0x09,
    n: 0x0a,
    v: 0x0b,
    f: 0x0c,
    r: 0x0d,
    '"': 0x22,
    '\\': 0x5c,
};
/**
 * Reads a path as git prints it in patch headers: either as is, or C-quoted (`"b/a\tb\303\251"`)
 * when it holds a quote, a backslash, a control character or a byte above 0x7f. Returns the raw
 * bytes of the path and ignores anything after the closing quote. Throws on a malformed quote.
 */
function unquoteGitPath(text) {
    if (text[0] !== QUOTE)
        return text;
    const out = [];
    let i = 1;
    while (i < text.length) {
        const b = text[i] ?? 0;
        if (b === QUOTE)
            return Buffer.from(out);
        if (b !== BACKSLASH) {
            out.push(b);
            i += 1;
            continue;
        }
        const esc = String.fromCharCode(text[i + 1] ?? 0);
        const named = C_ESCAPES[esc];
        if (named !== undefined) {
            out.push(named);
            i += 2;
            continue;
        }
        const octal = text.subarray(i + 1, i + 4).toString('latin1');
        if (!/^[0-3][0-7]{2}$/.test(octal))
            throw new Error('Malformed quoted path in patch header.');
        out.push(parseInt(octal, 8));
        i += 4;
    }
    throw new Error('Unterminated quoted path in patch header.');
}
/**
 * Incremental parser for `git diff-tree -p -U<n>` output: feed it chunks of any size, get back
 * the added lines with their new-side line numbers. Hunks are consumed by their line counts, so
 * content that looks like a header (`+++ b/x`, `diff --git`) is never mistaken for one. Memory
 * is bounded by `maxLineBytes` plus `maxHeaderBytes`, however long the patch or its lines are.
 * Binary files (`Binary files … differ`) have no lines and yield nothing. Throws on a patch it
 * cannot follow, rather than guess.
 */
class AddedLineParser {
    maxLineBytes;
    overlapBytes;
    maxHeaderBytes;
    path = null;
    oldLeft = 0;
    newLeft = 0;
    newLine = 0;
    kind = 'none';
    parts = [];
    partBytes = 0;
    truncated = false;
    piecesEmitted = false;
    freshBytes = 0;
    out = [];
    section = null;
    done = [];
    /** Consecutive added lines of the current chunk, not decoded yet. */
    run = null;
    /** @param options limits on what is held in memory. */
    constructor(options = {}) {
        this.maxLineBytes = options.maxLineBytes ?? 64 * 1024;
        this.overlapBytes = options.overlapBytes ?? 512;
        this.maxHeaderBytes = options.maxHeaderBytes ?? 64 * 1024;
        if (this.maxLineBytes < 16 ||
            this.overlapBytes < 0 ||
            this.overlapBytes * 2 > this.maxLineBytes) {
            throw new Error('AddedLineParser: maxLineBytes must be at least 16 and twice overlapBytes.');
        }
    }
    /** Feeds the next chunk of the patch; returns the added lines (or pieces) it completed. */
    push(chunk) {
        let start = 0;
        while (start < chunk.length) {
            const nl = chunk.indexOf(LF, start);
            if (nl !== -1 && this.kind === 'none' && this.wholeLine(chunk, start, nl)) {
                start = nl + 1;
                continue;
            }
            this.append(chunk.subarray(start, nl === -1 ? chunk.length : nl));
            if (nl === -1)
                break;
            this.finishLine();
            start = nl + 1;
        }
        return this.take();
    }
    /** Ends the patch; returns what is left and throws if the patch stopped inside a hunk. */
    end() {
        if (this.kind !== 'none')
            this.finishLine();
        if (this.oldLeft > 0 || this.newLeft > 0)
            throw new Error('The patch ended inside a hunk.');
        this.closeSection();
        return this.take();
    }
    /**
     * The `diff --git` sections completed so far (each once, in order): their labels, line counts
     * and whether git printed them as binary. A section completes when the next one starts, or at
     * {@link end}.
     */
    sections() {
        const done = this.done;
        this.done = [];
        return done;
    }
    closeSection() {
        if (this.section !== null)
            this.done.push(this.section);
        this.section = null;
    }
    take() {
        this.flushRun();
        const out = this.out;
        this.out = [];
        return out;
    }
    /**
     * Adds the added line `chunk[from, to)` (without its `+`) to the run of consecutive added
     * lines being gathered, or starts a new run. A run is decoded once, when it ends.
     */
    addToRun(chunk, from, to) {
        const run = this.run;
        if (run !== null &&
            run.chunk === chunk &&
            from === run.end + 2 &&
            to - run.start <= this.maxLineBytes) {
            run.end = to;
            run.lines += 1;
            return;
        }
        this.flushRun();
        if (this.path === null)
            throw new Error('The patch adds lines to a file it did not name.');
        this.run = { chunk, start: from, end: to, path: this.path, line: this.newLine, lines: 1 };
    }
    flushRun() {
        const run = this.run;
        if (run === null)
            return;
        this.run = null;
        // The run's bytes are its lines joined by "\n+": every "\n+" is a line boundary, and as
        // both are ASCII, decoding the whole run equals decoding each line.
        const text = decodeBytes(run.chunk.subarray(run.start, run.end));
        this.out.push({
            path: run.path,
            line: run.line,
            text: run.lines === 1 ? text : text.replaceAll('\n+', '\n'),
            lines: run.lines,
        });
    }
    inHunk() {
        return this.oldLeft > 0 || this.newLeft > 0;
    }
    /**
     * The usual case, without copying: a line that starts and ends in this chunk and needs no
     * cutting. Does what {@link append} then {@link finishLine} would do; returns false (having
     * done nothing) for a line they must handle.
     */
    wholeLine(chunk, start, end) {
        if (!this.inHunk()) {
            if (end - start > this.maxHeaderBytes)
                return false;
            this.otherLine(chunk.subarray(start, end));
            return true;
        }
        if (end > start && chunk[start] === PLUS && this.newLeft > 0) {
            if (end - start - 1 > this.maxLineBytes)
                return false;
            this.addToRun(chunk, start + 1, end);
            if (this.section !== null)
                this.section.additions += 1;
            this.newLeft -= 1;
            this.newLine += 1;
            return true;
        }
        this.otherLine(chunk.subarray(start, end));
        return true;
    }
    append(bytes) {
        if (this.kind === 'none') {
            if (bytes.length === 0)
                return;
            this.kind = this.inHunk() && bytes[0] === PLUS && this.newLeft > 0 ? 'added' : 'other';
            if (this.kind === 'added')
                bytes = bytes.subarray(1);
        }
        if (this.kind === 'other') {
            const room = this.maxHeaderBytes - this.partBytes;
            if (bytes.length > room)
                this.truncated = true;
            this.hold(bytes.subarray(0, Math.max(0, room)));
            return;
        }
        this.hold(bytes);
        this.freshBytes += bytes.length;
        if (this.partBytes > this.maxLineBytes)
            this.emitPieces();
    }
    hold(bytes) {
        if (bytes.length === 0)
            return;
        this.parts.push(bytes);
        this.partBytes += bytes.length;
    }
    /** Emits the first `maxLineBytes` of a long added line, keeping an overlap for the next piece. */
    emitPieces() {
        let buf = Buffer.concat(this.parts, this.partBytes);
        while (buf.length > this.maxLineBytes) {
            const cut = charBoundary(buf, this.maxLineBytes);
            this.emit(buf.subarray(0, cut));
            this.freshBytes = buf.length - cut;
            buf = buf.subarray(charBoundary(buf, cut - this.overlapBytes));
            this.piecesEmitted = true;
        }
        this.parts = [buf];
        this.partBytes = buf.length;
    }
    emit(bytes) {
        if (this.path === null)
            throw new Error('The patch adds lines to a file it did not name.');
        this.flushRun();
        this.out.push({ path: this.path, line: this.newLine, text: decodeBytes(bytes), lines: 1 });
    }
    finishLine() {
        // One part (the usual case: a line within one chunk) needs no copy.
        const line = this.parts.length === 1
            ? this.parts[0]
            : Buffer.concat(this.parts, this.partBytes);
        if (this.kind === 'added') {
            if (!this.piecesEmitted || this.freshBytes > 0)
                this.emit(line);
            if (this.section !== null)
                this.section.additions += 1;
            this.newLeft -= 1;
            this.newLine += 1;
        }
        else {
            this.otherLine(line);
        }
        this.kind = 'none';
        this.parts = [];
        this.partBytes = 0;
        this.truncated = false;
        this.piecesEmitted = false;
        this.freshBytes = 0;
    }
    otherLine(line) {
        const first = line[0];
        if (this.inHunk()) {
            if (first === MINUS && this.oldLeft > 0) {
                this.oldLeft -= 1;
                if (this.section !== null)
                    this.section.deletions += 1;
            }
            else if ((first === SPACE || first === undefined) && this.oldLeft > 0 && this.newLeft > 0) {
                this.oldLeft -= 1;
                this.newLeft -= 1;
                this.newLine += 1;
            }
            else if (first !== BACKSLASH) {
                throw new Error('The patch does not match its hunk header.');
            }
            return;
        }
        if (startsWith(line, 'diff --git ')) {
            this.path = null;
            this.closeSection();
            this.section = { additions: 0, deletions: 0, binary: false, contentShown: false };
        }
        else if (startsWith(line, '+++ ')) {
            if (this.truncated)
                throw new Error('A patch header line is too long to read.');
            this.path = parseLabel(line.subarray(4), 'b/');
            if (this.section !== null)
                this.section.newLabel = this.path;
        }
        else if (startsWith(line, '--- ')) {
            if (this.truncated)
                throw new Error('A patch header line is too long to read.');
            if (this.section !== null)
                this.section.oldLabel = parseLabel(line.subarray(4), 'a/');
        }
        else if (startsWith(line, '@@ ')) {
            this.startHunk(line);
            if (this.section !== null)
                this.section.contentShown = true;
        }
        else if (startsWith(line, 'GIT binary patch') || startsWith(line, 'Binary files ')) {
            if (this.section !== null) {
                this.section.binary = true;
                this.section.contentShown = true;
            }
        }
        else if (first === PLUS ||
            first === SPACE ||
            (first === MINUS && !startsWith(line, '--- '))) {
            throw new Error('Unexpected line outside a hunk in patch.');
        }
    }
    startHunk(line) {
        const match = /^@@ -[0-9]+(?:,([0-9]+))? \+([0-9]+)(?:,([0-9]+))? @@/.exec(line.toString('latin1'));
        if (match === null)
            throw new Error('Malformed hunk header in patch.');
        this.oldLeft = match[1] === undefined ? 1 : Number(match[1]);
        this.newLine = Number(match[2]);
        this.newLeft = match[3] === undefined ? 1 : Number(match[3]);
    }
}
function startsWith(line, prefix) {
    return line.length >= prefix.length && line.toString('latin1', 0, prefix.length) === prefix;
}
/**
 * The path of a `---`/`+++` label: `a/path` or `b/path` (per `prefix`), C-quoted or not, or
 * `/dev/null` (`null`). Git adds a tab after an unquoted name with a space.
 */
function parseLabel(label, prefix) {
    if (label.toString('latin1') === '/dev/null')
        return null;
    let bytes = unquoteGitPath(label);
    if (bytes === label && bytes[bytes.length - 1] === TAB)
        bytes = bytes.subarray(0, -1);
    if (!startsWith(bytes, prefix)) {
        throw new Error(`Unexpected ${prefix === 'a/' ? 'old' : 'new'}-file label in patch header.`);
    }
    return decodeBytes(bytes.subarray(2));
}
/** The largest index ≤ `at` that does not split a UTF-8 sequence (or `at` for invalid data). */
function charBoundary(buf, at) {
    let i = Math.max(0, at);
    for (let step = 0; step < 3 && i > 0 && i < buf.length; step++) {
        if (((buf[i] ?? 0) & 0xc0) !== 0x80)
            return i;
        i -= 1;
    }
    return ((buf[i] ?? 0) & 0xc0) === 0x80 ? at : i;
}
/**
 * Incremental parser for `git cat-file --batch` output (`<oid> <type> <size>\n<content>\n` or
 * `<oid> missing\n`). Keeps at most `maxContentBytes` of any object; the rest is skipped.
 */
class CatFileBatchParser {
    maxContentBytes;
    header = [];
    headerBytes = 0;
    current = null;
    /** Bytes of the current object (content plus its trailing newline) still to read. */
    left = 0;
    /** @param maxContentBytes how much of each object to keep. */
    constructor(maxContentBytes = 64 * 1024) {
        this.maxContentBytes = maxContentBytes;
    }
    /** Feeds the next chunk; returns the objects it completed. */
    push(chunk) {
        const done = [];
        let i = 0;
        while (i < chunk.length) {
            if (this.current === null) {
                const nl = chunk.indexOf(LF, i);
                const end = nl === -1 ? chunk.length : nl;
                this.headerBytes += end - i;
                if (this.headerBytes > 1024)
                    throw new Error('Unexpected cat-file --batch output.');
                this.header.push(chunk.subarray(i, end));
                i = end;
                if (nl === -1)
                    break;
                i += 1;
                const missing = this.startObject(Buffer.concat(this.header).toString('latin1'));
                this.header = [];
                this.headerBytes = 0;
                if (missing !== null)
                    done.push(missing);
                continue;
            }
            const take = Math.min(this.left, chunk.length - i);
            const part = chunk.subarray(i, i + take);
            const room = this.maxContentBytes - this.current.keptBytes;
            const contentPart = part.subarray(0, Math.max(0, Math.min(room, this.left - 1)));
            if (contentPart.length > 0) {
                this.current.kept.push(contentPart);
                this.current.keptBytes += contentPart.length;
            }
            this.left -= take;
            i += take;
            if (this.left === 0) {
                const { oid, type, size, kept, keptBytes } = this.current;
                done.push({
                    oid,
                    type,
                    size,
                    content: Buffer.concat(kept, keptBytes),
                    truncated: keptBytes < size,
                });
                this.current = null;
            }
        }
        return done;
    }
    /** Ends the stream; throws if it stopped in the middle of an object. */
    end() {
        if (this.current !== null || this.headerBytes > 0)
            throw new Error('cat-file --batch output ended early.');
    }
    startObject(header) {
        const missing = new RegExp(`^(${OID}) missing$`).exec(header);
        if (missing !== null) {
            return {
                oid: missing[1] ?? '',
                type: 'missing',
                size: 0,
                content: Buffer.alloc(0),
                truncated: false,
            };
        }
        const match = new RegExp(`^(${OID}) ([a-z]+) ([0-9]+)$`).exec(header);
        if (match === null)
            throw new Error(`Unexpected cat-file --batch header ${JSON.stringify(header)}.`);
        const size = Number(match[3]);
        this.current = { oid: match[1] ?? '', type: match[2] ?? '', size, kept: [], keptBytes: 0 };
        this.left = size + 1;
        return null;
    }
}

;// CONCATENATED MODULE: ./build/git/git.js
/**
 * The only way the action runs git. After the agent ran, the repository is hostile: its config,
 * attributes, hooks and object store may all have been planted. Every call made here therefore
 * starts git with a clean environment and command-line settings that switch off each way git
 * can be made to run another program, and never through a shell.
 */

/**
 * Settings given with `-c` to every git call. Command-line settings outrank every config file,
 * including a planted `.git/config`. Checked against git 2.39.
 */
const HARDENING_CONFIG = Object.freeze({
    // No file-system monitor program.
    'core.fsmonitor': 'false',
    // No hook of any kind: a path that is not a directory holds no hooks.
    'core.hooksPath': '/dev/null',
    // No untracked cache read from (or written to) an index.
    'core.untrackedCache': 'false',
    // No pager program, should git ever think it has a terminal.
    'core.pager': 'cat',
    // No transport at all: a partial clone cannot lazily fetch (ssh, remote helpers, proxies).
    'protocol.allow': 'never',
    // No credential helper program (an empty value empties the list).
    'credential.helper': '',
    // No gpg (or gpg.program) run to show signatures.
    'log.showSignature': 'false',
    // Replace refs cannot swap one object for another under our feet.
    'core.useReplaceRefs': 'false',
    // A planted commit-graph or multi-pack index cannot misstate history or object locations.
    'core.commitGraph': 'false',
    'core.multiPackIndex': 'false',
    // No automatic gc or maintenance started in the background.
    'gc.auto': '0',
    'maintenance.auto': 'false',
});
/**
 * Environment every git call gets, on top of `PATH`. Everything else named `GIT_*` that the
 * action's own environment holds is dropped, so a caller's `GIT_DIR`, `GIT_CONFIG_COUNT`,
 * `GIT_EXTERNAL_DIFF`, `GIT_SSH_COMMAND` or `GIT_TRACE` never reaches git by accident.
 */
const HARDENING_ENV = Object.freeze({
    GIT_TERMINAL_PROMPT: '0',
    GIT_CONFIG_NOSYSTEM: '1',
    GIT_CONFIG_GLOBAL: '/dev/null',
    GIT_ATTR_NOSYSTEM: '1',
    GIT_NO_REPLACE_OBJECTS: '1',
    GIT_OPTIONAL_LOCKS: '0',
    GIT_PAGER: 'cat',
    LC_ALL: 'C',
    // Not hardening: glibc returns freed memory to the kernel eagerly, and on VMs where that is
    // expensive `git add` of 10,000 files spent 80% of its system time in brk (npm run bench).
    MALLOC_TOP_PAD_: '16777216',
});
/** A git command that failed. Carries git's own words, never the environment it ran with. */
class GitError extends Error {
    subcommand;
    exitCode;
    stderr;
    /**
     * @param subcommand the git subcommand (`diff-tree`, `add`, ...)
     * @param exitCode git's exit code, or `null` when a signal ended it
     * @param stderr git's standard error, trimmed and shortened
     */
    constructor(subcommand, exitCode, stderr, message) {
        super(message ??
            `git ${subcommand} failed (${exitCode === null ? 'killed' : `exit code ${exitCode}`})` +
                (stderr === '' ? '.' : `: ${stderr}`));
        this.subcommand = subcommand;
        this.exitCode = exitCode;
        this.stderr = stderr;
        this.name = 'GitError';
    }
}
const MAX_STDERR_BYTES = 4096;
/** The full argument list for one call: hardening settings, then the caller's, then `args`. */
function gitArgs(args, options) {
    const settings = [];
    const set = (key, value) => {
        settings.push('-c', `${key}=${value}`);
    };
    for (const [key, value] of Object.entries(HARDENING_CONFIG))
        set(key, value);
    for (const dir of options.safeDirectories ?? [])
        set('safe.directory', dir);
    for (const [key, value] of Object.entries(options.config ?? {}))
        set(key, value);
    return ['--no-pager', ...settings, ...args];
}
/** The environment for one call: `PATH` from `base`, the hardening variables, then the caller's. */
function gitEnv(extra = {}, base = process.env) {
    const env = { ...HARDENING_ENV };
    if (base.PATH !== undefined)
        env.PATH = base.PATH;
    return { ...env, ...extra };
}
/**
 * Runs git and streams its standard output to `onChunk`, in order, with backpressure. Returning
 * `false` from `onChunk` stops reading: git is ended and the call resolves to -1 without error.
 * Otherwise resolves to git's exit code when it is one of `okExitCodes`, and rejects with a
 * {@link GitError} when it is not.
 */
async function streamGit(args, options, onChunk) {
    const subcommand = args[0] ?? '';
    const child = (0,external_node_child_process_namespaceObject.spawn)('git', gitArgs(args, options), {
        cwd: options.cwd,
        env: gitEnv(options.env),
    });
    const stderr = [];
    let stderrBytes = 0;
    child.stderr.on('data', (chunk) => {
        if (stderrBytes >= MAX_STDERR_BYTES)
            return;
        stderr.push(chunk.subarray(0, MAX_STDERR_BYTES - stderrBytes));
        stderrBytes += chunk.length;
    });
    const exited = new Promise((resolve, reject) => {
        child.once('error', reject);
        child.once('close', (code, signal) => {
            resolve({ code, signal });
        });
    });
    // Awaited below; this only keeps an early spawn failure from being reported as unhandled.
    void exited.catch(() => undefined);
    child.stdin.on('error', () => undefined); // git may exit before reading it all; its exit code tells
    child.stdin.end(options.input);
    let stopped = false;
    try {
        for await (const chunk of child.stdout) {
            if ((await onChunk(chunk)) === false) {
                stopped = true;
                break;
            }
        }
    }
    catch (error) {
        child.kill();
        await exited.catch(() => undefined);
        throw error;
    }
    if (stopped)
        child.kill();
    let result;
    try {
        result = await exited;
    }
    catch (error) {
        const reason = error instanceof Error ? error.message : String(error);
        throw new GitError(subcommand, null, '', `git ${subcommand} could not start: ${reason}`);
    }
    const message = Buffer.concat(stderr).toString('utf8').trim();
    if (stopped)
        return -1;
    if (result.code !== null && (options.okExitCodes ?? [0]).includes(result.code)) {
        return result.code;
    }
    throw new GitError(subcommand, result.code, message);
}
/**
 * Runs git for a small output and returns its standard output. Rejects with a
 * {@link GitError} on a failing exit code, or when the output passes `maxOutputBytes`.
 */
async function runGit(args, options) {
    const limit = options.maxOutputBytes ?? 256 * 1024 * 1024;
    const chunks = [];
    let size = 0;
    await streamGit(args, options, (chunk) => {
        size += chunk.length;
        if (size > limit)
            return false;
        chunks.push(chunk);
        return undefined;
    });
    if (size > limit) {
        const subcommand = args[0] ?? '';
        throw new GitError(subcommand, null, '', `git ${subcommand} printed more than ${limit} bytes.`);
    }
    return Buffer.concat(chunks, size);
}

;// CONCATENATED MODULE: ./build/audit/new-file-patch.js
/**
 * The patch section git prints for a new text file (`git diff --full-index --src-prefix=a/
 * --dst-prefix=b/` with `core.quotePath` on), built from the file's bytes, for the large new
 * files the audit streams from its store rather than have git diff them (see `diffIndex` in
 * `audit.ts`). Pure: bytes in, bytes out. Every header line is byte for byte what git 2.39
 * prints, so the same parser reads both, and `git apply` takes the result.
 */
const new_file_patch_LF = 0x0a;
const new_file_patch_PLUS = 0x2b;
/** What git writes after the last line of a file that does not end with a newline. */
const NO_NEWLINE = Buffer.from('\n\\ No newline at end of file\n');
/**
 * How git quotes each byte in a path (`cq_lookup` in quote.c, with `core.quotePath` on): `null`
 * for a byte printed as it is, else its escape.
 */
const QUOTED = Array.from({ length: 256 }, (_, byte) => {
    const named = {
        0x07: '\\a',
        0x08: '\\b',
        0x09: '\\t',
        0x0a: '\\n',
        0x0b: '\\v',
        0x0c: '\\f',
        0x0d: '\\r',
        0x22: '\\"',
        0x5c: '\\\\',
    };
    if (named[byte] !== undefined)
        return named[byte];
    if (byte < 0x20 || byte >= 0x7f)
        return `\\${byte.toString(8).padStart(3, '0')}`;
    return null;
});
function needsQuoting(path) {
    for (const byte of path)
        if (QUOTED[byte] !== null)
            return true;
    return false;
}
/**
 * `prefix` + `path` as git prints a name in a patch header (`quote_two`): as is, or the whole
 * C-quoted (`"b/caf\303\251"`) when the path holds a byte git quotes.
 */
function quotedName(prefix, path) {
    if (!needsQuoting(path)) {
        return Buffer.concat([Buffer.from(prefix, 'latin1'), path]);
    }
    const parts = [Buffer.from(`"${prefix}`, 'latin1')];
    let run = 0;
    for (let i = 0; i < path.length; i++) {
        const escape = QUOTED[path[i] ?? 0];
        if (escape === null || escape === undefined)
            continue;
        parts.push(path.subarray(run, i), Buffer.from(escape, 'latin1'));
        run = i + 1;
    }
    parts.push(path.subarray(run), Buffer.from('"', 'latin1'));
    return Buffer.concat(parts);
}
/**
 * The lines that open a new file's section: `diff --git`, `new file mode`, `index`. `oid` is the
 * blob's full name; `zeroOid` the all-zero name of the repository's hash (40 or 64 digits).
 */
function newFileHeader(path, mode, oid, zeroOid) {
    const tail = `\nnew file mode ${mode}\nindex ${zeroOid}..${oid}\n`;
    if (!needsQuoting(path)) {
        const name = path.toString('latin1');
        return Buffer.from(`diff --git a/${name} b/${name}${tail}`, 'latin1');
    }
    return Buffer.concat([
        Buffer.from('diff --git ', 'latin1'),
        quotedName('a/', path),
        Buffer.from(' ', 'latin1'),
        quotedName('b/', path),
        Buffer.from(tail, 'latin1'),
    ]);
}
/**
 * The `---`/`+++` labels and the hunk header of a new text file of `lines` lines (at least
 * one). Git ends a label with a tab when the name holds a space.
 */
function newFileHunkStart(path, lines) {
    const tab = path.includes(0x20) ? '\t' : '';
    return Buffer.concat([
        Buffer.from('--- /dev/null\n+++ ', 'latin1'),
        quotedName('b/', path),
        Buffer.from(`${tab}\n@@ -0,0 +1${lines === 1 ? '' : `,${lines}`} @@\n`, 'latin1'),
    ]);
}
/** How many newlines `content` holds. */
function countNewlines(content) {
    let lines = 0;
    let at = content.indexOf(new_file_patch_LF);
    while (at !== -1) {
        lines += 1;
        at = content.indexOf(new_file_patch_LF, at + 1);
    }
    return lines;
}
/**
 * A piece of a new file's content as hunk lines: `+` before every line that starts in it.
 * `atLineStart`: whether the piece starts a line (true for the first piece of a file, then
 * whether the previous piece ended with a newline); `last`: the file's last piece, after which
 * an unfinished line gets git's "No newline at end of file" marker.
 */
function addedLines(piece, atLineStart, last) {
    const starts = [];
    if (atLineStart && piece.length > 0)
        starts.push(0);
    let at = piece.indexOf(new_file_patch_LF);
    while (at !== -1 && at + 1 < piece.length) {
        starts.push(at + 1);
        at = piece.indexOf(new_file_patch_LF, at + 1);
    }
    const open = last && piece.length > 0 && piece[piece.length - 1] !== new_file_patch_LF;
    const out = Buffer.allocUnsafe(piece.length + starts.length + (open ? NO_NEWLINE.length : 0));
    let written = 0;
    let copied = 0;
    for (const start of starts) {
        written += piece.copy(out, written, copied, start);
        out[written++] = new_file_patch_PLUS;
        copied = start;
    }
    written += piece.copy(out, written, copied);
    if (open)
        NO_NEWLINE.copy(out, written);
    return out;
}

// EXTERNAL MODULE: external "node:events"
var external_node_events_ = __nccwpck_require__(8474);
;// CONCATENATED MODULE: ./build/audit/patch.js



/**
 * The file behind the `patch-file` output: the agent's whole change (baseline tree → final tree)
 * as a binary-safe patch that `git apply` takes in a fresh clone, renames, deletions, modes,
 * symlinks and binary files included (`--binary --full-index`). The audit writes it from its one
 * diff pass over the private store (see `collectChanges`), so nothing the agent planted in the
 * repository (diff drivers, textconv) runs, and the bytes are those the audit counted and
 * scanned. Written with backpressure: memory stays bounded whatever the size of the patch.
 */
class PatchFile {
    file;
    out;
    constructor(file, out) {
        this.file = file;
        this.out = out;
    }
    /** Creates (or empties) `file`, readable by later steps (mode 0644). */
    static async open(file) {
        const out = (0,external_node_fs_.createWriteStream)(file, { mode: 0o644, highWaterMark: 1024 * 1024 });
        await (0,external_node_events_.once)(out, 'open');
        return new PatchFile(file, out);
    }
    /** Appends the next piece of the patch; resolves once the stream can take more. */
    async write(chunk) {
        if (!this.out.write(chunk))
            await (0,external_node_events_.once)(this.out, 'drain');
    }
    /** Flushes and closes the file. */
    async close() {
        if (this.out.closed)
            return;
        this.out.end();
        await (0,external_node_events_.once)(this.out, 'close');
    }
    /** Closes and removes the file: a patch cut short is no patch. */
    async discard() {
        this.out.destroy();
        if (!this.out.closed)
            await (0,external_node_events_.once)(this.out, 'close');
        await (0,promises_namespaceObject.rm)(this.file, { force: true });
    }
}

// EXTERNAL MODULE: ./node_modules/picomatch/index.js
var picomatch = __nccwpck_require__(4006);
;// CONCATENATED MODULE: ./build/audit/protected-paths.js
/**
 * Path rules the audit applies to the agent's changes: protected globs, and symlinks that point
 * out of the tree. Pure: paths in, violations out.
 */


/**
 * Paths an agent must not change without a human noticing. Nested variants (`**∕…`) are used
 * wherever the tool that reads the file also reads it below the top level.
 */
const BUILTIN_PROTECTED_PATHS = Object.freeze([
    { pattern: '.github/**', reason: 'workflows and local actions run with the repository secrets' },
    { pattern: '**/action.yml', reason: 'an action definition runs inside the workflows using it' },
    { pattern: '**/action.yaml', reason: 'an action definition runs inside the workflows using it' },
    { pattern: '**/.claude/**', reason: "Claude Code's own settings, hooks, skills and commands" },
    { pattern: '**/CLAUDE.md', reason: 'instructions every later Claude Code session obeys' },
    { pattern: '**/CLAUDE.local.md', reason: 'instructions every later Claude Code session obeys' },
    { pattern: '.mcp.json', reason: 'MCP servers start as processes in later sessions' },
    { pattern: '**/.env*', reason: 'environment files hold credentials' },
    { pattern: '**/*.pem', reason: 'certificates and private keys' },
    { pattern: '**/*.key', reason: 'private keys' },
    { pattern: '**/id_rsa*', reason: 'SSH private keys' },
    { pattern: 'CODEOWNERS', reason: 'decides who must approve changes' },
    { pattern: 'docs/CODEOWNERS', reason: 'decides who must approve changes' },
    { pattern: '.gitmodules', reason: 'points submodules at other repositories' },
    { pattern: '**/.gitattributes', reason: 'selects filter, diff and merge drivers git runs' },
    { pattern: '.husky/**', reason: 'git hooks installed on every developer machine' },
]);
/**
 * picomatch settings: dotfiles match, any character (newlines too) matches inside `*` and `**`,
 * and case is ignored, so `.GitHub/x` or `KEY.PEM` cannot slip past a rule on a
 * case-insensitive file system. Without the `s` flag picomatch's `**` stops at a newline, and
 * `.github/workflows/a\nb.yml` would not match `.github/**`.
 */
const MATCH_OPTIONS = { dot: true, flags: 'si', windows: false };
/**
 * The patterns to enforce: the built-in set, plus every input pattern, minus every built-in
 * pattern named by an input `!pattern` (exactly as written in the built-in set). Blank entries
 * are ignored. Throws when a `!pattern` names no built-in pattern, so a typo cannot leave the
 * user believing a rule was removed.
 */
function resolveProtectedPaths(input) {
    const builtins = BUILTIN_PROTECTED_PATHS.map((p) => p.pattern);
    const removed = new Set();
    const added = [];
    for (const raw of input) {
        const entry = raw.trim();
        if (entry === '')
            continue;
        if (!entry.startsWith('!')) {
            added.push(entry);
            continue;
        }
        const pattern = entry.slice(1).trim();
        if (!builtins.includes(pattern)) {
            throw new Error(`Invalid protected-paths entry '${entry}': '${pattern}' is not a built-in pattern. ` +
                `Built-in patterns: ${builtins.join(', ')}.`);
        }
        removed.add(pattern);
    }
    return [...new Set([...builtins.filter((p) => !removed.has(p)), ...added])];
}
/** Returns, for each path that any pattern matches, the first pattern (in order) that does. */
function matchProtected(paths, patterns) {
    return matchWith(compile(patterns), paths);
}
function compile(patterns) {
    return patterns.map((pattern) => ({ pattern, test: picomatch(pattern, MATCH_OPTIONS) }));
}
function matchWith(matchers, paths) {
    const matches = [];
    for (const p of paths) {
        const hit = matchers.find((m) => m.test(p));
        if (hit !== undefined)
            matches.push({ path: p, pattern: hit.pattern });
    }
    return matches;
}
/**
 * One `protected-path` violation per changed file that touches a protected pattern. A rename
 * counts for both its old and its new path (moving a workflow away is a change to it too).
 */
function protectedPathViolations(files, patterns) {
    const violations = [];
    const matchers = compile(patterns);
    for (const file of files) {
        const candidates = file.oldPath === undefined ? [file.path] : [file.oldPath, file.path];
        const [hit] = matchWith(matchers, candidates);
        if (hit === undefined)
            continue;
        violations.push({
            kind: 'protected-path',
            path: hit.path,
            rule: hit.pattern,
            detail: `${describeChange(file)} (protected by ${hit.pattern})`,
        });
    }
    return violations;
}
function describeChange(file) {
    const name = JSON.stringify(file.path);
    switch (file.status) {
        case 'added':
            return `${name} was added`;
        case 'deleted':
            return `${name} was deleted`;
        case 'renamed':
            return `${JSON.stringify(file.oldPath ?? '')} was renamed to ${name}`;
        case 'type-changed':
            return `${name} changed type (${file.oldMode ?? '?'} to ${file.newMode ?? '?'})`;
        case 'modified':
            return file.oldMode !== file.newMode
                ? `${name} was modified (mode ${file.oldMode ?? '?'} to ${file.newMode ?? '?'})`
                : `${name} was modified`;
    }
}
/**
 * A `symlink-escape` violation when a symlink at `link` (repository-relative) points out of the
 * tree: a relative target that resolves, lexically from the link's folder, above the repository
 * root, or an absolute target outside `workspace`. Returns `null` for a target that stays in.
 * Lexical only: a chain of links is judged link by link, each one where it points.
 */
function symlinkEscape(link, target, workspace) {
    if (!external_node_path_.posix.isAbsolute(workspace)) {
        throw new Error(`The workspace must be an absolute path, got ${JSON.stringify(workspace)}.`);
    }
    const shown = `${JSON.stringify(link)} points to ${JSON.stringify(target)}`;
    if (external_node_path_.posix.isAbsolute(target)) {
        if (isInside(external_node_path_.posix.normalize(target), external_node_path_.posix.normalize(workspace)))
            return null;
        return {
            kind: 'symlink-escape',
            path: link,
            rule: 'symlink-outside-workspace',
            detail: `${shown}, outside the workspace`,
        };
    }
    const resolved = external_node_path_.posix.normalize(external_node_path_.posix.join(external_node_path_.posix.dirname(link), target));
    if (resolved !== '..' && !resolved.startsWith('../'))
        return null;
    return {
        kind: 'symlink-escape',
        path: link,
        rule: 'symlink-outside-repository',
        detail: `${shown}, outside the repository`,
    };
}
/** Whether normalized absolute `p` is `root` or below it. */
function isInside(p, root) {
    const base = root.endsWith('/') ? root : `${root}/`;
    return p === root || `${p}/` === base || p.startsWith(base);
}

;// CONCATENATED MODULE: ./build/audit/audit.js
/**
 * The audit's git layer: what the agent changed, read by git from the files on disk, not from
 * anything the agent could have arranged.
 *
 * A snapshot is the whole working tree (tracked, untracked, staged or not; ignored files
 * apart) written as a tree object. It is built in a private bare repository (the store) inside
 * `tmpDir`, with the repository's folder as its work tree and a temporary index:
 * - the store's config, attributes and hooks are ours, so nothing the agent planted in
 *   `.git/config`, `.git/info/attributes` or `.git/hooks` is read, let alone run;
 * - the store's attributes switch off every content conversion (filters, `ident`, line endings,
 *   encodings), so the snapshot holds the bytes on disk and a planted `.gitattributes` can
 *   neither run a filter nor rewrite content on its way in;
 * - every object the comparison reads lives in the store, not in the repository's object
 *   database, which the agent could write to (a forged loose object under the name of a
 *   baseline blob would otherwise change what "before" means);
 * - the user's index, HEAD, refs, object database and working tree are never written.
 *
 * `tmpDir` must be a folder the agent cannot write to: the store is only as trustworthy as it.
 */








/** Most ignored entries a snapshot keeps. */
const MAX_IGNORED = 10_000;
/** Most agent commits listed. */
const MAX_COMMITS = 1_000;
/** Size above which git diffs a file as binary (`core.bigFileThreshold` of the store's diffs). */
const BIG_FILE_THRESHOLD = 512 * 1024 * 1024;
/** Attributes of the store, which outrank every `.gitattributes`: store the bytes on disk. */
const STORE_ATTRIBUTES = '* -text -ident -filter -working-tree-encoding\n';
/** Settings for every command run against the store (on top of git.ts's hardening). */
const STORE_CONFIG = Object.freeze({
    // Store bytes as they are on disk; never refuse a file over its line endings.
    'core.autocrlf': 'false',
    'core.safecrlf': 'false',
    // An executable bit or a symlink is a change.
    'core.fileMode': 'true',
    'core.symlinks': 'true',
    'core.ignoreCase': 'false',
    // The stat cache trusts an entry only if its ctime (which no process can set back) matches.
    'core.trustctime': 'true',
    'core.checkStat': 'default',
    // Every path counts, whatever sparse-checkout state the copied index was in.
    'core.sparseCheckout': 'false',
    'index.sparse': 'false',
    // Our index is one self-contained file.
    'core.splitIndex': 'false',
    // Only the repository's own ignore rules (and its info/exclude, copied at the baseline).
    'core.excludesFile': '/dev/null',
    'core.attributesFile': '/dev/null',
    // Patch headers quote every unusual byte, which the patch parser reads back.
    'core.quotePath': 'true',
    // Diffs treat no text file as binary for its size alone.
    'core.bigFileThreshold': `${BIG_FILE_THRESHOLD}`,
    // The store is temporary: fast zlib, not small packs (`add` of new files ~2.5× faster).
    'core.compression': '1',
    'advice.addEmbeddedRepo': 'false',
});
const audit_OID = /^[0-9a-f]{40}(?:[0-9a-f]{24})?$/;
const SYMLINK_MODE = '120000';
const GITLINK_MODE = '160000';
const REGULAR_MODES = new Set(['100644', '100755']);
const SCAN_BLOCK_BYTES = 64 * 1024;
/**
 * New text files at least this large are streamed into the patch by the audit rather than
 * diffed by git (see `largeNewTextFiles`).
 */
const STREAMED_FILE_BYTES = 16 * 1024 * 1024;
/** Largest index read to check its flags in-process; a larger one is checked by git. */
const MAX_INDEX_READ_BYTES = 64 * 1024 * 1024;
/**
 * Snapshots the working tree of the repository at `repo` before the agent runs. The snapshot's
 * objects and index go to a new store under `tmpDir`; the repository is only read. The
 * repository's index is copied to seed the temporary one, so unchanged files are not hashed
 * again; its assume-unchanged and skip-worktree marks are cleared in the copy, so a file
 * behind one is compared like any other. The store keeps a packed copy of every file in the
 * tree (about the size of the repository's own pack); `tmpDir` is the caller's to remove.
 */
async function snapshotWorktree(repo, tmpDir, located = locateRepository(repo)) {
    const repository = await located;
    const store = await createStore(external_node_path_.resolve(tmpDir), repository);
    const index = external_node_path_.join(store, 'baseline.index');
    const seeded = await seedIndex(repository, store, index);
    const work = workTreeOptions(store, repository.workTree, index);
    // The ignored paths do not depend on what `add` puts in the index: list them meanwhile.
    const [tree, ignored] = await settleAll([
        (async () => {
            if (seeded === 'marked')
                await clearIndexMarks(work);
            await runGit(['add', '--all'], work);
            const written = await writeTreeOf(work);
            await copyObjects(store, written);
            return written;
        })(),
        listIgnored(work),
    ]);
    return {
        head: repository.head,
        tree,
        ignored,
        workTree: repository.workTree,
        gitDir: repository.gitDir,
        store,
        index,
    };
}
/**
 * Snapshots the working tree again after the agent ran and compares it with `baseline`.
 * The file list compares the two trees, so a change cannot hide in history (amend, reset,
 * rebase) or in the index. HEAD's move is reported apart, with the commits the new HEAD has
 * that the old one did not. Violations: protected paths, symlinks pointing out of the tree,
 * and whatever `scanAdded` finds in added lines. Fails (rather than report less) when git
 * cannot read the working tree, for instance an unreadable file or a nested repository
 * without a commit.
 */
async function collectChanges(repo, tmpDir, baseline, options) {
    const real = await (0,promises_namespaceObject.realpath)(repo);
    if (real !== baseline.workTree && !real.startsWith(`${baseline.workTree}/`)) {
        throw new Error(`${real} is not the repository the baseline was taken of (${baseline.workTree}).`);
    }
    const indexDir = await (0,promises_namespaceObject.mkdtemp)(external_node_path_.join(tmpDir, 'airlock-final-'));
    let patch = null;
    try {
        if (options.patchFile !== undefined)
            patch = await PatchFile.open(options.patchFile);
        const index = external_node_path_.join(indexDir, 'index');
        await copyIndex(baseline.index, index);
        const work = workTreeOptions(baseline.store, baseline.workTree, index);
        const store = storeOptions(baseline.store);
        // Independent questions at once, one git process each: the working tree staged into the
        // final index, then (compared with the baseline, and written as a tree) side by side; the
        // ignored paths; where HEAD went.
        const [[tree, diff], ignoredNow, history] = await settleAll([
            runGit(['add', '--all'], work).then(async () => {
                const streamed = await largeNewTextFiles(store, index, baseline.index, baseline.tree);
                return settleAll([
                    writeTreeOf(work),
                    diffIndex(store, index, baseline.tree, options.scanAdded, patch, streamed),
                ]);
            }),
            listIgnored(work),
            headHistory(baseline.gitDir, baseline.workTree, baseline.head),
        ]);
        await readBlobFacts(store, diff.entries);
        const files = diff.entries.map((entry) => entry.file);
        const violations = [...protectedPathViolations(files, options.protectedPaths)];
        for (const file of files) {
            if (file.symlinkTarget === undefined)
                continue;
            const escape = symlinkEscape(file.path, file.symlinkTarget, options.workspace);
            if (escape !== null)
                violations.push(escape);
        }
        violations.push(...diff.secrets);
        await patch?.close();
        const before = new Set(baseline.ignored);
        return {
            baseline: { head: baseline.head, tree: baseline.tree },
            final: { head: history.head, tree },
            commits: history.commits,
            historyRewritten: history.rewritten,
            files,
            ignored: ignoredNow.filter((p) => !before.has(p)),
            violations: dedupe(violations),
        };
    }
    catch (error) {
        await patch?.discard().catch(() => undefined);
        throw error;
    }
    finally {
        await (0,promises_namespaceObject.rm)(indexDir, { recursive: true, force: true });
    }
}
const DIFF_FLAGS = ['-M', '--no-ext-diff', '--no-textconv'];
/**
 * Finds the repository around `repo` (the one call that lets git discover it) and the commit
 * its HEAD points at, in one git process. {@link snapshotWorktree} calls it, unless given its
 * answer: the caller may start it earlier, beside other work, when nothing in between can move
 * HEAD or the repository.
 */
async function locateRepository(repo) {
    const real = await (0,promises_namespaceObject.realpath)(repo);
    const out = await runGit([
        'rev-parse',
        '--path-format=absolute',
        '--show-toplevel',
        '--git-dir',
        '--git-common-dir',
        '--git-path',
        'objects',
        '--show-object-format',
        // Last: on an unborn branch it prints nothing and exits with 1.
        '--verify',
        '--quiet',
        'HEAD^{commit}',
    ], { cwd: real, safeDirectories: [real], okExitCodes: [0, 1] });
    const lines = out.toString('utf8').split('\n');
    const [workTree, gitDir, commonDir, objectsDir, objectFormat] = lines;
    const head = lines.length === 7 ? (lines[5] ?? '') : null;
    if (workTree === undefined ||
        gitDir === undefined ||
        commonDir === undefined ||
        objectsDir === undefined ||
        objectFormat === undefined ||
        (lines.length !== 6 && lines.length !== 7) ||
        lines.at(-1) !== '' ||
        (head !== null && !audit_OID.test(head))) {
        throw new Error(`Unexpected answer from git rev-parse in ${real}.`);
    }
    return { workTree, gitDir, commonDir, objectsDir, objectFormat, head };
}
/**
 * A new bare repository under `tmpDir` that borrows the repository's objects until copied.
 * Written directly, as `git init --bare --template=` would lay it out (one git process less).
 */
async function createStore(tmpDir, repository) {
    const store = await (0,promises_namespaceObject.mkdtemp)(external_node_path_.join(tmpDir, 'airlock-snapshot-'));
    if (!/^(?:sha1|sha256)$/.test(repository.objectFormat)) {
        throw new Error(`Unsupported object format ${repository.objectFormat}.`);
    }
    const sha1 = repository.objectFormat === 'sha1';
    const config = [
        '[core]',
        `\trepositoryformatversion = ${sha1 ? 0 : 1}`,
        '\tfilemode = true',
        '\tbare = true',
        ...(sha1 ? [] : ['[extensions]', `\tobjectformat = ${repository.objectFormat}`]),
        '',
    ].join('\n');
    for (const dir of ['objects/pack', 'objects/info', 'refs/heads', 'refs/tags', 'info']) {
        await (0,promises_namespaceObject.mkdir)(external_node_path_.join(store, dir), { recursive: true });
    }
    await (0,promises_namespaceObject.writeFile)(external_node_path_.join(store, 'config'), config);
    await (0,promises_namespaceObject.writeFile)(external_node_path_.join(store, 'HEAD'), 'ref: refs/heads/main\n');
    await (0,promises_namespaceObject.writeFile)(external_node_path_.join(store, 'info', 'attributes'), STORE_ATTRIBUTES);
    await copyIfPresent(external_node_path_.join(repository.commonDir, 'info', 'exclude'), external_node_path_.join(store, 'info', 'exclude'));
    await (0,promises_namespaceObject.writeFile)(external_node_path_.join(store, 'objects', 'info', 'alternates'), `${repository.objectsDir}\n`);
    return store;
}
/**
 * Copies the repository's index (and any split-index part) to `index`. Returns `none` when the
 * repository has no index, `clean` when the copy has no assume-unchanged or skip-worktree mark
 * (read in-process), and `marked` when it may have one, for git to list and clear.
 */
async function seedIndex(repository, store, index) {
    const from = external_node_path_.join(repository.gitDir, 'index');
    let marks = 'unknown';
    try {
        const { size } = await (0,promises_namespaceObject.stat)(from);
        if (size <= MAX_INDEX_READ_BYTES) {
            // Check and copy the same bytes.
            const content = await (0,promises_namespaceObject.readFile)(from);
            marks = indexMarks(content, repository.objectFormat === 'sha1' ? 20 : 32);
            await copyIndex(from, index, content);
        }
        else {
            await copyIndex(from, index);
        }
    }
    catch (error) {
        if (isNotFound(error))
            return 'none';
        throw error;
    }
    for (const name of await (0,promises_namespaceObject.readdir)(repository.gitDir)) {
        if (name.startsWith('sharedindex.'))
            await (0,promises_namespaceObject.copyFile)(external_node_path_.join(repository.gitDir, name), external_node_path_.join(store, name));
    }
    return marks === 'none' ? 'clean' : 'marked';
}
/**
 * Copies an index file (or writes `content`, the bytes read from it), dated one second before
 * the original. Git hashes again every entry whose file changed no earlier than the index was
 * written ("racily clean"); a copy with a newer date would hide that race and let git trust a
 * stale entry.
 */
async function copyIndex(from, to, content) {
    const { mtimeMs } = await (0,promises_namespaceObject.stat)(from);
    if (content === undefined)
        await (0,promises_namespaceObject.copyFile)(from, to);
    else
        await (0,promises_namespaceObject.writeFile)(to, content);
    const seconds = Math.floor(mtimeMs / 1000) - 1;
    await (0,promises_namespaceObject.utimes)(to, seconds, seconds);
}
/** Clears assume-unchanged and skip-worktree marks, which would make git skip a changed file. */
async function clearIndexMarks(work) {
    const assumed = [];
    const skipped = [];
    for (const field of splitNul(await runGit(['ls-files', '-z', '-v'], work))) {
        const tag = field[0] ?? 0;
        const name = field.subarray(2);
        if (tag >= 0x61 && tag <= 0x7a)
            assumed.push(name); // lowercase: assume-unchanged
        if ((tag | 0x20) === 0x73)
            skipped.push(name); // S or s: skip-worktree
    }
    const clear = async (flag, names) => {
        if (names.length === 0)
            return;
        const input = Buffer.concat(names.flatMap((n) => [n, Buffer.from([0])]));
        await runGit(['update-index', '-z', flag, '--stdin'], { ...work, input });
    };
    await clear('--no-assume-unchanged', assumed);
    await clear('--no-skip-worktree', skipped);
}
/** Writes the temporary index (the whole working tree, once `add --all` ran) as a tree. */
async function writeTreeOf(work) {
    return readOid(await runGit(['write-tree'], work), 'write-tree');
}
/**
 * Copies every object of `tree` into the store, then stops borrowing from the repository, so
 * the comparison never reads the repository's (agent-writable) object database.
 */
async function copyObjects(store, tree) {
    await runGit([
        'pack-objects',
        '--revs',
        '--quiet',
        '--window=0',
        external_node_path_.join(store, 'objects', 'pack', 'pack'),
    ], {
        ...storeOptions(store),
        input: `${tree}\n`,
    });
    await (0,promises_namespaceObject.rm)(external_node_path_.join(store, 'objects', 'info', 'alternates'));
}
/** Untracked paths hidden by ignore rules, folded by folder, at most {@link MAX_IGNORED}. */
async function listIgnored(work) {
    const ignored = [];
    const splitter = new NulSplitter();
    await streamGit([
        'ls-files',
        '-z',
        '--others',
        '--ignored',
        '--exclude-standard',
        '--directory',
        '--no-empty-directory',
    ], work, (chunk) => {
        for (const field of splitter.push(chunk)) {
            if (ignored.length >= MAX_IGNORED)
                return false;
            ignored.push(decodeBytes(field));
        }
        return undefined;
    });
    return ignored;
}
/** The commit HEAD points at, or `null` when there is none (unborn branch). */
async function readHead(gitDir, workTree) {
    const out = await runGit(['rev-parse', '--verify', '--quiet', 'HEAD^{commit}'], {
        ...repositoryOptions(gitDir, workTree),
        okExitCodes: [0, 1],
    });
    return out.length === 0 ? null : readOid(out, 'rev-parse');
}
/**
 * Where HEAD points now, the commits reachable from it and not from `base` (oldest first, at
 * most {@link MAX_COMMITS}), and whether it left `base`'s line of history (reset, rebase, amend,
 * another branch). Commits are read from the repository itself: they are reported, not trusted.
 */
async function headHistory(gitDir, workTree, base) {
    const head = await readHead(gitDir, workTree);
    if (head === base)
        return { head, commits: [], rewritten: false };
    if (head === null)
        return { head, commits: [], rewritten: true };
    const options = repositoryOptions(gitDir, workTree);
    const [rewritten, commits] = await settleAll([
        base === null
            ? Promise.resolve(false)
            : streamGit(['merge-base', '--is-ancestor', base, head], { ...options, okExitCodes: [0, 1] }, () => undefined).then((code) => code !== 0),
        commitsSince(options, base, head),
    ]);
    return { head, commits, rewritten };
}
async function commitsSince(options, base, head) {
    const commits = [];
    const splitter = new NulSplitter();
    await streamGit([
        'log',
        '-z',
        '--reverse',
        '--no-show-signature',
        '--no-decorate',
        '--no-color',
        '--encoding=UTF-8',
        '--format=%H %s',
        head,
        ...(base === null ? [] : [`^${base}`]),
        '--',
    ], options, (chunk) => {
        for (const field of splitter.push(chunk)) {
            if (commits.length >= MAX_COMMITS)
                return false;
            const space = field.indexOf(0x20);
            const sha = field.subarray(0, space).toString('latin1');
            if (space === -1 || !audit_OID.test(sha))
                throw new Error('Unexpected git log output.');
            commits.push({ sha, subject: decodeBytes(field.subarray(space + 1)) });
        }
        return undefined;
    });
    return commits;
}
/**
 * Reads from the store what the patch did not show: the target of every symlink present after
 * the change, and whether a file whose content did not change (a mode-only change, a rename
 * without edits) is binary, by git's own test. One `cat-file` process, only when needed.
 */
async function readBlobFacts(store, entries) {
    const links = entries.filter((e) => e.file.newMode === SYMLINK_MODE && e.file.status !== 'deleted');
    const unseen = entries.filter((e) => !e.contentShown &&
        e.oldOid === e.newOid &&
        REGULAR_MODES.has(e.file.oldMode ?? '') &&
        REGULAR_MODES.has(e.file.newMode ?? ''));
    if (links.length === 0 && unseen.length === 0)
        return;
    const blobs = new Map();
    const parser = new CatFileBatchParser();
    const oids = [...new Set([...links, ...unseen].map((e) => e.newOid))];
    await streamGit(['cat-file', '--batch'], { ...store, input: oids.map((o) => `${o}\n`).join('') }, (chunk) => {
        for (const object of parser.push(chunk)) {
            if (object.type !== 'blob')
                throw new Error(`Object ${object.oid} is a ${object.type}.`);
            blobs.set(object.oid, { size: object.size, content: object.content });
        }
        return undefined;
    });
    parser.end();
    const blob = (oid) => {
        const found = blobs.get(oid);
        if (found === undefined)
            throw new Error(`git did not return object ${oid}.`);
        return found;
    };
    for (const entry of links)
        entry.file.symlinkTarget = decodeBytes(blob(entry.newOid).content);
    for (const entry of unseen) {
        const { size, content } = blob(entry.newOid);
        if (!isBinaryToGit(size, content, BIG_FILE_THRESHOLD))
            continue;
        entry.file.binary = true;
        entry.file.additions = null;
        entry.file.deletions = null;
    }
}
/**
 * The one diff pass from the baseline tree to the final index (`diff-index --cached -z --raw -p
 * --binary`, which prints what `diff-tree` prints for the tree that index writes), streamed: the
 * raw records list the changes; the patch gives their line counts, its added lines go to `scan`
 * in blocks of consecutive lines (submodules apart), and its bytes go to `patch` as they come.
 * Runs on the bare store (no work tree, so no `.gitattributes` is read). Holds the list of
 * changes, one block and one patch line (bounded) in memory at a time.
 */
async function diffIndex(store, index, from, scan, patch, streamed = []) {
    const secrets = [];
    const blocks = scan === undefined
        ? null
        : new LineBlocks((file, text, firstLine) => {
            secrets.push(...scan(file, text, firstLine));
        });
    const splitter = new RawPatchSplitter();
    const parser = new AddedLineParser();
    const sections = [];
    let skip = null;
    const take = (lines) => {
        sections.push(...parser.sections());
        if (blocks === null)
            return;
        skip ??= new Set(splitter
            .rawEntries()
            .filter((e) => e.newMode === GITLINK_MODE)
            .map((e) => decodeBytes(e.path)));
        for (const line of lines)
            if (!skip.has(line.path))
                blocks.add(line);
    };
    await streamGit([
        'diff-index',
        '--cached',
        '-z',
        '--raw',
        '--no-abbrev',
        '-p',
        '--binary',
        '--full-index',
        '--no-color',
        '--src-prefix=a/',
        '--dst-prefix=b/',
        ...DIFF_FLAGS,
        from,
        ...(streamed.length === 0
            ? []
            : ['--', ...streamed.map((f) => `:(exclude,literal,top)${f.name}`)]),
    ], { ...store, env: { ...store.env, GIT_INDEX_FILE: index } }, async (chunk) => {
        const part = splitter.push(chunk);
        if (part.length === 0)
            return undefined;
        take(parser.push(part));
        await patch?.write(part);
        return undefined;
    });
    splitter.end();
    take(parser.end());
    blocks?.end();
    const entries = joinPatchSections(splitter.rawEntries(), sections);
    if (streamed.length === 0)
        return { entries, secrets };
    // The large new files git was told to leave out: their sections, after git's, built here.
    const bigParser = new AddedLineParser();
    const bigSections = [];
    const zero = '0'.repeat(from.length);
    for (const file of streamed) {
        const lines = file.lines;
        const head = Buffer.concat([
            newFileHeader(file.path, file.mode, file.oid, zero),
            newFileHunkStart(file.path, lines),
        ]);
        const emit = async (bytes) => {
            for (const line of bigParser.push(bytes))
                blocks?.add(line);
            bigSections.push(...bigParser.sections());
            await patch?.write(bytes);
        };
        await emit(head);
        let atLineStart = true;
        let seen = 0;
        await streamGit(['cat-file', 'blob', file.oid], streamingOptions(store), async (chunk) => {
            seen += chunk.length;
            await emit(addedLines(chunk, atLineStart, seen === file.size));
            atLineStart = chunk[chunk.length - 1] === 0x0a;
            return undefined;
        });
        if (seen !== file.size)
            throw new Error(`git returned ${seen} bytes of a ${file.size}-byte file.`);
    }
    for (const line of bigParser.end())
        blocks?.add(line);
    bigSections.push(...bigParser.sections());
    blocks?.end();
    const bigEntries = joinPatchSections(streamed.map((f) => ({
        status: 'added',
        path: f.path,
        oldMode: '000000',
        newMode: f.mode,
        oldOid: zero,
        newOid: f.oid,
    })), bigSections);
    // One list in git's order: by the path's bytes.
    const byPath = (e) => Buffer.from(e.file.path);
    return {
        entries: [...entries, ...bigEntries].sort((a, b) => Buffer.compare(byPath(a), byPath(b))),
        secrets,
    };
}
/**
 * The new text files (not in the baseline) of at least {@link STREAMED_FILE_BYTES} in the final
 * index, with their line counts, read from the store a piece at a time. Git's diff holds the
 * whole of both sides in memory, so a 200 MB new file took 300 MB in git; streamed, memory stays
 * at one piece. Files of {@link BIG_FILE_THRESHOLD} or more, binary files (a NUL in the first
 * 8,000 bytes), symlinks, names that are not UTF-8 and indexes this cannot read stay with git.
 */
async function largeNewTextFiles(store, index, baselineIndex, baselineTree) {
    const hashBytes = baselineTree.length / 2;
    const candidates = [];
    const finalIndex = await readIndexIfSmall(index);
    if (finalIndex === null)
        return [];
    const whole = walkIndex(finalIndex, hashBytes, (entry) => {
        if (REGULAR_MODES.has(entry.mode) && entry.size < BIG_FILE_THRESHOLD && (0,external_node_buffer_.isUtf8)(entry.path)) {
            candidates.push(entry);
        }
        return undefined;
    }, STREAMED_FILE_BYTES);
    if (!whole || candidates.length === 0)
        return [];
    const before = new Set();
    const baseline = await readIndexIfSmall(baselineIndex);
    if (baseline === null)
        return [];
    if (!walkIndex(baseline, hashBytes, (entry) => void before.add(entry.path.toString('latin1')))) {
        return [];
    }
    const files = [];
    for (const entry of candidates) {
        if (before.has(entry.path.toString('latin1')))
            continue;
        const read = { lines: 0, last: 0x0a, seen: 0, binary: false };
        await streamGit(['cat-file', 'blob', entry.oid], streamingOptions(store), (chunk) => {
            if (read.seen < 8000 && chunk.subarray(0, 8000 - read.seen).includes(0))
                read.binary = true;
            read.seen += chunk.length;
            // Binary, or larger than the index said (it keeps the size modulo 4 GiB): git's to diff.
            if (read.binary || read.seen > entry.size)
                return false;
            read.lines += countNewlines(chunk);
            read.last = chunk[chunk.length - 1] ?? read.last;
            return undefined;
        });
        if (read.binary || read.seen > entry.size)
            continue;
        if (read.seen !== entry.size) {
            throw new Error(`git returned ${read.seen} bytes of a ${entry.size}-byte file.`);
        }
        const name = entry.path.toString('utf8');
        files.push({
            path: entry.path,
            name,
            mode: entry.mode,
            oid: entry.oid,
            size: entry.size,
            lines: read.last === 0x0a ? read.lines : read.lines + 1,
        });
    }
    return files;
}
/**
 * Options under which `cat-file blob` streams a blob rather than inflate it whole in memory: git
 * streams only objects above `core.bigFileThreshold`.
 */
function streamingOptions(store) {
    return { ...store, config: { ...store.config, 'core.bigFileThreshold': '1' } };
}
/** An index file's bytes, or `null` when it is too large to read whole. */
async function readIndexIfSmall(file) {
    const { size } = await (0,promises_namespaceObject.stat)(file);
    return size <= MAX_INDEX_READ_BYTES ? (0,promises_namespaceObject.readFile)(file) : null;
}
/** Joins consecutive added lines of one file into blocks of about {@link SCAN_BLOCK_BYTES}. */
class LineBlocks {
    flush;
    path = '';
    firstLine = 0;
    nextLine = 0;
    lines = [];
    length = 0;
    constructor(flush) {
        this.flush = flush;
    }
    add(line) {
        const follows = line.path === this.path && line.line === this.nextLine;
        if (!follows || this.length + line.text.length > SCAN_BLOCK_BYTES)
            this.end();
        if (this.lines.length === 0) {
            this.path = line.path;
            this.firstLine = line.line;
        }
        this.lines.push(line.text);
        this.length += line.text.length + 1;
        this.nextLine = line.line + line.lines;
    }
    end() {
        if (this.lines.length === 0)
            return;
        this.flush(this.path, this.lines.join('\n'), this.firstLine);
        this.lines = [];
        this.length = 0;
    }
}
/**
 * `Promise.all`, except that it waits for every promise to settle before failing, so no git
 * process is still running (and writing under the private folder) when the caller cleans up.
 */
async function settleAll(promises) {
    const results = await Promise.allSettled(promises);
    const failed = results.find((r) => r.status === 'rejected');
    if (failed !== undefined)
        throw failed.reason;
    return results.map((r) => r.value);
}
function dedupe(violations) {
    const seen = new Set();
    return violations.filter((v) => {
        const key = JSON.stringify([v.kind, v.path, v.line, v.rule]);
        if (seen.has(key))
            return false;
        seen.add(key);
        return true;
    });
}
/** Options for commands on the working tree through the store and a temporary index. */
function workTreeOptions(store, workTree, index) {
    return {
        cwd: workTree,
        env: { GIT_DIR: store, GIT_WORK_TREE: workTree, GIT_INDEX_FILE: index },
        // Every file above 1 byte is "big": `add` streams new blobs into one pack instead of
        // writing a file per object (about twice as fast for 10,000 new files).
        config: { ...STORE_CONFIG, 'core.bigFileThreshold': '1' },
    };
}
/** Options for commands on the store alone: no work tree, so no `.gitattributes` is read. */
function storeOptions(store) {
    return { cwd: store, env: { GIT_DIR: store }, config: STORE_CONFIG };
}
/** Options for the few commands that read the repository itself (HEAD, commits). */
function repositoryOptions(gitDir, workTree) {
    return { cwd: workTree, env: { GIT_DIR: gitDir }, safeDirectories: [workTree, gitDir] };
}
function readOid(out, command) {
    const oid = out.toString('latin1').trim();
    if (!audit_OID.test(oid))
        throw new Error(`Unexpected object name from git ${command}.`);
    return oid;
}
async function copyIfPresent(from, to) {
    try {
        await (0,promises_namespaceObject.copyFile)(from, to);
    }
    catch (error) {
        if (!isNotFound(error))
            throw error;
    }
}
function isNotFound(error) {
    return error instanceof Error && error.code === 'ENOENT';
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
const MANAGED_SETTINGS_DIR = '/etc/claude-code';
const MANAGED_SETTINGS_FILE = `${MANAGED_SETTINGS_DIR}/managed-settings.json`;
/** Drop-in folder the CLI also merges (sorted) after the main file: moved aside for the run. */
const MANAGED_SETTINGS_DROPIN_DIR = `${MANAGED_SETTINGS_DIR}/managed-settings.d`;
/**
 * The CLI's built-in tools the policy hook understands, and so the only ones the agent gets
 * (`--tools`). A tool a new CLI version adds stays off until it is reviewed here.
 */
const KNOWN_TOOLS = [
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
];
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
const SEED_BASH_DENY = [
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
];
/** Workspace-relative file patterns no tool may read or write (the seed's `.env*`, credentials, secrets). */
const SEED_FILE_DENY = ['**/.env*', '**/*credentials*', '**/*secret*'];
/**
 * Credential stores under the home folder: never readable by any tool or command. (`~/.gitconfig`
 * is not here: git cannot run without reading it; the strip stage takes credentials out of it.)
 */
const HOME_CREDENTIAL_PATHS = [
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
];
/** Home start-up files: writing them would run code in a later step. */
const HOME_STARTUP_FILES = [
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
];

;// CONCATENATED MODULE: ./build/inputs/config.js






/** An input that failed validation: the message names the input and what it accepts. */
class InputError extends Error {
    name = 'InputError';
}
/** Folders `allow-write` may never open to the agent: writing there changes the machine. */
const SYSTEM_DIRS = [
    '/etc',
    '/usr',
    '/bin',
    '/sbin',
    '/lib',
    '/lib32',
    '/lib64',
    '/boot',
    '/proc',
    '/sys',
    '/dev',
    '/run',
    '/var',
];
/** Splits a list input on newlines and commas; blank entries and `#` comments are dropped. */
function parseList(value) {
    return value
        .split(/[\n,]/)
        .map((entry) => entry.trim())
        .filter((entry) => entry !== '' && !entry.startsWith('#'));
}
/** Splits a list input on newlines only (for entries that may contain commas, like deny rules). */
function parseLines(value) {
    return value
        .split('\n')
        .map((entry) => entry.trim())
        .filter((entry) => entry !== '' && !entry.startsWith('#'));
}
function parseChoice(name, value, choices, fallback) {
    const trimmed = value.trim();
    if (trimmed === '')
        return fallback;
    if (choices.includes(trimmed))
        return trimmed;
    throw new InputError(`Input '${name}' is '${trimmed}', but it accepts only ${choices.map((c) => `'${c}'`).join(', ')}.`);
}
function parsePositiveInt(name, value, max) {
    const trimmed = value.trim();
    if (trimmed === '')
        return null;
    if (!/^\d+$/.test(trimmed) || Number(trimmed) < 1 || Number(trimmed) > max) {
        throw new InputError(`Input '${name}' is '${trimmed}', but it accepts a whole number from 1 to ${max}.`);
    }
    return Number(trimmed);
}
/**
 * Splits `claude-args` into an argument array without a shell: whitespace separates arguments,
 * single and double quotes group, a backslash escapes the next character. No expansion of any kind.
 */
function splitArgs(value) {
    const args = [];
    let current = '';
    let inArg = false;
    let quote = null;
    for (let i = 0; i < value.length; i++) {
        const ch = value.charAt(i);
        if (quote !== null) {
            if (ch === quote)
                quote = null;
            else if (ch === '\\' && quote === '"' && i + 1 < value.length)
                current += value.charAt(++i);
            else
                current += ch;
        }
        else if (ch === '"' || ch === "'") {
            quote = ch;
            inArg = true;
        }
        else if (ch === '\\' && i + 1 < value.length) {
            current += value.charAt(++i);
            inArg = true;
        }
        else if (/\s/.test(ch)) {
            if (inArg)
                args.push(current);
            current = '';
            inArg = false;
        }
        else {
            current += ch;
            inArg = true;
        }
    }
    if (quote !== null) {
        throw new InputError(`Input 'claude-args' has an unclosed ${quote} quote; close it or remove it.`);
    }
    if (inArg)
        args.push(current);
    return args;
}
/**
 * Checks `claude-args` against the flags that cannot weaken the lock ({@link SAFE_CLAUDE_ARGS}).
 * Anything else (`--settings`, `--permission-mode`, `--mcp-config`, `--add-dir`, `--tools` …) is
 * refused, because the action, not the workflow's arguments, decides those.
 */
function validateClaudeArgs(args) {
    const out = [];
    for (let i = 0; i < args.length; i++) {
        const arg = args[i] ?? '';
        const [flag = '', inline] = arg.split(/=(.*)/s, 2);
        const takesValue = SAFE_CLAUDE_ARGS.get(flag);
        if (takesValue === undefined) {
            throw new InputError(`Input 'claude-args' contains '${flag.slice(0, 40)}', which Airlock does not pass to the CLI; allowed flags are ${[...SAFE_CLAUDE_ARGS.keys()].join(', ')}.`);
        }
        out.push(arg);
        if (takesValue && inline === undefined) {
            const next = args[i + 1];
            if (next === undefined) {
                throw new InputError(`Input 'claude-args' ends with '${flag}', which needs a value.`);
            }
            out.push(next);
            i++;
        }
    }
    return out;
}
function parseUrl(name, value) {
    const trimmed = value.trim();
    if (trimmed === '')
        return null;
    let url;
    try {
        url = new URL(trimmed);
    }
    catch {
        throw new InputError(`Input '${name}' is not a URL; give an http(s) URL such as https://gateway.example.com.`);
    }
    const loopback = ['localhost', '127.0.0.1', '[::1]'].includes(url.hostname);
    if (url.protocol !== 'https:' && !(url.protocol === 'http:' && loopback)) {
        throw new InputError(`Input '${name}' must be an https URL (plain http only to localhost), so the key never crosses a network in clear text.`);
    }
    if (url.username !== '' || url.password !== '') {
        throw new InputError(`Input '${name}' contains credentials; pass the key through 'anthropic-api-key' instead.`);
    }
    return trimmed;
}
function parseDomains(value) {
    const domains = parseList(value);
    for (const domain of domains) {
        if (!/^(\*\.)?[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?)*$/.test(domain)) {
            throw new InputError(`Input 'allowed-domains' has '${domain.slice(0, 80)}', which is not a host name; give host names such as 'registry.npmjs.org' or '*.github.com', without scheme or path.`);
        }
    }
    return domains;
}
/**
 * Validates every input. Pure: `raw` holds each input's text and `promptFileText` the prompt
 * file's content when `prompt-file` was given. Throws {@link InputError} naming the first bad input.
 */
function parseConfig(raw, context) {
    const get = (name) => raw[name] ?? '';
    const prompt = get(Inputs.Prompt);
    const promptFile = get(Inputs.PromptFile).trim();
    if (prompt.trim() !== '' && promptFile !== '') {
        throw new InputError(`Inputs 'prompt' and 'prompt-file' are both set; give exactly one of them.`);
    }
    let promptText;
    let promptSource;
    if (promptFile !== '') {
        const text = context.promptFileText;
        if (text === undefined || text === null) {
            throw new InputError(`Input 'prompt-file' names '${promptFile}', which cannot be read; give a readable file path.`);
        }
        promptText = text;
        promptSource = promptFile;
    }
    else {
        promptText = prompt;
        promptSource = 'input';
    }
    if (promptText.trim() === '') {
        throw new InputError(promptFile !== ''
            ? `Input 'prompt-file' names '${promptFile}', which is empty; the agent needs a prompt.`
            : `Input 'prompt' is missing; give the agent's task in 'prompt' or 'prompt-file'.`);
    }
    const apiKey = get(Inputs.AnthropicApiKey).trim();
    const oauth = get(Inputs.OAuthToken).trim();
    if (apiKey !== '' && oauth !== '') {
        throw new InputError(`Inputs 'anthropic-api-key' and 'claude-code-oauth-token' are both set; give exactly one.`);
    }
    if (apiKey === '' && oauth === '') {
        throw new InputError(`Input 'anthropic-api-key' is missing; pass your model key from a secret, e.g. anthropic-api-key: \${{ secrets.ANTHROPIC_API_KEY }} (or use 'claude-code-oauth-token').`);
    }
    const workspace = external_node_path_.resolve(context.workspace);
    const allowWrite = parseList(get(Inputs.AllowWrite)).map((entry) => {
        const resolved = external_node_path_.resolve(workspace, entry);
        const home = context.home === undefined ? null : external_node_path_.resolve(context.home);
        const system = SYSTEM_DIRS.some((dir) => resolved === dir || resolved.startsWith(`${dir}/`));
        // The home folder itself and its dot-folders (config, credentials, start-up files); the
        // runner's work folder under it (/home/runner/work) stays usable.
        const underHome = home !== null &&
            (resolved === home ||
                (resolved.startsWith(`${home}/`) && external_node_path_.relative(home, resolved).startsWith('.')));
        if (resolved === '/' ||
            entry.startsWith('~') ||
            system ||
            underHome ||
            workspace.startsWith(`${resolved}/`)) {
            throw new InputError(`Input 'allow-write' has '${entry.slice(0, 80)}'; give a folder inside or beside the workspace, not '/', a system folder, a home folder or a parent of the workspace.`);
        }
        return resolved;
    });
    const timeout = parsePositiveInt(Inputs.TimeoutMinutes, get(Inputs.TimeoutMinutes), 360);
    const claudeVersion = get(Inputs.ClaudeVersion).trim() || DEFAULT_CLAUDE_VERSION;
    if (!/^\d+\.\d+\.\d+$/.test(claudeVersion)) {
        throw new InputError(`Input 'claude-version' is '${claudeVersion.slice(0, 40)}'; give an exact version such as ${DEFAULT_CLAUDE_VERSION}.`);
    }
    const claudePath = get(Inputs.ClaudePath).trim();
    return Object.freeze({
        prompt: promptText,
        promptSource,
        modelCredential: apiKey !== ''
            ? { name: 'ANTHROPIC_API_KEY', value: apiKey }
            : { name: 'CLAUDE_CODE_OAUTH_TOKEN', value: oauth },
        anthropicBaseUrl: parseUrl(Inputs.AnthropicBaseUrl, get(Inputs.AnthropicBaseUrl)),
        githubToken: get(Inputs.GitHubToken).trim(),
        isolation: parseChoice(Inputs.Isolation, get(Inputs.Isolation), ['container', 'vm-or-container', 'none'], 'vm-or-container'),
        passEnv: parseList(get(Inputs.PassEnv)),
        stripEnv: parseList(get(Inputs.StripEnv)),
        allowedDomains: parseDomains(get(Inputs.AllowedDomains)),
        allowWrite,
        deny: parseLines(get(Inputs.Deny)),
        protectedPaths: parseList(get(Inputs.ProtectedPaths)),
        sandbox: parseChoice(Inputs.Sandbox, get(Inputs.Sandbox), ['required', 'best-effort', 'off'], 'required'),
        failOn: parseChoice(Inputs.FailOn, get(Inputs.FailOn), ['violation', 'denial', 'never'], 'violation'),
        comment: parseChoice(Inputs.Comment, get(Inputs.Comment), ['always', 'on-change', 'never'], 'always'),
        model: get(Inputs.Model).trim() || null,
        maxTurns: parsePositiveInt(Inputs.MaxTurns, get(Inputs.MaxTurns), 1000),
        timeoutMinutes: timeout ?? DEFAULT_TIMEOUT_MINUTES,
        claudeArgs: validateClaudeArgs(splitArgs(get(Inputs.ClaudeArgs))),
        claudeVersion,
        claudePath: claudePath === '' ? null : external_node_path_.resolve(workspace, claudePath),
        allowedActors: parseList(get(Inputs.AllowedActors)),
        matrix: get(Inputs.Matrix).trim(),
        workspace,
    });
}
/** Reads every input from the runner (and the prompt file) and validates them. */
function readConfig(workspace) {
    const raw = {};
    for (const name of Object.values(Inputs))
        raw[name] = getInput(name);
    const promptFile = (raw[Inputs.PromptFile] ?? '').trim();
    let promptFileText;
    if (promptFile !== '') {
        try {
            promptFileText = (0,external_node_fs_.readFileSync)(external_node_path_.resolve(workspace, promptFile), 'utf8');
        }
        catch {
            promptFileText = null;
        }
    }
    return parseConfig(raw, { workspace, promptFileText, home: process.env.HOME ?? external_node_os_namespaceObject.homedir() });
}

// EXTERNAL MODULE: external "node:stream"
var external_node_stream_ = __nccwpck_require__(7075);
;// CONCATENATED MODULE: external "node:stream/promises"
const external_node_stream_promises_namespaceObject = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:stream/promises");
// EXTERNAL MODULE: external "node:zlib"
var external_node_zlib_ = __nccwpck_require__(8522);
;// CONCATENATED MODULE: ./build/agent/install/pins.js
// Generated by scripts/pin-claude.mjs from package-lock.json; do not edit by hand.
/** The CLI version whose native packages are pinned below (Airlock's default `claude-version`). */
const PINNED_CLAUDE_VERSION = '2.1.197';
/**
 * The npm integrity (SRI, sha512 of the tarball) of each native package of
 * @anthropic-ai/claude-code@2.1.197, by platform key: a download must match it exactly.
 */
const PINNED_CLAUDE_INTEGRITY = {
    'darwin-arm64': 'sha512-1FOVhJzkKGWgOEEsvaK3ylCEmjKeJiXwfKl7RtNEbiDj7OxhRQ1G1CLN0HGDTTq1QwY+Dm2x1Yscdv5NfobAxQ==',
    'darwin-x64': 'sha512-DOPeGTQqJWVENJsxwMxJtLOx+7OBINEDg9trQldlJR1nBssaYzNj1WWxp37JYSBRjeYLhqLipvDqEA0LMglL7A==',
    'linux-arm64': 'sha512-sx6SoGj3MNR5CV+YDkNtbLHXa1tn3G8qcYFgm1gnvOi9ODQUKbhiPfankJfkTMDVekOvnKJhm6i9hGFIPzp7cQ==',
    'linux-arm64-musl': 'sha512-r3taVK9rDaMahHkrCGV8wF1Sjphs7fqXy2ZEznyDGxUqeW6HxgkbG7dPplXnwwGiMTdYLrtQTQMN21ZTxcVHBA==',
    'linux-x64': 'sha512-rIlKmrY0QMyHgPRX/MYWNj039vbypICvI9jVe3rs9Xy2RnNklySjyPxqh62QadznzoftEO23uYQ1tFePcQ//bg==',
    'linux-x64-musl': 'sha512-/Ij3+inZf96Lb1BLnO0rWArRi1HqIMh6HeGrQoykrp7a8Yj0SA1EQIO42kpNeVxM9z3o3xUaiIf0FRMzLIp6oQ==',
    'win32-arm64': 'sha512-P/1y1JcBSKNRt9asd0bhGRwLdD7yLnq9BlXdA0KHC+0zTm/WPqsCHupt8C7f7adb14//dVlkkbRT+9F5Iup/qA==',
    'win32-x64': 'sha512-bH/146HdS+MO2ndTvljKUJQbcKuvOWujH02WiLkhQJmo/YJLTCMnn1P/jxjjv6W9y/+LGxN58SfdHa6zobatTw==',
};

;// CONCATENATED MODULE: ./build/agent/install/install.js








// ---------------------------------------------------------------------------------------------
// Pure parts: the platform table, the registry's URLs, integrity, the tar format, the marker.
/** The npm package whose native platform packages hold the CLI binary. */
const CLAUDE_PACKAGE = '@anthropic-ai/claude-code';
/** Where packages come from unless `npm_config_registry` names a mirror. */
const DEFAULT_REGISTRY = 'https://registry.npmjs.org/';
/** Each platform the CLI publishes a native package for (`<package>-<key>`), and its binary. */
const PLATFORM_BINARIES = {
    'linux-x64': 'claude',
    'linux-arm64': 'claude',
    'linux-x64-musl': 'claude',
    'linux-arm64-musl': 'claude',
    'darwin-x64': 'claude',
    'darwin-arm64': 'claude',
    'win32-x64': 'claude.exe',
    'win32-arm64': 'claude.exe',
};
/** Any failure of the install; the message is one sentence that says what to do. */
class InstallError extends Error {
    name = 'InstallError';
    /** Whether trying the download again may help (network errors, timeouts, 5xx, truncation). */
    retryable;
    constructor(message, retryable = false) {
        super(message);
        this.retryable = retryable;
    }
}
/**
 * The CLI's native package for a Node platform and architecture (`musl`: a Linux whose C
 * library is musl, as on Alpine). Throws when the CLI publishes none for it.
 */
function platformPackage(platform, arch, musl) {
    const key = platform === 'linux' ? `linux-${arch}${musl ? '-musl' : ''}` : `${platform}-${arch}`;
    const binary = PLATFORM_BINARIES[key];
    if (binary === undefined) {
        throw new InstallError(`The Claude Code CLI has no native package for ${key}; give claude-path with a claude binary built for this runner.`);
    }
    return { key, name: `${CLAUDE_PACKAGE}-${key}`, binary };
}
/** The integrity pinned in this release for `version` on `key`, or null when it is not pinned. */
function pinnedIntegrity(version, key) {
    return version === PINNED_CLAUDE_VERSION ? (PINNED_CLAUDE_INTEGRITY[key] ?? null) : null;
}
function isLoopback(hostname) {
    return hostname === '127.0.0.1' || hostname === 'localhost' || hostname === '[::1]';
}
/**
 * Checks that `url` may be fetched: https, or http to a loopback address only (a local mirror,
 * the tests), and no credentials. Returns null, or why not (without the URL itself).
 */
function urlProblem(url) {
    if (url.username !== '' || url.password !== '')
        return 'it carries credentials';
    if (url.protocol === 'https:')
        return null;
    if (url.protocol === 'http:' && isLoopback(url.hostname))
        return null;
    return 'it is not https';
}
/**
 * The registry to download from: `npm_config_registry` (or `NPM_CONFIG_REGISTRY`) when set, else
 * the default. A mirror is safe for the pinned version: the download must still match the pin.
 * Refuses a registry URL that is not https or carries credentials (they would reach the log).
 */
function registryFrom(env) {
    const value = (env.npm_config_registry ?? env.NPM_CONFIG_REGISTRY ?? '').trim();
    if (value === '')
        return new URL(DEFAULT_REGISTRY);
    let url;
    try {
        url = new URL(value);
    }
    catch {
        throw new InstallError('npm_config_registry is not a URL; unset it to use registry.npmjs.org, or give claude-path.');
    }
    const problem = urlProblem(url) ?? (url.search !== '' ? 'it has a query string' : null);
    if (problem !== null) {
        throw new InstallError(`npm_config_registry cannot be used to install the CLI because ${problem}; point it at an https mirror that needs no credentials, unset it, or give claude-path.`);
    }
    if (!url.pathname.endsWith('/'))
        url.pathname += '/';
    url.hash = '';
    return url;
}
/** The tarball of `pkg@version` in the registry's standard layout. */
function tarballUrl(registry, pkg, version) {
    const base = pkg.name.slice(pkg.name.indexOf('/') + 1);
    return new URL(`${pkg.name}/-/${base}-${version}.tgz`, registry);
}
/** The registry's document for one version of `pkg` (it holds `dist.integrity`). */
function manifestUrl(registry, pkg, version) {
    return new URL(`${pkg.name.replace('/', '%2f')}/${version}`, registry);
}
/** The base64 sha512 digest of an SRI integrity string, or null when it holds no sha512. */
function sha512Of(integrity) {
    for (const part of integrity.trim().split(/\s+/)) {
        const match = /^sha512-([A-Za-z0-9+/]{86}==)(\?.*)?$/.exec(part);
        if (match?.[1] !== undefined)
            return match[1];
    }
    return null;
}
/** Whether `claude --version` output reports exactly `version` (`2.1.197 (Claude Code)`). */
function reportsVersion(output, version) {
    return output.trim().split(/\s+/)[0] === version;
}
function field(block, start, length) {
    const raw = block.subarray(start, start + length);
    const end = raw.indexOf(0);
    return raw.subarray(0, end === -1 ? raw.length : end).toString('utf8');
}
function octal(block, start, length, what) {
    const first = block[start] ?? 0;
    if ((first & 0x80) !== 0) {
        // GNU base-256: big-endian, the top bit of the first byte set (sizes over 8 GiB).
        let value = first & 0x7f;
        for (let i = start + 1; i < start + length; i++)
            value = value * 256 + (block[i] ?? 0);
        return value;
    }
    const text = field(block, start, length).trim();
    if (!/^[0-7]*$/.test(text))
        throw new InstallError(`the package's tarball has a bad ${what}`);
    return text === '' ? 0 : parseInt(text, 8);
}
/**
 * Decodes a 512-byte tar header; null for an all-zero block (the end of the archive). Throws
 * when the checksum does not match, so a corrupt block is never read as an entry.
 */
function parseTarHeader(block) {
    if (block.length !== 512)
        throw new InstallError('the package tarball ends inside a header');
    if (block.every((byte) => byte === 0))
        return null;
    let sum = 0;
    for (let i = 0; i < 512; i++)
        sum += i >= 148 && i < 156 ? 0x20 : (block[i] ?? 0);
    if (octal(block, 148, 8, 'header checksum') !== sum) {
        throw new InstallError("the package's tarball has a header with a wrong checksum");
    }
    const type = String.fromCharCode(block[156] ?? 0);
    const magic = block.subarray(257, 263).toString('latin1');
    const prefix = magic === 'ustar\0' ? field(block, 345, 155) : '';
    const name = field(block, 0, 100);
    return {
        name: prefix !== '' ? `${prefix}/${name}` : name,
        size: octal(block, 124, 12, 'entry size'),
        type: type === '\0' ? '0' : type,
    };
}
/** The records of a pax extended header (`<length> <key>=<value>\n` …). */
function parsePax(body) {
    const records = {};
    let at = 0;
    while (at < body.length) {
        const space = body.indexOf(0x20, at);
        const length = space === -1 ? NaN : Number(body.subarray(at, space).toString('latin1'));
        if (!Number.isInteger(length) || length <= 0 || at + length > body.length) {
            throw new InstallError("the package's tarball has a malformed pax header");
        }
        const record = body.subarray(space + 1, at + length - 1).toString('utf8');
        const equals = record.indexOf('=');
        if (equals > 0)
            records[record.slice(0, equals)] = record.slice(equals + 1);
        at += length;
    }
    return records;
}
/**
 * Why an entry name is refused, or null: absolute paths, `..`, backslashes and NUL could land
 * outside the package's folder in a careless extractor; a CLI package has no such entry.
 */
function entryNameProblem(name) {
    if (name === '')
        return 'an entry without a name';
    if (name.includes('\0') || name.includes('\\'))
        return `an entry name with a NUL or a backslash`;
    if (name.startsWith('/') || /^[A-Za-z]:/.test(name))
        return `an absolute entry (${name})`;
    if (name.split('/').includes('..'))
        return `an entry that leaves the package folder (${name})`;
    return null;
}
const TYPE_NAMES = {
    '1': 'a hard link',
    '2': 'a symbolic link',
    '3': 'a character device',
    '4': 'a block device',
    '6': 'a FIFO',
    K: 'a link',
};
/** Size caps: far above the real package (77 MB compressed, 245 MB binary), far below a full disk. */
const MAX_DOWNLOAD_BYTES = 1 << 30;
const MAX_BINARY_BYTES = 2 ** 31;
const MAX_META_BYTES = 1 << 20;
/**
 * Reads a tar stream and hands the body of the one regular file named `wanted` to `write`,
 * chunk by chunk; returns its size. Entry names never become paths: the caller writes where it
 * chose. Refuses (throws) any link, device or FIFO entry, any name that could leave the package
 * folder, a second `wanted` entry, a `wanted` that is not a regular file, a missing `wanted`, and
 * a stream that ends inside an entry.
 */
async function extractTarEntry(source, wanted, write) {
    const queue = [];
    let queued = 0;
    const take = (n) => {
        const out = Buffer.allocUnsafe(n);
        let filled = 0;
        while (filled < n) {
            const head = queue[0];
            if (head === undefined)
                break;
            const used = Math.min(head.length, n - filled);
            head.copy(out, filled, 0, used);
            filled += used;
            if (used === head.length)
                queue.shift();
            else
                queue[0] = head.subarray(used);
        }
        queued -= n;
        return out;
    };
    /** Up to `n` bytes without copying. */
    const takeSome = (n) => {
        const head = queue[0] ?? Buffer.alloc(0);
        if (head.length <= n) {
            queue.shift();
            queued -= head.length;
            return head;
        }
        queue[0] = head.subarray(n);
        queued -= n;
        return head.subarray(0, n);
    };
    let state = { at: 'header' };
    let meta = [];
    let nextName = null;
    let nextSize = null;
    let found = false;
    let written = 0;
    const openEntry = (header) => {
        const size = header.size;
        const pad = (512 - (size % 512)) % 512;
        if (header.type === 'x' || header.type === 'g' || header.type === 'L') {
            if (size > MAX_META_BYTES)
                throw new InstallError("the package's tarball has a huge header");
            meta = [];
            return { at: 'body', left: size, pad, sink: 'meta', kind: header.type };
        }
        const name = (nextName ?? header.name).replace(/^\.\//, '');
        const realSize = nextSize ?? size;
        nextName = null;
        nextSize = null;
        const problem = entryNameProblem(name);
        if (problem !== null)
            throw new InstallError(`the package's tarball has ${problem}`);
        const typeName = TYPE_NAMES[header.type];
        if (typeName !== undefined) {
            throw new InstallError(`the package's tarball has ${typeName} (${name}), which it must not`);
        }
        if (!['0', '7', '5'].includes(header.type)) {
            throw new InstallError(`the package's tarball has an entry of unknown type '${header.type}'`);
        }
        const isWanted = name.replace(/\/+$/, '') === wanted;
        if (isWanted && header.type === '5') {
            throw new InstallError(`the package's tarball has ${wanted} as a folder, not a file`);
        }
        if (isWanted && found)
            throw new InstallError(`the package's tarball has ${wanted} twice`);
        if (isWanted && realSize > MAX_BINARY_BYTES) {
            throw new InstallError(`the package's tarball has a ${wanted} larger than 2 GiB`);
        }
        if (isWanted)
            found = true;
        const left = header.type === '5' ? 0 : realSize;
        return {
            at: 'body',
            left,
            pad: (512 - (left % 512)) % 512,
            sink: isWanted ? 'wanted' : 'skip',
            kind: header.type,
        };
    };
    const closeMeta = (kind) => {
        const body = Buffer.concat(meta);
        meta = [];
        if (kind === 'L') {
            nextName = field(body, 0, body.length);
        }
        else if (kind === 'x') {
            const records = parsePax(body);
            if (records.path !== undefined)
                nextName = records.path;
            if (records.size !== undefined) {
                if (!/^\d+$/.test(records.size))
                    throw new InstallError('the tarball has a bad pax size');
                nextSize = Number(records.size);
            }
            if (records.linkpath !== undefined) {
                throw new InstallError("the package's tarball has a link, which it must not");
            }
        }
    };
    const drain = async () => {
        for (;;) {
            if (state.at === 'end') {
                queue.length = 0;
                queued = 0;
                return;
            }
            if (state.at === 'header') {
                if (queued < 512)
                    return;
                const header = parseTarHeader(take(512));
                state = header === null ? { at: 'end' } : openEntry(header);
                continue;
            }
            if (state.left > 0) {
                if (queued === 0)
                    return;
                const chunk = state.sink === 'meta' ? take(Math.min(state.left, queued)) : takeSome(state.left);
                state.left -= chunk.length;
                if (state.sink === 'wanted') {
                    written += chunk.length;
                    await write(chunk);
                }
                else if (state.sink === 'meta') {
                    meta.push(chunk);
                }
                continue;
            }
            if (state.pad > 0) {
                if (queued === 0)
                    return;
                state.pad -= takeSome(state.pad).length;
                continue;
            }
            if (state.sink === 'meta')
                closeMeta(state.kind);
            state = { at: 'header' };
        }
    };
    for await (const chunk of source) {
        queue.push(chunk);
        queued += chunk.length;
        await drain();
    }
    if (state.at === 'body' || queued > 0) {
        throw new InstallError("the package's tarball ends inside an entry (a truncated download)");
    }
    if (!found)
        throw new InstallError(`the package's tarball has no ${wanted}`);
    return written;
}
/** The marker's text. */
function renderMarker(marker) {
    return `${JSON.stringify(marker, null, 2)}\n`;
}
/** The marker in `text`, or null when it is not one (empty, another layout, corrupt). */
function parseMarker(text) {
    let value;
    try {
        value = JSON.parse(text);
    }
    catch {
        return null;
    }
    if (typeof value !== 'object' || value === null)
        return null;
    const m = value;
    if (typeof m.version !== 'string' ||
        typeof m.platform !== 'string' ||
        typeof m.integrity !== 'string' ||
        (m.trust !== 'pinned' && m.trust !== 'registry') ||
        typeof m.size !== 'number' ||
        typeof m.installedAt !== 'string') {
        return null;
    }
    return {
        version: m.version,
        platform: m.platform,
        integrity: m.integrity,
        trust: m.trust,
        size: m.size,
        installedAt: m.installedAt,
    };
}
/**
 * Why a cached install may not be reused, or null when it may: the marker must name this
 * version and platform, match the pinned integrity (when there is a pin), and describe the
 * binary that is there (a regular executable file of the recorded size).
 */
function cachedInstallProblem(marker, binary, expected) {
    if (marker === null)
        return 'it has no valid completion marker';
    if (marker.version !== expected.version || marker.platform !== expected.platform) {
        return `its marker is for ${marker.version} on ${marker.platform}`;
    }
    if (expected.integrity !== null && marker.integrity !== expected.integrity) {
        return 'its integrity is not the pinned one';
    }
    if (binary === null || !binary.isFile)
        return 'its binary is missing or not a regular file';
    if (binary.size !== marker.size)
        return `its binary is ${binary.size} bytes, not ${marker.size}`;
    if (!binary.executable)
        return 'its binary is not executable';
    return null;
}
// ---------------------------------------------------------------------------------------------
// I/O: detection, download, extraction, the tool cache.
/** Whether this Linux runs on musl (Alpine): Node reports no glibc version there. */
function detectMusl() {
    if (process.platform !== 'linux')
        return false;
    process.report.excludeNetwork = true;
    const report = process.report.getReport();
    return report.header?.glibcVersionRuntime === undefined;
}
/** Delays before the 2nd and 3rd attempt of a download. */
const RETRY_DELAYS_MS = [1_000, 4_000];
/** A download that receives nothing for this long is given up (and retried). */
const IDLE_TIMEOUT_MS = 30_000;
/** No attempt takes longer than this, however slowly bytes arrive. */
const ATTEMPT_TIMEOUT_MS = 10 * 60_000;
const MAX_REDIRECTS = 5;
/** The folder an install of `version` for `key` lives in. */
function cacheDir(toolCache, version, key) {
    return external_node_path_.join(toolCache, 'airlock-claude', version, key);
}
const MARKER = '.complete';
async function inspectCache(dir, options) {
    let text;
    try {
        text = await external_node_fs_.promises.readFile(external_node_path_.join(dir, MARKER), 'utf8');
    }
    catch {
        return { marker: null, problem: 'it has no completion marker', exists: (0,external_node_fs_.existsSync)(dir) };
    }
    const marker = parseMarker(text);
    let binary;
    try {
        const stat = await external_node_fs_.promises.lstat(external_node_path_.join(dir, options.platform.binary));
        binary = {
            isFile: stat.isFile(),
            size: stat.size,
            executable: process.platform === 'win32' || (stat.mode & 0o111) !== 0,
        };
    }
    catch {
        binary = null;
    }
    const problem = cachedInstallProblem(marker, binary, {
        version: options.version,
        platform: options.platform.key,
        integrity: options.integrity,
    });
    return { marker, problem, exists: true };
}
function sleep(ms) {
    return new Promise((resolve) => setTimeout(resolve, ms));
}
function describeError(error) {
    if (!(error instanceof Error))
        return 'unknown error';
    const cause = error.cause;
    const detail = cause instanceof Error ? cause.message : '';
    return detail !== '' && !error.message.includes(detail)
        ? `${error.message}: ${detail}`
        : error.message;
}
/** A fetch with a deadline and an idle timer, following redirects only to URLs `urlProblem` accepts. */
class Download {
    #controller = new AbortController();
    #idle;
    #total;
    #idleMs;
    #why = '';
    constructor(idleMs, totalMs) {
        this.#idleMs = idleMs;
        this.#total = setTimeout(() => {
            this.#abort(`took longer than ${Math.round(totalMs / 1000)} s`);
        }, totalMs);
        this.alive();
    }
    #abort(why) {
        this.#why = why;
        this.#controller.abort(new InstallError(why, true));
    }
    /** Resets the idle timer: call it whenever bytes arrive. */
    alive() {
        clearTimeout(this.#idle);
        this.#idle = setTimeout(() => {
            this.#abort(`received nothing for ${Math.round(this.#idleMs / 1000)} s`);
        }, this.#idleMs);
    }
    /** Why the download was aborted, or ''. */
    get aborted() {
        return this.#why;
    }
    done() {
        clearTimeout(this.#idle);
        clearTimeout(this.#total);
    }
    async get(start, accept) {
        let url = start;
        for (let hop = 0;; hop++) {
            const problem = urlProblem(url);
            if (problem !== null) {
                throw new InstallError(`the registry redirected to ${url.host}, refused because ${problem}`);
            }
            const response = await fetch(url, {
                redirect: 'manual',
                signal: this.#controller.signal,
                headers: { accept, 'user-agent': 'airlock (github action)' },
            });
            this.alive();
            const location = response.headers.get('location');
            if (response.status >= 300 && response.status < 400 && location !== null) {
                await response.body?.cancel();
                if (hop >= MAX_REDIRECTS)
                    throw new InstallError('the registry redirected too many times');
                url = new URL(location, url);
                continue;
            }
            if (response.status === 200 && response.body !== null)
                return response;
            await response.body?.cancel();
            const retryable = response.status === 429 || response.status >= 500;
            throw new InstallError(`${url.host} answered HTTP ${response.status}`, retryable);
        }
    }
}
function attempts(options) {
    return (options.timing?.retryDelaysMs ?? RETRY_DELAYS_MS).length + 1;
}
async function withRetries(options, what, attempt) {
    const delays = options.timing?.retryDelaysMs ?? RETRY_DELAYS_MS;
    for (let i = 0;; i++) {
        try {
            return await attempt();
        }
        catch (error) {
            const retryable = !(error instanceof InstallError) || error.retryable;
            const delay = delays[i];
            if (!retryable || delay === undefined)
                throw error;
            options.log(`CLI install: ${what} failed (${describeError(error)}); trying again in ${Math.round(delay / 1000)} s.`);
            await sleep(delay);
        }
    }
}
/** The download's digest is not the expected one: never retried, never installed. */
class IntegrityError extends InstallError {
    name = 'IntegrityError';
}
function truncated(received, declared) {
    return new InstallError(`the download ended after ${received} of ${declared} bytes`, true);
}
/** Asks the registry for the integrity of `pkg@version` (used when this release pins none). */
async function registryIntegrity(options) {
    const url = manifestUrl(options.registry, options.platform, options.version);
    return withRetries(options, 'reading the package document', async () => {
        const download = new Download(options.timing?.idleTimeoutMs ?? IDLE_TIMEOUT_MS, options.timing?.attemptTimeoutMs ?? ATTEMPT_TIMEOUT_MS);
        try {
            const response = await download.get(url, 'application/json');
            const text = await response.text();
            if (text.length > 4 * MAX_META_BYTES)
                throw new InstallError('the package document is huge');
            let document;
            try {
                document = JSON.parse(text);
            }
            catch {
                throw new InstallError("the registry's document for the package is not JSON");
            }
            const integrity = document.dist?.integrity;
            if (document.name !== options.platform.name ||
                document.version !== options.version ||
                typeof integrity !== 'string' ||
                sha512Of(integrity) === null) {
                throw new InstallError(`the registry's document for the package has no sha512 integrity`);
            }
            return integrity;
        }
        catch (error) {
            throw download.aborted !== '' ? new InstallError(download.aborted, true) : error;
        }
        finally {
            download.done();
        }
    });
}
/**
 * One attempt: streams the tarball through sha512 and gunzip, writes the body of
 * `package/<binary>` to `outFile` (mode 0600, never executable until verified), and compares the
 * digest with `expected` once the last byte is in. Nothing is run before that comparison.
 */
async function downloadOnce(url, expected, wanted, outFile, options) {
    const download = new Download(options.timing?.idleTimeoutMs ?? IDLE_TIMEOUT_MS, options.timing?.attemptTimeoutMs ?? ATTEMPT_TIMEOUT_MS);
    await external_node_fs_.promises.rm(outFile, { force: true });
    const file = await external_node_fs_.promises.open(outFile, 'wx', 0o600);
    const hash = (0,external_node_crypto_.createHash)('sha512');
    let received = 0;
    let declared = null;
    try {
        const response = await download.get(url, 'application/octet-stream');
        const length = Number(response.headers.get('content-length') ?? NaN);
        declared = Number.isSafeInteger(length) && length >= 0 ? length : null;
        if (declared !== null && declared > MAX_DOWNLOAD_BYTES) {
            throw new InstallError('the package tarball is larger than 1 GiB');
        }
        const tap = new external_node_stream_.Transform({
            transform(chunk, _encoding, done) {
                download.alive();
                received += chunk.length;
                if (received > MAX_DOWNLOAD_BYTES) {
                    done(new InstallError('the package tarball is larger than 1 GiB'));
                    return;
                }
                hash.update(chunk);
                done(null, chunk);
            },
        });
        const body = external_node_stream_.Readable.fromWeb(response.body);
        let size = 0;
        await (0,external_node_stream_promises_namespaceObject.pipeline)(body, tap, (0,external_node_zlib_.createGunzip)({ chunkSize: 1 << 20 }), async (source) => {
            size = await extractTarEntry(source, `package/${wanted}`, async (chunk) => {
                await file.write(chunk);
            });
        });
        if (declared !== null && received !== declared)
            throw truncated(received, declared);
        if (hash.digest('base64') !== sha512Of(expected))
            throw new IntegrityError('the digest differs');
        return size;
    }
    catch (error) {
        if (download.aborted !== '')
            throw new InstallError(download.aborted, true);
        // Whatever broke first (gunzip, the tar reader, the socket), a short body is the cause.
        if (declared !== null && received < declared)
            throw truncated(received, declared);
        throw error;
    }
    finally {
        download.done();
        await file.close();
    }
}
function runVersion(binary, home, pathVar) {
    return new Promise((resolve, reject) => {
        (0,external_node_child_process_namespaceObject.execFile)(binary, ['--version'], {
            // Only what the check needs: none of the action's variables (tokens) reach the binary.
            env: {
                PATH: pathVar,
                HOME: home,
                CLAUDE_CONFIG_DIR: external_node_path_.join(home, '.claude'),
                DISABLE_AUTOUPDATER: '1',
                DISABLE_TELEMETRY: '1',
                DISABLE_ERROR_REPORTING: '1',
                CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: '1',
                ...(process.env.SystemRoot !== undefined ? { SystemRoot: process.env.SystemRoot } : {}),
            },
            cwd: home,
            timeout: 60_000,
            maxBuffer: 64 * 1024,
            encoding: 'utf8',
        }, (error, stdout) => {
            if (error !== null)
                reject(new Error(error.message, { cause: error }));
            else
                resolve(stdout);
        });
    });
}
/** Removes installs of this version that a crashed run left half-done more than an hour ago. */
async function removeStaleTemps(parent) {
    let entries;
    try {
        entries = await external_node_fs_.promises.readdir(parent);
    }
    catch {
        return;
    }
    for (const entry of entries) {
        if (!entry.startsWith('.tmp-') && !entry.startsWith('.stale-'))
            continue;
        const full = external_node_path_.join(parent, entry);
        try {
            const stat = await external_node_fs_.promises.lstat(full);
            if (Date.now() - stat.mtimeMs > 3_600_000)
                await external_node_fs_.promises.rm(full, { recursive: true, force: true });
        }
        catch {
            // Another run removed it.
        }
    }
}
/**
 * The CLI of `options.version` for `options.platform`, from the tool cache when a complete,
 * matching install is there (no network), else downloaded once: the native package's tarball is
 * fetched directly (no npm, no install script), must match the pinned integrity (or, for a
 * version this release does not pin, the registry's, trusted on first use and said so in the
 * log), yields only `package/claude`, must report the version, and is moved into
 * `<toolCache>/airlock-claude/<version>/<platform>/` with its completion marker in one rename.
 * A failed install leaves nothing in the cache.
 */
async function installClaude(options) {
    const { version, platform } = options;
    if (!/^\d+\.\d+\.\d+$/.test(version)) {
        throw new InstallError(`claude-version '${version.slice(0, 40)}' is not an exact version.`);
    }
    const dir = cacheDir(options.toolCache, version, platform.key);
    const binary = external_node_path_.join(dir, platform.binary);
    const cached = await inspectCache(dir, options);
    if (cached.problem === null && cached.marker !== null) {
        options.log(`CLI: ${version} (${platform.key}) from the tool cache, installed ${cached.marker.installedAt}, integrity ${cached.marker.trust === 'pinned' ? 'pinned in Airlock' : 'from the registry on first use'}.`);
        return { path: binary, cached: true, trust: cached.marker.trust };
    }
    if (cached.exists) {
        options.warn(`The cached CLI in ${dir} cannot be reused (${cached.problem ?? 'unknown'}); installing it again.`);
    }
    const source = options.registry.host;
    let integrity = options.integrity;
    const trust = integrity !== null ? 'pinned' : 'registry';
    if (integrity === null) {
        try {
            integrity = await registryIntegrity(options);
        }
        catch (error) {
            throw new InstallError(`Could not read the integrity of ${platform.name}@${version} from ${source} (${describeError(error)}); check claude-version, allow ${source} from this runner, or give claude-path.`);
        }
        options.warn(`claude-version ${version} is not pinned in this Airlock release: its integrity (${integrity.slice(0, 19)}…) comes from ${source} and is trusted on first use; use the default version, or give claude-path with a binary you verified, to avoid that.`);
    }
    const parent = external_node_path_.dirname(dir);
    await external_node_fs_.promises.mkdir(parent, { recursive: true });
    await removeStaleTemps(parent);
    const tmp = await external_node_fs_.promises.mkdtemp(external_node_path_.join(parent, `.tmp-${platform.key}-`));
    try {
        const url = tarballUrl(options.registry, platform, version);
        const tmpBinary = external_node_path_.join(tmp, platform.binary);
        const started = Date.now();
        const expected = integrity;
        let size;
        try {
            size = await withRetries(options, 'the download', () => downloadOnce(url, expected, platform.binary, tmpBinary, options));
        }
        catch (error) {
            if (error instanceof IntegrityError) {
                throw new InstallError(`The CLI package downloaded from ${source} does not match the integrity ${trust === 'pinned' ? 'pinned in Airlock' : 'the registry published'} for ${platform.name}@${version}, so nothing was installed; check the registry or mirror (npm_config_registry), or give claude-path.`);
            }
            const network = !(error instanceof InstallError) || error.retryable;
            throw new InstallError(network
                ? `Could not download the Claude Code CLI ${version} (${platform.key}) from ${source} after ${attempts(options) === 1 ? 'one attempt' : `${attempts(options)} attempts`} (${describeError(error)}); allow ${source} from this runner, or give claude-path.`
                : `The CLI package ${platform.name}@${version} from ${source} was refused (${describeError(error)}), so nothing was installed; check the registry or mirror (npm_config_registry), or give claude-path.`);
        }
        await external_node_fs_.promises.chmod(tmpBinary, 0o755);
        const home = external_node_path_.join(tmp, 'home');
        await external_node_fs_.promises.mkdir(home, { mode: 0o700 });
        let reported;
        try {
            reported = await runVersion(tmpBinary, home, options.path);
        }
        catch (error) {
            throw new InstallError(`The downloaded CLI ${version} (${platform.key}) does not run here (${describeError(error).split('\n')[0] ?? ''}); give claude-path with a binary that runs on this runner.`);
        }
        await external_node_fs_.promises.rm(home, { recursive: true, force: true });
        if (!reportsVersion(reported, version)) {
            throw new InstallError(`The downloaded CLI reports version '${reported.trim().slice(0, 60)}', not ${version}, so it is not used; check claude-version, or give claude-path.`);
        }
        const marker = {
            version,
            platform: platform.key,
            integrity: expected,
            trust,
            size,
            installedAt: new Date().toISOString(),
        };
        await external_node_fs_.promises.writeFile(external_node_path_.join(tmp, MARKER), renderMarker(marker), { mode: 0o644 });
        await external_node_fs_.promises.chmod(tmp, 0o755);
        await place(tmp, dir, options);
        options.log(`CLI: installed ${version} (${platform.key}) from ${source} in ${((Date.now() - started) / 1000).toFixed(1)} s, integrity ${trust === 'pinned' ? 'pinned in Airlock' : 'from the registry on first use'}, into ${dir}.`);
        return { path: binary, cached: false, trust };
    }
    finally {
        await external_node_fs_.promises.rm(tmp, { recursive: true, force: true });
    }
}
/** Moves the finished install into place in one rename; a concurrent run's complete install wins. */
async function place(tmp, dir, options) {
    for (let attempt = 0; attempt < 3; attempt++) {
        try {
            await external_node_fs_.promises.rename(tmp, dir);
            return;
        }
        catch (error) {
            const code = error.code;
            if (code !== 'ENOTEMPTY' && code !== 'EEXIST' && code !== 'EPERM')
                throw error;
        }
        const there = await inspectCache(dir, options);
        if (there.problem === null)
            return;
        // An incomplete or foreign folder: move it aside (atomic), then remove it.
        const aside = external_node_path_.join(external_node_path_.dirname(dir), `.stale-${(0,external_node_crypto_.randomBytes)(6).toString('hex')}`);
        try {
            await external_node_fs_.promises.rename(dir, aside);
        }
        catch {
            // Another run moved it first.
        }
        await external_node_fs_.promises.rm(aside, { recursive: true, force: true });
    }
    throw new InstallError(`Could not move the installed CLI into ${dir}; remove that folder, or give claude-path.`);
}
/**
 * The CLI binary to run: `claude-path` as is (it must exist), else the pinned version for this
 * runner's platform from the tool cache, installed there first if needed (`installClaude`).
 */
async function resolveClaude(options) {
    if (options.claudePath !== null) {
        if (!(0,external_node_fs_.existsSync)(options.claudePath)) {
            throw new InstallError(`Input 'claude-path' names '${options.claudePath}', which does not exist; give the path of the claude binary.`);
        }
        options.log(`CLI: ${options.claudePath} (claude-path; not installed or checked by Airlock).`);
        return options.claudePath;
    }
    const platform = platformPackage(process.platform, process.arch, detectMusl());
    const installed = await installClaude({
        version: options.version,
        platform,
        toolCache: options.toolCache,
        registry: registryFrom(options.env),
        integrity: pinnedIntegrity(options.version, platform.key),
        path: options.env.PATH ?? '/usr/bin:/bin',
        log: options.log,
        warn: options.warn,
    });
    return installed.path;
}

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
const UNSET_OK = [0, 5];
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
function git_credentials_isInside(child, parent) {
    const relative = external_node_path_.relative(parent, child);
    return relative === '' || (!relative.startsWith('..') && !external_node_path_.isAbsolute(relative));
}
async function realOrResolved(p) {
    try {
        return await promises_namespaceObject.realpath(p);
    }
    catch {
        return external_node_path_.resolve(p);
    }
}
async function isFile(p) {
    try {
        return (await promises_namespaceObject.stat(p)).isFile();
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
            (0,external_node_child_process_namespaceObject.execFile)(this.executable, args, {
                cwd: external_node_path_.parse(process.cwd()).root,
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
            text = (await promises_namespaceObject.readFile(file)).toString('latin1');
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
            stat = await promises_namespaceObject.lstat(dotGit);
        }
        catch {
            return;
        }
        let dir;
        if (stat.isDirectory()) {
            dir = await promises_namespaceObject.realpath(dotGit);
        }
        else if (stat.isFile()) {
            const text = (await promises_namespaceObject.readFile(dotGit, 'utf8')).slice(0, 4096);
            const match = /^gitdir:\s*(.+?)\s*$/m.exec(text);
            if (match?.[1] !== undefined) {
                dir = await realOrResolved(external_node_path_.resolve(external_node_path_.dirname(dotGit), match[1]));
            }
        }
        if (dir === undefined || gitDirs.has(dir))
            return;
        gitDirs.add(dir);
        try {
            const common = (await promises_namespaceObject.readFile(external_node_path_.join(dir, 'commondir'), 'utf8')).trim();
            if (common.length > 0)
                gitDirs.add(await realOrResolved(external_node_path_.resolve(dir, common)));
        }
        catch {
            // not a linked worktree
        }
    };
    const walkWorkTree = async (dir, depth) => {
        let entries;
        try {
            entries = await promises_namespaceObject.readdir(dir, { withFileTypes: true });
        }
        catch {
            return;
        }
        for (const entry of entries) {
            const full = external_node_path_.join(dir, entry.name);
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
    await addGitDir(external_node_path_.join(repoDir, '.git'));
    await walkWorkTree(repoDir, 0);
    const files = new Set();
    const addConfigs = async (dir) => {
        for (const name of ['config', 'config.worktree']) {
            const file = external_node_path_.join(dir, name);
            if (await isFile(file))
                files.add(await promises_namespaceObject.realpath(file));
        }
    };
    const walkGitDir = async (dir, depth) => {
        await addConfigs(dir);
        if (depth > 12)
            return;
        let entries;
        try {
            entries = await promises_namespaceObject.readdir(dir, { withFileTypes: true });
        }
        catch {
            return;
        }
        for (const entry of entries) {
            if (!entry.isDirectory() || GIT_DIR_SKIP.has(entry.name))
                continue;
            await walkGitDir(external_node_path_.join(dir, entry.name), depth + 1);
        }
    };
    for (const dir of gitDirs) {
        await addConfigs(dir);
        await walkGitDir(external_node_path_.join(dir, 'modules'), 0);
        try {
            for (const worktree of await promises_namespaceObject.readdir(external_node_path_.join(dir, 'worktrees'))) {
                await addConfigs(external_node_path_.join(dir, 'worktrees', worktree));
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
                const target = this.resolveInclude(value, external_node_path_.dirname(file));
                const real = await realOrResolved(target);
                const nested = await this.inspect(real, depth + 1, memo);
                for (const [p, d] of nested.moves)
                    findings.moves.set(p, d);
                const byName = CHECKOUT_CREDENTIALS_FILE.test(external_node_path_.basename(target));
                const inTemp = this.runnerTemp !== undefined && git_credentials_isInside(real, this.runnerTemp);
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
            return external_node_path_.join(this.home, value.slice(1));
        return external_node_path_.resolve(baseDir, value);
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
            const resolved = external_node_path_.resolve(expanded);
            if (git_credentials_isInside(resolved, temp))
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
            files.push(external_node_path_.join(home, unquoted.slice(2)));
        else if (external_node_path_.isAbsolute(unquoted))
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
        if (git_credentials_isInside(p, repo))
            return external_node_path_.relative(repo, p) || '.';
        if (git_credentials_isInside(p, home))
            return `~/${external_node_path_.relative(home, p)}`;
        return p;
    };
    const inspector = new Inspector(git, redactor, home, runnerTemp, display);
    const change = { backupDir: external_node_path_.resolve(backupDir), backups: [], removed: [] };
    try {
        // 1. Decide, read-only.
        const configFiles = [
            ...(await repositoryConfigFiles(repo)),
            await realOrResolved(external_node_path_.join(home, '.gitconfig')),
            await realOrResolved(external_node_path_.join(home, '.config', 'git', 'config')),
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
            external_node_path_.join(home, '.git-credentials'),
            external_node_path_.join(home, '.config', 'git', 'credentials'),
        ]) {
            if (await isFile(store)) {
                const real = await promises_namespaceObject.realpath(store);
                moves.set(real, `credential store ${display(real)} moved aside`);
            }
        }
        if (runnerTemp !== undefined) {
            try {
                for (const name of await promises_namespaceObject.readdir(runnerTemp)) {
                    const full = external_node_path_.join(runnerTemp, name);
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
            const stat = await promises_namespaceObject.lstat(original);
            if (!stat.isFile())
                throw new Error(`${display(original)} is not a regular file`);
            const backup = external_node_path_.join(change.backupDir, `${index}-${external_node_path_.basename(original)}`);
            await promises_namespaceObject.writeFile(backup, await promises_namespaceObject.readFile(original), { flag: 'wx', mode: 0o600 });
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
            await promises_namespaceObject.unlink(file);
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
    await promises_namespaceObject.mkdir(dir, { recursive: true, mode: 0o700 });
    const stat = await promises_namespaceObject.lstat(dir);
    if (!stat.isDirectory())
        throw new Error(`backup directory ${dir} is not a directory`);
    await promises_namespaceObject.chmod(dir, 0o700);
    if ((await promises_namespaceObject.readdir(dir)).length > 0) {
        throw new Error(`backup directory ${dir} is not empty (an earlier run was not restored?)`);
    }
}
async function writeManifest(change) {
    const file = external_node_path_.join(change.backupDir, MANIFEST_FILE);
    await promises_namespaceObject.writeFile(file, JSON.stringify(change, null, 2) + '\n', { flag: 'wx', mode: 0o600 });
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
            external_node_path_.isAbsolute(b.original) &&
            typeof b.backup === 'string' &&
            external_node_path_.dirname(b.backup) === external_node_path_.resolve(v.backupDir) &&
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
        const parsed = JSON.parse(await promises_namespaceObject.readFile(external_node_path_.join(backupDir, MANIFEST_FILE), 'utf8'));
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
            await promises_namespaceObject.rm(external_node_path_.join(change.backupDir, MANIFEST_FILE), { force: true });
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
    const dir = external_node_path_.dirname(backup.original);
    await promises_namespaceObject.mkdir(dir, { recursive: true, mode: 0o755 });
    const real = await promises_namespaceObject.realpath(dir);
    if (real !== dir)
        throw new Error(`${dir} now resolves to ${real}; not writing through a link`);
    const temporary = external_node_path_.join(dir, `.airlock-restore-${(0,external_node_crypto_.randomBytes)(8).toString('hex')}`);
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

;// CONCATENATED MODULE: ./build/strip/allowlist.js
/**
 * Security-relevant defaults of the agent's environment, each with the reason it is what it is.
 * (The lock's defaults live in `lock-defaults.ts`.) `environment.ts` applies them.
 */
/**
 * What the agent's environment starts from: names that tools need and that never hold a secret.
 * Everything else is removed unless `pass-env` adds it. Matched case-sensitively.
 */
const BASE_ENV_ALLOWLIST = [
    { pattern: 'PATH', reason: 'where the tools are (setup-* steps add theirs here)' },
    {
        pattern: 'HOME',
        reason: 'tools keep config and caches there (credential files are denied by the sandbox)',
    },
    { pattern: 'USER', reason: 'some tools refuse to start without a user name' },
    { pattern: 'LOGNAME', reason: 'the same, for tools that read this one' },
    { pattern: 'SHELL', reason: 'which shell tools spawn' },
    { pattern: 'LANG', reason: 'locale: tools print and parse text as for the user' },
    { pattern: 'LANGUAGE', reason: 'locale: message language' },
    { pattern: 'LC_*', reason: 'locale categories' },
    { pattern: 'TERM', reason: 'terminal capabilities, for tools that colour or page output' },
    { pattern: 'TZ', reason: 'time zone of dates in output and tests' },
    {
        pattern: 'TMPDIR',
        reason: 'where tools put temporary files (the sandbox decides what is writable)',
    },
    { pattern: 'CI', reason: 'tells tools they run unattended: no prompts, no watch mode' },
    { pattern: 'GITHUB_ACTIONS', reason: 'tools detect Actions to format their output' },
    { pattern: 'GITHUB_ACTOR', reason: 'public: who started the run' },
    { pattern: 'GITHUB_ACTOR_ID', reason: 'public: who started the run' },
    { pattern: 'GITHUB_TRIGGERING_ACTOR', reason: 'public: who started this attempt' },
    { pattern: 'GITHUB_REPOSITORY', reason: 'public: the repository' },
    { pattern: 'GITHUB_REPOSITORY_ID', reason: 'public: the repository' },
    { pattern: 'GITHUB_REPOSITORY_OWNER', reason: 'public: the repository owner' },
    { pattern: 'GITHUB_REPOSITORY_OWNER_ID', reason: 'public: the repository owner' },
    {
        pattern: 'GITHUB_EVENT_NAME',
        reason: 'which event started the run (the payload is not passed)',
    },
    { pattern: 'GITHUB_SHA', reason: 'git coordinates of the run' },
    { pattern: 'GITHUB_REF', reason: 'git coordinates of the run' },
    { pattern: 'GITHUB_REF_NAME', reason: 'git coordinates of the run' },
    { pattern: 'GITHUB_REF_TYPE', reason: 'git coordinates of the run' },
    { pattern: 'GITHUB_REF_PROTECTED', reason: 'whether the ref is protected' },
    { pattern: 'GITHUB_HEAD_REF', reason: 'git coordinates of a pull request' },
    { pattern: 'GITHUB_BASE_REF', reason: 'git coordinates of a pull request' },
    { pattern: 'GITHUB_WORKSPACE', reason: 'the repository path, where the agent works anyway' },
    { pattern: 'GITHUB_RUN_ID', reason: 'identifies the run, as shown in the UI' },
    { pattern: 'GITHUB_RUN_NUMBER', reason: 'identifies the run, as shown in the UI' },
    { pattern: 'GITHUB_RUN_ATTEMPT', reason: 'identifies the run, as shown in the UI' },
    { pattern: 'GITHUB_JOB', reason: 'identifies the job, as shown in the UI' },
    { pattern: 'GITHUB_WORKFLOW', reason: 'identifies the workflow, as shown in the UI' },
    { pattern: 'GITHUB_WORKFLOW_REF', reason: 'identifies the workflow file and ref' },
    { pattern: 'GITHUB_WORKFLOW_SHA', reason: 'identifies the workflow file commit' },
    { pattern: 'GITHUB_SERVER_URL', reason: 'public endpoint, no credential in it' },
    { pattern: 'GITHUB_API_URL', reason: 'public endpoint, no credential in it' },
    { pattern: 'GITHUB_GRAPHQL_URL', reason: 'public endpoint, no credential in it' },
    { pattern: 'GITHUB_RETENTION_DAYS', reason: 'artifact retention setting' },
    { pattern: 'RUNNER_OS', reason: 'platform, for tools that pick binaries' },
    { pattern: 'RUNNER_ARCH', reason: 'platform, for tools that pick binaries' },
    { pattern: 'RUNNER_NAME', reason: 'which runner, as shown in the UI' },
    { pattern: 'RUNNER_ENVIRONMENT', reason: 'github-hosted or self-hosted' },
    { pattern: 'RUNNER_DEBUG', reason: 'whether debug logging is on' },
    {
        pattern: 'RUNNER_TOOL_CACHE',
        reason: 'read-only toolchain cache; tools find installed versions there',
    },
];
/**
 * Names deliberately *not* in the base allowlist although they hold no secret: they point at the
 * runner's own files. (`pass-env` can still add them; tests check none slips into the base list.)
 */
const EXCLUDED_RUNNER_ENV = [
    {
        pattern: 'RUNNER_TEMP',
        reason: "holds the file-command files (GITHUB_ENV…) and actions/checkout's credentials file",
    },
    {
        pattern: 'GITHUB_EVENT_PATH',
        reason: "points into the runner's temp folder; the payload is untrusted PR text anyway",
    },
    { pattern: 'RUNNER_WORKSPACE', reason: "the runner's work folder above the repository" },
    { pattern: 'GITHUB_ACTION_PATH', reason: "where this action's own code is" },
];
/**
 * Removed whatever `pass-env` says, because each one either is a credential or lets whoever sets
 * it run code in, or steal credentials from, processes outside the sandbox (the CLI itself, the
 * policy hook, the git the CLI runs, later steps of the job). picomatch patterns, case-sensitive.
 */
const ALWAYS_REMOVED_ENV = [
    { pattern: 'GITHUB_TOKEN', reason: 'GitHub credential (the job token)' },
    { pattern: 'GH_TOKEN', reason: 'GitHub credential read by gh' },
    { pattern: 'GH_ENTERPRISE_TOKEN', reason: 'GitHub Enterprise credential read by gh' },
    { pattern: 'GITHUB_ENTERPRISE_TOKEN', reason: 'GitHub Enterprise credential read by gh' },
    {
        pattern: 'ACTIONS_RUNTIME_TOKEN',
        reason: "the runner's token for the cache, artifact and results services",
    },
    {
        pattern: 'ACTIONS_ID_TOKEN_REQUEST_*',
        reason: 'the OIDC token endpoint and its bearer: they mint tokens that cloud roles trust',
    },
    { pattern: 'ACTIONS_CACHE_URL', reason: 'runtime service endpoint (cache poisoning)' },
    { pattern: 'ACTIONS_RESULTS_URL', reason: 'runtime service endpoint' },
    { pattern: 'ACTIONS_RUNTIME_URL', reason: 'runtime service endpoint' },
    {
        pattern: 'INPUT_*',
        reason: "this action's inputs: they hold the model key and the GitHub token",
    },
    { pattern: 'STATE_*', reason: "this action's saved state for its post step" },
    {
        pattern: 'GITHUB_ENV',
        reason: 'file command: appending to it sets the environment of later steps',
    },
    { pattern: 'GITHUB_PATH', reason: 'file command: appending to it sets the PATH of later steps' },
    { pattern: 'GITHUB_OUTPUT', reason: "file command: appending to it forges this step's outputs" },
    { pattern: 'GITHUB_STATE', reason: "file command: appending to it forges this action's state" },
    {
        pattern: 'GITHUB_STEP_SUMMARY',
        reason: 'file command: appending to it forges the job summary',
    },
    {
        pattern: 'ANTHROPIC_API_KEY',
        reason: 'model credential: the action gives it to the CLI process only',
    },
    {
        pattern: 'CLAUDE_CODE_OAUTH_TOKEN',
        reason: 'model credential: the action gives it to the CLI process only',
    },
    {
        pattern: 'ANTHROPIC_AUTH_TOKEN',
        reason: 'model credential: the action gives it to the CLI process only',
    },
    {
        pattern: 'NODE_OPTIONS',
        reason: '--require/--import run code in every Node process, the policy hook included',
    },
    {
        pattern: 'LD_PRELOAD',
        reason: 'loads a library into every process, the CLI and hook included',
    },
    { pattern: 'LD_AUDIT', reason: 'loads an audit library into every process, like LD_PRELOAD' },
    { pattern: 'LD_LIBRARY_PATH', reason: 'swaps the libraries every process loads' },
    {
        pattern: 'BASH_ENV',
        reason: 'script every non-interactive bash runs first, hook commands included',
    },
    { pattern: 'ENV', reason: 'script sh (and interactive bash) runs first' },
    { pattern: 'PROMPT_COMMAND', reason: 'command interactive bash runs before each prompt' },
    {
        pattern: 'GIT_CONFIG',
        reason: 'config file for git config: credential helpers, core.fsmonitor (runs commands)',
    },
    {
        pattern: 'GIT_CONFIG_*',
        reason: 'injects git config (core.fsmonitor, credential helpers, extraheader) into every git',
    },
    { pattern: 'GIT_SSH_COMMAND', reason: 'command git runs to connect over ssh' },
    { pattern: 'GIT_SSH', reason: 'program git runs to connect over ssh' },
    { pattern: 'GIT_ASKPASS', reason: 'program git runs to obtain credentials' },
    { pattern: 'SSH_ASKPASS', reason: 'program ssh runs to obtain credentials' },
    { pattern: 'GIT_PROXY_COMMAND', reason: 'command git runs for git:// connections' },
    { pattern: 'GIT_EXTERNAL_DIFF', reason: 'command git diff runs' },
    {
        pattern: 'SSH_AUTH_SOCK',
        reason: "ssh agent socket: uses the runner's ssh keys without reading them",
    },
    { pattern: 'DOCKER_HOST', reason: 'a Docker daemon: root on its host' },
];
/**
 * Parts of a variable name (split on anything but letters and digits, any case) that mark it as a
 * credential: `NPM_TOKEN`, `AWS_SECRET_ACCESS_KEY`, `DB_PASS`, `SENTRY_DSN`. Such a name is not
 * passed by a `pass-env` glob (`AWS_*`), only by an exact `pass-env` entry (`AWS_REGION`), which
 * is a deliberate choice. (`TOKENIZERS_PARALLELISM` and `GIT_AUTHOR_NAME` are not credentials.)
 */
const CREDENTIAL_NAME_WORDS = [
    'TOKEN',
    'TOKENS',
    'SECRET',
    'SECRETS',
    'KEY',
    'KEYS',
    'APIKEY',
    'PASSWORD',
    'PASSWD',
    'PASS',
    'PWD',
    'PASSPHRASE',
    'CREDENTIAL',
    'CREDENTIALS',
    'CREDS',
    'AUTH',
    'COOKIE',
    'PAT',
    'DSN',
];
/**
 * Substrings (any case) that mark a name as a credential even inside a longer word: `PGPASSWORD`,
 * `MYSECRET`, `GITHUBACCESSTOKEN`.
 */
const CREDENTIAL_NAME_SUBSTRINGS = [
    'PASSWORD',
    'PASSWD',
    'SECRET',
    'APIKEY',
    'ACCESSKEY',
    'PRIVATEKEY',
    'CREDENTIAL',
    'AUTHTOKEN',
    'ACCESSTOKEN',
];

;// CONCATENATED MODULE: ./node_modules/@secretlint/secretlint-rule-preset-recommend/module/index.js


var commonjsGlobal = typeof globalThis !== 'undefined' ? globalThis : typeof window !== 'undefined' ? window : typeof global !== 'undefined' ? global : typeof self !== 'undefined' ? self : {};

var regexpStringMatcher = {};

/**
 * lodash (Custom Build) <https://lodash.com/>
 * Build: `lodash modularize exports="npm" -o ./`
 * Copyright jQuery Foundation and other contributors <https://jquery.org/>
 * Released under MIT license <https://lodash.com/license>
 * Based on Underscore.js 1.8.3 <http://underscorejs.org/LICENSE>
 * Copyright Jeremy Ashkenas, DocumentCloud and Investigative Reporters & Editors
 */

var lodash_uniq;
var hasRequiredLodash_uniq;

function requireLodash_uniq () {
	if (hasRequiredLodash_uniq) return lodash_uniq;
	hasRequiredLodash_uniq = 1;
	/** Used as the size to enable large array optimizations. */
	var LARGE_ARRAY_SIZE = 200;

	/** Used to stand-in for `undefined` hash values. */
	var HASH_UNDEFINED = '__lodash_hash_undefined__';

	/** Used as references for various `Number` constants. */
	var INFINITY = 1 / 0;

	/** `Object#toString` result references. */
	var funcTag = '[object Function]',
	    genTag = '[object GeneratorFunction]';

	/**
	 * Used to match `RegExp`
	 * [syntax characters](http://ecma-international.org/ecma-262/7.0/#sec-patterns).
	 */
	var reRegExpChar = /[\\^$.*+?()[\]{}|]/g;

	/** Used to detect host constructors (Safari). */
	var reIsHostCtor = /^\[object .+?Constructor\]$/;

	/** Detect free variable `global` from Node.js. */
	var freeGlobal = typeof commonjsGlobal == 'object' && commonjsGlobal && commonjsGlobal.Object === Object && commonjsGlobal;

	/** Detect free variable `self`. */
	var freeSelf = typeof self == 'object' && self && self.Object === Object && self;

	/** Used as a reference to the global object. */
	var root = freeGlobal || freeSelf || Function('return this')();

	/**
	 * A specialized version of `_.includes` for arrays without support for
	 * specifying an index to search from.
	 *
	 * @private
	 * @param {Array} [array] The array to inspect.
	 * @param {*} target The value to search for.
	 * @returns {boolean} Returns `true` if `target` is found, else `false`.
	 */
	function arrayIncludes(array, value) {
	  var length = array ? array.length : 0;
	  return !!length && baseIndexOf(array, value, 0) > -1;
	}

	/**
	 * The base implementation of `_.findIndex` and `_.findLastIndex` without
	 * support for iteratee shorthands.
	 *
	 * @private
	 * @param {Array} array The array to inspect.
	 * @param {Function} predicate The function invoked per iteration.
	 * @param {number} fromIndex The index to search from.
	 * @param {boolean} [fromRight] Specify iterating from right to left.
	 * @returns {number} Returns the index of the matched value, else `-1`.
	 */
	function baseFindIndex(array, predicate, fromIndex, fromRight) {
	  var length = array.length,
	      index = fromIndex + (-1);

	  while ((++index < length)) {
	    if (predicate(array[index], index, array)) {
	      return index;
	    }
	  }
	  return -1;
	}

	/**
	 * The base implementation of `_.indexOf` without `fromIndex` bounds checks.
	 *
	 * @private
	 * @param {Array} array The array to inspect.
	 * @param {*} value The value to search for.
	 * @param {number} fromIndex The index to search from.
	 * @returns {number} Returns the index of the matched value, else `-1`.
	 */
	function baseIndexOf(array, value, fromIndex) {
	  if (value !== value) {
	    return baseFindIndex(array, baseIsNaN, fromIndex);
	  }
	  var index = fromIndex - 1,
	      length = array.length;

	  while (++index < length) {
	    if (array[index] === value) {
	      return index;
	    }
	  }
	  return -1;
	}

	/**
	 * The base implementation of `_.isNaN` without support for number objects.
	 *
	 * @private
	 * @param {*} value The value to check.
	 * @returns {boolean} Returns `true` if `value` is `NaN`, else `false`.
	 */
	function baseIsNaN(value) {
	  return value !== value;
	}

	/**
	 * Checks if a cache value for `key` exists.
	 *
	 * @private
	 * @param {Object} cache The cache to query.
	 * @param {string} key The key of the entry to check.
	 * @returns {boolean} Returns `true` if an entry for `key` exists, else `false`.
	 */
	function cacheHas(cache, key) {
	  return cache.has(key);
	}

	/**
	 * Gets the value at `key` of `object`.
	 *
	 * @private
	 * @param {Object} [object] The object to query.
	 * @param {string} key The key of the property to get.
	 * @returns {*} Returns the property value.
	 */
	function getValue(object, key) {
	  return object == null ? undefined : object[key];
	}

	/**
	 * Checks if `value` is a host object in IE < 9.
	 *
	 * @private
	 * @param {*} value The value to check.
	 * @returns {boolean} Returns `true` if `value` is a host object, else `false`.
	 */
	function isHostObject(value) {
	  // Many host objects are `Object` objects that can coerce to strings
	  // despite having improperly defined `toString` methods.
	  var result = false;
	  if (value != null && typeof value.toString != 'function') {
	    try {
	      result = !!(value + '');
	    } catch (e) {}
	  }
	  return result;
	}

	/**
	 * Converts `set` to an array of its values.
	 *
	 * @private
	 * @param {Object} set The set to convert.
	 * @returns {Array} Returns the values.
	 */
	function setToArray(set) {
	  var index = -1,
	      result = Array(set.size);

	  set.forEach(function(value) {
	    result[++index] = value;
	  });
	  return result;
	}

	/** Used for built-in method references. */
	var arrayProto = Array.prototype,
	    funcProto = Function.prototype,
	    objectProto = Object.prototype;

	/** Used to detect overreaching core-js shims. */
	var coreJsData = root['__core-js_shared__'];

	/** Used to detect methods masquerading as native. */
	var maskSrcKey = (function() {
	  var uid = /[^.]+$/.exec(coreJsData && coreJsData.keys && coreJsData.keys.IE_PROTO || '');
	  return uid ? ('Symbol(src)_1.' + uid) : '';
	}());

	/** Used to resolve the decompiled source of functions. */
	var funcToString = funcProto.toString;

	/** Used to check objects for own properties. */
	var hasOwnProperty = objectProto.hasOwnProperty;

	/**
	 * Used to resolve the
	 * [`toStringTag`](http://ecma-international.org/ecma-262/7.0/#sec-object.prototype.tostring)
	 * of values.
	 */
	var objectToString = objectProto.toString;

	/** Used to detect if a method is native. */
	var reIsNative = RegExp('^' +
	  funcToString.call(hasOwnProperty).replace(reRegExpChar, '\\$&')
	  .replace(/hasOwnProperty|(function).*?(?=\\\()| for .+?(?=\\\])/g, '$1.*?') + '$'
	);

	/** Built-in value references. */
	var splice = arrayProto.splice;

	/* Built-in method references that are verified to be native. */
	var Map = getNative(root, 'Map'),
	    Set = getNative(root, 'Set'),
	    nativeCreate = getNative(Object, 'create');

	/**
	 * Creates a hash object.
	 *
	 * @private
	 * @constructor
	 * @param {Array} [entries] The key-value pairs to cache.
	 */
	function Hash(entries) {
	  var index = -1,
	      length = entries ? entries.length : 0;

	  this.clear();
	  while (++index < length) {
	    var entry = entries[index];
	    this.set(entry[0], entry[1]);
	  }
	}

	/**
	 * Removes all key-value entries from the hash.
	 *
	 * @private
	 * @name clear
	 * @memberOf Hash
	 */
	function hashClear() {
	  this.__data__ = nativeCreate ? nativeCreate(null) : {};
	}

	/**
	 * Removes `key` and its value from the hash.
	 *
	 * @private
	 * @name delete
	 * @memberOf Hash
	 * @param {Object} hash The hash to modify.
	 * @param {string} key The key of the value to remove.
	 * @returns {boolean} Returns `true` if the entry was removed, else `false`.
	 */
	function hashDelete(key) {
	  return this.has(key) && delete this.__data__[key];
	}

	/**
	 * Gets the hash value for `key`.
	 *
	 * @private
	 * @name get
	 * @memberOf Hash
	 * @param {string} key The key of the value to get.
	 * @returns {*} Returns the entry value.
	 */
	function hashGet(key) {
	  var data = this.__data__;
	  if (nativeCreate) {
	    var result = data[key];
	    return result === HASH_UNDEFINED ? undefined : result;
	  }
	  return hasOwnProperty.call(data, key) ? data[key] : undefined;
	}

	/**
	 * Checks if a hash value for `key` exists.
	 *
	 * @private
	 * @name has
	 * @memberOf Hash
	 * @param {string} key The key of the entry to check.
	 * @returns {boolean} Returns `true` if an entry for `key` exists, else `false`.
	 */
	function hashHas(key) {
	  var data = this.__data__;
	  return nativeCreate ? data[key] !== undefined : hasOwnProperty.call(data, key);
	}

	/**
	 * Sets the hash `key` to `value`.
	 *
	 * @private
	 * @name set
	 * @memberOf Hash
	 * @param {string} key The key of the value to set.
	 * @param {*} value The value to set.
	 * @returns {Object} Returns the hash instance.
	 */
	function hashSet(key, value) {
	  var data = this.__data__;
	  data[key] = (nativeCreate && value === undefined) ? HASH_UNDEFINED : value;
	  return this;
	}

	// Add methods to `Hash`.
	Hash.prototype.clear = hashClear;
	Hash.prototype['delete'] = hashDelete;
	Hash.prototype.get = hashGet;
	Hash.prototype.has = hashHas;
	Hash.prototype.set = hashSet;

	/**
	 * Creates an list cache object.
	 *
	 * @private
	 * @constructor
	 * @param {Array} [entries] The key-value pairs to cache.
	 */
	function ListCache(entries) {
	  var index = -1,
	      length = entries ? entries.length : 0;

	  this.clear();
	  while (++index < length) {
	    var entry = entries[index];
	    this.set(entry[0], entry[1]);
	  }
	}

	/**
	 * Removes all key-value entries from the list cache.
	 *
	 * @private
	 * @name clear
	 * @memberOf ListCache
	 */
	function listCacheClear() {
	  this.__data__ = [];
	}

	/**
	 * Removes `key` and its value from the list cache.
	 *
	 * @private
	 * @name delete
	 * @memberOf ListCache
	 * @param {string} key The key of the value to remove.
	 * @returns {boolean} Returns `true` if the entry was removed, else `false`.
	 */
	function listCacheDelete(key) {
	  var data = this.__data__,
	      index = assocIndexOf(data, key);

	  if (index < 0) {
	    return false;
	  }
	  var lastIndex = data.length - 1;
	  if (index == lastIndex) {
	    data.pop();
	  } else {
	    splice.call(data, index, 1);
	  }
	  return true;
	}

	/**
	 * Gets the list cache value for `key`.
	 *
	 * @private
	 * @name get
	 * @memberOf ListCache
	 * @param {string} key The key of the value to get.
	 * @returns {*} Returns the entry value.
	 */
	function listCacheGet(key) {
	  var data = this.__data__,
	      index = assocIndexOf(data, key);

	  return index < 0 ? undefined : data[index][1];
	}

	/**
	 * Checks if a list cache value for `key` exists.
	 *
	 * @private
	 * @name has
	 * @memberOf ListCache
	 * @param {string} key The key of the entry to check.
	 * @returns {boolean} Returns `true` if an entry for `key` exists, else `false`.
	 */
	function listCacheHas(key) {
	  return assocIndexOf(this.__data__, key) > -1;
	}

	/**
	 * Sets the list cache `key` to `value`.
	 *
	 * @private
	 * @name set
	 * @memberOf ListCache
	 * @param {string} key The key of the value to set.
	 * @param {*} value The value to set.
	 * @returns {Object} Returns the list cache instance.
	 */
	function listCacheSet(key, value) {
	  var data = this.__data__,
	      index = assocIndexOf(data, key);

	  if (index < 0) {
	    data.push([key, value]);
	  } else {
	    data[index][1] = value;
	  }
	  return this;
	}

	// Add methods to `ListCache`.
	ListCache.prototype.clear = listCacheClear;
	ListCache.prototype['delete'] = listCacheDelete;
	ListCache.prototype.get = listCacheGet;
	ListCache.prototype.has = listCacheHas;
	ListCache.prototype.set = listCacheSet;

	/**
	 * Creates a map cache object to store key-value pairs.
	 *
	 * @private
	 * @constructor
	 * @param {Array} [entries] The key-value pairs to cache.
	 */
	function MapCache(entries) {
	  var index = -1,
	      length = entries ? entries.length : 0;

	  this.clear();
	  while (++index < length) {
	    var entry = entries[index];
	    this.set(entry[0], entry[1]);
	  }
	}

	/**
	 * Removes all key-value entries from the map.
	 *
	 * @private
	 * @name clear
	 * @memberOf MapCache
	 */
	function mapCacheClear() {
	  this.__data__ = {
	    'hash': new Hash,
	    'map': new (Map || ListCache),
	    'string': new Hash
	  };
	}

	/**
	 * Removes `key` and its value from the map.
	 *
	 * @private
	 * @name delete
	 * @memberOf MapCache
	 * @param {string} key The key of the value to remove.
	 * @returns {boolean} Returns `true` if the entry was removed, else `false`.
	 */
	function mapCacheDelete(key) {
	  return getMapData(this, key)['delete'](key);
	}

	/**
	 * Gets the map value for `key`.
	 *
	 * @private
	 * @name get
	 * @memberOf MapCache
	 * @param {string} key The key of the value to get.
	 * @returns {*} Returns the entry value.
	 */
	function mapCacheGet(key) {
	  return getMapData(this, key).get(key);
	}

	/**
	 * Checks if a map value for `key` exists.
	 *
	 * @private
	 * @name has
	 * @memberOf MapCache
	 * @param {string} key The key of the entry to check.
	 * @returns {boolean} Returns `true` if an entry for `key` exists, else `false`.
	 */
	function mapCacheHas(key) {
	  return getMapData(this, key).has(key);
	}

	/**
	 * Sets the map `key` to `value`.
	 *
	 * @private
	 * @name set
	 * @memberOf MapCache
	 * @param {string} key The key of the value to set.
	 * @param {*} value The value to set.
	 * @returns {Object} Returns the map cache instance.
	 */
	function mapCacheSet(key, value) {
	  getMapData(this, key).set(key, value);
	  return this;
	}

	// Add methods to `MapCache`.
	MapCache.prototype.clear = mapCacheClear;
	MapCache.prototype['delete'] = mapCacheDelete;
	MapCache.prototype.get = mapCacheGet;
	MapCache.prototype.has = mapCacheHas;
	MapCache.prototype.set = mapCacheSet;

	/**
	 *
	 * Creates an array cache object to store unique values.
	 *
	 * @private
	 * @constructor
	 * @param {Array} [values] The values to cache.
	 */
	function SetCache(values) {
	  var index = -1,
	      length = values ? values.length : 0;

	  this.__data__ = new MapCache;
	  while (++index < length) {
	    this.add(values[index]);
	  }
	}

	/**
	 * Adds `value` to the array cache.
	 *
	 * @private
	 * @name add
	 * @memberOf SetCache
	 * @alias push
	 * @param {*} value The value to cache.
	 * @returns {Object} Returns the cache instance.
	 */
	function setCacheAdd(value) {
	  this.__data__.set(value, HASH_UNDEFINED);
	  return this;
	}

	/**
	 * Checks if `value` is in the array cache.
	 *
	 * @private
	 * @name has
	 * @memberOf SetCache
	 * @param {*} value The value to search for.
	 * @returns {number} Returns `true` if `value` is found, else `false`.
	 */
	function setCacheHas(value) {
	  return this.__data__.has(value);
	}

	// Add methods to `SetCache`.
	SetCache.prototype.add = SetCache.prototype.push = setCacheAdd;
	SetCache.prototype.has = setCacheHas;

	/**
	 * Gets the index at which the `key` is found in `array` of key-value pairs.
	 *
	 * @private
	 * @param {Array} array The array to inspect.
	 * @param {*} key The key to search for.
	 * @returns {number} Returns the index of the matched value, else `-1`.
	 */
	function assocIndexOf(array, key) {
	  var length = array.length;
	  while (length--) {
	    if (eq(array[length][0], key)) {
	      return length;
	    }
	  }
	  return -1;
	}

	/**
	 * The base implementation of `_.isNative` without bad shim checks.
	 *
	 * @private
	 * @param {*} value The value to check.
	 * @returns {boolean} Returns `true` if `value` is a native function,
	 *  else `false`.
	 */
	function baseIsNative(value) {
	  if (!isObject(value) || isMasked(value)) {
	    return false;
	  }
	  var pattern = (isFunction(value) || isHostObject(value)) ? reIsNative : reIsHostCtor;
	  return pattern.test(toSource(value));
	}

	/**
	 * The base implementation of `_.uniqBy` without support for iteratee shorthands.
	 *
	 * @private
	 * @param {Array} array The array to inspect.
	 * @param {Function} [iteratee] The iteratee invoked per element.
	 * @param {Function} [comparator] The comparator invoked per element.
	 * @returns {Array} Returns the new duplicate free array.
	 */
	function baseUniq(array, iteratee, comparator) {
	  var index = -1,
	      includes = arrayIncludes,
	      length = array.length,
	      isCommon = true,
	      result = [],
	      seen = result;

	  if (length >= LARGE_ARRAY_SIZE) {
	    var set = createSet(array);
	    if (set) {
	      return setToArray(set);
	    }
	    isCommon = false;
	    includes = cacheHas;
	    seen = new SetCache;
	  }
	  else {
	    seen = result;
	  }
	  outer:
	  while (++index < length) {
	    var value = array[index],
	        computed = value;

	    value = (value !== 0) ? value : 0;
	    if (isCommon && computed === computed) {
	      var seenIndex = seen.length;
	      while (seenIndex--) {
	        if (seen[seenIndex] === computed) {
	          continue outer;
	        }
	      }
	      result.push(value);
	    }
	    else if (!includes(seen, computed, comparator)) {
	      if (seen !== result) {
	        seen.push(computed);
	      }
	      result.push(value);
	    }
	  }
	  return result;
	}

	/**
	 * Creates a set object of `values`.
	 *
	 * @private
	 * @param {Array} values The values to add to the set.
	 * @returns {Object} Returns the new set.
	 */
	var createSet = !(Set && (1 / setToArray(new Set([,-0]))[1]) == INFINITY) ? noop : function(values) {
	  return new Set(values);
	};

	/**
	 * Gets the data for `map`.
	 *
	 * @private
	 * @param {Object} map The map to query.
	 * @param {string} key The reference key.
	 * @returns {*} Returns the map data.
	 */
	function getMapData(map, key) {
	  var data = map.__data__;
	  return isKeyable(key)
	    ? data[typeof key == 'string' ? 'string' : 'hash']
	    : data.map;
	}

	/**
	 * Gets the native function at `key` of `object`.
	 *
	 * @private
	 * @param {Object} object The object to query.
	 * @param {string} key The key of the method to get.
	 * @returns {*} Returns the function if it's native, else `undefined`.
	 */
	function getNative(object, key) {
	  var value = getValue(object, key);
	  return baseIsNative(value) ? value : undefined;
	}

	/**
	 * Checks if `value` is suitable for use as unique object key.
	 *
	 * @private
	 * @param {*} value The value to check.
	 * @returns {boolean} Returns `true` if `value` is suitable, else `false`.
	 */
	function isKeyable(value) {
	  var type = typeof value;
	  return (type == 'string' || type == 'number' || type == 'symbol' || type == 'boolean')
	    ? (value !== '__proto__')
	    : (value === null);
	}

	/**
	 * Checks if `func` has its source masked.
	 *
	 * @private
	 * @param {Function} func The function to check.
	 * @returns {boolean} Returns `true` if `func` is masked, else `false`.
	 */
	function isMasked(func) {
	  return !!maskSrcKey && (maskSrcKey in func);
	}

	/**
	 * Converts `func` to its source code.
	 *
	 * @private
	 * @param {Function} func The function to process.
	 * @returns {string} Returns the source code.
	 */
	function toSource(func) {
	  if (func != null) {
	    try {
	      return funcToString.call(func);
	    } catch (e) {}
	    try {
	      return (func + '');
	    } catch (e) {}
	  }
	  return '';
	}

	/**
	 * Creates a duplicate-free version of an array, using
	 * [`SameValueZero`](http://ecma-international.org/ecma-262/7.0/#sec-samevaluezero)
	 * for equality comparisons, in which only the first occurrence of each
	 * element is kept.
	 *
	 * @static
	 * @memberOf _
	 * @since 0.1.0
	 * @category Array
	 * @param {Array} array The array to inspect.
	 * @returns {Array} Returns the new duplicate free array.
	 * @example
	 *
	 * _.uniq([2, 1, 2]);
	 * // => [2, 1]
	 */
	function uniq(array) {
	  return (array && array.length)
	    ? baseUniq(array)
	    : [];
	}

	/**
	 * Performs a
	 * [`SameValueZero`](http://ecma-international.org/ecma-262/7.0/#sec-samevaluezero)
	 * comparison between two values to determine if they are equivalent.
	 *
	 * @static
	 * @memberOf _
	 * @since 4.0.0
	 * @category Lang
	 * @param {*} value The value to compare.
	 * @param {*} other The other value to compare.
	 * @returns {boolean} Returns `true` if the values are equivalent, else `false`.
	 * @example
	 *
	 * var object = { 'a': 1 };
	 * var other = { 'a': 1 };
	 *
	 * _.eq(object, object);
	 * // => true
	 *
	 * _.eq(object, other);
	 * // => false
	 *
	 * _.eq('a', 'a');
	 * // => true
	 *
	 * _.eq('a', Object('a'));
	 * // => false
	 *
	 * _.eq(NaN, NaN);
	 * // => true
	 */
	function eq(value, other) {
	  return value === other || (value !== value && other !== other);
	}

	/**
	 * Checks if `value` is classified as a `Function` object.
	 *
	 * @static
	 * @memberOf _
	 * @since 0.1.0
	 * @category Lang
	 * @param {*} value The value to check.
	 * @returns {boolean} Returns `true` if `value` is a function, else `false`.
	 * @example
	 *
	 * _.isFunction(_);
	 * // => true
	 *
	 * _.isFunction(/abc/);
	 * // => false
	 */
	function isFunction(value) {
	  // The use of `Object#toString` avoids issues with the `typeof` operator
	  // in Safari 8-9 which returns 'object' for typed array and other constructors.
	  var tag = isObject(value) ? objectToString.call(value) : '';
	  return tag == funcTag || tag == genTag;
	}

	/**
	 * Checks if `value` is the
	 * [language type](http://www.ecma-international.org/ecma-262/7.0/#sec-ecmascript-language-types)
	 * of `Object`. (e.g. arrays, functions, objects, regexes, `new Number(0)`, and `new String('')`)
	 *
	 * @static
	 * @memberOf _
	 * @since 0.1.0
	 * @category Lang
	 * @param {*} value The value to check.
	 * @returns {boolean} Returns `true` if `value` is an object, else `false`.
	 * @example
	 *
	 * _.isObject({});
	 * // => true
	 *
	 * _.isObject([1, 2, 3]);
	 * // => true
	 *
	 * _.isObject(_.noop);
	 * // => true
	 *
	 * _.isObject(null);
	 * // => false
	 */
	function isObject(value) {
	  var type = typeof value;
	  return !!value && (type == 'object' || type == 'function');
	}

	/**
	 * This method returns `undefined`.
	 *
	 * @static
	 * @memberOf _
	 * @since 2.3.0
	 * @category Util
	 * @example
	 *
	 * _.times(2, _.noop);
	 * // => [undefined, undefined]
	 */
	function noop() {
	  // No operation performed.
	}

	lodash_uniq = uniq;
	return lodash_uniq;
}

/**
 * lodash (Custom Build) <https://lodash.com/>
 * Build: `lodash modularize exports="npm" -o ./`
 * Copyright jQuery Foundation and other contributors <https://jquery.org/>
 * Released under MIT license <https://lodash.com/license>
 * Based on Underscore.js 1.8.3 <http://underscorejs.org/LICENSE>
 * Copyright Jeremy Ashkenas, DocumentCloud and Investigative Reporters & Editors
 */

var lodash_uniqwith;
var hasRequiredLodash_uniqwith;

function requireLodash_uniqwith () {
	if (hasRequiredLodash_uniqwith) return lodash_uniqwith;
	hasRequiredLodash_uniqwith = 1;
	/** Used as the size to enable large array optimizations. */
	var LARGE_ARRAY_SIZE = 200;

	/** Used to stand-in for `undefined` hash values. */
	var HASH_UNDEFINED = '__lodash_hash_undefined__';

	/** Used as references for various `Number` constants. */
	var INFINITY = 1 / 0;

	/** `Object#toString` result references. */
	var funcTag = '[object Function]',
	    genTag = '[object GeneratorFunction]';

	/**
	 * Used to match `RegExp`
	 * [syntax characters](http://ecma-international.org/ecma-262/7.0/#sec-patterns).
	 */
	var reRegExpChar = /[\\^$.*+?()[\]{}|]/g;

	/** Used to detect host constructors (Safari). */
	var reIsHostCtor = /^\[object .+?Constructor\]$/;

	/** Detect free variable `global` from Node.js. */
	var freeGlobal = typeof commonjsGlobal == 'object' && commonjsGlobal && commonjsGlobal.Object === Object && commonjsGlobal;

	/** Detect free variable `self`. */
	var freeSelf = typeof self == 'object' && self && self.Object === Object && self;

	/** Used as a reference to the global object. */
	var root = freeGlobal || freeSelf || Function('return this')();

	/**
	 * A specialized version of `_.includes` for arrays without support for
	 * specifying an index to search from.
	 *
	 * @private
	 * @param {Array} [array] The array to inspect.
	 * @param {*} target The value to search for.
	 * @returns {boolean} Returns `true` if `target` is found, else `false`.
	 */
	function arrayIncludes(array, value) {
	  var length = array ? array.length : 0;
	  return !!length && baseIndexOf(array, value, 0) > -1;
	}

	/**
	 * This function is like `arrayIncludes` except that it accepts a comparator.
	 *
	 * @private
	 * @param {Array} [array] The array to inspect.
	 * @param {*} target The value to search for.
	 * @param {Function} comparator The comparator invoked per element.
	 * @returns {boolean} Returns `true` if `target` is found, else `false`.
	 */
	function arrayIncludesWith(array, value, comparator) {
	  var index = -1,
	      length = array ? array.length : 0;

	  while (++index < length) {
	    if (comparator(value, array[index])) {
	      return true;
	    }
	  }
	  return false;
	}

	/**
	 * The base implementation of `_.findIndex` and `_.findLastIndex` without
	 * support for iteratee shorthands.
	 *
	 * @private
	 * @param {Array} array The array to inspect.
	 * @param {Function} predicate The function invoked per iteration.
	 * @param {number} fromIndex The index to search from.
	 * @param {boolean} [fromRight] Specify iterating from right to left.
	 * @returns {number} Returns the index of the matched value, else `-1`.
	 */
	function baseFindIndex(array, predicate, fromIndex, fromRight) {
	  var length = array.length,
	      index = fromIndex + (-1);

	  while ((++index < length)) {
	    if (predicate(array[index], index, array)) {
	      return index;
	    }
	  }
	  return -1;
	}

	/**
	 * The base implementation of `_.indexOf` without `fromIndex` bounds checks.
	 *
	 * @private
	 * @param {Array} array The array to inspect.
	 * @param {*} value The value to search for.
	 * @param {number} fromIndex The index to search from.
	 * @returns {number} Returns the index of the matched value, else `-1`.
	 */
	function baseIndexOf(array, value, fromIndex) {
	  if (value !== value) {
	    return baseFindIndex(array, baseIsNaN, fromIndex);
	  }
	  var index = fromIndex - 1,
	      length = array.length;

	  while (++index < length) {
	    if (array[index] === value) {
	      return index;
	    }
	  }
	  return -1;
	}

	/**
	 * The base implementation of `_.isNaN` without support for number objects.
	 *
	 * @private
	 * @param {*} value The value to check.
	 * @returns {boolean} Returns `true` if `value` is `NaN`, else `false`.
	 */
	function baseIsNaN(value) {
	  return value !== value;
	}

	/**
	 * Checks if a cache value for `key` exists.
	 *
	 * @private
	 * @param {Object} cache The cache to query.
	 * @param {string} key The key of the entry to check.
	 * @returns {boolean} Returns `true` if an entry for `key` exists, else `false`.
	 */
	function cacheHas(cache, key) {
	  return cache.has(key);
	}

	/**
	 * Gets the value at `key` of `object`.
	 *
	 * @private
	 * @param {Object} [object] The object to query.
	 * @param {string} key The key of the property to get.
	 * @returns {*} Returns the property value.
	 */
	function getValue(object, key) {
	  return object == null ? undefined : object[key];
	}

	/**
	 * Checks if `value` is a host object in IE < 9.
	 *
	 * @private
	 * @param {*} value The value to check.
	 * @returns {boolean} Returns `true` if `value` is a host object, else `false`.
	 */
	function isHostObject(value) {
	  // Many host objects are `Object` objects that can coerce to strings
	  // despite having improperly defined `toString` methods.
	  var result = false;
	  if (value != null && typeof value.toString != 'function') {
	    try {
	      result = !!(value + '');
	    } catch (e) {}
	  }
	  return result;
	}

	/**
	 * Converts `set` to an array of its values.
	 *
	 * @private
	 * @param {Object} set The set to convert.
	 * @returns {Array} Returns the values.
	 */
	function setToArray(set) {
	  var index = -1,
	      result = Array(set.size);

	  set.forEach(function(value) {
	    result[++index] = value;
	  });
	  return result;
	}

	/** Used for built-in method references. */
	var arrayProto = Array.prototype,
	    funcProto = Function.prototype,
	    objectProto = Object.prototype;

	/** Used to detect overreaching core-js shims. */
	var coreJsData = root['__core-js_shared__'];

	/** Used to detect methods masquerading as native. */
	var maskSrcKey = (function() {
	  var uid = /[^.]+$/.exec(coreJsData && coreJsData.keys && coreJsData.keys.IE_PROTO || '');
	  return uid ? ('Symbol(src)_1.' + uid) : '';
	}());

	/** Used to resolve the decompiled source of functions. */
	var funcToString = funcProto.toString;

	/** Used to check objects for own properties. */
	var hasOwnProperty = objectProto.hasOwnProperty;

	/**
	 * Used to resolve the
	 * [`toStringTag`](http://ecma-international.org/ecma-262/7.0/#sec-object.prototype.tostring)
	 * of values.
	 */
	var objectToString = objectProto.toString;

	/** Used to detect if a method is native. */
	var reIsNative = RegExp('^' +
	  funcToString.call(hasOwnProperty).replace(reRegExpChar, '\\$&')
	  .replace(/hasOwnProperty|(function).*?(?=\\\()| for .+?(?=\\\])/g, '$1.*?') + '$'
	);

	/** Built-in value references. */
	var splice = arrayProto.splice;

	/* Built-in method references that are verified to be native. */
	var Map = getNative(root, 'Map'),
	    Set = getNative(root, 'Set'),
	    nativeCreate = getNative(Object, 'create');

	/**
	 * Creates a hash object.
	 *
	 * @private
	 * @constructor
	 * @param {Array} [entries] The key-value pairs to cache.
	 */
	function Hash(entries) {
	  var index = -1,
	      length = entries ? entries.length : 0;

	  this.clear();
	  while (++index < length) {
	    var entry = entries[index];
	    this.set(entry[0], entry[1]);
	  }
	}

	/**
	 * Removes all key-value entries from the hash.
	 *
	 * @private
	 * @name clear
	 * @memberOf Hash
	 */
	function hashClear() {
	  this.__data__ = nativeCreate ? nativeCreate(null) : {};
	}

	/**
	 * Removes `key` and its value from the hash.
	 *
	 * @private
	 * @name delete
	 * @memberOf Hash
	 * @param {Object} hash The hash to modify.
	 * @param {string} key The key of the value to remove.
	 * @returns {boolean} Returns `true` if the entry was removed, else `false`.
	 */
	function hashDelete(key) {
	  return this.has(key) && delete this.__data__[key];
	}

	/**
	 * Gets the hash value for `key`.
	 *
	 * @private
	 * @name get
	 * @memberOf Hash
	 * @param {string} key The key of the value to get.
	 * @returns {*} Returns the entry value.
	 */
	function hashGet(key) {
	  var data = this.__data__;
	  if (nativeCreate) {
	    var result = data[key];
	    return result === HASH_UNDEFINED ? undefined : result;
	  }
	  return hasOwnProperty.call(data, key) ? data[key] : undefined;
	}

	/**
	 * Checks if a hash value for `key` exists.
	 *
	 * @private
	 * @name has
	 * @memberOf Hash
	 * @param {string} key The key of the entry to check.
	 * @returns {boolean} Returns `true` if an entry for `key` exists, else `false`.
	 */
	function hashHas(key) {
	  var data = this.__data__;
	  return nativeCreate ? data[key] !== undefined : hasOwnProperty.call(data, key);
	}

	/**
	 * Sets the hash `key` to `value`.
	 *
	 * @private
	 * @name set
	 * @memberOf Hash
	 * @param {string} key The key of the value to set.
	 * @param {*} value The value to set.
	 * @returns {Object} Returns the hash instance.
	 */
	function hashSet(key, value) {
	  var data = this.__data__;
	  data[key] = (nativeCreate && value === undefined) ? HASH_UNDEFINED : value;
	  return this;
	}

	// Add methods to `Hash`.
	Hash.prototype.clear = hashClear;
	Hash.prototype['delete'] = hashDelete;
	Hash.prototype.get = hashGet;
	Hash.prototype.has = hashHas;
	Hash.prototype.set = hashSet;

	/**
	 * Creates an list cache object.
	 *
	 * @private
	 * @constructor
	 * @param {Array} [entries] The key-value pairs to cache.
	 */
	function ListCache(entries) {
	  var index = -1,
	      length = entries ? entries.length : 0;

	  this.clear();
	  while (++index < length) {
	    var entry = entries[index];
	    this.set(entry[0], entry[1]);
	  }
	}

	/**
	 * Removes all key-value entries from the list cache.
	 *
	 * @private
	 * @name clear
	 * @memberOf ListCache
	 */
	function listCacheClear() {
	  this.__data__ = [];
	}

	/**
	 * Removes `key` and its value from the list cache.
	 *
	 * @private
	 * @name delete
	 * @memberOf ListCache
	 * @param {string} key The key of the value to remove.
	 * @returns {boolean} Returns `true` if the entry was removed, else `false`.
	 */
	function listCacheDelete(key) {
	  var data = this.__data__,
	      index = assocIndexOf(data, key);

	  if (index < 0) {
	    return false;
	  }
	  var lastIndex = data.length - 1;
	  if (index == lastIndex) {
	    data.pop();
	  } else {
	    splice.call(data, index, 1);
	  }
	  return true;
	}

	/**
	 * Gets the list cache value for `key`.
	 *
	 * @private
	 * @name get
	 * @memberOf ListCache
	 * @param {string} key The key of the value to get.
	 * @returns {*} Returns the entry value.
	 */
	function listCacheGet(key) {
	  var data = this.__data__,
	      index = assocIndexOf(data, key);

	  return index < 0 ? undefined : data[index][1];
	}

	/**
	 * Checks if a list cache value for `key` exists.
	 *
	 * @private
	 * @name has
	 * @memberOf ListCache
	 * @param {string} key The key of the entry to check.
	 * @returns {boolean} Returns `true` if an entry for `key` exists, else `false`.
	 */
	function listCacheHas(key) {
	  return assocIndexOf(this.__data__, key) > -1;
	}

	/**
	 * Sets the list cache `key` to `value`.
	 *
	 * @private
	 * @name set
	 * @memberOf ListCache
	 * @param {string} key The key of the value to set.
	 * @param {*} value The value to set.
	 * @returns {Object} Returns the list cache instance.
	 */
	function listCacheSet(key, value) {
	  var data = this.__data__,
	      index = assocIndexOf(data, key);

	  if (index < 0) {
	    data.push([key, value]);
	  } else {
	    data[index][1] = value;
	  }
	  return this;
	}

	// Add methods to `ListCache`.
	ListCache.prototype.clear = listCacheClear;
	ListCache.prototype['delete'] = listCacheDelete;
	ListCache.prototype.get = listCacheGet;
	ListCache.prototype.has = listCacheHas;
	ListCache.prototype.set = listCacheSet;

	/**
	 * Creates a map cache object to store key-value pairs.
	 *
	 * @private
	 * @constructor
	 * @param {Array} [entries] The key-value pairs to cache.
	 */
	function MapCache(entries) {
	  var index = -1,
	      length = entries ? entries.length : 0;

	  this.clear();
	  while (++index < length) {
	    var entry = entries[index];
	    this.set(entry[0], entry[1]);
	  }
	}

	/**
	 * Removes all key-value entries from the map.
	 *
	 * @private
	 * @name clear
	 * @memberOf MapCache
	 */
	function mapCacheClear() {
	  this.__data__ = {
	    'hash': new Hash,
	    'map': new (Map || ListCache),
	    'string': new Hash
	  };
	}

	/**
	 * Removes `key` and its value from the map.
	 *
	 * @private
	 * @name delete
	 * @memberOf MapCache
	 * @param {string} key The key of the value to remove.
	 * @returns {boolean} Returns `true` if the entry was removed, else `false`.
	 */
	function mapCacheDelete(key) {
	  return getMapData(this, key)['delete'](key);
	}

	/**
	 * Gets the map value for `key`.
	 *
	 * @private
	 * @name get
	 * @memberOf MapCache
	 * @param {string} key The key of the value to get.
	 * @returns {*} Returns the entry value.
	 */
	function mapCacheGet(key) {
	  return getMapData(this, key).get(key);
	}

	/**
	 * Checks if a map value for `key` exists.
	 *
	 * @private
	 * @name has
	 * @memberOf MapCache
	 * @param {string} key The key of the entry to check.
	 * @returns {boolean} Returns `true` if an entry for `key` exists, else `false`.
	 */
	function mapCacheHas(key) {
	  return getMapData(this, key).has(key);
	}

	/**
	 * Sets the map `key` to `value`.
	 *
	 * @private
	 * @name set
	 * @memberOf MapCache
	 * @param {string} key The key of the value to set.
	 * @param {*} value The value to set.
	 * @returns {Object} Returns the map cache instance.
	 */
	function mapCacheSet(key, value) {
	  getMapData(this, key).set(key, value);
	  return this;
	}

	// Add methods to `MapCache`.
	MapCache.prototype.clear = mapCacheClear;
	MapCache.prototype['delete'] = mapCacheDelete;
	MapCache.prototype.get = mapCacheGet;
	MapCache.prototype.has = mapCacheHas;
	MapCache.prototype.set = mapCacheSet;

	/**
	 *
	 * Creates an array cache object to store unique values.
	 *
	 * @private
	 * @constructor
	 * @param {Array} [values] The values to cache.
	 */
	function SetCache(values) {
	  var index = -1,
	      length = values ? values.length : 0;

	  this.__data__ = new MapCache;
	  while (++index < length) {
	    this.add(values[index]);
	  }
	}

	/**
	 * Adds `value` to the array cache.
	 *
	 * @private
	 * @name add
	 * @memberOf SetCache
	 * @alias push
	 * @param {*} value The value to cache.
	 * @returns {Object} Returns the cache instance.
	 */
	function setCacheAdd(value) {
	  this.__data__.set(value, HASH_UNDEFINED);
	  return this;
	}

	/**
	 * Checks if `value` is in the array cache.
	 *
	 * @private
	 * @name has
	 * @memberOf SetCache
	 * @param {*} value The value to search for.
	 * @returns {number} Returns `true` if `value` is found, else `false`.
	 */
	function setCacheHas(value) {
	  return this.__data__.has(value);
	}

	// Add methods to `SetCache`.
	SetCache.prototype.add = SetCache.prototype.push = setCacheAdd;
	SetCache.prototype.has = setCacheHas;

	/**
	 * Gets the index at which the `key` is found in `array` of key-value pairs.
	 *
	 * @private
	 * @param {Array} array The array to inspect.
	 * @param {*} key The key to search for.
	 * @returns {number} Returns the index of the matched value, else `-1`.
	 */
	function assocIndexOf(array, key) {
	  var length = array.length;
	  while (length--) {
	    if (eq(array[length][0], key)) {
	      return length;
	    }
	  }
	  return -1;
	}

	/**
	 * The base implementation of `_.isNative` without bad shim checks.
	 *
	 * @private
	 * @param {*} value The value to check.
	 * @returns {boolean} Returns `true` if `value` is a native function,
	 *  else `false`.
	 */
	function baseIsNative(value) {
	  if (!isObject(value) || isMasked(value)) {
	    return false;
	  }
	  var pattern = (isFunction(value) || isHostObject(value)) ? reIsNative : reIsHostCtor;
	  return pattern.test(toSource(value));
	}

	/**
	 * The base implementation of `_.uniqBy` without support for iteratee shorthands.
	 *
	 * @private
	 * @param {Array} array The array to inspect.
	 * @param {Function} [iteratee] The iteratee invoked per element.
	 * @param {Function} [comparator] The comparator invoked per element.
	 * @returns {Array} Returns the new duplicate free array.
	 */
	function baseUniq(array, iteratee, comparator) {
	  var index = -1,
	      includes = arrayIncludes,
	      length = array.length,
	      isCommon = true,
	      result = [],
	      seen = result;

	  if (comparator) {
	    isCommon = false;
	    includes = arrayIncludesWith;
	  }
	  else if (length >= LARGE_ARRAY_SIZE) {
	    var set = createSet(array);
	    if (set) {
	      return setToArray(set);
	    }
	    isCommon = false;
	    includes = cacheHas;
	    seen = new SetCache;
	  }
	  else {
	    seen = result;
	  }
	  outer:
	  while (++index < length) {
	    var value = array[index],
	        computed = value;

	    value = (comparator || value !== 0) ? value : 0;
	    if (isCommon && computed === computed) {
	      var seenIndex = seen.length;
	      while (seenIndex--) {
	        if (seen[seenIndex] === computed) {
	          continue outer;
	        }
	      }
	      result.push(value);
	    }
	    else if (!includes(seen, computed, comparator)) {
	      if (seen !== result) {
	        seen.push(computed);
	      }
	      result.push(value);
	    }
	  }
	  return result;
	}

	/**
	 * Creates a set object of `values`.
	 *
	 * @private
	 * @param {Array} values The values to add to the set.
	 * @returns {Object} Returns the new set.
	 */
	var createSet = !(Set && (1 / setToArray(new Set([,-0]))[1]) == INFINITY) ? noop : function(values) {
	  return new Set(values);
	};

	/**
	 * Gets the data for `map`.
	 *
	 * @private
	 * @param {Object} map The map to query.
	 * @param {string} key The reference key.
	 * @returns {*} Returns the map data.
	 */
	function getMapData(map, key) {
	  var data = map.__data__;
	  return isKeyable(key)
	    ? data[typeof key == 'string' ? 'string' : 'hash']
	    : data.map;
	}

	/**
	 * Gets the native function at `key` of `object`.
	 *
	 * @private
	 * @param {Object} object The object to query.
	 * @param {string} key The key of the method to get.
	 * @returns {*} Returns the function if it's native, else `undefined`.
	 */
	function getNative(object, key) {
	  var value = getValue(object, key);
	  return baseIsNative(value) ? value : undefined;
	}

	/**
	 * Checks if `value` is suitable for use as unique object key.
	 *
	 * @private
	 * @param {*} value The value to check.
	 * @returns {boolean} Returns `true` if `value` is suitable, else `false`.
	 */
	function isKeyable(value) {
	  var type = typeof value;
	  return (type == 'string' || type == 'number' || type == 'symbol' || type == 'boolean')
	    ? (value !== '__proto__')
	    : (value === null);
	}

	/**
	 * Checks if `func` has its source masked.
	 *
	 * @private
	 * @param {Function} func The function to check.
	 * @returns {boolean} Returns `true` if `func` is masked, else `false`.
	 */
	function isMasked(func) {
	  return !!maskSrcKey && (maskSrcKey in func);
	}

	/**
	 * Converts `func` to its source code.
	 *
	 * @private
	 * @param {Function} func The function to process.
	 * @returns {string} Returns the source code.
	 */
	function toSource(func) {
	  if (func != null) {
	    try {
	      return funcToString.call(func);
	    } catch (e) {}
	    try {
	      return (func + '');
	    } catch (e) {}
	  }
	  return '';
	}

	/**
	 * This method is like `_.uniq` except that it accepts `comparator` which
	 * is invoked to compare elements of `array`. The comparator is invoked with
	 * two arguments: (arrVal, othVal).
	 *
	 * @static
	 * @memberOf _
	 * @since 4.0.0
	 * @category Array
	 * @param {Array} array The array to inspect.
	 * @param {Function} [comparator] The comparator invoked per element.
	 * @returns {Array} Returns the new duplicate free array.
	 * @example
	 *
	 * var objects = [{ 'x': 1, 'y': 2 }, { 'x': 2, 'y': 1 }, { 'x': 1, 'y': 2 }];
	 *
	 * _.uniqWith(objects, _.isEqual);
	 * // => [{ 'x': 1, 'y': 2 }, { 'x': 2, 'y': 1 }]
	 */
	function uniqWith(array, comparator) {
	  return (array && array.length)
	    ? baseUniq(array, undefined, comparator)
	    : [];
	}

	/**
	 * Performs a
	 * [`SameValueZero`](http://ecma-international.org/ecma-262/7.0/#sec-samevaluezero)
	 * comparison between two values to determine if they are equivalent.
	 *
	 * @static
	 * @memberOf _
	 * @since 4.0.0
	 * @category Lang
	 * @param {*} value The value to compare.
	 * @param {*} other The other value to compare.
	 * @returns {boolean} Returns `true` if the values are equivalent, else `false`.
	 * @example
	 *
	 * var object = { 'a': 1 };
	 * var other = { 'a': 1 };
	 *
	 * _.eq(object, object);
	 * // => true
	 *
	 * _.eq(object, other);
	 * // => false
	 *
	 * _.eq('a', 'a');
	 * // => true
	 *
	 * _.eq('a', Object('a'));
	 * // => false
	 *
	 * _.eq(NaN, NaN);
	 * // => true
	 */
	function eq(value, other) {
	  return value === other || (value !== value && other !== other);
	}

	/**
	 * Checks if `value` is classified as a `Function` object.
	 *
	 * @static
	 * @memberOf _
	 * @since 0.1.0
	 * @category Lang
	 * @param {*} value The value to check.
	 * @returns {boolean} Returns `true` if `value` is a function, else `false`.
	 * @example
	 *
	 * _.isFunction(_);
	 * // => true
	 *
	 * _.isFunction(/abc/);
	 * // => false
	 */
	function isFunction(value) {
	  // The use of `Object#toString` avoids issues with the `typeof` operator
	  // in Safari 8-9 which returns 'object' for typed array and other constructors.
	  var tag = isObject(value) ? objectToString.call(value) : '';
	  return tag == funcTag || tag == genTag;
	}

	/**
	 * Checks if `value` is the
	 * [language type](http://www.ecma-international.org/ecma-262/7.0/#sec-ecmascript-language-types)
	 * of `Object`. (e.g. arrays, functions, objects, regexes, `new Number(0)`, and `new String('')`)
	 *
	 * @static
	 * @memberOf _
	 * @since 0.1.0
	 * @category Lang
	 * @param {*} value The value to check.
	 * @returns {boolean} Returns `true` if `value` is an object, else `false`.
	 * @example
	 *
	 * _.isObject({});
	 * // => true
	 *
	 * _.isObject([1, 2, 3]);
	 * // => true
	 *
	 * _.isObject(_.noop);
	 * // => true
	 *
	 * _.isObject(null);
	 * // => false
	 */
	function isObject(value) {
	  var type = typeof value;
	  return !!value && (type == 'object' || type == 'function');
	}

	/**
	 * This method returns `undefined`.
	 *
	 * @static
	 * @memberOf _
	 * @since 2.3.0
	 * @category Util
	 * @example
	 *
	 * _.times(2, _.noop);
	 * // => [undefined, undefined]
	 */
	function noop() {
	  // No operation performed.
	}

	lodash_uniqwith = uniqWith;
	return lodash_uniqwith;
}

var lodash_sortby = {exports: {}};

/**
 * lodash (Custom Build) <https://lodash.com/>
 * Build: `lodash modularize exports="npm" -o ./`
 * Copyright jQuery Foundation and other contributors <https://jquery.org/>
 * Released under MIT license <https://lodash.com/license>
 * Based on Underscore.js 1.8.3 <http://underscorejs.org/LICENSE>
 * Copyright Jeremy Ashkenas, DocumentCloud and Investigative Reporters & Editors
 */
lodash_sortby.exports;

var hasRequiredLodash_sortby;

function requireLodash_sortby () {
	if (hasRequiredLodash_sortby) return lodash_sortby.exports;
	hasRequiredLodash_sortby = 1;
	(function (module, exports) {
		/** Used as the size to enable large array optimizations. */
		var LARGE_ARRAY_SIZE = 200;

		/** Used as the `TypeError` message for "Functions" methods. */
		var FUNC_ERROR_TEXT = 'Expected a function';

		/** Used to stand-in for `undefined` hash values. */
		var HASH_UNDEFINED = '__lodash_hash_undefined__';

		/** Used to compose bitmasks for comparison styles. */
		var UNORDERED_COMPARE_FLAG = 1,
		    PARTIAL_COMPARE_FLAG = 2;

		/** Used as references for various `Number` constants. */
		var MAX_SAFE_INTEGER = 9007199254740991;

		/** `Object#toString` result references. */
		var argsTag = '[object Arguments]',
		    arrayTag = '[object Array]',
		    boolTag = '[object Boolean]',
		    dateTag = '[object Date]',
		    errorTag = '[object Error]',
		    funcTag = '[object Function]',
		    genTag = '[object GeneratorFunction]',
		    mapTag = '[object Map]',
		    numberTag = '[object Number]',
		    objectTag = '[object Object]',
		    promiseTag = '[object Promise]',
		    regexpTag = '[object RegExp]',
		    setTag = '[object Set]',
		    stringTag = '[object String]',
		    symbolTag = '[object Symbol]',
		    weakMapTag = '[object WeakMap]';

		var arrayBufferTag = '[object ArrayBuffer]',
		    dataViewTag = '[object DataView]',
		    float32Tag = '[object Float32Array]',
		    float64Tag = '[object Float64Array]',
		    int8Tag = '[object Int8Array]',
		    int16Tag = '[object Int16Array]',
		    int32Tag = '[object Int32Array]',
		    uint8Tag = '[object Uint8Array]',
		    uint8ClampedTag = '[object Uint8ClampedArray]',
		    uint16Tag = '[object Uint16Array]',
		    uint32Tag = '[object Uint32Array]';

		/** Used to match property names within property paths. */
		var reIsDeepProp = /\.|\[(?:[^[\]]*|(["'])(?:(?!\1)[^\\]|\\.)*?\1)\]/,
		    reIsPlainProp = /^\w*$/,
		    reLeadingDot = /^\./,
		    rePropName = /[^.[\]]+|\[(?:(-?\d+(?:\.\d+)?)|(["'])((?:(?!\2)[^\\]|\\.)*?)\2)\]|(?=(?:\.|\[\])(?:\.|\[\]|$))/g;

		/**
		 * Used to match `RegExp`
		 * [syntax characters](http://ecma-international.org/ecma-262/7.0/#sec-patterns).
		 */
		var reRegExpChar = /[\\^$.*+?()[\]{}|]/g;

		/** Used to match backslashes in property paths. */
		var reEscapeChar = /\\(\\)?/g;

		/** Used to detect host constructors (Safari). */
		var reIsHostCtor = /^\[object .+?Constructor\]$/;

		/** Used to detect unsigned integer values. */
		var reIsUint = /^(?:0|[1-9]\d*)$/;

		/** Used to identify `toStringTag` values of typed arrays. */
		var typedArrayTags = {};
		typedArrayTags[float32Tag] = typedArrayTags[float64Tag] =
		typedArrayTags[int8Tag] = typedArrayTags[int16Tag] =
		typedArrayTags[int32Tag] = typedArrayTags[uint8Tag] =
		typedArrayTags[uint8ClampedTag] = typedArrayTags[uint16Tag] =
		typedArrayTags[uint32Tag] = true;
		typedArrayTags[argsTag] = typedArrayTags[arrayTag] =
		typedArrayTags[arrayBufferTag] = typedArrayTags[boolTag] =
		typedArrayTags[dataViewTag] = typedArrayTags[dateTag] =
		typedArrayTags[errorTag] = typedArrayTags[funcTag] =
		typedArrayTags[mapTag] = typedArrayTags[numberTag] =
		typedArrayTags[objectTag] = typedArrayTags[regexpTag] =
		typedArrayTags[setTag] = typedArrayTags[stringTag] =
		typedArrayTags[weakMapTag] = false;

		/** Detect free variable `global` from Node.js. */
		var freeGlobal = typeof commonjsGlobal == 'object' && commonjsGlobal && commonjsGlobal.Object === Object && commonjsGlobal;

		/** Detect free variable `self`. */
		var freeSelf = typeof self == 'object' && self && self.Object === Object && self;

		/** Used as a reference to the global object. */
		var root = freeGlobal || freeSelf || Function('return this')();

		/** Detect free variable `exports`. */
		var freeExports = exports && !exports.nodeType && exports;

		/** Detect free variable `module`. */
		var freeModule = freeExports && 'object' == 'object' && module && !module.nodeType && module;

		/** Detect the popular CommonJS extension `module.exports`. */
		var moduleExports = freeModule && freeModule.exports === freeExports;

		/** Detect free variable `process` from Node.js. */
		var freeProcess = moduleExports && freeGlobal.process;

		/** Used to access faster Node.js helpers. */
		var nodeUtil = (function() {
		  try {
		    return freeProcess && freeProcess.binding('util');
		  } catch (e) {}
		}());

		/* Node.js helper references. */
		var nodeIsTypedArray = nodeUtil && nodeUtil.isTypedArray;

		/**
		 * A faster alternative to `Function#apply`, this function invokes `func`
		 * with the `this` binding of `thisArg` and the arguments of `args`.
		 *
		 * @private
		 * @param {Function} func The function to invoke.
		 * @param {*} thisArg The `this` binding of `func`.
		 * @param {Array} args The arguments to invoke `func` with.
		 * @returns {*} Returns the result of `func`.
		 */
		function apply(func, thisArg, args) {
		  switch (args.length) {
		    case 0: return func.call(thisArg);
		    case 1: return func.call(thisArg, args[0]);
		    case 2: return func.call(thisArg, args[0], args[1]);
		    case 3: return func.call(thisArg, args[0], args[1], args[2]);
		  }
		  return func.apply(thisArg, args);
		}

		/**
		 * A specialized version of `_.map` for arrays without support for iteratee
		 * shorthands.
		 *
		 * @private
		 * @param {Array} [array] The array to iterate over.
		 * @param {Function} iteratee The function invoked per iteration.
		 * @returns {Array} Returns the new mapped array.
		 */
		function arrayMap(array, iteratee) {
		  var index = -1,
		      length = array ? array.length : 0,
		      result = Array(length);

		  while (++index < length) {
		    result[index] = iteratee(array[index], index, array);
		  }
		  return result;
		}

		/**
		 * Appends the elements of `values` to `array`.
		 *
		 * @private
		 * @param {Array} array The array to modify.
		 * @param {Array} values The values to append.
		 * @returns {Array} Returns `array`.
		 */
		function arrayPush(array, values) {
		  var index = -1,
		      length = values.length,
		      offset = array.length;

		  while (++index < length) {
		    array[offset + index] = values[index];
		  }
		  return array;
		}

		/**
		 * A specialized version of `_.some` for arrays without support for iteratee
		 * shorthands.
		 *
		 * @private
		 * @param {Array} [array] The array to iterate over.
		 * @param {Function} predicate The function invoked per iteration.
		 * @returns {boolean} Returns `true` if any element passes the predicate check,
		 *  else `false`.
		 */
		function arraySome(array, predicate) {
		  var index = -1,
		      length = array ? array.length : 0;

		  while (++index < length) {
		    if (predicate(array[index], index, array)) {
		      return true;
		    }
		  }
		  return false;
		}

		/**
		 * The base implementation of `_.property` without support for deep paths.
		 *
		 * @private
		 * @param {string} key The key of the property to get.
		 * @returns {Function} Returns the new accessor function.
		 */
		function baseProperty(key) {
		  return function(object) {
		    return object == null ? undefined : object[key];
		  };
		}

		/**
		 * The base implementation of `_.sortBy` which uses `comparer` to define the
		 * sort order of `array` and replaces criteria objects with their corresponding
		 * values.
		 *
		 * @private
		 * @param {Array} array The array to sort.
		 * @param {Function} comparer The function to define sort order.
		 * @returns {Array} Returns `array`.
		 */
		function baseSortBy(array, comparer) {
		  var length = array.length;

		  array.sort(comparer);
		  while (length--) {
		    array[length] = array[length].value;
		  }
		  return array;
		}

		/**
		 * The base implementation of `_.times` without support for iteratee shorthands
		 * or max array length checks.
		 *
		 * @private
		 * @param {number} n The number of times to invoke `iteratee`.
		 * @param {Function} iteratee The function invoked per iteration.
		 * @returns {Array} Returns the array of results.
		 */
		function baseTimes(n, iteratee) {
		  var index = -1,
		      result = Array(n);

		  while (++index < n) {
		    result[index] = iteratee(index);
		  }
		  return result;
		}

		/**
		 * The base implementation of `_.unary` without support for storing metadata.
		 *
		 * @private
		 * @param {Function} func The function to cap arguments for.
		 * @returns {Function} Returns the new capped function.
		 */
		function baseUnary(func) {
		  return function(value) {
		    return func(value);
		  };
		}

		/**
		 * Gets the value at `key` of `object`.
		 *
		 * @private
		 * @param {Object} [object] The object to query.
		 * @param {string} key The key of the property to get.
		 * @returns {*} Returns the property value.
		 */
		function getValue(object, key) {
		  return object == null ? undefined : object[key];
		}

		/**
		 * Checks if `value` is a host object in IE < 9.
		 *
		 * @private
		 * @param {*} value The value to check.
		 * @returns {boolean} Returns `true` if `value` is a host object, else `false`.
		 */
		function isHostObject(value) {
		  // Many host objects are `Object` objects that can coerce to strings
		  // despite having improperly defined `toString` methods.
		  var result = false;
		  if (value != null && typeof value.toString != 'function') {
		    try {
		      result = !!(value + '');
		    } catch (e) {}
		  }
		  return result;
		}

		/**
		 * Converts `map` to its key-value pairs.
		 *
		 * @private
		 * @param {Object} map The map to convert.
		 * @returns {Array} Returns the key-value pairs.
		 */
		function mapToArray(map) {
		  var index = -1,
		      result = Array(map.size);

		  map.forEach(function(value, key) {
		    result[++index] = [key, value];
		  });
		  return result;
		}

		/**
		 * Creates a unary function that invokes `func` with its argument transformed.
		 *
		 * @private
		 * @param {Function} func The function to wrap.
		 * @param {Function} transform The argument transform.
		 * @returns {Function} Returns the new function.
		 */
		function overArg(func, transform) {
		  return function(arg) {
		    return func(transform(arg));
		  };
		}

		/**
		 * Converts `set` to an array of its values.
		 *
		 * @private
		 * @param {Object} set The set to convert.
		 * @returns {Array} Returns the values.
		 */
		function setToArray(set) {
		  var index = -1,
		      result = Array(set.size);

		  set.forEach(function(value) {
		    result[++index] = value;
		  });
		  return result;
		}

		/** Used for built-in method references. */
		var arrayProto = Array.prototype,
		    funcProto = Function.prototype,
		    objectProto = Object.prototype;

		/** Used to detect overreaching core-js shims. */
		var coreJsData = root['__core-js_shared__'];

		/** Used to detect methods masquerading as native. */
		var maskSrcKey = (function() {
		  var uid = /[^.]+$/.exec(coreJsData && coreJsData.keys && coreJsData.keys.IE_PROTO || '');
		  return uid ? ('Symbol(src)_1.' + uid) : '';
		}());

		/** Used to resolve the decompiled source of functions. */
		var funcToString = funcProto.toString;

		/** Used to check objects for own properties. */
		var hasOwnProperty = objectProto.hasOwnProperty;

		/**
		 * Used to resolve the
		 * [`toStringTag`](http://ecma-international.org/ecma-262/7.0/#sec-object.prototype.tostring)
		 * of values.
		 */
		var objectToString = objectProto.toString;

		/** Used to detect if a method is native. */
		var reIsNative = RegExp('^' +
		  funcToString.call(hasOwnProperty).replace(reRegExpChar, '\\$&')
		  .replace(/hasOwnProperty|(function).*?(?=\\\()| for .+?(?=\\\])/g, '$1.*?') + '$'
		);

		/** Built-in value references. */
		var Symbol = root.Symbol,
		    Uint8Array = root.Uint8Array,
		    propertyIsEnumerable = objectProto.propertyIsEnumerable,
		    splice = arrayProto.splice,
		    spreadableSymbol = Symbol ? Symbol.isConcatSpreadable : undefined;

		/* Built-in method references for those with the same name as other `lodash` methods. */
		var nativeKeys = overArg(Object.keys, Object),
		    nativeMax = Math.max;

		/* Built-in method references that are verified to be native. */
		var DataView = getNative(root, 'DataView'),
		    Map = getNative(root, 'Map'),
		    Promise = getNative(root, 'Promise'),
		    Set = getNative(root, 'Set'),
		    WeakMap = getNative(root, 'WeakMap'),
		    nativeCreate = getNative(Object, 'create');

		/** Used to detect maps, sets, and weakmaps. */
		var dataViewCtorString = toSource(DataView),
		    mapCtorString = toSource(Map),
		    promiseCtorString = toSource(Promise),
		    setCtorString = toSource(Set),
		    weakMapCtorString = toSource(WeakMap);

		/** Used to convert symbols to primitives and strings. */
		var symbolProto = Symbol ? Symbol.prototype : undefined,
		    symbolValueOf = symbolProto ? symbolProto.valueOf : undefined,
		    symbolToString = symbolProto ? symbolProto.toString : undefined;

		/**
		 * Creates a hash object.
		 *
		 * @private
		 * @constructor
		 * @param {Array} [entries] The key-value pairs to cache.
		 */
		function Hash(entries) {
		  var index = -1,
		      length = entries ? entries.length : 0;

		  this.clear();
		  while (++index < length) {
		    var entry = entries[index];
		    this.set(entry[0], entry[1]);
		  }
		}

		/**
		 * Removes all key-value entries from the hash.
		 *
		 * @private
		 * @name clear
		 * @memberOf Hash
		 */
		function hashClear() {
		  this.__data__ = nativeCreate ? nativeCreate(null) : {};
		}

		/**
		 * Removes `key` and its value from the hash.
		 *
		 * @private
		 * @name delete
		 * @memberOf Hash
		 * @param {Object} hash The hash to modify.
		 * @param {string} key The key of the value to remove.
		 * @returns {boolean} Returns `true` if the entry was removed, else `false`.
		 */
		function hashDelete(key) {
		  return this.has(key) && delete this.__data__[key];
		}

		/**
		 * Gets the hash value for `key`.
		 *
		 * @private
		 * @name get
		 * @memberOf Hash
		 * @param {string} key The key of the value to get.
		 * @returns {*} Returns the entry value.
		 */
		function hashGet(key) {
		  var data = this.__data__;
		  if (nativeCreate) {
		    var result = data[key];
		    return result === HASH_UNDEFINED ? undefined : result;
		  }
		  return hasOwnProperty.call(data, key) ? data[key] : undefined;
		}

		/**
		 * Checks if a hash value for `key` exists.
		 *
		 * @private
		 * @name has
		 * @memberOf Hash
		 * @param {string} key The key of the entry to check.
		 * @returns {boolean} Returns `true` if an entry for `key` exists, else `false`.
		 */
		function hashHas(key) {
		  var data = this.__data__;
		  return nativeCreate ? data[key] !== undefined : hasOwnProperty.call(data, key);
		}

		/**
		 * Sets the hash `key` to `value`.
		 *
		 * @private
		 * @name set
		 * @memberOf Hash
		 * @param {string} key The key of the value to set.
		 * @param {*} value The value to set.
		 * @returns {Object} Returns the hash instance.
		 */
		function hashSet(key, value) {
		  var data = this.__data__;
		  data[key] = (nativeCreate && value === undefined) ? HASH_UNDEFINED : value;
		  return this;
		}

		// Add methods to `Hash`.
		Hash.prototype.clear = hashClear;
		Hash.prototype['delete'] = hashDelete;
		Hash.prototype.get = hashGet;
		Hash.prototype.has = hashHas;
		Hash.prototype.set = hashSet;

		/**
		 * Creates an list cache object.
		 *
		 * @private
		 * @constructor
		 * @param {Array} [entries] The key-value pairs to cache.
		 */
		function ListCache(entries) {
		  var index = -1,
		      length = entries ? entries.length : 0;

		  this.clear();
		  while (++index < length) {
		    var entry = entries[index];
		    this.set(entry[0], entry[1]);
		  }
		}

		/**
		 * Removes all key-value entries from the list cache.
		 *
		 * @private
		 * @name clear
		 * @memberOf ListCache
		 */
		function listCacheClear() {
		  this.__data__ = [];
		}

		/**
		 * Removes `key` and its value from the list cache.
		 *
		 * @private
		 * @name delete
		 * @memberOf ListCache
		 * @param {string} key The key of the value to remove.
		 * @returns {boolean} Returns `true` if the entry was removed, else `false`.
		 */
		function listCacheDelete(key) {
		  var data = this.__data__,
		      index = assocIndexOf(data, key);

		  if (index < 0) {
		    return false;
		  }
		  var lastIndex = data.length - 1;
		  if (index == lastIndex) {
		    data.pop();
		  } else {
		    splice.call(data, index, 1);
		  }
		  return true;
		}

		/**
		 * Gets the list cache value for `key`.
		 *
		 * @private
		 * @name get
		 * @memberOf ListCache
		 * @param {string} key The key of the value to get.
		 * @returns {*} Returns the entry value.
		 */
		function listCacheGet(key) {
		  var data = this.__data__,
		      index = assocIndexOf(data, key);

		  return index < 0 ? undefined : data[index][1];
		}

		/**
		 * Checks if a list cache value for `key` exists.
		 *
		 * @private
		 * @name has
		 * @memberOf ListCache
		 * @param {string} key The key of the entry to check.
		 * @returns {boolean} Returns `true` if an entry for `key` exists, else `false`.
		 */
		function listCacheHas(key) {
		  return assocIndexOf(this.__data__, key) > -1;
		}

		/**
		 * Sets the list cache `key` to `value`.
		 *
		 * @private
		 * @name set
		 * @memberOf ListCache
		 * @param {string} key The key of the value to set.
		 * @param {*} value The value to set.
		 * @returns {Object} Returns the list cache instance.
		 */
		function listCacheSet(key, value) {
		  var data = this.__data__,
		      index = assocIndexOf(data, key);

		  if (index < 0) {
		    data.push([key, value]);
		  } else {
		    data[index][1] = value;
		  }
		  return this;
		}

		// Add methods to `ListCache`.
		ListCache.prototype.clear = listCacheClear;
		ListCache.prototype['delete'] = listCacheDelete;
		ListCache.prototype.get = listCacheGet;
		ListCache.prototype.has = listCacheHas;
		ListCache.prototype.set = listCacheSet;

		/**
		 * Creates a map cache object to store key-value pairs.
		 *
		 * @private
		 * @constructor
		 * @param {Array} [entries] The key-value pairs to cache.
		 */
		function MapCache(entries) {
		  var index = -1,
		      length = entries ? entries.length : 0;

		  this.clear();
		  while (++index < length) {
		    var entry = entries[index];
		    this.set(entry[0], entry[1]);
		  }
		}

		/**
		 * Removes all key-value entries from the map.
		 *
		 * @private
		 * @name clear
		 * @memberOf MapCache
		 */
		function mapCacheClear() {
		  this.__data__ = {
		    'hash': new Hash,
		    'map': new (Map || ListCache),
		    'string': new Hash
		  };
		}

		/**
		 * Removes `key` and its value from the map.
		 *
		 * @private
		 * @name delete
		 * @memberOf MapCache
		 * @param {string} key The key of the value to remove.
		 * @returns {boolean} Returns `true` if the entry was removed, else `false`.
		 */
		function mapCacheDelete(key) {
		  return getMapData(this, key)['delete'](key);
		}

		/**
		 * Gets the map value for `key`.
		 *
		 * @private
		 * @name get
		 * @memberOf MapCache
		 * @param {string} key The key of the value to get.
		 * @returns {*} Returns the entry value.
		 */
		function mapCacheGet(key) {
		  return getMapData(this, key).get(key);
		}

		/**
		 * Checks if a map value for `key` exists.
		 *
		 * @private
		 * @name has
		 * @memberOf MapCache
		 * @param {string} key The key of the entry to check.
		 * @returns {boolean} Returns `true` if an entry for `key` exists, else `false`.
		 */
		function mapCacheHas(key) {
		  return getMapData(this, key).has(key);
		}

		/**
		 * Sets the map `key` to `value`.
		 *
		 * @private
		 * @name set
		 * @memberOf MapCache
		 * @param {string} key The key of the value to set.
		 * @param {*} value The value to set.
		 * @returns {Object} Returns the map cache instance.
		 */
		function mapCacheSet(key, value) {
		  getMapData(this, key).set(key, value);
		  return this;
		}

		// Add methods to `MapCache`.
		MapCache.prototype.clear = mapCacheClear;
		MapCache.prototype['delete'] = mapCacheDelete;
		MapCache.prototype.get = mapCacheGet;
		MapCache.prototype.has = mapCacheHas;
		MapCache.prototype.set = mapCacheSet;

		/**
		 *
		 * Creates an array cache object to store unique values.
		 *
		 * @private
		 * @constructor
		 * @param {Array} [values] The values to cache.
		 */
		function SetCache(values) {
		  var index = -1,
		      length = values ? values.length : 0;

		  this.__data__ = new MapCache;
		  while (++index < length) {
		    this.add(values[index]);
		  }
		}

		/**
		 * Adds `value` to the array cache.
		 *
		 * @private
		 * @name add
		 * @memberOf SetCache
		 * @alias push
		 * @param {*} value The value to cache.
		 * @returns {Object} Returns the cache instance.
		 */
		function setCacheAdd(value) {
		  this.__data__.set(value, HASH_UNDEFINED);
		  return this;
		}

		/**
		 * Checks if `value` is in the array cache.
		 *
		 * @private
		 * @name has
		 * @memberOf SetCache
		 * @param {*} value The value to search for.
		 * @returns {number} Returns `true` if `value` is found, else `false`.
		 */
		function setCacheHas(value) {
		  return this.__data__.has(value);
		}

		// Add methods to `SetCache`.
		SetCache.prototype.add = SetCache.prototype.push = setCacheAdd;
		SetCache.prototype.has = setCacheHas;

		/**
		 * Creates a stack cache object to store key-value pairs.
		 *
		 * @private
		 * @constructor
		 * @param {Array} [entries] The key-value pairs to cache.
		 */
		function Stack(entries) {
		  this.__data__ = new ListCache(entries);
		}

		/**
		 * Removes all key-value entries from the stack.
		 *
		 * @private
		 * @name clear
		 * @memberOf Stack
		 */
		function stackClear() {
		  this.__data__ = new ListCache;
		}

		/**
		 * Removes `key` and its value from the stack.
		 *
		 * @private
		 * @name delete
		 * @memberOf Stack
		 * @param {string} key The key of the value to remove.
		 * @returns {boolean} Returns `true` if the entry was removed, else `false`.
		 */
		function stackDelete(key) {
		  return this.__data__['delete'](key);
		}

		/**
		 * Gets the stack value for `key`.
		 *
		 * @private
		 * @name get
		 * @memberOf Stack
		 * @param {string} key The key of the value to get.
		 * @returns {*} Returns the entry value.
		 */
		function stackGet(key) {
		  return this.__data__.get(key);
		}

		/**
		 * Checks if a stack value for `key` exists.
		 *
		 * @private
		 * @name has
		 * @memberOf Stack
		 * @param {string} key The key of the entry to check.
		 * @returns {boolean} Returns `true` if an entry for `key` exists, else `false`.
		 */
		function stackHas(key) {
		  return this.__data__.has(key);
		}

		/**
		 * Sets the stack `key` to `value`.
		 *
		 * @private
		 * @name set
		 * @memberOf Stack
		 * @param {string} key The key of the value to set.
		 * @param {*} value The value to set.
		 * @returns {Object} Returns the stack cache instance.
		 */
		function stackSet(key, value) {
		  var cache = this.__data__;
		  if (cache instanceof ListCache) {
		    var pairs = cache.__data__;
		    if (!Map || (pairs.length < LARGE_ARRAY_SIZE - 1)) {
		      pairs.push([key, value]);
		      return this;
		    }
		    cache = this.__data__ = new MapCache(pairs);
		  }
		  cache.set(key, value);
		  return this;
		}

		// Add methods to `Stack`.
		Stack.prototype.clear = stackClear;
		Stack.prototype['delete'] = stackDelete;
		Stack.prototype.get = stackGet;
		Stack.prototype.has = stackHas;
		Stack.prototype.set = stackSet;

		/**
		 * Creates an array of the enumerable property names of the array-like `value`.
		 *
		 * @private
		 * @param {*} value The value to query.
		 * @param {boolean} inherited Specify returning inherited property names.
		 * @returns {Array} Returns the array of property names.
		 */
		function arrayLikeKeys(value, inherited) {
		  // Safari 8.1 makes `arguments.callee` enumerable in strict mode.
		  // Safari 9 makes `arguments.length` enumerable in strict mode.
		  var result = (isArray(value) || isArguments(value))
		    ? baseTimes(value.length, String)
		    : [];

		  var length = result.length,
		      skipIndexes = !!length;

		  for (var key in value) {
		    if ((hasOwnProperty.call(value, key)) &&
		        !(skipIndexes && (key == 'length' || isIndex(key, length)))) {
		      result.push(key);
		    }
		  }
		  return result;
		}

		/**
		 * Gets the index at which the `key` is found in `array` of key-value pairs.
		 *
		 * @private
		 * @param {Array} array The array to inspect.
		 * @param {*} key The key to search for.
		 * @returns {number} Returns the index of the matched value, else `-1`.
		 */
		function assocIndexOf(array, key) {
		  var length = array.length;
		  while (length--) {
		    if (eq(array[length][0], key)) {
		      return length;
		    }
		  }
		  return -1;
		}

		/**
		 * The base implementation of `_.forEach` without support for iteratee shorthands.
		 *
		 * @private
		 * @param {Array|Object} collection The collection to iterate over.
		 * @param {Function} iteratee The function invoked per iteration.
		 * @returns {Array|Object} Returns `collection`.
		 */
		var baseEach = createBaseEach(baseForOwn);

		/**
		 * The base implementation of `_.flatten` with support for restricting flattening.
		 *
		 * @private
		 * @param {Array} array The array to flatten.
		 * @param {number} depth The maximum recursion depth.
		 * @param {boolean} [predicate=isFlattenable] The function invoked per iteration.
		 * @param {boolean} [isStrict] Restrict to values that pass `predicate` checks.
		 * @param {Array} [result=[]] The initial result value.
		 * @returns {Array} Returns the new flattened array.
		 */
		function baseFlatten(array, depth, predicate, isStrict, result) {
		  var index = -1,
		      length = array.length;

		  predicate || (predicate = isFlattenable);
		  result || (result = []);

		  while (++index < length) {
		    var value = array[index];
		    if (predicate(value)) {
		      {
		        arrayPush(result, value);
		      }
		    } else {
		      result[result.length] = value;
		    }
		  }
		  return result;
		}

		/**
		 * The base implementation of `baseForOwn` which iterates over `object`
		 * properties returned by `keysFunc` and invokes `iteratee` for each property.
		 * Iteratee functions may exit iteration early by explicitly returning `false`.
		 *
		 * @private
		 * @param {Object} object The object to iterate over.
		 * @param {Function} iteratee The function invoked per iteration.
		 * @param {Function} keysFunc The function to get the keys of `object`.
		 * @returns {Object} Returns `object`.
		 */
		var baseFor = createBaseFor();

		/**
		 * The base implementation of `_.forOwn` without support for iteratee shorthands.
		 *
		 * @private
		 * @param {Object} object The object to iterate over.
		 * @param {Function} iteratee The function invoked per iteration.
		 * @returns {Object} Returns `object`.
		 */
		function baseForOwn(object, iteratee) {
		  return object && baseFor(object, iteratee, keys);
		}

		/**
		 * The base implementation of `_.get` without support for default values.
		 *
		 * @private
		 * @param {Object} object The object to query.
		 * @param {Array|string} path The path of the property to get.
		 * @returns {*} Returns the resolved value.
		 */
		function baseGet(object, path) {
		  path = isKey(path, object) ? [path] : castPath(path);

		  var index = 0,
		      length = path.length;

		  while (object != null && index < length) {
		    object = object[toKey(path[index++])];
		  }
		  return (index && index == length) ? object : undefined;
		}

		/**
		 * The base implementation of `getTag`.
		 *
		 * @private
		 * @param {*} value The value to query.
		 * @returns {string} Returns the `toStringTag`.
		 */
		function baseGetTag(value) {
		  return objectToString.call(value);
		}

		/**
		 * The base implementation of `_.hasIn` without support for deep paths.
		 *
		 * @private
		 * @param {Object} [object] The object to query.
		 * @param {Array|string} key The key to check.
		 * @returns {boolean} Returns `true` if `key` exists, else `false`.
		 */
		function baseHasIn(object, key) {
		  return object != null && key in Object(object);
		}

		/**
		 * The base implementation of `_.isEqual` which supports partial comparisons
		 * and tracks traversed objects.
		 *
		 * @private
		 * @param {*} value The value to compare.
		 * @param {*} other The other value to compare.
		 * @param {Function} [customizer] The function to customize comparisons.
		 * @param {boolean} [bitmask] The bitmask of comparison flags.
		 *  The bitmask may be composed of the following flags:
		 *     1 - Unordered comparison
		 *     2 - Partial comparison
		 * @param {Object} [stack] Tracks traversed `value` and `other` objects.
		 * @returns {boolean} Returns `true` if the values are equivalent, else `false`.
		 */
		function baseIsEqual(value, other, customizer, bitmask, stack) {
		  if (value === other) {
		    return true;
		  }
		  if (value == null || other == null || (!isObject(value) && !isObjectLike(other))) {
		    return value !== value && other !== other;
		  }
		  return baseIsEqualDeep(value, other, baseIsEqual, customizer, bitmask, stack);
		}

		/**
		 * A specialized version of `baseIsEqual` for arrays and objects which performs
		 * deep comparisons and tracks traversed objects enabling objects with circular
		 * references to be compared.
		 *
		 * @private
		 * @param {Object} object The object to compare.
		 * @param {Object} other The other object to compare.
		 * @param {Function} equalFunc The function to determine equivalents of values.
		 * @param {Function} [customizer] The function to customize comparisons.
		 * @param {number} [bitmask] The bitmask of comparison flags. See `baseIsEqual`
		 *  for more details.
		 * @param {Object} [stack] Tracks traversed `object` and `other` objects.
		 * @returns {boolean} Returns `true` if the objects are equivalent, else `false`.
		 */
		function baseIsEqualDeep(object, other, equalFunc, customizer, bitmask, stack) {
		  var objIsArr = isArray(object),
		      othIsArr = isArray(other),
		      objTag = arrayTag,
		      othTag = arrayTag;

		  if (!objIsArr) {
		    objTag = getTag(object);
		    objTag = objTag == argsTag ? objectTag : objTag;
		  }
		  if (!othIsArr) {
		    othTag = getTag(other);
		    othTag = othTag == argsTag ? objectTag : othTag;
		  }
		  var objIsObj = objTag == objectTag && !isHostObject(object),
		      othIsObj = othTag == objectTag && !isHostObject(other),
		      isSameTag = objTag == othTag;

		  if (isSameTag && !objIsObj) {
		    stack || (stack = new Stack);
		    return (objIsArr || isTypedArray(object))
		      ? equalArrays(object, other, equalFunc, customizer, bitmask, stack)
		      : equalByTag(object, other, objTag, equalFunc, customizer, bitmask, stack);
		  }
		  if (!(bitmask & PARTIAL_COMPARE_FLAG)) {
		    var objIsWrapped = objIsObj && hasOwnProperty.call(object, '__wrapped__'),
		        othIsWrapped = othIsObj && hasOwnProperty.call(other, '__wrapped__');

		    if (objIsWrapped || othIsWrapped) {
		      var objUnwrapped = objIsWrapped ? object.value() : object,
		          othUnwrapped = othIsWrapped ? other.value() : other;

		      stack || (stack = new Stack);
		      return equalFunc(objUnwrapped, othUnwrapped, customizer, bitmask, stack);
		    }
		  }
		  if (!isSameTag) {
		    return false;
		  }
		  stack || (stack = new Stack);
		  return equalObjects(object, other, equalFunc, customizer, bitmask, stack);
		}

		/**
		 * The base implementation of `_.isMatch` without support for iteratee shorthands.
		 *
		 * @private
		 * @param {Object} object The object to inspect.
		 * @param {Object} source The object of property values to match.
		 * @param {Array} matchData The property names, values, and compare flags to match.
		 * @param {Function} [customizer] The function to customize comparisons.
		 * @returns {boolean} Returns `true` if `object` is a match, else `false`.
		 */
		function baseIsMatch(object, source, matchData, customizer) {
		  var index = matchData.length,
		      length = index;

		  if (object == null) {
		    return !length;
		  }
		  object = Object(object);
		  while (index--) {
		    var data = matchData[index];
		    if ((data[2])
		          ? data[1] !== object[data[0]]
		          : !(data[0] in object)
		        ) {
		      return false;
		    }
		  }
		  while (++index < length) {
		    data = matchData[index];
		    var key = data[0],
		        objValue = object[key],
		        srcValue = data[1];

		    if (data[2]) {
		      if (objValue === undefined && !(key in object)) {
		        return false;
		      }
		    } else {
		      var stack = new Stack;
		      var result; 
		      if (!(result === undefined
		            ? baseIsEqual(srcValue, objValue, customizer, UNORDERED_COMPARE_FLAG | PARTIAL_COMPARE_FLAG, stack)
		            : result
		          )) {
		        return false;
		      }
		    }
		  }
		  return true;
		}

		/**
		 * The base implementation of `_.isNative` without bad shim checks.
		 *
		 * @private
		 * @param {*} value The value to check.
		 * @returns {boolean} Returns `true` if `value` is a native function,
		 *  else `false`.
		 */
		function baseIsNative(value) {
		  if (!isObject(value) || isMasked(value)) {
		    return false;
		  }
		  var pattern = (isFunction(value) || isHostObject(value)) ? reIsNative : reIsHostCtor;
		  return pattern.test(toSource(value));
		}

		/**
		 * The base implementation of `_.isTypedArray` without Node.js optimizations.
		 *
		 * @private
		 * @param {*} value The value to check.
		 * @returns {boolean} Returns `true` if `value` is a typed array, else `false`.
		 */
		function baseIsTypedArray(value) {
		  return isObjectLike(value) &&
		    isLength(value.length) && !!typedArrayTags[objectToString.call(value)];
		}

		/**
		 * The base implementation of `_.iteratee`.
		 *
		 * @private
		 * @param {*} [value=_.identity] The value to convert to an iteratee.
		 * @returns {Function} Returns the iteratee.
		 */
		function baseIteratee(value) {
		  // Don't store the `typeof` result in a variable to avoid a JIT bug in Safari 9.
		  // See https://bugs.webkit.org/show_bug.cgi?id=156034 for more details.
		  if (typeof value == 'function') {
		    return value;
		  }
		  if (value == null) {
		    return identity;
		  }
		  if (typeof value == 'object') {
		    return isArray(value)
		      ? baseMatchesProperty(value[0], value[1])
		      : baseMatches(value);
		  }
		  return property(value);
		}

		/**
		 * The base implementation of `_.keys` which doesn't treat sparse arrays as dense.
		 *
		 * @private
		 * @param {Object} object The object to query.
		 * @returns {Array} Returns the array of property names.
		 */
		function baseKeys(object) {
		  if (!isPrototype(object)) {
		    return nativeKeys(object);
		  }
		  var result = [];
		  for (var key in Object(object)) {
		    if (hasOwnProperty.call(object, key) && key != 'constructor') {
		      result.push(key);
		    }
		  }
		  return result;
		}

		/**
		 * The base implementation of `_.map` without support for iteratee shorthands.
		 *
		 * @private
		 * @param {Array|Object} collection The collection to iterate over.
		 * @param {Function} iteratee The function invoked per iteration.
		 * @returns {Array} Returns the new mapped array.
		 */
		function baseMap(collection, iteratee) {
		  var index = -1,
		      result = isArrayLike(collection) ? Array(collection.length) : [];

		  baseEach(collection, function(value, key, collection) {
		    result[++index] = iteratee(value, key, collection);
		  });
		  return result;
		}

		/**
		 * The base implementation of `_.matches` which doesn't clone `source`.
		 *
		 * @private
		 * @param {Object} source The object of property values to match.
		 * @returns {Function} Returns the new spec function.
		 */
		function baseMatches(source) {
		  var matchData = getMatchData(source);
		  if (matchData.length == 1 && matchData[0][2]) {
		    return matchesStrictComparable(matchData[0][0], matchData[0][1]);
		  }
		  return function(object) {
		    return object === source || baseIsMatch(object, source, matchData);
		  };
		}

		/**
		 * The base implementation of `_.matchesProperty` which doesn't clone `srcValue`.
		 *
		 * @private
		 * @param {string} path The path of the property to get.
		 * @param {*} srcValue The value to match.
		 * @returns {Function} Returns the new spec function.
		 */
		function baseMatchesProperty(path, srcValue) {
		  if (isKey(path) && isStrictComparable(srcValue)) {
		    return matchesStrictComparable(toKey(path), srcValue);
		  }
		  return function(object) {
		    var objValue = get(object, path);
		    return (objValue === undefined && objValue === srcValue)
		      ? hasIn(object, path)
		      : baseIsEqual(srcValue, objValue, undefined, UNORDERED_COMPARE_FLAG | PARTIAL_COMPARE_FLAG);
		  };
		}

		/**
		 * The base implementation of `_.orderBy` without param guards.
		 *
		 * @private
		 * @param {Array|Object} collection The collection to iterate over.
		 * @param {Function[]|Object[]|string[]} iteratees The iteratees to sort by.
		 * @param {string[]} orders The sort orders of `iteratees`.
		 * @returns {Array} Returns the new sorted array.
		 */
		function baseOrderBy(collection, iteratees, orders) {
		  var index = -1;
		  iteratees = arrayMap(iteratees.length ? iteratees : [identity], baseUnary(baseIteratee));

		  var result = baseMap(collection, function(value, key, collection) {
		    var criteria = arrayMap(iteratees, function(iteratee) {
		      return iteratee(value);
		    });
		    return { 'criteria': criteria, 'index': ++index, 'value': value };
		  });

		  return baseSortBy(result, function(object, other) {
		    return compareMultiple(object, other, orders);
		  });
		}

		/**
		 * A specialized version of `baseProperty` which supports deep paths.
		 *
		 * @private
		 * @param {Array|string} path The path of the property to get.
		 * @returns {Function} Returns the new accessor function.
		 */
		function basePropertyDeep(path) {
		  return function(object) {
		    return baseGet(object, path);
		  };
		}

		/**
		 * The base implementation of `_.rest` which doesn't validate or coerce arguments.
		 *
		 * @private
		 * @param {Function} func The function to apply a rest parameter to.
		 * @param {number} [start=func.length-1] The start position of the rest parameter.
		 * @returns {Function} Returns the new function.
		 */
		function baseRest(func, start) {
		  start = nativeMax(start === undefined ? (func.length - 1) : start, 0);
		  return function() {
		    var args = arguments,
		        index = -1,
		        length = nativeMax(args.length - start, 0),
		        array = Array(length);

		    while (++index < length) {
		      array[index] = args[start + index];
		    }
		    index = -1;
		    var otherArgs = Array(start + 1);
		    while (++index < start) {
		      otherArgs[index] = args[index];
		    }
		    otherArgs[start] = array;
		    return apply(func, this, otherArgs);
		  };
		}

		/**
		 * The base implementation of `_.toString` which doesn't convert nullish
		 * values to empty strings.
		 *
		 * @private
		 * @param {*} value The value to process.
		 * @returns {string} Returns the string.
		 */
		function baseToString(value) {
		  // Exit early for strings to avoid a performance hit in some environments.
		  if (typeof value == 'string') {
		    return value;
		  }
		  if (isSymbol(value)) {
		    return symbolToString ? symbolToString.call(value) : '';
		  }
		  var result = (value + '');
		  return (result == '0' && (1 / value) == -Infinity) ? '-0' : result;
		}

		/**
		 * Casts `value` to a path array if it's not one.
		 *
		 * @private
		 * @param {*} value The value to inspect.
		 * @returns {Array} Returns the cast property path array.
		 */
		function castPath(value) {
		  return isArray(value) ? value : stringToPath(value);
		}

		/**
		 * Compares values to sort them in ascending order.
		 *
		 * @private
		 * @param {*} value The value to compare.
		 * @param {*} other The other value to compare.
		 * @returns {number} Returns the sort order indicator for `value`.
		 */
		function compareAscending(value, other) {
		  if (value !== other) {
		    var valIsDefined = value !== undefined,
		        valIsNull = value === null,
		        valIsReflexive = value === value,
		        valIsSymbol = isSymbol(value);

		    var othIsDefined = other !== undefined,
		        othIsNull = other === null,
		        othIsReflexive = other === other,
		        othIsSymbol = isSymbol(other);

		    if ((!othIsNull && !othIsSymbol && !valIsSymbol && value > other) ||
		        (valIsSymbol && othIsDefined && othIsReflexive && !othIsNull && !othIsSymbol) ||
		        (valIsNull && othIsDefined && othIsReflexive) ||
		        (!valIsDefined && othIsReflexive) ||
		        !valIsReflexive) {
		      return 1;
		    }
		    if ((!valIsNull && !valIsSymbol && !othIsSymbol && value < other) ||
		        (othIsSymbol && valIsDefined && valIsReflexive && !valIsNull && !valIsSymbol) ||
		        (othIsNull && valIsDefined && valIsReflexive) ||
		        (!othIsDefined && valIsReflexive) ||
		        !othIsReflexive) {
		      return -1;
		    }
		  }
		  return 0;
		}

		/**
		 * Used by `_.orderBy` to compare multiple properties of a value to another
		 * and stable sort them.
		 *
		 * If `orders` is unspecified, all values are sorted in ascending order. Otherwise,
		 * specify an order of "desc" for descending or "asc" for ascending sort order
		 * of corresponding values.
		 *
		 * @private
		 * @param {Object} object The object to compare.
		 * @param {Object} other The other object to compare.
		 * @param {boolean[]|string[]} orders The order to sort by for each property.
		 * @returns {number} Returns the sort order indicator for `object`.
		 */
		function compareMultiple(object, other, orders) {
		  var index = -1,
		      objCriteria = object.criteria,
		      othCriteria = other.criteria,
		      length = objCriteria.length,
		      ordersLength = orders.length;

		  while (++index < length) {
		    var result = compareAscending(objCriteria[index], othCriteria[index]);
		    if (result) {
		      if (index >= ordersLength) {
		        return result;
		      }
		      var order = orders[index];
		      return result * (order == 'desc' ? -1 : 1);
		    }
		  }
		  // Fixes an `Array#sort` bug in the JS engine embedded in Adobe applications
		  // that causes it, under certain circumstances, to provide the same value for
		  // `object` and `other`. See https://github.com/jashkenas/underscore/pull/1247
		  // for more details.
		  //
		  // This also ensures a stable sort in V8 and other engines.
		  // See https://bugs.chromium.org/p/v8/issues/detail?id=90 for more details.
		  return object.index - other.index;
		}

		/**
		 * Creates a `baseEach` or `baseEachRight` function.
		 *
		 * @private
		 * @param {Function} eachFunc The function to iterate over a collection.
		 * @param {boolean} [fromRight] Specify iterating from right to left.
		 * @returns {Function} Returns the new base function.
		 */
		function createBaseEach(eachFunc, fromRight) {
		  return function(collection, iteratee) {
		    if (collection == null) {
		      return collection;
		    }
		    if (!isArrayLike(collection)) {
		      return eachFunc(collection, iteratee);
		    }
		    var length = collection.length,
		        index = -1,
		        iterable = Object(collection);

		    while ((++index < length)) {
		      if (iteratee(iterable[index], index, iterable) === false) {
		        break;
		      }
		    }
		    return collection;
		  };
		}

		/**
		 * Creates a base function for methods like `_.forIn` and `_.forOwn`.
		 *
		 * @private
		 * @param {boolean} [fromRight] Specify iterating from right to left.
		 * @returns {Function} Returns the new base function.
		 */
		function createBaseFor(fromRight) {
		  return function(object, iteratee, keysFunc) {
		    var index = -1,
		        iterable = Object(object),
		        props = keysFunc(object),
		        length = props.length;

		    while (length--) {
		      var key = props[++index];
		      if (iteratee(iterable[key], key, iterable) === false) {
		        break;
		      }
		    }
		    return object;
		  };
		}

		/**
		 * A specialized version of `baseIsEqualDeep` for arrays with support for
		 * partial deep comparisons.
		 *
		 * @private
		 * @param {Array} array The array to compare.
		 * @param {Array} other The other array to compare.
		 * @param {Function} equalFunc The function to determine equivalents of values.
		 * @param {Function} customizer The function to customize comparisons.
		 * @param {number} bitmask The bitmask of comparison flags. See `baseIsEqual`
		 *  for more details.
		 * @param {Object} stack Tracks traversed `array` and `other` objects.
		 * @returns {boolean} Returns `true` if the arrays are equivalent, else `false`.
		 */
		function equalArrays(array, other, equalFunc, customizer, bitmask, stack) {
		  var isPartial = bitmask & PARTIAL_COMPARE_FLAG,
		      arrLength = array.length,
		      othLength = other.length;

		  if (arrLength != othLength && !(isPartial && othLength > arrLength)) {
		    return false;
		  }
		  // Assume cyclic values are equal.
		  var stacked = stack.get(array);
		  if (stacked && stack.get(other)) {
		    return stacked == other;
		  }
		  var index = -1,
		      result = true,
		      seen = (bitmask & UNORDERED_COMPARE_FLAG) ? new SetCache : undefined;

		  stack.set(array, other);
		  stack.set(other, array);

		  // Ignore non-index properties.
		  while (++index < arrLength) {
		    var arrValue = array[index],
		        othValue = other[index];

		    if (customizer) {
		      var compared = isPartial
		        ? customizer(othValue, arrValue, index, other, array, stack)
		        : customizer(arrValue, othValue, index, array, other, stack);
		    }
		    if (compared !== undefined) {
		      if (compared) {
		        continue;
		      }
		      result = false;
		      break;
		    }
		    // Recursively compare arrays (susceptible to call stack limits).
		    if (seen) {
		      if (!arraySome(other, function(othValue, othIndex) {
		            if (!seen.has(othIndex) &&
		                (arrValue === othValue || equalFunc(arrValue, othValue, customizer, bitmask, stack))) {
		              return seen.add(othIndex);
		            }
		          })) {
		        result = false;
		        break;
		      }
		    } else if (!(
		          arrValue === othValue ||
		            equalFunc(arrValue, othValue, customizer, bitmask, stack)
		        )) {
		      result = false;
		      break;
		    }
		  }
		  stack['delete'](array);
		  stack['delete'](other);
		  return result;
		}

		/**
		 * A specialized version of `baseIsEqualDeep` for comparing objects of
		 * the same `toStringTag`.
		 *
		 * **Note:** This function only supports comparing values with tags of
		 * `Boolean`, `Date`, `Error`, `Number`, `RegExp`, or `String`.
		 *
		 * @private
		 * @param {Object} object The object to compare.
		 * @param {Object} other The other object to compare.
		 * @param {string} tag The `toStringTag` of the objects to compare.
		 * @param {Function} equalFunc The function to determine equivalents of values.
		 * @param {Function} customizer The function to customize comparisons.
		 * @param {number} bitmask The bitmask of comparison flags. See `baseIsEqual`
		 *  for more details.
		 * @param {Object} stack Tracks traversed `object` and `other` objects.
		 * @returns {boolean} Returns `true` if the objects are equivalent, else `false`.
		 */
		function equalByTag(object, other, tag, equalFunc, customizer, bitmask, stack) {
		  switch (tag) {
		    case dataViewTag:
		      if ((object.byteLength != other.byteLength) ||
		          (object.byteOffset != other.byteOffset)) {
		        return false;
		      }
		      object = object.buffer;
		      other = other.buffer;

		    case arrayBufferTag:
		      if ((object.byteLength != other.byteLength) ||
		          !equalFunc(new Uint8Array(object), new Uint8Array(other))) {
		        return false;
		      }
		      return true;

		    case boolTag:
		    case dateTag:
		    case numberTag:
		      // Coerce booleans to `1` or `0` and dates to milliseconds.
		      // Invalid dates are coerced to `NaN`.
		      return eq(+object, +other);

		    case errorTag:
		      return object.name == other.name && object.message == other.message;

		    case regexpTag:
		    case stringTag:
		      // Coerce regexes to strings and treat strings, primitives and objects,
		      // as equal. See http://www.ecma-international.org/ecma-262/7.0/#sec-regexp.prototype.tostring
		      // for more details.
		      return object == (other + '');

		    case mapTag:
		      var convert = mapToArray;

		    case setTag:
		      var isPartial = bitmask & PARTIAL_COMPARE_FLAG;
		      convert || (convert = setToArray);

		      if (object.size != other.size && !isPartial) {
		        return false;
		      }
		      // Assume cyclic values are equal.
		      var stacked = stack.get(object);
		      if (stacked) {
		        return stacked == other;
		      }
		      bitmask |= UNORDERED_COMPARE_FLAG;

		      // Recursively compare objects (susceptible to call stack limits).
		      stack.set(object, other);
		      var result = equalArrays(convert(object), convert(other), equalFunc, customizer, bitmask, stack);
		      stack['delete'](object);
		      return result;

		    case symbolTag:
		      if (symbolValueOf) {
		        return symbolValueOf.call(object) == symbolValueOf.call(other);
		      }
		  }
		  return false;
		}

		/**
		 * A specialized version of `baseIsEqualDeep` for objects with support for
		 * partial deep comparisons.
		 *
		 * @private
		 * @param {Object} object The object to compare.
		 * @param {Object} other The other object to compare.
		 * @param {Function} equalFunc The function to determine equivalents of values.
		 * @param {Function} customizer The function to customize comparisons.
		 * @param {number} bitmask The bitmask of comparison flags. See `baseIsEqual`
		 *  for more details.
		 * @param {Object} stack Tracks traversed `object` and `other` objects.
		 * @returns {boolean} Returns `true` if the objects are equivalent, else `false`.
		 */
		function equalObjects(object, other, equalFunc, customizer, bitmask, stack) {
		  var isPartial = bitmask & PARTIAL_COMPARE_FLAG,
		      objProps = keys(object),
		      objLength = objProps.length,
		      othProps = keys(other),
		      othLength = othProps.length;

		  if (objLength != othLength && !isPartial) {
		    return false;
		  }
		  var index = objLength;
		  while (index--) {
		    var key = objProps[index];
		    if (!(isPartial ? key in other : hasOwnProperty.call(other, key))) {
		      return false;
		    }
		  }
		  // Assume cyclic values are equal.
		  var stacked = stack.get(object);
		  if (stacked && stack.get(other)) {
		    return stacked == other;
		  }
		  var result = true;
		  stack.set(object, other);
		  stack.set(other, object);

		  var skipCtor = isPartial;
		  while (++index < objLength) {
		    key = objProps[index];
		    var objValue = object[key],
		        othValue = other[key];

		    if (customizer) {
		      var compared = isPartial
		        ? customizer(othValue, objValue, key, other, object, stack)
		        : customizer(objValue, othValue, key, object, other, stack);
		    }
		    // Recursively compare objects (susceptible to call stack limits).
		    if (!(compared === undefined
		          ? (objValue === othValue || equalFunc(objValue, othValue, customizer, bitmask, stack))
		          : compared
		        )) {
		      result = false;
		      break;
		    }
		    skipCtor || (skipCtor = key == 'constructor');
		  }
		  if (result && !skipCtor) {
		    var objCtor = object.constructor,
		        othCtor = other.constructor;

		    // Non `Object` object instances with different constructors are not equal.
		    if (objCtor != othCtor &&
		        ('constructor' in object && 'constructor' in other) &&
		        !(typeof objCtor == 'function' && objCtor instanceof objCtor &&
		          typeof othCtor == 'function' && othCtor instanceof othCtor)) {
		      result = false;
		    }
		  }
		  stack['delete'](object);
		  stack['delete'](other);
		  return result;
		}

		/**
		 * Gets the data for `map`.
		 *
		 * @private
		 * @param {Object} map The map to query.
		 * @param {string} key The reference key.
		 * @returns {*} Returns the map data.
		 */
		function getMapData(map, key) {
		  var data = map.__data__;
		  return isKeyable(key)
		    ? data[typeof key == 'string' ? 'string' : 'hash']
		    : data.map;
		}

		/**
		 * Gets the property names, values, and compare flags of `object`.
		 *
		 * @private
		 * @param {Object} object The object to query.
		 * @returns {Array} Returns the match data of `object`.
		 */
		function getMatchData(object) {
		  var result = keys(object),
		      length = result.length;

		  while (length--) {
		    var key = result[length],
		        value = object[key];

		    result[length] = [key, value, isStrictComparable(value)];
		  }
		  return result;
		}

		/**
		 * Gets the native function at `key` of `object`.
		 *
		 * @private
		 * @param {Object} object The object to query.
		 * @param {string} key The key of the method to get.
		 * @returns {*} Returns the function if it's native, else `undefined`.
		 */
		function getNative(object, key) {
		  var value = getValue(object, key);
		  return baseIsNative(value) ? value : undefined;
		}

		/**
		 * Gets the `toStringTag` of `value`.
		 *
		 * @private
		 * @param {*} value The value to query.
		 * @returns {string} Returns the `toStringTag`.
		 */
		var getTag = baseGetTag;

		// Fallback for data views, maps, sets, and weak maps in IE 11,
		// for data views in Edge < 14, and promises in Node.js.
		if ((DataView && getTag(new DataView(new ArrayBuffer(1))) != dataViewTag) ||
		    (Map && getTag(new Map) != mapTag) ||
		    (Promise && getTag(Promise.resolve()) != promiseTag) ||
		    (Set && getTag(new Set) != setTag) ||
		    (WeakMap && getTag(new WeakMap) != weakMapTag)) {
		  getTag = function(value) {
		    var result = objectToString.call(value),
		        Ctor = result == objectTag ? value.constructor : undefined,
		        ctorString = Ctor ? toSource(Ctor) : undefined;

		    if (ctorString) {
		      switch (ctorString) {
		        case dataViewCtorString: return dataViewTag;
		        case mapCtorString: return mapTag;
		        case promiseCtorString: return promiseTag;
		        case setCtorString: return setTag;
		        case weakMapCtorString: return weakMapTag;
		      }
		    }
		    return result;
		  };
		}

		/**
		 * Checks if `path` exists on `object`.
		 *
		 * @private
		 * @param {Object} object The object to query.
		 * @param {Array|string} path The path to check.
		 * @param {Function} hasFunc The function to check properties.
		 * @returns {boolean} Returns `true` if `path` exists, else `false`.
		 */
		function hasPath(object, path, hasFunc) {
		  path = isKey(path, object) ? [path] : castPath(path);

		  var result,
		      index = -1,
		      length = path.length;

		  while (++index < length) {
		    var key = toKey(path[index]);
		    if (!(result = object != null && hasFunc(object, key))) {
		      break;
		    }
		    object = object[key];
		  }
		  if (result) {
		    return result;
		  }
		  var length = object ? object.length : 0;
		  return !!length && isLength(length) && isIndex(key, length) &&
		    (isArray(object) || isArguments(object));
		}

		/**
		 * Checks if `value` is a flattenable `arguments` object or array.
		 *
		 * @private
		 * @param {*} value The value to check.
		 * @returns {boolean} Returns `true` if `value` is flattenable, else `false`.
		 */
		function isFlattenable(value) {
		  return isArray(value) || isArguments(value) ||
		    !!(spreadableSymbol && value && value[spreadableSymbol]);
		}

		/**
		 * Checks if `value` is a valid array-like index.
		 *
		 * @private
		 * @param {*} value The value to check.
		 * @param {number} [length=MAX_SAFE_INTEGER] The upper bounds of a valid index.
		 * @returns {boolean} Returns `true` if `value` is a valid index, else `false`.
		 */
		function isIndex(value, length) {
		  length = length == null ? MAX_SAFE_INTEGER : length;
		  return !!length &&
		    (typeof value == 'number' || reIsUint.test(value)) &&
		    (value > -1 && value % 1 == 0 && value < length);
		}

		/**
		 * Checks if the given arguments are from an iteratee call.
		 *
		 * @private
		 * @param {*} value The potential iteratee value argument.
		 * @param {*} index The potential iteratee index or key argument.
		 * @param {*} object The potential iteratee object argument.
		 * @returns {boolean} Returns `true` if the arguments are from an iteratee call,
		 *  else `false`.
		 */
		function isIterateeCall(value, index, object) {
		  if (!isObject(object)) {
		    return false;
		  }
		  var type = typeof index;
		  if (type == 'number'
		        ? (isArrayLike(object) && isIndex(index, object.length))
		        : (type == 'string' && index in object)
		      ) {
		    return eq(object[index], value);
		  }
		  return false;
		}

		/**
		 * Checks if `value` is a property name and not a property path.
		 *
		 * @private
		 * @param {*} value The value to check.
		 * @param {Object} [object] The object to query keys on.
		 * @returns {boolean} Returns `true` if `value` is a property name, else `false`.
		 */
		function isKey(value, object) {
		  if (isArray(value)) {
		    return false;
		  }
		  var type = typeof value;
		  if (type == 'number' || type == 'symbol' || type == 'boolean' ||
		      value == null || isSymbol(value)) {
		    return true;
		  }
		  return reIsPlainProp.test(value) || !reIsDeepProp.test(value) ||
		    (object != null && value in Object(object));
		}

		/**
		 * Checks if `value` is suitable for use as unique object key.
		 *
		 * @private
		 * @param {*} value The value to check.
		 * @returns {boolean} Returns `true` if `value` is suitable, else `false`.
		 */
		function isKeyable(value) {
		  var type = typeof value;
		  return (type == 'string' || type == 'number' || type == 'symbol' || type == 'boolean')
		    ? (value !== '__proto__')
		    : (value === null);
		}

		/**
		 * Checks if `func` has its source masked.
		 *
		 * @private
		 * @param {Function} func The function to check.
		 * @returns {boolean} Returns `true` if `func` is masked, else `false`.
		 */
		function isMasked(func) {
		  return !!maskSrcKey && (maskSrcKey in func);
		}

		/**
		 * Checks if `value` is likely a prototype object.
		 *
		 * @private
		 * @param {*} value The value to check.
		 * @returns {boolean} Returns `true` if `value` is a prototype, else `false`.
		 */
		function isPrototype(value) {
		  var Ctor = value && value.constructor,
		      proto = (typeof Ctor == 'function' && Ctor.prototype) || objectProto;

		  return value === proto;
		}

		/**
		 * Checks if `value` is suitable for strict equality comparisons, i.e. `===`.
		 *
		 * @private
		 * @param {*} value The value to check.
		 * @returns {boolean} Returns `true` if `value` if suitable for strict
		 *  equality comparisons, else `false`.
		 */
		function isStrictComparable(value) {
		  return value === value && !isObject(value);
		}

		/**
		 * A specialized version of `matchesProperty` for source values suitable
		 * for strict equality comparisons, i.e. `===`.
		 *
		 * @private
		 * @param {string} key The key of the property to get.
		 * @param {*} srcValue The value to match.
		 * @returns {Function} Returns the new spec function.
		 */
		function matchesStrictComparable(key, srcValue) {
		  return function(object) {
		    if (object == null) {
		      return false;
		    }
		    return object[key] === srcValue &&
		      (srcValue !== undefined || (key in Object(object)));
		  };
		}

		/**
		 * Converts `string` to a property path array.
		 *
		 * @private
		 * @param {string} string The string to convert.
		 * @returns {Array} Returns the property path array.
		 */
		var stringToPath = memoize(function(string) {
		  string = toString(string);

		  var result = [];
		  if (reLeadingDot.test(string)) {
		    result.push('');
		  }
		  string.replace(rePropName, function(match, number, quote, string) {
		    result.push(quote ? string.replace(reEscapeChar, '$1') : (number || match));
		  });
		  return result;
		});

		/**
		 * Converts `value` to a string key if it's not a string or symbol.
		 *
		 * @private
		 * @param {*} value The value to inspect.
		 * @returns {string|symbol} Returns the key.
		 */
		function toKey(value) {
		  if (typeof value == 'string' || isSymbol(value)) {
		    return value;
		  }
		  var result = (value + '');
		  return (result == '0' && (1 / value) == -Infinity) ? '-0' : result;
		}

		/**
		 * Converts `func` to its source code.
		 *
		 * @private
		 * @param {Function} func The function to process.
		 * @returns {string} Returns the source code.
		 */
		function toSource(func) {
		  if (func != null) {
		    try {
		      return funcToString.call(func);
		    } catch (e) {}
		    try {
		      return (func + '');
		    } catch (e) {}
		  }
		  return '';
		}

		/**
		 * Creates an array of elements, sorted in ascending order by the results of
		 * running each element in a collection thru each iteratee. This method
		 * performs a stable sort, that is, it preserves the original sort order of
		 * equal elements. The iteratees are invoked with one argument: (value).
		 *
		 * @static
		 * @memberOf _
		 * @since 0.1.0
		 * @category Collection
		 * @param {Array|Object} collection The collection to iterate over.
		 * @param {...(Function|Function[])} [iteratees=[_.identity]]
		 *  The iteratees to sort by.
		 * @returns {Array} Returns the new sorted array.
		 * @example
		 *
		 * var users = [
		 *   { 'user': 'fred',   'age': 48 },
		 *   { 'user': 'barney', 'age': 36 },
		 *   { 'user': 'fred',   'age': 40 },
		 *   { 'user': 'barney', 'age': 34 }
		 * ];
		 *
		 * _.sortBy(users, function(o) { return o.user; });
		 * // => objects for [['barney', 36], ['barney', 34], ['fred', 48], ['fred', 40]]
		 *
		 * _.sortBy(users, ['user', 'age']);
		 * // => objects for [['barney', 34], ['barney', 36], ['fred', 40], ['fred', 48]]
		 *
		 * _.sortBy(users, 'user', function(o) {
		 *   return Math.floor(o.age / 10);
		 * });
		 * // => objects for [['barney', 36], ['barney', 34], ['fred', 48], ['fred', 40]]
		 */
		var sortBy = baseRest(function(collection, iteratees) {
		  if (collection == null) {
		    return [];
		  }
		  var length = iteratees.length;
		  if (length > 1 && isIterateeCall(collection, iteratees[0], iteratees[1])) {
		    iteratees = [];
		  } else if (length > 2 && isIterateeCall(iteratees[0], iteratees[1], iteratees[2])) {
		    iteratees = [iteratees[0]];
		  }
		  return baseOrderBy(collection, baseFlatten(iteratees), []);
		});

		/**
		 * Creates a function that memoizes the result of `func`. If `resolver` is
		 * provided, it determines the cache key for storing the result based on the
		 * arguments provided to the memoized function. By default, the first argument
		 * provided to the memoized function is used as the map cache key. The `func`
		 * is invoked with the `this` binding of the memoized function.
		 *
		 * **Note:** The cache is exposed as the `cache` property on the memoized
		 * function. Its creation may be customized by replacing the `_.memoize.Cache`
		 * constructor with one whose instances implement the
		 * [`Map`](http://ecma-international.org/ecma-262/7.0/#sec-properties-of-the-map-prototype-object)
		 * method interface of `delete`, `get`, `has`, and `set`.
		 *
		 * @static
		 * @memberOf _
		 * @since 0.1.0
		 * @category Function
		 * @param {Function} func The function to have its output memoized.
		 * @param {Function} [resolver] The function to resolve the cache key.
		 * @returns {Function} Returns the new memoized function.
		 * @example
		 *
		 * var object = { 'a': 1, 'b': 2 };
		 * var other = { 'c': 3, 'd': 4 };
		 *
		 * var values = _.memoize(_.values);
		 * values(object);
		 * // => [1, 2]
		 *
		 * values(other);
		 * // => [3, 4]
		 *
		 * object.a = 2;
		 * values(object);
		 * // => [1, 2]
		 *
		 * // Modify the result cache.
		 * values.cache.set(object, ['a', 'b']);
		 * values(object);
		 * // => ['a', 'b']
		 *
		 * // Replace `_.memoize.Cache`.
		 * _.memoize.Cache = WeakMap;
		 */
		function memoize(func, resolver) {
		  if (typeof func != 'function' || (resolver && typeof resolver != 'function')) {
		    throw new TypeError(FUNC_ERROR_TEXT);
		  }
		  var memoized = function() {
		    var args = arguments,
		        key = resolver ? resolver.apply(this, args) : args[0],
		        cache = memoized.cache;

		    if (cache.has(key)) {
		      return cache.get(key);
		    }
		    var result = func.apply(this, args);
		    memoized.cache = cache.set(key, result);
		    return result;
		  };
		  memoized.cache = new (memoize.Cache || MapCache);
		  return memoized;
		}

		// Assign cache to `_.memoize`.
		memoize.Cache = MapCache;

		/**
		 * Performs a
		 * [`SameValueZero`](http://ecma-international.org/ecma-262/7.0/#sec-samevaluezero)
		 * comparison between two values to determine if they are equivalent.
		 *
		 * @static
		 * @memberOf _
		 * @since 4.0.0
		 * @category Lang
		 * @param {*} value The value to compare.
		 * @param {*} other The other value to compare.
		 * @returns {boolean} Returns `true` if the values are equivalent, else `false`.
		 * @example
		 *
		 * var object = { 'a': 1 };
		 * var other = { 'a': 1 };
		 *
		 * _.eq(object, object);
		 * // => true
		 *
		 * _.eq(object, other);
		 * // => false
		 *
		 * _.eq('a', 'a');
		 * // => true
		 *
		 * _.eq('a', Object('a'));
		 * // => false
		 *
		 * _.eq(NaN, NaN);
		 * // => true
		 */
		function eq(value, other) {
		  return value === other || (value !== value && other !== other);
		}

		/**
		 * Checks if `value` is likely an `arguments` object.
		 *
		 * @static
		 * @memberOf _
		 * @since 0.1.0
		 * @category Lang
		 * @param {*} value The value to check.
		 * @returns {boolean} Returns `true` if `value` is an `arguments` object,
		 *  else `false`.
		 * @example
		 *
		 * _.isArguments(function() { return arguments; }());
		 * // => true
		 *
		 * _.isArguments([1, 2, 3]);
		 * // => false
		 */
		function isArguments(value) {
		  // Safari 8.1 makes `arguments.callee` enumerable in strict mode.
		  return isArrayLikeObject(value) && hasOwnProperty.call(value, 'callee') &&
		    (!propertyIsEnumerable.call(value, 'callee') || objectToString.call(value) == argsTag);
		}

		/**
		 * Checks if `value` is classified as an `Array` object.
		 *
		 * @static
		 * @memberOf _
		 * @since 0.1.0
		 * @category Lang
		 * @param {*} value The value to check.
		 * @returns {boolean} Returns `true` if `value` is an array, else `false`.
		 * @example
		 *
		 * _.isArray([1, 2, 3]);
		 * // => true
		 *
		 * _.isArray(document.body.children);
		 * // => false
		 *
		 * _.isArray('abc');
		 * // => false
		 *
		 * _.isArray(_.noop);
		 * // => false
		 */
		var isArray = Array.isArray;

		/**
		 * Checks if `value` is array-like. A value is considered array-like if it's
		 * not a function and has a `value.length` that's an integer greater than or
		 * equal to `0` and less than or equal to `Number.MAX_SAFE_INTEGER`.
		 *
		 * @static
		 * @memberOf _
		 * @since 4.0.0
		 * @category Lang
		 * @param {*} value The value to check.
		 * @returns {boolean} Returns `true` if `value` is array-like, else `false`.
		 * @example
		 *
		 * _.isArrayLike([1, 2, 3]);
		 * // => true
		 *
		 * _.isArrayLike(document.body.children);
		 * // => true
		 *
		 * _.isArrayLike('abc');
		 * // => true
		 *
		 * _.isArrayLike(_.noop);
		 * // => false
		 */
		function isArrayLike(value) {
		  return value != null && isLength(value.length) && !isFunction(value);
		}

		/**
		 * This method is like `_.isArrayLike` except that it also checks if `value`
		 * is an object.
		 *
		 * @static
		 * @memberOf _
		 * @since 4.0.0
		 * @category Lang
		 * @param {*} value The value to check.
		 * @returns {boolean} Returns `true` if `value` is an array-like object,
		 *  else `false`.
		 * @example
		 *
		 * _.isArrayLikeObject([1, 2, 3]);
		 * // => true
		 *
		 * _.isArrayLikeObject(document.body.children);
		 * // => true
		 *
		 * _.isArrayLikeObject('abc');
		 * // => false
		 *
		 * _.isArrayLikeObject(_.noop);
		 * // => false
		 */
		function isArrayLikeObject(value) {
		  return isObjectLike(value) && isArrayLike(value);
		}

		/**
		 * Checks if `value` is classified as a `Function` object.
		 *
		 * @static
		 * @memberOf _
		 * @since 0.1.0
		 * @category Lang
		 * @param {*} value The value to check.
		 * @returns {boolean} Returns `true` if `value` is a function, else `false`.
		 * @example
		 *
		 * _.isFunction(_);
		 * // => true
		 *
		 * _.isFunction(/abc/);
		 * // => false
		 */
		function isFunction(value) {
		  // The use of `Object#toString` avoids issues with the `typeof` operator
		  // in Safari 8-9 which returns 'object' for typed array and other constructors.
		  var tag = isObject(value) ? objectToString.call(value) : '';
		  return tag == funcTag || tag == genTag;
		}

		/**
		 * Checks if `value` is a valid array-like length.
		 *
		 * **Note:** This method is loosely based on
		 * [`ToLength`](http://ecma-international.org/ecma-262/7.0/#sec-tolength).
		 *
		 * @static
		 * @memberOf _
		 * @since 4.0.0
		 * @category Lang
		 * @param {*} value The value to check.
		 * @returns {boolean} Returns `true` if `value` is a valid length, else `false`.
		 * @example
		 *
		 * _.isLength(3);
		 * // => true
		 *
		 * _.isLength(Number.MIN_VALUE);
		 * // => false
		 *
		 * _.isLength(Infinity);
		 * // => false
		 *
		 * _.isLength('3');
		 * // => false
		 */
		function isLength(value) {
		  return typeof value == 'number' &&
		    value > -1 && value % 1 == 0 && value <= MAX_SAFE_INTEGER;
		}

		/**
		 * Checks if `value` is the
		 * [language type](http://www.ecma-international.org/ecma-262/7.0/#sec-ecmascript-language-types)
		 * of `Object`. (e.g. arrays, functions, objects, regexes, `new Number(0)`, and `new String('')`)
		 *
		 * @static
		 * @memberOf _
		 * @since 0.1.0
		 * @category Lang
		 * @param {*} value The value to check.
		 * @returns {boolean} Returns `true` if `value` is an object, else `false`.
		 * @example
		 *
		 * _.isObject({});
		 * // => true
		 *
		 * _.isObject([1, 2, 3]);
		 * // => true
		 *
		 * _.isObject(_.noop);
		 * // => true
		 *
		 * _.isObject(null);
		 * // => false
		 */
		function isObject(value) {
		  var type = typeof value;
		  return !!value && (type == 'object' || type == 'function');
		}

		/**
		 * Checks if `value` is object-like. A value is object-like if it's not `null`
		 * and has a `typeof` result of "object".
		 *
		 * @static
		 * @memberOf _
		 * @since 4.0.0
		 * @category Lang
		 * @param {*} value The value to check.
		 * @returns {boolean} Returns `true` if `value` is object-like, else `false`.
		 * @example
		 *
		 * _.isObjectLike({});
		 * // => true
		 *
		 * _.isObjectLike([1, 2, 3]);
		 * // => true
		 *
		 * _.isObjectLike(_.noop);
		 * // => false
		 *
		 * _.isObjectLike(null);
		 * // => false
		 */
		function isObjectLike(value) {
		  return !!value && typeof value == 'object';
		}

		/**
		 * Checks if `value` is classified as a `Symbol` primitive or object.
		 *
		 * @static
		 * @memberOf _
		 * @since 4.0.0
		 * @category Lang
		 * @param {*} value The value to check.
		 * @returns {boolean} Returns `true` if `value` is a symbol, else `false`.
		 * @example
		 *
		 * _.isSymbol(Symbol.iterator);
		 * // => true
		 *
		 * _.isSymbol('abc');
		 * // => false
		 */
		function isSymbol(value) {
		  return typeof value == 'symbol' ||
		    (isObjectLike(value) && objectToString.call(value) == symbolTag);
		}

		/**
		 * Checks if `value` is classified as a typed array.
		 *
		 * @static
		 * @memberOf _
		 * @since 3.0.0
		 * @category Lang
		 * @param {*} value The value to check.
		 * @returns {boolean} Returns `true` if `value` is a typed array, else `false`.
		 * @example
		 *
		 * _.isTypedArray(new Uint8Array);
		 * // => true
		 *
		 * _.isTypedArray([]);
		 * // => false
		 */
		var isTypedArray = nodeIsTypedArray ? baseUnary(nodeIsTypedArray) : baseIsTypedArray;

		/**
		 * Converts `value` to a string. An empty string is returned for `null`
		 * and `undefined` values. The sign of `-0` is preserved.
		 *
		 * @static
		 * @memberOf _
		 * @since 4.0.0
		 * @category Lang
		 * @param {*} value The value to process.
		 * @returns {string} Returns the string.
		 * @example
		 *
		 * _.toString(null);
		 * // => ''
		 *
		 * _.toString(-0);
		 * // => '-0'
		 *
		 * _.toString([1, 2, 3]);
		 * // => '1,2,3'
		 */
		function toString(value) {
		  return value == null ? '' : baseToString(value);
		}

		/**
		 * Gets the value at `path` of `object`. If the resolved value is
		 * `undefined`, the `defaultValue` is returned in its place.
		 *
		 * @static
		 * @memberOf _
		 * @since 3.7.0
		 * @category Object
		 * @param {Object} object The object to query.
		 * @param {Array|string} path The path of the property to get.
		 * @param {*} [defaultValue] The value returned for `undefined` resolved values.
		 * @returns {*} Returns the resolved value.
		 * @example
		 *
		 * var object = { 'a': [{ 'b': { 'c': 3 } }] };
		 *
		 * _.get(object, 'a[0].b.c');
		 * // => 3
		 *
		 * _.get(object, ['a', '0', 'b', 'c']);
		 * // => 3
		 *
		 * _.get(object, 'a.b.c', 'default');
		 * // => 'default'
		 */
		function get(object, path, defaultValue) {
		  var result = object == null ? undefined : baseGet(object, path);
		  return result === undefined ? defaultValue : result;
		}

		/**
		 * Checks if `path` is a direct or inherited property of `object`.
		 *
		 * @static
		 * @memberOf _
		 * @since 4.0.0
		 * @category Object
		 * @param {Object} object The object to query.
		 * @param {Array|string} path The path to check.
		 * @returns {boolean} Returns `true` if `path` exists, else `false`.
		 * @example
		 *
		 * var object = _.create({ 'a': _.create({ 'b': 2 }) });
		 *
		 * _.hasIn(object, 'a');
		 * // => true
		 *
		 * _.hasIn(object, 'a.b');
		 * // => true
		 *
		 * _.hasIn(object, ['a', 'b']);
		 * // => true
		 *
		 * _.hasIn(object, 'b');
		 * // => false
		 */
		function hasIn(object, path) {
		  return object != null && hasPath(object, path, baseHasIn);
		}

		/**
		 * Creates an array of the own enumerable property names of `object`.
		 *
		 * **Note:** Non-object values are coerced to objects. See the
		 * [ES spec](http://ecma-international.org/ecma-262/7.0/#sec-object.keys)
		 * for more details.
		 *
		 * @static
		 * @since 0.1.0
		 * @memberOf _
		 * @category Object
		 * @param {Object} object The object to query.
		 * @returns {Array} Returns the array of property names.
		 * @example
		 *
		 * function Foo() {
		 *   this.a = 1;
		 *   this.b = 2;
		 * }
		 *
		 * Foo.prototype.c = 3;
		 *
		 * _.keys(new Foo);
		 * // => ['a', 'b'] (iteration order is not guaranteed)
		 *
		 * _.keys('hi');
		 * // => ['0', '1']
		 */
		function keys(object) {
		  return isArrayLike(object) ? arrayLikeKeys(object) : baseKeys(object);
		}

		/**
		 * This method returns the first argument it receives.
		 *
		 * @static
		 * @since 0.1.0
		 * @memberOf _
		 * @category Util
		 * @param {*} value Any value.
		 * @returns {*} Returns `value`.
		 * @example
		 *
		 * var object = { 'a': 1 };
		 *
		 * console.log(_.identity(object) === object);
		 * // => true
		 */
		function identity(value) {
		  return value;
		}

		/**
		 * Creates a function that returns the value at `path` of a given object.
		 *
		 * @static
		 * @memberOf _
		 * @since 2.4.0
		 * @category Util
		 * @param {Array|string} path The path of the property to get.
		 * @returns {Function} Returns the new accessor function.
		 * @example
		 *
		 * var objects = [
		 *   { 'a': { 'b': 2 } },
		 *   { 'a': { 'b': 1 } }
		 * ];
		 *
		 * _.map(objects, _.property('a.b'));
		 * // => [2, 1]
		 *
		 * _.map(_.sortBy(objects, _.property(['a', 'b'])), 'a.b');
		 * // => [1, 2]
		 */
		function property(path) {
		  return isKey(path) ? baseProperty(toKey(path)) : basePropertyDeep(path);
		}

		module.exports = sortBy; 
	} (lodash_sortby, lodash_sortby.exports));
	return lodash_sortby.exports;
}

var escapeStringRegexp;
var hasRequiredEscapeStringRegexp;

function requireEscapeStringRegexp () {
	if (hasRequiredEscapeStringRegexp) return escapeStringRegexp;
	hasRequiredEscapeStringRegexp = 1;

	escapeStringRegexp = string => {
		if (typeof string !== 'string') {
			throw new TypeError('Expected a string');
		}

		// Escape characters with special meaning either inside or outside character sets.
		// Use a simple backslash escape when it’s always valid, and a \unnnn escape when the simpler form would be disallowed by Unicode patterns’ stricter grammar.
		return string
			.replace(/[|\\{}()[\]^$+*?.]/g, '\\$&')
			.replace(/-/g, '\\x2d');
	};
	return escapeStringRegexp;
}

var regexpParse = {};

var hasRequiredRegexpParse;

function requireRegexpParse () {
	if (hasRequiredRegexpParse) return regexpParse;
	hasRequiredRegexpParse = 1;
	Object.defineProperty(regexpParse, "__esModule", { value: true });
	regexpParse.isRegExpString = regexpParse.parseRegExpString = void 0;
	// https://developer.mozilla.org/en-US/docs/Web/JavaScript/Guide/Regular_Expressions#advanced_searching_with_flags
	var REGEXP_LITERAL_PATTERN = /^\/(.+)\/([guimysd]*)$/;
	var parseRegExpString = function (str) {
	    var result = str.match(REGEXP_LITERAL_PATTERN);
	    if (!result) {
	        return null;
	    }
	    return {
	        source: result[1],
	        flagString: result[2]
	    };
	};
	regexpParse.parseRegExpString = parseRegExpString;
	var isRegExpString = function (str) {
	    return REGEXP_LITERAL_PATTERN.test(str);
	};
	regexpParse.isRegExpString = isRegExpString;
	
	return regexpParse;
}

var hasRequiredRegexpStringMatcher;

function requireRegexpStringMatcher () {
	if (hasRequiredRegexpStringMatcher) return regexpStringMatcher;
	hasRequiredRegexpStringMatcher = 1;
	(function (exports) {
		var __importDefault = (regexpStringMatcher && regexpStringMatcher.__importDefault) || function (mod) {
		    return (mod && mod.__esModule) ? mod : { "default": mod };
		};
		Object.defineProperty(exports, "__esModule", { value: true });
		exports.matchPatterns = exports.createRegExp = void 0;
		var lodash_uniq_1 = __importDefault(requireLodash_uniq());
		var lodash_uniqwith_1 = __importDefault(requireLodash_uniqwith());
		var lodash_sortby_1 = __importDefault(requireLodash_sortby());
		var escape_string_regexp_1 = __importDefault(requireEscapeStringRegexp());
		var regexp_parse_1 = requireRegexpParse();
		var DEFAULT_FLAGS = "ug";
		var defaultFlags = function (flagsString) {
		    if (flagsString.length === 0) {
		        return DEFAULT_FLAGS;
		    }
		    return (0, lodash_uniq_1.default)((flagsString + DEFAULT_FLAGS).split("")).join("");
		};
		var createRegExp = function (patternString, defaultFlag) {
		    if (defaultFlag === void 0) { defaultFlag = DEFAULT_FLAGS; }
		    if (patternString.length === 0) {
		        throw new Error("Empty string can not handled");
		    }
		    if ((0, regexp_parse_1.isRegExpString)(patternString)) {
		        var regExpStructure = (0, regexp_parse_1.parseRegExpString)(patternString);
		        if (regExpStructure) {
		            return new RegExp(regExpStructure.source, defaultFlags(regExpStructure.flagString));
		        }
		        throw new Error("\"".concat(patternString, "\" can not parse as RegExp."));
		    }
		    else {
		        return new RegExp((0, escape_string_regexp_1.default)(patternString), defaultFlag);
		    }
		};
		exports.createRegExp = createRegExp;
		var isEqualMatchPatternResult = function (a, b) {
		    return a.startIndex === b.startIndex && a.endIndex === b.endIndex && a.match === b.match;
		};
		/**
		 * Match regExpLikeStrings and return matchPatternResults
		 * @param text target text
		 * @param regExpLikeStrings an array of pattern string
		 */
		var matchPatterns = function (text, regExpLikeStrings) {
		    var matchPatternResults = [];
		    regExpLikeStrings
		        .map(function (patternString) {
		        return (0, exports.createRegExp)(patternString);
		    })
		        .forEach(function (regExp) {
		        var results = text.matchAll(regExp);
		        Array.from(results).forEach(function (result) {
		            if (result.index === undefined) {
		                return;
		            }
		            var match = result[0];
		            var index = result.index;
		            matchPatternResults.push({
		                match: match,
		                captures: result.slice(1),
		                startIndex: index,
		                endIndex: index + match.length
		            });
		        });
		    });
		    var uniqResults = (0, lodash_uniqwith_1.default)(matchPatternResults, isEqualMatchPatternResult);
		    return (0, lodash_sortby_1.default)(uniqResults, ["startIndex", "endIndex"]);
		};
		exports.matchPatterns = matchPatterns;
		
	} (regexpStringMatcher));
	return regexpStringMatcher;
}

var regexpStringMatcherExports = requireRegexpStringMatcher();

/**
 * These should be ignored by default, because these are used in AWS example.
 * https://docs.aws.amazon.com/ja_jp/general/latest/gr/aws-access-keys-best-practices.html
 */
const BUILTIN_IGNORED = {
    AWSAccountID: ["AKIAIOSFODNN7EXAMPLE"],
    AWSSecretAccessKey: ["wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"],
};
const messages$r = {
    AWSAccountID: {
        en: (props) => `found AWS Account ID: ${props.ID}`,
        ja: (props) => `AWS Account ID: ${props.ID} がみつかりました`,
    },
    AWSSecretAccessKey: {
        en: (props) => `found AWS Secret Access Key: ${props.KEY}`,
        ja: (props) => `AWS Secret Access Key: ${props.KEY} がみつかりました`,
    },
    AWSAccessKeyID: {
        en: (props) => `found AWS Access Key ID: ${props.ID}`,
        ja: (props) => `AWS Access Key Id: ${props.ID} がみつかりました`,
    },
};
/*
  local aws="(AWS|aws|Aws)?_?" quote="(\"|')" connect="\s*(:|=>|=)\s*"
  local opt_quote="${quote}?"
  add_config 'secrets.providers' 'git secrets --aws-provider'

  add_config 'secrets.patterns' '(A3T[A-Z0-9]|AKIA|AGPA|AIDA|AROA|AIPA|ANPA|ANVA|ASIA)[A-Z0-9]{16}'

  add_config 'secrets.patterns' "${opt_quote}${aws}(SECRET|secret|Secret)?_?(ACCESS|access|Access)?_?(KEY|key|Key)${opt_quote}${connect}${opt_quote}[A-Za-z0-9/\+=]{40}${opt_quote}"

  add_config 'secrets.patterns' "${opt_quote}${aws}(ACCOUNT|account|Account)_?(ID|id|Id)?${opt_quote}${connect}${opt_quote}[0-9]{4}\-?[0-9]{4}\-?[0-9]{4}${opt_quote}"

  add_config 'secrets.allowed' 'AKIAIOSFODNN7EXAMPLE'
  add_config 'secrets.allowed' "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"

  https://docs.cribl.io/docs/regexesyml
 */
const reportAWSAccessKey = ({ t, source, context, options, }) => {
    // AWS Access Key ID
    // Example) AKIAIOSFODNN7EXAMPLE
    const AWSAccessKeyIDPattern = /\b(A3T[A-Z0-9]|AKIA|AGPA|AIDA|AROA|AIPA|ANPA|ANVA|ASIA)[A-Z0-9]{16}\b/g;
    const results = source.content.matchAll(AWSAccessKeyIDPattern);
    for (const result of results) {
        const index = result.index || 0;
        const match = result[0] || "";
        const range = [index, index + match.length];
        // Built-in ignore
        if (BUILTIN_IGNORED.AWSAccountID.includes(match)) {
            continue;
        }
        const allowedResults = regexpStringMatcherExports.matchPatterns(match, options.allows);
        if (allowedResults.length > 0) {
            continue;
        }
        context.report({
            message: t("AWSAccessKeyID", {
                ID: match,
            }),
            range,
        });
    }
};
const reportAWSSecretAccessKey = ({ t, source, context, options, }) => {
    const AWS = "(?:AWS|aws|Aws)?_?";
    const QUOTE = `["']?`;
    const CONNECT = "\\s*(?::|=>|=)\\s*";
    // git-secrets implementation match _KEY=XXX, but it is false-positive
    // https://github.com/awslabs/git-secrets/blob/5e28df337746db4f070c84f7069d365bfd0d72a8/git-secrets#L239
    // This Pattern match only `AWS?_SECRET_ACCESS_KEY=XXX`
    const AWSSecretPatten = new RegExp(String.raw `${QUOTE}${AWS}(?:SECRET|secret|Secret)_?(?:ACCESS|access|Access)_?(?:KEY|key|Key)${QUOTE}${CONNECT}${QUOTE}([A-Za-z0-9/\+=]{40})${QUOTE}\b`, "g");
    const results = source.content.matchAll(AWSSecretPatten);
    for (const result of results) {
        const index = result.index || 0;
        const match = result[1] || "";
        const range = [index, index + match.length];
        // Built-in ignored
        if (BUILTIN_IGNORED.AWSSecretAccessKey.includes(match)) {
            continue;
        }
        const allowedResults = regexpStringMatcherExports.matchPatterns(match, options.allows);
        if (allowedResults.length > 0) {
            continue;
        }
        context.report({
            message: t("AWSSecretAccessKey", {
                KEY: match,
            }),
            range,
        });
    }
};
const reportAWSAccountID = ({ t, source, context, options, }) => {
    const AWS = "(AWS|aws|Aws)?_?";
    const QUOTE = `("|')?`;
    const CONNECT = "\\s*(:|=>|=)\\s*";
    const AWSSecretPatten = new RegExp(String.raw `${QUOTE}${AWS}(ACCOUNT|account|Account)_?(ID|id|Id)?${QUOTE}${CONNECT}${QUOTE}[0-9]{4}\-?[0-9]{4}\-?[0-9]{4}${QUOTE}\b`, "g");
    const results = source.content.matchAll(AWSSecretPatten);
    for (const result of results) {
        const index = result.index || 0;
        const match = result[0] || "";
        const range = [index, index + match.length];
        const allowedResults = regexpStringMatcherExports.matchPatterns(match, options.allows);
        if (allowedResults.length > 0) {
            continue;
        }
        context.report({
            message: t("AWSAccountID", {
                ID: match,
            }),
            range,
        });
    }
};
const creator$s = {
    messages: messages$r,
    meta: {
        id: "@secretlint/secretlint-rule-aws",
        recommended: true,
        type: "scanner",
        supportedContentTypes: ["text"],
        docs: {
            url: "https://github.com/secretlint/secretlint/blob/master/packages/%40secretlint/secretlint-rule-aws/README.md",
        },
    },
    create(context, options) {
        const normalizedOptions = {
            allows: options.allows || [],
            enableIDScanRule: options.enableIDScanRule ?? false,
        };
        const t = context.createTranslator(messages$r);
        return {
            file(source) {
                if (normalizedOptions.enableIDScanRule) {
                    reportAWSAccessKey({ t, source: source, context: context, options: normalizedOptions });
                    reportAWSAccountID({ t, source: source, context: context, options: normalizedOptions });
                }
                reportAWSSecretAccessKey({ t, source: source, context: context, options: normalizedOptions });
            },
        };
    },
};

/**
 * Minimal PKCS#12 MAC verification.
 *
 * GCP Service Account .p12 files are detected by checking whether the
 * top-level MAC verifies against the well-known `notasecret` password.
 * Full decryption of the PKCS#12 ContentInfo is unnecessary for that check,
 * so we only parse enough of the DER structure to extract the MacData and
 * the authSafe content, then recompute the MAC. Supports MAC digests of
 * SHA-1 (classic openssl default), SHA-256 (openssl 3 default), SHA-384,
 * and SHA-512.
 *
 * Uses `node:crypto` when available, otherwise any environment with a Web Crypto
 * implementation on `globalThis.crypto.subtle`.
 *
 * References:
 *   - RFC 7292 (PKCS #12 v1.1) section 4, Appendix B
 */
// ASN.1 tags we care about.
const TAG_INTEGER = 0x02;
const TAG_OCTET_STRING = 0x04;
const TAG_NULL = 0x05;
const TAG_OID = 0x06;
const TAG_SEQUENCE = 0x30;
const TAG_CONTEXT_0 = 0xa0;
function readTlv(buf, offset) {
    if (offset + 2 > buf.length) {
        throw new Error("PKCS12: truncated TLV header");
    }
    const tag = buf[offset];
    const lenByte = buf[offset + 1];
    let length;
    let contentStart;
    if (lenByte < 0x80) {
        length = lenByte;
        contentStart = offset + 2;
    }
    else {
        const lenBytes = lenByte & 0x7f;
        if (lenBytes === 0 || lenBytes > 4) {
            throw new Error("PKCS12: unsupported ASN.1 length encoding");
        }
        if (offset + 2 + lenBytes > buf.length) {
            throw new Error("PKCS12: truncated ASN.1 length");
        }
        length = 0;
        for (let i = 0; i < lenBytes; i++) {
            // Multiply instead of `<< 8` so a 4-byte length with the high bit
            // set does not overflow into a negative 32-bit signed integer.
            length = length * 256 + buf[offset + 2 + i];
        }
        contentStart = offset + 2 + lenBytes;
    }
    const end = contentStart + length;
    if (end > buf.length) {
        throw new Error("PKCS12: TLV extends past buffer");
    }
    return { tag, content: buf.subarray(contentStart, end), end };
}
function expectTag(tlv, tag, label) {
    if (tlv.tag !== tag) {
        throw new Error(`PKCS12: expected ${label} tag 0x${tag.toString(16)} but got 0x${tlv.tag.toString(16)}`);
    }
}
function readInteger(tlv) {
    expectTag(tlv, TAG_INTEGER, "INTEGER");
    let value = 0;
    for (const byte of tlv.content) {
        value = value * 256 + byte;
    }
    return value;
}
function bytesEqual(a, b) {
    if (a.length !== b.length)
        return false;
    let diff = 0;
    for (let i = 0; i < a.length; i++) {
        diff |= a[i] ^ b[i];
    }
    return diff === 0;
}
// OIDs we recognize, DER-encoded value bytes (without tag/length).
const OID_DATA = new Uint8Array([0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x07, 0x01]);
const OID_SHA1 = new Uint8Array([0x2b, 0x0e, 0x03, 0x02, 0x1a]);
const OID_SHA256 = new Uint8Array([0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x01]);
const OID_SHA384 = new Uint8Array([0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x02]);
const OID_SHA512 = new Uint8Array([0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x03]);
const MAC_HASHES = [
    { oid: OID_SHA1, hash: { name: "SHA-1", outputSize: 20, blockSize: 64 } },
    { oid: OID_SHA256, hash: { name: "SHA-256", outputSize: 32, blockSize: 64 } },
    { oid: OID_SHA384, hash: { name: "SHA-384", outputSize: 48, blockSize: 128 } },
    { oid: OID_SHA512, hash: { name: "SHA-512", outputSize: 64, blockSize: 128 } },
];
function matchHash(oidBytes) {
    for (const { oid, hash } of MAC_HASHES) {
        if (bytesEqual(oidBytes, oid))
            return hash;
    }
    return undefined;
}
// openssl and GCP service account keys use 2048. Java keytool uses 10000.
// Anything above this is far outside real-world .p12 files.
const MAX_MAC_ITERATIONS = 100_000;
function parsePkcs12(buf) {
    // PFX ::= SEQUENCE { version INTEGER, authSafe ContentInfo, macData MacData OPTIONAL }
    const pfx = readTlv(buf, 0);
    expectTag(pfx, TAG_SEQUENCE, "PFX SEQUENCE");
    const version = readTlv(pfx.content, 0);
    if (readInteger(version) !== 3) {
        throw new Error("PKCS12: unsupported version");
    }
    const authSafeInfo = readTlv(pfx.content, version.end);
    expectTag(authSafeInfo, TAG_SEQUENCE, "ContentInfo SEQUENCE");
    // ContentInfo ::= SEQUENCE { contentType OID, content [0] EXPLICIT ANY }
    const contentType = readTlv(authSafeInfo.content, 0);
    expectTag(contentType, TAG_OID, "contentType OID");
    if (!bytesEqual(contentType.content, OID_DATA)) {
        // We only support the unencrypted `data` ContentInfo which is what
        // `openssl pkcs12 -export` (and therefore GCP) emits.
        throw new Error("PKCS12: unsupported authSafe contentType");
    }
    const explicit0 = readTlv(authSafeInfo.content, contentType.end);
    expectTag(explicit0, TAG_CONTEXT_0, "[0] EXPLICIT");
    const authSafeOctet = readTlv(explicit0.content, 0);
    expectTag(authSafeOctet, TAG_OCTET_STRING, "authSafe OCTET STRING");
    const macData = readTlv(pfx.content, authSafeInfo.end);
    expectTag(macData, TAG_SEQUENCE, "MacData SEQUENCE");
    // MacData ::= SEQUENCE { mac DigestInfo, macSalt OCTET STRING, iterations INTEGER DEFAULT 1 }
    const digestInfo = readTlv(macData.content, 0);
    expectTag(digestInfo, TAG_SEQUENCE, "DigestInfo SEQUENCE");
    const alg = readTlv(digestInfo.content, 0);
    expectTag(alg, TAG_SEQUENCE, "AlgorithmIdentifier SEQUENCE");
    const algOid = readTlv(alg.content, 0);
    expectTag(algOid, TAG_OID, "algorithm OID");
    const macHash = matchHash(algOid.content);
    if (!macHash) {
        throw new Error("PKCS12: unsupported MAC digest algorithm");
    }
    // Optional NULL parameters are ignored.
    if (algOid.end < alg.content.length) {
        const params = readTlv(alg.content, algOid.end);
        if (params.tag !== TAG_NULL) {
            throw new Error("PKCS12: unexpected MAC algorithm parameters");
        }
    }
    const digest = readTlv(digestInfo.content, alg.end);
    expectTag(digest, TAG_OCTET_STRING, "digest OCTET STRING");
    const salt = readTlv(macData.content, digestInfo.end);
    expectTag(salt, TAG_OCTET_STRING, "macSalt OCTET STRING");
    let iterations = 1;
    if (salt.end < macData.content.length) {
        const iter = readTlv(macData.content, salt.end);
        iterations = readInteger(iter);
    }
    // Reject untrusted iteration counts that would let a crafted .p12 DoS the
    // scanner: each iteration is one digest call.
    if (iterations < 1 || iterations > MAX_MAC_ITERATIONS) {
        throw new Error("PKCS12: MAC iteration count out of range");
    }
    return {
        authSafe: authSafeOctet.content,
        macHash,
        macSalt: salt.content,
        macDigest: digest.content,
        iterations,
    };
}
// Web Crypto's BufferSource requires an ArrayBufferView whose buffer is an
// ArrayBuffer (not the default ArrayBufferLike of Uint8Array). Copy into a
// fresh ArrayBuffer to satisfy the type without relying on assertions.
function toBufferSource(data) {
    const copy = new Uint8Array(data.length);
    copy.set(data);
    return copy;
}
const NODE_HASH_NAMES = {
    "SHA-1": "sha1",
    "SHA-256": "sha256",
    "SHA-384": "sha384",
    "SHA-512": "sha512",
};
/**
 * Prefer the synchronous `node:crypto` hash when available: awaiting a Web
 * Crypto digest per iteration is about 20x slower, which matters because the
 * iteration count comes from the untrusted file.
 * Falls back to Web Crypto in environments without `node:crypto`.
 */
async function createDigest(hash) {
    try {
        const { createHash } = await Promise.resolve(/* import() */).then(__nccwpck_require__.t.bind(__nccwpck_require__, 7598, 19));
        const algorithm = NODE_HASH_NAMES[hash.name];
        return (data) => new Uint8Array(createHash(algorithm).update(data).digest());
    }
    catch {
        return async (data) => new Uint8Array(await globalThis.crypto.subtle.digest(hash.name, toBufferSource(data)));
    }
}
function padToMultipleOf(src, blockSize) {
    if (src.length === 0)
        return new Uint8Array(0);
    const padded = new Uint8Array(Math.ceil(src.length / blockSize) * blockSize);
    for (let i = 0; i < padded.length; i++) {
        padded[i] = src[i % src.length];
    }
    return padded;
}
function encodePasswordAsBmpString(password) {
    // RFC 7292 Appendix B.1: non-empty passwords are encoded as BMPString
    // (UTF-16BE) with a trailing two-byte null terminator. The empty password
    // is the empty byte sequence, not `[0x00, 0x00]`.
    if (password.length === 0)
        return new Uint8Array(0);
    const bytes = new Uint8Array(password.length * 2 + 2);
    for (let i = 0; i < password.length; i++) {
        const code = password.charCodeAt(i);
        bytes[i * 2] = (code >> 8) & 0xff;
        bytes[i * 2 + 1] = code & 0xff;
    }
    return bytes;
}
/**
 * PKCS#12 key derivation (RFC 7292 Appendix B.2) for deriving the MAC key.
 *
 * Specialized for the case where the desired key length is at most the
 * hash output size (which is always true for HMAC keys here: 20 bytes for
 * SHA-1, 32 bytes for SHA-256). In that case only a single block A[1] is
 * produced, so the iterative I-update loop from the spec is unnecessary.
 */
async function deriveMacKey(hash, password, salt, iterations) {
    const v = hash.blockSize;
    const u = hash.outputSize;
    const ID_MAC = 3;
    const D = new Uint8Array(v).fill(ID_MAC);
    const P = padToMultipleOf(encodePasswordAsBmpString(password), v);
    const S = padToMultipleOf(salt, v);
    const DI = new Uint8Array(D.length + S.length + P.length);
    DI.set(D, 0);
    DI.set(S, D.length);
    DI.set(P, D.length + S.length);
    const digest = await createDigest(hash);
    let A = await digest(DI);
    for (let i = 1; i < iterations; i++) {
        A = await digest(A);
    }
    return A.subarray(0, u);
}
/**
 * Verify a PKCS#12 PFX MAC using the supplied password.
 *
 * Returns `true` only when the file is a well-formed PKCS#12 v3 structure
 * with an unencrypted `data` authSafe, a recognized MAC digest algorithm
 * (SHA-1/256/384/512), and a MAC that matches the password. Any structural
 * or algorithmic mismatch yields `false`.
 */
async function verifyPkcs12Mac(pfxBytes, password) {
    let parsed;
    try {
        parsed = parsePkcs12(pfxBytes);
    }
    catch {
        return false;
    }
    try {
        const key = await deriveMacKey(parsed.macHash, password, parsed.macSalt, parsed.iterations);
        const cryptoKey = await globalThis.crypto.subtle.importKey("raw", toBufferSource(key), { name: "HMAC", hash: parsed.macHash.name }, false, ["sign"]);
        const mac = new Uint8Array(await globalThis.crypto.subtle.sign("HMAC", cryptoKey, toBufferSource(parsed.authSafe)));
        return bytesEqual(mac, parsed.macDigest);
    }
    catch {
        // Missing crypto.subtle, unsupported algorithm, etc. — treat as "not a
        // verifiable GCP p12" rather than propagating to the caller.
        return false;
    }
}

// The PKCS#12 password for GCP Service Account private key files.
// https://cloud.google.com/iam/docs/reference/rest/v1/projects.serviceAccounts.keys#serviceaccountprivatekeytype
const GCP_SERVICE_ACCOUNT_P12_PASSWORD = "notasecret";
async function reportIfFoundPrivateKeyP12Format({ source, options, context, t, }) {
    if (!source.filePath) {
        return;
    }
    try {
        // lazy load fs/path; browser does not have fs module
        const fs = await Promise.resolve(/* import() */).then(__nccwpck_require__.t.bind(__nccwpck_require__, 3024, 19));
        const path = await Promise.resolve(/* import() */).then(__nccwpck_require__.t.bind(__nccwpck_require__, 6760, 19));
        // p12 is binary, so allows matches against the file name
        const fileName = path.basename(source.filePath);
        if (regexpStringMatcherExports.matchPatterns(fileName, options.allows).length > 0) {
            return;
        }
        const pfxBytes = new Uint8Array(fs.readFileSync(source.filePath));
        const isGcpServiceAccountP12 = await verifyPkcs12Mac(pfxBytes, GCP_SERVICE_ACCOUNT_P12_PASSWORD);
        if (!isGcpServiceAccountP12) {
            return;
        }
        context.report({
            message: t("PrivateKeyP12", {
                FILE_NAME: fileName,
            }),
            range: [0, source.content.length],
        });
    }
    catch {
        // nope
    }
}

const messages$q = {
    PrivateKeyP12: {
        en: (props) => `found GCP Service Account's private key(p12): ${props.FILE_NAME}`,
        ja: (props) => `GCPサービスアカウントの秘密鍵(p12) ${props.FILE_NAME} がみつかりました`,
    },
    PrivateKeyJSON: {
        en: (props) => `found GCP Service Account's private key(json): ${props.FILE_NAME}`,
        ja: (props) => `GCPサービスアカウントの秘密鍵(json): ${props.FILE_NAME} がみつかりました`,
    },
};
function reportIfFoundPrivateKeyJSONFormat({ source, options, context, t, }) {
    try {
        const credentialObject = JSON.parse(source.content);
        // Private Key Pattern
        const PRIVATE_KEY_PATTERN = /-----BEGIN\s?(DSA|RSA|EC|PGP|OPENSSH)?\s?PRIVATE KEY/gm;
        const isGCPServiceAccountPrivateKeyJSON = "private_key_id" in credentialObject &&
            "private_key" in credentialObject &&
            PRIVATE_KEY_PATTERN.test(credentialObject["private_key"]);
        if (!isGCPServiceAccountPrivateKeyJSON) {
            return;
        }
        // allows matches against key-specific values only. client_email is not used because it stays the same
        // across key rotations, so allowing it would hide newly issued keys for the same service account.
        const allowCandidates = [credentialObject["private_key_id"], credentialObject["private_key"]].filter((value) => typeof value === "string");
        if (allowCandidates.some((value) => regexpStringMatcherExports.matchPatterns(value, options.allows).length > 0)) {
            return;
        }
        context.report({
            message: t("PrivateKeyJSON", {
                FILE_NAME: source.filePath ? external_node_path_.basename(source.filePath) : "",
            }),
            range: [0, source.content.length],
        });
    }
    catch {
        // nope
    }
}
const creator$r = {
    messages: messages$q,
    meta: {
        id: "@secretlint/secretlint-rule-gcp",
        recommended: true,
        type: "scanner",
        supportedContentTypes: ["all"],
        docs: {
            url: "https://github.com/secretlint/secretlint/blob/master/packages/%40secretlint/secretlint-rule-gcp/README.md",
        },
    },
    create(context, options) {
        const t = context.createTranslator(messages$q);
        const normalizedOptions = {
            allows: options?.allows ?? [],
        };
        return {
            file(source) {
                if (source.ext === ".p12") {
                    return reportIfFoundPrivateKeyP12Format({ source, options: normalizedOptions, context, t });
                }
                else if (source.ext === ".json") {
                    return reportIfFoundPrivateKeyJSONFormat({ source, options: normalizedOptions, context, t });
                }
            },
        };
    },
};

const messages$p = {
    PackageJSON_xOauthToken: {
        en: (props) => `found GitHub Token: ${props.TOKEN}`,
        ja: (props) => `GitHub Token: ${props.TOKEN} がみつかりました`,
    },
    Npmrc_authToken: {
        en: (props) => `found npmrc authToken: ${props.TOKEN}`,
        ja: (props) => `npmrc authToken: ${props.TOKEN} がみつかりました`,
    },
    NPM_ACCESS_TOKEN: {
        en: (props) => `found npm access token: ${props.TOKEN}`,
        ja: (props) => `npm access token: ${props.TOKEN} がみつかりました`,
    },
};
function reportIfFoundXOauthGitHubToken({ source, options, context, t, }) {
    // https://github.blog/2012-09-21-easier-builds-and-deployments-using-git-over-https-and-oauth/
    // https://stackoverflow.com/questions/14402407/maximum-length-of-a-domain-name-without-the-http-www-com-parts
    const XOAuthPattern = /https?:\/\/(.{1,256}):x-oauth-basic@github.com\//g;
    const results = source.content.matchAll(XOAuthPattern);
    for (const result of results) {
        const index = result.index || 0;
        const match = result[1] || "";
        const range = [index, index + match.length];
        const allowedResults = regexpStringMatcherExports.matchPatterns(match, options.allows);
        if (allowedResults.length > 0) {
            continue;
        }
        context.report({
            message: t("PackageJSON_xOauthToken", {
                TOKEN: match,
            }),
            range,
        });
    }
}
function reportIfFound_AuthTokenInNpmrc({ source, options, context, t, }) {
    // https://blog.npmjs.org/post/118393368555/deploying-with-npm-private-modules
    // allow _authToken=${NPM_TOKEN}
    // https://github.com/secretlint/secretlint/issues/302
    const AuthTokenPattern = /_authToken=([^$].*)/g;
    const results = source.content.matchAll(AuthTokenPattern);
    for (const result of results) {
        const index = result.index || 0;
        const match = result[1] || "";
        const range = [index, index + match.length];
        const allowedResults = regexpStringMatcherExports.matchPatterns(match, options.allows);
        if (allowedResults.length > 0) {
            continue;
        }
        context.report({
            message: t("Npmrc_authToken", {
                TOKEN: match,
            }),
            range,
        });
    }
}
function reportIfFound_NPM_ACCESS_TOKEN({ source, options, context, t, }) {
    // https://github.blog/2021-09-23-announcing-npms-new-access-token-format/
    // https://github.blog/2021-04-05-behind-githubs-new-authentication-token-formats/
    // token length should be 40
    const NPM_ACCESS_TOKEN_PATTERN = /(?<!\p{L})npm_[A-Za-z0-9_]{36}(?![A-Za-z0-9_])/gu;
    const results = source.content.matchAll(NPM_ACCESS_TOKEN_PATTERN);
    for (const result of results) {
        const index = result.index || 0;
        const match = result[0] || "";
        const range = [index, index + match.length];
        const allowedResults = regexpStringMatcherExports.matchPatterns(match, options.allows);
        if (allowedResults.length > 0) {
            continue;
        }
        context.report({
            message: t("NPM_ACCESS_TOKEN", {
                TOKEN: match,
            }),
            range,
        });
    }
}
const isPackageFile = (filePath) => {
    if (!filePath) {
        return true;
    }
    return filePath.endsWith("package.json") || filePath.endsWith("package-lock.json");
};
const isNpmrc = (filePath) => {
    if (!filePath) {
        return true;
    }
    return filePath.endsWith(".npmrc");
};
const creator$q = {
    messages: messages$p,
    meta: {
        id: "@secretlint/secretlint-rule-npm",
        recommended: true,
        type: "scanner",
        supportedContentTypes: ["text"],
        docs: {
            url: "https://github.com/secretlint/secretlint/blob/master/packages/%40secretlint/secretlint-rule-npm/README.md",
        },
    },
    create(context, options) {
        const t = context.createTranslator(messages$p);
        const normalizedOptions = {
            allows: options.allows || [],
        };
        return {
            file(source) {
                if (isPackageFile(source.filePath)) {
                    reportIfFoundXOauthGitHubToken({ source, options: normalizedOptions, context, t });
                }
                else if (isNpmrc(source.filePath)) {
                    reportIfFound_AuthTokenInNpmrc({ source, options: normalizedOptions, context, t });
                }
                reportIfFound_NPM_ACCESS_TOKEN({ source, options: normalizedOptions, context, t });
            },
        };
    },
};

const messages$o = {
    SLACK_TOKEN: {
        en: (props) => `found slack token: ${props.TOKEN}`,
        ja: (props) => `Slackトークン: ${props.TOKEN} がみつかりました`,
    },
    IncomingWebhook: {
        en: (props) => `found Slack Incoming Webhook: ${props.URL}`,
        ja: (props) => `SlackのIncoming Webhooks: ${props.TOKEN} がみつかりました`,
    },
};
function reportIfFoundRawPrivateKey$1({ source, options, context, t, }) {
    // Based on https://docs.cribl.io/docs/regexesyml
    // https://api.slack.com/docs/token-types
    // Bot user token strings begin with xoxb-
    // User token strings begin with xoxp-
    // App token strings begin with xapp-
    // Workspace access token strings begin with xoxa-2
    // Workspace refresh token strings begin with xoxr
    // Pattern: {prefix}-(\d-)-xxxx-xxxx
    const SLACK_TOKEN_PATTERN = /\b(?:xoxb|xoxp|xapp|xoxa|xoxo|xoxr)-(?:\d-)?(?:[a-zA-Z0-9]{1,40}-)+[a-zA-Z0-9]{1,40}\b/g;
    const results = source.content.matchAll(SLACK_TOKEN_PATTERN);
    for (const result of results) {
        const index = result.index || 0;
        const match = result[0] || "";
        const range = [index, index + match.length];
        const allowedResults = regexpStringMatcherExports.matchPatterns(match, options.allows);
        if (allowedResults.length > 0) {
            continue;
        }
        context.report({
            message: t("SLACK_TOKEN", {
                TOKEN: match,
            }),
            range,
        });
    }
}
/**
 * Report if found Incoming Webhooks
 * https://api.slack.com/messaging/webhooks
 * @param source
 * @param options
 * @param context
 * @param t
 */
function reportIfFoundIncomingWebhook({ source, options, context, t, }) {
    // Based on https://hooks.slack.com/TXXXXX/BXXXXX/XXXXXXXXXX
    // https://api.slack.com/messaging/webhooks
    const IncomingWebhooksPattern = /https:\/\/hooks\.slack\.com\/services\/T[a-zA-Z0-9]{1,40}\/B[a-zA-Z0-9]{1,40}\/[a-zA-Z0-9]{1,40}/gi;
    const results = source.content.matchAll(IncomingWebhooksPattern);
    for (const result of results) {
        const index = result.index || 0;
        const match = result[0] || "";
        const range = [index, index + match.length];
        const allowedResults = regexpStringMatcherExports.matchPatterns(match, options.allows);
        if (allowedResults.length > 0) {
            continue;
        }
        context.report({
            message: t("IncomingWebhook", {
                URL: match,
            }),
            range,
        });
    }
}
const creator$p = {
    messages: messages$o,
    meta: {
        id: "@secretlint/secretlint-rule-slack",
        recommended: true,
        type: "scanner",
        supportedContentTypes: ["text"],
        docs: {
            url: "https://github.com/secretlint/secretlint/blob/master/packages/%40secretlint/secretlint-rule-slack/README.md",
        },
    },
    create(context, options) {
        const t = context.createTranslator(messages$o);
        const normalizedOptions = {
            allows: options.allows || [],
        };
        return {
            file(source) {
                reportIfFoundRawPrivateKey$1({ source, options: normalizedOptions, context, t });
                reportIfFoundIncomingWebhook({ source, options: normalizedOptions, context, t });
            },
        };
    },
};

const messages$n = {
    BasicAuth: {
        en: (props) => `found basic auth credential: ${props.CREDENTIAL}`,
        ja: (props) => `ベーシック認証情報: ${props.CREDENTIAL} がみつかりました`,
    },
};
// Common placeholder patterns that should be ignored to avoid false positives
const BUILTIN_IGNORED_PATTERNS$1 = [
    "localhost",
    "127.0.0.1",
    "password",
    "mypassword",
    "myusername",
    "{password}",
    "${password}",
    "{{password}}",
    "{username}",
    "${username}",
    "{{username}}",
    "YOUR_PASSWORD",
    "YOUR_USERNAME",
    "REPLACE_WITH_PASSWORD",
    "REPLACE_WITH_USERNAME",
];
/**
 * Check if the string contains variable-like patterns that indicate it's likely a template
 */
function isVariableLikeString$1(str) {
    // Check for common variable patterns with length limits to prevent ReDoS
    const variablePatterns = [
        /\$\{[^}]{1,50}\}/, // ${var}
        /\{\{[^}]{1,50}\}\}/, // {{var}}
        /\{[^}]{1,50}\}/, // {var}
        /%[A-Z_]{1,30}%/, // %VAR%
        /\$[A-Z_]{1,30}/, // $VAR
    ];
    return variablePatterns.some((pattern) => pattern.test(str));
}
/**
 * Check if the username part looks like a real credential
 */
function isLikelyRealUsername(username) {
    // Skip if it's too short
    if (username.length < 2)
        return false;
    // Skip if it contains variable patterns
    if (isVariableLikeString$1(username))
        return false;
    // Skip if it's a common placeholder
    if (BUILTIN_IGNORED_PATTERNS$1.some((pattern) => username.toLowerCase().includes(pattern.toLowerCase()))) {
        return false;
    }
    return true;
}
/**
 * Check if the password part looks like a real credential
 */
function isLikelyRealPassword(password) {
    // Skip if it's too short or too simple
    if (password.length < 4)
        return false;
    // Skip if it contains variable patterns
    if (isVariableLikeString$1(password))
        return false;
    // Skip if it's a common placeholder
    if (BUILTIN_IGNORED_PATTERNS$1.some((pattern) => password.toLowerCase().includes(pattern.toLowerCase()))) {
        return false;
    }
    // Skip passwords that are too repetitive (same character repeated)
    if (/^(.)\1{3,}$/.test(password))
        return false; // e.g., "aaaa", "1111", "xxxx"
    return true;
}
function reportIfFoundBasicAuth({ source, options, context, t, }) {
    // https://developer.mozilla.org/docs/Web/HTTP/Authentication
    // https://ihateregex.io/expr/url
    // Using possessive quantifiers to prevent ReDoS
    const URL_PATTERN = /(?<protocol>(?:https?|ftp|ftps)):\/\/(?<user>[-a-zA-Z0-9_]{1,256}):(?<password>[-a-zA-Z0-9_]{1,256})@[-a-zA-Z0-9%._+~#=]{1,256}\.[a-zA-Z0-9()]{1,6}\b/g;
    const results = source.content.matchAll(URL_PATTERN);
    for (const result of results) {
        const index = result.index || 0;
        const match = result[0] || "";
        const username = result.groups?.user;
        const password = result.groups?.password;
        // Skip if no credentials found
        if (!username || !password)
            continue;
        // Skip if username doesn't look real
        if (!isLikelyRealUsername(username))
            continue;
        // Skip if password doesn't look real
        if (!isLikelyRealPassword(password))
            continue;
        const range = [index, index + match.length];
        const allowedResults = regexpStringMatcherExports.matchPatterns(match, options.allows);
        if (allowedResults.length > 0) {
            continue;
        }
        context.report({
            message: t("BasicAuth", {
                CREDENTIAL: match,
            }),
            range,
        });
    }
}
const creator$o = {
    messages: messages$n,
    meta: {
        id: "@secretlint/secretlint-rule-basicauth",
        recommended: true,
        type: "scanner",
        supportedContentTypes: ["text"],
        docs: {
            url: "https://github.com/secretlint/secretlint/blob/master/packages/%40secretlint/secretlint-rule-basicauth/README.md",
        },
    },
    create(context, options) {
        const t = context.createTranslator(messages$n);
        const normalizedOptions = {
            allows: options.allows || [],
        };
        return {
            file(source) {
                reportIfFoundBasicAuth({ source, options: normalizedOptions, context, t });
            },
        };
    },
};

const messages$m = {
    OPENAI_TOKEN: {
        en: (props) => `found OpenAI API token: ${props.TOKEN}`,
        ja: (props) => `OpenAI API トークン: ${props.TOKEN} がみつかりました`,
    },
};
const creator$n = {
    messages: messages$m,
    meta: {
        id: "@secretlint/secretlint-rule-openai",
        recommended: true,
        type: "scanner",
        supportedContentTypes: ["text"],
        docs: {
            url: "https://github.com/secretlint/secretlint/blob/master/packages/%40secretlint/secretlint-rule-openai/README.md",
        },
    },
    create(context, options) {
        const t = context.createTranslator(messages$m);
        const normalizedOptions = {
            allows: options?.allows ?? [],
        };
        return {
            file(source) {
                const pattern = /sk-(?:proj|svcacct|admin)-(?:[A-Za-z0-9_-]{74}|[A-Za-z0-9_-]{58})T3BlbkFJ(?:[A-Za-z0-9_-]{74}|[A-Za-z0-9_-]{58})\b|sk-[a-zA-Z0-9]{20}T3BlbkFJ[a-zA-Z0-9]{20}/g;
                const matches = source.content.matchAll(pattern);
                for (const match of matches) {
                    const index = match.index ?? 0;
                    const matchString = match[0] ?? "";
                    const allowedResults = regexpStringMatcherExports.matchPatterns(matchString, normalizedOptions.allows);
                    if (allowedResults.length > 0) {
                        continue;
                    }
                    const range = [index, index + matchString.length];
                    context.report({
                        message: t("OPENAI_TOKEN", {
                            TOKEN: matchString,
                        }),
                        range,
                    });
                }
            },
        };
    },
};

const messages$l = {
    ANTHROPIC_API_KEY: {
        en: (props) => `found Anthropic Claude API key: ${props.KEY}`,
        ja: (props) => `Anthropic Claude API キー: ${props.KEY} がみつかりました`,
    },
};
const creator$m = {
    messages: messages$l,
    meta: {
        id: "@secretlint/secretlint-rule-anthropic",
        recommended: true,
        type: "scanner",
        supportedContentTypes: ["text"],
        docs: {
            url: "https://github.com/secretlint/secretlint/blob/master/packages/%40secretlint/secretlint-rule-anthropic/README.md",
        },
    },
    create(context, options) {
        const t = context.createTranslator(messages$l);
        const normalizedOptions = {
            allows: options?.allows ?? [],
        };
        return {
            file(source) {
                // Anthropic Claude API keys patterns:
                // - sk-ant-api03-... (original format) - 13 chars prefix
                // - sk-ant-api04-... (newer format) - 13 chars prefix
                // Example format: sk-ant-api03-<93 base64url chars>AA (108 chars total)
                // Breakdown: prefix(13) + middle(93) + suffix(2) = 108 chars
                // Pattern: sk-ant-api0[3-4]- + base64-like characters (exactly 93 chars) + ending with AA
                // https://docs.anthropic.com/en/api/overview
                // https://docs.anthropic.com/en/api/admin-api/apikeys/get-api-key
                // https://docs.gitguardian.com/secrets-detection/secrets-detection-engine/detectors/specifics/claude_api_key
                const pattern = /(?<!\p{L})sk-ant-api0\d-[A-Za-z0-9_-]{90,128}AA(?![A-Za-z0-9_-])/gu;
                const matches = source.content.matchAll(pattern);
                for (const match of matches) {
                    const index = match.index ?? 0;
                    const matchString = match[0] ?? "";
                    const allowedResults = regexpStringMatcherExports.matchPatterns(matchString, normalizedOptions.allows);
                    if (allowedResults.length > 0) {
                        continue;
                    }
                    const range = [index, index + matchString.length];
                    context.report({
                        message: t("ANTHROPIC_API_KEY", {
                            KEY: matchString,
                        }),
                        range,
                    });
                }
            },
        };
    },
};

const messages$k = {
    GROQ_API_KEY: {
        en: (props) => `found Groq API key: ${props.KEY}`,
        ja: (props) => `Groq API キー: ${props.KEY} がみつかりました`,
    },
};
const creator$l = {
    messages: messages$k,
    meta: {
        id: "@secretlint/secretlint-rule-groq",
        recommended: true,
        type: "scanner",
        supportedContentTypes: ["text"],
        docs: {
            url: "https://github.com/secretlint/secretlint/blob/master/packages/%40secretlint/secretlint-rule-groq/README.md",
        },
    },
    create(context, options) {
        const t = context.createTranslator(messages$k);
        const normalizedOptions = {
            allows: options?.allows ?? [],
        };
        return {
            file(source) {
                // Groq API keys format:
                // - Prefix "gsk_" followed by exactly 52 alphanumeric characters
                // References:
                // - https://console.groq.com/docs/quickstart
                // - https://docs.github.com/en/code-security/secret-scanning/introduction/supported-secret-scanning-patterns
                // - https://github.com/trufflesecurity/trufflehog/blob/main/pkg/detectors/groq/groq.go
                const pattern = /(?<!\p{L})gsk_[a-zA-Z0-9]{52}(?![a-zA-Z0-9])/gu;
                const matches = source.content.matchAll(pattern);
                for (const match of matches) {
                    const index = match.index ?? 0;
                    const matchString = match[0] ?? "";
                    const allowedResults = regexpStringMatcherExports.matchPatterns(matchString, normalizedOptions.allows);
                    if (allowedResults.length > 0) {
                        continue;
                    }
                    const range = [index, index + matchString.length];
                    context.report({
                        message: t("GROQ_API_KEY", {
                            KEY: matchString,
                        }),
                        range,
                    });
                }
            },
        };
    },
};

const messages$j = {
    HUGGINGFACE_USER_ACCESS_TOKEN: {
        en: (props) => `found Hugging Face User Access Token: ${props.TOKEN}`,
        ja: (props) => `Hugging Face User Access Token: ${props.TOKEN} がみつかりました`,
    },
};
const creator$k = {
    messages: messages$j,
    meta: {
        id: "@secretlint/secretlint-rule-huggingface",
        recommended: true,
        type: "scanner",
        supportedContentTypes: ["text"],
        docs: {
            url: "https://github.com/secretlint/secretlint/blob/master/packages/%40secretlint/secretlint-rule-huggingface/README.md",
        },
    },
    create(context, options) {
        const t = context.createTranslator(messages$j);
        const normalizedOptions = {
            allows: options?.allows ?? [],
        };
        return {
            file(source) {
                // Hugging Face User Access Token format:
                // - Prefix: `hf_`
                // - Body: exactly 34 alphabetic characters (a-z, A-Z)
                // References:
                // - https://huggingface.co/docs/hub/security-tokens
                // - https://github.com/gitleaks/gitleaks
                const pattern = /(?<!\p{L})hf_[a-zA-Z]{34}(?![a-zA-Z])/gu;
                const matches = source.content.matchAll(pattern);
                for (const match of matches) {
                    const index = match.index ?? 0;
                    const matchString = match[0] ?? "";
                    const allowedResults = regexpStringMatcherExports.matchPatterns(matchString, normalizedOptions.allows);
                    if (allowedResults.length > 0) {
                        continue;
                    }
                    const range = [index, index + matchString.length];
                    context.report({
                        message: t("HUGGINGFACE_USER_ACCESS_TOKEN", {
                            TOKEN: matchString,
                        }),
                        range,
                    });
                }
            },
        };
    },
};

const messages$i = {
    LINEAR_API_TOKEN: {
        en: (props) => `found linear api token: ${props.ID}`,
        ja: (props) => `linear api token: ${props.ID} がみつかりました`,
    },
};
const creator$j = {
    messages: messages$i,
    meta: {
        id: "@secretlint/secretlint-rule-linear",
        recommended: true,
        type: "scanner",
        supportedContentTypes: ["text"],
        docs: {
            url: "https://github.com/secretlint/secretlint/blob/master/packages/%40secretlint/secretlint-rule-linear/README.md",
        },
    },
    create(context, options) {
        const t = context.createTranslator(messages$i);
        const normalizedOptions = {
            allows: options?.allows ?? [],
        };
        return {
            file(source) {
                const pattern = /(?<!\p{L})lin_api_[a-zA-Z0-9_]{32,128}(?![a-zA-Z0-9_])/gu;
                const matches = source.content.matchAll(pattern);
                for (const match of matches) {
                    const index = match.index ?? 0;
                    const matchString = match[0] ?? "";
                    const allowedResults = regexpStringMatcherExports.matchPatterns(matchString, normalizedOptions.allows);
                    if (allowedResults.length > 0) {
                        continue;
                    }
                    const range = [index, index + matchString.length];
                    context.report({
                        message: t("LINEAR_API_TOKEN", {
                            ID: matchString,
                        }),
                        range,
                    });
                }
            },
        };
    },
};

const messages$h = {
    NOTION_INTEGRATION_TOKEN: {
        en: (props) => `found Notion integration token: ${props.TOKEN}`,
        ja: (props) => `Notion integration トークン: ${props.TOKEN} がみつかりました`,
    },
};
function reportIfFoundToken({ source, options, context, t, }) {
    /**
     * Notion Integration Token (new format introduced September 2024).
     *
     * Structure: `ntn_` prefix + 11 digits + 35 alphanumeric characters (46 chars after prefix).
     * The legacy `secret_` prefix is intentionally NOT detected here because it is too
     * generic and prone to false positives.
     *
     * References:
     * - https://developers.notion.com/changelog (API token prefix transition)
     * - https://docs.github.com/en/code-security/secret-scanning/introduction/supported-secret-scanning-patterns
     * - https://github.com/gitleaks/gitleaks/blob/master/config/gitleaks.toml (notion-api-token)
     *
     * Note: Notion warns that the token format may change, so this pattern may need
     * to be revisited if a future format is introduced.
     */
    const NOTION_INTEGRATION_TOKEN_PATTERN = /(?<!\p{L})ntn_[0-9]{11}[A-Za-z0-9]{35}(?![A-Za-z0-9])/gu;
    const results = source.content.matchAll(NOTION_INTEGRATION_TOKEN_PATTERN);
    for (const result of results) {
        const index = result.index ?? 0;
        const match = result[0] ?? "";
        const range = [index, index + match.length];
        const allowedResults = regexpStringMatcherExports.matchPatterns(match, options.allows);
        if (allowedResults.length > 0) {
            continue;
        }
        context.report({
            message: t("NOTION_INTEGRATION_TOKEN", {
                TOKEN: match,
            }),
            range,
        });
    }
}
const creator$i = {
    messages: messages$h,
    meta: {
        id: "@secretlint/secretlint-rule-notion",
        recommended: true,
        type: "scanner",
        supportedContentTypes: ["text"],
        docs: {
            url: "https://github.com/secretlint/secretlint/blob/master/packages/%40secretlint/secretlint-rule-notion/README.md",
        },
    },
    create(context, options) {
        const t = context.createTranslator(messages$h);
        const normalizedOptions = {
            allows: options.allows ?? [],
        };
        return {
            file(source) {
                reportIfFoundToken({ source, options: normalizedOptions, context, t });
            },
        };
    },
};

const messages$g = {
    PrivateKey: {
        en: (props) => `found private key: ${props.KEY}`,
        ja: (props) => `秘密鍵: ${props.KEY} がみつかりました`,
    },
};
/**
 * Regular expression to detect private keys and extract Base64 content in one pass
 * Based on https://docs.cribl.io/docs/regexesyml
 * Captures the Base64 content (group 1) between BEGIN and END markers
 *
 * Length constraint {100,10000} (heuristic):
 * - Minimum 100: Heuristically excludes short placeholders (smallest real key ECDSA-256 ≈ 288 chars)
 * - Maximum 10000: Heuristically prevents catastrophic backtracking and extremely large inputs
 *
 * Character class [A-Za-z0-9+/=\s\\]:
 * - Restricts to Base64 characters, whitespace, and backslash to prevent ReDoS attacks
 * - Backslash included to handle JSON escape sequences (\n, \r, \t)
 * - Fails fast on invalid characters, reducing backtracking complexity
 *
 * ReDoS mitigation:
 * - Uses greedy quantifier (no ?) to reduce backtracking ambiguity
 * - Simplified optional parts to minimize exponential complexity
 * - Length limit ensures bounded execution time
 */
const PEM_CONTENT_PATTERN = /-----BEGIN[ ]?(?:(?:RSA|DSA|EC|OPENSSH|PGP) )?PRIVATE KEY(?: BLOCK)?-----\n?([A-Za-z0-9+/=\s\\]{100,10000})\n?-----END[ ]?(?:(?:RSA|DSA|EC|OPENSSH|PGP) )?PRIVATE KEY(?: BLOCK)?-----/gm;
/**
 * Validate if the Base64 content is a real private key or a placeholder
 * Based on Base64 validation approach without decoding
 *
 * References:
 * - RFC 7468: Textual Encodings of PKIX, PKCS, and CMS Structures
 *   https://tools.ietf.org/html/rfc7468
 * - RFC 4648: The Base16, Base32, and Base64 Data Encodings
 *   https://datatracker.ietf.org/doc/html/rfc4648
 * - RFC 5208: PKCS #8: Private-Key Information Syntax v1.2
 *   https://datatracker.ietf.org/doc/html/rfc5208
 * - RFC 5958: Asymmetric Key Packages
 *   https://datatracker.ietf.org/doc/html/rfc5958
 * - RFC 3447: PKCS #1: RSA Cryptography Specifications v2.1
 *   https://datatracker.ietf.org/doc/html/rfc3447
 * - OpenSSH PROTOCOL.key
 *   https://github.com/openssh/openssh-portable/blob/master/PROTOCOL.key
 *
 * @param base64Content - The Base64-encoded key content (without PEM headers)
 * @returns true if it's likely a real private key, false if it's a placeholder
 */
function validateBase64KeyContent(base64Content) {
    // 1. Base64 format validation (RFC 4648)
    // Reject non-Base64 characters like "...", "***", "xxx"
    if (!/^[A-Za-z0-9+/]+=*$/.test(base64Content)) {
        return false;
    }
    // 2. Minimum length check (Base64 100 chars = ~75 bytes decoded)
    // Real keys are much longer: RSA-1024 ≈ 800 chars, EC-256 ≈ 120 chars
    if (base64Content.length < 100) {
        return false;
    }
    // 3. Magic byte check (in Base64)
    // ASN.1 format (PKCS#1, PKCS#8, SEC1): 0x30 (SEQUENCE) → "MI*"
    // OpenSSH format: "openssh-key-v1\0" → "b3BlbnNzaC1rZXktdjE"
    const validMagicBytes = /^(MI|b3BlbnNzaC1rZXktdjE)/;
    if (!validMagicBytes.test(base64Content)) {
        return false;
    }
    return true;
}
function reportIfFoundRawPrivateKey({ source, options, context, t, }) {
    // Use PEM_CONTENT_PATTERN to extract both full match and Base64 content in one pass
    const results = source.content.matchAll(PEM_CONTENT_PATTERN);
    for (const result of results) {
        const index = result.index || 0;
        const match = result[0] || "";
        const base64Raw = result[1] || "";
        const range = [index, index + match.length];
        const allowedResults = regexpStringMatcherExports.matchPatterns(match, options.allows);
        if (allowedResults.length > 0) {
            continue;
        }
        // Remove whitespace and escaped newlines (from JSON strings)
        const base64Content = base64Raw.replace(/\s|\\n/g, "");
        // Validate if the Base64 content is a real private key
        if (!validateBase64KeyContent(base64Content)) {
            continue;
        }
        context.report({
            message: t("PrivateKey", {
                KEY: match,
            }),
            range,
        });
    }
}
const creator$h = {
    messages: messages$g,
    meta: {
        id: "@secretlint/secretlint-rule-privatekey",
        recommended: true,
        type: "scanner",
        supportedContentTypes: ["text"],
        docs: {
            url: "https://github.com/secretlint/secretlint/blob/master/packages/%40secretlint/secretlint-rule-privatekey/README.md",
        },
    },
    create(context, options) {
        const t = context.createTranslator(messages$g);
        const normalizedOptions = {
            allows: options.allows || [],
        };
        return {
            file(source) {
                reportIfFoundRawPrivateKey({ source, options: normalizedOptions, context, t });
            },
        };
    },
};

const messages$f = {
    SENDGRID_KEY: {
        en: (props) => `found Sendgrid api key: ${props.KEY}`,
        ja: (props) => `Sendgrid APIキーが見つかりました： ${props.KEY}`,
    },
};
function reportIfFoundKey$3({ source, options, context, t, }) {
    const SENDGRID_KEY_PATTERN = /(?<!\p{L})SG\.\w{1,128}\.\w{1,128}([-_]?)\w{1,128}(?!\w)/gu;
    const results = source.content.matchAll(SENDGRID_KEY_PATTERN);
    for (const result of results) {
        const index = result.index || 0;
        const match = result[0] || "";
        if (match.length !== 69) {
            // send grid api key is 69 characters long
            continue;
        }
        const range = [index, index + match.length];
        const allowedResults = regexpStringMatcherExports.matchPatterns(match, options.allows);
        if (allowedResults.length > 0) {
            continue;
        }
        context.report({
            message: t("SENDGRID_KEY", {
                KEY: match,
            }),
            range,
        });
    }
}
const creator$g = {
    messages: messages$f,
    meta: {
        id: "@secretlint/secretlint-rule-sendgrid",
        recommended: true,
        type: "scanner",
        supportedContentTypes: ["text"],
        docs: {
            url: "https://github.com/secretlint/secretlint/blob/master/packages/%40secretlint/secretlint-rule-sendgrid/README.md",
        },
    },
    create(context, options) {
        const t = context.createTranslator(messages$f);
        const normalizedOptions = {
            allows: options.allows || [],
        };
        return {
            file(source) {
                reportIfFoundKey$3({ source, options: normalizedOptions, context, t });
            },
        };
    },
};

const messages$e = {
    SHOPIFY_KEY: {
        en: (props) => `found Shopify api key: ${props.KEY}`,
        ja: (props) => `Shopify APIキーが見つかりました： ${props.KEY}`
    }
};
function reportIfFoundKey$2({ source, options, context, t }) {
    /**
     * Source: https://shopify.dev/changelog/app-secret-key-length-has-increased
     * for app secret keys
     * shpss_[a-zA-Z0-9]{32,64}
     * e.g.) shpss_QlRSJy5AXX1cILNjVatTsEIhFxuPF5ex
     *
     * Source: https://shopify.dev/changelog/length-of-the-shopify-access-token-is-increasing
     * for public apps
     * shpat_[a-zA-Z0-9]{32,64}
     * e.g.) shpat_r8TRc9ZXAvcVvcrmtr7qoVw69WeeY1ex
     *
     * for custom apps
     * shpca_[a-zA-Z0-9]{32,64}
     * e.g.) shpca_7jqbg9cupMkZRxJKXWz3v8BvS8QBa7hMdJfAex
     *
     * for legacy private apps
     * shppa_[a-zA-Z0-9]{32,64}
     * e.g.) shppa_7jqbg9cupMkZRxJKXWz3v8BvS8QBa7hMdJfAex
     */
    const SHOPIFY_KEY_PATTERN = /(?<!\p{L})(shppa|shpca|shpat|shpss)_[a-zA-Z0-9]{32,64}(?![a-zA-Z0-9])/gu;
    const results = source.content.matchAll(SHOPIFY_KEY_PATTERN);
    for (const result of results) {
        const index = result.index || 0;
        const match = result[0] || "";
        const range = [index, index + match.length];
        const allowedResults = regexpStringMatcherExports.matchPatterns(match, options.allows);
        if (allowedResults.length > 0) {
            continue;
        }
        context.report({
            message: t("SHOPIFY_KEY", {
                KEY: match
            }),
            range
        });
    }
}
const creator$f = {
    messages: messages$e,
    meta: {
        id: "@secretlint/secretlint-rule-shopify",
        recommended: true,
        type: "scanner",
        supportedContentTypes: ["text"],
        docs: {
            url: "https://github.com/secretlint/secretlint/blob/master/packages/%40secretlint/secretlint-rule-shopify/README.md"
        }
    },
    create(context, options) {
        const t = context.createTranslator(messages$e);
        const normalizedOptions = {
            allows: options.allows || []
        };
        return {
            file(source) {
                reportIfFoundKey$2({ source, options: normalizedOptions, context, t });
            }
        };
    }
};

const messages$d = {
    STRIPE_SECRET_KEY_LIVE: {
        en: (props) => `found Stripe Live Secret Key: ${props.KEY}`,
        ja: (props) => `Stripe Live Secret Keyが見つかりました: ${props.KEY}`,
    },
    STRIPE_SECRET_KEY_TEST: {
        en: (props) => `found Stripe Test Secret Key: ${props.KEY}`,
        ja: (props) => `Stripe Test Secret Keyが見つかりました: ${props.KEY}`,
    },
    STRIPE_RESTRICTED_KEY_LIVE: {
        en: (props) => `found Stripe Live Restricted Key: ${props.KEY}`,
        ja: (props) => `Stripe Live Restricted Keyが見つかりました: ${props.KEY}`,
    },
    STRIPE_RESTRICTED_KEY_TEST: {
        en: (props) => `found Stripe Test Restricted Key: ${props.KEY}`,
        ja: (props) => `Stripe Test Restricted Keyが見つかりました: ${props.KEY}`,
    },
};
const messageIdMap$1 = {
    sk_live: "STRIPE_SECRET_KEY_LIVE",
    sk_test: "STRIPE_SECRET_KEY_TEST",
    rk_live: "STRIPE_RESTRICTED_KEY_LIVE",
    rk_test: "STRIPE_RESTRICTED_KEY_TEST",
};
// Stripe API key format: {prefix}_{24-99 alphanumeric chars}
// Officially documented prefixes (https://docs.stripe.com/keys):
// - sk_live_ : Live Secret Key
// - sk_test_ : Test Secret Key
// - rk_live_ : Live Restricted Key
// - rk_test_ : Test Restricted Key
//
// Length lower bound (24):
//   Stripe's documentation samples and historical key format use a 24-char body
//   after the prefix. Issue #1531 also describes the format as "typically 24-32
//   characters" after the prefix. Stripe does not publish a hard minimum, but
//   24 reflects the smallest length seen in real keys; gitleaks uses 10 and
//   TruffleHog uses 20, but those values produce more false positives.
//   Tightening to 24 trades a (non-existent in practice) shorter key for fewer
//   false positives.
//
// Length upper bound (99):
//   Modern Stripe keys use an extended `51...` account-prefix encoding and run
//   up to ~99 chars after the prefix. Matches gitleaks' upper bound.
const STRIPE_KEY_PATTERN = /(?<!\p{L})(?<prefix>sk_live|sk_test|rk_live|rk_test)_[a-zA-Z0-9]{24,99}(?![a-zA-Z0-9])/gu;
function reportIfFound$2({ source, options, context, t, }) {
    const results = source.content.matchAll(STRIPE_KEY_PATTERN);
    for (const result of results) {
        const index = result.index ?? 0;
        const match = result[0] ?? "";
        const prefix = result.groups?.["prefix"];
        if (!prefix) {
            continue;
        }
        const range = [index, index + match.length];
        const allowedResults = regexpStringMatcherExports.matchPatterns(match, options.allows);
        if (allowedResults.length > 0) {
            continue;
        }
        context.report({
            message: t(messageIdMap$1[prefix], {
                KEY: match,
            }),
            range,
        });
    }
}
const creator$e = {
    messages: messages$d,
    meta: {
        id: "@secretlint/secretlint-rule-stripe",
        recommended: true,
        type: "scanner",
        supportedContentTypes: ["text"],
        docs: {
            url: "https://github.com/secretlint/secretlint/blob/master/packages/%40secretlint/secretlint-rule-stripe/README.md",
        },
    },
    create(context, options) {
        const t = context.createTranslator(messages$d);
        const normalizedOptions = {
            allows: options.allows ?? [],
        };
        return {
            file(source) {
                reportIfFound$2({ source, options: normalizedOptions, context, t });
            },
        };
    },
};

const messages$c = {
    GITHUB_TOKEN: {
        en: (props) => `found GitHub Token(${props.typeName}): ${props.KEY}`,
        ja: (props) => `GitHub Token(${props.typeName})が見つかりました： ${props.KEY}`,
    },
};
// ghp for GitHub personal access tokens
// gho for OAuth access tokens
// ghu for GitHub user-to-server tokens
// ghs for GitHub server-to-server tokens
// ghr for refresh tokens
// github_pat for fine-grained personal access tokens
const typeMap = new Map([
    ["ghp", "GitHub personal access tokens"],
    ["gho", "OAuth access tokens"],
    ["ghu", "GitHub user-to-server tokens"],
    ["ghs", "GitHub server-to-server tokens"],
    ["ghr", "refresh tokens"],
    ["github_pat", "fine-grained personal access tokens"],
]);
function reportIfFoundKey$1({ pattern, source, options, context, t, }) {
    const results = source.content.matchAll(pattern);
    for (const result of results) {
        const index = result.index || 0;
        const type = result.groups?.type;
        const typeName = typeMap.get(type);
        if (!typeName) {
            throw new Error("Unknown type:" + typeName);
        }
        const match = result[0] || "";
        const range = [index, index + match.length];
        const allowedResults = regexpStringMatcherExports.matchPatterns(match, options.allows);
        if (allowedResults.length > 0) {
            continue;
        }
        context.report({
            message: t("GITHUB_TOKEN", {
                KEY: match,
                typeName,
            }),
            range,
        });
    }
}
const creator$d = {
    messages: messages$c,
    meta: {
        id: "@secretlint/secretlint-rule-github",
        recommended: true,
        type: "scanner",
        supportedContentTypes: ["text"],
        docs: {
            url: "https://github.com/secretlint/secretlint/blob/master/packages/%40secretlint/secretlint-rule-github/README.md",
        },
    },
    create(context, options) {
        // token length should be 40
        // https://github.blog/2021-04-05-behind-githubs-new-authentication-token-formats/
        const CLASSIC_GITHUB_TOKEN_PATTERN = /(?<!\p{L})(?<type>ghp|gho|ghu|ghs|ghr)_[A-Za-z0-9_]{36}(?![A-Za-z0-9_])/gu;
        // fine-grained personal access tokens. FIXME: Format of the token is unclear
        // https://github.com/community/community/discussions/36441#discussioncomment-4014190
        const FINE_GRAINED_GITHUB_TOKEN_PATTERN = /(?<!\p{L})(?<type>github_pat)_[A-Za-z0-9_]{82}(?![A-Za-z0-9_])/gu;
        // new format: ghs_<AppID>_<JWT> (~520 chars, JWT contains three base64url segments separated by dots)
        // https://github.blog/changelog/2026-04-24-notice-about-upcoming-new-format-for-github-app-installation-tokens/
        const GITHUB_APP_INSTALLATION_TOKEN_PATTERN = /(?<!\p{L})(?<type>ghs)_[0-9]{1,20}_[A-Za-z0-9_-]{1,1000}\.[A-Za-z0-9_-]{1,10000}\.[A-Za-z0-9_-]{1,1000}(?![A-Za-z0-9_-])/gu;
        const patterns = [
            CLASSIC_GITHUB_TOKEN_PATTERN,
            FINE_GRAINED_GITHUB_TOKEN_PATTERN,
            GITHUB_APP_INSTALLATION_TOKEN_PATTERN,
        ];
        const t = context.createTranslator(messages$c);
        const normalizedOptions = {
            allows: options.allows || [],
        };
        return {
            file(source) {
                for (const pattern of patterns) {
                    reportIfFoundKey$1({ pattern, source, options: normalizedOptions, context, t });
                }
            },
        };
    },
};

const messages$b = {
    GITLAB_PERSONAL_ACCESS_TOKEN: {
        en: (props) => `found GitLab Personal Access Token: ${props.KEY}`,
        ja: (props) => `GitLab Personal Access Tokenが見つかりました: ${props.KEY}`,
    },
};
function reportIfFoundKey({ pattern, source, options, context, t, }) {
    const results = source.content.matchAll(pattern);
    for (const result of results) {
        const index = result.index ?? 0;
        const match = result[0] ?? "";
        const range = [index, index + match.length];
        const allowedResults = regexpStringMatcherExports.matchPatterns(match, options.allows);
        if (allowedResults.length > 0) {
            continue;
        }
        context.report({
            message: t("GITLAB_PERSONAL_ACCESS_TOKEN", {
                KEY: match,
            }),
            range,
        });
    }
}
const creator$c = {
    messages: messages$b,
    meta: {
        id: "@secretlint/secretlint-rule-gitlab",
        recommended: true,
        type: "scanner",
        supportedContentTypes: ["text"],
        docs: {
            url: "https://github.com/secretlint/secretlint/blob/master/packages/%40secretlint/secretlint-rule-gitlab/README.md",
        },
    },
    create(context, options) {
        // GitLab Personal Access Token
        // Prefix `glpat-` followed by 20–128 characters.
        // Standard PATs are a fixed 20 characters. Routable tokens extend up to ~38 characters with a dot-suffix.
        // - https://docs.gitlab.com/security/tokens/
        // - https://docs.github.com/en/code-security/secret-scanning/introduction/supported-secret-scanning-patterns
        const GITLAB_PERSONAL_ACCESS_TOKEN_PATTERN = /(?<!\p{L})glpat-[A-Za-z0-9_-]{20,128}(?![A-Za-z0-9_-])/gu;
        const patterns = [GITLAB_PERSONAL_ACCESS_TOKEN_PATTERN];
        const t = context.createTranslator(messages$b);
        const normalizedOptions = {
            allows: options.allows ?? [],
        };
        return {
            file(source) {
                for (const pattern of patterns) {
                    reportIfFoundKey({ pattern, source, options: normalizedOptions, context, t });
                }
            },
        };
    },
};

const messages$a = {
    GRAFANA_CLOUD_API_TOKEN: {
        en: (props) => `found Grafana Cloud API token: ${props.TOKEN}`,
        ja: (props) => `Grafana Cloud API トークン: ${props.TOKEN} がみつかりました`,
    },
    GRAFANA_SERVICE_ACCOUNT_TOKEN: {
        en: (props) => `found Grafana Service Account token: ${props.TOKEN}`,
        ja: (props) => `Grafana Service Account トークン: ${props.TOKEN} がみつかりました`,
    },
};
function reportIfFound$1({ pattern, messageId, source, options, context, t, }) {
    const results = source.content.matchAll(pattern);
    for (const result of results) {
        const index = result.index ?? 0;
        const match = result[0] ?? "";
        const allowedResults = regexpStringMatcherExports.matchPatterns(match, options.allows);
        if (allowedResults.length > 0) {
            continue;
        }
        const range = [index, index + match.length];
        context.report({
            message: t(messageId, {
                TOKEN: match,
            }),
            range,
        });
    }
}
const creator$b = {
    messages: messages$a,
    meta: {
        id: "@secretlint/secretlint-rule-grafana",
        recommended: true,
        type: "scanner",
        supportedContentTypes: ["text"],
        docs: {
            url: "https://github.com/secretlint/secretlint/blob/master/packages/%40secretlint/secretlint-rule-grafana/README.md",
        },
    },
    create(context, options) {
        const t = context.createTranslator(messages$a);
        const normalizedOptions = {
            allows: options?.allows ?? [],
        };
        // Grafana Cloud API token
        // Prefix: `glc_`, followed by base64-encoded JWT content.
        // Real tokens start with `glc_eyJ` (the base64 prefix of `{"`).
        // https://grafana.com/docs/grafana-cloud/account-management/authentication-and-permissions/api-keys/
        const GRAFANA_CLOUD_API_TOKEN_PATTERN = /(?<!\p{L})glc_[A-Za-z0-9+/]{32,400}={0,2}(?![A-Za-z0-9+/=])/gu;
        // Grafana Service Account token
        // Prefix: `glsa_`, followed by 32 alphanumeric characters, an
        // underscore, and an 8-character hex checksum.
        // https://grafana.com/docs/grafana/latest/administration/service-accounts/
        const GRAFANA_SERVICE_ACCOUNT_TOKEN_PATTERN = /(?<!\p{L})glsa_[A-Za-z0-9]{32}_[A-Fa-f0-9]{8}(?![A-Fa-f0-9])/gu;
        return {
            file(source) {
                reportIfFound$1({
                    pattern: GRAFANA_CLOUD_API_TOKEN_PATTERN,
                    messageId: "GRAFANA_CLOUD_API_TOKEN",
                    source,
                    options: normalizedOptions,
                    context,
                    t,
                });
                reportIfFound$1({
                    pattern: GRAFANA_SERVICE_ACCOUNT_TOKEN_PATTERN,
                    messageId: "GRAFANA_SERVICE_ACCOUNT_TOKEN",
                    source,
                    options: normalizedOptions,
                    context,
                    t,
                });
            },
        };
    },
};

const messages$9 = {
    OPS_TOKEN: {
        en: (props) => `found 1Password Service Account token: ${props.TOKEN}`,
        ja: (props) => `1Password Service Account: ${props.TOKEN} がみつかりました`,
    },
};
const is1PasswordServiceAccountToken = (base64String) => {
    try {
        const jsonString = atob(base64String.replace(/-/g, "+").replace(/_/g, "/"));
        const json = JSON.parse(jsonString);
        return typeof json === "object" && json !== null;
    }
    catch (error) {
        return false;
    }
};
const creator$a = {
    messages: messages$9,
    meta: {
        id: "@secretlint/secretlint-rule-1password",
        recommended: true,
        type: "scanner",
        supportedContentTypes: ["text"],
        docs: {
            url: "https://github.com/secretlint/secretlint/blob/master/packages/%40secretlint/secretlint-rule-1password/README.md",
        },
    },
    create(context, options) {
        const t = context.createTranslator(messages$9);
        const normalizedOptions = {
            allows: options?.allows ?? [],
        };
        return {
            file(source) {
                // 1Password Service Account format is `ops_<base64>`
                // https://developer.1password.com/docs/service-accounts/security/
                // It will be like ops_{"email":"ejwe64qmlxhri@1passwordserviceaccounts.lcl","muk":{"alg":"A256GCM","ext":true,"k":"M8VPfIc8VEfThcMXLaKCKF8sMh5JMZsPAtu92fQNb-o","key_ops":["encrypt","decrypt"],"kty":"oct","kid":"mp"},"secretKey":"A3-C4ZJMN-PQTZTL-HGL84-G64M7-KVZRN-4ZVP6","srpX":"870d67a9e626625d9e368507804c9c32e661c57e7e558778291bf29d5a279ae1","signInAddress":"gotham.b5local.com:4000","userAuth":{"method":"SRPg-4096","alg":"PBES2g-HS256","iterations":100000,"salt":"FMRUPiyrN4Xf_8Hoh6YRXQ"}}
                // This regexp match `ops_{...}` pattern
                const pattern = /(?<!\p{L})ops_(ey[A-Za-z0-9+/=]{100,1280}fQ={0,2})(?![A-Za-z0-9+/=])/gu;
                const matches = source.content.matchAll(pattern);
                for (const match of matches) {
                    const index = match.index ?? 0;
                    const matchString = match[0] ?? "";
                    const base64String = match[1] ?? "";
                    if (!is1PasswordServiceAccountToken(base64String)) {
                        continue;
                    }
                    const allowedResults = regexpStringMatcherExports.matchPatterns(matchString, normalizedOptions.allows);
                    if (allowedResults.length > 0) {
                        continue;
                    }
                    const range = [index, index + matchString.length];
                    context.report({
                        message: t("OPS_TOKEN", {
                            TOKEN: matchString,
                        }),
                        range,
                    });
                }
            },
        };
    },
};

const messages$8 = {
    MongoDBConnection: {
        en: (props) => `found MongoDB connection string: ${props.URI}`,
        ja: (props) => `MongoDB接続文字列: ${props.URI} がみつかりました`,
    },
    MySQLConnection: {
        en: (props) => `found MySQL connection string: ${props.URI}`,
        ja: (props) => `MySQL接続文字列: ${props.URI} がみつかりました`,
    },
    PostgreSQLConnection: {
        en: (props) => `found PostgreSQL connection string: ${props.URI}`,
        ja: (props) => `PostgreSQL接続文字列: ${props.URI} がみつかりました`,
    },
};
// Common placeholder patterns that should be ignored to avoid false positives
const BUILTIN_IGNORED_PATTERNS = [
    "localhost",
    "127.0.0.1",
    "example.com",
    "example.org",
    "test.com",
    "password",
    "username",
    "secret",
    "mypassword",
    "myusername",
    "root",
    "admin",
    "user",
    "pass",
    "{password}",
    "${password}",
    "{{password}}",
    "{username}",
    "${username}",
    "{{username}}",
    "YOUR_PASSWORD",
    "YOUR_USERNAME",
    "REPLACE_WITH_PASSWORD",
];
/**
 * Check if the string contains variable-like patterns that indicate it's likely a template
 */
function isVariableLikeString(str) {
    // Check for common variable patterns with length limits to prevent ReDoS
    const variablePatterns = [
        /\$\{[^}]{1,50}\}/, // ${var}
        /\{\{[^}]{1,50}\}\}/, // {{var}}
        /\{[^}]{1,50}\}/, // {var}
        /%[A-Z_]{1,30}%/, // %VAR%
        /\$[A-Z_]{1,30}/, // $VAR
        /\$\([^)]{1,50}\)/, // $(var)
    ];
    return variablePatterns.some((pattern) => pattern.test(str));
}
/**
 * Check if the username and password look like real credentials
 */
function isLikelyRealCredential(username, password) {
    // Skip example credentials that repeat the username as the password
    if (username === password)
        return false;
    // Skip if it's too short or too simple
    if (password.length < 4)
        return false;
    // Skip if it contains variable patterns
    if (isVariableLikeString(password))
        return false;
    // Skip if it's exactly a common placeholder (not just contains it)
    const passwordLower = password.toLowerCase();
    if (BUILTIN_IGNORED_PATTERNS.some((pattern) => passwordLower === pattern.toLowerCase())) {
        return false;
    }
    // Skip passwords that are too repetitive (same character repeated)
    if (/^(.)\1{3,}$/.test(password))
        return false; // e.g., "aaaa", "1111", "xxxx"
    return true;
}
function reportMongoDBConnectionString({ source, options, context, t, }) {
    // MongoDB URI patterns: mongodb:// and mongodb+srv://
    // Captures: mongodb://[username:password@]host[:port][/database][?options]
    // Using possessive quantifiers to prevent ReDoS
    const MONGODB_PATTERN = /mongodb(?:\+srv)?:\/\/(?:(?<username>[^:\/\s]{1,100}):(?<password>[^@\/\s]{1,200})@)?(?<host>[^\/\s?]{1,100})(?:\/(?<database>[^?\s]{0,100}))?(?:\?(?<options>[^\s]{0,500}))?/gi;
    const results = source.content.matchAll(MONGODB_PATTERN);
    for (const result of results) {
        const index = result.index || 0;
        const match = result[0] || "";
        const username = result.groups?.username;
        const password = result.groups?.password;
        // Skip if no credentials found
        if (!username || !password)
            continue;
        // Skip if the credentials look like an example
        if (!isLikelyRealCredential(username, password))
            continue;
        const range = [index, index + match.length];
        const allowedResults = regexpStringMatcherExports.matchPatterns(match, options.allows);
        if (allowedResults.length > 0) {
            continue;
        }
        context.report({
            message: t("MongoDBConnection", {
                URI: match,
            }),
            range,
        });
    }
}
function reportMySQLConnectionString({ source, options, context, t, }) {
    // MySQL URI patterns: jdbc:mysql://, mysql://, mysqlx://
    // Using possessive quantifiers to prevent ReDoS
    const MYSQL_URI_PATTERN = /(?:jdbc:)?mysql(?:x)?:\/\/(?:(?<username>[^:\/\s]{1,100}):(?<password>[^@\/\s]{1,200})@)?(?<host>[^\/\s?]{1,100})(?:\/(?<database>[^?\s]{0,100}))?(?:\?(?<options>[^\s]{0,500}))?/gi;
    const results = source.content.matchAll(MYSQL_URI_PATTERN);
    for (const result of results) {
        const index = result.index || 0;
        const match = result[0] || "";
        const username = result.groups?.username;
        const password = result.groups?.password;
        // Skip if no credentials found
        if (!username || !password)
            continue;
        // Skip if the credentials look like an example
        if (!isLikelyRealCredential(username, password))
            continue;
        const range = [index, index + match.length];
        const allowedResults = regexpStringMatcherExports.matchPatterns(match, options.allows);
        if (allowedResults.length > 0) {
            continue;
        }
        context.report({
            message: t("MySQLConnection", {
                URI: match,
            }),
            range,
        });
    }
}
function reportPostgreSQLConnectionString({ source, options, context, t, }) {
    // PostgreSQL URI patterns: postgresql://, postgres://
    // Using possessive quantifiers to prevent ReDoS
    const POSTGRESQL_URI_PATTERN = /postgres(?:ql)?:\/\/(?:(?<username>[^:\/\s]{1,100}):(?<password>[^@\/\s]{1,200})@)?(?<host>[^\/\s?]{1,100})(?:\/(?<database>[^?\s]{0,100}))?(?:\?(?<options>[^\s]{0,500}))?/gi;
    const results = source.content.matchAll(POSTGRESQL_URI_PATTERN);
    for (const result of results) {
        const index = result.index || 0;
        const match = result[0] || "";
        const username = result.groups?.username;
        const password = result.groups?.password;
        // Skip if no credentials found
        if (!username || !password)
            continue;
        // Skip if the credentials look like an example
        if (!isLikelyRealCredential(username, password))
            continue;
        const range = [index, index + match.length];
        const allowedResults = regexpStringMatcherExports.matchPatterns(match, options.allows);
        if (allowedResults.length > 0) {
            continue;
        }
        context.report({
            message: t("PostgreSQLConnection", {
                URI: match,
            }),
            range,
        });
    }
}
const creator$9 = {
    messages: messages$8,
    meta: {
        id: "@secretlint/secretlint-rule-database-connection-string",
        recommended: true,
        type: "scanner",
        supportedContentTypes: ["text"],
        docs: {
            url: "https://github.com/secretlint/secretlint/blob/master/packages/%40secretlint/secretlint-rule-database-connection-string/README.md",
        },
    },
    create(context, options) {
        const normalizedOptions = {
            allows: options.allows || [],
        };
        const t = context.createTranslator(messages$8);
        return {
            file(source) {
                reportMongoDBConnectionString({ source, options: normalizedOptions, context, t });
                reportMySQLConnectionString({ source, options: normalizedOptions, context, t });
                reportPostgreSQLConnectionString({ source, options: normalizedOptions, context, t });
            },
        };
    },
};

const messages$7 = {
    HASHICORP_VAULT_SERVICE_TOKEN: {
        en: (props) => `found HashiCorp Vault service token: ${props.TOKEN}`,
        ja: (props) => `HashiCorp Vault service token: ${props.TOKEN} がみつかりました`,
    },
    HASHICORP_VAULT_BATCH_TOKEN: {
        en: (props) => `found HashiCorp Vault batch token: ${props.TOKEN}`,
        ja: (props) => `HashiCorp Vault batch token: ${props.TOKEN} がみつかりました`,
    },
    HASHICORP_VAULT_RECOVERY_TOKEN: {
        en: (props) => `found HashiCorp Vault recovery token: ${props.TOKEN}`,
        ja: (props) => `HashiCorp Vault recovery token: ${props.TOKEN} がみつかりました`,
    },
};
// HashiCorp Vault token formats (Vault 1.10+):
// - Service token:  `hvs.` + 90..120 [A-Za-z0-9_-]
// - Batch token:    `hvb.` + 138..300 [A-Za-z0-9_-]
// - Recovery token: `hvr.` + 90..120 [A-Za-z0-9_-]
// References:
// - https://developer.hashicorp.com/vault/docs/concepts/tokens
// - https://docs.github.com/en/code-security/secret-scanning/secret-scanning-patterns
// - https://github.com/gitleaks/gitleaks/blob/master/config/gitleaks.toml
//
// Boundaries:
// - Leading `(?<!\p{L})` prevents matching when the prefix is glued to another letter
//   (e.g. `xhvs.`), while still allowing punctuation, digits, whitespace, and line starts.
// - Trailing `(?![A-Za-z0-9_-])` anchors to the end of the token body.
const serviceTokenPattern = /(?<!\p{L})hvs\.[A-Za-z0-9_-]{90,120}(?![A-Za-z0-9_-])/gu;
const batchTokenPattern = /(?<!\p{L})hvb\.[A-Za-z0-9_-]{138,300}(?![A-Za-z0-9_-])/gu;
const recoveryTokenPattern = /(?<!\p{L})hvr\.[A-Za-z0-9_-]{90,120}(?![A-Za-z0-9_-])/gu;
const creator$8 = {
    messages: messages$7,
    meta: {
        id: "@secretlint/secretlint-rule-hashicorp-vault",
        recommended: true,
        type: "scanner",
        supportedContentTypes: ["text"],
        docs: {
            url: "https://github.com/secretlint/secretlint/blob/master/packages/%40secretlint/secretlint-rule-hashicorp-vault/README.md",
        },
    },
    create(context, options) {
        const t = context.createTranslator(messages$7);
        const normalizedOptions = {
            allows: options?.allows ?? [],
        };
        const reportMatches = (source, pattern, messageId) => {
            const matches = source.content.matchAll(pattern);
            for (const match of matches) {
                const index = match.index ?? 0;
                const matchString = match[0] ?? "";
                const allowedResults = regexpStringMatcherExports.matchPatterns(matchString, normalizedOptions.allows);
                if (allowedResults.length > 0) {
                    continue;
                }
                const range = [index, index + matchString.length];
                context.report({
                    message: t(messageId, {
                        TOKEN: matchString,
                    }),
                    range,
                });
            }
        };
        return {
            file(source) {
                reportMatches(source, serviceTokenPattern, "HASHICORP_VAULT_SERVICE_TOKEN");
                reportMatches(source, batchTokenPattern, "HASHICORP_VAULT_BATCH_TOKEN");
                reportMatches(source, recoveryTokenPattern, "HASHICORP_VAULT_RECOVERY_TOKEN");
            },
        };
    },
};

const messages$6 = {
    VERCEL_PERSONAL_ACCESS_TOKEN: {
        en: (props) => `found Vercel personal access token: ${props.ID}`,
        ja: (props) => `Vercel personal access token: ${props.ID} がみつかりました`,
    },
    VERCEL_INTEGRATION_TOKEN: {
        en: (props) => `found Vercel integration token: ${props.ID}`,
        ja: (props) => `Vercel integration token: ${props.ID} がみつかりました`,
    },
    VERCEL_APP_ACCESS_TOKEN: {
        en: (props) => `found Vercel app access token: ${props.ID}`,
        ja: (props) => `Vercel app access token: ${props.ID} がみつかりました`,
    },
    VERCEL_APP_REFRESH_TOKEN: {
        en: (props) => `found Vercel app refresh token: ${props.ID}`,
        ja: (props) => `Vercel app refresh token: ${props.ID} がみつかりました`,
    },
    VERCEL_AI_GATEWAY_API_KEY: {
        en: (props) => `found Vercel AI Gateway API key: ${props.ID}`,
        ja: (props) => `Vercel AI Gateway API key: ${props.ID} がみつかりました`,
    },
};
const prefixToMessageId = {
    vcp: "VERCEL_PERSONAL_ACCESS_TOKEN",
    vci: "VERCEL_INTEGRATION_TOKEN",
    vca: "VERCEL_APP_ACCESS_TOKEN",
    vcr: "VERCEL_APP_REFRESH_TOKEN",
    vck: "VERCEL_AI_GATEWAY_API_KEY",
};
const creator$7 = {
    messages: messages$6,
    meta: {
        id: "@secretlint/secretlint-rule-vercel",
        recommended: true,
        type: "scanner",
        supportedContentTypes: ["text"],
        docs: {
            url: "https://github.com/secretlint/secretlint/blob/master/packages/%40secretlint/secretlint-rule-vercel/README.md",
        },
    },
    create(context, options) {
        const t = context.createTranslator(messages$6);
        const normalizedOptions = {
            allows: options?.allows ?? [],
        };
        return {
            file(source) {
                const pattern = /(?<!\p{L})(?<prefix>vcp|vci|vca|vcr|vck)_[A-Za-z0-9]{20,60}(?![A-Za-z0-9])/gu;
                const matches = source.content.matchAll(pattern);
                for (const match of matches) {
                    const index = match.index ?? 0;
                    const matchString = match[0] ?? "";
                    const prefix = match.groups?.prefix;
                    const messageId = prefixToMessageId[prefix];
                    const allowedResults = regexpStringMatcherExports.matchPatterns(matchString, normalizedOptions.allows);
                    if (allowedResults.length > 0) {
                        continue;
                    }
                    const range = [index, index + matchString.length];
                    context.report({
                        message: t(messageId, {
                            ID: matchString,
                        }),
                        range,
                    });
                }
            },
        };
    },
};

const messages$5 = {
    DATABRICKS_PERSONAL_ACCESS_TOKEN: {
        en: (props) => `found Databricks personal access token: ${props.ID}`,
        ja: (props) => `Databricks personal access token: ${props.ID} がみつかりました`,
    },
};
const creator$6 = {
    messages: messages$5,
    meta: {
        id: "@secretlint/secretlint-rule-databricks",
        recommended: true,
        type: "scanner",
        supportedContentTypes: ["text"],
        docs: {
            url: "https://github.com/secretlint/secretlint/blob/master/packages/%40secretlint/secretlint-rule-databricks/README.md",
        },
    },
    create(context, options) {
        const t = context.createTranslator(messages$5);
        const normalizedOptions = {
            allows: options?.allows ?? [],
        };
        return {
            file(source) {
                // Databricks personal access tokens:
                // - Prefix: `dapi`
                // - Body: 32 hexadecimal characters (Databricks issues lowercase,
                //   but match case-insensitively to be lenient)
                // - Optional suffix: `-<single digit>`
                // Reference:
                // - https://docs.databricks.com/aws/en/dev-tools/auth/pat
                // - https://docs.github.com/en/code-security/secret-scanning/secret-scanning-patterns
                const pattern = /(?<!\p{L})dapi[A-Fa-f0-9]{32}(?:-[0-9])?(?![A-Fa-f0-9])/gu;
                const matches = source.content.matchAll(pattern);
                for (const match of matches) {
                    const index = match.index ?? 0;
                    const matchString = match[0] ?? "";
                    const allowedResults = regexpStringMatcherExports.matchPatterns(matchString, normalizedOptions.allows);
                    if (allowedResults.length > 0) {
                        continue;
                    }
                    const range = [index, index + matchString.length];
                    context.report({
                        message: t("DATABRICKS_PERSONAL_ACCESS_TOKEN", {
                            ID: matchString,
                        }),
                        range,
                    });
                }
            },
        };
    },
};

const messages$4 = {
    DOCKER_PERSONAL_ACCESS_TOKEN: {
        en: (props) => `found Docker Personal Access Token: ${props.TOKEN}`,
        ja: (props) => `Docker Personal Access Token: ${props.TOKEN} がみつかりました`,
    },
};
function reportIfFoundDockerPAT({ source, options, context, t, }) {
    // Docker Personal Access Token
    // Prefix: dckr_pat_ followed by exactly 27 alphanumeric, underscore, or hyphen characters
    // Reference: https://docs.docker.com/security/access-tokens/
    // Reference: https://github.com/trufflesecurity/trufflehog/blob/main/pkg/detectors/dockerhub/v2/dockerhub.go
    const DOCKER_PAT_PATTERN = /(?<!\p{L})dckr_pat_[a-zA-Z0-9_-]{27}(?![a-zA-Z0-9_-])/gu;
    const results = source.content.matchAll(DOCKER_PAT_PATTERN);
    for (const result of results) {
        const index = result.index || 0;
        const match = result[0] || "";
        const range = [index, index + match.length];
        const allowedResults = regexpStringMatcherExports.matchPatterns(match, options.allows);
        if (allowedResults.length > 0) {
            continue;
        }
        context.report({
            message: t("DOCKER_PERSONAL_ACCESS_TOKEN", {
                TOKEN: match,
            }),
            range,
        });
    }
}
const creator$5 = {
    messages: messages$4,
    meta: {
        id: "@secretlint/secretlint-rule-docker",
        recommended: true,
        type: "scanner",
        supportedContentTypes: ["text"],
        docs: {
            url: "https://github.com/secretlint/secretlint/blob/master/packages/%40secretlint/secretlint-rule-docker/README.md",
        },
    },
    create(context, options) {
        const t = context.createTranslator(messages$4);
        const normalizedOptions = {
            allows: options.allows || [],
        };
        return {
            file(source) {
                reportIfFoundDockerPAT({ source, options: normalizedOptions, context, t });
            },
        };
    },
};

const messages$3 = {
    FIGMA_PERSONAL_ACCESS_TOKEN: {
        en: (props) => `found Figma Personal Access Token: ${props.ID}`,
        ja: (props) => `Figma Personal Access Token: ${props.ID} がみつかりました`,
    },
};
const creator$4 = {
    messages: messages$3,
    meta: {
        id: "@secretlint/secretlint-rule-figma",
        recommended: true,
        type: "scanner",
        supportedContentTypes: ["text"],
        docs: {
            url: "https://github.com/secretlint/secretlint/blob/master/packages/%40secretlint/secretlint-rule-figma/README.md",
        },
    },
    create(context, options) {
        const t = context.createTranslator(messages$3);
        const normalizedOptions = {
            allows: options?.allows ?? [],
        };
        return {
            file(source) {
                // Figma Personal Access Token
                // Format: `figd_` prefix followed by 40-200 characters of [A-Za-z0-9_-]
                // Reference: https://docs.github.com/en/code-security/secret-scanning/introduction/supported-secret-scanning-patterns
                const pattern = /(?<!\p{L})figd_[A-Za-z0-9_-]{40,200}(?![A-Za-z0-9_-])/gu;
                const matches = source.content.matchAll(pattern);
                for (const match of matches) {
                    const index = match.index ?? 0;
                    const matchString = match[0] ?? "";
                    const allowedResults = regexpStringMatcherExports.matchPatterns(matchString, normalizedOptions.allows);
                    if (allowedResults.length > 0) {
                        continue;
                    }
                    const range = [index, index + matchString.length];
                    context.report({
                        message: t("FIGMA_PERSONAL_ACCESS_TOKEN", {
                            ID: matchString,
                        }),
                        range,
                    });
                }
            },
        };
    },
};

const messages$2 = {
    CLOUDFLARE_GLOBAL_API_KEY: {
        en: (props) => `found Cloudflare Global API Key: ${props.TOKEN}`,
        ja: (props) => `Cloudflare Global API Keyが見つかりました: ${props.TOKEN}`,
    },
    CLOUDFLARE_USER_API_TOKEN: {
        en: (props) => `found Cloudflare User API Token: ${props.TOKEN}`,
        ja: (props) => `Cloudflare User API Tokenが見つかりました: ${props.TOKEN}`,
    },
    CLOUDFLARE_ACCOUNT_API_TOKEN: {
        en: (props) => `found Cloudflare Account API Token: ${props.TOKEN}`,
        ja: (props) => `Cloudflare Account API Tokenが見つかりました: ${props.TOKEN}`,
    },
};
const messageIdMap = {
    cfk: "CLOUDFLARE_GLOBAL_API_KEY",
    cfut: "CLOUDFLARE_USER_API_TOKEN",
    cfat: "CLOUDFLARE_ACCOUNT_API_TOKEN",
};
// Cloudflare prefixed token format: {prefix}_{40 chars body}{8 chars checksum}
// The checksum is CRC32 of the body encoded as 8 lowercase hex chars (fixed length).
// If Cloudflare changes the checksum algorithm, update [0-9a-f]{8} to match the new format.
// https://developers.cloudflare.com/fundamentals/api/get-started/token-formats/
const CLOUDFLARE_TOKEN_PATTERN = /(?<!\p{L})(?<prefix>cfk|cfut|cfat)_[A-Za-z0-9]{40}[0-9a-f]{8}(?![A-Za-z0-9])/gu;
function reportIfFound({ source, options, context, t, }) {
    const results = source.content.matchAll(CLOUDFLARE_TOKEN_PATTERN);
    for (const result of results) {
        const index = result.index ?? 0;
        const match = result[0] ?? "";
        const prefix = result.groups?.["prefix"];
        if (!prefix) {
            continue;
        }
        const range = [index, index + match.length];
        const allowedResults = regexpStringMatcherExports.matchPatterns(match, options.allows);
        if (allowedResults.length > 0) {
            continue;
        }
        context.report({
            message: t(messageIdMap[prefix], {
                TOKEN: match,
            }),
            range,
        });
    }
}
const creator$3 = {
    messages: messages$2,
    meta: {
        id: "@secretlint/secretlint-rule-cloudflare",
        recommended: true,
        type: "scanner",
        supportedContentTypes: ["text"],
        docs: {
            url: "https://github.com/secretlint/secretlint/blob/master/packages/%40secretlint/secretlint-rule-cloudflare/README.md",
        },
    },
    create(context, options) {
        const t = context.createTranslator(messages$2);
        const normalizedOptions = {
            allows: options.allows ?? [],
        };
        return {
            file(source) {
                reportIfFound({ source, options: normalizedOptions, context, t });
            },
        };
    },
};

const messages$1 = {
    TAILSCALE_API_KEY: {
        en: (props) => `found Tailscale API access token: ${props.KEY}`,
        ja: (props) => `Tailscale API アクセストークン: ${props.KEY} がみつかりました`,
    },
    TAILSCALE_AUTH_KEY: {
        en: (props) => `found Tailscale pre-authentication key: ${props.KEY}`,
        ja: (props) => `Tailscale 事前認証キー: ${props.KEY} がみつかりました`,
    },
    TAILSCALE_CLIENT_KEY: {
        en: (props) => `found Tailscale OAuth client key: ${props.KEY}`,
        ja: (props) => `Tailscale OAuth クライアントキー: ${props.KEY} がみつかりました`,
    },
    TAILSCALE_SCIM_KEY: {
        en: (props) => `found Tailscale SCIM key: ${props.KEY}`,
        ja: (props) => `Tailscale SCIM キー: ${props.KEY} がみつかりました`,
    },
    TAILSCALE_WEBHOOK_KEY: {
        en: (props) => `found Tailscale webhook key: ${props.KEY}`,
        ja: (props) => `Tailscale Webhook キー: ${props.KEY} がみつかりました`,
    },
    TAILSCALE_KEY: {
        en: (props) => `found Tailscale key: ${props.KEY}`,
        ja: (props) => `Tailscale キー: ${props.KEY} がみつかりました`,
    },
};
const messageIdByType = {
    api: "TAILSCALE_API_KEY",
    auth: "TAILSCALE_AUTH_KEY",
    client: "TAILSCALE_CLIENT_KEY",
    scim: "TAILSCALE_SCIM_KEY",
    webhook: "TAILSCALE_WEBHOOK_KEY",
};
const creator$2 = {
    messages: messages$1,
    meta: {
        id: "@secretlint/secretlint-rule-tailscale",
        recommended: true,
        type: "scanner",
        supportedContentTypes: ["text"],
        docs: {
            url: "https://github.com/secretlint/secretlint/blob/master/packages/%40secretlint/secretlint-rule-tailscale/README.md",
        },
    },
    create(context, options) {
        const t = context.createTranslator(messages$1);
        const normalizedOptions = {
            allows: options.allows ?? [],
        };
        return {
            file(source) {
                // Tailscale keys: tskey-{type}-{identifier}-{secret}
                // Documented types: api, auth, client, scim, webhook
                // https://tailscale.com/docs/reference/key-prefixes
                // GitHub Secret Scanning supports these as Push Protection targets.
                // TruffleHog uses the equivalent pattern: \btskey-[a-z]+-[0-9A-Za-z_]+-[0-9A-Za-z_]+\b
                const pattern = /(?<!\p{L})tskey-(?<type>[a-z]{2,20})-[0-9A-Za-z_]{8,40}-[0-9A-Za-z_]{16,60}(?![0-9A-Za-z_])/gu;
                const matches = source.content.matchAll(pattern);
                for (const match of matches) {
                    const index = match.index ?? 0;
                    const matchString = match[0] ?? "";
                    const type = match.groups?.type ?? "";
                    const range = [index, index + matchString.length];
                    const allowedResults = regexpStringMatcherExports.matchPatterns(matchString, normalizedOptions.allows);
                    if (allowedResults.length > 0) {
                        continue;
                    }
                    const messageId = messageIdByType[type] ?? "TAILSCALE_KEY";
                    context.report({
                        message: t(messageId, {
                            KEY: matchString,
                        }),
                        range,
                    });
                }
            },
        };
    },
};

const HTML_COMMENT_REGEXP = /(?<type>secretlint-(?:disable-next-line|disable-line|disable|enable))(?<options>.*)/g;
const parseComments = (source) => {
    const matches = source.content.matchAll(HTML_COMMENT_REGEXP);
    return Array.from(matches).map((match) => {
        const type = match.groups?.type;
        const index = match.index;
        if (type === "secretlint-disable-line") {
            return {
                type: type,
                options: parseComment(match.groups?.options),
                line: source.indexToPosition(index).line
            };
        }
        if (type === "secretlint-disable-next-line") {
            return {
                type: type,
                options: parseComment(match.groups?.options),
                line: source.indexToPosition(index).line + 1
            };
        }
        return {
            type: type,
            options: parseComment(match.groups?.options),
            index: index
        };
    });
};
/**
 * Parses a config of values separated by comma.
 *
 * secretlint-disable a,b,c => ["a", "b", "c"]
 * secretlint-disable -- comment　=> []
 */
function parseComment(options) {
    if (!options) {
        return [];
    }
    const commentStart = options.indexOf("--");
    const ruleIdString = commentStart === -1 ? options : options.slice(0, commentStart);
    return (ruleIdString
        .split(/,/)
        .map((arg) => arg.trim())
        .filter((arg) => arg !== "") ?? []);
}

class CommentState {
    source;
    reportingConfig;
    endIndex;
    constructor(source) {
        this.source = source;
        this.reportingConfig = [];
        this.endIndex = source.content.length;
    }
    getIgnoringMessages() {
        const isFilledMessage = (message) => {
            return message.startIndex !== null && message.endIndex !== null && message.ruleId !== null;
        };
        return this.reportingConfig
            .map((reporting) => {
            if (reporting.endIndex === null) {
                // [start, ?= document-end]
                // filled with document's end
                reporting.endIndex = this.endIndex;
            }
            return reporting;
        })
            .filter(isFilledMessage);
    }
    disableLine(lineNumber, rulesToDisable) {
        const reportingConfig = this.reportingConfig;
        const range = this.source.locationToRange({
            start: {
                line: lineNumber,
                column: 0
            },
            end: {
                line: lineNumber + 1,
                column: 0
            }
        });
        if (rulesToDisable.length) {
            rulesToDisable.forEach((ruleId) => {
                reportingConfig.push({
                    startIndex: range[0],
                    endIndex: range[1] - 1,
                    ruleId: ruleId
                });
            });
        }
        else {
            reportingConfig.push({
                startIndex: range[0],
                endIndex: range[1] - 1,
                ruleId: "*"
            });
        }
    }
    /**
     * Add data to reporting configuration to disable reporting for list of rules
     * starting from start location
     * @returns {void}
     */
    disableReporting(startIndex, rulesToDisable) {
        const reportingConfig = this.reportingConfig;
        if (rulesToDisable.length) {
            rulesToDisable.forEach(function (ruleId) {
                reportingConfig.push({
                    startIndex: startIndex,
                    endIndex: null,
                    ruleId: ruleId
                });
            });
        }
        else {
            reportingConfig.push({
                startIndex: startIndex,
                endIndex: null,
                ruleId: "*"
            });
        }
    }
    /**
     * Add data to reporting configuration to enable reporting for list of rules
     * starting from start location
     */
    enableReporting(endIndex, rulesToEnable) {
        const reportingConfig = this.reportingConfig;
        if (rulesToEnable.length) {
            rulesToEnable.forEach(function (ruleId) {
                for (let i = reportingConfig.length - 1; i >= 0; i--) {
                    if (reportingConfig[i].endIndex === null && reportingConfig[i].ruleId === ruleId) {
                        reportingConfig[i].endIndex = endIndex;
                        break;
                    }
                }
            });
        }
        else {
            // bare enable closes every open disable, regardless of where it started
            for (const config of reportingConfig) {
                if (config.endIndex === null) {
                    config.endIndex = endIndex;
                }
            }
        }
    }
}

const messages = {
    IGNORE_MESSAGE: {
        en: () => `disable by secretlint-disable comment`
    }
};
const creator$1 = {
    messages,
    meta: {
        id: "@secretlint/secretlint-rule-filter-comments",
        recommended: true,
        type: "scanner",
        supportedContentTypes: ["text"],
        docs: {
            url: "https://github.com/secretlint/secretlint/blob/master/packages/%40secretlint/secretlint-rule-filter-comments/README.md"
        }
    },
    create(context) {
        const t = context.createTranslator(messages);
        return {
            file(source) {
                const state = new CommentState(source);
                const comments = parseComments(source);
                for (const comment of comments) {
                    if (comment.type === "secretlint-disable") {
                        state.disableReporting(comment.index, comment.options);
                    }
                    else if (comment.type === "secretlint-enable") {
                        state.enableReporting(comment.index, comment.options);
                    }
                    else if (comment.type === "secretlint-disable-line") {
                        state.disableLine(comment.line, comment.options);
                    }
                    else if (comment.type === "secretlint-disable-next-line") {
                        state.disableLine(comment.line, comment.options);
                    }
                }
                state.getIgnoringMessages().forEach((message) => {
                    context.ignore({
                        message: t("IGNORE_MESSAGE"),
                        range: [message.startIndex, message.endIndex],
                        targetRuleId: message.ruleId
                    });
                });
            }
        };
    }
};

const rules = [
    creator$s,
    creator$r,
    creator$h,
    creator$q,
    creator$o,
    creator$p,
    creator$g,
    creator$f,
    creator$e,
    creator$d,
    creator$c,
    creator$b,
    creator$n,
    creator$m,
    creator$l,
    creator$k,
    creator$j,
    creator$i,
    creator$a,
    creator$9,
    creator$8,
    creator$7,
    creator$6,
    creator$5,
    creator$4,
    creator$3,
    creator$2,
    creator$1,
];
const creator = {
    meta: {
        id: "@secretlint/secretlint-rule-preset-recommend",
        recommended: true,
        type: "preset",
    },
    rules,
    create(context, _options) {
        rules.forEach((rule) => {
            context.registerRule(rule);
        });
    },
};


//# sourceMappingURL=index.js.map

;// CONCATENATED MODULE: ./build/secrets/library.js
/**
 * The maintained rule set: secretlint's recommended preset
 * (`@secretlint/secretlint-rule-preset-recommend`, MIT), run synchronously and purely.
 *
 * secretlint's own engine (`@secretlint/core`) is asynchronous and builds every rule anew for each
 * text (about 1.6 ms a call: 16 s for 10,000 files). The rules themselves are plain objects with a
 * documented plugin API (`create(context, options)` → `{ file(source) }`, see `@secretlint/types`),
 * so this module hosts them itself: each rule is created once, and scanning a text calls each
 * rule's `file` handler, which runs its regexes over the text and reports ranges.
 *
 * What this host does differently from secretlint, each on purpose:
 * - `@secretlint/secretlint-rule-filter-comments` is left out: it honours `secretlint-disable`
 *   comments, which the agent under audit could write next to a secret to hide it.
 * - The AWS rule runs with `enableIDScanRule` (secretlint reports only secret access keys by
 *   default; an access key id is worth reporting in an audit).
 * - Messages are never formatted: the translator returns the message id and keeps the message's
 *   data (which holds the secret) only long enough to locate the secret in the text, because some
 *   rules report a range that does not cover it (the AWS secret-key rule reports the length of the
 *   key from the start of `AWS_SECRET_ACCESS_KEY=`). The reported span is the union of the rule's
 *   range and the secret's occurrence, extended over the token characters (`[A-Za-z0-9_-]`) that
 *   directly follow it, so redaction never leaves a tail of a key behind.
 * - Texts are given with no file path and the extension `.json` only for JSON files (GCP
 *   service-account keys); never `.p12`, the one case in which a rule would read a file from disk.
 *   With no path the npm rule checks every text for `npm_` tokens and the `package.json` form
 *   (`https://…:x-oauth-basic@github.com/`), but not for `.npmrc`'s `_authToken=`: the rule tests
 *   that form only in an `else` branch after the `package.json` one, which a text without a path
 *   always takes. (`generic-api-key` still finds an `_authToken=` whose value looks random.)
 */

/**
 * Library rules that match any URL with a password rather than one issuer's token: where one of
 * them and a specific rule match the same characters (`https://x-access-token:ghs_…@github.com`),
 * the specific one names the credential better.
 */
const GENERIC_RULES = new Set(['secretlint-basicauth', 'secretlint-database-connection-string']);
/** Rules of the preset this host never runs (see the module comment). */
const EXCLUDED = new Set(['@secretlint/secretlint-rule-filter-comments']);
/** Per-rule options that differ from secretlint's defaults. */
const OPTIONS = {
    '@secretlint/secretlint-rule-aws': { enableIDScanRule: true },
};
const PREFIX = '@secretlint/secretlint-rule-';
/**
 * For each rule of the preset, case-sensitive literals one of which every report of the rule
 * needs in the text: the scanner skips the rule on a text that holds none of them, with the same
 * findings. Each entry was checked against the rule's source in
 * `@secretlint/secretlint-rule-preset-recommend` 13.1.0 (`module/index.js`): every regex the rule
 * reports from is named, and every match of it contains one of the literals, letter case
 * included. A rule missing from this table (a rule a newer preset adds) runs on every text.
 */
const TRIGGERS = {
    // `\b(A3T[A-Z0-9]|AKIA|AGPA|AIDA|AROA|AIPA|ANPA|ANVA|ASIA)[A-Z0-9]{16}\b` (flags `g`); with
    // `enableIDScanRule`, `…(ACCOUNT|account|Account)_?(ID|id|Id)?…` (`g`: each spelling holds
    // `CCOUNT` or `ccount`); and `…(?:SECRET|secret|Secret)_?(?:ACCESS|access|Access)_?…` (`g`: the
    // end of one spelling of `secret`, an optional `_`, one spelling of `access`).
    '@secretlint/secretlint-rule-aws': [
        'A3T',
        'AKIA',
        'AGPA',
        'AIDA',
        'AROA',
        'AIPA',
        'ANPA',
        'ANVA',
        'ASIA',
        'CCOUNT',
        'ccount',
        ...['ECRET', 'ecret'].flatMap((secret) => ['', '_'].flatMap((gap) => ['ACCESS', 'access', 'Access'].map((access) => `${secret}${gap}${access}`))),
    ],
    // PEM_CONTENT_PATTERN `-----BEGIN[ ]?(?:…)?PRIVATE KEY…` (flags `gm`, no `i`).
    '@secretlint/secretlint-rule-privatekey': ['-----BEGIN'],
    // With no file path only two checks run: `https?:\/\/(.{1,256}):x-oauth-basic@github.com\/`
    // (`g`) and `(?<!\p{L})npm_[A-Za-z0-9_]{36}(?![A-Za-z0-9_])` (`gu`); the `.npmrc` check sits
    // in an `else` branch that a text without a path never reaches.
    '@secretlint/secretlint-rule-npm': [':x-oauth-basic@github', 'npm_'],
    // `(?<protocol>(?:https?|ftp|ftps)):\/\/…` (`g`).
    '@secretlint/secretlint-rule-basicauth': ['://'],
    // `\b(?:xoxb|xoxp|xapp|xoxa|xoxo|xoxr)-…` (`g`: each prefix holds `xox` or is `xapp`), and the
    // webhook `https:\/\/hooks\.slack\.com\/…` (`gi`: `://` has no letter to change case).
    '@secretlint/secretlint-rule-slack': ['xox', 'xapp-', '://'],
    // `(?<!\p{L})SG\.\w{1,128}\.…` (`gu`).
    '@secretlint/secretlint-rule-sendgrid': ['SG.'],
    // `(?<!\p{L})(shppa|shpca|shpat|shpss)_…` (`gu`).
    '@secretlint/secretlint-rule-shopify': ['shppa_', 'shpca_', 'shpat_', 'shpss_'],
    // `(?<!\p{L})(?<prefix>sk_live|sk_test|rk_live|rk_test)_…` (`gu`).
    '@secretlint/secretlint-rule-stripe': ['k_live_', 'k_test_'],
    // `(?<!\p{L})(?<type>ghp|gho|ghu|ghs|ghr)_…`, `(?<!\p{L})(?<type>github_pat)_…` and
    // `(?<!\p{L})(?<type>ghs)_[0-9]{1,20}_…` (all `gu`).
    '@secretlint/secretlint-rule-github': ['ghp_', 'gho_', 'ghu_', 'ghs_', 'ghr_', 'github_pat_'],
    // `(?<!\p{L})glpat-…` (`gu`).
    '@secretlint/secretlint-rule-gitlab': ['glpat-'],
    // `(?<!\p{L})glc_…` and `(?<!\p{L})glsa_…` (`gu`).
    '@secretlint/secretlint-rule-grafana': ['glc_', 'glsa_'],
    // `sk-(?:proj|svcacct|admin)-…T3BlbkFJ…|sk-[a-zA-Z0-9]{20}T3BlbkFJ…` (`g`): both alternatives
    // hold `T3BlbkFJ`.
    '@secretlint/secretlint-rule-openai': ['T3BlbkFJ'],
    // `(?<!\p{L})sk-ant-api0\d-…` (`gu`).
    '@secretlint/secretlint-rule-anthropic': ['sk-ant-api0'],
    // `(?<!\p{L})gsk_…` (`gu`).
    '@secretlint/secretlint-rule-groq': ['gsk_'],
    // `(?<!\p{L})hf_[a-zA-Z]{34}…` (`gu`).
    '@secretlint/secretlint-rule-huggingface': ['hf_'],
    // `(?<!\p{L})lin_api_…` (`gu`).
    '@secretlint/secretlint-rule-linear': ['lin_api_'],
    // `(?<!\p{L})ntn_[0-9]{11}…` (`gu`).
    '@secretlint/secretlint-rule-notion': ['ntn_'],
    // `(?<!\p{L})ops_(ey[A-Za-z0-9+/=]{100,1280}fQ={0,2})…` (`gu`).
    '@secretlint/secretlint-rule-1password': ['ops_ey'],
    // `mongodb(?:\+srv)?:\/\/…`, `(?:jdbc:)?mysql(?:x)?:\/\/…`, `postgres(?:ql)?:\/\/…` (all `gi`:
    // `://` has no letter to change case).
    '@secretlint/secretlint-rule-database-connection-string': ['://'],
    // `(?<!\p{L})hvs\.…`, `(?<!\p{L})hvb\.…`, `(?<!\p{L})hvr\.…` (`gu`).
    '@secretlint/secretlint-rule-hashicorp-vault': ['hvs.', 'hvb.', 'hvr.'],
    // `(?<!\p{L})(?<prefix>vcp|vci|vca|vcr|vck)_…` (`gu`).
    '@secretlint/secretlint-rule-vercel': ['vcp_', 'vci_', 'vca_', 'vcr_', 'vck_'],
    // `(?<!\p{L})dapi[A-Fa-f0-9]{32}…` (`gu`).
    '@secretlint/secretlint-rule-databricks': ['dapi'],
    // `(?<!\p{L})dckr_pat_…` (`gu`).
    '@secretlint/secretlint-rule-docker': ['dckr_pat_'],
    // `(?<!\p{L})figd_…` (`gu`).
    '@secretlint/secretlint-rule-figma': ['figd_'],
    // `(?<!\p{L})(?<prefix>cfk|cfut|cfat)_…` (`gu`).
    '@secretlint/secretlint-rule-cloudflare': ['cfk_', 'cfut_', 'cfat_'],
    // `(?<!\p{L})tskey-(?<type>[a-z]{2,20})-…` (`gu`).
    '@secretlint/secretlint-rule-tailscale': ['tskey-'],
};
/**
 * Rules that report only in a JSON file: the GCP rule reads a service-account key from a text
 * whose extension is `.json` (or a `.p12` file, which this host never gives it) and does nothing
 * otherwise.
 */
const JSON_ONLY = new Set(['@secretlint/secretlint-rule-gcp']);
/** `@secretlint/secretlint-rule-aws` → `secretlint-aws`. */
function libraryRuleId(secretlintId) {
    const short = secretlintId.startsWith(PREFIX) ? secretlintId.slice(PREFIX.length) : secretlintId;
    return `secretlint-${short.toLowerCase().replace(/[^a-z0-9]+/g, '-')}`;
}
/** The message's data values that are strings: where a rule puts the secret it found. */
function dataStrings(message) {
    if (typeof message !== 'object' || message === null)
        return [];
    const data = message.data;
    if (typeof data !== 'object' || data === null)
        return [];
    return Object.values(data).filter((v) => typeof v === 'string' && v.length >= 4);
}
/** How far past a reported range a rule's secret may start (the longest assignment prefix). */
const LOCATE_WINDOW = 4096;
/** Token characters that may directly follow a reported range and still belong to the token. */
const TOKEN_TAIL = /[A-Za-z0-9_-]/;
/** Longest tail added to a reported range. */
const MAX_TAIL = 256;
/** The text being scanned and the matches found so far (one scan at a time: scans are sync). */
let current = null;
function report(rule, descriptor) {
    if (current === null)
        return;
    const { text, matches } = current;
    let [start, end] = descriptor.range;
    start = Math.max(0, Math.min(start, text.length));
    end = Math.max(start, Math.min(end, text.length));
    for (const value of dataStrings(descriptor.message)) {
        const from = Math.max(0, start - value.length);
        const at = text.indexOf(value, from);
        if (at !== -1 && at <= end + LOCATE_WINDOW) {
            start = Math.min(start, at);
            end = Math.max(end, at + value.length);
        }
    }
    // Some patterns stop inside a token (the Slack rule's segments hold at most 40 characters, so an
    // app token's 64-hex tail is left out): the span runs on to the end of the token.
    const limit = Math.min(text.length, end + MAX_TAIL);
    while (end < limit && TOKEN_TAIL.test(text.charAt(end)))
        end++;
    if (end > start)
        matches.push({ rule, generic: GENERIC_RULES.has(rule), start, end });
}
let hosted = null;
/** Creates each rule once, on first use (about 1 ms). */
function hostedRules() {
    if (hosted !== null)
        return hosted;
    const created = [];
    for (const creator of rules) {
        const id = creator.meta.id;
        if (EXCLUDED.has(id) || creator.meta.type !== 'scanner')
            continue;
        const rule = libraryRuleId(id);
        const context = {
            sharedOptions: {},
            createTranslator: (() => (messageId, data) => ({
                message: messageId,
                messageId,
                data,
            })),
            report: (descriptor) => report(rule, descriptor),
            ignore: () => undefined,
        };
        created.push({
            rule,
            triggers: TRIGGERS[id] ?? null,
            jsonOnly: JSON_ONLY.has(id),
            handler: creator.create(context, OPTIONS[id] ?? {}),
        });
    }
    hosted = created;
    return hosted;
}
/**
 * What every credential the library's rules report contains: a run of at least 16 token
 * characters (every token, key and secret-key rule), a URL (`://`: basic auth and database
 * URLs) or a PEM header. A text without any of them (most environment values: `true`, `1.2.3`,
 * `en_US.UTF-8`) skips the 27 rules, which keeps the strip stage cheap. The only report this
 * skips is the AWS account id (12 digits), which is not a credential.
 *
 * Written so that the run is only tried where one starts (at the text's start or after a
 * character outside the run's class): the same texts match as with `[\w+/=.~-]{16}` alone, which
 * tries 16 characters at every position of a text with many short runs (ordinary code).
 */
const MAY_MATCH = /(?:^|[^\w+/=.~-])[\w+/=.~-]{16}|:\/\/|-----BEGIN/;
/** {@link MAY_MATCH} as it was first written: the reference the tests hold it to. */
const MAY_MATCH_REFERENCE = /[\w+/=.~-]{16}|:\/\/|-----BEGIN/;
/** The ids ({@link libraryRuleId}) of every library rule this host runs. */
function libraryRuleIds() {
    return hostedRules().map((r) => r.rule);
}
/**
 * The library's first check: whether any of its rules can report in `text` at all (see
 * `MAY_MATCH`). `libraryMatches` makes it too.
 */
function libraryMayMatch(text) {
    return MAY_MATCH.test(text);
}
/** The gate of every library rule this host runs, in the order `libraryMatches` runs them. */
function libraryRuleGates() {
    return hostedRules().map(({ rule, triggers, jsonOnly }) => ({ rule, triggers, jsonOnly }));
}
/**
 * Every match of the library's rules in `text`, in rule order, possibly overlapping. `json`: the
 * text is a JSON file (enables the GCP service-account key check).
 *
 * `runs(i)` false skips the i-th rule of {@link libraryRuleGates}: the caller has checked that
 * its gate rules it out for this text, so the matches are the same as with every rule run.
 * Without `runs`, every rule runs (the reference the gated scan is tested against).
 *
 * A rule that throws or answers asynchronously (none does for text input) contributes nothing
 * rather than failing the scan.
 */
function libraryMatches(text, json = false, runs) {
    const rules = hostedRules();
    if (runs !== undefined && !rules.some((_, i) => runs(i)))
        return [];
    if (!(runs === undefined ? MAY_MATCH_REFERENCE : MAY_MATCH).test(text))
        return [];
    const source = {
        content: text,
        filePath: '',
        ext: json ? '.json' : '',
        contentType: 'text',
    };
    const previous = current;
    current = { text, matches: [] };
    try {
        for (let i = 0; i < rules.length; i++) {
            if (runs !== undefined && !runs(i))
                continue;
            const handler = rules[i]?.handler;
            try {
                const result = handler?.file?.(source);
                if (result instanceof Promise)
                    result.catch(() => undefined);
            }
            catch {
                // A rule's bug must not hide the other rules' findings.
            }
        }
        return current.matches;
    }
    finally {
        current = previous;
    }
}

;// CONCATENATED MODULE: ./build/secrets/rules.js
/**
 * The extra secret-detection rules: what Airlock checks beyond the maintained library
 * (secretlint's recommended preset, hosted in `secret-library.ts`), one rule per gap, each with a
 * comment naming the gap. Everything the library covers (AWS, GCP service-account keys, GitHub,
 * GitLab, Slack, npm, OpenAI, Anthropic API keys, Stripe, Hugging Face, private keys, database
 * URLs, and about fifteen more services) is left to it.
 *
 * The rules are gitleaks' (https://github.com/gitleaks/gitleaks, `config/gitleaks.toml` and
 * `cmd/generate/config/rules/*.go`): ids, descriptions, keywords, entropy thresholds and
 * allowlists are gitleaks' own, so findings can be compared with a gitleaks run. The one rule
 * gitleaks has no counterpart for, `url-password`, is Airlock's.
 *
 * Changes made in porting, each on purpose:
 * - Go RE2 syntax becomes JavaScript: `(?i)` becomes the `i` flag, `\z` becomes `$` (no `m` flag),
 *   and the inline `(?-i:…)` groups of `generic-api-key` are spelled out case by case, because
 *   Node 20 has no inline modifiers.
 * - gitleaks' leading `[\w.-]{0,50}?` identifier prefix is left out of the regexes (it only widens
 *   the reported match, and costs up to 50 tries at every position of the text); the scanner adds
 *   those characters back before testing a `match` allowlist (see `identifierPrefix`).
 * - The global `^true|false|null$` allowlist is anchored as meant (`^(?:true|false|null)$`);
 *   gitleaks' version also allowlists any secret that merely contains `false`.
 * - Left out: gcp-api-key's allowlist of published sample keys (listing them here would make this
 *   file itself trip secret scanners).
 *
 * gitleaks is distributed under the MIT License:
 *
 *   Copyright (c) 2019 Zachary Rice
 *
 *   Permission is hereby granted, free of charge, to any person obtaining a copy of this software
 *   and associated documentation files (the "Software"), to deal in the Software without
 *   restriction, including without limitation the rights to use, copy, modify, merge, publish,
 *   distribute, sublicense, and/or sell copies of the Software, and to permit persons to whom the
 *   Software is furnished to do so, subject to the following conditions:
 *
 *   The above copyright notice and this permission notice shall be included in all copies or
 *   substantial portions of the Software.
 *
 *   THE SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY OF ANY KIND, EXPRESS OR IMPLIED, INCLUDING
 *   BUT NOT LIMITED TO THE WARRANTIES OF MERCHANTABILITY, FITNESS FOR A PARTICULAR PURPOSE AND
 *   NONINFRINGEMENT. IN NO EVENT SHALL THE AUTHORS OR COPYRIGHT HOLDERS BE LIABLE FOR ANY CLAIM,
 *   DAMAGES OR OTHER LIABILITY, WHETHER IN AN ACTION OF CONTRACT, TORT OR OTHERWISE, ARISING FROM,
 *   OUT OF OR IN CONNECTION WITH THE SOFTWARE OR THE USE OR OTHER DEALINGS IN THE SOFTWARE.
 *
 * Every regex here was checked for catastrophic backtracking: each quantifier is bounded, or is
 * anchored on a literal prefix and followed by a character it cannot itself match.
 */
/** gitleaks' global allowlist: applies to the secret of every rule. */
const GLOBAL_ALLOWLIST = {
    regexes: [
        /^(?:true|false|null)$/i,
        // One character repeated (gitleaks lists `a+|b+|…|z+|\*+|\.+`).
        /^([a-z*.])\1*$/i,
        /^\$(?:\d+|\{\d+\})$/,
        /^\$(?:[A-Z_]+|[a-z_]+)$/,
        /^\$\{(?:[A-Z_]+|[a-z_]+)\}$/,
        /^\{\{[ \t]*[\w ().|]+[ \t]*\}\}$/,
        /^\$\{\{[ \t]*(?:(?:env|github|secrets|vars)(?:\.[A-Za-z]\w+)+[\w "'&./=|]*)[ \t]*\}\}$/,
        /^%(?:[A-Z_]+|[a-z_]+)%$/,
        /^%[+\-# 0]?[bcdeEfFgGoOpqstTUvxX]$/,
        /^\{\d{0,2}\}$/,
        /^@(?:[A-Z_]+|[a-z_]+)@$/,
        /^\/Users\/[a-z0-9]+\/[\w ./]+$/i,
        /^\/(?:bin|etc|home|opt|tmp|usr|var)\/[\w ./-]+$/,
    ],
    stopwords: ['014df517-39d1-4453-b7b3-9930c563627c', 'abcdefghijklmnopqrstuvwxyz'],
};
/** The end of a token in gitleaks' older generated rules: a quote, space, `;`, `\n`/`\r`, or the end. */
const END = String.raw `(?:[\x60'"\s;]|\\[nr]|$)`;
/** The same in gitleaks' current generator (`secretSuffix`). */
const END_V2 = String.raw `(?:['"\x60\s;\\<,)]|$)`;
/** A case-insensitive spelling of a lower-case word, for regexes that cannot use the `i` flag. */
function caseless(word) {
    return word.replace(/[a-z]/g, (c) => `[${c}${c.toUpperCase()}]`);
}
/**
 * gitleaks' `generic-api-key`: a credential-like identifier, an assignment operator, then a value.
 * Case-insensitive except `api`, which must be `api`, `Api` or `API` (so `rApId` does not count).
 */
const GENERIC_API_KEY = new RegExp('(?:' +
    [
        caseless('access'),
        caseless('auth'),
        '[Aa]pi|API',
        caseless('credential'),
        caseless('creds'),
        caseless('key'),
        `${caseless('passw')}(?:${caseless('or')})?${caseless('d')}`,
        caseless('secret'),
        caseless('token'),
    ].join('|') +
    ')' +
    String.raw `(?:[ \t\w.-]{0,20})[\s'"]{0,3}(?:=|>|:{1,3}=|\|\||:|=>|\?=|,)[\x60'"\s=]{0,5}` +
    String.raw `([\w.=-]{10,150}|[a-zA-Z0-9][a-zA-Z0-9+/]{11,}={0,3})(?:[\x60'"\s;]|\\[nrNR]|$)`);
/**
 * gitleaks' stopwords for `generic-api-key`: a "secret" containing one of these is ordinary code or
 * prose (`password = get_password_from_config`), not a credential.
 */
const GENERIC_STOPWORDS = `
  000000 6fe4476ee5a1832882e326b506d14126 _ec2_ aaaaaa about abstract academy acces account act-
  act. act_ action active actively activity adapter add- add-on add. add_ addon addres admin
  adobe advanced adventure agent agile air- air. air_ ajax akka alert alfred algorithm all- all.
  all_ alloy alpha amazon amqp analysi analytic analyzer android angular angularj animate
  animation another ansible answer ant- ant. ant_ any- any. any_ apache app- app. app_ apple arch
  archive archived arduino array art- art. art_ article asp- asp. asp_ asset async atom attention
  audio audit aura auth author authorize auto automated automatic awesome aws_ azure back
  backbone backend backup bar- bar. bar_ base based bash basic batch been beer behavior being
  benchmark best beta better big- big. big_ binary binding bit- bit. bit_ bitcoin block blog
  board book bookmark boost boot bootstrap bosh bot- bot. bot_ bower box- box. box_ boxen bracket
  branch bridge browser brunch buffer bug- bug. bug_ build builder building buildout buildpack
  built bundle busines but- but. but_ button cache caching cakephp calendar call camera campfire
  can- can. can_ canva captcha capture card carousel case cassandra cat- cat. cat_ category
  center cento challenge change changelog channel chart chat cheat check checker chef ches
  chinese chosen chrome ckeditor clas classe classic clean cli- cli. cli_ client clojure clone
  closure cloud club cluster cms- cms_ coco code coding coffee color combination combo command
  commander comment commit common community compas compiler complete component composer computer
  computing con- con. con_ concept conf config connect connector console contact container contao
  content contest context control convert converter conway' cookbook cookie cool copy cordova
  core couchbase couchdb countdown counter course craft crawler create creating creator
  credential crm- crm. crm_ cros crud csv- csv. csv_ cube cucumber cuda current currently custom
  daemon dark dart dash dashboard data database date day- day. day_ dead debian debug debugger
  deck define del- del. del_ delete demo deploy design designer desktop detection detector dev-
  dev. dev_ develop developer device devise diff digital directive directory discovery display
  django dns- dns_ doc- doc. doc_ docker docpad doctrine document doe- doe. doe_ dojo dom- dom.
  dom_ domain don't done dot- dot. dot_ dotfile download draft drag drill drive driven driver
  drop dropbox drupal dsl- dsl. dsl_ dynamic easy ecdsa eclipse edit editing edition editor
  element emac email embed embedded ember emitter emulator encoding endpoint engine english
  enhanced entity entry env_ episode erlang error espresso event evented example exchange
  exercise experiment expire exploit explorer export exporter expres ext- ext. ext_ extended
  extension external extra extractor fabric facebook factory fake fast feature feed fewfwef
  ffmpeg field file filter find finder firefox firmware first fish fix- fix_ flash flask flat
  flex flexible flickr flow fluent fluentd fluid folder font force foreman fork form format
  formatter forum foundry framework free friend friendly front-end frontend ftp- ftp. ftp_ fuel
  full fun- fun. fun_ func future gaia gallery game gateway gem- gem. gem_ gen- gen. gen_ general
  generator generic genetic get- get. get_ getenv getting ghost gist git- git. git_ github
  gitignore gitlab glas gmail gnome gnu- gnu. gnu_ goal golang gollum good google gpu- gpu. gpu_
  gradle grail graph graphic great grid groovy group grunt guard gui- gui. gui_ guide guideline
  gulp gwt- gwt. gwt_ hack hackathon hacker hacking hadoop haml handler hardware has- has_ hash
  haskell have haxe hello help helper here hero heroku high hipchat history home homebrew
  homepage hook host hosting hot- hot. hot_ house how- how. how_ html http hub- hub. hub_ hubot
  human icon ide- ide. ide_ idea identity idiomatic image impact import important importer impres
  index infinite info injection inline input inside inspector instagram install installer instant
  intellij interface internet interview into intro ionic iphone ipython irc- irc_ iso- iso. iso_
  issue jade jasmine java jbos jekyll jenkin jetbrains job- job. job_ joomla jpa- jpa. jpa_
  jquery json just kafka karma kata kernel keyboard kindle kit- kit. kit_ kitchen knife koan
  kohana lab- lab. lab_ lambda lamp language laravel last latest latex launcher layer layout lazy
  ldap leaflet league learn learning led- led. led_ leetcode les- les. les_ level leveldb lib-
  lib. lib_ librarie library license life liferay light lightbox like line link linked linkedin
  linux lisp list lite little load loader local location lock log- log. log_ logger logging logic
  login logstash longer look love lua- lua. lua_ mac- mac. mac_ machine made magento magic mail
  make maker making man- man. man_ manage manager manifest manual map- map. map_ mapper mapping
  markdown markup master math matrix maven md5 mean media mediawiki meetup memcached memory menu
  merchant message messaging meta metadata meteor method metric micro middleman migration
  minecraft miner mini minimal mirror mit- mit. mit_ mobile mocha mock mod- mod. mod_ mode model
  modern modular module modx money mongo mongodb mongoid mongoose monitor monkey more motion
  moved movie mozilla mqtt mule multi multiple music mustache mvc- mvc. mvc_ mysql nagio name
  native need neo- neo. neo_ nest nested net- net. net_ nette network new- new. new_ next nginx
  ninja nlp- nlp. nlp_ node nodej nosql not- not. not_ note notebook notepad notice notifier now-
  now. now_ number oauth object objective obsolete ocaml octopres official old- old. old_ onboard
  online only open opencv opengl openshift openwrt option oracle org- org. org_ origin original
  orm- orm. orm_ osx- osx_ our- our. our_ out- out. out_ output over overview own- own. own_ pack
  package packet page panel paper paperclip para parallax parallel parse parser parsing particle
  party password patch path pattern payment paypal pdf- pdf. pdf_ pebble people perl personal
  phalcon phoenix phone phonegap photo php- php. php_ physic picker pipeline platform play player
  please plu- plu. plu_ plug-in plugin plupload png- png. png_ poker polyfill polymer pool pop-
  pop. pop_ popcorn popup port portable portal portfolio post power powered powerful prelude
  pretty preview principle print pro- pro. pro_ problem proc product profile profiler program
  progres project protocol prototype provider proxy public pull puppet pure purpose push pusher
  pyramid python quality query queue quick rabbitmq rack radio rail railscast random range
  raspberry rdf- rdf. rdf_ react reactive read reader readme ready real real-time reality
  realtime recipe recorder red- red. red_ reddit redi redmine reference refinery refresh registry
  related release remote rendering repo report request require required requirej research
  resource response resque rest restful resume reveal reverse review riak rich right ring robot
  role room router routing rpc- rpc. rpc_ rpg- rpg. rpg_ rspec ruby- ruby. ruby_ rule run- run.
  run_ runner running runtime rust rvm- rvm. rvm_ salt sample sandbox sas- sas. sas_ sbt- sbt.
  sbt_ scala scalable scanner schema scheme school science scraper scratch screen script scroll
  scs- scs. scs_ sdk- sdk. sdk_ sdl- sdl. sdl_ search secure security see- see. see_ seed select
  selector selenium semantic sencha send sentiment serie server service session set- set. set_
  setting setup sha1 sha2 sha256 share shared sharing sheet shell shield shipping shop shopify
  shortener should show showcase side silex simple simulator single site skeleton sketch skin
  slack slide slider slim small smart smtp snake snapshot snippet soap social socket software
  solarized solr solution solver some soon source space spark spatial spec sphinx spine spotify
  spree spring sprite sql- sql. sql_ sqlite ssh- ssh. ssh_ stack staging standard stanford start
  started starter startup stat statamic state static statistic statsd statu steam step still stm-
  stm. stm_ storage store storm story strategy stream streaming string stripe structure studio
  study stuff style sublime sugar suite summary super support supported svg- svg. svg_ svn- svn.
  svn_ swagger swift switch switcher symfony symphony sync synopsi syntax system tab- tab. tab_
  table tag- tag. tag_ talk target task tcp- tcp. tcp_ tdd- tdd. tdd_ team tech template term
  terminal testing tetri text textmate theme theory three thrift time timeline timer tiny tinymce
  tip- tip. tip_ title todo todomvc token tool toolbox toolkit top- top. top_ tornado touch tower
  tracker tracking traffic training transfer translate transport tree trello try- try. try_
  tumblr tut- tut. tut_ tutorial tweet twig twitter type typo ubuntu uiview ultimate under unit
  unity universal unix update updated upgrade upload uploader uri- uri. uri_ url- url. url_ usage
  usb- usb. usb_ use- use. use_ used useful user using util utilitie utility vagrant validator
  value variou varnish version via- via. via_ video view viewer vim- vim. vim_ vimrc virtual
  vision visual vpn want warning watch watcher wave way- way. way_ weather web- web_ webapp webgl
  webhook webkit webrtc website websocket welcome what what' when where which why- why. why_
  widget wifi wiki win- win. win_ window wip- wip. wip_ within without wizard word wordpres work
  worker workflow working workshop world wrapper write writer writing written www- www. www_
  xamarin xcode xml- xml. xml_ xmpp xxxxxx yahoo yaml yandex yeoman yet- yet. yet_ yii- yii. yii_
  youtube yui- yui. yui_ zend zero zip- zip. zip_ zsh- zsh. zsh_
`
    .trim()
    .split(/\s+/);
/**
 * The extra rules, most specific first. Order matters only among rules whose matches overlap.
 */
const SECRET_RULES = [
    {
        // Extra: The library has no PyPI rule.
        id: 'pypi-upload-token',
        description: 'Discovered a PyPI upload token, potentially compromising Python package distribution and repository integrity.',
        regex: /pypi-AgEIcHlwaS5vcmc[\w-]{50,1000}/,
        keywords: ['pypi-ageichlwas5vcmc'],
        // The regex starts with this literal (no `i` flag).
        triggers: ['pypi-AgEIcHlwaS5vcmc'],
        entropy: 3,
    },
    {
        // Extra: The library's Anthropic rule knows `sk-ant-api0N-` keys only, not admin keys.
        id: 'anthropic-admin-api-key',
        description: 'Detected an Anthropic Admin API Key, risking unauthorized access to administrative functions and sensitive AI model configurations.',
        regex: new RegExp(String.raw `\b(sk-ant-admin01-[a-zA-Z0-9_\-]{93}AA)` + END),
        keywords: ['sk-ant-admin01'],
        // The regex's group starts with this literal (no `i` flag).
        triggers: ['sk-ant-admin01-'],
    },
    {
        // Extra: The library has no rule for Claude OAuth tokens (`claude-code-oauth-token`, Airlock's own input).
        id: 'anthropic-oauth-token',
        description: "Found an Anthropic OAuth access token (sk-ant-oat01-), which is tied to a Claude.ai Pro/Max subscription and can be used to act on the account's behalf.",
        regex: new RegExp(String.raw `\b(sk-ant-oat01-[a-zA-Z0-9_\-]{40,})` + END_V2),
        keywords: ['sk-ant-oat01'],
        // The regex's group starts with this literal (no `i` flag).
        triggers: ['sk-ant-oat01-'],
    },
    {
        // Extra: The library has no rule for Claude OAuth refresh tokens.
        id: 'anthropic-oauth-refresh-token',
        description: 'Uncovered an Anthropic OAuth refresh token (sk-ant-ort01-), which can mint new access tokens and allow prolonged unauthorized access to a Claude.ai account.',
        regex: new RegExp(String.raw `\b(sk-ant-ort01-[a-zA-Z0-9_\-]{40,})` + END_V2),
        keywords: ['sk-ant-ort01'],
        // The regex's group starts with this literal (no `i` flag).
        triggers: ['sk-ant-ort01-'],
    },
    {
        // Extra: The library has no rule for Google API keys (`AIza…`), only for service-account key files.
        id: 'gcp-api-key',
        description: 'Uncovered a GCP API key, which could lead to unauthorized access to Google Cloud services and data breaches.',
        regex: new RegExp(String.raw `\b(AIza[\w-]{35})` + END),
        keywords: ['aiza'],
        // The regex's group starts with this literal (no `i` flag).
        triggers: ['AIza'],
        entropy: 4,
    },
    {
        // Extra: The library has no Azure rule; Entra ID (Azure AD) client secrets have a fixed shape.
        id: 'azure-ad-client-secret',
        description: 'Azure AD Client Secret detected, posing a risk of unauthorized access to Azure resources and sensitive data.',
        regex: new RegExp(String.raw `(?:^|[\\'"\x60\s>=:(,)])([a-zA-Z0-9_~.]{3}\dQ~[a-zA-Z0-9_~.-]{31,34})(?:$|[\\'"\x60\s<),])`),
        keywords: ['q~'],
        // The group holds `\dQ~` (no `i` flag).
        triggers: ['Q~'],
        entropy: 3,
    },
    {
        // Extra: The library has no JWT rule; OIDC and session tokens are JWTs.
        id: 'jwt',
        description: 'Uncovered a JSON Web Token, which may lead to unauthorized access to web applications and sensitive user data.',
        regex: new RegExp(String.raw `\b(ey[a-zA-Z0-9]{17,}\.ey[a-zA-Z0-9\/\\_-]{17,}\.(?:[a-zA-Z0-9\/\\_-]{10,}={0,2})?)` +
            END),
        keywords: ['ey'],
        // The group starts with `ey` (no `i` flag).
        triggers: ['ey'],
        entropy: 3,
    },
    {
        // Extra: The library's basic-auth rule knows only http(s)/ftp URLs with `[-A-Za-z0-9_]` passwords, and its database rule only MongoDB, MySQL and PostgreSQL.
        id: 'url-password',
        description: 'Found a password in the user-info part of a URL (scheme://user:password@host).',
        regex: /\b[a-z][a-z0-9+.-]{1,31}:\/\/[^:/@\s'"\x60]{0,128}:([^/@\s'"\x60]{1,256})@[a-z0-9[]/i,
        keywords: ['://'],
        // The regex holds `:\/\/` (its `i` flag changes no letter of it).
        triggers: ['://'],
        allowlists: [
            {
                // Placeholders and already-redacted text, not passwords.
                regexes: [
                    /^(?:change(?:it|me)|pass(?:word)?|pwd|\*+|x+|\.+)$/i,
                    /^\$\{[^}]*\}$/,
                    /^\$[A-Za-z_]\w*$/,
                    /^\$\(.*\)$/,
                    /^<[^>]*>$/,
                    /^\{\{.*\}\}$/,
                    /^%[A-Za-z_]\w*%$/,
                    /^\[REDACTED/,
                ],
            },
        ],
        generic: true,
    },
    {
        // Extra: The library has no catch-all rule: this one finds a high-entropy value assigned to a credential-like name, for services no specific rule knows.
        id: 'generic-api-key',
        description: 'Detected a Generic API Key, potentially exposing access to various services and sensitive operations.',
        regex: GENERIC_API_KEY,
        keywords: [
            'access',
            'api',
            'auth',
            'key',
            'credential',
            'creds',
            'passwd',
            'password',
            'secret',
            'token',
        ],
        // Every match starts with one of the first group's words, each letter in either case (`api`
        // as `api`, `Api` or `API`; `passw(or)?d` starts with `passw`; `credential` and `creds` with
        // `cred`).
        caselessTriggers: ['access', 'auth', 'api', 'cred', 'key', 'passw', 'secret', 'token'],
        entropy: 3.5,
        identifierPrefix: 50,
        generic: true,
        allowlists: [
            { regexes: [/^[a-zA-Z_.-]+$/] },
            {
                target: 'match',
                regexes: [
                    new RegExp('(?:' +
                        [
                            'access(?:ibility|or)',
                            'access[_.-]?id',
                            'random[_.-]?access',
                            'api[_.-]?(?:id|name|version)',
                            'rapid|capital',
                            '[a-z0-9-]*?api[a-z0-9-]*?:jar:',
                            'author',
                            'X-MS-Exchange-Organization-Auth',
                            'Authentication-Results',
                            '(?:credentials?[_.-]?id|withCredentials)',
                            '(?:bucket|foreign|hot|idx|natural|primary|pub(?:lic)?|schema|sequence)[_.-]?key',
                            '(?:turkey)',
                            'key[_.-]?(?:alias|board|code|frame|id|length|mesh|name|pair|press(?:ed)?|ring|selector|signature|size|stone|storetype|word|up|down|left|right)',
                            'key[_.-]?vault[_.-]?(?:id|name)',
                            'keyVaultToStoreSecrets',
                            'key(?:store|tab)[_.-]?(?:file|path)',
                            'issuerkeyhash',
                            'keying',
                            '(?:secret)[_.-]?(?:length|name|size)',
                            'UserSecretsId',
                            '(?:csrf)[_.-]?token',
                            String.raw `(?:io\.jsonwebtoken[ \t]?:[ \t]?[\w-]+)`,
                            '(?:api|credentials|token)[_.-]?(?:endpoint|ur[il])',
                            'public[_.-]?token',
                            '(?:key|token)[_.-]?file',
                        ].join('|') +
                        ')', 'i'),
                    // The case-sensitive alternatives of the same gitleaks allowlist.
                    /[DdMm]onkey|[DM]ONKEY/,
                    /(?:[A-Z_]+=\n[A-Z_]+=|[a-z_]+=\n[a-z_]+=)(?:\n|$)/,
                    /(?:[A-Z.]+=\n[A-Z.]+=|[a-z.]+=\n[a-z.]+=)(?:\n|$)/,
                ],
            },
            { stopwords: GENERIC_STOPWORDS },
            {
                target: 'line',
                regexes: [
                    /--mount=type=secret,/,
                    /import[ \t]+\{[ \t\w,]+\}[ \t]+from[ \t]+['"][^'"]+['"]/,
                ],
            },
        ],
    },
];

;// CONCATENATED MODULE: ./build/secrets/secrets.js
/**
 * Secret detection and redaction (pure).
 *
 * Two sources of truth for what a credential looks like: the maintained library rules (secretlint's
 * recommended preset, `secret-library.ts`) and a few extra rules for what the library lacks
 * (`secret-rules.ts`). And the exact values the action knows to be secret (the stripped
 * environment, the model key, the GitHub token), which both the {@link Redactor} and the
 * {@link secretScanner} also recognise base64-, URL- and JSON-encoded.
 */


/** The id {@link looksLikeSecret} returns for a value that no rule matched but is token-like. */
const HIGH_ENTROPY_RULE_ID = 'high-entropy-value';
/**
 * Shortest value the {@link Redactor} replaces. Shorter values (`true`, `main`, `1234`) occur in
 * ordinary text all the time, so replacing them would shred every report while protecting nothing:
 * a secret that short is guessable anyway.
 */
const MIN_REDACT_LENGTH = 6;
/** What replaces a known value. Rule matches read `[REDACTED:<rule id>]`. */
const REDACTED = '[REDACTED]';
const COMPILED_RULES = SECRET_RULES.map((rule, order) => ({
    rule,
    regex: new RegExp(rule.regex.source, `${rule.regex.flags.replace(/[gdy]/g, '')}gd`),
    order,
}));
/** Library rules are ordered before every extra rule. */
const LIBRARY_ORDER = -1;
/**
 * Shannon entropy of a string in bits per character (0 for the empty string): how unpredictable
 * its characters are. 40 random base64 characters score about 4.8, English words 3 to 4, and hex
 * can never exceed 4.
 */
function shannonEntropy(text) {
    const counts = new Map();
    let length = 0;
    for (const char of text) {
        counts.set(char, (counts.get(char) ?? 0) + 1);
        length++;
    }
    let entropy = 0;
    for (const count of counts.values()) {
        const p = count / length;
        entropy -= p * Math.log2(p);
    }
    return entropy;
}
/** Offsets of the secret within a match: the first non-empty capture group, else the whole match. */
function secretSpan(match) {
    const indices = match.indices;
    if (indices !== undefined) {
        for (let group = 1; group < indices.length; group++) {
            const span = indices[group];
            if (span !== undefined && span[1] > span[0])
                return span;
        }
    }
    return [match.index, match.index + match[0].length];
}
/** The whole line(s) a match touches, for `line` allowlists. */
function lineAround(text, start, end) {
    const from = text.lastIndexOf('\n', start - 1) + 1;
    const to = text.indexOf('\n', end);
    return text.slice(from, to === -1 ? text.length : to);
}
/** The match with gitleaks' identifier prefix (up to `length` chars of `[\w.-]`) put back in front. */
function widenedMatch(text, start, end, length) {
    let from = start;
    while (from > 0 && start - from < length && /[\w.-]/.test(text.charAt(from - 1)))
        from--;
    return text.slice(from, end);
}
function isAllowed(allowlist, secret, match, line) {
    if (allowlist.regexes !== undefined && allowlist.regexes.length > 0) {
        const target = allowlist.target === 'match' ? match() : allowlist.target === 'line' ? line() : secret;
        if (allowlist.regexes.some((regex) => regex.test(target)))
            return true;
    }
    if (allowlist.stopwords !== undefined && allowlist.stopwords.length > 0) {
        const lower = secret.toLowerCase();
        if (allowlist.stopwords.some((word) => lower.includes(word)))
            return true;
    }
    return false;
}
/** gitleaks' filters, in gitleaks' order: allowlists, then entropy, then the digit rule. */
function accepted(rule, text, match, start, end) {
    const secret = text.slice(start, end);
    const matchStart = match.index;
    const matchEnd = match.index + match[0].length;
    const wholeMatch = () => widenedMatch(text, matchStart, matchEnd, rule.identifierPrefix ?? 0);
    const wholeLine = () => lineAround(text, matchStart, matchEnd);
    if (isAllowed(GLOBAL_ALLOWLIST, secret, wholeMatch, wholeLine))
        return false;
    for (const allowlist of rule.allowlists ?? []) {
        if (isAllowed(allowlist, secret, wholeMatch, wholeLine))
            return false;
    }
    if (rule.entropy !== undefined) {
        if (shannonEntropy(secret) <= rule.entropy)
            return false;
        // gitleaks: a `generic*` secret must contain a digit (RE2 has no lookahead to say so).
        if (rule.id.startsWith('generic') && !/[0-9]/.test(secret))
            return false;
    }
    return true;
}
/**
 * Literals that much ordinary text holds: each is looked for with `indexOf`, which stops at the
 * first occurrence, where the alternation of all the others would stop at every one. (Speed only:
 * any literal gives the same answer either way.)
 */
const FREQUENT_TRIGGERS = new Set(['://', 'ey', 'ccount']);
/** `literal` as a regex that matches exactly it (no `u` flag). */
function escapeRegExp(literal) {
    return literal.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&');
}
/**
 * The trigger literals of a list of rules, looked for in a few passes over a text: `indexOf` for
 * the frequent literals, one alternation of all the others, and one case-insensitive regex per
 * rule with caseless literals.
 */
class Triggers {
    #rules;
    /** Rules without triggers: they run on every text. */
    #always;
    #frequent;
    /** Longest first: where several literals match at one position, the longest is the one seen. */
    #alternation;
    /** For each literal of the alternation: the rules it or any literal that is its prefix wakes. */
    #wakes = new Map();
    #caseless;
    constructor(gates) {
        this.#rules = gates.length;
        const rulesOf = new Map();
        const always = [];
        const caseless = [];
        gates.forEach((gate, rule) => {
            if (gate.triggers.length === 0 && gate.caseless.length === 0)
                always.push(rule);
            for (const literal of gate.triggers) {
                rulesOf.set(literal, [...(rulesOf.get(literal) ?? []), rule]);
            }
            if (gate.caseless.length > 0) {
                caseless.push({ regex: new RegExp(gate.caseless.map(escapeRegExp).join('|'), 'i'), rule });
            }
        });
        this.#always = always;
        this.#caseless = caseless;
        this.#frequent = [...rulesOf]
            .filter(([literal]) => FREQUENT_TRIGGERS.has(literal))
            .map(([literal, rules]) => ({ literal, rules }));
        const rare = [...rulesOf.keys()].filter((literal) => !FREQUENT_TRIGGERS.has(literal));
        for (const literal of rare) {
            const woken = rare
                .filter((other) => literal.startsWith(other))
                .flatMap((other) => rulesOf.get(other) ?? []);
            this.#wakes.set(literal, [...new Set(woken)]);
        }
        const longestFirst = [...rare].sort((a, b) => b.length - a.length);
        this.#alternation =
            rare.length > 0 ? new RegExp(longestFirst.map(escapeRegExp).join('|'), 'g') : null;
    }
    /** `found[rule]` is 1 when the text holds one of the rule's triggers (or it has none). */
    find(text) {
        const found = new Uint8Array(this.#rules);
        for (const rule of this.#always)
            found[rule] = 1;
        for (const { literal, rules } of this.#frequent) {
            if (text.includes(literal))
                for (const rule of rules)
                    found[rule] = 1;
        }
        for (const { regex, rule } of this.#caseless)
            if (regex.test(text))
                found[rule] = 1;
        const alternation = this.#alternation;
        if (alternation !== null) {
            // Every occurrence, overlapping ones included: a match may hide another literal's start.
            alternation.lastIndex = 0;
            for (let match = alternation.exec(text); match !== null; match = alternation.exec(text)) {
                for (const rule of this.#wakes.get(match[0]) ?? [])
                    found[rule] = 1;
                alternation.lastIndex = match.index + 1;
            }
        }
        return found;
    }
}
/** The library's and the extra rules' triggers, built on first use. */
let searches = null;
function triggerSearches() {
    if (searches !== null)
        return searches;
    const library = libraryRuleGates();
    searches = {
        library: new Triggers(library.map((g) => ({ triggers: g.triggers ?? [], caseless: [] }))),
        jsonOnly: library.map((g) => g.jsonOnly),
        extra: new Triggers(SECRET_RULES.map((rule) => ({
            triggers: rule.triggers ?? [],
            caseless: rule.caselessTriggers ?? [],
        }))),
    };
    return searches;
}
/**
 * The rules that may match in `text`, for a JSON file or not: a rule runs where one of its
 * triggers is (or it has none); a JSON-only library rule where the text is a JSON file. The
 * library's triggers are only looked for when the text passes the library's first check
 * (`libraryMayMatch`), without which no library rule reports anything.
 */
function gateFor(text, json) {
    const { library, jsonOnly, extra } = triggerSearches();
    const libraryFound = libraryMayMatch(text) ? library.find(text) : null;
    const extraFound = extra.find(text);
    return {
        library: (rule) => (jsonOnly[rule] === true ? json : libraryFound?.[rule] === 1),
        extra: (rule) => extraFound[rule] === 1,
    };
}
/**
 * Every rule match that passes the rule's filters, unmerged: the library's, then the extra rules'.
 * `json`: the text is a JSON file (see `libraryMatches`). `gate`: the rules that may match in this
 * text (see {@link Triggers}); the others are skipped, with the same result. Without it, every
 * library rule runs and the extra rules run where gitleaks' keywords are (the reference).
 */
function scan(text, json, gate) {
    const findings = [];
    if (text === '')
        return findings;
    for (const match of libraryMatches(text, json, gate?.library)) {
        findings.push({ ...match, order: LIBRARY_ORDER });
    }
    const lower = gate === undefined ? text.toLowerCase() : '';
    for (const compiled of COMPILED_RULES) {
        const { rule, regex } = compiled;
        if (gate !== undefined) {
            if (!gate.extra(compiled.order))
                continue;
        }
        else if (rule.keywords !== undefined && !rule.keywords.some((w) => lower.includes(w))) {
            continue;
        }
        regex.lastIndex = 0;
        for (let match = regex.exec(text); match !== null; match = regex.exec(text)) {
            if (match[0] === '') {
                regex.lastIndex++;
                continue;
            }
            const [start, end] = secretSpan(match);
            if (accepted(rule, text, match, start, end)) {
                findings.push({
                    rule: rule.id,
                    generic: rule.generic === true,
                    order: compiled.order,
                    start,
                    end,
                });
            }
        }
    }
    return findings;
}
/** Offsets at which each line starts, for turning offsets into 1-based line numbers. */
function lineStarts(text) {
    const starts = [0];
    for (let at = text.indexOf('\n'); at !== -1; at = text.indexOf('\n', at + 1))
        starts.push(at + 1);
    return starts;
}
function lineOf(starts, offset) {
    let low = 0;
    let high = starts.length - 1;
    while (low < high) {
        const mid = (low + high + 1) >> 1;
        if ((starts[mid] ?? 0) <= offset)
            low = mid;
        else
            high = mid - 1;
    }
    return low + 1;
}
/** Keeps, from findings sorted by start, those that overlap no finding kept before them. */
function sweep(sorted) {
    const kept = [];
    let end = -1;
    for (const finding of sorted) {
        if (finding.start >= end) {
            kept.push(finding);
            end = finding.end;
        }
    }
    return kept;
}
function overlapsAny(kept, finding) {
    // `kept` is sorted and non-overlapping: find the last one starting before `finding` ends.
    let low = 0;
    let high = kept.length - 1;
    let candidate = -1;
    while (low <= high) {
        const mid = (low + high) >> 1;
        if ((kept[mid]?.start ?? 0) < finding.end) {
            candidate = mid;
            low = mid + 1;
        }
        else {
            high = mid - 1;
        }
    }
    const previous = kept[candidate];
    return previous !== undefined && previous.end > finding.start;
}
function byStartThenOrder(a, b) {
    return a.start - b.start || a.order - b.order;
}
/**
 * Finds credential-looking strings in a text (a diff, a log, a transcript).
 *
 * Guarantees: findings are sorted by `start` and do not overlap; where a specific rule
 * (`secretlint-github`) and a catch-all rule (`generic-api-key`, `url-password`) match the same
 * characters, only the specific one is reported; among overlapping specific matches the library's
 * wins. Each rule makes one left-to-right pass with a regex that cannot backtrack
 * catastrophically: 10 MB of ordinary code take about half a second, and text crafted against
 * the rules stays linear. A rule runs only on a text that holds one of its trigger literals
 * (`LibraryRuleGate.triggers`, `SecretRule.triggers`): every match of the rule holds one, so the
 * findings are those of running every rule ({@link findSecretsUngated}). `json`: the text is a
 * whole JSON file (enables the library's GCP service-account key check).
 */
function findSecrets(text, json = false) {
    return merged(text, scan(text, json, text === '' ? undefined : gateFor(text, json)));
}
/**
 * {@link findSecrets} with every library rule run on every text that passes its first check,
 * and the extra rules gated by gitleaks' keywords, as before the trigger literals: the same
 * findings, slower. For the tests, which hold the gated scan to it.
 */
function findSecretsUngated(text, json = false) {
    return merged(text, scan(text, json, undefined));
}
/** The findings of {@link findSecrets} from the unmerged matches of `scan`. */
function merged(text, raw) {
    if (raw.length === 0)
        return [];
    const specific = sweep(raw.filter((f) => !f.generic).sort(byStartThenOrder));
    const generic = sweep(raw.filter((f) => f.generic && !overlapsAny(specific, f)).sort(byStartThenOrder));
    const starts = lineStarts(text);
    return [...specific, ...generic].sort(byStartThenOrder).map((f) => ({
        rule: f.rule,
        start: f.start,
        end: f.end,
        line: lineOf(starts, f.start),
    }));
}
/** Characters of base64 (both alphabets), base64url, hex and the separators tokens use. */
const TOKEN_ALPHABET = /^[A-Za-z0-9+/=_.~-]+$/;
const HEX = /^[0-9a-fA-F]+$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const PATH_START = /^(?:~|\.{1,2})?\//;
/**
 * Whether a value is a long, unpredictable token although no rule names it. True when the value
 * - is at least 20 characters of the token alphabet (letters, digits, `+/=_.~-`; no whitespace,
 *   no `:` or `@`, so URLs, image references and prose are out),
 * - holds both a letter and a digit (gitleaks' rule for generic secrets),
 * - is not hex only (git SHAs, digests: hex never exceeds 4 bits per character anyway), not a UUID,
 *   not a path (`/…`, `./…`, `~/…`),
 * - is not a slug: split on `-_./`, some part mixes letters and digits (`feature/JIRA-1234-fix` is a
 *   branch name; `wJalrXUtnFEMI/K7MDENG` is not),
 * - and has a Shannon entropy of at least 4.0 bits per character.
 */
function isHighEntropyToken(value) {
    if (value.length < 20 || !TOKEN_ALPHABET.test(value))
        return false;
    if (!/[A-Za-z]/.test(value) || !/[0-9]/.test(value))
        return false;
    if (HEX.test(value) || UUID.test(value) || PATH_START.test(value))
        return false;
    const parts = value.split(/[-_./]+/).filter((part) => part !== '');
    const isSlug = parts.every((part) => /^(?:[A-Za-z]+|[0-9]+)$/.test(part));
    if (isSlug)
        return false;
    return shannonEntropy(value) >= 4.0;
}
/**
 * Decides whether a whole environment-variable value is, or contains, a credential.
 *
 * Returns the id of the first rule that matches anywhere in the value (see {@link findSecrets});
 * else {@link HIGH_ENTROPY_RULE_ID} when the whole value is a token: at least 20 characters of
 * `[A-Za-z0-9+/=_.~-]` holding letters and digits, Shannon entropy of at least 4.0 bits per
 * character, and neither hex only, a UUID, a path, nor a slug whose parts are each all letters or
 * all digits; else `null`. So ordinary values — paths, `true`, version numbers, URLs without a
 * password, 40-hex git SHAs, UUIDs, branch and workflow refs — give `null`. The price: a secret
 * that is hex only, or shorter than 20 characters, is caught by its name (see `environment.ts`),
 * not by its value.
 */
function looksLikeSecret(value) {
    const [first] = findSecrets(value);
    if (first !== undefined)
        return first.rule;
    return isHighEntropyToken(value) ? HIGH_ENTROPY_RULE_ID : null;
}
/** Public, well-known prefixes that identify a token's issuer without revealing the token. */
const PUBLIC_PREFIXES = [
    'AKIA',
    'ASIA',
    'ABIA',
    'ACCA',
    'ghp_',
    'gho_',
    'ghs_',
    'ghu_',
    'ghr_',
    'github_pat_',
    'glpat-',
    'xoxb-',
    'xoxp-',
    'xoxa-',
    'xoxr-',
    'xoxs-',
    'xoxe',
    'xapp-',
    'sk-ant-',
    'sk-proj-',
    'sk_live_',
    'sk_test_',
    'rk_live_',
    'rk_test_',
    'npm_',
    'pypi-',
    'AIza',
    'hf_',
    'eyJ',
];
/**
 * A label for a secret value that reveals nothing a reader could use: the length in UTF-16 units,
 * plus, when the value is at least 16 long and starts with a public issuer prefix, that prefix cut
 * to at most 4 characters (`AKIA…(20)`, `ghp_…(40)`, `sk-a…(108)`, `eyJ…(180)`); otherwise only
 * the length (`…(12)`). Never a character beyond the public prefix.
 */
function redactedForm(value) {
    const length = value.length;
    const prefix = PUBLIC_PREFIXES.find((candidate) => value.startsWith(candidate));
    if (length >= 16 && prefix !== undefined) {
        return `${value.slice(0, Math.min(4, prefix.length))}…(${length})`;
    }
    return `…(${length})`;
}
/**
 * Finds every occurrence of a set of literal strings in one pass over the text, whatever their
 * number (Aho–Corasick automaton over UTF-16 code units).
 */
class LiteralMatcher {
    #next = [new Map()];
    #fail = [0];
    /** Length of the longest pattern that ends at this state (0: none). */
    #longest = [0];
    /** Index (in the constructor's order) of that longest pattern (-1: none). */
    #longestId = [-1];
    /** The root's transitions as a table: the state each UTF-16 code unit leads to (0: none). */
    #root = null;
    #rootTable() {
        if (this.#root !== null)
            return this.#root;
        const root = new Int32Array(0x10000);
        for (const [code, target] of this.#next[0] ?? [])
            root[code] = target;
        this.#root = root;
        return root;
    }
    constructor(patterns) {
        let id = 0;
        for (const pattern of patterns)
            this.#insert(pattern, id++);
        this.#link();
    }
    #insert(pattern, id) {
        let state = 0;
        for (let i = 0; i < pattern.length; i++) {
            const code = pattern.charCodeAt(i);
            const transitions = this.#next[state] ?? new Map();
            let target = transitions.get(code);
            if (target === undefined) {
                target = this.#next.length;
                this.#next.push(new Map());
                this.#fail.push(0);
                this.#longest.push(0);
                this.#longestId.push(-1);
                transitions.set(code, target);
            }
            state = target;
        }
        if (pattern.length > (this.#longest[state] ?? 0)) {
            this.#longest[state] = pattern.length;
            this.#longestId[state] = id;
        }
    }
    /** Breadth-first: each state's failure link points to its longest proper suffix in the trie. */
    #link() {
        const queue = [...(this.#next[0]?.values() ?? [])];
        for (let head = 0; head < queue.length; head++) {
            const state = queue[head] ?? 0;
            for (const [code, target] of this.#next[state] ?? []) {
                let fallback = this.#fail[state] ?? 0;
                while (fallback !== 0 && !(this.#next[fallback]?.has(code) ?? false)) {
                    fallback = this.#fail[fallback] ?? 0;
                }
                const link = this.#next[fallback]?.get(code) ?? 0;
                this.#fail[target] = link;
                if ((this.#longest[link] ?? 0) > (this.#longest[target] ?? 0)) {
                    this.#longest[target] = this.#longest[link] ?? 0;
                    this.#longestId[target] = this.#longestId[link] ?? -1;
                }
                queue.push(target);
            }
        }
    }
    /** The union of all occurrences: sorted, non-overlapping spans. */
    spans(text) {
        return this.occurrences(text).map(([start, end]) => [start, end]);
    }
    /**
     * The union of all occurrences as sorted, non-overlapping spans, each with the index of a pattern
     * found in it (the first found: the longest one ending where the span was first seen).
     */
    occurrences(text) {
        const merged = [];
        let state = 0;
        const root = this.#rootTable();
        for (let i = 0; i < text.length; i++) {
            const code = text.charCodeAt(i);
            let target = state === 0 ? undefined : this.#next[state]?.get(code);
            while (target === undefined && state !== 0) {
                state = this.#fail[state] ?? 0;
                target = state === 0 ? undefined : this.#next[state]?.get(code);
            }
            // At the root, a table lookup: most characters of a text start no pattern.
            state = target ?? root[code] ?? 0;
            if (state === 0)
                continue;
            const length = this.#longest[state] ?? 0;
            if (length === 0)
                continue;
            let start = i + 1 - length;
            const end = i + 1;
            let id = this.#longestId[state] ?? -1;
            for (let top = merged.at(-1); top !== undefined && top[1] > start; top = merged.at(-1)) {
                start = Math.min(start, top[0]);
                id = top[2];
                merged.pop();
            }
            merged.push([start, end, id]);
        }
        return merged;
    }
}
/** Most literals {@link anyOf} puts in one regex. */
const MAX_ANY_OF = 2000;
/**
 * A regex that matches where any of `literals` occurs: a quick first check before the
 * {@link LiteralMatcher}, since irregexp skips through a text that holds none of them faster than
 * the automaton walks it. `null` (no check: run the automaton) when there are none, too many, or
 * the regex cannot be built.
 */
function anyOf(literals) {
    if (literals.length === 0 || literals.length > MAX_ANY_OF)
        return null;
    try {
        return new RegExp(literals.map(escapeRegExp).join('|'));
    }
    catch {
        return null;
    }
}
/** The `[REDACTED…]` markers already in a text (ours, or look-alikes the text brought). */
const secrets_MARKER = /\[REDACTED(?::[a-z0-9-]+)?\]/g;
/**
 * Base64 of `bytes` as it appears alone (padded and unpadded) and at each of the 3 alignments
 * inside a longer base64 text: a value that starts at byte offset 1 of the encoded data shifts
 * every character, so each alignment has its own form. An aligned form keeps only the characters
 * whose 6 bits all come from `bytes`, so it is found whatever precedes or follows the value.
 */
function base64Forms(bytes) {
    const alone = bytes.toString('base64');
    const forms = [alone, alone.replace(/=+$/, '')];
    for (let offset = 0; offset < 3; offset++) {
        const encoded = Buffer.concat([Buffer.alloc(offset), bytes]).toString('base64');
        const from = Math.ceil((8 * offset) / 6);
        const to = Math.floor((8 * (offset + bytes.length)) / 6);
        forms.push(encoded.slice(from, to));
    }
    return forms;
}
/** `%2F` → `%2f`: the same percent-encoding with lower-case hex digits. */
function lowerHex(text) {
    return text.replace(/%[0-9A-F]{2}/g, (escape) => escape.toLowerCase());
}
/**
 * The percent-encodings a value takes in URLs and forms: `encodeURIComponent`, `encodeURI`, and
 * `application/x-www-form-urlencoded` (space as `+`), each with upper- and lower-case hex.
 */
function urlForms(text) {
    const forms = [
        encodeURIComponent(text),
        encodeURI(text),
        new URLSearchParams({ v: text }).toString().slice(2),
    ];
    return [...forms, ...forms.map(lowerHex)];
}
/**
 * The value as it may show up in a text, each form with its label: raw and trimmed, percent-encoded
 * (see `urlForms`), JSON-escaped, and base64 (standard and URL-safe, padded or not, alone or at any
 * alignment inside a longer base64 text). Forms shorter than `minLength` are left out. Where two
 * encodings give the same string, the first label (in that order) is kept.
 */
function encodedForms(value, minLength = MIN_REDACT_LENGTH) {
    const forms = new Map();
    const add = (form, encoding) => {
        if (form.length >= minLength && !forms.has(form))
            forms.set(form, encoding);
    };
    const plain = [...new Set([value, value.trim()])];
    for (const text of plain)
        add(text, 'raw');
    for (const text of plain)
        for (const form of urlForms(text))
            add(form, 'url-encoded');
    for (const text of plain)
        add(JSON.stringify(text).slice(1, -1), 'json-escaped');
    for (const text of plain) {
        for (const base64 of base64Forms(Buffer.from(text, 'utf8'))) {
            add(base64, 'base64');
            add(base64.replace(/\+/g, '-').replace(/\//g, '_'), 'base64url');
        }
    }
    return forms;
}
/** Upper bound on redaction passes; two are enough in practice (see `redact`). */
const MAX_PASSES = 5;
/**
 * Replaces secrets in text: every known value (and its encoded forms) and everything
 * {@link findSecrets} would report.
 *
 * Guarantees:
 * - No added value of at least {@link MIN_REDACT_LENGTH} characters survives anywhere outside a
 *   `[REDACTED…]` marker in any form of {@link encodedForms}: raw, trimmed, percent-encoded
 *   (component, URI or form encoding; upper- or lower-case hex), JSON-escaped, or base64-encoded
 *   (standard or URL-safe, padded or not, alone or at any alignment inside a longer base64 text).
 * - `redact(redact(text)) === redact(text)`.
 * - Time is linear in the text, whatever the number of values (one automaton pass plus the rules).
 */
class secrets_Redactor {
    #forms = new Set();
    #matcher = null;
    /** {@link anyOf} the forms; `undefined`: not built since the last `add`. */
    #any = undefined;
    constructor(values = []) {
        for (const value of values)
            this.add(value);
    }
    /** Registers a secret value. Values shorter than {@link MIN_REDACT_LENGTH} are ignored. */
    add(value) {
        if (value.length < MIN_REDACT_LENGTH)
            return;
        for (const form of encodedForms(value).keys()) {
            if (!this.#forms.has(form)) {
                this.#forms.add(form);
                this.#matcher = null;
                this.#any = undefined;
            }
        }
    }
    /** The text with every known value and every rule match replaced by a marker. */
    redact(text) {
        // A replacement can change what a rule sees next to it (`\b` before a marker's `[`), so repeat
        // until nothing changes. Each changing pass removes unredacted characters or merges markers.
        let current = text;
        for (let pass = 0; pass < MAX_PASSES; pass++) {
            const next = this.#redactOnce(current);
            if (next === current)
                return current;
            current = next;
        }
        return current;
    }
    #redactOnce(text) {
        const replacements = [];
        if (this.#forms.size > 0) {
            this.#matcher ??= new LiteralMatcher(this.#forms);
            if (this.#any === undefined)
                this.#any = anyOf([...this.#forms]);
            const spans = this.#any?.test(text) === false ? [] : this.#matcher.spans(text);
            for (const [start, end] of spans) {
                replacements.push({ start, end, rule: undefined, marker: false });
            }
        }
        for (const finding of scan(text, false, gateFor(text, false))) {
            const rule = finding.rule;
            replacements.push({ start: finding.start, end: finding.end, rule, marker: false });
        }
        if (replacements.length === 0)
            return text;
        // Markers join the merge so that a match overlapping one swallows it whole: a marker is never
        // cut, which is what keeps redaction idempotent.
        for (const marker of text.matchAll(secrets_MARKER)) {
            const start = marker.index;
            replacements.push({ start, end: start + marker[0].length, rule: undefined, marker: true });
        }
        replacements.sort((a, b) => a.start - b.start || b.end - a.end);
        let out = '';
        let copied = 0;
        let group = null;
        const flush = () => {
            if (group === null || group.labels.size === 0)
                return;
            const [label] = group.labels;
            out += text.slice(copied, group.start);
            out += group.labels.size === 1 && label !== undefined ? `[REDACTED:${label}]` : REDACTED;
            copied = group.end;
        };
        for (const r of replacements) {
            if (group !== null && r.start < group.end) {
                group.end = Math.max(group.end, r.end);
            }
            else {
                flush();
                group = { start: r.start, end: r.end, labels: new Set() };
            }
            if (!r.marker)
                group.labels.add(r.rule);
        }
        flush();
        return out + text.slice(copied);
    }
}
/** Shortest known value the {@link secretScanner} looks for (shorter ones match by chance). */
const MIN_SCAN_LENGTH = 8;
const ENCODING_WORDS = {
    raw: '',
    base64: ', base64-encoded',
    base64url: ', base64url-encoded',
    'url-encoded': ', percent-encoded',
    'json-escaped': ', JSON-escaped',
};
/**
 * The secret scan of added lines: the library rules and the extra rules, plus the known values
 * (what the strip stage removed, and the action's own tokens) in every form of
 * {@link encodedForms}. Pure; builds its automaton once, so each call is a few passes for the
 * rules' trigger literals, one pass per rule whose trigger the text holds, and one quick pass for
 * all known values (the automaton runs only where that finds one).
 *
 * A finding names the file, the 1-based line, the rule (a rule id; `stripped-value` for a known
 * value written as is, `stripped-value-<encoding>` for an encoded one) and a redacted form of the
 * value (`AKIA…(20)`), never the value. Known values shorter than {@link MIN_SCAN_LENGTH} are not
 * looked for. A `.json` file is scanned as JSON too (GCP service-account keys).
 */
function secretScanner(values) {
    const known = [...new Set(values.filter((v) => v.length >= MIN_SCAN_LENGTH))];
    const forms = [];
    const seen = new Set();
    for (const value of known) {
        for (const [form, encoding] of encodedForms(value, MIN_SCAN_LENGTH)) {
            if (seen.has(form))
                continue;
            seen.add(form);
            forms.push({ form, value, encoding });
        }
    }
    const matcher = forms.length > 0 ? new LiteralMatcher(forms.map((f) => f.form)) : null;
    const anyForm = anyOf(forms.map((f) => f.form));
    return (file, text, firstLine) => {
        const violations = [];
        for (const finding of findSecrets(text, file.toLowerCase().endsWith('.json'))) {
            violations.push({
                kind: 'secret',
                path: file,
                line: firstLine + finding.line - 1,
                rule: finding.rule,
                detail: `a value matching ${finding.rule} was added (${redactedForm(text.slice(finding.start, finding.end))})`,
            });
        }
        if (matcher === null || anyForm?.test(text) === false)
            return violations;
        const occurrences = matcher.occurrences(text);
        if (occurrences.length === 0)
            return violations;
        const starts = lineStarts(text);
        for (const [start, , id] of occurrences) {
            const form = forms[id];
            if (form === undefined)
                continue;
            const rule = form.encoding === 'raw' ? 'stripped-value' : `stripped-value-${form.encoding}`;
            violations.push({
                kind: 'secret',
                path: file,
                line: firstLine + lineOf(starts, start) - 1,
                rule,
                detail: `the value of a variable Airlock stripped, or of its own token, was added${ENCODING_WORDS[form.encoding]} (${redactedForm(form.value)})`,
            });
        }
        return violations;
    };
}

;// CONCATENATED MODULE: ./build/strip/environment.js
/**
 * The agent's environment (pure): which variables the CLI process, and so every command the agent
 * runs, starts with.
 *
 * Policy, strongest rule first; the first rule that applies decides:
 * 1. always removed: the names in `ALWAYS_REMOVED_ENV` (credentials, code-injection vectors);
 * 2. `strip-env` patterns;
 * 3. not allowed: neither in the base allowlist nor matched by a `pass-env` pattern;
 * 4. credential name: a name that looks like a credential's (`*_TOKEN`, `*SECRET*` …, see
 *    `CREDENTIAL_NAME_WORDS`) admitted only by a `pass-env` *glob*. An exact, glob-free `pass-env`
 *    entry is a deliberate choice and lets the name through this rule (not the next one);
 * 5. secret value: a value for which {@link looksLikeSecret} is not `null`, whatever admitted its
 *    name;
 * 6. otherwise the variable is kept.
 */



/**
 * Matches names against patterns; `dot` so that a name starting with `.` is not special.
 *
 * Same answers as `picomatch(patterns, { dot: true })` (a name equal to a pattern, or matched by
 * the pattern's regular expression; never the empty name), but with the patterns' expressions
 * joined into one: picomatch's own matcher tries each pattern in turn with a few objects per try,
 * and this runs for every variable of the runner's environment (on a GitHub-hosted runner, 115
 * names against some 90 patterns took 35 ms that way, 6 ms this way). Falls back to picomatch's
 * matcher if the expressions cannot be joined.
 */
function matcher(patterns) {
    const usable = patterns.filter((pattern) => pattern !== '');
    if (usable.length === 0)
        return () => false;
    const options = { dot: true };
    const regexes = usable.map((pattern) => picomatch.makeRe(pattern, options));
    let joined = null;
    if (regexes.every((regex) => regex.flags === '')) {
        try {
            joined = new RegExp(regexes.map((regex) => `(?:${regex.source})`).join('|'));
        }
        catch {
            joined = null;
        }
    }
    if (joined === null)
        return picomatch(usable, options);
    const exact = new Set(usable);
    const any = joined;
    return (name) => name !== '' && (exact.has(name) || any.test(name));
}
const isAlwaysRemovedName = matcher(ALWAYS_REMOVED_ENV.map((rule) => rule.pattern));
const isBaseName = matcher(BASE_ENV_ALLOWLIST.map((rule) => rule.pattern));
const credentialWords = new Set(CREDENTIAL_NAME_WORDS);
/** Whether `name` is removed from the agent's environment whatever `pass-env` says. */
function isAlwaysRemoved(name) {
    return isAlwaysRemovedName(name);
}
/**
 * Whether a variable name looks like a credential's: one of its parts (split on anything but
 * letters and digits) is a word of `CREDENTIAL_NAME_WORDS`, or it contains one of
 * `CREDENTIAL_NAME_SUBSTRINGS`; any case.
 */
function isCredentialName(name) {
    const upper = name.toUpperCase();
    if (upper.split(/[^A-Z0-9]+/).some((word) => credentialWords.has(word)))
        return true;
    return CREDENTIAL_NAME_SUBSTRINGS.some((part) => upper.includes(part));
}
/**
 * An absolute path whose every segment is ordinary (no token-like part, so `/hooks/T0/B0/<token>`
 * is not plain): never a credential, and common in reports. `isSecret` answers
 * `looksLikeSecret(segment) !== null` (the caller remembers the answers: the runner's paths
 * share most of their segments).
 */
function isPlainPath(value, isSecret) {
    if (!/^(?:\/[\w.+@-]+)+\/?$/.test(value))
        return false;
    return value.split('/').every((segment) => !isSecret(segment));
}
/**
 * Builds the agent's environment from `source` (normally the action's own `process.env`), applying
 * the policy described at the top of this module.
 *
 * Guarantees:
 * - every name of `source` is in exactly one of `env` and `stripped`;
 * - no name for which {@link isAlwaysRemoved} holds, and no name matched by `stripEnv`, is kept;
 * - no value for which {@link looksLikeSecret} is non-null is kept;
 * - `stripped` is sorted; `reasons` gives one reason per stripped name;
 * - `strippedValues` holds each removed value once, for the redactor and `core.setSecret`, except
 *   empty values and plain absolute paths of variables removed only as `not-allowed`
 *   (`RUNNER_WORKSPACE=/home/runner/work/repo`): masking those would garble every workspace path
 *   in the report while hiding nothing secret.
 */
function buildAgentEnvironment(source, options) {
    const isPassed = matcher(options.passEnv);
    const isStripped = matcher(options.stripEnv);
    const exactPass = new Set(options.passEnv.filter((pattern) => !picomatch.scan(pattern).isGlob));
    const reasonFor = (name, value) => {
        if (isAlwaysRemovedName(name))
            return 'always-removed';
        if (isStripped(name))
            return 'strip-env';
        const base = isBaseName(name);
        if (!base && !isPassed(name))
            return 'not-allowed';
        if (!base && !exactPass.has(name) && isCredentialName(name))
            return 'credential-name';
        if (looksLikeSecret(value) !== null)
            return 'secret-value';
        return null;
    };
    const secretSegments = new Map();
    const isSecretSegment = (segment) => {
        let answer = secretSegments.get(segment);
        if (answer === undefined) {
            answer = looksLikeSecret(segment) !== null;
            secretSegments.set(segment, answer);
        }
        return answer;
    };
    const kept = [];
    const removed = [];
    const strippedValues = new Set();
    for (const [name, value] of Object.entries(source)) {
        if (value === undefined) {
            removed.push([name, 'unset']);
            continue;
        }
        const reason = reasonFor(name, value);
        if (reason === null) {
            kept.push([name, value]);
            continue;
        }
        removed.push([name, reason]);
        if (value !== '' && !(reason === 'not-allowed' && isPlainPath(value, isSecretSegment))) {
            strippedValues.add(value);
        }
    }
    return {
        // `Object.fromEntries` defines own properties, so even a variable named `__proto__` is kept
        // or reported as stripped, never silently lost.
        env: Object.fromEntries(kept),
        stripped: removed.map(([name]) => name).sort(),
        strippedValues: [...strippedValues],
        reasons: Object.fromEntries(removed),
    };
}
function plural(count, noun) {
    return `${count} ${noun}${count === 1 ? '' : 's'}`;
}
/**
 * One line for the log: how many variables were kept and stripped, and how many of the stripped
 * ones were caught by their value (e.g. `kept 23 variables, stripped 41 (3 by value)`). Counts
 * only: no name, no value.
 */
function describeEnvironment(result) {
    const byValue = Object.values(result.reasons).filter((r) => r === 'secret-value').length;
    const kept = plural(Object.keys(result.env).length, 'variable');
    return `kept ${kept}, stripped ${result.stripped.length} (${byValue} by value)`;
}

;// CONCATENATED MODULE: ./build/guard/isolation.js
/**
 * The guard: is this runner a throwaway place (a container, or a GitHub-hosted VM that is destroyed
 * after the job), or a long-lived machine where an agent with skip-permissions could leave something
 * behind for the next job?
 *
 * `detectIsolation` and `decideIsolation` are pure: they look only at what an {@link IsolationProbe}
 * answers. `readProbe` is the only I/O, and it only checks that paths exist and reads small files.
 *
 * What the guard is for: catching a workflow that was pointed at the wrong runner by mistake. It is
 * not a defence against the workflow's author or the runner's administrator, who can forge every
 * signal read here (files, environment variables) and already own the job anyway (see DESIGN.md,
 * "Out of scope").
 */

/** The files the detector reads; exported so tests and fixtures stay in step with the code. */
const PROBE_PATHS = {
    dockerenv: '/.dockerenv',
    containerenv: '/run/.containerenv',
    initCgroup: '/proc/1/cgroup',
    selfCgroup: '/proc/self/cgroup',
    mountinfo: '/proc/self/mountinfo',
    initSched: '/proc/1/sched',
    runnerHome: '/home/runner',
    hostedToolcache: '/opt/hostedtoolcache',
};
/** Largest file `readProbe` reads; every file it is asked for is far smaller on a real machine. */
const MAX_PROBE_READ_BYTES = 256 * 1024;
/**
 * The real machine, as seen by this process. Never throws: a path that cannot be read is `null`,
 * and reads stop at {@link MAX_PROBE_READ_BYTES} (`/proc` files report size 0, so the size is not
 * asked first).
 */
function readProbe() {
    return {
        exists: (path) => {
            try {
                return external_node_fs_.existsSync(path);
            }
            catch {
                return false;
            }
        },
        read: (path) => {
            let fd;
            try {
                fd = external_node_fs_.openSync(path, 'r');
                const buffer = Buffer.alloc(MAX_PROBE_READ_BYTES);
                let length = 0;
                for (;;) {
                    const n = external_node_fs_.readSync(fd, buffer, length, buffer.length - length, null);
                    if (n === 0)
                        break;
                    length += n;
                    if (length === buffer.length)
                        break;
                }
                return buffer.subarray(0, length).toString('utf8');
            }
            catch {
                return null;
            }
            finally {
                if (fd !== undefined) {
                    try {
                        external_node_fs_.closeSync(fd);
                    }
                    catch {
                        // nothing to do: the descriptor is gone either way
                    }
                }
            }
        },
        env: { ...process.env },
    };
}
/**
 * Container runtimes' marks in a `/proc/<pid>/cgroup` path: Docker (`/docker/<id>`,
 * `docker-<id>.scope`), containerd and CRI (`/containerd/`, `cri-containerd-`), Kubernetes
 * (`/kubepods`), Podman (`/libpod`, `libpod-`), LXC (`/lxc/`, `lxc.payload`), systemd-nspawn
 * (`/machine.slice/`), and GitHub's own job containers (`/actions_job/`: the hosted runners' Docker
 * daemon puts every container under that cgroup parent). Service units such as
 * `/system.slice/docker.service` or `containerd.service` are a host's daemons and do not match.
 */
const CGROUP_MARKERS = [
    [/\/actions_job\//, 'actions_job (GitHub job container)'],
    [/\/kubepods/, 'kubepods'],
    [/cri-containerd-|\/containerd\//, 'containerd'],
    [/\/libpod|libpod-/, 'libpod'],
    [/\/docker[/-]|docker-[0-9a-f]{12,}\.scope/, 'docker'],
    [/\/lxc\/|lxc\.payload/, 'lxc'],
    [/\/machine\.slice\//, 'machine.slice (systemd-nspawn)'],
];
/**
 * Read one cgroup file. A cgroup v2 line `0::/` (or v1 lines that are all `/`) is deliberately not
 * counted: it only says the process sits at the root of the cgroup tree *it can see*. That is what a
 * container with its own cgroup namespace sees (Docker's default on cgroup v2), and also what a
 * process in the host's root cgroup sees (pid 1 without systemd, kernel helpers): it cannot tell the
 * two apart.
 */
function cgroupEvidence(path, text) {
    if (text === null)
        return { line: `- ${path} unreadable`, container: false };
    const paths = text
        .split('\n')
        .map((l) => l.trim())
        .filter((l) => l.length > 0)
        .map((l) => l.split(':').slice(2).join(':'));
    for (const [pattern, name] of CGROUP_MARKERS) {
        const hit = paths.find((p) => pattern.test(p));
        if (hit !== undefined) {
            return { line: `+ ${path} names a container runtime (${name})`, container: true };
        }
    }
    const shown = paths.find((p) => p !== '/') ?? '/';
    if (shown === '/') {
        return {
            line: `- ${path} is at the cgroup root only (not proof either way: a cgroup namespace and the host's root cgroup look the same)`,
            container: false,
        };
    }
    return { line: `- ${path} has no container runtime marker (${clip(shown)})`, container: false };
}
/** Mount roots (the 4th mountinfo field) that only a container runtime bind-mounts over `/etc/…`. */
const RUNTIME_MOUNT_ROOT = /\/docker\/containers\/|\/var\/lib\/containers\/|\/containers\/storage\/|\/kubelet\/pods\/|\/containerd\/|\/libpod/;
/** The files a runtime bind-mounts into every container it starts. */
const RUNTIME_BIND_TARGETS = new Set(['/etc/hostname', '/etc/hosts', '/etc/resolv.conf']);
/**
 * Read `/proc/self/mountinfo`: an overlay filesystem as `/`, or `/etc/hostname`-style files
 * bind-mounted out of a runtime's state directory. Overlay mounts elsewhere are ignored on purpose:
 * a host that runs Docker shows its containers' `…/overlay2/…/merged` mounts too.
 */
function mountinfoEvidence(text) {
    const path = PROBE_PATHS.mountinfo;
    if (text === null)
        return { line: `- ${path} unreadable`, container: false };
    const findings = [];
    let rootType;
    let rootSource;
    for (const raw of text.split('\n')) {
        const separator = raw.indexOf(' - ');
        if (separator < 0)
            continue;
        const before = raw.slice(0, separator).split(' ');
        const after = raw.slice(separator + 3).split(' ');
        const mountRoot = before[3];
        const mountPoint = before[4];
        const fsType = after[0];
        if (mountRoot === undefined || mountPoint === undefined || fsType === undefined)
            continue;
        if (mountPoint === '/') {
            rootType = fsType;
            rootSource = after[1];
        }
        if (RUNTIME_BIND_TARGETS.has(mountPoint) && RUNTIME_MOUNT_ROOT.test(mountRoot)) {
            findings.push(`${mountPoint} bind-mounted from ${clip(mountRoot)}`);
        }
    }
    if (rootType === 'overlay' || rootType === 'fuse-overlayfs') {
        findings.unshift(`root is ${rootType}`);
    }
    if (findings.length > 0) {
        return { line: `+ ${path}: ${findings.join('; ')}`, container: true };
    }
    const root = rootType === undefined
        ? 'no root mount found'
        : `root is ${rootType} (${clip(rootSource ?? '?')})`;
    return { line: `- ${path}: ${root}, no container runtime mounts`, container: false };
}
/** Names pid 1 has on a machine that booted an init system (as opposed to a container's process). */
const INIT_SYSTEMS = new Set([
    'systemd',
    'init',
    'runit',
    'runit-init',
    'openrc-init',
    's6-svscan',
    'upstart',
    'launchd',
]);
/**
 * Read the first line of `/proc/1/sched`, `<comm> (<pid>, #threads: <n>)`. A container's pid 1 is
 * whatever it was started with (`tail` for a GitHub job container, `tini`, `sh`, `node` …); a
 * machine's pid 1 is an init system.
 */
function schedEvidence(text) {
    const path = PROBE_PATHS.initSched;
    if (text === null)
        return { line: `- ${path} unreadable`, container: false };
    const first = text.split('\n')[0] ?? '';
    const match = /^(.*) \(\d+, #threads: \d+\)\s*$/.exec(first);
    const name = match?.[1]?.trim();
    if (name === undefined || name.length === 0) {
        return { line: `- ${path}: first line not understood`, container: false };
    }
    if (INIT_SYSTEMS.has(name)) {
        return { line: `- pid 1 is ${clip(name)} (an init system)`, container: false };
    }
    return { line: `+ pid 1 is ${clip(name)} (not an init system)`, container: true };
}
/** Shorten and make printable something read from the machine before it goes into a log line. */
function clip(value) {
    // eslint-disable-next-line no-control-regex
    const printable = value.replace(/[\u0000-\u001f\u007f]/g, '?');
    return printable.length > 80 ? `${printable.slice(0, 77)}...` : printable;
}
/** `RUNNER_NAME` on GitHub's standard hosted runners. */
const HOSTED_RUNNER_NAME = /^GitHub Actions \d+$/;
/** How many corroborating signs a GitHub-hosted VM must show besides `RUNNER_ENVIRONMENT`. */
const HOSTED_CORROBORATION_NEEDED = 2;
/**
 * Classify the runner from what `probe` shows.
 *
 * - **container** when any container sign is present: `/.dockerenv`, `/run/.containerenv`
 *   (Podman), a runtime marker in `/proc/1/cgroup` or `/proc/self/cgroup`, an overlay root or
 *   runtime bind mounts in `/proc/self/mountinfo`, the `container` variable (systemd-nspawn, Podman,
 *   LXC), `KUBERNETES_SERVICE_HOST`, or a pid 1 that is not an init system.
 * - **github-hosted-vm** otherwise, when `RUNNER_ENVIRONMENT=github-hosted` (set by the runner on
 *   GitHub's hosted runners, `self-hosted` elsewhere) and at least
 *   {@link HOSTED_CORROBORATION_NEEDED} of: `ImageOS`, `ImageVersion`, `/home/runner`,
 *   `/opt/hostedtoolcache`, a `RUNNER_NAME` like `GitHub Actions 12`.
 * - **bare-host** otherwise.
 *
 * Every sign is forgeable by whoever controls the runner or the workflow; that is out of scope: the
 * guard catches a workflow sent to a persistent self-hosted machine by mistake, not its owner.
 * Every sign looked at yields exactly one evidence line, so the report shows why.
 */
function detectIsolation(probe) {
    const evidence = [];
    const containerSigns = [];
    const note = (result) => {
        evidence.push(result.line);
        containerSigns.push(result.container);
    };
    note(probe.exists(PROBE_PATHS.dockerenv)
        ? { line: `+ ${PROBE_PATHS.dockerenv} present (Docker)`, container: true }
        : { line: `- ${PROBE_PATHS.dockerenv} absent`, container: false });
    note(probe.exists(PROBE_PATHS.containerenv)
        ? { line: `+ ${PROBE_PATHS.containerenv} present (Podman)`, container: true }
        : { line: `- ${PROBE_PATHS.containerenv} absent`, container: false });
    note(cgroupEvidence(PROBE_PATHS.initCgroup, probe.read(PROBE_PATHS.initCgroup)));
    note(cgroupEvidence(PROBE_PATHS.selfCgroup, probe.read(PROBE_PATHS.selfCgroup)));
    note(mountinfoEvidence(probe.read(PROBE_PATHS.mountinfo)));
    note(schedEvidence(probe.read(PROBE_PATHS.initSched)));
    const containerVar = probe.env['container'];
    note(containerVar !== undefined && containerVar !== ''
        ? { line: `+ container=${clip(containerVar)} in the environment`, container: true }
        : { line: '- container variable not set', container: false });
    const kubernetes = probe.env['KUBERNETES_SERVICE_HOST'];
    note(kubernetes !== undefined && kubernetes !== ''
        ? { line: '+ KUBERNETES_SERVICE_HOST set (Kubernetes pod)', container: true }
        : { line: '- KUBERNETES_SERVICE_HOST not set', container: false });
    const runnerEnvironment = probe.env['RUNNER_ENVIRONMENT'];
    const claimsHosted = runnerEnvironment === 'github-hosted';
    evidence.push(claimsHosted
        ? '+ RUNNER_ENVIRONMENT=github-hosted'
        : runnerEnvironment === undefined || runnerEnvironment === ''
            ? '- RUNNER_ENVIRONMENT not set'
            : `- RUNNER_ENVIRONMENT=${clip(runnerEnvironment)}`);
    let corroboration = 0;
    const corroborate = (present, yes, no) => {
        evidence.push(present ? `+ ${yes}` : `- ${no}`);
        if (present)
            corroboration += 1;
    };
    const imageOs = probe.env['ImageOS'];
    corroborate(imageOs !== undefined && imageOs !== '', `ImageOS=${clip(imageOs ?? '')}`, 'ImageOS not set');
    const imageVersion = probe.env['ImageVersion'];
    corroborate(imageVersion !== undefined && imageVersion !== '', `ImageVersion=${clip(imageVersion ?? '')}`, 'ImageVersion not set');
    corroborate(probe.exists(PROBE_PATHS.runnerHome), `${PROBE_PATHS.runnerHome} present`, `${PROBE_PATHS.runnerHome} absent`);
    corroborate(probe.exists(PROBE_PATHS.hostedToolcache), `${PROBE_PATHS.hostedToolcache} present`, `${PROBE_PATHS.hostedToolcache} absent`);
    const runnerName = probe.env['RUNNER_NAME'];
    corroborate(runnerName !== undefined && HOSTED_RUNNER_NAME.test(runnerName), `RUNNER_NAME=${clip(runnerName ?? '')} (GitHub's naming)`, runnerName === undefined
        ? 'RUNNER_NAME not set'
        : `RUNNER_NAME=${clip(runnerName)} (not GitHub's naming)`);
    let kind = 'bare-host';
    if (containerSigns.includes(true))
        kind = 'container';
    else if (claimsHosted && corroboration >= HOSTED_CORROBORATION_NEEDED)
        kind = 'github-hosted-vm';
    return { kind, evidence };
}
/** The `reason` given when `isolation: none` skipped the check. */
const ISOLATION_SKIPPED_REASON = 'isolation check skipped (isolation: none)';
/**
 * Apply the `isolation` input to what was detected. `container` allows only a container;
 * `vm-or-container` (the default) also allows a GitHub-hosted VM; `none` allows anything and says
 * so in `reason`. A refusal's `reason` is one sentence that says what to do.
 */
function decideIsolation(detected, mode) {
    const base = { kind: detected.kind, evidence: [...detected.evidence] };
    if (mode === 'none')
        return { ...base, allowed: true, reason: ISOLATION_SKIPPED_REASON };
    if (detected.kind === 'container')
        return { ...base, allowed: true };
    if (mode === 'vm-or-container' && detected.kind === 'github-hosted-vm') {
        return { ...base, allowed: true };
    }
    const reason = detected.kind === 'github-hosted-vm'
        ? 'This runner is a GitHub-hosted VM but `isolation: container` requires a container; run the job in a `container:`, or set `isolation: vm-or-container`.'
        : mode === 'container'
            ? 'This runner looks like a self-hosted machine (no container evidence); run the job in a `container:`, or set `isolation: none` if you accept the risk.'
            : 'This runner looks like a self-hosted machine (no container or GitHub-hosted VM evidence); run the job in a `container:` or on a GitHub-hosted runner, or set `isolation: none` if you accept the risk.';
    return { ...base, allowed: false, reason };
}

;// CONCATENATED MODULE: ./build/lock/policy.js


/** Absolute-path rule syntax of the CLI (`//abs/path`). */
function abs(p) {
    return `/${p.startsWith('/') ? p : `/${p}`}`;
}
/** Quotes one word for the POSIX shell the CLI runs hook commands with. */
function shellQuote(word) {
    return `'${word.replaceAll("'", `'\\''`)}'`;
}
/**
 * Builds the managed settings, the hook's policy and the tool list from the config. Pure.
 * Guarantees: the sandbox's network is managed-only; unsandboxed commands are off; the model
 * credential is unset for sandboxed commands; credential stores, `/proc`, the runner's folders
 * and the lock itself are denied to every tool; the repository's hooks and rules are ignored.
 */
function buildLock(config, paths, options) {
    const home = paths.home;
    const homeCredentials = HOME_CREDENTIAL_PATHS.map((p) => external_node_path_.join(home, p));
    const runnerFolders = [
        ...(paths.runnerTemp !== null ? [paths.runnerTemp] : []),
        ...paths.runnerFiles,
    ];
    const readDenied = [
        ...homeCredentials,
        ...paths.secretFiles,
        ...runnerFolders,
        paths.privateDir,
        '/proc',
        '/sys/kernel',
        MANAGED_SETTINGS_DIR,
    ];
    const gitDir = external_node_path_.join(paths.workspace, '.git');
    const writeDenied = [
        external_node_path_.join(gitDir, 'hooks'),
        external_node_path_.join(gitDir, 'config'),
        ...HOME_STARTUP_FILES.map((p) => external_node_path_.join(home, p)),
        MANAGED_SETTINGS_DIR,
        paths.privateDir,
        ...runnerFolders,
    ];
    const denyRules = [
        ...SEED_BASH_DENY,
        ...SEED_FILE_DENY.flatMap((glob) => [
            `Read(${abs(external_node_path_.join(paths.workspace, glob))})`,
            `Edit(${abs(external_node_path_.join(paths.workspace, glob))})`,
        ]),
        ...readDenied.flatMap((p) => [`Read(${abs(p)})`, `Read(${abs(p)}/**)`]),
        ...writeDenied.flatMap((p) => [`Edit(${abs(p)})`, `Edit(${abs(p)}/**)`]),
        ...config.deny,
    ];
    const uniqueDeny = [...new Set(denyRules)];
    const networkAllowed = config.allowedDomains.length > 0;
    const tools = KNOWN_TOOLS.filter((tool) => networkAllowed || !NETWORK_TOOLS.has(tool));
    const hookCommand = (event, policyFile) => [paths.node, paths.hookScript, event, policyFile].map(shellQuote).join(' ');
    const policyFile = external_node_path_.join(paths.privateDir, 'policy.json');
    const settings = {
        permissions: { deny: uniqueDeny },
        allowManagedHooksOnly: true,
        allowManagedPermissionRulesOnly: true,
        hooks: {
            PreToolUse: [
                {
                    matcher: '*',
                    hooks: [
                        { type: 'command', command: hookCommand('pre-tool-use', policyFile), timeout: 30 },
                    ],
                },
            ],
            SessionStart: [
                {
                    hooks: [
                        { type: 'command', command: hookCommand('session-start', policyFile), timeout: 30 },
                    ],
                },
            ],
        },
        sandbox: {
            enabled: options.sandbox !== 'off',
            failIfUnavailable: options.sandbox !== 'off',
            allowUnsandboxedCommands: false,
            autoAllowBashIfSandboxed: true,
            ...(options.sandbox === 'weaker-nested' ? { enableWeakerNestedSandbox: true } : {}),
            ...(options.bwrapPath !== undefined ? { bwrapPath: options.bwrapPath } : {}),
            network: {
                allowedDomains: [...config.allowedDomains],
                allowManagedDomainsOnly: true,
                allowUnixSockets: [],
                allowAllUnixSockets: false,
                allowLocalBinding: false,
            },
            filesystem: {
                allowWrite: [paths.agentTmp, ...config.allowWrite],
                denyWrite: writeDenied,
                denyRead: readDenied.filter((p) => p !== '/proc' && p !== '/sys/kernel'),
            },
            credentials: {
                envVars: [
                    { name: 'ANTHROPIC_API_KEY', mode: 'deny' },
                    { name: 'CLAUDE_CODE_OAUTH_TOKEN', mode: 'deny' },
                    { name: 'ANTHROPIC_AUTH_TOKEN', mode: 'deny' },
                ],
            },
        },
    };
    const hookPolicy = {
        version: 1,
        nonce: options.nonce,
        sessionFile: external_node_path_.join(paths.privateDir, 'session-start'),
        logFile: external_node_path_.join(paths.privateDir, 'decisions.jsonl'),
        tools,
        writeRoots: [paths.workspace, paths.agentTmp, ...config.allowWrite],
        denyWrite: [gitDir, ...writeDenied],
        denyRead: readDenied,
        denyNames: ['.env*', '*credentials*', '*secret*'],
        allowedDomains: [...config.allowedDomains],
    };
    return { settings, hookPolicy, tools, denyRules: uniqueDeny };
}
/**
 * The subset of the CLI's settings schema (2.1.197) that the lock uses. The CLI silently drops a
 * managed settings file that fails its own validation, deny rules and all, so what we write is
 * checked against this first.
 */
const HOOK_SHAPE = { type: 'string', command: 'string', timeout: 'number' };
const SETTINGS_SHAPE = {
    permissions: { deny: 'string[]' },
    allowManagedHooksOnly: 'boolean',
    allowManagedPermissionRulesOnly: 'boolean',
    hooks: {
        PreToolUse: [{ matcher: 'string', hooks: [HOOK_SHAPE] }],
        SessionStart: [{ hooks: [HOOK_SHAPE] }],
    },
    sandbox: {
        enabled: 'boolean',
        failIfUnavailable: 'boolean',
        allowUnsandboxedCommands: 'boolean',
        autoAllowBashIfSandboxed: 'boolean',
        enableWeakerNestedSandbox: 'boolean',
        bwrapPath: 'string',
        network: {
            allowedDomains: 'string[]',
            allowManagedDomainsOnly: 'boolean',
            allowUnixSockets: 'string[]',
            allowAllUnixSockets: 'boolean',
            allowLocalBinding: 'boolean',
        },
        filesystem: { allowWrite: 'string[]', denyWrite: 'string[]', denyRead: 'string[]' },
        credentials: { envVars: [{ name: 'string', mode: 'string' }] },
    },
};
/** Keys the lock may leave out; every other key of the shape must be present. */
const OPTIONAL_KEYS = new Set(['enableWeakerNestedSandbox', 'bwrapPath']);
function check(value, shape, at, problems) {
    if (shape === 'string[]') {
        if (!Array.isArray(value) || value.some((v) => typeof v !== 'string'))
            problems.push(`${at} must be a list of strings`);
    }
    else if (typeof shape === 'string') {
        if (typeof value !== shape)
            problems.push(`${at} must be a ${shape}`);
    }
    else if (Array.isArray(shape)) {
        if (!Array.isArray(value)) {
            problems.push(`${at} must be a list`);
            return;
        }
        value.forEach((item, i) => {
            check(item, shape[0], `${at}[${i}]`, problems);
        });
    }
    else {
        if (typeof value !== 'object' || value === null || Array.isArray(value)) {
            problems.push(`${at} must be an object`);
            return;
        }
        for (const [key, child] of Object.entries(value)) {
            const childShape = shape[key];
            if (childShape === undefined)
                problems.push(`${at}.${key} is not a key the lock may set`);
            else
                check(child, childShape, `${at}.${key}`, problems);
        }
        for (const key of Object.keys(shape)) {
            if (!(key in value) && !OPTIONAL_KEYS.has(key))
                problems.push(`${at}.${key} is missing`);
        }
    }
}
/**
 * Validates a settings object before it is written. Returns the problems found (empty when valid).
 * Also refuses a lock that would not hold: sandbox on without `failIfUnavailable`, unsandboxed
 * commands allowed, network not managed-only, hooks not managed-only.
 */
function validateManagedSettings(value) {
    const problems = [];
    check(value, SETTINGS_SHAPE, 'settings', problems);
    if (problems.length > 0)
        return problems;
    const settings = value;
    if (!settings.allowManagedHooksOnly)
        problems.push('settings.allowManagedHooksOnly must be true');
    if (!settings.allowManagedPermissionRulesOnly)
        problems.push('settings.allowManagedPermissionRulesOnly must be true');
    if (settings.sandbox.enabled && !settings.sandbox.failIfUnavailable) {
        problems.push('settings.sandbox.failIfUnavailable must be true when the sandbox is on');
    }
    if (settings.sandbox.allowUnsandboxedCommands)
        problems.push('settings.sandbox.allowUnsandboxedCommands must be false');
    if (!settings.sandbox.network.allowManagedDomainsOnly) {
        problems.push('settings.sandbox.network.allowManagedDomainsOnly must be true');
    }
    const hookCount = (groups) => groups.reduce((n, group) => n + group.hooks.length, 0);
    if (hookCount(settings.hooks.PreToolUse) === 0 || hookCount(settings.hooks.SessionStart) === 0) {
        problems.push('settings.hooks must run the policy hook');
    }
    return problems;
}

;// CONCATENATED MODULE: ./build/lock/privileged-write.js



function sudo(args) {
    (0,external_node_child_process_namespaceObject.execFileSync)('sudo', ['-n', ...args], { stdio: ['ignore', 'ignore', 'pipe'] });
}
const direct = {
    viaSudo: false,
    mkdir: (dir) => (0,external_node_fs_.mkdirSync)(dir, { recursive: true, mode: 0o755 }),
    install: (from, to, mode) => {
        const staged = external_node_path_.join(external_node_path_.dirname(to), `.${external_node_path_.basename(to)}.airlock-tmp`);
        (0,external_node_fs_.copyFileSync)(from, staged);
        (0,external_node_fs_.chmodSync)(staged, mode);
        (0,external_node_fs_.renameSync)(staged, to);
    },
    copy: (from, to) => (0,external_node_child_process_namespaceObject.execFileSync)('cp', ['-p', '--', from, to]),
    move: (from, to) => (0,external_node_fs_.renameSync)(from, to),
    remove: (file) => (0,external_node_fs_.rmSync)(file, { force: true }),
    removeEmptyDir: (dir) => {
        try {
            (0,external_node_fs_.rmdirSync)(dir);
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
        (0,external_node_child_process_namespaceObject.execFileSync)('sudo', ['-n', 'true'], { stdio: 'ignore', timeout: 10_000 });
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

;// CONCATENATED MODULE: ./build/hook/realpath.js


const MAX_LINKS = 40;
/**
 * Where the OS would land when it opens `p`: every symlink on the way is followed, including a
 * dangling one (a write through a dangling link creates its target), and the part of the path
 * that does not exist yet is appended as is. More than 40 links (a loop) resolves to a path under
 * `/proc/airlock-symlink-loop`, which every policy denies.
 */
function realpathLoose(p) {
    let links = 0;
    const pending = external_node_path_.resolve(p).split('/').filter(Boolean);
    let resolved = '/';
    while (pending.length > 0) {
        const part = pending.shift() ?? '';
        if (part === '.')
            continue;
        if (part === '..') {
            resolved = external_node_path_.dirname(resolved);
            continue;
        }
        const next = external_node_path_.join(resolved, part);
        let target = null;
        try {
            if ((0,external_node_fs_.lstatSync)(next).isSymbolicLink())
                target = (0,external_node_fs_.readlinkSync)(next);
        }
        catch {
            // Does not exist (yet): nothing further to resolve along this path.
            return external_node_path_.join(next, ...pending);
        }
        if (target === null) {
            resolved = next;
            continue;
        }
        if (++links > MAX_LINKS)
            return '/proc/airlock-symlink-loop';
        pending.unshift(...target.split('/').filter(Boolean));
        if (target.startsWith('/'))
            resolved = '/';
    }
    return resolved;
}

// EXTERNAL MODULE: external "node:util"
var external_node_util_ = __nccwpck_require__(7975);
;// CONCATENATED MODULE: ./build/lock/sandbox.js


/**
 * Turns a probe result and the `sandbox` input into a decision, with one sentence naming the fix.
 * `required` fails closed; `best-effort` may fall back to the weaker nested sandbox (when that
 * probe passes) or, last, to no sandbox, always with a warning; `off` never probes.
 */
function decideSandbox(mode, full, weaker) {
    if (mode === 'off') {
        return {
            setting: 'off',
            refusal: null,
            warnings: [
                'The OS sandbox is off (sandbox: off): commands the agent runs are confined by deny rules only, not by the kernel.',
            ],
        };
    }
    if (full?.ok === true)
        return { setting: 'on', refusal: null, warnings: [] };
    const why = explainProbeFailure(full);
    if (mode === 'required') {
        return { setting: 'off', refusal: `The OS sandbox cannot start here: ${why}`, warnings: [] };
    }
    if (weaker?.ok === true) {
        return {
            setting: 'weaker-nested',
            refusal: null,
            warnings: [
                `The full OS sandbox cannot start here (${why}); using the weaker nested sandbox (sandbox: best-effort), which shares /proc with the container.`,
            ],
        };
    }
    return {
        setting: 'off',
        refusal: null,
        warnings: [
            `The OS sandbox cannot start here (${why}); running without it (sandbox: best-effort).`,
        ],
    };
}
/** One sentence: what failed and how to fix it. */
function explainProbeFailure(result) {
    if (result === null)
        return 'it was not probed.';
    if (result.missing.length > 0) {
        return `${result.missing.join(' and ')} not found; install them first (Debian/Ubuntu: sudo apt-get install -y bubblewrap socat).`;
    }
    if (result.apparmorRestrictsUserns) {
        return 'AppArmor forbids unprivileged user namespaces (kernel.apparmor_restrict_unprivileged_userns=1, Ubuntu 24.04); run `sudo sysctl -w kernel.apparmor_restrict_unprivileged_userns=0` in a step before Airlock.';
    }
    const detail = (result.error ?? 'unknown error').split('\n')[0]?.slice(0, 200) ?? '';
    return `bubblewrap failed (${detail}); inside Docker, run the job container with --privileged or a seccomp/AppArmor profile that allows user namespaces, or set sandbox: best-effort to accept the weaker nested sandbox.`;
}
/**
 * The wrapper the CLI runs instead of bubblewrap when it runs as root: bubblewrap started by root
 * keeps root's capabilities inside the sandbox, and with CAP_SYS_ADMIN a command can simply
 * remount the read-only views writable (seen here: `mount -o remount,bind,rw /` succeeded).
 * `--cap-drop ALL` takes every capability from the sandboxed command.
 */
function capDropWrapper(bwrap) {
    return `#!/bin/sh\nexec '${bwrap.replaceAll("'", `'\\''`)}' --cap-drop ALL --cap-add CAP_SETUID --cap-add CAP_SETGID --cap-add CAP_SETFCAP "$@"\n`;
}
/** The absolute path of a program on PATH, or null. */
function findProgram(program, pathVar = process.env.PATH ?? '') {
    for (const dir of pathVar.split(':')) {
        if (dir === '' || !dir.startsWith('/'))
            continue;
        try {
            (0,external_node_fs_.accessSync)(`${dir}/${program}`, external_node_fs_.constants.X_OK);
            return `${dir}/${program}`;
        }
        catch {
            // Not here.
        }
    }
    return null;
}
function which(program, pathVar) {
    return pathVar.split(':').some((dir) => {
        if (dir === '')
            return false;
        try {
            (0,external_node_fs_.accessSync)(`${dir}/${program}`, external_node_fs_.constants.X_OK);
            return true;
        }
        catch {
            return false;
        }
    });
}
/**
 * Starts bubblewrap with the namespaces the CLI uses (new session, PID and network namespaces,
 * a fresh /proc) — or, for `weaker`, the CLI's nested variant (user namespace, /proc bound) —
 * and runs `/bin/true` in it.
 */
function probeSandbox(weaker = false) {
    const pathVar = process.env.PATH ?? '/usr/bin:/bin';
    const missing = ['bwrap', 'socat'].filter((program) => !which(program, pathVar));
    let apparmor;
    try {
        apparmor =
            (0,external_node_fs_.readFileSync)('/proc/sys/kernel/apparmor_restrict_unprivileged_userns', 'utf8').trim() === '1';
    }
    catch {
        apparmor = false;
    }
    if (missing.includes('bwrap'))
        return { ok: false, missing, error: null, apparmorRestrictsUserns: apparmor };
    const procArgs = weaker ? ['--unshare-user', '--bind', '/proc', '/proc'] : ['--proc', '/proc'];
    const run = (0,external_node_child_process_namespaceObject.spawnSync)('bwrap', [
        '--new-session',
        '--die-with-parent',
        '--unshare-net',
        '--ro-bind',
        '/',
        '/',
        '--dev',
        '/dev',
        '--unshare-pid',
        ...procArgs,
        '--',
        '/bin/true',
    ], { encoding: 'utf8', timeout: 15_000 });
    const ok = run.status === 0 && missing.length === 0;
    return {
        ok,
        missing,
        error: run.status === 0 ? null : run.stderr || run.error?.message || `exit ${String(run.status)}`,
        apparmorRestrictsUserns: apparmor && run.status !== 0,
    };
}

;// CONCATENATED MODULE: ./build/audit/setuid-scan.js





const run = (0,external_node_util_.promisify)(external_node_child_process_namespaceObject.execFile);
/** Paths from `find … -print0`, relative to `root`. Pure. */
function parseFindOutput(output, root) {
    return output
        .split('\0')
        .filter((p) => p !== '')
        .map((p) => external_node_path_.relative(root, p));
}
/**
 * `getcap -r` lines: `/path cap_net_raw=ep` (libcap ≥ 2.48) or `/path = cap_net_raw+ep` (older).
 * Pure.
 */
function parseGetcap(output, root) {
    const out = new Map();
    for (const line of output.split('\n')) {
        const match = /^(.+?) (?:= )?(cap_[\w,]+[=+-][eip]+.*)$/.exec(line);
        if (match?.[1] === undefined || match[2] === undefined)
            continue;
        out.set(external_node_path_.relative(root, match[1]), match[2].trim());
    }
    return out;
}
/** What changed between two scans: files that became privileged, or differently so. Pure. */
function privilegedViolations(before, after) {
    const out = [];
    for (const [file, what] of [...after.files].sort(([a], [b]) => a.localeCompare(b))) {
        if (before.files.get(file) === what)
            continue;
        out.push({
            kind: 'privileged-file',
            path: file,
            rule: what,
            detail: `"${file}" was given ${what} during the run; a later step running it would get more privilege than its caller`,
        });
    }
    return out;
}
/** What a file's mode makes it: `setuid`, `setgid`, `setuid+setgid`, or `null` (neither). Pure. */
function setIdBits(mode) {
    const bits = [
        ...((mode & 0o4000) !== 0 ? ['setuid'] : []),
        ...((mode & 0o2000) !== 0 ? ['setgid'] : []),
    ];
    return bits.length > 0 ? bits.join('+') : null;
}
/**
 * Scans the workspace, the `.git` folder included: one `find` for setuid and setgid files (their
 * bits then read with `lstat`) and, at the same time, one `getcap -r`. Rejects when a listed
 * file's mode cannot be read.
 */
async function scanPrivilegedFiles(workspace) {
    const opts = { maxBuffer: 64 * 1024 * 1024, encoding: 'utf8' };
    const getcap = findProgram('getcap', `${process.env.PATH ?? ''}:/usr/sbin:/sbin`);
    const [found, caps] = await Promise.all([
        run('find', [
            workspace,
            '-xdev',
            '-type',
            'f',
            '(',
            '-perm',
            '-4000',
            '-o',
            '-perm',
            '-2000',
            ')',
            '-print0',
        ], opts),
        getcap === null ? null : run(getcap, ['-r', workspace], opts),
    ]);
    const files = new Map();
    for (const file of parseFindOutput(found.stdout, workspace)) {
        // Nothing runs in the workspace during a scan: a file find listed but lstat cannot read (a
        // path longer than PATH_MAX, which find walks and lstat refuses) fails the scan, never skips.
        const what = setIdBits((await (0,promises_namespaceObject.lstat)(external_node_path_.resolve(workspace, file))).mode);
        if (what !== null)
            files.set(file, what);
    }
    if (caps === null)
        return { files, capabilitiesChecked: false };
    for (const [file, what] of parseGetcap(caps.stdout, workspace))
        files.set(file, what);
    return { files, capabilitiesChecked: true };
}

;// CONCATENATED MODULE: ./build/lock/runner-files.js


/**
 * Files of the GitHub runner's own installation that hold secrets or secret-bearing logs:
 * `.credentials` and `.credentials_rsaparams` (the runner's registration and the RSA key it
 * authenticates to GitHub with), `.runner`, the runner's `.env` and `.path`, and `_diag` (the
 * runner's and worker's logs, with job messages). On a self-hosted runner they sit next to the
 * work folder, readable by the job's user; the agent must never read them.
 */
const RUNNER_PRIVATE_ENTRIES = [
    '.credentials',
    '.credentials_rsaparams',
    '.runner',
    '.env',
    '.path',
    '_diag',
];
/** The runner's processes: the action is started by the worker, which the listener starts. */
const RUNNER_PROCESSES = new Set(['Runner.Worker', 'Runner.Listener']);
/** The runner's installation folder for an executable path such as `<root>/bin/Runner.Worker`. Pure. */
function runnerRootOf(exe) {
    const bin = external_node_path_.dirname(exe);
    if (!RUNNER_PROCESSES.has(external_node_path_.basename(exe)) || external_node_path_.basename(bin) !== 'bin')
        return null;
    return external_node_path_.dirname(bin);
}
/** The paths under a runner root that the agent may not read or write. Pure. */
function runnerPrivatePaths(root) {
    return RUNNER_PRIVATE_ENTRIES.map((entry) => external_node_path_.join(root, entry));
}
/** The parent pid in the text of `/proc/<pid>/stat` (the field after the parenthesised name). Pure. */
function parentPidOf(stat) {
    const close = stat.lastIndexOf(')');
    if (close < 0)
        return null;
    const fields = stat.slice(close + 2).split(' ');
    const ppid = Number(fields[1]);
    return Number.isInteger(ppid) && ppid > 0 ? ppid : null;
}
/**
 * Finds the runner's installation by walking up from this process to the first ancestor whose
 * executable is `Runner.Worker` or `Runner.Listener`. Evidence, not configuration: an
 * environment variable could be set by the workflow. Returns null inside a job container (the
 * runner lives on the host) or when not started by a runner.
 */
function findRunnerRoot(procRoot = '/proc', start = process.ppid) {
    let pid = start;
    for (let depth = 0; pid !== null && pid > 1 && depth < 16; depth++) {
        try {
            const root = runnerRootOf((0,external_node_fs_.readlinkSync)(external_node_path_.join(procRoot, String(pid), 'exe')));
            if (root !== null)
                return root;
        }
        catch {
            // Not ours to read (another user's process) or gone: keep walking.
        }
        try {
            pid = parentPidOf((0,external_node_fs_.readFileSync)(external_node_path_.join(procRoot, String(pid), 'stat'), 'utf8'));
        }
        catch {
            return null;
        }
    }
    return null;
}

;// CONCATENATED MODULE: ./build/agent/sandbox-log.js
/**
 * A network request the CLI's sandbox proxy refused, as the CLI logs it to its debug file
 * (`--debug-file`, written by the CLI process itself into Airlock's private folder, which no
 * sandboxed command can write):
 * `2026-11-27T04:15:05.994Z [DEBUG] [sandbox] Blocked network request to evil.example (allowManagedDomainsOnly)`.
 */
const BLOCKED = /^\d{4}-\d\d-\d\dT[\d:.]+Z \[[A-Z]+\] \[sandbox\] Blocked network request to (\S{1,300}) \(([^)]{0,100})\)$/;
/** At most this many refusals are kept: an agent in a loop must not grow the report without end. */
const MAX_SANDBOX_DENIALS = 1000;
/**
 * The sandbox's network refusals in some lines of the CLI's debug log. Pure.
 *
 * A line the agent managed to get into the log could only add a refusal, never hide one, so a
 * forgery can fail the check (`fail-on: denial`) but never pass it.
 */
function sandboxDenials(lines, limit = MAX_SANDBOX_DENIALS) {
    const out = [];
    for (const line of lines) {
        if (out.length >= limit)
            break;
        const match = BLOCKED.exec(line);
        if (match === null)
            continue;
        out.push({
            source: 'sandbox',
            tool: 'Bash',
            target: match[1] ?? '',
            reason: `network request refused by the sandbox (${match[2] ?? ''})`,
        });
    }
    return out;
}

;// CONCATENATED MODULE: ./build/lock/managed-settings.js



/**
 * Plans the change: looks at what is there now. Call it, save the result in state, then
 * {@link installManagedSettings}.
 */
function planSettingsChange(privateDir, useSudo) {
    return {
        useSudo,
        createdDir: !(0,external_node_fs_.existsSync)(MANAGED_SETTINGS_DIR),
        backup: (0,external_node_fs_.existsSync)(MANAGED_SETTINGS_FILE)
            ? external_node_path_.join(privateDir, 'managed-settings.backup.json')
            : null,
        dropinMovedTo: (0,external_node_fs_.existsSync)(MANAGED_SETTINGS_DROPIN_DIR)
            ? `${MANAGED_SETTINGS_DROPIN_DIR}.airlock-moved-${external_node_path_.basename(privateDir)}`
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
    const staged = external_node_path_.join(privateDir, 'managed-settings.json');
    (0,external_node_fs_.writeFileSync)(staged, `${JSON.stringify(settings, null, 2)}\n`, { mode: 0o644 });
    fs.install(staged, MANAGED_SETTINGS_FILE, 0o644);
    const written = (0,external_node_fs_.readFileSync)(MANAGED_SETTINGS_FILE, 'utf8');
    if (written !== (0,external_node_fs_.readFileSync)(staged, 'utf8')) {
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
    if (change.backup !== null && (0,external_node_fs_.existsSync)(change.backup)) {
        attempt(`restore ${MANAGED_SETTINGS_FILE} from its backup`, () => {
            fs.copy(change.backup ?? '', MANAGED_SETTINGS_FILE);
        });
    }
    else if (change.backup === null) {
        attempt(`remove ${MANAGED_SETTINGS_FILE}`, () => {
            fs.remove(MANAGED_SETTINGS_FILE);
        });
    }
    if (change.dropinMovedTo !== null && (0,external_node_fs_.existsSync)(change.dropinMovedTo)) {
        attempt(`move ${MANAGED_SETTINGS_DROPIN_DIR} back`, () => {
            fs.move(change.dropinMovedTo ?? '', MANAGED_SETTINGS_DROPIN_DIR);
        });
    }
    if (change.createdDir)
        fs.removeEmptyDir(MANAGED_SETTINGS_DIR);
    return warnings;
}

;// CONCATENATED MODULE: ./build/restore/restore.js







/** Records the plan in action state (the post step reads it as `STATE_…`). */
function savePlan(plan) {
    saveState(contract_State.RestorePlan, JSON.stringify(plan));
}
/** The plan saved by `main`, or null when there is none (main never got that far). */
function loadPlan() {
    const raw = core.getState(State.RestorePlan);
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
        (0,external_node_fs_.rmSync)(plan.agentTmp, { recursive: true, force: true });
    }
    catch {
        warnings.push(`Could not remove the agent's temp folder ${plan.agentTmp}.`);
    }
    if (options.removePrivateDir && warnings.length === 0) {
        try {
            (0,external_node_fs_.rmSync)(plan.privateDir, { recursive: true, force: true });
        }
        catch {
            warnings.push(`Could not remove Airlock's private folder ${plan.privateDir}.`);
        }
    }
    return warnings;
}

;// CONCATENATED MODULE: ./build/pipeline/run.js



























/** Why the action refused to run the agent; the message is the one sentence the user reads. */
class Refusal extends Error {
    name = 'Refusal';
}
/** Records how long a stage took, counted from `since`. */
function timed(progress, stage, since) {
    progress.timings.push([stage, Date.now() - since]);
}
function outputDir() {
    const base = process.env.RUNNER_TEMP ?? external_node_os_namespaceObject.tmpdir();
    return (0,external_node_fs_.mkdtempSync)(external_node_path_.join(base, 'airlock-output-'));
}
/** Prints untrusted lines so the runner cannot take any of them as a workflow command. */
class Fence {
    #token = (0,external_node_crypto_.randomBytes)(24).toString('hex');
    open() {
        process.stdout.write(`::stop-commands::${this.#token}\n`);
    }
    close() {
        process.stdout.write(`::${this.#token}::\n`);
    }
}
/**
 * Runs the whole pipeline: guard, strip, lock, run, restore, audit, report. The only place that
 * fails the step. Whatever happens, the report is written and everything changed is put back.
 */
async function run_run() {
    const workspace = external_node_path_.resolve(process.env.GITHUB_WORKSPACE ?? process.cwd());
    const redactor = new secrets_Redactor();
    const progress = { config: null, stripped: [], denials: [], timings: [] };
    let outDir = null;
    onCancel(redactor);
    try {
        progress.config = readConfig(workspace);
        const config = progress.config;
        outDir = outputDir();
        for (const value of [config.modelCredential.value, config.githubToken]) {
            if (value !== '') {
                setSecret(value);
                redactor.add(value);
            }
        }
        await checkActor(config);
        const prepared = await prepare(config, progress, redactor);
        await runAndAudit(config, prepared, progress, redactor, outDir);
    }
    catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        progress.refusal = redactor.redact(error instanceof Refusal || error instanceof InputError || progress.agent === undefined
            ? message
            : `Airlock could not audit the agent's changes: ${message}`);
    }
    finally {
        const plan = activePlan;
        if (plan !== null) {
            const warnings = await restoreAll(plan, { removePrivateDir: true });
            for (const warning of warnings)
                actions_core_warning(redactor.redact(warning));
            if (warnings.length === 0)
                saveState(contract_State.Restored, 'true');
        }
    }
    const reportStart = Date.now();
    await run_report(progress, redactor, outDir);
    timed(progress, 'report', reportStart);
    info(`Timings: ${progress.timings.map(([stage, ms]) => `${stage} ${formatMs(ms)}`).join(' · ')}`);
}
/**
 * On comment- and review-triggered events, refuses (before anything is changed) an actor without
 * write access who is not in `allowed-actors`.
 */
async function checkActor(config) {
    if (!needsActorCheck(process.env.GITHUB_EVENT_NAME ?? ''))
        return;
    // Loaded only when needed: Octokit is most of what @actions/github weighs.
    const github = await __nccwpck_require__.e(/* import() */ 413).then(__nccwpck_require__.bind(__nccwpck_require__, 2413));
    const eventName = github.context.eventName;
    const actor = actorOf(github.context.payload);
    let permission = null;
    const listed = config.allowedActors.some((name) => name.toLowerCase() === actor?.login.toLowerCase());
    if (actor !== null && !listed && config.githubToken !== '') {
        try {
            const { owner, repo } = github.context.repo;
            const octokit = github.getOctokit(config.githubToken);
            const { data } = await octokit.rest.repos.getCollaboratorPermissionLevel({
                owner,
                repo,
                username: actor.login,
            });
            permission = data.role_name || data.permission;
        }
        catch {
            permission = null;
        }
    }
    const refusal = refuseActor({ eventName, actor, permission, allowedActors: config.allowedActors });
    if (refusal !== null)
        throw new Refusal(refusal);
    info(`Actor: ${actor?.login ?? '?'} may start the agent (${listed ? 'allowed-actors' : (permission ?? '?')}).`);
}
/** The plan of what to put back, once anything may have been changed (read by the cancel handler). */
let activePlan = null;
/**
 * On cancel the runner signals the step: end the agent and put everything back before exiting,
 * so the runner is restored even before the post step runs.
 */
function onCancel(redactor) {
    const handler = (signal) => {
        const plan = activePlan;
        actions_core_warning(`Airlock received ${signal}: stopping the agent and restoring the runner.`);
        const finish = () => process.exit(1);
        if (plan === null) {
            finish();
            return;
        }
        void restoreAll(plan, { removePrivateDir: true }).then((warnings) => {
            for (const warning of warnings)
                actions_core_warning(redactor.redact(warning));
            if (warnings.length === 0)
                saveState(contract_State.Restored, 'true');
            finish();
        }, finish);
    };
    process.once('SIGINT', handler);
    process.once('SIGTERM', handler);
}
/** Guard, strip and lock. Records each change in state before making it. */
async function prepare(config, progress, redactor) {
    // Guard
    let since = Date.now();
    const verdict = group('Guard: is this runner isolated?', () => {
        const result = decideIsolation(detectIsolation(readProbe()), config.isolation);
        for (const line of result.evidence)
            info(line);
        info(result.allowed
            ? `Runner: ${result.kind} (allowed by isolation: ${config.isolation})`
            : `Refused: ${result.reason ?? ''}`);
        return Promise.resolve(result);
    });
    progress.isolation = await verdict;
    timed(progress, 'guard', since);
    if (!progress.isolation.allowed)
        throw new Refusal(progress.isolation.reason ?? 'This runner is not isolated.');
    if (config.isolation === 'none')
        actions_core_warning('isolation: none — the isolation check was skipped; the agent may run on a shared machine.');
    // Strip
    since = Date.now();
    const environment = buildAgentEnvironment(process.env, {
        passEnv: config.passEnv,
        stripEnv: config.stripEnv,
    });
    progress.stripped = environment.stripped;
    for (const value of environment.strippedValues)
        redactor.add(value);
    // Masked in the log: what is or looks like a credential (paths and URLs the runner set are not).
    for (const name of environment.stripped) {
        const value = process.env[name] ?? '';
        const reason = environment.reasons[name];
        if (value.length >= 6 &&
            (reason === 'secret-value' || isCredentialName(name) || looksLikeSecret(value) !== null)) {
            setSecret(value);
        }
    }
    info(`Strip: ${describeEnvironment(environment)}`);
    const base = process.env.RUNNER_TEMP ?? external_node_os_namespaceObject.tmpdir();
    const privateDir = (0,external_node_fs_.mkdtempSync)(external_node_path_.join(base, 'airlock-'));
    (0,external_node_fs_.chmodSync)(privateDir, 0o700);
    const agentTmp = (0,external_node_fs_.mkdtempSync)(external_node_path_.join(external_node_os_namespaceObject.tmpdir(), 'airlock-agent-tmp-'));
    const plan = {
        privateDir,
        agentTmp,
        agentPid: null,
        settings: null,
        credentialsBackupDir: external_node_path_.join(privateDir, 'git-credentials'),
        credentials: null,
        sysctl: null,
    };
    savePlan(plan);
    activePlan = plan;
    const home = process.env.HOME ?? external_node_os_namespaceObject.homedir();
    plan.credentials = await neutralizeGitCredentials(config.workspace, plan.credentialsBackupDir ?? '', {
        home,
        ...(process.env.RUNNER_TEMP !== undefined ? { runnerTemp: process.env.RUNNER_TEMP } : {}),
    });
    savePlan(plan);
    info(plan.credentials.removed.length > 0
        ? `Strip: git credentials taken away for the run: ${plan.credentials.removed.join('; ')}`
        : 'Strip: no persisted git credentials found');
    timed(progress, 'strip', since);
    // The snapshot's first git process, started now so that it runs beside the lock: nothing the
    // lock does moves HEAD or the repository.
    const located = locateRepository(config.workspace);
    located.catch(() => undefined); // awaited by the snapshot; a refusal before it leaves it be
    since = Date.now();
    progress.lock = {
        sandbox: 'off',
        allowedDomains: [...config.allowedDomains],
        denyRules: 0,
        hookVerified: false,
    };
    const lock = await group('Lock: managed settings, sandbox, policy hook', () => Promise.resolve(installLock(config, plan, environment.env)));
    progress.lock = {
        sandbox: lock.settings.sandbox.enabled
            ? lock.settings.sandbox.enableWeakerNestedSandbox === true
                ? 'weaker-nested'
                : 'on'
            : 'off',
        allowedDomains: [...config.allowedDomains],
        denyRules: lock.denyRules.length,
        hookVerified: false,
    };
    timed(progress, 'lock', since);
    return { plan, environment, lock, located };
}
function hookScriptPath() {
    // dist/main/index.js → dist/hook/index.js
    return external_node_path_.resolve(external_node_path_.dirname(process.argv[1] ?? '.'), '..', 'hook', 'index.js');
}
/** Decides the sandbox, builds and validates the lock, writes it as managed settings. */
function installLock(config, plan, agentEnv) {
    let full = config.sandbox === 'off' ? null : probeSandbox(false);
    if (full !== null &&
        !full.ok &&
        full.apparmorRestrictsUserns &&
        !isRoot() &&
        hasPasswordlessSudo()) {
        // GitHub-hosted Ubuntu 24.04: AppArmor forbids the user namespaces bubblewrap needs. The VM is
        // the job's own and the runner has passwordless sudo: lift it for the run, put it back after.
        plan.sysctl = { key: APPARMOR_USERNS_SYSCTL, value: '1', useSudo: true };
        savePlan(plan);
        setSysctl(APPARMOR_USERNS_SYSCTL, '0', true);
        info(`Sandbox: AppArmor forbade the user namespaces the sandbox needs; set ${APPARMOR_USERNS_SYSCTL}=0 with sudo for this run (it is put back afterwards).`);
        full = probeSandbox(false);
    }
    const weaker = config.sandbox === 'best-effort' && full?.ok !== true ? probeSandbox(true) : null;
    const sandbox = decideSandbox(config.sandbox, full, weaker);
    for (const warning of sandbox.warnings)
        actions_core_warning(warning);
    if (sandbox.refusal !== null)
        throw new Refusal(sandbox.refusal);
    info(`Sandbox: ${sandbox.setting}`);
    const fs = privilegedFs();
    if (fs === null) {
        throw new Refusal('Airlock cannot write /etc/claude-code (not root and no passwordless sudo); run the job as root, in a container, or on a runner with passwordless sudo.');
    }
    const home = agentEnv.HOME ?? external_node_os_namespaceObject.homedir();
    const secretFiles = [
        process.env.GOOGLE_APPLICATION_CREDENTIALS,
        process.env.AWS_SHARED_CREDENTIALS_FILE,
        process.env.KUBECONFIG,
    ].filter((p) => typeof p === 'string' && p.startsWith('/'));
    const runnerFiles = [
        'GITHUB_ENV',
        'GITHUB_PATH',
        'GITHUB_OUTPUT',
        'GITHUB_STATE',
        'GITHUB_STEP_SUMMARY',
        'GITHUB_EVENT_PATH',
    ]
        .map((name) => process.env[name])
        .filter((p) => typeof p === 'string' && p.startsWith('/'));
    const runnerRoot = findRunnerRoot();
    if (runnerRoot !== null) {
        runnerFiles.push(...runnerPrivatePaths(runnerRoot));
        info(`Lock: the runner's installation at ${runnerRoot} has its credentials and _diag logs denied to the agent`);
    }
    const nonce = (0,external_node_crypto_.randomBytes)(24).toString('hex');
    let bwrapPath;
    const bwrap = findProgram('bwrap');
    if (isRoot() && sandbox.setting !== 'off' && bwrap !== null) {
        bwrapPath = external_node_path_.join(plan.privateDir, 'bwrap-cap-drop');
        (0,external_node_fs_.writeFileSync)(bwrapPath, capDropWrapper(bwrap), { mode: 0o755 });
        info('Sandbox: running as root, so sandboxed commands get no capabilities (bwrap --cap-drop ALL).');
    }
    // The hook compares real paths (symlinks resolved), so every place it guards is given as one.
    const real = realpathLoose;
    const runnerTemp = process.env.RUNNER_TEMP;
    const lock = buildLock({ ...config, allowWrite: config.allowWrite.map(real) }, {
        workspace: real(config.workspace),
        home: real(home),
        runnerTemp: runnerTemp !== undefined ? real(runnerTemp) : null,
        privateDir: real(plan.privateDir),
        agentTmp: real(plan.agentTmp),
        secretFiles: [...new Set([...secretFiles, ...secretFiles.map(real)])],
        runnerFiles: [...new Set([...runnerFiles, ...runnerFiles.map(real)])],
        node: process.execPath,
        hookScript: hookScriptPath(),
    }, { nonce, sandbox: sandbox.setting, ...(bwrapPath !== undefined ? { bwrapPath } : {}) });
    const problems = validateManagedSettings(lock.settings);
    if (problems.length > 0) {
        throw new Refusal(`The lock failed validation (${problems.slice(0, 3).join('; ')}); this is a bug in Airlock, please report it.`);
    }
    (0,external_node_fs_.writeFileSync)(external_node_path_.join(plan.privateDir, 'policy.json'), JSON.stringify(lock.hookPolicy), {
        mode: 0o600,
    });
    plan.settings = planSettingsChange(plan.privateDir, fs.viaSudo);
    savePlan(plan);
    installManagedSettings(plan.settings, lock.settings, plan.privateDir, fs);
    info(`Lock: ${lock.denyRules.length} deny rules, tools ${lock.tools.join(', ')}, allowed domains: ${config.allowedDomains.join(', ') || 'none'}`);
    return lock;
}
/** The CLI's debug log, in the private folder: the only record of the sandbox's network refusals. */
function cliDebugLog(plan) {
    return external_node_path_.join(plan.privateDir, 'cli-debug.log');
}
function cliArgs(config, lock, debugLog) {
    return [
        '-p',
        '--dangerously-skip-permissions',
        '--setting-sources',
        '',
        '--strict-mcp-config',
        '--output-format',
        'stream-json',
        '--verbose',
        '--tools',
        lock.tools.join(','),
        ...(config.maxTurns !== null ? ['--max-turns', String(config.maxTurns)] : []),
        ...(config.model !== null ? ['--model', config.model] : []),
        '--debug-file',
        debugLog,
        ...config.claudeArgs,
    ];
}
function cliEnv(config, plan, agentEnv) {
    const configDir = external_node_path_.join(plan.privateDir, 'claude-config');
    (0,external_node_fs_.mkdirSync)(configDir, { recursive: true, mode: 0o700 });
    return {
        ...agentEnv,
        [config.modelCredential.name]: config.modelCredential.value,
        ...(config.anthropicBaseUrl !== null ? { ANTHROPIC_BASE_URL: config.anthropicBaseUrl } : {}),
        // The guard passed: the CLI may run skip-permissions as root (it refuses otherwise).
        IS_SANDBOX: '1',
        TMPDIR: plan.agentTmp,
        CLAUDE_CODE_TMPDIR: plan.agentTmp,
        CLAUDE_CONFIG_DIR: configDir,
        DISABLE_AUTOUPDATER: '1',
        DISABLE_TELEMETRY: '1',
        DISABLE_ERROR_REPORTING: '1',
        CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: '1',
        CLAUDE_CODE_MAX_RETRIES: process.env.AIRLOCK_MODEL_MAX_RETRIES ?? '4',
    };
}
async function runAndAudit(config, { plan, environment, lock, located }, progress, redactor, outDir) {
    let since = Date.now();
    const snapshotDir = external_node_path_.join(plan.privateDir, 'snapshot');
    (0,external_node_fs_.mkdirSync)(snapshotDir, { recursive: true });
    const baseline = await snapshotWorktree(config.workspace, snapshotDir, located);
    // As root the agent keeps CAP_SETFCAP, and git records neither file capabilities nor setuid
    // bits: note which files are privileged now, to flag any the agent makes so.
    const privilegedBefore = isRoot() ? await scanPrivilegedFiles(config.workspace) : null;
    if (privilegedBefore?.capabilitiesChecked === false) {
        actions_core_warning('File capabilities in the workspace will not be checked after the run: getcap is not installed (Debian/Ubuntu: apt-get install -y libcap2-bin).');
    }
    timed(progress, 'baseline snapshot', since);
    since = Date.now();
    const claude = await resolveClaude({
        version: config.claudeVersion,
        claudePath: config.claudePath,
        toolCache: process.env.RUNNER_TOOL_CACHE ?? external_node_path_.join(external_node_os_namespaceObject.homedir(), '.cache'),
        env: process.env,
        log: info,
        warn: actions_core_warning,
    });
    timed(progress, 'CLI', since);
    since = Date.now();
    const transcriptFile = external_node_path_.join(outDir, 'transcript.jsonl');
    const transcript = [];
    const fence = new Fence();
    startGroup('Run: the agent (its output cannot issue workflow commands)');
    fence.open();
    let exit;
    try {
        exit = await runAgent({
            claudePath: claude,
            args: cliArgs(config, lock, cliDebugLog(plan)),
            prompt: config.prompt,
            cwd: config.workspace,
            env: cliEnv(config, plan, environment.env),
            timeoutMs: config.timeoutMinutes * 60_000,
            proof: {
                sessionFile: lock.hookPolicy.sessionFile,
                nonce: lock.hookPolicy.nonce,
                logFile: lock.hookPolicy.logFile,
                tools: lock.tools,
                settingsFile: MANAGED_SETTINGS_FILE,
                settingsText: (0,external_node_fs_.readFileSync)(external_node_path_.join(plan.privateDir, 'managed-settings.json'), 'utf8'),
            },
            onSpawn: (pid) => {
                plan.agentPid = pid;
                savePlan(plan);
            },
            onLine: (line) => {
                process.stdout.write(`${redactor.redact(line)}\n`);
            },
            onRawLine: (line) => {
                transcript.push(redactor.redact(line));
            },
        });
    }
    finally {
        fence.close();
        endGroup();
    }
    timed(progress, 'agent', since);
    since = Date.now();
    // The agent and everything it started are gone: put the runner back before anything else.
    const hookLog = readHookLog(lock.hookPolicy.logFile, redactor);
    const warnings = await restoreAll(plan, { removePrivateDir: false });
    for (const warning of warnings)
        actions_core_warning(redactor.redact(warning));
    plan.agentPid = null;
    plan.settings = null;
    plan.credentials = null;
    plan.credentialsBackupDir = null;
    plan.sysctl = null;
    savePlan(plan);
    info('Restore: managed settings and git credentials are back as they were.');
    timed(progress, 'restore', since);
    progress.lock = {
        ...(progress.lock ?? { sandbox: 'off', allowedDomains: [], denyRules: 0 }),
        hookVerified: exit.lockBroken === null && hookLog.sessionStarted,
    };
    progress.agent = agentRun(exit, redactor);
    // A call the hook refused is also in the CLI's permission_denials: report it once, as the hook's.
    const byHook = new Set(hookLog.denials.map((d) => d.toolUseId));
    progress.denials = [
        ...exit.stream.denials
            .filter((d) => d.toolUseId === undefined || !byHook.has(d.toolUseId))
            .map((d) => ({ ...d, target: redactor.redact(d.target) })),
        ...hookLog.denials,
        ...(await readSandboxDenials(cliDebugLog(plan))).map((d) => ({
            ...d,
            target: redactor.redact(d.target),
        })),
    ];
    for (const line of transcript)
        (0,external_node_fs_.writeFileSync)(transcriptFile, `${line}\n`, { flag: 'a' });
    for (const entry of hookLog.entries)
        (0,external_node_fs_.writeFileSync)(transcriptFile, `${entry}\n`, { flag: 'a' });
    for (const denial of progress.denials.filter((d) => d.source === 'sandbox')) {
        const line = JSON.stringify({
            event: 'sandbox-refusal',
            target: denial.target,
            reason: denial.reason,
        });
        (0,external_node_fs_.writeFileSync)(transcriptFile, `${line}\n`, { flag: 'a' });
    }
    setOutput(Outputs.TranscriptFile, transcriptFile);
    if (exit.lockBroken !== null) {
        const said = exit.stderrTail.trim().split('\n').at(-1)?.slice(0, 200) ?? '';
        progress.refusal = redactor.redact(`The agent was stopped: ${exit.lockBroken}${said !== '' && exit.stream.init === null ? ` (the CLI said: ${said})` : ''}.`);
    }
    else if (exit.timedOut) {
        progress.agentFailure = `The agent did not finish within timeout-minutes (${config.timeoutMinutes}) and was stopped.`;
    }
    else if (exit.exitCode !== 0 || exit.stream.result?.isError === true) {
        progress.agentFailure = agentFailureReason(exit, redactor);
    }
    // Audit
    since = Date.now();
    const auditDir = external_node_path_.join(plan.privateDir, 'audit');
    (0,external_node_fs_.mkdirSync)(auditDir, { recursive: true });
    const secretsScan = secretScanner(environment.strippedValues.concat(config.modelCredential.value, config.githubToken));
    const patchFile = external_node_path_.join(outDir, 'agent.patch');
    progress.audit = await group('Audit: what the agent changed', async () => {
        const record = await collectChanges(config.workspace, auditDir, baseline, {
            protectedPaths: resolveProtectedPaths(config.protectedPaths),
            workspace: config.workspace,
            scanAdded: secretsScan,
            patchFile,
        });
        if (privilegedBefore !== null) {
            const after = await scanPrivilegedFiles(config.workspace);
            record.violations.push(...privilegedViolations(privilegedBefore, after));
        }
        info(`Audit: ${count(record.files.length, 'file')} changed, ${count(record.commits.length, 'commit')}, ${count(record.violations.length, 'violation')}`);
        return record;
    });
    setOutput(Outputs.PatchFile, patchFile);
    const commits = progress.audit.commits.map((c) => ({
        sha: c.sha,
        subject: redactor.redact(c.subject),
    }));
    (0,external_node_fs_.writeFileSync)(transcriptFile, `${JSON.stringify({ type: 'airlock/commits', commits })}\n`, {
        flag: 'a',
    });
    timed(progress, 'audit', since);
}
function formatMs(ms) {
    return ms < 1000 ? `${ms} ms` : `${(ms / 1000).toFixed(1)} s`;
}
function count(n, noun) {
    return `${n} ${noun}${n === 1 ? '' : 's'}`;
}
function agentFailureReason(exit, redactor) {
    const result = exit.stream.result;
    if (result?.subtype === 'error_max_turns')
        return 'The agent reached max-turns before finishing.';
    if (result?.apiErrorStatus !== null && result?.apiErrorStatus !== undefined) {
        return `The model API answered ${result.apiErrorStatus}; check anthropic-api-key and anthropic-base-url.`;
    }
    const detail = result?.text ?? exit.stream.otherLines.at(-1) ?? exit.stderrTail.trim().split('\n').at(-1) ?? '';
    return redactor.redact(`The CLI exited with ${exit.exitCode === null ? `signal ${exit.signal ?? '?'}` : `code ${exit.exitCode}`}${detail !== '' ? `: ${detail.slice(0, 300)}` : ''}.`);
}
function agentRun(exit, redactor) {
    const result = exit.stream.result;
    return {
        exitCode: exit.exitCode,
        signal: exit.signal,
        timedOut: exit.timedOut,
        ...(exit.lockBroken !== null ? { killedReason: exit.lockBroken } : {}),
        ...(result !== null ? { subtype: result.subtype, isError: result.isError } : {}),
        ...(result?.numTurns !== null && result?.numTurns !== undefined
            ? { numTurns: result.numTurns }
            : {}),
        ...(result?.costUsd !== null && result?.costUsd !== undefined
            ? { costUsd: result.costUsd }
            : {}),
        durationMs: exit.durationMs,
        ...(result?.text !== null && result?.text !== undefined
            ? { result: redactor.redact(result.text) }
            : {}),
        denials: exit.stream.denials,
    };
}
/** The sandbox's network refusals from the CLI's debug log, read as a stream (it can be long). */
async function readSandboxDenials(file) {
    if (!(0,external_node_fs_.existsSync)(file))
        return [];
    const lines = (0,external_node_readline_namespaceObject.createInterface)({ input: (0,external_node_fs_.createReadStream)(file, 'utf8'), crlfDelay: Infinity });
    const matching = [];
    for await (const line of lines) {
        if (line.includes('[sandbox] Blocked network request'))
            matching.push(line);
        if (matching.length >= MAX_SANDBOX_DENIALS)
            break;
    }
    lines.close();
    return sandboxDenials(matching);
}
function readHookLog(file, redactor) {
    let text;
    try {
        text = (0,external_node_fs_.readFileSync)(file, 'utf8');
    }
    catch {
        return { sessionStarted: false, denials: [], entries: [] };
    }
    const log = { sessionStarted: false, denials: [], entries: [] };
    for (const line of text.split('\n')) {
        if (line.trim() === '')
            continue;
        const redacted = redactor.redact(line);
        log.entries.push(redacted);
        try {
            const entry = JSON.parse(redacted);
            if (entry.event === 'session-start')
                log.sessionStarted = true;
            if (entry.event === 'pre-tool-use' && entry.allow === false) {
                log.denials.push({
                    source: 'hook',
                    ...(typeof entry.toolUseId === 'string' ? { toolUseId: entry.toolUseId } : {}),
                    tool: entry.tool ?? '?',
                    target: entry.target ?? '',
                    reason: entry.reason ?? '',
                });
            }
        }
        catch {
            // A line that is not JSON is kept in the transcript only.
        }
    }
    return log;
}
/** Renders and posts the report, sets every output, fails the step when the policy says so. */
async function run_report(progress, redactor, outDir) {
    // Loaded here, after the agent, not at start-up: the report's number formatting alone (ICU)
    // took 50 ms or more to set up.
    const { conclusionFor, renderReport, reportRecord, summaryLine, SUMMARY_LIMIT } = await __nccwpck_require__.e(/* import() */ 177).then(__nccwpck_require__.bind(__nccwpck_require__, 7177));
    const { findPullRequestNumber, matrixKey, stickyMarker, upsertStickyComment } = await __nccwpck_require__.e(/* import() */ 0).then(__nccwpck_require__.bind(__nccwpck_require__, 3000));
    const config = progress.config;
    const failOn = config?.failOn ?? 'violation';
    const violations = progress.audit?.violations ?? [];
    const verdict = conclusionFor({
        refused: progress.refusal !== undefined,
        agentFailed: progress.agentFailure !== undefined,
        violations: violations.length,
        denials: progress.denials.length,
        failOn,
    });
    const conclusion = verdict.conclusion;
    const reason = progress.refusal ?? progress.agentFailure;
    const marker = stickyMarker(process.env.GITHUB_WORKFLOW ?? 'workflow', process.env.GITHUB_JOB ?? 'job', matrixKey(config?.matrix ?? ''));
    const serverUrl = process.env.GITHUB_SERVER_URL ?? 'https://github.com';
    const runUrl = process.env.GITHUB_REPOSITORY !== undefined && process.env.GITHUB_RUN_ID !== undefined
        ? `${serverUrl}/${process.env.GITHUB_REPOSITORY}/actions/runs/${process.env.GITHUB_RUN_ID}`
        : undefined;
    const input = {
        conclusion,
        ...(reason !== undefined ? { reason } : {}),
        failOn,
        ...(progress.isolation !== undefined ? { isolation: progress.isolation } : {}),
        stripped: progress.stripped,
        ...(progress.lock !== undefined ? { lock: progress.lock } : {}),
        ...(progress.agent !== undefined ? { agent: progress.agent } : {}),
        ...(progress.audit !== undefined ? { audit: progress.audit } : {}),
        denials: progress.denials,
        ...(runUrl !== undefined ? { runUrl } : {}),
        marker,
        transcriptNote: 'The whole session (tool calls, results, policy decisions, commits), redacted, is in the transcript-file output; upload it with actions/upload-artifact to keep it.',
    };
    const body = redactor.redact(renderReport(input));
    info(redactor.redact(summaryLine(input)));
    let commentUrl = '';
    try {
        await appendSummary(redactor.redact(renderReport(input, { limit: SUMMARY_LIMIT })));
    }
    catch (error) {
        actions_core_warning(`Could not write the job summary: ${error instanceof Error ? error.message : 'unknown error'}`);
    }
    const changed = (progress.audit?.files.length ?? 0) > 0;
    if (config !== null && config.comment !== 'never' && config.githubToken !== '') {
        try {
            // Loaded only here, after the agent: Octokit is most of what @actions/github weighs.
            const github = await __nccwpck_require__.e(/* import() */ 413).then(__nccwpck_require__.bind(__nccwpck_require__, 2413));
            const prNumber = findPullRequestNumber(github.context.eventName, github.context.payload);
            const wantComment = prNumber !== null && (config.comment === 'always' || changed || conclusion !== 'success');
            if (wantComment) {
                const octokit = github.getOctokit(config.githubToken);
                const { owner, repo } = github.context.repo;
                const result = await upsertStickyComment(octokit, { owner, repo, issueNumber: prNumber, marker, body }, { log: { info: info, warning: actions_core_warning } });
                if (result.warning !== undefined)
                    actions_core_warning(redactor.redact(result.warning));
                commentUrl = result.url ?? '';
            }
        }
        catch (error) {
            actions_core_warning(redactor.redact(`Could not post the PR comment: ${error instanceof Error ? error.message : 'unknown error'}`));
        }
    }
    for (const violation of violations) {
        error(redactor.redact(violation.detail), {
            title: `Airlock: ${violation.kind}`,
            ...(violation.path !== undefined ? { file: violation.path } : {}),
            ...(violation.line !== undefined ? { startLine: violation.line } : {}),
        });
    }
    const record = reportRecord(input);
    if (outDir !== null) {
        const reportFile = external_node_path_.join(outDir, 'report.json');
        (0,external_node_fs_.writeFileSync)(reportFile, `${redactor.redact(JSON.stringify(record, null, 2))}\n`);
        setOutput(Outputs.ReportFile, reportFile);
    }
    setOutput(Outputs.Conclusion, conclusion);
    setOutput(Outputs.ExitCode, progress.agent?.exitCode ?? '');
    setOutput(Outputs.ChangedFiles, redactor.redact(JSON.stringify(progress.audit?.files ?? [])));
    setOutput(Outputs.Violations, redactor.redact(JSON.stringify(violations)));
    setOutput(Outputs.StrippedEnv, JSON.stringify(progress.stripped));
    setOutput(Outputs.PermissionDenials, String(progress.denials.length));
    setOutput(Outputs.CommentUrl, commentUrl);
    setOutput(Outputs.Result, progress.agent?.result ?? '');
    setOutput(Outputs.CostUsd, progress.agent?.costUsd !== undefined ? String(progress.agent.costUsd) : '');
    setOutput(Outputs.Turns, progress.agent?.numTurns !== undefined ? String(progress.agent.numTurns) : '');
    if (verdict.fail) {
        setFailed(redactor.redact(failureSentence(conclusion, reason, violations.length, progress.denials.length)));
    }
}
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

;// CONCATENATED MODULE: ./build/bin/main.js


run_run().catch((error) => {
    setFailed(`Airlock failed unexpectedly: ${error instanceof Error ? error.message : String(error)}`);
});

