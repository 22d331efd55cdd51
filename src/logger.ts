import { pino } from 'pino';
import type { LogLevel } from './config.js';

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
  const logger = pino({ level, base: { ...bindings }, timestamp: pino.stdTimeFunctions.isoTime }, stream);
  return Object.assign(logger, { addSecret: (value: string) => redactor.add(value) });
}
