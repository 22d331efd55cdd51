import { pino } from 'pino';
import type { LogLevel } from './config.js';
import { currentLogContext } from './log-context.js';

/** One log method: `log.info({ id }, 'message')` or `log.info('message')`. */
export interface LogFn {
  (obj: object, msg?: string): void;
  (msg: string): void;
}

/** The logging interface every module accepts; pino's Logger satisfies it. */
export interface Logger {
  trace: LogFn;
  debug: LogFn;
  info: LogFn;
  warn: LogFn;
  error: LogFn;
  fatal: LogFn;
  child(bindings: Record<string, unknown>): Logger;
  isLevelEnabled(level: string): boolean;
}

/** The root logger: also learns secrets that appear after start-up (a generated webhook token). */
export interface RootLogger extends Logger {
  addSecret(value: string): void;
}

/** Where log lines go; `process.stdout` by default. */
export interface LogDestination {
  write(line: string): unknown;
}

export interface CreateLoggerOptions {
  readonly level?: LogLevel;
  /** Values replaced by `[REDACTED]` wherever they appear in a log line. */
  readonly secrets?: readonly string[];
  readonly destination?: LogDestination;
  readonly bindings?: Record<string, unknown>;
}

const REDACTED = '[REDACTED]';
// `/hoiio/<token>/sms` → `/hoiio/****/sms`: the token is a credential even when it is not configured yet.
const WEBHOOK_PATH = /\/hoiio\/[^/\s"'?#\\]+(?=\/)/g;

/** A redactor holding secret values; `redact(line)` masks them and webhook tokens in paths. */
export class SecretRedactor {
  #patterns: string[] = [];

  constructor(secrets: readonly string[] = []) {
    for (const secret of secrets) this.add(secret);
  }

  add(secret: string): void {
    if (secret.length === 0) return;
    const forms = [secret, JSON.stringify(secret).slice(1, -1), encodeURIComponent(secret)];
    // Longest first, so a secret containing another secret is replaced whole.
    this.#patterns = [...new Set([...this.#patterns, ...forms])].sort((a, b) => b.length - a.length);
  }

  redact(text: string): string {
    let out = text;
    for (const pattern of this.#patterns) if (out.includes(pattern)) out = out.split(pattern).join(REDACTED);
    return out.replace(WEBHOOK_PATH, '/hoiio/****');
  }
}

/**
 * A pino logger (JSON lines) whose every line passes through a {@link SecretRedactor}, so secrets are masked in
 * messages, fields, error messages and stacks alike.
 */
export function createLogger({
  level = 'info',
  secrets = [],
  destination = process.stdout,
  bindings = {},
}: CreateLoggerOptions = {}): RootLogger {
  const redactor = new SecretRedactor(secrets);
  const stream = { write: (line: string) => destination.write(redactor.redact(line)) };
  const logger = pino(
    {
      level,
      base: { ...bindings },
      timestamp: pino.stdTimeFunctions.isoTime,
      serializers: { err: serializeError, error: serializeError },
      // The request id (and job id) of the current request or job: see src/log-context.ts.
      mixin: () => currentLogContext() ?? {},
    },
    stream,
  );
  return Object.assign(logger, { addSecret: (value: string) => redactor.add(value) });
}

interface ErrorShape extends Error {
  code?: unknown;
  statusCode?: unknown;
  status?: unknown;
  retryable?: unknown;
  retryAfter?: unknown;
  field?: unknown;
  endpoint?: unknown;
  data?: { error?: unknown };
  original?: unknown;
  originals?: unknown;
}

interface SerializedError {
  type: string;
  message: string;
  stack: string | undefined;
  slackError?: string;
  cause?: unknown;
  original?: unknown;
  originals?: unknown[];
  [field: string]: unknown;
}

/**
 * An error as a small JSON object: type, message, code-like fields, stack, and its `cause`/`original` chain.
 * Client errors (axios inside the Slack SDK) carry whole request objects; those are left out.
 */
export function serializeError(error: unknown, depth = 0): unknown {
  if (!(error instanceof Error)) return error;
  const e: ErrorShape = error;
  const { code, statusCode, status, retryable, retryAfter, field, endpoint } = e;
  const scalars = { code, statusCode, status, retryable, retryAfter, field, endpoint };
  const out: SerializedError = { type: e.name, message: e.message, stack: e.stack };
  for (const [key, value] of Object.entries(scalars)) {
    if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') out[key] = value;
  }
  if (typeof e.data?.error === 'string') out.slackError = e.data.error;
  if (depth < 3) {
    if (e.cause !== undefined) out.cause = serializeError(e.cause, depth + 1);
    if (e.original instanceof Error) out.original = serializeError(e.original, depth + 1);
    if (Array.isArray(e.originals)) out.originals = e.originals.map((o: unknown) => serializeError(o, depth + 1));
  }
  return out;
}
