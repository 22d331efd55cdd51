import { describe, expect, test } from 'vitest';
import { incomingFaxCard, incomingSmsCard, replyModal } from '../../../src/bot/features/inbound/blocks.js';
import { ACTION, INBOUND_FIELD, VIEW } from '../../../src/bot/ids.js';

const contact = { number: '+6591234567' };
const ourNumber = { number: '+6561230000', label: 'Support <line>' };
const at = new Date('2025-01-02T03:04:05Z');

function actionIds(blocks: unknown[]): string[] {
  return blocks
    .filter(
      (b): b is { type: 'actions'; elements: { action_id: string }[] } => (b as { type: string }).type === 'actions',
    )
    .flatMap((b) => b.elements.map((e) => e.action_id));
}

describe('incomingSmsCard', () => {
  test('escapes the text so it cannot ping or forge links', () => {
    const card = incomingSmsCard({
      transactionId: 7,
      contact: { ...contact, name: '<!channel> Bob' },
      ourNumber,
      text: 'Hi <!channel> @here see <https://evil.example|your bank> & more',
      parts: 1,
      receivedAt: at,
    });
    const json = JSON.stringify(card);
    expect(json).not.toContain('<!channel>');
    expect(json).not.toContain('<https://evil');
    expect(json).not.toMatch(/@here/);
    expect(json).toContain('&lt;https://evil.example|your bank&gt; &amp; more');
    expect(card.text).toContain('received');
    expect(actionIds(card.blocks)).toEqual([ACTION.inboundSmsReply, ACTION.contactCallBack]);
  });

  test('shows parts and the opt-out note', () => {
    const card = incomingSmsCard({
      transactionId: 1,
      contact,
      ourNumber,
      text: 'STOP',
      parts: 2,
      receivedAt: at,
      optChange: 'out',
    });
    const json = JSON.stringify(card.blocks);
    expect(json).toContain('2 parts');
    expect(json).toContain('opted out');
  });
});

describe('incomingFaxCard', () => {
  test('a received fax shows pages, first lines and three buttons', () => {
    const card = incomingFaxCard({
      contact: { ...contact, name: 'ACME' },
      ourNumber,
      receivedAt: at,
      status: 'received',
      pages: 3,
      text: 'Invoice <b>',
      file: 'attached',
    });
    const json = JSON.stringify(card.blocks);
    expect(json).toContain('*Pages*\\n3');
    expect(json).toContain('Invoice &lt;b&gt;');
    expect(card.text).toContain('3 pages');
    expect(actionIds(card.blocks)).toEqual([ACTION.contactCallBack, ACTION.contactSendSms, ACTION.faxReply]);
  });

  test('a failed fax says why, in words', () => {
    const card = incomingFaxCard({
      contact,
      ourNumber,
      receivedAt: at,
      status: 'failed',
      failure: 'The pages were not A4 or Letter size.',
      file: 'pending',
    });
    expect(card.text).toContain('failed');
    expect(JSON.stringify(card.blocks)).toContain('not A4 or Letter');
  });
});

describe('replyModal', () => {
  test('shows the conversation and a message input; opt-out adds the confirmation', () => {
    const view = replyModal({
      contact,
      conversation: [
        { direction: 'in', text: 'Hello <@U1>', at, status: 'received' },
        { direction: 'out', text: 'Hi!', at, userId: 'U2', status: 'delivered' },
      ],
      optedOut: true,
      privateMetadata: '{}',
    });
    const json = JSON.stringify(view);
    expect(view.callback_id).toBe(VIEW.inboundSmsReply);
    expect(json).toContain('Hello &lt;@U1&gt;');
    expect(json).toContain('<@U2>');
    expect(json).toContain(INBOUND_FIELD.message);
    expect(json).toContain(INBOUND_FIELD.confirmOptOut);
    const plain = replyModal({ contact, conversation: [], optedOut: false, privateMetadata: '{}' });
    expect(JSON.stringify(plain)).not.toContain(INBOUND_FIELD.confirmOptOut);
  });
});
