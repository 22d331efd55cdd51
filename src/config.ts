import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parse as parseDotenv } from 'dotenv';
import { type CountryCode, isSupportedCountry } from 'libphonenumber-js';
import { z } from 'zod';

/** Log levels accepted in `LOG_LEVEL`. */
export const LOG_LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/** Hoiio's own host for fax and recording URLs (pre-signed S3 URLs). */
export const DEFAULT_HOIIO_MEDIA_HOSTS: readonly string[] = ['hoiio.s3.amazonaws.com'];
export const DEFAULT_HOIIO_API_URL = 'https://secure.hoiio.com/open/';
export const DEFAULT_SLACK_API_URL = 'https://slack.com/api/';

/** Live Hoiio credentials, or sandbox mode (the built-in Hoiio sandbox) when none are given. */
export type HoiioConfig =
  | { readonly mode: 'live'; readonly appId: string; readonly accessToken: string; readonly apiUrl: string }
  | { readonly mode: 'sandbox' };

export interface Config {
  readonly slackBotToken: string;
  /** Undefined only in Socket Mode. */
  readonly slackSigningSecret: string | undefined;
  readonly slackAppToken: string | undefined;
  readonly socketMode: boolean;
  /** Always ends with `/`. */
  readonly slackApiUrl: string;
  readonly hoiio: HoiioConfig;
  readonly sandboxMode: boolean;
  /** Undefined: generated on first start and kept in the database. */
  readonly hoiioWebhookToken: string | undefined;
  /**
   * `HOIIO_WEBHOOK_TOKEN_PREVIOUS`: during a token rotation, the old token, still accepted (never handed out) until
   * every forwarding URL and pending `notify_url` uses the new one.
   */
  readonly hoiioWebhookTokenPrevious: string | undefined;
  /**
   * Normalised entries of `HOIIO_MEDIA_HOSTS`: `host`, `*.host` (https only) or `http://host:port` (exactly that
   * origin). `parseMediaHosts(entries.join(','))` in src/bot/media reads them. In sandbox mode the built-in
   * sandbox's origin (that of PUBLIC_URL) is included.
   */
  readonly hoiioMediaHosts: readonly string[];
  /** Without trailing `/`. */
  readonly publicUrl: string;
  readonly databaseUrl: string | undefined;
  /** Absolute path. */
  readonly dataDir: string;
  readonly port: number;
  readonly host: string;
  readonly defaultChannel: string | undefined;
  readonly adminUserIds: readonly string[];
  readonly defaultCountry: CountryCode;
  readonly logLevel: LogLevel;
  /** Timing knobs (JOB_POLL_MS, JOB_LEASE_MS, JOB_BACKOFF_BASE_MS, JOB_BACKOFF_CAP_MS, SLACK_CHANNEL_INTERVAL_MS). */
  readonly tuning: Tuning;
  /** Every secret value (tokens, signing secret, database password), for log redaction. */
  secrets(): string[];
}

/**
 * Timing knobs, for operations and for fault tests that compress time (a killed process's job lease, a backoff cap
 * of a second instead of five minutes). Undefined → the built-in default of the component.
 */
export interface Tuning {
  /** Job worker poll interval in ms (default 1000). */
  readonly jobPollMs: number | undefined;
  /** Job lease in ms: how long a killed process's running jobs stay claimed (default 60 000). */
  readonly jobLeaseMs: number | undefined;
  /** Job retry backoff: first delay in ms (default 1000), doubling up to the cap (default 300 000). */
  readonly jobBackoffBaseMs: number | undefined;
  readonly jobBackoffCapMs: number | undefined;
  /** Least time between two Slack writes to one channel in ms (default 1000). */
  readonly slackChannelIntervalMs: number | undefined;
}

export type Env = Readonly<Record<string, string | undefined>>;

export interface LoadConfigOptions {
  /** Where `.env` is looked for; default `process.cwd()`. */
  readonly cwd?: string;
}

/** Every problem found in the environment, reported at once. */
export class ConfigError extends Error {
  readonly code = 'config_invalid';
  constructor(
    readonly problems: readonly string[],
    options?: { cause?: unknown },
  ) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`, options);
    this.name = 'ConfigError';
  }
}

export const SLACK_SETUP_HINT =
  'Create the Slack app from manifest.yml (README.md, "Slack app setup"): api.slack.com/apps → Create New App → ' +
  'From a manifest, install it, then copy the Bot User OAuth Token (xoxb-…) and the Signing Secret into .env.';

const URL_SAFE_TOKEN = /^[A-Za-z0-9_-]{22,}$/;
const CHANNEL_ID = /^[CGD][A-Z0-9]{2,}$/;
const USER_ID = /^[UW][A-Z0-9]{2,}$/;
const HOSTNAME = /^(\*\.)?(?=.{1,253}$)[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*$/;

const httpUrl = z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' });
const portNumber = z
  .string()
  .regex(/^\d{1,5}$/, 'must be a port number (0-65535)')
  .transform(Number)
  .refine((n) => n <= 65535, 'must be a port number (0-65535)');

/**
 * Reads the configuration from `env` and `<cwd>/.env` (the real environment wins), validates every variable
 * and returns a frozen object. The only reader of the environment; never mutates `process.env`.
 * @throws ConfigError listing every problem.
 */
export function loadConfig(env: Env = process.env, { cwd = process.cwd() }: LoadConfigOptions = {}): Config {
  const problems: string[] = [];
  const vars = { ...readDotenv(cwd, problems), ...definedOnly(env) };
  const get = (name: string): string | undefined => {
    const value = vars[name]?.trim();
    return value === '' ? undefined : value;
  };
  const check = <T>(name: string, schema: z.ZodType<T>, value: string | undefined): T | undefined => {
    if (value === undefined) return undefined;
    const result = schema.safeParse(value);
    if (result.success) return result.data;
    problems.push(`${name} ${result.error.issues[0]?.message ?? 'is invalid'}`);
    return undefined;
  };

  // Slack
  const slackAppToken = check('SLACK_APP_TOKEN', prefixed('xapp-'), get('SLACK_APP_TOKEN'));
  const socketMode = get('SLACK_APP_TOKEN') !== undefined;
  const slackBotToken = check('SLACK_BOT_TOKEN', prefixed('xoxb-'), get('SLACK_BOT_TOKEN'));
  const slackSigningSecret = get('SLACK_SIGNING_SECRET');
  const missingSlack = [
    ...(get('SLACK_BOT_TOKEN') === undefined ? ['SLACK_BOT_TOKEN'] : []),
    ...(!socketMode && slackSigningSecret === undefined ? ['SLACK_SIGNING_SECRET'] : []),
  ];
  if (missingSlack.length > 0) {
    problems.push(`Slack credentials missing: ${missingSlack.join(', ')}. ${SLACK_SETUP_HINT}`);
  }
  const slackApiUrl = withSlash(check('SLACK_API_URL', httpUrl, get('SLACK_API_URL')) ?? DEFAULT_SLACK_API_URL);

  // Hoiio
  const appId = get('HOIIO_APP_ID');
  const accessToken = get('HOIIO_ACCESS_TOKEN');
  const hoiioApiUrl = check('HOIIO_API_URL', httpUrl, get('HOIIO_API_URL'));
  if ((appId === undefined) !== (accessToken === undefined)) {
    const missing = appId === undefined ? 'HOIIO_APP_ID' : 'HOIIO_ACCESS_TOKEN';
    problems.push(`${missing} is missing: set both HOIIO_APP_ID and HOIIO_ACCESS_TOKEN, or neither for sandbox mode`);
  }
  if (appId === undefined && accessToken === undefined && get('HOIIO_API_URL') !== undefined) {
    problems.push(
      'HOIIO_API_URL is set without HOIIO_APP_ID and HOIIO_ACCESS_TOKEN (sandbox mode uses the built-in sandbox)',
    );
  }
  const hoiio: HoiioConfig =
    appId !== undefined && accessToken !== undefined
      ? { mode: 'live', appId, accessToken, apiUrl: withSlash(hoiioApiUrl ?? DEFAULT_HOIIO_API_URL) }
      : { mode: 'sandbox' };
  const hoiioWebhookToken = check(
    'HOIIO_WEBHOOK_TOKEN',
    z.string().regex(URL_SAFE_TOKEN, 'must be at least 22 URL-safe characters (A-Z a-z 0-9 - _)'),
    get('HOIIO_WEBHOOK_TOKEN'),
  );
  const hoiioWebhookTokenPrevious = check(
    'HOIIO_WEBHOOK_TOKEN_PREVIOUS',
    z.string().regex(URL_SAFE_TOKEN, 'must be at least 22 URL-safe characters (A-Z a-z 0-9 - _)'),
    get('HOIIO_WEBHOOK_TOKEN_PREVIOUS'),
  );
  const mediaHostsValue = get('HOIIO_MEDIA_HOSTS');
  const configuredMediaHosts =
    mediaHostsValue === undefined ? DEFAULT_HOIIO_MEDIA_HOSTS : parseMediaHostEntries(mediaHostsValue, problems);

  // HTTP
  const port = check('PORT', portNumber, get('PORT')) ?? 3000;
  const host = get('HOST') ?? '0.0.0.0';
  const publicUrl = (check('PUBLIC_URL', httpUrl, get('PUBLIC_URL')) ?? `http://localhost:${port}`).replace(/\/+$/, '');
  // The built-in sandbox serves its fax PDFs and recordings under PUBLIC_URL/sandbox.
  const hoiioMediaHosts =
    hoiio.mode === 'sandbox'
      ? [...new Set([...configuredMediaHosts, sandboxMediaHost(publicUrl)])]
      : [...configuredMediaHosts];

  // Database
  const databaseUrl = check(
    'DATABASE_URL',
    z.url({ protocol: /^postgres(ql)?$/, error: 'must be a postgres:// URL' }),
    get('DATABASE_URL'),
  );
  const dataDir = resolve(cwd, get('DATA_DIR') ?? './data');

  // Slack defaults and people
  const defaultChannel = check(
    'DEFAULT_CHANNEL',
    z.string().regex(CHANNEL_ID, 'must be a Slack channel id such as C0123456789'),
    get('DEFAULT_CHANNEL'),
  );
  const adminUserIds = splitList(get('ADMIN_USER_IDS'));
  for (const id of adminUserIds) {
    if (!USER_ID.test(id)) problems.push(`ADMIN_USER_IDS has ${JSON.stringify(id)}, not a Slack user id (U…)`);
  }
  const country = (get('DEFAULT_COUNTRY') ?? 'SG').toUpperCase();
  if (!isSupportedCountry(country)) problems.push(`DEFAULT_COUNTRY must be an ISO 3166 region code such as SG`);
  const logLevel = check(
    'LOG_LEVEL',
    z.enum(LOG_LEVELS, { error: `must be one of ${LOG_LEVELS.join(', ')}` }),
    get('LOG_LEVEL'),
  );

  const millis = (name: string, min: number): number | undefined =>
    check(
      name,
      z
        .string()
        .regex(/^\d{1,9}$/, `must be a whole number of milliseconds (at least ${min})`)
        .transform(Number)
        .refine((n) => n >= min, `must be at least ${min} ms`),
      get(name),
    );
  const tuning: Tuning = Object.freeze({
    jobPollMs: millis('JOB_POLL_MS', 10),
    jobLeaseMs: millis('JOB_LEASE_MS', 1000),
    jobBackoffBaseMs: millis('JOB_BACKOFF_BASE_MS', 1),
    jobBackoffCapMs: millis('JOB_BACKOFF_CAP_MS', 1),
    slackChannelIntervalMs: millis('SLACK_CHANNEL_INTERVAL_MS', 0),
  });

  if (problems.length > 0 || slackBotToken === undefined || !isSupportedCountry(country)) {
    throw new ConfigError(problems);
  }
  const secretValues = [
    slackBotToken,
    slackSigningSecret,
    slackAppToken,
    hoiio.mode === 'live' ? hoiio.accessToken : undefined,
    hoiioWebhookToken,
    hoiioWebhookTokenPrevious,
    ...databasePasswords(databaseUrl),
  ].filter((s): s is string => s !== undefined && s.length > 0);

  return Object.freeze({
    slackBotToken,
    slackSigningSecret,
    slackAppToken,
    socketMode,
    slackApiUrl,
    hoiio: Object.freeze(hoiio),
    sandboxMode: hoiio.mode === 'sandbox',
    hoiioWebhookToken,
    hoiioWebhookTokenPrevious,
    hoiioMediaHosts: Object.freeze([...hoiioMediaHosts]),
    publicUrl,
    databaseUrl,
    dataDir,
    port,
    host,
    defaultChannel,
    adminUserIds: Object.freeze(adminUserIds),
    defaultCountry: country,
    logLevel: logLevel ?? 'info',
    tuning,
    secrets: () => [...secretValues],
  });
}

function readDotenv(cwd: string, problems: string[]): Record<string, string> {
  let text: string;
  try {
    text = readFileSync(resolve(cwd, '.env'), 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') problems.push(`.env could not be read: ${String(error)}`);
    return {};
  }
  return parseDotenv(text);
}

function definedOnly(env: Env): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(env)) if (value !== undefined) out[key] = value;
  return out;
}

function prefixed(prefix: string): z.ZodType<string> {
  return z.string().startsWith(prefix, `must start with ${prefix}`);
}

function withSlash(url: string): string {
  return url.endsWith('/') ? url : `${url}/`;
}

function splitList(value: string | undefined): string[] {
  return (value ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
}

/** Validates HOIIO_MEDIA_HOSTS entries: `host`, `*.host`, `https://host`, or `http://host:port` (one origin). */
function parseMediaHostEntries(value: string, problems: string[]): string[] {
  const entries: string[] = [];
  for (const raw of splitList(value)) {
    const entry = raw.toLowerCase();
    if (entry.startsWith('http://') || entry.startsWith('https://')) {
      let url: URL | undefined;
      try {
        url = new URL(entry);
      } catch {
        url = undefined;
      }
      const bare = url !== undefined && url.pathname === '/' && !url.search && !url.hash && !url.username;
      if (url === undefined || !bare || !entry.replace(/\/$/, '').endsWith(url.host)) {
        problems.push(
          `HOIIO_MEDIA_HOSTS entry ${JSON.stringify(raw)} must be a host or an origin such as http://host:port`,
        );
      } else if (url.protocol === 'https:') {
        if (url.port) problems.push(`HOIIO_MEDIA_HOSTS entry ${JSON.stringify(raw)}: https entries are bare hosts`);
        else entries.push(url.hostname);
      } else {
        entries.push(url.origin);
      }
    } else if (HOSTNAME.test(entry)) {
      entries.push(entry);
    } else {
      problems.push(
        `HOIIO_MEDIA_HOSTS entry ${JSON.stringify(raw)} is not a host name (write http://host:port for http)`,
      );
    }
  }
  return entries;
}

/** The media-host entry for the built-in sandbox at PUBLIC_URL: its origin over http, its host over https. */
function sandboxMediaHost(publicUrl: string): string {
  const url = new URL(publicUrl);
  return url.protocol === 'https:' && !url.port ? url.hostname : url.origin;
}

function databasePasswords(databaseUrl: string | undefined): string[] {
  if (databaseUrl === undefined) return [];
  const { password } = new URL(databaseUrl);
  if (!password) return [];
  let decoded = password;
  try {
    decoded = decodeURIComponent(password);
  } catch {
    // an undecodable password is still redacted in its raw form
  }
  return [...new Set([password, decoded])];
}
