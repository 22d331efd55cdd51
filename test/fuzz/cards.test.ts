/**
 * Block Kit rendering under hostile input: every registered card renderer (fed rows whose outside text is
 * hostile), the contact header, and the modal and message builders. Never throws, stays within Slack's limits,
 * and never lets injected `<!channel>`, `<@…>`, `<#…>` or links through.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { CardContext } from '../../src/bot/cards/card-registry.js';
import { contactListMessage, historyMessage, routeListMessage } from '../../src/bot/features/admin/blocks.js';
import { faxModal } from '../../src/bot/features/fax/blocks.js';
import { homeView } from '../../src/bot/features/home/blocks.js';
import { replyModal } from '../../src/bot/features/inbound/blocks.js';
import { sendSmsModal } from '../../src/bot/features/sms/sms-modal.js';
import type { Job } from '../../src/db/job-queue.js';
import type { InboundEventRow } from '../../src/db/tables/inbound-events.js';
import type { NumberRouteRow } from '../../src/db/tables/number-routes.js';
import type { TransactionRow, TxnDirection, TxnKind, TxnStatus } from '../../src/db/tables/transactions.js';
import { startTestApp, type TestApp } from '../support/test-app.js';
import { e164, hostileText, hostileUpTo } from './support/hostile.js';
import { slackProblems } from './support/slack-limits.js';

const RUNS = 100;
/** Contact names: `/hoiio contact` keeps them to 80 characters. */
const contactName = hostileUpTo(80);
let t: TestApp;

beforeAll(async () => {
  t = await startTestApp();
});
afterAll(async () => {
  await t?.stop();
});

const CARD_STATES: readonly [TxnKind, TxnDirection, readonly TxnStatus[]][] = [
  ['sms', 'out', ['queued', 'sending', 'sent', 'delivered', 'failed', 'unknown', 'canceled']],
  ['sms', 'in', ['received']],
  ['fax', 'out', ['queued', 'sending', 'sent', 'delivered', 'failed', 'unknown', 'canceled']],
  ['fax', 'in', ['received', 'failed']],
  [
    'call',
    'out',
    ['queued', 'sending', 'ringing', 'ongoing', 'answered', 'unanswered', 'busy', 'failed', 'ended', 'unknown'],
  ],
  ['ivr', 'in', ['ringing', 'answered', 'voicemail', 'missed', 'ended']],
];

/** Meta keys whose values come from outside (a PDF's text, a file name, a cover note, an admin's route label). */
const OUTSIDE_META = ['menu_choice', 'pdf_text', 'file_name', 'cover_note', 'label'];
/** Meta keys holding our own words (an error explained, a media problem): bounded, never blank, but still hostile. */
const OUR_WORDS_META = ['reason', 'media_error', 'error', 'slack_error', 'send_state'];
const ourWords = hostileUpTo(300).filter((s) => s.trim() !== '');
const userId = fc.constantFrom('U0ALICE', 'W0BOB123', undefined);
const maybe = <T>(a: fc.Arbitrary<T>) => fc.option(a, { nil: null });

function rowFor(kind: TxnKind, direction: TxnDirection, statuses: readonly TxnStatus[]): fc.Arbitrary<TransactionRow> {
  return fc
    .record({
      id: fc.integer({ min: 1, max: 2 ** 31 - 1 }),
      status: fc.constantFrom(...statuses),
      contact: e164,
      ours: e164,
      text: maybe(hostileText),
      sender_name: maybe(hostileUpTo(11)),
      error_code: maybe(hostileUpTo(100)),
      txn_ref: maybe(hostileUpTo(100)),
      digits: fc.option(fc.stringMatching(/^[0-9*#]{0,255}$/), { nil: undefined }),
      duration: maybe(fc.integer({ min: 0, max: 100_000 })),
      pages: maybe(fc.integer({ min: 0, max: 10_000 })),
      segments: maybe(fc.integer({ min: 0, max: 10 })),
      debit: maybe(fc.constantFrom('0.032', '123456.789', '0')),
      meta: fc.dictionary(fc.constantFrom(...OUTSIDE_META), hostileText),
      words: fc.dictionary(fc.constantFrom(...OUR_WORDS_META), ourWords),
      who: fc.record({ answered_by: userId, ringing_user: userId, handled_by: userId, retried_by: userId }),
      flags: fc.record({ needs_phone: fc.boolean(), unrouted: fc.boolean(), checking: fc.boolean() }),
      numbers: fc.record({
        minutes: fc.integer({ min: 0, max: 1000 }),
        voicemail_seconds: fc.integer({ min: 0, max: 600 }),
      }),
      raw: fc.dictionary(fc.constantFrom('msg', 'record_url', 'fax_url', 'digits', 'tag', 'from'), hostileText),
    })
    .map((r): TransactionRow => {
      const meta: Record<string, string | number | boolean> = { ...r.meta, ...r.words, ...r.flags, ...r.numbers };
      if (r.digits !== undefined) meta['digits'] = r.digits;
      for (const [k, v] of Object.entries(r.who)) if (v !== undefined) meta[k] = v;
      const outbound = direction === 'out';
      return {
        id: r.id,
        kind,
        direction,
        status: r.status,
        txn_ref: r.txn_ref,
        tag: null,
        from_number: outbound ? r.ours : r.contact,
        to_number: outbound ? r.contact : r.ours,
        contact_number: r.contact,
        our_number: r.ours,
        sender_name: r.sender_name,
        error_code: r.error_code,
        currency: 'SGD',
        rate: r.debit,
        debit: r.debit,
        duration: r.duration,
        pages: r.pages,
        segments: r.segments,
        text: r.text,
        slack_team_id: null,
        slack_user_id: 'U0ALICE',
        slack_channel_id: 'C0SUPPORT',
        slack_message_ts: null,
        slack_thread_ts: null,
        parent_id: null,
        provider_date: null,
        raw: r.raw,
        meta,
        created_at: new Date('2025-01-02T03:04:05Z'),
        updated_at: new Date('2025-01-02T03:04:05Z'),
      };
    });
}

function expectClean(surface: Parameters<typeof slackProblems>[0]): void {
  const problems = slackProblems(surface);
  expect(problems, `${problems.join('; ')} in ${JSON.stringify(surface).slice(0, 1500)}`).toEqual([]);
}

describe('card renderers', () => {
  for (const [kind, direction, statuses] of CARD_STATES) {
    test(`${kind} ${direction}: any row renders within Slack's limits, no forged syntax`, async () => {
      expect(t.deps.cards.has(kind, direction)).toBe(true);
      await fc.assert(
        fc.asyncProperty(rowFor(kind, direction, statuses), maybe(contactName), async (row, name) => {
          const context: CardContext = { db: t.db, deps: t.deps, contactName: async () => name ?? undefined };
          const card = await t.deps.cards.render(row, context);
          expectClean({ text: card.text, blocks: card.blocks });
          // The notification text carries the plain status word (design.md §6).
          expect(card.text.length).toBeGreaterThan(0);
        }),
        { numRuns: RUNS },
      );
    });
  }

  test('the contact header card', async () => {
    await fc.assert(
      fc.asyncProperty(e164, maybe(contactName), async (number, name) => {
        const context: CardContext = { db: t.db, deps: t.deps, contactName: async () => undefined };
        const card = await t.deps.cards.renderContactHeader(
          { channelId: 'C0SUPPORT', number, name: name ?? undefined },
          context,
        );
        expectClean({ text: card.text, blocks: card.blocks });
      }),
      { numRuns: RUNS },
    );
  });
});

const route = fc
  .record({
    number: e164,
    label: maybe(hostileUpTo(80)),
    greeting: maybe(hostileUpTo(500)),
    forwarding_status: maybe(hostileUpTo(100)),
  })
  .map(
    (r): NumberRouteRow => ({
      ...r,
      channel_id: 'C0SUPPORT',
      ring_user_ids: ['U0ALICE'],
      ring_timeout: 30,
      voicemail: true,
      voicemail_max_seconds: 120,
      menu: null,
      created_by: 'U0ALICE',
      created_at: new Date(0),
      updated_at: new Date(0),
    }),
  );
const anyRow = fc.oneof(...CARD_STATES.map(([k, d, s]) => rowFor(k, d, s)));
const names = fc.array(fc.tuple(e164, contactName), { maxLength: 5 }).map((e) => new Map(e));

describe('message and view builders', () => {
  test('history, contact list and route list messages', () => {
    fc.assert(
      fc.property(
        fc.array(anyRow, { maxLength: 11 }),
        names,
        fc.array(route, { maxLength: 30 }),
        fc.array(fc.record({ number: e164, name: contactName }), { maxLength: 60 }),
        fc.option(e164, { nil: undefined }),
        (rows, nameMap, routes, contacts, number) => {
          expectClean(
            historyMessage({ channel: 'C0SUPPORT', offset: 10, ...(number ? { number } : {}) }, rows, nameMap),
          );
          expectClean(routeListMessage(routes));
          const contactRows = contacts.map((c) => ({
            ...c,
            note: null,
            created_by: null,
            created_at: new Date(0),
            updated_at: new Date(0),
          }));
          expectClean(contactListMessage(contactRows));
        },
      ),
      { numRuns: RUNS },
    );
  });

  test('the SMS, fax and Reply modals', () => {
    fc.assert(
      fc.property(
        // The To field is prefilled with what was typed after `/hoiio sms` (a number-like run) or a number found.
        hostileText.map((t) => t.slice(0, 64)),
        // The Message field is prefilled with what was typed in it (max_length 3000).
        hostileText.map((t) => t.slice(0, 3000)),
        e164,
        fc.array(
          fc.record({
            direction: fc.constantFrom('in' as const, 'out' as const),
            text: hostileText,
            status: fc.constantFrom('queued', 'sent', 'delivered', 'failed'),
          }),
          { maxLength: 8 },
        ),
        maybe(contactName),
        (to, text, number, conversation, name) => {
          expectClean({
            view: {
              ...sendSmsModal({
                meta: { channel: 'C0SUPPORT' },
                to,
                text,
                estimate: 'GSM-7 · 1 part',
                optedOut: true,
                optOutWarning: true,
              }),
            },
          });
          expectClean({
            view: {
              ...faxModal({
                number: to,
                metadata: { channel: 'C0SUPPORT' } as Parameters<typeof faxModal>[0]['metadata'],
              }),
            },
          });
          const items = conversation.map((c) => ({ ...c, at: new Date(0), userId: 'U0ALICE' }));
          expectClean({
            view: {
              ...replyModal({
                contact: { number, ...(name ? { name } : {}) },
                conversation: items,
                optedOut: true,
                privateMetadata: '{}',
              }),
            },
          });
        },
      ),
      { numRuns: RUNS },
    );
  });

  test('App Home', () => {
    const event = fc
      .record({
        params: fc.dictionary(fc.constantFrom('from', 'to', 'msg', 'txn_ref'), hostileText),
        error: maybe(hostileUpTo(500)),
        txn_ref: maybe(hostileUpTo(500)),
      })
      .map(
        (e): InboundEventRow => ({
          id: 1,
          kind: 'sms',
          dedupe_key: 'k',
          state: 'rejected',
          transaction_id: null,
          created_at: new Date(0),
          processed_at: null,
          ...e,
        }),
      );
    const job = fc
      .record({
        queue: fc.constantFrom('sms.send', 'slack.post'),
        last_error: maybe(hostileText),
        id: fc.integer({ min: 1, max: 1e6 }),
      })
      .map(
        (j): Job => ({
          ...j,
          payload: {},
          dedupe_key: null,
          serial_key: null,
          state: 'dead',
          run_at: new Date(0),
          attempts: 3,
          max_age_ms: 1,
          deadline_at: new Date(0),
          lease_owner: null,
          lease_expires_at: null,
          created_at: new Date(0),
          updated_at: new Date(0),
          finished_at: new Date(0),
        }),
      );
    fc.assert(
      fc.property(
        fc.array(route, { maxLength: 20 }),
        fc.array(anyRow, { maxLength: 12 }),
        fc.array(anyRow, { maxLength: 12 }),
        fc.array(event, { maxLength: 12 }),
        fc.array(job, { maxLength: 12 }),
        names,
        hostileText,
        (routes, recent, unhandled, events, deadJobs, nameMap, problem) => {
          const view = homeView({
            userId: 'U0ALICE',
            admin: true,
            dmChannel: 'D0ALICE',
            balance: { problem },
            spent: '1.500',
            month: 'January 2025',
            cap: { amount: '10', currency: 'SGD' },
            undoSeconds: 10,
            phone: '+6591234567',
            routes,
            recent,
            unhandled,
            events,
            deadJobs,
            names: nameMap,
          });
          expectClean({ view: { ...view } });
        },
      ),
      { numRuns: RUNS },
    );
  });
});
