/**
 * Outbound fax end to end: signed Slack requests to the real app, the fake Slack serving the PDF as a Slack file,
 * the embedded sandbox as Hoiio (its outbox is what Hoiio received), a real database (PGlite, and PostgreSQL when
 * TEST_DATABASE_URL is set).
 */
import { describe, expect, test } from 'vitest';
import { ACTION, FAX_FIELD, SHORTCUT, VIEW } from '../../src/bot/ids.js';
import { inspectPdf } from '../../src/bot/media/index.js';
import { explainFaxError, type HoiioClient } from '../../src/hoiio/index.js';
import { sandboxClientThrough } from '../support/sandbox-client.js';
import { buttonClick, messageShortcut } from '../support/slack-actions.js';
import { buttonValue, cardCalls, cardTs, postedTs, waitForCard } from '../support/slack-cards.js';
import type { TestApp } from '../support/test-app.js';
import { testEngines } from '../support/test-db.js';
import { useTestApp } from '../support/use-test-app.js';
import { faxes, faxSubmission, openFaxModal, pdf } from './fax-helpers.js';

const CHANNEL = 'C0FAXCHAN';
const USER = 'U0FAXUSER';
const DEST = '+6561234567';

/** `/hoiio fax <args>` → the modal Slack was asked to open. */
function openModal(t: TestApp, args: string): Promise<any> {
  return openFaxModal(t, args, { user: USER, channel: CHANNEL });
}

function submission(view: any, fields: Parameters<typeof faxSubmission>[1], viewId?: string) {
  return faxSubmission(view, fields, { user: USER, ...(viewId !== undefined ? { viewId } : {}) });
}

describe.each(testEngines())('outbound fax (%s)', (engine) => {
  const setup = useTestApp(engine);

  async function app(options: { hoiio?: HoiioClient } = {}): Promise<TestApp> {
    return setup.startApp(options);
  }

  test('a 3-page PDF is faxed once, with its pages, and the card goes queued → sent → delivered', async () => {
    // fax/send reaches Hoiio only once the card is posted: a card renders the latest state when its job runs, so
    // without holding the send a loaded machine could post the card already delivered.
    let t: TestApp | undefined;
    const sandbox = sandboxClientThrough(async ({ path, forward }) => {
      if (path.endsWith('/fax/send')) {
        if (t === undefined) throw new Error('fax/send before the test app started');
        await t.slack.waitForCall('chat.postMessage', (c) => c.args['channel'] === CHANNEL);
      }
      return forward();
    });
    t = await app({ hoiio: sandbox.hoiio });
    sandbox.attach(t.url);
    const file = t.slack.addFile(await pdf(3), { name: 'contract.pdf' });
    const view = await openModal(t, '+65 6123 4567');
    expect(view.callback_id).toBe(VIEW.faxSend);
    const to = view.blocks.find((b: any) => b.block_id === FAX_FIELD.to);
    expect(to.element.initial_value).toBe('+65 6123 4567');
    expect(view.blocks.find((b: any) => b.block_id === FAX_FIELD.file).element).toMatchObject({
      type: 'file_input',
      filetypes: ['pdf'],
      max_files: 1,
    });

    const res = await t.sendSigned(submission(view, { to: '+65 6123 4567', file }, 'VFAX3PAGES'));
    expect(res.status).toBe(200);
    expect(await res.text()).toBe(''); // the modal closes

    const queued = await t.slack.waitForCall('chat.postMessage', (c) => c.args['channel'] === CHANNEL);
    expect(queued.args['text']).toMatch(/Fax to \+65 6123 4567: queued/);
    const delivered = await t.slack.waitForCall(
      'chat.update',
      (c) => c.args['channel'] === CHANNEL && /: delivered/.test(c.args['text']),
    );
    expect(delivered.args['ts']).toBe(postedTs(queued));
    const blocks = JSON.stringify(delivered.args['blocks']);
    expect(blocks).toContain('contract.pdf');
    expect(blocks).toContain(`<@${USER}>`);
    expect(blocks).toMatch(/\*Pages\*\\n3/);
    expect(blocks).toMatch(/SGD \d+\.\d{3}/);
    await t.whenIdle();

    const sent = await faxes(t);
    expect(sent).toHaveLength(1);
    expect(sent[0]).toMatchObject({ dest: DEST, pages: 3, status: 'answered', tag: 'hs-v-VFAX3PAGES' });
    expect(sent[0]?.filename).toBe('contract.pdf');
    // updated in place, never a second post; it carries Hoiio's ref from the send. (Whether an update showing
    // `sent` is seen depends on how fast the result notification follows: a card shows the latest state.)
    expect(t.slack.calls('chat.postMessage').filter((c) => c.args['channel'] === CHANNEL)).toHaveLength(1);
    expect(blocks).toContain(sent[0]?.txn_ref as string);
    // the file was fetched with the bot token from the URL Slack gave
    const downloads = t.slack.calls('file_download');
    expect(downloads).toHaveLength(1);
    expect(downloads[0]?.response.status).toBe(200);
  });

  test('a cover note adds an A4 cover page with the note, the sender and the page count', async () => {
    const t = await app();
    t.slack.setUser({ id: USER, profile: { real_name: 'Jane Tan' } });
    const file = t.slack.addFile(await pdf(3), { name: 'invoice.pdf' });
    const view = await openModal(t, '');
    await t.sendSigned(submission(view, { to: '6123 4567', file, cover: 'Please sign page 2 <!channel>' }));
    await waitForCard(t.slack, CHANNEL, /: delivered/);
    await t.whenIdle();
    const [item] = await faxes(t);
    expect(item?.pages).toBe(4);
    const bytes = new Uint8Array(await (await fetch(item?.file_url ?? '')).arrayBuffer());
    const summary = await inspectPdf(bytes, { maxTextChars: 2000 });
    expect(summary.pages).toBe(4);
    expect(summary.text).toContain('Please sign page 2 <!channel>');
    expect(summary.text).toContain('Jane Tan');
    expect(summary.text).toContain('4 including this cover page');
    const card = await waitForCard(t.slack, CHANNEL, /: delivered/);
    expect(JSON.stringify(card.args['blocks'])).toContain('4 (incl. cover page)');
  });

  test('a file that is not a PDF fails with a clear card and a DM, and nothing is faxed', async () => {
    const t = await app();
    const file = t.slack.addFile(new TextEncoder().encode('just some text, not a PDF'), { name: 'notes.pdf' });
    const view = await openModal(t, DEST);
    await t.sendSigned(submission(view, { to: DEST, file }));
    const failed = await waitForCard(t.slack, CHANNEL, /: failed/);
    expect(failed.args['text']).toMatch(/not a PDF/);
    expect(JSON.stringify(failed.args['blocks'])).not.toContain(ACTION.faxRetry);
    const dm = await t.slack.waitForCall('chat.postMessage', (c) => c.args['channel'] === USER);
    expect(dm.args['text']).toMatch(/was not sent: The file is not a PDF/);
    await t.whenIdle();
    expect(await faxes(t)).toEqual([]);
  });

  test('a corrupt PDF and a PDF larger than 2 MB fail, and nothing is faxed', async () => {
    const t = await app();
    const corrupt = t.slack.addFile(new TextEncoder().encode('%PDF-1.4\nthis is not really a pdf\n%%EOF'), {
      name: 'broken.pdf',
    });
    const view = await openModal(t, DEST);
    await t.sendSigned(submission(view, { to: DEST, file: corrupt }));
    const unreadable = await waitForCard(t.slack, CHANNEL, /: failed/);
    expect(unreadable.args['text']).toMatch(/could not be read/);

    // Too large: padded past 2 MB after a valid PDF, shared in a message and faxed through the shortcut (the
    // modal never sees a size), so the worker's cap is what stops it.
    const big = new Uint8Array([
      ...(await pdf(1)),
      ...new TextEncoder().encode(`%${'x'.repeat(2 * 1024 * 1024 + 10)}\n`),
    ]);
    const large = t.slack.addFile(big, { name: 'scan.pdf' });
    await t.sendSigned(
      messageShortcut({
        callbackId: SHORTCUT.faxFromMessage,
        user: USER,
        channel: CHANNEL,
        ts: '1700000000.000100',
        text: 'scan attached',
        files: [{ id: large.id, name: 'scan.pdf', filetype: 'pdf' }],
        responseUrl: t.slack.responseUrl(),
        triggerId: '9.9.9',
      }),
    );
    const shortcutView = (
      await t.slack.waitForCall('views.open', (c) => /scan\.pdf/.test(JSON.stringify(c.args['view'])))
    ).args['view'];
    await t.sendSigned(submission(shortcutView, { to: DEST }));
    const tooLarge = await waitForCard(t.slack, CHANNEL, /: failed.*2 MB/);
    expect(tooLarge.args['text']).toMatch(/larger than the 2 MB Hoiio accepts for a fax/);
    await t.whenIdle();
    expect(await faxes(t)).toEqual([]);
  });

  test('the modal refuses a bad number, a missing file and a declared size over 2 MB, with field errors', async () => {
    const t = await app();
    const file = t.slack.addFile(await pdf(1), { name: 'a.pdf' });
    const view = await openModal(t, '');
    const bad = await t.sendSigned(submission(view, { to: '12' }));
    expect(bad.status).toBe(200);
    const body = (await bad.json()) as { response_action: string; errors: Record<string, string> };
    expect(body.response_action).toBe('errors');
    expect(Object.keys(body.errors).sort()).toEqual([FAX_FIELD.file, FAX_FIELD.to].sort());
    const big = await t.sendSigned(submission(view, { to: DEST, file, size: 3 * 1024 * 1024 }));
    expect(((await big.json()) as any).errors[FAX_FIELD.file]).toMatch(/2 MB/);
    await t.whenIdle();
    expect(await faxes(t)).toEqual([]);
    expect(t.slack.calls('chat.postMessage')).toEqual([]);
  });

  test('a file_err from Hoiio fails the card with the explanation', async () => {
    const t = await app();
    const file = t.slack.addFile(await pdf(2), { name: 'weird.pdf' });
    const view = await openModal(t, '');
    await t.sendSigned(submission(view, { to: '+6560000023', file }));
    const failed = await waitForCard(t.slack, CHANNEL, /: failed/);
    expect(failed.args['text']).toContain(explainFaxError('file_err'));
    expect(JSON.stringify(failed.args['blocks'])).not.toContain(ACTION.faxRetry);
    await t.whenIdle();
    expect(await faxes(t)).toMatchObject([{ dest: '+6560000023', status: 'failed', fax_error_code: 'file_err' }]);
  });

  test('a busy line fails with Retry; Retry (clicked twice) sends one linked fax', async () => {
    const t = await app();
    const file = t.slack.addFile(await pdf(1), { name: 'a.pdf' });
    const view = await openModal(t, '');
    await t.sendSigned(submission(view, { to: '+6560000021', file }));
    const failed = await waitForCard(t.slack, CHANNEL, /: failed/);
    expect(failed.args['text']).toContain(explainFaxError('busy'));
    const retry = buttonValue(failed, ACTION.faxRetry);
    expect(retry).toBeDefined();
    await t.whenIdle();

    const click = () =>
      t.sendSigned(
        buttonClick({
          actionId: ACTION.faxRetry,
          value: retry ?? '',
          user: USER,
          channel: CHANNEL,
          messageTs: cardTs(failed),
          responseUrl: t.slack.responseUrl(),
          triggerId: '5.5.5',
        }),
      );
    const [a, b] = await Promise.all([click(), click()]);
    expect([a.status, b.status]).toEqual([200, 200]);
    await t.whenIdle();
    const sent = await faxes(t);
    expect(sent).toHaveLength(2);
    expect(sent.map((f) => f.tag).sort()).toEqual(
      [expect.stringMatching(/^hs-r-\d+$/), expect.stringMatching(/^hs-v-/)].sort(),
    );
    const retryCards = t.slack
      .calls('chat.postMessage')
      .filter((c) => c.args['channel'] === CHANNEL && /\(retry\)/.test(JSON.stringify(c.args['blocks'])));
    expect(retryCards).toHaveLength(1);
    // the old card lost its Retry button (its last post or update: `failed` may have come in the post)
    const lastOld = cardCalls(t.slack, CHANNEL, /^Fax to /)
      .filter((c) => cardTs(c) === cardTs(failed))
      .at(-1);
    expect(lastOld?.method).toBe('chat.update');
    expect(JSON.stringify(lastOld?.args['blocks'])).not.toContain(ACTION.faxRetry);
  });

  test('a double-submitted modal sends one fax and posts one card', async () => {
    const t = await app();
    const file = t.slack.addFile(await pdf(2), { name: 'twice.pdf' });
    const view = await openModal(t, DEST);
    const request = submission(view, { to: DEST, file }, 'VDOUBLE');
    const [a, b] = await Promise.all([t.sendSigned(request), t.sendSigned(request)]);
    expect([a.status, b.status]).toEqual([200, 200]);
    await waitForCard(t.slack, CHANNEL, /: delivered/);
    await t.whenIdle();
    expect(await faxes(t)).toHaveLength(1);
    expect(t.slack.calls('chat.postMessage').filter((c) => c.args['channel'] === CHANNEL)).toHaveLength(1);
  });

  test('"Fax this PDF" opens the modal with the message PDF and number, and faxes that file', async () => {
    const t = await app();
    const file = t.slack.addFile(await pdf(2), { name: 'order.pdf' });
    await t.sendSigned(
      messageShortcut({
        callbackId: SHORTCUT.faxFromMessage,
        user: USER,
        channel: CHANNEL,
        ts: '1700000000.000200',
        text: 'Please fax this to 6123 4567 today',
        files: [
          { id: 'F0IMAGE', name: 'photo.png', filetype: 'png' },
          { id: file.id, name: 'order.pdf', filetype: 'pdf' },
        ],
        responseUrl: t.slack.responseUrl(),
        triggerId: '7.7.7',
      }),
    );
    const view = (await t.slack.waitForCall('views.open')).args['view'];
    expect(view.blocks.find((b: any) => b.block_id === FAX_FIELD.to).element.initial_value).toBe('+65 6123 4567');
    expect(JSON.stringify(view.blocks)).toContain('order.pdf');
    expect(view.blocks.find((b: any) => b.block_id === FAX_FIELD.file).optional).toBe(true);
    await t.sendSigned(submission(view, { to: '+65 6123 4567' }));
    await waitForCard(t.slack, CHANNEL, /: delivered/);
    await t.whenIdle();
    expect(await faxes(t)).toMatchObject([{ dest: DEST, pages: 2, filename: 'order.pdf' }]);
  });

  test('"Fax this PDF" on a message without a PDF opens the modal with a hint; "Reply by fax" prefills', async () => {
    const t = await app();
    await t.sendSigned(
      messageShortcut({
        callbackId: SHORTCUT.faxFromMessage,
        user: USER,
        channel: CHANNEL,
        ts: '1700000000.000300',
        text: 'no attachment here',
        responseUrl: t.slack.responseUrl(),
        triggerId: '8.8.8',
      }),
    );
    const hinted = (await t.slack.waitForCall('views.open')).args['view'];
    expect(JSON.stringify(hinted.blocks)).toContain('no PDF attached');
    expect(hinted.blocks.find((b: any) => b.block_id === FAX_FIELD.file).optional).toBe(false);

    await t.sendSigned(
      buttonClick({
        actionId: ACTION.faxReply,
        value: '+6562223333',
        user: USER,
        channel: CHANNEL,
        messageTs: '1700000000.000400',
        threadTs: '1700000000.000001',
        responseUrl: t.slack.responseUrl(),
        triggerId: '6.6.6',
      }),
    );
    const reply = await t.slack.waitForCall('views.open', (c) => c.args['trigger_id'] === '6.6.6');
    expect(reply.args['view'].blocks.find((b: any) => b.block_id === FAX_FIELD.to).element.initial_value).toBe(
      '+65 6222 3333',
    );
  });
});
