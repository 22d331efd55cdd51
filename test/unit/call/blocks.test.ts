import { describe, expect, test } from 'vitest';
import {
  clock,
  inboundCallCard,
  outboundCallCard,
  ownPhoneModal,
  pickNumberModal,
} from '../../../src/bot/features/call/blocks.js';
import { parseNumberArg } from '../../../src/bot/features/call/call-args.js';
import { callOutcome } from '../../../src/bot/features/call/call-status.js';
import { callTag } from '../../../src/bot/features/call/outbound-call.js';
import { parseRouteMenu } from '../../../src/bot/features/call/route-menu.js';
import { ACTION, CALL_FIELD, VIEW } from '../../../src/bot/ids.js';

function buttons(blocks: unknown[]): { action_id: string; value: string }[] {
  return (blocks as { type: string; elements?: { action_id: string; value: string }[] }[]).flatMap((b) =>
    b.type === 'actions' ? (b.elements ?? []) : [],
  );
}

describe('outbound call card', () => {
  const base = { id: 7, to: '+6561234567', userId: 'U1', ownPhone: '+6598765432' };

  test('the fallback text carries the plain status word; the own phone is masked', () => {
    const queued = outboundCallCard({ ...base, status: 'queued' });
    expect(queued.text).toBe('Calling +65 6123 4567 for <@U1>: queued');
    expect(JSON.stringify(queued.blocks)).toContain('••••5432');
    expect(JSON.stringify(queued.blocks)).not.toContain('9876 5432');
    expect(buttons(queued.blocks)).toEqual([]);
    const answered = outboundCallCard({
      ...base,
      status: 'answered',
      minutes: 3,
      debit: { amount: '0.120', currency: 'SGD' },
      txnRef: 'AA-C-1',
    });
    expect(answered.text).toBe('Call with +65 6123 4567 for <@U1>: answered');
    expect(JSON.stringify(answered.blocks)).toMatch(/3 min · SGD 0\.120/);
    expect(buttons(answered.blocks)).toEqual([
      expect.objectContaining({ action_id: ACTION.contactCallBack, value: base.to }),
    ]);
  });

  test('failures say why; unknown offers Check status; waiting for a phone offers Enter my phone', () => {
    const busy = outboundCallCard({ ...base, status: 'busy', reason: '+65 6123 4567 was busy.' });
    expect(busy.text).toBe('Call with +65 6123 4567 for <@U1>: busy — +65 6123 4567 was busy.');
    const unknown = outboundCallCard({ ...base, status: 'unknown' });
    expect(buttons(unknown.blocks)).toEqual([
      expect.objectContaining({ action_id: ACTION.txnCheckStatus, value: '7' }),
    ]);
    expect(buttons(outboundCallCard({ ...base, status: 'unknown', checking: true }).blocks)).toEqual([]);
    const waiting = outboundCallCard({ ...base, ownPhone: undefined, status: 'queued', needsPhone: true });
    expect(buttons(waiting.blocks)).toEqual([
      expect.objectContaining({ action_id: ACTION.callEnterPhone, value: '7' }),
    ]);
  });

  test('a contact name is escaped', () => {
    const card = outboundCallCard({ ...base, status: 'ringing', contactName: '<!channel> @here Evil' });
    const text = JSON.stringify(card.blocks);
    expect(text).not.toContain('<!channel>');
    expect(text).toContain('&lt;!');
    expect(text).not.toMatch(/@here/);
    // the fallback text notifies too
    expect(card.text).not.toContain('<!channel>');
    const inbound = inboundCallCard({ id: 1, status: 'missed', from: '+6591234567', contactName: '<!everyone> x' });
    expect(inbound.text).not.toContain('<!everyone>');
  });
});

describe('inbound call card', () => {
  const base = { id: 9, from: '+6591234567', to: '+6531580001', label: 'Support line' };

  test('ringing → answered by / voicemail / missed, with the buttons of each', () => {
    const ringing = inboundCallCard({ ...base, status: 'ringing', ringingUserId: 'UA' });
    expect(ringing.text).toBe('Call from +65 9123 4567: ringing');
    expect(JSON.stringify(ringing.blocks)).toContain('Ringing <@UA>');
    expect(buttons(ringing.blocks).map((b) => b.action_id)).toEqual([ACTION.contactCallBack, ACTION.contactSendSms]);

    const answered = inboundCallCard({ ...base, status: 'answered', answeredBy: 'UA', minutes: 2 });
    expect(answered.text).toBe('Call from +65 9123 4567: answered by <@UA>');
    expect(buttons(answered.blocks).map((b) => b.action_id)).toContain(ACTION.callMarkHandled);

    const voicemail = inboundCallCard({ ...base, status: 'voicemail', voicemailSeconds: 75, voicemailFile: true });
    expect(JSON.stringify(voicemail.blocks)).toContain('Left a voicemail (1:15): the recording is in this thread');
    expect(inboundCallCard({ ...base, status: 'missed' }).text).toBe('Call from +65 9123 4567: missed');
  });

  test('digits, handled, withheld numbers and unrouted calls', () => {
    const handled = inboundCallCard({
      ...base,
      status: 'missed',
      digits: '2',
      menuChoice: 'support',
      handledBy: 'UB',
      handledAt: new Date('2025-01-02T03:04:05Z'),
    });
    const text = JSON.stringify(handled.blocks);
    expect(text).toContain('Menu: pressed `2` → support');
    expect(text).toMatch(/Handled by <@UB> <!date\^1735787045\^/);
    expect(buttons(handled.blocks).map((b) => b.action_id)).not.toContain(ACTION.callMarkHandled);
    const withheld = inboundCallCard({ id: 1, status: 'missed', unrouted: true });
    expect(withheld.text).toBe('Call from a withheld number: missed');
    expect(buttons(withheld.blocks).map((b) => b.action_id)).toEqual([ACTION.callMarkHandled]);
    expect(JSON.stringify(withheld.blocks)).toContain('no route');
  });
});

describe('call helpers', () => {
  test('callOutcome: leg 1 is the user, leg 2 the number', () => {
    const numbers = { ownPhone: '+6598765432', to: '+6561234567' };
    expect(callOutcome('answered', 'answered', numbers)).toEqual({ status: 'answered' });
    expect(callOutcome('unanswered', undefined, numbers)).toMatchObject({
      status: 'unanswered',
      reason: expect.stringMatching(/You did not pick up/),
    });
    expect(callOutcome('answered', 'busy', numbers)).toEqual({ status: 'busy', reason: '+65 6123 4567 was busy.' });
    expect(callOutcome('answered', undefined, numbers).status).toBe('failed');
  });

  test('tags are unique per surface', () => {
    expect(callTag('command', 'T1')).toBe('hs-c-T1');
    expect(callTag('view', 'V1')).toBe('hs-v-V1');
    expect(callTag('button', 'T2')).toBe('hs-b-T2');
    expect(callTag('shortcut', 'T3')).toBe('hs-s-T3');
  });

  test('parseNumberArg reads typed numbers and Slack tel links', () => {
    expect(parseNumberArg(' +65 6123 4567 ', 'SG')).toEqual({ ok: true, e164: '+6561234567' });
    expect(parseNumberArg('<tel:+6561234567|6123 4567>', 'SG')).toEqual({ ok: true, e164: '+6561234567' });
    expect(parseNumberArg('', 'SG')).toMatchObject({ ok: false });
    expect(parseNumberArg('hello', 'SG')).toMatchObject({ ok: false });
  });

  test('route menus: valid shapes parse, malformed ones are ignored', () => {
    expect(
      parseRouteMenu({ prompt: 'Press 1', options: { '1': { label: 'sales', ring_user_ids: ['U123'] } } }),
    ).toEqual({ prompt: 'Press 1', options: { '1': { label: 'sales', ringUserIds: ['U123'] } } });
    expect(parseRouteMenu(null)).toBeNull();
    expect(parseRouteMenu({ prompt: 'x', options: {} })).toBeNull();
    expect(parseRouteMenu({ prompt: 'x', options: { '12': { label: 'a', ring_user_ids: [] } } })).toBeNull();
  });

  test('modals: ids and metadata', () => {
    const own = ownPhoneModal({ privateMetadata: '{"transactionId":1}', calling: '+6561234567' });
    expect(own).toMatchObject({ callback_id: VIEW.callOwnPhone, private_metadata: '{"transactionId":1}' });
    expect(JSON.stringify(own.blocks)).toContain(CALL_FIELD.phone);
    const pick = pickNumberModal({ numbers: ['+6561230001', '+6591230002'], privateMetadata: 'm' });
    expect(pick.callback_id).toBe(VIEW.callPickNumber);
    expect(JSON.stringify(pick.blocks)).toContain('+65 9123 0002');
    expect(clock(0)).toBe('0:00');
    expect(clock(605)).toBe('10:05');
  });
});
