import { describe, expect, test } from 'vitest';
import { insertAuditLog, listAuditLog } from '../../../src/db/repositories/audit-log.js';
import {
  claimContactThread,
  findContactThread,
  setContactThreadTs,
} from '../../../src/db/repositories/contact-threads.js';
import { deleteContact, findContactNames, listContacts, upsertContact } from '../../../src/db/repositories/contacts.js';
import {
  insertInboundEvent,
  lastInboundEventTimes,
  listInboundEvents,
  markInboundEvent,
} from '../../../src/db/repositories/inbound-events.js';
import { findIvrSession, insertIvrSession, updateIvrSession } from '../../../src/db/repositories/ivr-sessions.js';
import {
  deleteNumberRoute,
  findNumberRoute,
  listNumberRoutesByChannel,
  upsertNumberRoute,
} from '../../../src/db/repositories/number-routes.js';
import { clearOptOut, isOptedOut, recordOptOut } from '../../../src/db/repositories/opt-outs.js';
import { getOrCreateWebhookToken, getSetting, SETTING, setSetting } from '../../../src/db/repositories/settings.js';
import {
  findTransactionById,
  findTransactionByTag,
  findTransactionByTxnRef,
  insertTransaction,
  listTransactions,
  mergeTransactionMeta,
  spendSince,
  updateTransactionStatus,
} from '../../../src/db/repositories/transactions.js';
import { findUserPhones, mergeUserPrefs, setUserPhone } from '../../../src/db/repositories/user-profiles.js';
import { testEngines, useTestDatabase } from '../../support/test-db.js';

const CUSTOMER = '+6591234567';
const OURS = '+6561234567';

describe.each(testEngines())('repositories on %s', (engine) => {
  const t = useTestDatabase(engine);

  const outboundSms = (tag: string, extra: Record<string, unknown> = {}) =>
    insertTransaction(t.db, {
      kind: 'sms',
      direction: 'out',
      status: 'queued',
      tag,
      to_number: CUSTOMER,
      contact_number: CUSTOMER,
      text: 'Parcel ready',
      slack_channel_id: 'C1',
      slack_user_id: 'U1',
      ...extra,
    });

  describe('transactions', () => {
    test('a replayed tag inserts nothing and returns null', async () => {
      const first = await outboundSms('trigger-1');
      expect(first?.id).toBeTypeOf('number');
      expect(await outboundSms('trigger-1')).toBeNull();
      expect(await findTransactionByTag(t.db, 'trigger-1')).toMatchObject({ id: first?.id, status: 'queued' });
    });

    test('status moves forward only: a late sent never overwrites delivered', async () => {
      const txn = (await outboundSms('t'))!;
      expect(await updateTransactionStatus(t.db, { id: txn.id }, { status: 'sending' })).toBe(true);
      expect(await updateTransactionStatus(t.db, { id: txn.id }, { status: 'sent', txn_ref: 'SMS-1' })).toBe(true);
      const delivered = new Date('2025-01-01T00:00:05Z');
      expect(
        await updateTransactionStatus(
          t.db,
          { txn_ref: 'SMS-1' },
          { status: 'delivered', provider_date: delivered, debit: '0.038', currency: 'SGD' },
        ),
      ).toBe(true);
      expect(await updateTransactionStatus(t.db, { txn_ref: 'SMS-1' }, { status: 'sent' })).toBe(false);
      expect(await updateTransactionStatus(t.db, { txn_ref: 'SMS-1' }, { status: 'delivered' })).toBe(false);
      expect(await updateTransactionStatus(t.db, { id: txn.id }, { status: 'queued' })).toBe(false);
      expect(await findTransactionByTxnRef(t.db, 'SMS-1')).toMatchObject({
        status: 'delivered',
        debit: '0.038',
        provider_date: delivered,
      });
    });

    test('failed vs delivered: the later provider date wins, whatever the arrival order', async () => {
      const txn = (await outboundSms('t', { txn_ref: 'SMS-2', status: 'sent' }))!;
      const early = new Date('2025-01-01T00:00:01Z');
      const late = new Date('2025-01-01T00:00:09Z');
      await updateTransactionStatus(t.db, { id: txn.id }, { status: 'failed', provider_date: late, error_code: 'x' });
      expect(await updateTransactionStatus(t.db, { id: txn.id }, { status: 'delivered', provider_date: early })).toBe(
        false,
      );
      expect(await updateTransactionStatus(t.db, { id: txn.id }, { status: 'delivered' })).toBe(false);
      expect((await findTransactionById(t.db, txn.id))?.status).toBe('failed');
      const later = new Date('2025-01-01T00:00:10Z');
      expect(await updateTransactionStatus(t.db, { id: txn.id }, { status: 'delivered', provider_date: later })).toBe(
        true,
      );
      expect(await findTransactionById(t.db, txn.id)).toMatchObject({ status: 'delivered', provider_date: later });
    });

    test('unknown is resolved by any later outcome but never replaces one', async () => {
      const txn = (await outboundSms('t', { status: 'sending' }))!;
      expect(await updateTransactionStatus(t.db, { tag: 't' }, { status: 'unknown' })).toBe(true);
      expect(await updateTransactionStatus(t.db, { tag: 't' }, { status: 'sent', txn_ref: 'R' })).toBe(true);
      expect(await updateTransactionStatus(t.db, { tag: 't' }, { status: 'unknown' })).toBe(false);
      expect((await findTransactionById(t.db, txn.id))?.status).toBe('sent');
    });

    test('lists by channel, number, user and kind, newest first, with keyset paging', async () => {
      for (let i = 0; i < 5; i++) await outboundSms(`a${i}`, { created_at: new Date(Date.UTC(2025, 0, 1, 0, i)) });
      await outboundSms('other', { slack_channel_id: 'C2', contact_number: '+6598765432', to_number: '+6598765432' });
      await insertTransaction(t.db, {
        kind: 'fax',
        direction: 'in',
        status: 'received',
        contact_number: CUSTOMER,
        slack_channel_id: 'C1',
      });
      const page1 = await listTransactions(t.db, { channelId: 'C1', kind: 'sms', limit: 3 });
      expect(page1.map((r) => r.tag)).toEqual(['a4', 'a3', 'a2']);
      const page2 = await listTransactions(t.db, { channelId: 'C1', kind: 'sms', limit: 3, before: page1[2]! });
      expect(page2.map((r) => r.tag)).toEqual(['a1', 'a0']);
      expect(await listTransactions(t.db, { number: '+6598765432' })).toHaveLength(1);
      expect(await listTransactions(t.db, { number: CUSTOMER })).toHaveLength(6);
      expect(await listTransactions(t.db, { userId: 'U1', kind: ['fax'] })).toHaveLength(0);
      expect(
        await listTransactions(t.db, { since: new Date(Date.UTC(2025, 0, 1, 0, 3)), channelId: 'C1', kind: 'sms' }),
      ).toHaveLength(2);
    });

    test('spend since a date sums debits exactly', async () => {
      await outboundSms('a', { debit: '0.1', created_at: new Date('2025-02-01T00:00:00Z') });
      await outboundSms('b', { debit: '0.2', created_at: new Date('2025-02-03T00:00:00Z') });
      await outboundSms('c', { debit: '5', created_at: new Date('2025-01-31T23:59:59Z') });
      await outboundSms('d', { created_at: new Date('2025-02-04T00:00:00Z') });
      expect(await spendSince(t.db, new Date('2025-02-01T00:00:00Z'))).toBe('0.3');
      expect(await spendSince(t.db, new Date('2030-01-01T00:00:00Z'))).toBe('0');
    });

    test('meta merges', async () => {
      const txn = (await outboundSms('m'))!;
      await mergeTransactionMeta(t.db, txn.id, { file_id: 'F1' });
      expect((await mergeTransactionMeta(t.db, txn.id, { digits: '1' }))?.meta).toEqual({ file_id: 'F1', digits: '1' });
    });
  });

  test('inbound events: a duplicate key returns null; marks and last times', async () => {
    const e = await insertInboundEvent(t.db, { kind: 'sms', dedupeKey: 'sms:R1', params: { msg: 'hi' }, txnRef: 'R1' });
    expect(e).toMatchObject({ state: 'received', params: { msg: 'hi' } });
    expect(await insertInboundEvent(t.db, { kind: 'sms', dedupeKey: 'sms:R1', params: {} })).toBeNull();
    expect(await markInboundEvent(t.db, e!.id, 'unrouted', { error: 'no route' })).toBe(true);
    expect(await listInboundEvents(t.db, { states: ['unrouted'] })).toMatchObject([{ id: e!.id, error: 'no route' }]);
    expect((await lastInboundEventTimes(t.db)).sms).toBeInstanceOf(Date);
  });

  test('webhook token: concurrent first starts agree on one token', async () => {
    let n = 0;
    const tokens = await Promise.all(
      Array.from({ length: 8 }, () => getOrCreateWebhookToken(t.db, () => `token-${++n}-abcdefghijklmnopqrstuv`)),
    );
    expect(new Set(tokens).size).toBe(1);
    expect(await getSetting(t.db, SETTING.webhookToken)).toBe(tokens[0]);
    await setSetting(t.db, SETTING.spendCap, { amount: '50.00', currency: 'SGD' });
    await setSetting(t.db, SETTING.spendCap, { amount: '60.00', currency: 'SGD' });
    expect(await getSetting(t.db, SETTING.spendCap)).toEqual({ amount: '60.00', currency: 'SGD' });
  });

  test('contact threads: of concurrent first messages exactly one posts the header', async () => {
    const claims = await Promise.all(
      Array.from({ length: 6 }, (_, i) => claimContactThread(t.db, 'C1', CUSTOMER, `job-${i}`)),
    );
    expect(claims.filter((c) => c.role === 'post-header')).toHaveLength(1);
    expect(claims.filter((c) => c.role === 'wait')).toHaveLength(5);
    const winner = claims.find((c) => c.role === 'post-header')!;
    // The winner retrying (same owner) keeps its claim; then it records the header.
    expect((await claimContactThread(t.db, 'C1', CUSTOMER, winner.thread.claim_owner!)).role).toBe('post-header');
    await setContactThreadTs(t.db, winner.thread.id, '1700000000.000100');
    expect(await claimContactThread(t.db, 'C1', CUSTOMER, 'job-9')).toMatchObject({
      role: 'existing',
      thread: { thread_ts: '1700000000.000100' },
    });
    // A crashed claimer's claim expires and passes on.
    expect((await claimContactThread(t.db, 'C2', CUSTOMER, 'crashed', 0)).role).toBe('post-header');
    expect((await claimContactThread(t.db, 'C2', CUSTOMER, 'next')).role).toBe('post-header');
    expect((await findContactThread(t.db, 'C2', CUSTOMER))?.claim_owner).toBe('next');
  });

  test('routes, contacts, user profiles, opt-outs and audit log', async () => {
    const route = await upsertNumberRoute(t.db, { number: OURS, channel_id: 'C1', ring_user_ids: ['U1', 'U2'] });
    expect(route).toMatchObject({ ring_user_ids: ['U1', 'U2'], ring_timeout: 30, voicemail: true, menu: null });
    await upsertNumberRoute(t.db, { number: OURS, channel_id: 'C2', menu: { '1': { ring: ['U3'] } } });
    expect(await findNumberRoute(t.db, OURS)).toMatchObject({
      channel_id: 'C2',
      ring_user_ids: ['U1', 'U2'],
      menu: { '1': { ring: ['U3'] } },
    });
    expect(await listNumberRoutesByChannel(t.db, 'C2')).toHaveLength(1);
    expect(await deleteNumberRoute(t.db, OURS)).toBe(true);

    await upsertContact(t.db, { number: CUSTOMER, name: 'Ann' });
    await upsertContact(t.db, { number: CUSTOMER, name: 'Ann Lee' });
    expect(await findContactNames(t.db, [CUSTOMER, OURS])).toEqual(new Map([[CUSTOMER, 'Ann Lee']]));
    expect(await listContacts(t.db)).toHaveLength(1);
    expect(await deleteContact(t.db, CUSTOMER)).toBe(true);

    await setUserPhone(t.db, 'U1', CUSTOMER);
    await mergeUserPrefs(t.db, 'U1', { a: 1 });
    expect(await mergeUserPrefs(t.db, 'U1', { b: 2 })).toMatchObject({ phone: CUSTOMER, prefs: { a: 1, b: 2 } });
    expect(await findUserPhones(t.db, ['U1', 'U2'])).toEqual(new Map([['U1', CUSTOMER]]));

    expect(await recordOptOut(t.db, CUSTOMER, { keyword: 'STOP' })).toBe(true);
    expect(await recordOptOut(t.db, CUSTOMER, { keyword: 'STOP' })).toBe(false);
    expect(await isOptedOut(t.db, CUSTOMER)).toBe(true);
    expect(await clearOptOut(t.db, CUSTOMER)).toBe(true);
    expect(await isOptedOut(t.db, CUSTOMER)).toBe(false);

    await insertAuditLog(t.db, { actorUserId: 'U1', action: 'route.save', subject: OURS, details: { channel: 'C1' } });
    expect(await listAuditLog(t.db)).toMatchObject([
      { actor_user_id: 'U1', action: 'route.save', details: { channel: 'C1' } },
    ]);
  });

  test('ivr sessions: a duplicate answer is null; updates are optimistic', async () => {
    const s = await insertIvrSession(t.db, { session: 'S1', from_number: CUSTOMER, to_number: OURS, route: { a: 1 } });
    expect(s).toMatchObject({ version: 1, state: 'answered', route: { a: 1 }, data: {} });
    expect(await insertIvrSession(t.db, { session: 'S1' })).toBeNull();
    const next = await updateIvrSession(t.db, 'S1', 1, { state: 'ringing', step: 1, data: { digits: '2' } });
    expect(next).toMatchObject({ version: 2, state: 'ringing', data: { digits: '2' } });
    expect(await updateIvrSession(t.db, 'S1', 1, { state: 'voicemail' })).toBeUndefined(); // stale version
    const ended = await updateIvrSession(t.db, 'S1', 2, { state: 'ended', ended: true });
    expect(ended?.ended_at).toBeInstanceOf(Date);
    expect((await findIvrSession(t.db, 'S1'))?.version).toBe(3);
  });
});
