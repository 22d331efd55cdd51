/**
 * A fax whose send outcome is unknown (the connection to Hoiio reset mid-request) is never re-sent: the card says
 * `unknown` with Check status, and Check status finds the fax in Hoiio's history by our tag. Hoiio is a scripted
 * fake here (the sandbox cannot reset a connection).
 */
import { describe, expect, onTestFinished, test } from 'vitest';
import { ACTION } from '../../src/bot/ids.js';
import { HoiioClient } from '../../src/hoiio/index.js';
import { ok, startFakeHoiio } from '../support/fake-hoiio.js';
import { buttonClick } from '../support/slack-actions.js';
import { buttonValue, cardCalls, cardTs, waitForCard } from '../support/slack-cards.js';
import { startTestApp } from '../support/test-app.js';
import { testEngines, useTestDatabase } from '../support/test-db.js';
import { faxSubmission, openFaxModal, pdf } from './fax-helpers.js';

const CHANNEL = 'C0FAXUNKNOWN';
const USER = 'U0FAXUSER';

describe.each(testEngines())('fax outcome unknown (%s)', (engine) => {
  const database = useTestDatabase(engine);

  test('a reset during fax/send → unknown, one send only; Check status finds it by tag → delivered', async () => {
    const fake = await startFakeHoiio();
    onTestFinished(() => fake.stop());
    const t = await startTestApp({
      database,
      hoiio: new HoiioClient({ appId: 'app', accessToken: 'token', baseUrl: fake.baseUrl }),
    });
    onTestFinished(() => t.stop());
    fake.always('fax/get_rate', ok({ currency: 'SGD', rate: '0.015' }));
    fake.reply('fax/send', { reset: true });

    const file = t.slack.addFile(await pdf(2), { name: 'two.pdf' });
    const view = await openFaxModal(t, '+65 6123 4567', { user: USER, channel: CHANNEL });
    await t.sendSigned(faxSubmission(view, { to: '+65 6123 4567', file }, { user: USER, viewId: 'VUNKNOWN' }));
    // `unknown` may come in the card's post or in an update of it: a card renders the latest state when its job runs
    const unknown = await waitForCard(t.slack, CHANNEL, /: unknown/);
    const cardMessage = cardTs(unknown);
    const check = buttonValue(unknown, ACTION.txnCheckStatus);
    expect(check).toBeDefined();
    await t.whenIdle();
    expect(fake.requestsTo('fax/send')).toHaveLength(1);
    expect(fake.requestsTo('fax/send')[0]?.params['tag']).toBe('hs-v-VUNKNOWN');

    fake.reply(
      'fax/get_history',
      ok({
        entries_count: '1',
        total_entries_count: '1',
        entries: [
          {
            txn_ref: 'AA-C-4242',
            tag: 'hs-v-VUNKNOWN',
            dest: '+6561234567',
            fax_status: 'answered',
            fax_pages: '2',
            date: '2030-01-01 10:00:00',
            duration: '2',
            currency: 'SGD',
            rate: '0.015',
            debit: '0.030',
          },
        ],
      }),
    );
    const res = await t.sendSigned(
      buttonClick({
        actionId: ACTION.txnCheckStatus,
        value: check ?? '',
        user: USER,
        channel: CHANNEL,
        messageTs: cardMessage,
        responseUrl: t.slack.responseUrl(),
        triggerId: '4.4.4',
      }),
    );
    expect(res.status).toBe(200);
    // the card was posted before the click, so Check status edits that same message
    const delivered = await t.slack.waitForCall(
      'chat.update',
      (c) => c.args['ts'] === cardMessage && /: delivered/.test(c.args['text']),
    );
    expect(JSON.stringify(delivered.args['blocks'])).toContain('AA-C-4242');
    expect(JSON.stringify(delivered.args['blocks'])).toContain('SGD 0.030');
    await t.whenIdle();
    expect(fake.requestsTo('fax/send')).toHaveLength(1); // never re-sent
    expect(cardCalls(t.slack, CHANNEL, /^Fax to /).filter((c) => c.method === 'chat.postMessage')).toHaveLength(1);
  });
});
