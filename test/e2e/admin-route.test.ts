/** `/hoiio route`: admins only; the modal and the quick form save the route, audit it and point Hoiio forwarding. */
import { describe, expect, test } from 'vitest';
import { ACTION, ADMIN_FIELD as F, VIEW } from '../../src/bot/ids.js';
import { listAuditLog } from '../../src/db/repositories/audit-log.js';
import { findNumberRoute, upsertNumberRoute } from '../../src/db/repositories/number-routes.js';
import type { TestApp } from '../support/test-app.js';
import { testEngines } from '../support/test-db.js';
import { useTestApp } from '../support/use-test-app.js';
import {
  ADMIN,
  ADMIN_ENV,
  blockText,
  click,
  command,
  MEMBER,
  response,
  submitView,
  WORKSPACE_ADMIN,
} from './admin-helpers.js';

describe.each(testEngines())('/hoiio route (%s)', (engine) => {
  const setup = useTestApp(engine);

  async function app(): Promise<TestApp> {
    const t = await setup.startApp({ env: { ...ADMIN_ENV } });
    // Point the sandbox numbers elsewhere first, so the test sees our forwarding call land.
    for (const number of [t.sandbox.voiceNumber, t.sandbox.faxNumber]) {
      await t.deps.hoiio.number.updateForwarding({ number, forwardTo: 'https://old-app.example.com/voice' });
    }
    return t;
  }

  test('a non-admin is refused and nothing changes', async () => {
    const t = await app();
    const list = command(t.slack, 'route', { user: MEMBER });
    expect((await t.sendSigned(list.request)).status).toBe(200);
    expect((await response(t.slack, list.responseUrl)).args['text']).toMatch(/Only workspace admins and owners/);

    const quick = command(t.slack, `route ${t.sandbox.voiceNumber} <#C0SUPPORT|support>`, { user: MEMBER });
    await t.sendSigned(quick.request);
    expect((await response(t.slack, quick.responseUrl)).args['text']).toMatch(/Only workspace admins/);

    const add = command(t.slack, 'route add', { user: MEMBER });
    await t.sendSigned(add.request);
    const refused = await t.slack.waitForCall('views.update', (c) =>
      /Only workspace admins/.test(blockText(c.args['view'])),
    );
    expect(refused.args['view']['submit']).toBeUndefined();

    await t.whenIdle();
    expect(await findNumberRoute(t.db, t.sandbox.voiceNumber)).toBeUndefined();
    expect(await listAuditLog(t.db)).toEqual([]);
    const voice = (await t.sandbox.numbers()).find((n) => n['number'] === t.sandbox.voiceNumber);
    expect(voice?.['forward_to']).toBe('https://old-app.example.com/voice');
  });

  test('quick route by an ADMIN_USER_IDS admin: saved, audited, forwarding (voice + SMS) recorded by Hoiio', async () => {
    const t = await app();
    const quick = command(t.slack, `route +65 3158 0001 <#C0SUPPORT|support-line>`, { user: ADMIN });
    await t.sendSigned(quick.request);
    const answer = await response(t.slack, quick.responseUrl);
    expect(answer.args['text']).toMatch(/Route saved: \*\+65 3158 0001\* → <#C0SUPPORT>/);
    expect(answer.args['text']).toMatch(/Hoiio now forwards calls and SMS to this app/);
    expect(answer.args['text']).not.toContain(t.deps.webhookUrls.token);

    const voice = (await t.sandbox.numbers()).find((n) => n['number'] === t.sandbox.voiceNumber);
    expect(voice).toMatchObject({ forward_to: t.webhookUrl('voice'), forward_to_sms: t.webhookUrl('sms') });
    expect(await findNumberRoute(t.db, t.sandbox.voiceNumber)).toMatchObject({
      channel_id: 'C0SUPPORT',
      forwarding_status: 'ok',
      created_by: ADMIN,
    });
    expect(await listAuditLog(t.db)).toMatchObject([
      { actor_user_id: ADMIN, action: 'route.save', subject: t.sandbox.voiceNumber },
    ]);

    // The list shows it, with the forwarding state.
    const list = command(t.slack, 'route', { user: ADMIN });
    await t.sendSigned(list.request);
    const listed = blockText((await response(t.slack, list.responseUrl)).args['blocks']);
    expect(listed).toMatch(/\+65 3158 0001\* → <#C0SUPPORT>/);
    expect(listed).toMatch(/forwarding points here/);
  });

  test('modal by a workspace admin: number select from get_active, errors, save, fax forwarding', async () => {
    const t = await app();
    t.slack.setUser({ id: WORKSPACE_ADMIN, is_admin: true });
    const add = command(t.slack, 'route add', { user: WORKSPACE_ADMIN, channel: 'C0FAXES' });
    await t.sendSigned(add.request);
    const opened = await t.slack.waitForCall('views.open');
    expect(blockText(opened.args['view'])).toMatch(/Loading your Hoiio numbers/);
    const form = await t.slack.waitForCall('views.update', (c) => c.args['view']['submit'] !== undefined);
    const blocks = form.args['view']['blocks'] as { block_id?: string; element?: Record<string, any> }[];
    const select = blocks.find((b) => b.block_id === F.routeNumber)?.element;
    expect(select?.['options'].map((o: { value: string }) => o.value)).toEqual(
      expect.arrayContaining([t.sandbox.voiceNumber, t.sandbox.faxNumber]),
    );
    expect(blocks.find((b) => b.block_id === F.routeChannel)?.element?.['initial_conversation']).toBe('C0FAXES');
    const meta = String(form.args['view']['private_metadata']);

    const values = (overrides: Record<string, Record<string, unknown>> = {}) => ({
      [F.routeNumber]: { [F.routeNumber]: { type: 'static_select', selected_option: { value: t.sandbox.faxNumber } } },
      [F.routeChannel]: { [F.routeChannel]: { type: 'conversations_select', selected_conversation: 'C0FAXES' } },
      [F.routeLabel]: { [F.routeLabel]: { type: 'plain_text_input', value: 'Fax inbox' } },
      [F.routeGreeting]: { [F.routeGreeting]: { type: 'plain_text_input', value: null } },
      [F.routeRingUsers]: { [F.routeRingUsers]: { type: 'multi_users_select', selected_users: ['U0ALICE'] } },
      [F.routeRingTimeout]: { [F.routeRingTimeout]: { type: 'number_input', value: '25' } },
      [F.routeVoicemail]: { [F.routeVoicemail]: { type: 'checkboxes', selected_options: [{ value: 'on' }] } },
      [F.routeMenu]: {
        [F.routeMenu]: {
          type: 'rich_text_input',
          rich_text_value: {
            type: 'rich_text',
            elements: [
              {
                type: 'rich_text_section',
                elements: [
                  { type: 'text', text: '1=sales: ' },
                  { type: 'user', user_id: 'U0BOB' },
                  { type: 'text', text: '\n2=support:' },
                ],
              },
            ],
          },
        },
      },
      ...overrides,
    });

    // A bad menu and timeout: field errors, nothing saved.
    const bad = await t.sendSigned(
      submitView({
        callbackId: VIEW.adminRoute,
        user: WORKSPACE_ADMIN,
        privateMetadata: meta,
        values: values({
          [F.routeRingTimeout]: { [F.routeRingTimeout]: { type: 'number_input', value: '500' } },
          [F.routeMenu]: {
            [F.routeMenu]: {
              type: 'rich_text_input',
              rich_text_value: {
                type: 'rich_text',
                elements: [{ type: 'rich_text_section', elements: [{ type: 'text', text: 'press one' }] }],
              },
            },
          },
        }),
      }),
    );
    expect(await bad.json()).toMatchObject({
      response_action: 'errors',
      errors: { [F.routeRingTimeout]: expect.any(String), [F.routeMenu]: expect.stringMatching(/1=sales/) },
    });
    expect(await findNumberRoute(t.db, t.sandbox.faxNumber)).toBeUndefined();

    // Someone else submitting the admin's form is refused.
    const other = await t.sendSigned(
      submitView({ callbackId: VIEW.adminRoute, user: MEMBER, privateMetadata: meta, values: values() }),
    );
    expect(blockText(((await other.json()) as Record<string, unknown>)['view'])).toMatch(/Only workspace admins/);

    const ok = await t.sendSigned(
      submitView({
        callbackId: VIEW.adminRoute,
        user: WORKSPACE_ADMIN,
        viewId: 'V0ROUTE',
        privateMetadata: meta,
        values: values(),
      }),
    );
    expect(blockText(((await ok.json()) as Record<string, unknown>)['view'])).toMatch(/Pointing Hoiio forwarding/);
    const done = await t.slack.waitForCall('views.update', (c) => c.args['view_id'] === 'V0ROUTE');
    expect(blockText(done.args['view'])).toMatch(/Hoiio now forwards faxes to this app/);

    const fax = (await t.sandbox.numbers()).find((n) => n['number'] === t.sandbox.faxNumber);
    expect(fax).toMatchObject({ mode: 'fax', forward_to: t.webhookUrl('fax') });
    expect(await findNumberRoute(t.db, t.sandbox.faxNumber)).toMatchObject({
      channel_id: 'C0FAXES',
      label: 'Fax inbox',
      ring_user_ids: ['U0ALICE'],
      ring_timeout: 25,
      voicemail: true,
      menu: {
        prompt: 'Press 1 for sales, Press 2 for support.',
        options: { '1': { label: 'sales', ring_user_ids: ['U0BOB'] }, '2': { label: 'support', ring_user_ids: [] } },
      },
    });
    expect(await listAuditLog(t.db)).toMatchObject([{ actor_user_id: WORKSPACE_ADMIN, action: 'route.save' }]);
  });

  test('forwarding that Hoiio refuses is reported; remove asks, then removes and audits', async () => {
    const t = await app();
    // Not a number of this account: saved, but forwarding fails and says why.
    const quick = command(t.slack, 'route +65 3158 9999 <#C0SUPPORT|support>', { user: ADMIN });
    await t.sendSigned(quick.request);
    const answer = await response(t.slack, quick.responseUrl);
    expect(answer.args['text']).toMatch(/pointing the number's Hoiio forwarding at this app failed: it is not one of/);
    expect((await findNumberRoute(t.db, '+6531589999'))?.forwarding_status).toMatch(/not one of the active numbers/);

    await upsertNumberRoute(t.db, { number: t.sandbox.voiceNumber, channel_id: 'C0SUPPORT' });
    const url = t.slack.responseUrl();
    await t.sendSigned(
      click({
        actionId: ACTION.routeEdit,
        selectedOption: `remove:${t.sandbox.voiceNumber}`,
        user: ADMIN,
        responseUrl: url,
      }),
    );
    const confirm = await response(t.slack, url);
    expect(confirm.args['text']).toMatch(/Remove the route of \+65 3158 0001\?/);

    // A member cannot press the confirm button of an admin's message.
    const url2 = t.slack.responseUrl();
    await t.sendSigned(
      click({ actionId: ACTION.routeRemove, value: t.sandbox.voiceNumber, user: MEMBER, responseUrl: url2 }),
    );
    expect((await response(t.slack, url2)).args['text']).toMatch(/Only workspace admins/);
    expect(await findNumberRoute(t.db, t.sandbox.voiceNumber)).toBeDefined();

    const url3 = t.slack.responseUrl();
    await t.sendSigned(
      click({ actionId: ACTION.routeRemove, value: t.sandbox.voiceNumber, user: ADMIN, responseUrl: url3 }),
    );
    expect((await response(t.slack, url3)).args['text']).toMatch(/Route of \*\+65 3158 0001\* removed/);
    expect(await findNumberRoute(t.db, t.sandbox.voiceNumber)).toBeUndefined();
    expect((await listAuditLog(t.db)).map((a) => a.action)).toEqual(['route.remove', 'route.save']);
  });
});
