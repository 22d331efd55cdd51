/** `/hoiio contact`, `history`, `export` and `status`, as a user sees them. */
import { describe, expect, test } from 'vitest';
import { ACTION } from '../../src/bot/ids.js';
import { findContact } from '../../src/db/repositories/contacts.js';
import { insertTransaction } from '../../src/db/repositories/transactions.js';
import type { NewTransactionRow } from '../../src/db/tables/transactions.js';
import type { TestApp } from '../support/test-app.js';
import { testEngines } from '../support/test-db.js';
import { useTestApp } from '../support/use-test-app.js';
import { ADMIN, ADMIN_ENV, blockText, click, command, MEMBER, response } from './admin-helpers.js';

/** The file part of a multipart upload body (the fake records the raw body). */
function fileOfMultipart(body: string): string {
  const boundary = body.slice(0, body.indexOf('\r\n'));
  const start = body.indexOf('\r\n\r\n') + 4;
  return body.slice(start, body.indexOf(`\r\n${boundary}`, start));
}

describe.each(testEngines())('admin commands (%s)', (engine) => {
  const setup = useTestApp(engine);

  async function app(): Promise<TestApp> {
    return setup.startApp({ env: { ...ADMIN_ENV } });
  }

  function txn(i: number, extra: Partial<NewTransactionRow> = {}): NewTransactionRow {
    return {
      kind: 'sms',
      direction: 'out',
      status: 'delivered',
      tag: `hs-h-${i}`,
      to_number: '+6591234567',
      contact_number: '+6591234567',
      our_number: '+6531580001',
      text: `message ${i}`,
      currency: 'SGD',
      debit: '0.050',
      slack_channel_id: 'C0HIST',
      slack_user_id: MEMBER,
      created_at: new Date(Date.now() - (100 - i) * 1000),
      ...extra,
    };
  }

  test('contact add, list, remove; names are escaped and appear in history', async () => {
    const t = await app();
    // As Slack sends what was typed: `Acme <b> @channel Ltd`.
    const add = await t.sendSigned(command(t.slack, 'contact add +65 9123 4567 Acme &lt;b&gt; <!channel> Ltd').request);
    expect(((await add.json()) as { text: string }).text).toContain(
      '+65 9123 4567 is now shown as *Acme &lt;b&gt; @\u200bchannel Ltd*',
    );
    expect((await findContact(t.db, '+6591234567'))?.name).toBe('Acme <b> @channel Ltd');
    const bad = await t.sendSigned(command(t.slack, 'contact add +65 9123 4567').request);
    expect(((await bad.json()) as { text: string }).text).toMatch(/Add the name after the number/);

    const list = await t.sendSigned(command(t.slack, 'contact list').request);
    expect(blockText(((await list.json()) as { blocks: unknown }).blocks)).toMatch(
      /Acme &lt;b&gt; @\u200bchannel Ltd — \+65 9123 4567/,
    );

    await insertTransaction(t.db, txn(1));
    const history = await t.sendSigned(command(t.slack, 'history', { channel: 'C0HIST' }).request);
    expect(blockText(((await history.json()) as { blocks: unknown }).blocks)).toMatch(
      /SMS to Acme &lt;b&gt; @\u200bchannel Ltd \(\+65 9123 4567\) · \*delivered\*/,
    );

    const rm = await t.sendSigned(command(t.slack, 'contact remove +6591234567').request);
    expect(((await rm.json()) as { text: string }).text).toMatch(/Contact \+65 9123 4567 removed/);
    expect(await findContact(t.db, '+6591234567')).toBeUndefined();
  });

  test('history: this channel only, filtered by kind and number, paged with Next and Previous', async () => {
    const t = await app();
    for (let i = 1; i <= 12; i += 1) await insertTransaction(t.db, txn(i));
    await insertTransaction(t.db, txn(13, { kind: 'fax', tag: 'hs-fax', text: null }));
    await insertTransaction(
      t.db,
      txn(14, { tag: 'hs-other', slack_channel_id: 'C0ELSEWHERE', text: 'secret elsewhere' }),
    );
    await insertTransaction(t.db, txn(15, { tag: 'hs-n2', contact_number: '+6598765432', to_number: '+6598765432' }));

    const first = (await (
      await t.sendSigned(command(t.slack, 'history sms', { channel: 'C0HIST' }).request)
    ).json()) as {
      blocks: { type: string; elements?: { action_id: string; value: string; text: { text: string } }[] }[];
    };
    const text = blockText(first.blocks);
    expect(text).toMatch(/1–10, newest first/);
    expect(text).toMatch(/message 15/);
    expect(text).not.toMatch(/secret elsewhere|Fax/);
    const next = first.blocks.find((b) => b.type === 'actions')?.elements?.find((e) => e.text.text === 'Next');
    expect(next?.action_id).toBe(ACTION.historyPage);

    const url = t.slack.responseUrl();
    await t.sendSigned(
      click({
        actionId: ACTION.historyPage,
        value: next?.value ?? '',
        user: MEMBER,
        responseUrl: url,
        channel: 'C0HIST',
      }),
    );
    const page2 = await response(t.slack, url);
    expect(page2.args['replace_original']).toBe(true);
    const text2 = blockText(page2.args['blocks']);
    expect(text2).toMatch(/11–13/);
    expect(text2).toMatch(/message 1\b/);
    expect(text2).toMatch(/Previous/);
    expect(text2).not.toMatch(/Next/);

    const byNumber = (await (
      await t.sendSigned(command(t.slack, 'history +65 9876 5432', { channel: 'C0HIST' }).request)
    ).json()) as { blocks: unknown };
    expect(blockText(byNumber.blocks)).toMatch(/1–1,/);

    const bad = await t.sendSigned(command(t.slack, 'history pizza', { channel: 'C0HIST' }).request);
    expect(((await bad.json()) as { text: string }).text).toMatch(/Usage: `\/hoiio history/);
  });

  async function exportFor(t: TestApp, user: string, args = ''): Promise<string> {
    const c = command(t.slack, `export ${args}`.trim(), { user });
    const res = await t.sendSigned(c.request);
    expect(((await res.json()) as { text: string }).text).toMatch(/Preparing the export/);
    const done = await response(t.slack, c.responseUrl);
    expect(done.args['text']).toMatch(/Sent to you in a DM: hoiio-transactions-.*\.csv/);
    const complete = t.slack
      .calls('files.completeUploadExternal')
      .filter((call) => call.args['channel_id'] === `D${user.slice(1)}`)
      .at(-1);
    const id = (complete?.args['files'] as { id: string }[] | undefined)?.[0]?.id ?? '';
    return fileOfMultipart(t.slack.uploadedBytes(id)?.toString('utf8') ?? '');
  }

  test('export: a CSV in a DM; masked for members, full for admins; formula cells defused; days respected', async () => {
    const t = await app();
    await insertTransaction(t.db, txn(1, { text: '=HYPERLINK("http://evil")', slack_channel_id: 'C0A' }));
    await insertTransaction(t.db, txn(2, { tag: 'hs-old', created_at: new Date(Date.now() - 40 * 86_400_000) }));
    await t.sendSigned(command(t.slack, 'contact add +65 9123 4567 -Acme, "Ltd"').request);

    const member = await exportFor(t, MEMBER);
    const [header, ...lines] = member.trim().split('\r\n');
    expect(header).toMatch(/^created_at_utc,kind,direction,status,contact_number,contact_name,our_number/);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain(",'+65 ••••4567,");
    expect(member).not.toContain('+6591234567');
    expect(member).not.toContain('Acme');
    expect(member).not.toContain('HYPERLINK');
    expect(lines[0]).toContain("'+6531580001"); // our own number stays

    const admin = await exportFor(t, ADMIN, '60');
    const rows = admin.trim().split('\r\n');
    expect(rows).toHaveLength(3);
    // Every cell a spreadsheet would evaluate (= + - @) starts with ', phone numbers included (they stay text).
    expect(admin).toContain(`,'+6591234567,"'-Acme, ""Ltd""",'+6531580001,`);
    expect(admin).toContain(`"'=HYPERLINK(""http://evil"")"`);
    expect(admin).toContain(',SGD,,0.050,');

    const bad = await t.sendSigned(command(t.slack, 'export 1000').request);
    expect(((await bad.json()) as { text: string }).text).toMatch(/from 1 to 366/);
  });

  test('status: honest self-check; members see masked webhook URLs, admins the full ones', async () => {
    const t = await app();
    const member = command(t.slack, 'status', { user: MEMBER });
    await t.sendSigned(member.request);
    const shown = blockText((await response(t.slack, member.responseUrl)).args['blocks']);
    expect(shown).toMatch(/:white_check_mark: \*Hoiio credentials\*: accepted: account AA-1001/);
    expect(shown).toMatch(/:white_check_mark: \*Balance\*: SGD 100\.000/);
    expect(shown).toMatch(/:white_check_mark: \*PUBLIC_URL reachable\*/);
    expect(shown).toMatch(/:white_check_mark: \*Webhook route\*: .*got 401/);
    expect(shown).toMatch(/:white_check_mark: \*Database\*/);
    expect(shown).toMatch(/:grey_question: \*Slack scopes\*: token accepted; Slack did not list its scopes/);
    expect(shown).toMatch(/• sms: never/);
    expect(shown).toContain('/hoiio/****/voice');
    expect(shown).not.toContain(t.deps.webhookUrls.token);

    await t.sandbox.trigger.sms({ from: '+6591234567', msg: 'hello' });
    await t.whenIdle();
    const admin = command(t.slack, 'status', { user: ADMIN });
    await t.sendSigned(admin.request);
    const full = blockText((await response(t.slack, admin.responseUrl)).args['blocks']);
    expect(full).toContain(t.webhookUrl('voice'));
    expect(full).not.toMatch(/• sms: never/);
  });
});
