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

/** Which text an allowlist's regexes are tested against. */
export type AllowlistTarget = 'secret' | 'match' | 'line'

/** Conditions under which a match is *not* reported (any one of them is enough). */
export interface SecretAllowlist {
  /** What `regexes` are tested against: the secret (default), the whole match, or its line. */
  readonly target?: AllowlistTarget
  readonly regexes?: readonly RegExp[]
  /** Lower-case words; a secret containing one of them is not reported. */
  readonly stopwords?: readonly string[]
}

/** One kind of credential. */
export interface SecretRule {
  /** gitleaks' rule id (reported in findings and in `[REDACTED:<id>]` labels). */
  readonly id: string
  readonly description: string
  /**
   * Matches one occurrence. The secret is the first non-empty capture group, or the whole match
   * when there is none. Flags other than `i` are not used: the scanner adds its own.
   */
  readonly regex: RegExp
  /** Lower-case strings; the rule only runs on text that contains at least one of them. */
  readonly keywords?: readonly string[]
  /**
   * Case-sensitive literals one of which every match of `regex` contains: the
   * scanner skips the rule on a text without any of them. Each also contains, lower-cased, one of
   * `keywords`, so skipping on these is never skipping a text gitleaks' keyword check would let
   * through to a match. With neither this nor `caselessTriggers`, the rule runs on every text, and
   * must then be a rule whose every match contains one of `keywords` in some letter case (so that
   * it finds nothing where the keyword check would have stopped it).
   */
  readonly triggers?: readonly string[]
  /**
   * Like `triggers`, in any ASCII letter case: every match contains one of them spelled with
   * upper- or lower-case letters (and, lower-cased, one of `keywords`).
   */
  readonly caselessTriggers?: readonly string[]
  /** The secret is reported only if its Shannon entropy (bits per character) is above this. */
  readonly entropy?: number
  readonly allowlists?: readonly SecretAllowlist[]
  /**
   * For rules whose gitleaks pattern starts with `[\w.-]{0,N}?`: that N. The scanner prepends up to
   * N such characters to the match before testing `match` allowlists, as gitleaks' match would hold.
   */
  readonly identifierPrefix?: number
  /**
   * A catch-all rule: where its match overlaps a specific rule's match, only the specific one is
   * reported.
   */
  readonly generic?: boolean
}

/** gitleaks' global allowlist: applies to the secret of every rule. */
export const GLOBAL_ALLOWLIST: SecretAllowlist = {
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
}

/** The end of a token in gitleaks' older generated rules: a quote, space, `;`, `\n`/`\r`, or the end. */
const END = String.raw`(?:[\x60'"\s;]|\\[nr]|$)`
/** The same in gitleaks' current generator (`secretSuffix`). */
const END_V2 = String.raw`(?:['"\x60\s;\\<,)]|$)`

/** A case-insensitive spelling of a lower-case word, for regexes that cannot use the `i` flag. */
function caseless(word: string): string {
  return word.replace(/[a-z]/g, (c) => `[${c}${c.toUpperCase()}]`)
}

/**
 * gitleaks' `generic-api-key`: a credential-like identifier, an assignment operator, then a value.
 * Case-insensitive except `api`, which must be `api`, `Api` or `API` (so `rApId` does not count).
 */
const GENERIC_API_KEY = new RegExp(
  '(?:' +
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
    String.raw`(?:[ \t\w.-]{0,20})[\s'"]{0,3}(?:=|>|:{1,3}=|\|\||:|=>|\?=|,)[\x60'"\s=]{0,5}` +
    String.raw`([\w.=-]{10,150}|[a-zA-Z0-9][a-zA-Z0-9+/]{11,}={0,3})(?:[\x60'"\s;]|\\[nrNR]|$)`,
)

/**
 * gitleaks' stopwords for `generic-api-key`: a "secret" containing one of these is ordinary code or
 * prose (`password = get_password_from_config`), not a credential.
 */
const GENERIC_STOPWORDS: readonly string[] = `
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
  .split(/\s+/)

/**
 * The extra rules, most specific first. Order matters only among rules whose matches overlap.
 */
export const SECRET_RULES: readonly SecretRule[] = [
  {
    // Extra: The library has no PyPI rule.
    id: 'pypi-upload-token',
    description:
      'Discovered a PyPI upload token, potentially compromising Python package distribution and repository integrity.',
    regex: /pypi-AgEIcHlwaS5vcmc[\w-]{50,1000}/,
    keywords: ['pypi-ageichlwas5vcmc'],
    // The regex starts with this literal (no `i` flag).
    triggers: ['pypi-AgEIcHlwaS5vcmc'],
    entropy: 3,
  },
  {
    // Extra: The library's Anthropic rule knows `sk-ant-api0N-` keys only, not admin keys.
    id: 'anthropic-admin-api-key',
    description:
      'Detected an Anthropic Admin API Key, risking unauthorized access to administrative functions and sensitive AI model configurations.',
    regex: new RegExp(String.raw`\b(sk-ant-admin01-[a-zA-Z0-9_\-]{93}AA)` + END),
    keywords: ['sk-ant-admin01'],
    // The regex's group starts with this literal (no `i` flag).
    triggers: ['sk-ant-admin01-'],
  },
  {
    // Extra: The library has no rule for Claude OAuth tokens (`claude-code-oauth-token`, Airlock's own input).
    id: 'anthropic-oauth-token',
    description:
      "Found an Anthropic OAuth access token (sk-ant-oat01-), which is tied to a Claude.ai Pro/Max subscription and can be used to act on the account's behalf.",
    regex: new RegExp(String.raw`\b(sk-ant-oat01-[a-zA-Z0-9_\-]{40,})` + END_V2),
    keywords: ['sk-ant-oat01'],
    // The regex's group starts with this literal (no `i` flag).
    triggers: ['sk-ant-oat01-'],
  },
  {
    // Extra: The library has no rule for Claude OAuth refresh tokens.
    id: 'anthropic-oauth-refresh-token',
    description:
      'Uncovered an Anthropic OAuth refresh token (sk-ant-ort01-), which can mint new access tokens and allow prolonged unauthorized access to a Claude.ai account.',
    regex: new RegExp(String.raw`\b(sk-ant-ort01-[a-zA-Z0-9_\-]{40,})` + END_V2),
    keywords: ['sk-ant-ort01'],
    // The regex's group starts with this literal (no `i` flag).
    triggers: ['sk-ant-ort01-'],
  },
  {
    // Extra: The library has no rule for Google API keys (`AIza…`), only for service-account key files.
    id: 'gcp-api-key',
    description:
      'Uncovered a GCP API key, which could lead to unauthorized access to Google Cloud services and data breaches.',
    regex: new RegExp(String.raw`\b(AIza[\w-]{35})` + END),
    keywords: ['aiza'],
    // The regex's group starts with this literal (no `i` flag).
    triggers: ['AIza'],
    entropy: 4,
  },
  {
    // Extra: The library has no Azure rule; Entra ID (Azure AD) client secrets have a fixed shape.
    id: 'azure-ad-client-secret',
    description:
      'Azure AD Client Secret detected, posing a risk of unauthorized access to Azure resources and sensitive data.',
    regex: new RegExp(
      String.raw`(?:^|[\\'"\x60\s>=:(,)])([a-zA-Z0-9_~.]{3}\dQ~[a-zA-Z0-9_~.-]{31,34})(?:$|[\\'"\x60\s<),])`,
    ),
    keywords: ['q~'],
    // The group holds `\dQ~` (no `i` flag).
    triggers: ['Q~'],
    entropy: 3,
  },
  {
    // Extra: The library has no JWT rule; OIDC and session tokens are JWTs.
    id: 'jwt',
    description:
      'Uncovered a JSON Web Token, which may lead to unauthorized access to web applications and sensitive user data.',
    regex: new RegExp(
      String.raw`\b(ey[a-zA-Z0-9]{17,}\.ey[a-zA-Z0-9\/\\_-]{17,}\.(?:[a-zA-Z0-9\/\\_-]{10,}={0,2})?)` +
        END,
    ),
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
    description:
      'Detected a Generic API Key, potentially exposing access to various services and sensitive operations.',
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
          new RegExp(
            '(?:' +
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
                String.raw`(?:io\.jsonwebtoken[ \t]?:[ \t]?[\w-]+)`,
                '(?:api|credentials|token)[_.-]?(?:endpoint|ur[il])',
                'public[_.-]?token',
                '(?:key|token)[_.-]?file',
              ].join('|') +
              ')',
            'i',
          ),
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
]
