import type { types } from '@slack/bolt';
import type { Kysely } from 'kysely';
import type { Database } from '../../db/database.js';
import type { TransactionRow, TxnDirection, TxnKind } from '../../db/tables/transactions.js';
import type { BotDeps } from '../deps.js';
import { contactHeaderCard, defaultCard } from './default-cards.js';

/** A rendered card: `text` is the notification fallback and carries the plain status word. */
export interface RenderedCard {
  readonly text: string;
  readonly blocks: types.KnownBlock[];
}

/** What a renderer may look at besides the row. */
export interface CardContext {
  readonly db: Kysely<Database>;
  readonly deps: BotDeps;
  /** The contact's name for an E.164 number, if one is saved. Untrusted text: escape it. */
  contactName(number: string): Promise<string | undefined>;
}

/** Renders a transaction's card from its CURRENT row only (plus lookups): never from the event that changed it. */
export type CardRenderer = (txn: TransactionRow, context: CardContext) => Promise<RenderedCard>;

/** The first message of a contact's thread in a channel. */
export interface ContactHeaderInput {
  readonly channelId: string;
  /** E.164. */
  readonly number: string;
  readonly name: string | undefined;
}

export type ContactHeaderRenderer = (input: ContactHeaderInput, context: CardContext) => Promise<RenderedCard>;

/**
 * A fresh media URL for a transaction whose stored one expired (query_status), or undefined when there is none.
 * The result is stored in `meta.media_url`.
 */
export type MediaUrlSource = (txn: TransactionRow, deps: BotDeps) => Promise<string | undefined>;

/**
 * Looks at media fetched for upload, before it is uploaded (a fax PDF's pages and first lines), and may record
 * what it found on the transaction; the card is synced after the upload. Runs again if the upload is retried
 * from the start, so it must be idempotent. Should not throw for media it cannot read.
 */
export type MediaInspector = (txn: TransactionRow, bytes: Uint8Array, deps: BotDeps) => Promise<void>;

type Key = `${TxnKind}:${TxnDirection}`;

/**
 * Card renderers per (kind, direction), the contact thread header, and media URL sources. Features register
 * theirs; the Slack poster renders through it. Kinds without a renderer get a plain default card.
 */
export class CardRegistry {
  readonly #renderers = new Map<Key, CardRenderer>();
  readonly #mediaSources = new Map<Key, MediaUrlSource>();
  readonly #mediaInspectors = new Map<Key, MediaInspector>();
  #header: ContactHeaderRenderer = async (input) => contactHeaderCard(input);

  register(kind: TxnKind, direction: TxnDirection, renderer: CardRenderer): void {
    const key: Key = `${kind}:${direction}`;
    if (this.#renderers.has(key)) throw conflict(`A card renderer for ${key} is already registered`);
    this.#renderers.set(key, renderer);
  }

  /** Replaces the built-in contact header card (name/number, Call back, Send SMS). */
  registerContactHeader(renderer: ContactHeaderRenderer): void {
    this.#header = renderer;
  }

  /** How to refresh an expired media URL (fax PDF, voicemail) of transactions of this kind. */
  registerMediaSource(kind: TxnKind, direction: TxnDirection, source: MediaUrlSource): void {
    const key: Key = `${kind}:${direction}`;
    if (this.#mediaSources.has(key)) throw conflict(`A media source for ${key} is already registered`);
    this.#mediaSources.set(key, source);
  }

  /** What to learn from fetched media of transactions of this kind before it is uploaded. */
  registerMediaInspector(kind: TxnKind, direction: TxnDirection, inspector: MediaInspector): void {
    const key: Key = `${kind}:${direction}`;
    if (this.#mediaInspectors.has(key)) throw conflict(`A media inspector for ${key} is already registered`);
    this.#mediaInspectors.set(key, inspector);
  }

  has(kind: TxnKind, direction: TxnDirection): boolean {
    return this.#renderers.has(`${kind}:${direction}`);
  }

  render(txn: TransactionRow, context: CardContext): Promise<RenderedCard> {
    const renderer = this.#renderers.get(`${txn.kind}:${txn.direction}`);
    return renderer ? renderer(txn, context) : Promise.resolve(defaultCard(txn));
  }

  renderContactHeader(input: ContactHeaderInput, context: CardContext): Promise<RenderedCard> {
    return this.#header(input, context);
  }

  mediaSource(kind: TxnKind, direction: TxnDirection): MediaUrlSource | undefined {
    return this.#mediaSources.get(`${kind}:${direction}`);
  }

  mediaInspector(kind: TxnKind, direction: TxnDirection): MediaInspector | undefined {
    return this.#mediaInspectors.get(`${kind}:${direction}`);
  }
}

function conflict(message: string): Error {
  return Object.assign(new Error(message), { code: 'card_renderer_conflict' });
}
