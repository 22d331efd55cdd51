/**
 * Media the sandbox serves (fax PDFs, recordings), behind expiring signed URLs shaped like S3
 * pre-signed ones: `…/media/<kind>/<name>?Expires=<unix s>&AWSAccessKeyId=…&Signature=…`.
 * An expired or tampered URL answers 403.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import { sendBytes } from './http-io.js';

/** Folders media live in. */
export type MediaKind = 'infax' | 'outfax' | 'recordings' | 'monitor';

interface MediaItem {
  type: string;
  bytes: Uint8Array;
  filename: string;
}

const ACCESS_KEY_ID = 'SANDBOXMEDIA';

function s3Error(res: ServerResponse, status: number, code: string, message: string): void {
  sendBytes(
    res,
    status,
    'application/xml',
    `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${code}</Code><Message>${message}</Message></Error>`,
  );
}

/** Fax PDFs and recordings in memory, served behind signed URLs that expire after `ttlSeconds`. */
export class MediaStore {
  readonly #items = new Map<string, MediaItem>();
  readonly #key = randomBytes(32);

  constructor(
    private readonly publicUrl: string,
    private readonly now: () => Date,
    private readonly ttlSeconds: number,
  ) {}

  /** Stores bytes; answers the media id (`infax/fax-AA-C-1.pdf`). */
  put(kind: MediaKind, name: string, type: string, bytes: Uint8Array, filename = name): string {
    const id = `${kind}/${name}`;
    this.#items.set(id, { type, bytes, filename });
    return id;
  }

  /** The stored bytes of a media id. */
  get(id: string): Uint8Array | undefined {
    return this.#items.get(id)?.bytes;
  }

  /** A signed URL for `id`, valid for the configured lifetime from now. */
  url(id: string): string {
    const expires = Math.floor(this.now().getTime() / 1000) + this.ttlSeconds;
    const q = new URLSearchParams({
      Expires: String(expires),
      AWSAccessKeyId: ACCESS_KEY_ID,
      Signature: this.#sign(id, expires),
    });
    return `${this.publicUrl}/media/${id}?${q.toString()}`;
  }

  /** Forgets every item. */
  clear(): void {
    this.#items.clear();
  }

  /** Serves `media/<id>` with its query; 403 when unsigned, tampered or expired; 404 when unknown. */
  serve(id: string, query: URLSearchParams, method: string, res: ServerResponse): number {
    const expires = Number(query.get('Expires'));
    const signature = query.get('Signature') ?? '';
    if (!Number.isSafeInteger(expires) || !this.#valid(id, expires, signature)) {
      s3Error(res, 403, 'SignatureDoesNotMatch', 'The request signature we calculated does not match.');
      return 403;
    }
    if (expires * 1000 < this.now().getTime()) {
      s3Error(res, 403, 'AccessDenied', 'Request has expired');
      return 403;
    }
    const item = this.#items.get(id);
    if (!item) {
      s3Error(res, 404, 'NoSuchKey', 'The specified key does not exist.');
      return 404;
    }
    res.writeHead(200, {
      'content-type': item.type,
      'content-length': item.bytes.length,
      'content-disposition': `inline; filename="${item.filename.replace(/[^\w.-]/g, '_')}"`,
      'cache-control': 'private, max-age=60',
    });
    res.end(method === 'HEAD' ? undefined : Buffer.from(item.bytes));
    return 200;
  }

  #sign(id: string, expires: number): string {
    return createHmac('sha256', this.#key).update(`${id}\n${expires}`).digest('base64url');
  }

  #valid(id: string, expires: number, signature: string): boolean {
    const expected = Buffer.from(this.#sign(id, expires));
    const given = Buffer.from(signature);
    return given.length === expected.length && timingSafeEqual(given, expected);
  }
}
