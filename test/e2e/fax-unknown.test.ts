/**
 * A fax whose send outcome is unknown (the connection to Hoiio reset mid-request) is never re-sent: the card says
 * `unknown` with Check status, and Check status finds the fax in Hoiio's history by our tag. Hoiio is a scripted
 * fake here (the sandbox cannot reset a connection).
 */
import { afterAll, beforeAll, beforeEach, describe, expect, onTestFinished, test } from 'vitest';
import { ACTION } from '../../src/bot/ids.js';
import { HoiioClient } from '../../src/hoiio/index.js';
import { ok, startFakeHoiio } from '../support/fake-hoiio.js';
import { buttonClick } from '../support/slack-actions.js';
import { buttonValue } from '../support/slack-cards.js';
import { startTestApp } from '../support/test-app.js';
import { openTestDatabase, type TestDatabase, testEngines } from '../support/test-db.js';
import { faxSubmission, openFaxModal, pdf } from './fax-helpers.js';

const CHANNEL = 'C0FAXUNKNOWN';
const USER = 'U0FAXUSER';

describe.each(testEngines())('fax outcome unknown (%s)', (engine) => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await openTestDatabase(engine);
  });
  afterAll(() => database.close());
  beforeEach(() => database.reset());

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
    const unknown = await t.slack.waitForCall(
      'chat.update',
      (c) => c.args['channel'] === CHANNEL && /: unknown/.test(c.args['text']),
    );
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
        messageTs: unknown.args['ts'],
        responseUrl: t.slack.responseUrl(),
        triggerId: '4.4.4',
      }),
    );
    expect(res.status).toBe(200);
    const delivered = await t.slack.waitForCall(
      'chat.update',
      (c) => c.args['ts'] === unknown.args['ts'] && /: delivered/.test(c.args['text']),
    );
    expect(JSON.stringify(delivered.args['blocks'])).toContain('AA-C-4242');
    expect(JSON.stringify(delivered.args['blocks'])).toContain('SGD 0.030');
    await t.whenIdle();
    expect(fake.requestsTo('fax/send')).toHaveLength(1); // never re-sent
  });
});
