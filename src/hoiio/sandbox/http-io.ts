/**
 * Bytes in and out: request bodies with a cap, Hoiio-style parameters (query and form merged,
 * multipart for files) and JSON answers.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';

/** Largest request body read (a 2 MB fax, Base64, URL-encoded, with room to spare). */
export const MAX_BODY_BYTES = 16 * 1024 * 1024;

/** Thrown for parameters that are not decodable (`error_malformed_params`). */
export class MalformedParamsError extends Error {
  readonly code = 'sandbox_malformed_params';
  constructor(message: string, options?: { cause: unknown }) {
    super(message, options);
    this.name = 'MalformedParamsError';
  }
}

/** An uploaded file part. */
export interface UploadedFile {
  bytes: Uint8Array;
  filename: string;
}

/** Request parameters: query and body merged (the body wins), files apart. */
export interface RequestParams {
  values: Map<string, string>;
  files: Map<string, UploadedFile>;
}

/** Reads the whole body, or `undefined` when it is larger than `limit` (the rest is drained). */
export async function readBody(req: IncomingMessage, limit = MAX_BODY_BYTES): Promise<Buffer | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  let tooBig = false;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limit) tooBig = true;
    if (!tooBig) chunks.push(chunk);
  }
  return tooBig ? undefined : Buffer.concat(chunks);
}

const UTF8 = new TextDecoder('utf-8', { fatal: true });

/** Decodes `a=1&b=x+y` form-style (`+` is a space); throws MalformedParamsError on bad escapes or UTF-8. */
export function decodeForm(text: string, into = new Map<string, string>()): Map<string, string> {
  if (text === '') return into;
  for (const pair of text.split('&')) {
    if (pair === '') continue;
    const eq = pair.indexOf('=');
    const rawKey = eq === -1 ? pair : pair.slice(0, eq);
    const rawValue = eq === -1 ? '' : pair.slice(eq + 1);
    try {
      into.set(decodeURIComponent(rawKey.replace(/\+/g, ' ')), decodeURIComponent(rawValue.replace(/\+/g, ' ')));
    } catch (error) {
      throw new MalformedParamsError('a parameter is not decodable', { cause: error });
    }
  }
  return into;
}

function decodeUtf8(bytes: Uint8Array): string {
  try {
    return UTF8.decode(bytes);
  } catch (error) {
    throw new MalformedParamsError('the body is not UTF-8', { cause: error });
  }
}

/** Query string of a raw request target (`/a?b=c` → `b=c`). */
export function rawQuery(target: string): string {
  const q = target.indexOf('?');
  if (q === -1) return '';
  const hash = target.indexOf('#', q);
  return target.slice(q + 1, hash === -1 ? undefined : hash);
}

/** Query plus body parameters; multipart file parts land in `files`. */
export async function parseParams(req: IncomingMessage, body: Buffer): Promise<RequestParams> {
  const values = decodeForm(rawQuery(req.url ?? ''));
  const files = new Map<string, UploadedFile>();
  const type = (req.headers['content-type'] ?? '').toLowerCase();
  if (body.length === 0) return { values, files };
  if (type.startsWith('application/x-www-form-urlencoded')) {
    decodeForm(decodeUtf8(body).trim(), values);
  } else if (type.startsWith('multipart/form-data')) {
    let form: FormData;
    try {
      form = await new Response(body, { headers: { 'content-type': req.headers['content-type'] ?? '' } }).formData();
    } catch (error) {
      throw new MalformedParamsError('the multipart body is not readable', { cause: error });
    }
    for (const [key, value] of form.entries()) {
      if (typeof value === 'string') values.set(key, value);
      else files.set(key, { bytes: new Uint8Array(await value.arrayBuffer()), filename: value.name });
    }
  }
  return { values, files };
}

/** Parses a JSON object body (the sandbox's own API); `{}` for an empty body. */
export function parseJsonObject(body: Buffer): Record<string, unknown> | undefined {
  if (body.length === 0) return {};
  try {
    const value: unknown = JSON.parse(body.toString('utf8'));
    return value !== null && typeof value === 'object' && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}

/** Sends a JSON answer. */
export function sendJson(res: ServerResponse, status: number, value: unknown): void {
  const body = JSON.stringify(value);
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(body),
    'cache-control': 'no-store',
  });
  res.end(body);
}

/** Sends bytes with a content type. */
export function sendBytes(res: ServerResponse, status: number, type: string, bytes: Uint8Array | string): void {
  const buf = typeof bytes === 'string' ? Buffer.from(bytes, 'utf8') : Buffer.from(bytes);
  res.writeHead(status, { 'content-type': type, 'content-length': buf.length, 'cache-control': 'no-store' });
  res.end(buf);
}
