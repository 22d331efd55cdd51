import { describe, expect, test } from 'vitest';
import { smsCard } from '../../../src/bot/features/sms/blocks.js';
import { explainSmsError, SMS_ERROR } from '../../../src/bot/features/sms/sms-errors.js';
import { ACTION } from '../../../src/bot/ids.js';

const base = { id: 7, to: '+6591234567', text: 'Hello', userId: 'U1' };

function buttons(card: ReturnType<typeof smsCard>): string[] {
  return card.blocks.flatMap((b) =>
    b.type === 'actions' ? b.elements.map((e) => ('action_id' in e ? String(e.action_id) : '')) : [],
  );
}

describe('smsCard', () => {
  test('the fallback text carries the plain status word', () => {
    for (const status of ['queued', 'sent', 'delivered', 'failed', 'unknown']) {
      expect(smsCard({ ...base, status }).text).toMatch(new RegExp(`: ${status}$`));
    }
    expect(smsCard({ ...base, status: 'sending' }).text).toMatch(/: queued$/);
  });

  test('shows sender, contact, ref and cost; escapes untrusted text', () => {
    const card = smsCard({
      ...base,
      status: 'delivered',
      text: '<!channel> <https://evil|bank> @here',
      contactName: 'Acme <@U9>',
      txnRef: 'AA-S-1',
      currency: 'SGD',
      debit: '0.038',
      segments: 1,
    });
    const json = JSON.stringify(card.blocks);
    expect(json).toContain('<@U1>');
    expect(json).toContain('Acme &lt;@U9&gt; (+65 9123 4567)');
    expect(json).toContain('&lt;!\u200bchannel&gt;');
    expect(json).not.toContain('<!channel>');
    expect(json).not.toContain('<https://evil');
    expect(json).toContain('AA-S-1');
    expect(json).toContain('SGD 0.038');
  });

  test('failed → Retry (until retried) with the reason; unknown → Check status', () => {
    const failed = smsCard({ ...base, status: 'failed', errorCode: 'error_insufficient_credit' });
    expect(buttons(failed)).toContain(ACTION.txnRetry);
    expect(JSON.stringify(failed.blocks)).toMatch(/out of credit/);
    expect(buttons(smsCard({ ...base, status: 'failed', retried: true }))).not.toContain(ACTION.txnRetry);
    expect(buttons(smsCard({ ...base, status: 'unknown' }))).toContain(ACTION.txnCheckStatus);
    expect(buttons(smsCard({ ...base, status: 'delivered' }))).toEqual([ACTION.contactCallBack, ACTION.contactSendSms]);
  });

  test('every error code has a sentence', () => {
    for (const code of [...Object.values(SMS_ERROR), 'error_dest_invalid', 'error_rate_limit_exceeded', 'error_x']) {
      expect(explainSmsError(code, '+6591234567')).toMatch(/\.$/);
    }
  });
});
