/**
 * `/hoiio me <number>` confirmed by an SMS code, end to end through the real app, the sandbox and the fake Slack:
 * one SMS with a 6-digit code (never in transactions, logs, jobs or Slack), the saved phone unchanged until
 * `/hoiio me confirm <code>`; wrong codes, expiry, the limits, the spend cap, Hoiio refusing the number, the job
 * run again and an unknown send outcome — each still one SMS.
 */
import { sql } from 'kysely';
import { describe, expect, test } from 'vitest';
import { QUEUE } from '../../src/bot/ids.js';
import { SETTING, setSetting } from '../../src/db/repositories/settings.js';
import { findUserProfile } from '../../src/db/repositories/user-profiles.js';
import { loseAnswer, sandboxClientThrough } from '../support/sandbox-client.js';
import { signatureHeaders, slashCommand } from '../support/slack-requests.js';
import { TEST_SIGNING_SECRET, type TestApp } from '../support/test-app.js';
import { testEngines } from '../support/test-db.js';
import { useTestApp } from '../support/use-test-app.js';
import { CALLER_USER, waitForCard } from './call-helpers.js';

const MY_PHONE = '+6598765432';
const OTHER_PHONE = '+6591112222';
const REFUSED = '+6590000040'; // sandbox: any send answers error_dest_not_supported

interface OutboxSms {
  kind: string;
  dest: string;
  msg: string;
  tag?: string;
  txn_ref: string;
}

describe.each(testEngines())('/hoiio me confirmed by SMS code (%s)', (engine) => {
  const setup = useTestApp(engine);

  async function smsOutbox(t: TestApp): Promise<OutboxSms[]> {
    return ((await t.sandbox.outbox()) as OutboxSms[]).filter((i) => i.kind === 'sms');
  }

  /** Sends `/hoiio <text>` as CALLER_USER with a fresh response_url; the ack's text and that URL. */
  async function command(t: TestApp, text: string, extra: Record<string, string> = {}) {
    const responseUrl = t.slack.responseUrl();
    const res = await t.sendSigned(
      slashCommand({ text, channel_id: 'C0CALLS', user_id: CALLER_USER, response_url: responseUrl, ...extra }),
    );
    expect(res.status).toBe(200);
    const body = (await res.json()) as { response_type: string; text: string };
    expect(body.response_type).toBe('ephemeral');
    return { text: body.text, responseUrl };
  }

  /** What the job told the user through `responseUrl`. */
  async function told(t: TestApp, responseUrl: string): Promise<string> {
    return String((await t.slack.waitForCall('response_url', (c) => c.args['url'] === responseUrl)).args['text']);
  }

  /** Asks for a code to `phone` and waits until it is sent; the code, read from the sandbox outbox. */
  async function requestCode(t: TestApp, phone = MY_PHONE): Promise<string> {
    const { text, responseUrl } = await command(t, `me ${phone}`);
    expect(text).toMatch(/code is on its way/);
    expect(await told(t, responseUrl)).toMatch(/^:incoming_envelope: Code sent to /);
    await t.whenIdle();
    const sms = (await smsOutbox(t)).find((s) => s.dest === phone);
    const code = /code is (\d{6})\./.exec(sms?.msg ?? '')?.[1];
    expect(code).toMatch(/^\d{6}$/);
    return code ?? '';
  }

  async function verificationRows(t: TestApp) {
    return t.db.selectFrom('transactions').selectAll().where('tag', 'like', 'verify:%').orderBy('id').execute();
  }

  function wrongCode(code: string): string {
    return String((Number(code) + 1) % 1_000_000).padStart(6, '0');
  }

  test('a code to the number; the phone changes only once it is typed back; nothing else keeps the code', async () => {
    const t = await setup.startApp();
    const { text, responseUrl } = await command(t, 'me +65 9876 5432');
    expect(text).toMatch(/A code is on its way to \+65 9876 5432\. Type `\/hoiio me confirm <code>` within 10 minutes/);
    expect(text).toMatch(/Calls keep using your current phone until then/);
    expect(text).toContain(
      `Sandbox mode: nothing real is sent. The code is in the sandbox console's outbox (${t.url}/sandbox)`,
    );
    expect(await told(t, responseUrl)).toMatch(/Code sent to \+65 9876 5432/);
    await t.whenIdle();

    const sent = await smsOutbox(t);
    expect(sent).toHaveLength(1);
    expect(sent[0]).toMatchObject({ dest: MY_PHONE, tag: expect.stringMatching(/^verify:U0CALLER:/) });
    expect(sent[0]?.msg).toMatch(
      /^Your hoiio-slack code is \d{6}\. It confirms this phone for calls placed from Slack\. If you did not ask for it, ignore this message\.$/,
    );
    const code = /(\d{6})/.exec(sent[0]?.msg ?? '')?.[1] ?? '';
    expect((await findUserProfile(t.db, CALLER_USER))?.phone).toBeNull();

    // the SMS is a transaction without channel or card, its delivery (and cost) applied from the notification
    const rows = await verificationRows(t);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({
      kind: 'sms',
      direction: 'out',
      status: 'delivered',
      to_number: MY_PHONE,
      contact_number: MY_PHONE,
      tag: sent[0]?.tag,
      txn_ref: sent[0]?.txn_ref,
      slack_user_id: CALLER_USER,
      slack_channel_id: null,
      slack_message_ts: null,
      meta: expect.objectContaining({ purpose: 'phone_verification' }),
    });
    expect(rows[0]?.debit).toMatch(/^\d+\.\d+$/);
    expect(rows[0]?.text).toMatch(/^Your hoiio-slack code is •+\./);
    expect(t.slack.calls('chat.postMessage')).toEqual([]);

    expect((await command(t, 'me')).text).toMatch(
      /You have not set your phone for calls yet\.\nA code sent to \+65 9876 5432 is waiting: type `\/hoiio me confirm <code>` within (10|9) minutes/,
    );
    expect((await command(t, 'me confirm 12345')).text).toMatch(/Type the 6-digit code/);
    expect((await command(t, `me confirm ${wrongCode(code)}`)).text).toMatch(/That code is not right: 4 tries left/);
    expect((await findUserProfile(t.db, CALLER_USER))?.phone).toBeNull();
    const spaced = `${code.slice(0, 3)} ${code.slice(3)}`;
    expect((await command(t, `me confirm ${spaced}`)).text).toBe(
      ':white_check_mark: Confirmed: calls you place from Slack ring +65 9876 5432 first.',
    );
    const profile = await findUserProfile(t.db, CALLER_USER);
    expect(profile?.phone).toBe(MY_PHONE);
    expect(profile?.phone_verified_at).toBeInstanceOf(Date);
    expect(profile?.prefs).not.toHaveProperty('phone_verification');
    expect((await command(t, 'me')).text).toMatch(/^Your phone for calls is \+65 9876 5432 \(verified\)\.\n/);
    expect((await command(t, `me confirm ${code}`)).text).toMatch(/No code is waiting/);
    expect((await command(t, 'me 9876 5432')).text).toMatch(/\+65 9876 5432 is already your verified phone/);

    // the next call rings the confirmed phone first
    await command(t, 'call +65 6123 4567');
    await waitForCard(t.slack, 'C0CALLS', /: answered$/);
    await t.whenIdle();
    const outbox = await t.sandbox.outbox();
    expect(outbox.filter((i) => i['kind'] === 'call')).toMatchObject([{ dest1: MY_PHONE, dest2: '+6561234567' }]);
    expect(await smsOutbox(t)).toHaveLength(1);

    // the code is nowhere but the SMS: not in logs, Slack, transactions, events or the finished job
    expect(t.logs.join('\n')).not.toContain(code);
    expect(JSON.stringify(t.slack.calls())).not.toContain(code);
    const stored = await Promise.all([
      t.db.selectFrom('transactions').selectAll().execute(),
      t.db.selectFrom('inbound_events').selectAll().execute(),
      t.db.selectFrom('jobs').selectAll().execute(),
      t.db.selectFrom('user_profiles').selectAll().execute(),
    ]);
    expect(JSON.stringify(stored)).not.toContain(code);
    expect(await t.db.selectFrom('jobs').select(['state']).where('queue', '=', QUEUE.phoneVerify).execute()).toEqual([
      { state: 'done' },
    ]);
  });

  test('five wrong codes end the verification; an expired code is refused; the saved phone stays', async () => {
    const t = await setup.startApp();
    const code = await requestCode(t);
    for (const left of [4, 3, 2, 1]) {
      expect((await command(t, `me confirm ${wrongCode(code)}`)).text).toMatch(
        new RegExp(`not right: ${left} tr(y|ies) left`),
      );
    }
    expect((await command(t, `me confirm ${wrongCode(code)}`)).text).toMatch(
      /not right, and that was the last try\. Ask for a new code with `\/hoiio me <your phone>`/,
    );
    expect((await command(t, `me confirm ${code}`)).text).toMatch(/No code is waiting to be confirmed/);
    expect((await findUserProfile(t.db, CALLER_USER))?.phone).toBeNull();

    // a new code (past the minute between codes), expired in the database
    await moveRequestsBack(t, 61_000);
    const second = await requestCode(t, OTHER_PHONE);
    await sql`update user_profiles
      set prefs = jsonb_set(prefs, '{phone_verification,expires_at}', to_jsonb(${new Date(Date.now() - 1000).toISOString()}::text))
      where user_id = ${CALLER_USER}`.execute(t.db);
    expect((await command(t, 'me')).text).not.toMatch(/is waiting/);
    expect((await command(t, `me confirm ${second}`)).text).toMatch(/That code has expired .* Ask for a new code/);
    expect((await findUserProfile(t.db, CALLER_USER))?.phone).toBeNull();
    expect((await command(t, `me confirm ${second}`)).text).toMatch(/No code is waiting/);
  });

  test('one code a minute, five a day, a replayed command asks for nothing new, and the spend cap refuses', async () => {
    const t = await setup.startApp();
    const request = slashCommand({
      text: 'me +65 9876 5432',
      channel_id: 'C0CALLS',
      user_id: CALLER_USER,
      response_url: t.slack.responseUrl(),
    });
    const headers = signatureHeaders(request.body, { signingSecret: TEST_SIGNING_SECRET });
    const first = (await (await t.sendSigned(request, { headers })).json()) as { text: string };
    const replay = (await (await t.sendSigned(request, { headers })).json()) as { text: string };
    expect(first.text).toMatch(/code is on its way/);
    expect(replay.text).toBe(first.text);
    expect((await command(t, 'me +65 9111 2222')).text).toMatch(
      /A code was sent less than a minute ago\. Wait \d+ s before asking for another/,
    );
    await t.whenIdle();
    expect(await smsOutbox(t)).toHaveLength(1);

    // four more codes today are allowed (a minute apart), the sixth is not
    const hour = 3_600_000;
    await setRequests(t, [5 * hour, 4 * hour, 3 * hour, 2 * hour]);
    expect((await command(t, 'me +65 9111 2222')).text).toMatch(/code is on its way to \+65 9111 2222/);
    await t.whenIdle();
    await moveRequestsBack(t, 61_000);
    expect((await command(t, 'me +65 9111 2222')).text).toMatch(
      /You have asked for 5 codes in the last 24 hours, the most allowed\. Try again in about 19 h\./,
    );
    expect(await smsOutbox(t)).toHaveLength(2);

    await setRequests(t, []);
    await setSetting(t.db, SETTING.spendCap, { amount: '0.000', currency: 'SGD' });
    expect((await command(t, 'me +65 9111 2222')).text).toMatch(
      /Not sent: this would pass the monthly spend cap\. Spent this month: .*cap: SGD 0(\.000)?/,
    );
    await t.whenIdle();
    expect(await smsOutbox(t)).toHaveLength(2);
  });

  test('Hoiio refusing the number ends the verification and tells the user why', async () => {
    const t = await setup.startApp();
    const { text, responseUrl } = await command(t, 'me +65 9000 0040');
    expect(text).toMatch(/code is on its way to \+65 9000 0040/);
    expect(await told(t, responseUrl)).toMatch(
      /^:x: I could not send a code to \+65 9000 0040\. Hoiio does not send SMS to \+65 9000 0040's country or network\. Your phone for calls is unchanged\. Ask for a new code/,
    );
    await t.whenIdle();
    expect(await verificationRows(t)).toMatchObject([
      { status: 'failed', error_code: 'error_dest_not_supported', to_number: REFUSED },
    ]);
    expect((await findUserProfile(t.db, CALLER_USER))?.prefs).not.toHaveProperty('phone_verification');
    expect((await command(t, 'me confirm 123456')).text).toMatch(/No code is waiting/);
    expect(t.slack.calls('response_url')).toHaveLength(1);
    expect(t.slack.calls('chat.postMessage')).toEqual([]);
  });

  test('the job run again after it finished sends nothing more and tells nobody twice', async () => {
    const t = await setup.startApp();
    const code = await requestCode(t);
    await sql`update jobs set state = 'pending', run_at = now(), finished_at = null
      where queue = ${QUEUE.phoneVerify}`.execute(t.db);
    t.deps.jobWake.wake();
    await t.whenIdle();
    expect(
      await t.db.selectFrom('jobs').select(['state', 'attempts']).where('queue', '=', QUEUE.phoneVerify).execute(),
    ).toEqual([{ state: 'done', attempts: 2 }]);
    expect(await smsOutbox(t)).toHaveLength(1);
    expect(t.slack.calls('response_url')).toHaveLength(1);
    expect((await command(t, `me confirm ${code}`)).text).toMatch(/Confirmed/);
  });

  test('a send whose outcome is unknown is found in Hoiio history, not sent again', async () => {
    // The app's Hoiio is the embedded sandbox, but sms/send answers with a reset after the sandbox took the SMS,
    // and without a notify_url: only Hoiio's history can tell the job that it went.
    const sandbox = sandboxClientThrough(async ({ path, form, forward }) => {
      if (!path.endsWith('/sms/send')) return forward();
      form.delete('notify_url');
      return loseAnswer(await forward(form));
    });
    const t = await setup.startApp({ hoiio: sandbox.hoiio });
    sandbox.attach(t.url);
    const code = await requestCode(t);
    expect(await smsOutbox(t)).toHaveLength(1);
    const rows = await verificationRows(t);
    expect(rows).toHaveLength(1);
    expect(rows[0]?.txn_ref).toBe((await smsOutbox(t))[0]?.txn_ref);
    expect(['sent', 'delivered']).toContain(rows[0]?.status); // from the history entry: no notification came
    expect((await command(t, `me confirm ${code}`)).text).toMatch(/Confirmed/);
    expect(t.logs.join('\n')).not.toContain(code);
  });

  /** Sets the times codes were asked for to `ago` ms before now. */
  async function setRequests(t: TestApp, ago: readonly number[]) {
    const times = ago.map((ms) => new Date(Date.now() - ms).toISOString());
    await sql`update user_profiles set prefs = prefs || jsonb_build_object('phone_verification_requests', ${JSON.stringify(times)}::jsonb)
      where user_id = ${CALLER_USER}`.execute(t.db);
  }

  /** Moves every recorded code request `ms` into the past (as if that time had passed). */
  async function moveRequestsBack(t: TestApp, ms: number) {
    const profile = await findUserProfile(t.db, CALLER_USER);
    const times = (profile?.prefs['phone_verification_requests'] as string[] | undefined) ?? [];
    await setRequests(
      t,
      times.map((iso) => Date.now() - Date.parse(iso) + ms),
    );
  }
});
