import { describe, expect, test } from 'vitest';
import { notificationDedupeKey, rejectedDedupeKey } from '../../../src/bot/inbound/dedupe-key.js';
import {
  generateWebhookToken,
  PREVIOUS_WEBHOOK_TOKEN_SETTING,
  resolveWebhookTokens,
  WebhookUrls,
} from '../../../src/bot/webhook-urls.js';
import { setSetting } from '../../../src/db/repositories/settings.js';
import { parseNotification } from '../../../src/hoiio/index.js';
import { testEngines, useTestDatabase } from '../../support/test-db.js';

describe('WebhookUrls', () => {
  const token = 'tok_0123456789abcdefghijklmnop';

  test('builds <PUBLIC_URL>/hoiio/<token>/<kind>, masks the token, and can be rebased', () => {
    const urls = new WebhookUrls('https://hoiio.example.com/', token);
    expect(urls.url('status')).toBe(`https://hoiio.example.com/hoiio/${token}/status`);
    expect(urls.masked('sms')).toBe('https://hoiio.example.com/hoiio/****/sms');
    urls.rebase('http://127.0.0.1:4567');
    expect(urls.url('fax')).toBe(`http://127.0.0.1:4567/hoiio/${token}/fax`);
  });

  test('accepts the current and previous tokens only, never a prefix or extension', () => {
    const urls = new WebhookUrls('http://x', token, ['old_token_abcdefghijklmnopqrs']);
    expect(urls.accepts(token)).toBe(true);
    expect(urls.accepts('old_token_abcdefghijklmnopqrs')).toBe(true);
    expect(urls.accepts(token.slice(0, -1))).toBe(false);
    expect(urls.accepts(`${token}x`)).toBe(false);
    expect(urls.accepts('')).toBe(false);
    expect(new WebhookUrls('http://x', token).accepts('old_token_abcdefghijklmnopqrs')).toBe(false);
  });

  test('generated tokens are 43 URL-safe characters and differ', () => {
    const a = generateWebhookToken();
    expect(a).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(generateWebhookToken()).not.toBe(a);
  });
});

describe.each(testEngines())('resolveWebhookTokens (%s)', (engine) => {
  const database = useTestDatabase(engine);

  test('generates a token on first start and keeps it; a configured one wins', async () => {
    const first = await resolveWebhookTokens(database.db, undefined);
    expect(first.token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const [again, concurrent] = await Promise.all([
      resolveWebhookTokens(database.db, undefined),
      resolveWebhookTokens(database.db, undefined),
    ]);
    expect([again.token, concurrent.token]).toEqual([first.token, first.token]);
    const configured = await resolveWebhookTokens(database.db, 'configured_token_0123456789');
    expect(configured).toEqual({ token: 'configured_token_0123456789', previousTokens: [] });
  });

  test('a previous token kept in settings is still accepted during a rotation', async () => {
    await setSetting(database.db, PREVIOUS_WEBHOOK_TOKEN_SETTING, 'previous_token_0123456789ab');
    const { token, previousTokens } = await resolveWebhookTokens(database.db, 'current_token_0123456789abc');
    expect(previousTokens).toEqual(['previous_token_0123456789ab']);
    expect(new WebhookUrls('http://x', token, previousTokens).accepts('previous_token_0123456789ab')).toBe(true);
  });
});

describe('dedupe keys', () => {
  const parse = (params: Record<string, string>, hint: 'sms' | 'voice' | 'fax' | 'status') =>
    parseNotification(params, hint);

  test('a status change is a new key; the same status again is the same key', () => {
    const base = { txn_ref: 'AA-S-1', dest: '+6591234567', date: '2025-11-25 10:00:00' };
    const queued = notificationDedupeKey('status', parse({ ...base, sms_status: 'queued' }, 'status'));
    const delivered = notificationDedupeKey('status', parse({ ...base, sms_status: 'delivered' }, 'status'));
    expect(queued).not.toBe(delivered);
    expect(notificationDedupeKey('status', parse({ ...base, sms_status: 'queued' }, 'status'))).toBe(queued);
  });

  test('two IVR notifications of the same block differ by their parameters (tag, digits)', () => {
    const base = { ivr_block: 'gather', session: 'S1', txn_ref: 'AA-C-1', call_state: 'ongoing' };
    const a = notificationDedupeKey('voice', parse({ ...base, tag: 'menu1', digits: '1' }, 'voice'));
    const b = notificationDedupeKey('voice', parse({ ...base, tag: 'menu2', digits: '1' }, 'voice'));
    expect(a).not.toBe(b);
    expect(notificationDedupeKey('voice', parse({ ...base, digits: '1', tag: 'menu1' }, 'voice'))).toBe(a);
  });

  test('rejected payloads are keyed by their parameters and URL kind, in any order', () => {
    expect(rejectedDedupeKey('sms', { a: '1', b: '2' })).toBe(rejectedDedupeKey('sms', { b: '2', a: '1' }));
    expect(rejectedDedupeKey('sms', { a: '1' })).not.toBe(rejectedDedupeKey('fax', { a: '1' }));
  });
});
