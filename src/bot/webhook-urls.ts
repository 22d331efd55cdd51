import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Database } from '../db/database.js';
import { getOrCreateWebhookToken, getSetting } from '../db/repositories/settings.js';

/** The four webhook paths Hoiio calls (design.md §3). */
export const WEBHOOK_KINDS = ['sms', 'voice', 'fax', 'status'] as const;
export type WebhookKind = (typeof WEBHOOK_KINDS)[number];

/**
 * A token still accepted during a rotation (a string in `settings`, set by whoever rotates; read at start). The
 * current one is `SETTING.webhookToken` (generated on first start) unless HOIIO_WEBHOOK_TOKEN is set.
 */
export const PREVIOUS_WEBHOOK_TOKEN_SETTING = 'hoiio.webhook_token_previous';

/** A fresh webhook token: 32 random bytes, base64url (43 URL-safe characters). */
export function generateWebhookToken(): string {
  return randomBytes(32).toString('base64url');
}

export function isWebhookKind(value: string): value is WebhookKind {
  return (WEBHOOK_KINDS as readonly string[]).includes(value);
}

/**
 * The app's Hoiio webhook URLs, `<PUBLIC_URL>/hoiio/<token>/<kind>`: what we give Hoiio (forwarding, notify_url)
 * and what the intake accepts. The token is a secret: log {@link masked} URLs only.
 */
export class WebhookUrls {
  #publicUrl: string;
  readonly #token: string;
  readonly #accepted: readonly Buffer[];

  /**
   * @param publicUrl where Hoiio reaches us (no trailing slash needed)
   * @param token the current token
   * @param previousTokens tokens still accepted (rotation), never handed out
   */
  constructor(publicUrl: string, token: string, previousTokens: readonly string[] = []) {
    this.#publicUrl = publicUrl.replace(/\/+$/, '');
    this.#token = token;
    this.#accepted = [token, ...previousTokens.filter((t) => t !== token && t.length > 0)].map(digest);
  }

  get publicUrl(): string {
    return this.#publicUrl;
  }

  /** The current token (secret). */
  get token(): string {
    return this.#token;
  }

  /**
   * Points the URLs at another base, e.g. the address actually bound when PORT=0 and PUBLIC_URL was not given.
   * Affects URLs built from now on.
   */
  rebase(publicUrl: string): void {
    this.#publicUrl = publicUrl.replace(/\/+$/, '');
  }

  /** `<PUBLIC_URL>/hoiio/<token>/<kind>`. */
  url(kind: WebhookKind): string {
    return `${this.#publicUrl}/hoiio/${this.#token}/${kind}`;
  }

  /** The URL with the token replaced by `****`, safe for logs and banners. */
  masked(kind: WebhookKind): string {
    return `${this.#publicUrl}/hoiio/****/${kind}`;
  }

  /** Whether `candidate` is the current or a previous token. Constant time (compares SHA-256 digests). */
  accepts(candidate: string): boolean {
    const given = digest(candidate);
    let ok = false;
    for (const token of this.#accepted) ok = timingSafeEqual(given, token) || ok;
    return ok;
  }
}

function digest(value: string): Buffer {
  return createHash('sha256').update(value, 'utf8').digest();
}

/**
 * The webhook tokens to use: HOIIO_WEBHOOK_TOKEN when configured, else the one kept in `settings` (generated on
 * first start, race-safe across instances); plus the tokens still accepted during a rotation: HOIIO_WEBHOOK_TOKEN_PREVIOUS
 * (`configuredPrevious`) and the `hoiio.webhook_token_previous` setting.
 *
 * Rotating: set HOIIO_WEBHOOK_TOKEN to the new token and HOIIO_WEBHOOK_TOKEN_PREVIOUS to the old one, restart every
 * instance (both are accepted, only the new one is handed out), re-save each route (`/hoiio route edit`) so Hoiio
 * forwards to the new URLs, wait out sends still in flight (their notify_url holds the old token; a day at most),
 * then remove HOIIO_WEBHOOK_TOKEN_PREVIOUS and restart: only the new token is accepted.
 */
export async function resolveWebhookTokens(
  db: Kysely<Database>,
  configured: string | undefined,
  configuredPrevious?: string,
): Promise<{ token: string; previousTokens: string[] }> {
  const token = configured ?? (await getOrCreateWebhookToken(db, generateWebhookToken));
  const stored = await getSetting(db, PREVIOUS_WEBHOOK_TOKEN_SETTING);
  const previous = [configuredPrevious, typeof stored === 'string' ? stored : undefined];
  const previousTokens = [...new Set(previous.filter((t): t is string => t !== undefined && t !== '' && t !== token))];
  return { token, previousTokens };
}
