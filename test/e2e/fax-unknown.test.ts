/**
 * A fax whose send outcome is unknown (the connection to Hoiio reset mid-request) is never re-sent: the card says
 * `unknown` with Check status, and Check status finds the fax in Hoiio's history by our tag. Hoiio is a scripted
 * fake here (the sandbox cannot reset a connection).
 */
import { PDFDocument } from 'pdf-lib';
import { afterAll, beforeAll, beforeEach, describe, expect, onTestFinished, test } from 'vitest';
import { ACTION, FAX_FIELD, VIEW } from '../../src/bot/ids.js';
import { HoiioClient } from '../../src/hoiio/index.js';
import { ok, startFakeHoiio } from '../support/fake-hoiio.js';
import { interaction, slashCommand } from '../support/slack-requests.js';
import { startTestApp } from '../support/test-app.js';
import { openTestDatabase, type TestDatabase, testEngines } from '../support/test-db.js';

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

    const doc = await PDFDocument.create();
    doc.addPage([595.28, 841.89]);
    doc.addPage([595.28, 841.89]);
    const file = t.slack.addFile(await doc.save(), { name: 'two.pdf' });
    await t.sendSigned(slashCommand({ text: 'fax +65 6123 4567', channel_id: CHANNEL, user_id: USER }));
    const view = (await t.slack.waitForCall('views.open')).args['view'];
    await t.sendSigned(
      interaction({
        type: 'view_submission',
        user: { id: USER, username: 'faxer', team_id: 'T0FAKETEAM' },
        view: {
          id: 'VUNKNOWN',
          callback_id: VIEW.faxSend,
          type: 'modal',
          private_metadata: view.private_metadata,
          state: {
            values: {
              [FAX_FIELD.to]: { [FAX_FIELD.to]: { type: 'plain_text_input', value: '+65 6123 4567' } },
              [FAX_FIELD.file]: {
                [FAX_FIELD.file]: { type: 'file_input', files: [{ id: file.id, name: 'two.pdf', filetype: 'pdf' }] },
              },
              [FAX_FIELD.cover]: { [FAX_FIELD.cover]: { type: 'plain_text_input', value: null } },
            },
          },
        },
      }),
    );
    const unknown = await t.slack.waitForCall(
      'chat.update',
      (c) => c.args['channel'] === CHANNEL && /: unknown/.test(c.args['text']),
    );
    const check = (unknown.args['blocks'] as any[])
      .flatMap((b) => (b.type === 'actions' ? b.elements : []))
      .find((e: any) => e.action_id === ACTION.txnCheckStatus);
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
      interaction({
        type: 'block_actions',
        user: { id: USER, username: 'faxer', team_id: 'T0FAKETEAM' },
        trigger_id: '4.4.4',
        response_url: t.slack.responseUrl(),
        channel: { id: CHANNEL, name: 'fax' },
        container: { type: 'message', channel_id: CHANNEL, message_ts: unknown.args['ts'] },
        message: { type: 'message', ts: unknown.args['ts'], text: unknown.args['text'] },
        actions: [
          { type: 'button', action_id: ACTION.txnCheckStatus, block_id: 'b', value: check.value, action_ts: '1' },
        ],
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
