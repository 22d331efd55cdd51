import { describe, expect, test } from 'vitest';
import {
  readSmsForm,
  readSmsModalMeta,
  sendSmsModal,
  smsEstimateText,
  validateSmsForm,
} from '../../../src/bot/features/sms/sms-modal.js';
import { SMS_BLOCK, SMS_FIELD, VIEW } from '../../../src/bot/ids.js';

const values = (to: string, text: string, senderName = '', confirm = false) => ({
  [SMS_FIELD.to]: { [SMS_FIELD.to]: { type: 'plain_text_input', value: to } },
  [SMS_FIELD.message]: { [SMS_FIELD.message]: { type: 'plain_text_input', value: text } },
  [SMS_FIELD.senderName]: { [SMS_FIELD.senderName]: { type: 'plain_text_input', value: senderName || null } },
  [SMS_FIELD.confirmOptOut]: {
    [SMS_FIELD.confirmOptOut]: { type: 'checkboxes', selected_options: confirm ? [{ value: 'send_anyway' }] : [] },
  },
});

describe('SMS modal', () => {
  test('the view has dispatching inputs, the estimate line and metadata', () => {
    const view = sendSmsModal({ meta: { channel: 'C1', threadTs: '1.2' }, to: '+65 9123 4567', estimate: 'x' });
    expect(view.callback_id).toBe(VIEW.smsSend);
    expect(readSmsModalMeta(view.private_metadata)).toEqual({ channel: 'C1', threadTs: '1.2' });
    const ids = view.blocks.map((b) => b.block_id);
    expect(ids).toEqual([SMS_FIELD.to, SMS_FIELD.message, SMS_BLOCK.estimate, SMS_FIELD.senderName]);
    expect(view.blocks[0]).toMatchObject({ dispatch_action: true, element: { initial_value: '+65 9123 4567' } });
    const withOptOut = sendSmsModal({ meta: { channel: 'C1' }, estimate: 'x', optedOut: true });
    expect(withOptOut.blocks.map((b) => b.block_id)).toContain(SMS_FIELD.confirmOptOut);
  });

  test('metadata that is not ours is refused', () => {
    expect(readSmsModalMeta('{"channel":"nope"}')).toBeUndefined();
    expect(readSmsModalMeta('garbage')).toBeUndefined();
    expect(readSmsModalMeta(undefined)).toBeUndefined();
  });

  test('valid input', () => {
    const form = readSmsForm(values(' +65 9123 4567 ', ' Hello ', 'Acme', true));
    expect(form).toEqual({ to: '+65 9123 4567', text: ' Hello ', senderName: 'Acme', confirmOptOut: true });
    expect(validateSmsForm(form, 'SG')).toEqual({ ok: true, to: '+6591234567', text: 'Hello', senderName: 'Acme' });
  });

  test('field errors for a bad number, an empty or too long message and a bad sender name', () => {
    const r = validateSmsForm(readSmsForm(values('12', '  ', 'a!')), 'SG');
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(Object.keys(r.errors).sort()).toEqual([SMS_FIELD.message, SMS_FIELD.senderName, SMS_FIELD.to].sort());
    const long = validateSmsForm(readSmsForm(values('+6591234567', '😀'.repeat(101))), 'SG');
    expect(long.ok === false && long.errors[SMS_FIELD.message]).toMatch(/4 SMS parts.*at most 3/);
  });

  test('the estimate: encoding, parts and cost or why there is none', () => {
    expect(smsEstimateText('', undefined)).toMatch(/Type a message/);
    expect(smsEstimateText('Hello', { currency: 'SGD', rate: '0.038' })).toMatch(/GSM-7 · 1 part · 155 .* SGD 0\.038/);
    expect(smsEstimateText('a'.repeat(161), { currency: 'SGD', rate: '0.038' })).toMatch(/2 parts .* SGD 0\.076/);
    expect(smsEstimateText('你好', undefined)).toMatch(/Unicode.*cost unavailable/);
    expect(smsEstimateText('hi', 'loading')).toMatch(/checking/);
    expect(smsEstimateText('a'.repeat(500), undefined)).toMatch(/too long/);
  });
});
