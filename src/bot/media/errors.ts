/** Why a media fetch was refused or failed. */
export type MediaFetchErrorCode =
  | 'scheme_not_allowed'
  | 'host_not_allowed'
  | 'address_not_allowed'
  | 'redirect'
  | 'too_large'
  | 'timeout'
  | 'network'
  | 'http_status'
  | 'expired'
  | 'bad_magic'
  | 'aborted';

/** Codes worth another attempt later (with backoff); `http_status` depends on the status. */
const RETRYABLE_CODES: ReadonlySet<MediaFetchErrorCode> = new Set(['timeout', 'network', 'aborted']);

/** Whether an HTTP status is worth retrying: 5xx and 429. */
export function isRetryableStatus(status: number): boolean {
  return status >= 500 || status === 429;
}

/**
 * A refused or failed download of untrusted media. The message names the URL by origin and path
 * only (`describeUrl`): pre-signed query strings are credentials.
 */
export class MediaFetchError extends Error {
  override readonly name = 'MediaFetchError';
  readonly code: MediaFetchErrorCode;
  /** Whether the same request may succeed later: network, timeout, 5xx, 429, aborted. */
  readonly retryable: boolean;
  /** The HTTP status, for `http_status`, `expired` and `redirect`. */
  readonly status: number | undefined;

  constructor(
    code: MediaFetchErrorCode,
    message: string,
    options: { cause?: unknown; status?: number; retryable?: boolean } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.status = options.status;
    this.retryable = options.retryable ?? RETRYABLE_CODES.has(code);
  }
}

/**
 * `origin + path` of a URL, without user info, query string or fragment: safe to log and to put in
 * error messages. Returns `'<invalid url>'` for something that does not parse.
 */
export function describeUrl(url: string | URL): string {
  try {
    const parsed = typeof url === 'string' ? new URL(url) : url;
    if (parsed.origin === 'null') return `${parsed.protocol}<opaque>`;
    return `${parsed.origin}${parsed.pathname}`;
  } catch {
    return '<invalid url>';
  }
}

/** `2 MB`, `512 KB`, `900 bytes`: binary units, as people read file sizes. */
export function formatBytes(bytes: number): string {
  const units: Array<[number, string]> = [
    [1024 ** 3, 'GB'],
    [1024 ** 2, 'MB'],
    [1024, 'KB'],
  ];
  for (const [size, label] of units) {
    if (bytes >= size) return `${Number((bytes / size).toFixed(1))} ${label}`;
  }
  return `${bytes} bytes`;
}

/**
 * The error for a non-2xx answer from a media host: 3xx `redirect` (never followed), 403/410
 * `expired` (a pre-signed URL past its time: refresh it through query_status), else `http_status`.
 */
export function errorForStatus(status: number, describe: string): MediaFetchError | undefined {
  if (status >= 200 && status < 300) return undefined;
  if (status >= 300 && status < 400) {
    return new MediaFetchError('redirect', `Media host answered a redirect (${status}), not followed: ${describe}`, {
      status,
    });
  }
  if (status === 403 || status === 410) {
    return new MediaFetchError('expired', `Media URL refused (${status}), probably expired: ${describe}`, { status });
  }
  return new MediaFetchError('http_status', `Media host answered HTTP ${status}: ${describe}`, {
    status,
    retryable: isRetryableStatus(status),
  });
}
