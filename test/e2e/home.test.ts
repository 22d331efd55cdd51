/** App Home: what each user sees, Redrive of a dead job (admins), the quick modals and the settings modal. */
import { sql } from 'kysely';
import { describe, expect, test } from 'vitest';
import { ACTION, ADMIN_FIELD, QUEUE, SMS_FIELD, VIEW } from '../../src/bot/ids.js';
import { enqueueJob } from '../../src/db/job-queue.js';
import { listAuditLog } from '../../src/db/repositories/audit-log.js';
import { insertInboundEvent } from '../../src/db/repositories/inbound-events.js';
import { upsertNumberRoute } from '../../src/db/repositories/number-routes.js';
import { getSetting } from '../../src/db/repositories/settings.js';
import { insertTransaction } from '../../src/db/repositories/transactions.js';
import { setUserPhone } from '../../src/db/repositories/user-profiles.js';
import type { RecordedCall } from '../support/fake-slack.js';
import { eventCallback } from '../support/slack-requests.js';
import type { TestApp } from '../support/test-app.js';
import { testEngines } from '../support/test-db.js';
import { useTestApp } from '../support/use-test-app.js';
import { ADMIN, ADMIN_ENV, blockText, click, MEMBER, submitView } from './admin-helpers.js';

const dm = (user: string) => `D${user.slice(1)}`;

function homeOpened(user: string) {
  return eventCallback({ type: 'app_home_opened', user, channel: dm(user), tab: 'home' });
}

function buttons(view: Record<string, any>): { action_id: string; value?: string; text: { text: string } }[] {
  const blocks = (view['blocks'] ?? []) as { elements?: unknown[]; accessory?: unknown }[];
  return blocks.flatMap((b) => [...(b.elements ?? []), ...(b.accessory ? [b.accessory] : [])]) as never[];
}

describe.each(testEngines())('App Home (%s)', (engine) => {
  const setup = useTestApp(engine);

  async function app(): Promise<TestApp> {
    return setup.startApp({ env: { ...ADMIN_ENV } });
  }

  async function published(t: TestApp, user: string, after = 0): Promise<RecordedCall> {
    return t.slack.waitForCall('views.publish', (c) => c.args['user_id'] === user && c.seq > after);
  }

  test('shows balance, phone, routes, unhandled calls, unrouted events; dead jobs and Redrive for admins only', async () => {
    const t = await app();
    await upsertNumberRoute(t.db, { number: t.sandbox.voiceNumber, channel_id: 'C0SUPPORT', label: 'Support <b>' });
    await setUserPhone(t.db, MEMBER, '+6591112222');
    await insertTransaction(t.db, {
      kind: 'ivr',
      direction: 'in',
      status: 'missed',
      txn_ref: 'IN-1',
      from_number: '+6598887777',
      contact_number: '+6598887777',
      slack_channel_id: 'C0SUPPORT',
    });
    await insertTransaction(t.db, {
      kind: 'ivr',
      direction: 'in',
      status: 'voicemail',
      txn_ref: 'IN-2',
      contact_number: '+6598886666',
      meta: JSON.stringify({ handled_by: 'U0SOMEONE' }),
    });
    await insertTransaction(t.db, {
      kind: 'sms',
      direction: 'out',
      status: 'delivered',
      tag: 'hs-mine',
      contact_number: '+6591234567',
      slack_user_id: MEMBER,
    });
    await insertInboundEvent(t.db, { kind: 'sms', dedupeKey: 'x', params: {}, state: 'unrouted' });
    const job = await enqueueJob(t.db, {
      queue: QUEUE.slackPost,
      payload: { op: 'message', channel: 'C0REDRIVE', text: 'back from the dead' },
      runAt: new Date(Date.now() + 3_600_000), // not claimed before it is made dead below
    });
    await sql`update jobs set state = 'dead', finished_at = now(), last_error = 'Error: <boom>' where id = ${job?.id}`.execute(
      t.db,
    );

    await t.sendSigned(homeOpened(MEMBER));
    const member = (await published(t, MEMBER)).args['view'] as Record<string, any>;
    const text = blockText(member);
    expect(text).toMatch(/\*Balance:\* SGD 100\.000/);
    expect(text).toMatch(/SGD 0(\.000)? \(no monthly cap\)/);
    expect(text).toMatch(/\*Your phone:\* \+65 9111 2222 \(not verified\) — rung first when you call\. Confirm it/);
    expect(text).toMatch(/\+65 3158 0001\* \(Support &lt;b&gt;\) → <#C0SUPPORT>/);
    expect(text).toMatch(/Call from \+65 9888 7777 · \*missed\*.* in <#C0SUPPORT>/);
    expect(text).not.toMatch(/9888 6666/); // handled
    expect(text).toMatch(/• sms unrouted/);
    expect(text).toMatch(/SMS to \+65 9123 4567 · \*delivered\*/);
    expect(text).not.toMatch(/Dead jobs/);
    expect(buttons(member).map((b) => b.action_id)).toEqual([ACTION.homeSendSms, ACTION.homeSendFax, ACTION.homeCall]);

    await t.sendSigned(homeOpened(ADMIN));
    const admin = (await published(t, ADMIN)).args['view'] as Record<string, any>;
    expect(blockText(admin)).toMatch(/\*Dead jobs\* \(1\)/);
    expect(blockText(admin)).toMatch(/`slack.post` #\d+, 0 attempt\(s\) — Error: &lt;boom&gt;/);
    const redrive = buttons(admin).find((b) => b.action_id === ACTION.homeRedrive);
    expect(redrive?.value).toBe(String(job?.id));

    // A member's forged click does nothing.
    const seq = t.slack.calls().length;
    await t.sendSigned(click({ actionId: ACTION.homeRedrive, value: String(job?.id), user: MEMBER, home: true }));
    await published(t, MEMBER, seq);
    expect(
      (
        await t.db
          .selectFrom('jobs')
          .select('state')
          .where('id', '=', job?.id ?? 0)
          .executeTakeFirst()
      )?.state,
    ).toBe('dead');

    const before = t.slack.calls().length;
    await t.sendSigned(click({ actionId: ACTION.homeRedrive, value: String(job?.id), user: ADMIN, home: true }));
    const posted = await t.slack.waitForCall('chat.postMessage', (c) => c.args['channel'] === 'C0REDRIVE');
    expect(posted.args['text']).toBe('back from the dead');
    const again = (await published(t, ADMIN, before)).args['view'] as Record<string, any>;
    await t.whenIdle();
    expect(await listAuditLog(t.db)).toMatchObject([
      { actor_user_id: ADMIN, action: 'job.redrive', subject: String(job?.id) },
    ]);
    expect(blockText(again)).toMatch(/\*Dead jobs\* \(none\)/);
  });

  test('quick buttons open the SMS, fax and call modals; the call modal places a call whose card goes to the DM', async () => {
    const t = await app();
    await t.sendSigned(homeOpened(MEMBER));
    const view = (await published(t, MEMBER)).args['view'] as Record<string, any>;
    const value = (id: string) => buttons(view).find((b) => b.action_id === id)?.value ?? '';
    expect(value(ACTION.homeSendSms)).toBe(dm(MEMBER));

    await t.sendSigned(
      click({ actionId: ACTION.homeSendSms, value: value(ACTION.homeSendSms), user: MEMBER, home: true }),
    );
    const sms = await t.slack.waitForCall('views.open', (c) => c.args['view']['callback_id'] === VIEW.smsSend);
    expect(JSON.parse(sms.args['view']['private_metadata'])).toEqual({ channel: dm(MEMBER) });
    expect(JSON.stringify(sms.args['view']['blocks'])).toContain(SMS_FIELD.to);

    await t.sendSigned(
      click({ actionId: ACTION.homeSendFax, value: value(ACTION.homeSendFax), user: MEMBER, home: true }),
    );
    await t.slack.waitForCall('views.open', (c) => c.args['view']['callback_id'] === VIEW.faxSend);

    await t.sendSigned(click({ actionId: ACTION.homeCall, value: value(ACTION.homeCall), user: MEMBER, home: true }));
    const call = await t.slack.waitForCall('views.open', (c) => c.args['view']['callback_id'] === VIEW.homeCall);
    const meta = String(call.args['view']['private_metadata']);
    const field = (v: string | null) => ({
      [ADMIN_FIELD.homeCallNumber]: { [ADMIN_FIELD.homeCallNumber]: { type: 'plain_text_input', value: v } },
    });
    const bad = await t.sendSigned(
      submitView({ callbackId: VIEW.homeCall, user: MEMBER, privateMetadata: meta, values: field('12') }),
    );
    expect(((await bad.json()) as { response_action: string }).response_action).toBe('errors');

    await setUserPhone(t.db, MEMBER, '+6591112222');
    const ok = await t.sendSigned(
      submitView({ callbackId: VIEW.homeCall, user: MEMBER, privateMetadata: meta, values: field('+65 6123 4567') }),
    );
    expect(blockText(((await ok.json()) as { view: unknown }).view)).toMatch(/6123 4567/);
    await t.slack.waitForCall('chat.postMessage', (c) => c.args['channel'] === dm(MEMBER));
    await t.whenIdle();
    const calls = (await t.sandbox.outbox()).filter((i) => i['kind'] === 'call');
    expect(calls).toMatchObject([{ dest1: '+6591112222', dest2: '+6561234567' }]);
  });

  test('settings modal (admins): cap and undo window saved with audit entries; a member gets no modal', async () => {
    const t = await app();
    await t.sendSigned(click({ actionId: ACTION.homeSettings, value: 'SGD', user: MEMBER, home: true }));
    await t.sendSigned(homeOpened(ADMIN));
    const view = (await published(t, ADMIN)).args['view'] as Record<string, any>;
    const settings = buttons(view).find((b) => b.action_id === ACTION.homeSettings);
    expect(settings?.value).toBe('SGD');
    await t.sendSigned(click({ actionId: ACTION.homeSettings, value: settings?.value ?? '', user: ADMIN, home: true }));
    const modal = await t.slack.waitForCall('views.open', (c) => c.args['view']['callback_id'] === VIEW.adminSettings);
    expect(t.slack.calls('views.open')).toHaveLength(1); // none for the member
    const values = (cap: string | null, undo: string) => ({
      [ADMIN_FIELD.spendCap]: { [ADMIN_FIELD.spendCap]: { type: 'plain_text_input', value: cap } },
      [ADMIN_FIELD.undoWindow]: { [ADMIN_FIELD.undoWindow]: { type: 'number_input', value: undo } },
    });
    const meta = String(modal.args['view']['private_metadata']);
    const bad = await t.sendSigned(
      submitView({ callbackId: VIEW.adminSettings, user: ADMIN, privateMetadata: meta, values: values('lots', '5') }),
    );
    expect(await bad.json()).toMatchObject({
      response_action: 'errors',
      errors: { [ADMIN_FIELD.spendCap]: expect.any(String) },
    });

    const ok = await t.sendSigned(
      submitView({ callbackId: VIEW.adminSettings, user: ADMIN, privateMetadata: meta, values: values('25.5', '15') }),
    );
    expect(ok.status).toBe(200);
    expect(await getSetting(t.db, 'spend.cap')).toEqual({ amount: '25.5', currency: 'SGD' });
    expect(await getSetting(t.db, 'send.undo_window_seconds')).toBe(15);
    expect((await listAuditLog(t.db)).map((a) => a.subject).sort()).toEqual(['send.undo_window_seconds', 'spend.cap']);
    const refreshed = (await published(t, ADMIN, modal.seq)).args['view'] as Record<string, any>;
    expect(blockText(refreshed)).toMatch(/of the SGD 25\.500 cap \(0 %\)/);
    expect(blockText(refreshed)).toMatch(/\*Undo window:\* 15s/);
  });
});
