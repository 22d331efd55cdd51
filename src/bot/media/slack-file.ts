import { describeUrl, formatBytes, isRetryableStatus } from './errors.js';

/** Why a Slack file could not be downloaded. */
export type SlackFileErrorCode =
  | 'origin_not_allowed'
  | 'redirect'
  | 'too_large'
  | 'timeout'
  | 'network'
  | 'http_status'
  | 'aborted';

/** A failed Slack file download; `userMessage` is fit to show the user, `message` is for logs. */
export class SlackFileError extends Error {
  override readonly name = 'SlackFileError';
  readonly code: SlackFileErrorCode;
  readonly retryable: boolean;
  readonly userMessage: string;
  readonly status: number | undefined;

  constructor(
    code: SlackFileErrorCode,
    message: string,
    options: { userMessage: string; retryable?: boolean; status?: number; cause?: unknown },
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.userMessage = options.userMessage;
    this.retryable = options.retryable ?? (code === 'timeout' || code === 'network' || code === 'aborted');
    this.status = options.status;
  }
}

export interface DownloadSlackFileOptions {
  botToken: string;
  /** Origins the file may come from, e.g. `['https://files.slack.com', new URL(SLACK_API_URL).origin]`. */
  allowedOrigins: readonly string[];
  maxBytes: number;
  /** Completes "The file is larger than the 2 MB …", e.g. `'Hoiio accepts for a fax'`. Default `'limit'`. */
  limitNote?: string;
  /** Default 60 s for the whole download. */
  timeoutMs?: number;
  fetchImpl?: typeof fetch;
  signal?: AbortSignal;
}

const MAX_REDIRECTS = 3;
const TRY_AGAIN = 'Slack did not hand over the file just now; please try again in a moment.';
const NOT_ALLOWED = 'The app could not download this file from Slack.';

/**
 * Downloads a file Slack shared (`url_private`) with the bot token. Only to the allowed origins:
 * a redirect is followed only within them (so the token never leaves them); the size cap is
 * enforced before and while streaming. The caller checks what the bytes are (`isPdf`).
 * @throws SlackFileError with a `userMessage`.
 */
export async function downloadSlackFile(url: string, options: DownloadSlackFileOptions): Promise<Buffer> {
  const fetchImpl = options.fetchImpl ?? fetch;
  const allowed = new Set(options.allowedOrigins.map(originOf).filter((origin) => origin !== undefined));
  const timeout = AbortSignal.timeout(options.timeoutMs ?? 60_000);
  const signal = options.signal ? AbortSignal.any([options.signal, timeout]) : timeout;

  let current = parseAllowed(url, allowed);
  for (let hop = 0; ; hop++) {
    const describe = describeUrl(current);
    let res: Response;
    try {
      res = await fetchImpl(current, {
        headers: { authorization: `Bearer ${options.botToken}`, 'accept-encoding': 'identity' },
        redirect: 'manual',
        signal,
      });
    } catch (cause) {
      throw transportError(cause, signal, timeout, describe);
    }
    if (res.status >= 300 && res.status < 400) {
      await res.body?.cancel();
      const location = res.headers.get('location');
      const next = location === null ? undefined : safeResolve(location, current);
      if (next === undefined || !allowed.has(next.origin) || next.username || next.password || hop >= MAX_REDIRECTS) {
        throw new SlackFileError('redirect', `Slack file redirect not followed (${res.status}): ${describe}`, {
          userMessage: `${NOT_ALLOWED} Is the app a member of the channel the file was shared in?`,
          status: res.status,
        });
      }
      current = next;
      continue;
    }
    if (!res.ok) {
      await res.body?.cancel();
      const retryable = isRetryableStatus(res.status);
      throw new SlackFileError('http_status', `Slack file download answered HTTP ${res.status}: ${describe}`, {
        userMessage: retryable ? TRY_AGAIN : NOT_ALLOWED,
        retryable,
        status: res.status,
      });
    }
    return readCapped(res, options, signal, timeout, describe);
  }
}

async function readCapped(
  res: Response,
  options: DownloadSlackFileOptions,
  signal: AbortSignal,
  timeout: AbortSignal,
  describe: string,
): Promise<Buffer> {
  const { maxBytes } = options;
  const tooLarge = (): SlackFileError =>
    new SlackFileError('too_large', `Slack file exceeds ${formatBytes(maxBytes)}: ${describe}`, {
      userMessage: `The file is larger than the ${formatBytes(maxBytes)} ${options.limitNote ?? 'limit'}.`,
    });
  const declared = Number(res.headers.get('content-length') ?? Number.NaN);
  if (Number.isFinite(declared) && declared > maxBytes) {
    await res.body?.cancel();
    throw tooLarge();
  }
  if (res.body === null) return Buffer.alloc(0);
  const reader = res.body.getReader();
  const chunks: Uint8Array[] = [];
  let received = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      received += value.byteLength;
      if (received > maxBytes) {
        await reader.cancel();
        throw tooLarge();
      }
      chunks.push(value);
    }
  } catch (cause) {
    if (cause instanceof SlackFileError) throw cause;
    throw transportError(cause, signal, timeout, describe);
  }
  return Buffer.concat(chunks, received);
}

function transportError(cause: unknown, signal: AbortSignal, timeout: AbortSignal, describe: string): SlackFileError {
  if (timeout.aborted) {
    return new SlackFileError('timeout', `Slack file download timed out: ${describe}`, {
      userMessage: TRY_AGAIN,
      cause,
    });
  }
  if (signal.aborted) {
    return new SlackFileError('aborted', `Slack file download aborted: ${describe}`, { userMessage: TRY_AGAIN, cause });
  }
  return new SlackFileError('network', `Slack file download failed: ${describe}`, { userMessage: TRY_AGAIN, cause });
}

function originOf(value: string): string | undefined {
  try {
    const { origin } = new URL(value);
    return origin === 'null' ? undefined : origin;
  } catch {
    return undefined;
  }
}

function safeResolve(location: string, base?: URL): URL | undefined {
  try {
    return base === undefined ? new URL(location) : new URL(location, base);
  } catch {
    return undefined;
  }
}

function parseAllowed(url: string, allowed: ReadonlySet<string>): URL {
  const parsed = safeResolve(url);
  if (parsed === undefined || !allowed.has(parsed.origin) || parsed.username || parsed.password) {
    throw new SlackFileError('origin_not_allowed', `Slack file URL not on an allowed origin: ${describeUrl(url)}`, {
      userMessage: NOT_ALLOWED,
    });
  }
  return parsed;
}
