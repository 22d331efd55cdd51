/**
 * Every error status the sandbox produces, one row each: the request that provokes it and the
 * status it answers (HTTP 200, `{status}` only, no success fields).
 */
import { PDFDocument } from 'pdf-lib';
import { describe, expect, test } from 'vitest';
import { SANDBOX_FAX_NUMBER, SANDBOX_VOICE_NUMBER } from '../../../src/hoiio/sandbox/state.js';
import { control, hoiio, type Receiver, startReceiver, startTestSandbox } from './sandbox-support.js';

type Sandbox = Awaited<ReturnType<typeof startTestSandbox>>;

interface Row {
  status: string;
  api: string;
  params?: Record<string, string> | ((s: Setup) => Promise<Record<string, string>>);
  credentials?: Record<string, string>;
  account?: Record<string, unknown>;
}

interface Setup {
  server: Sandbox;
  receiver: Receiver;
}

const pdf = async (size: [number, number] = [595.28, 841.89]) => {
  const doc = await PDFDocument.create();
  doc.addPage(size);
  return Buffer.from(await doc.save()).toString('base64');
};

/** An incoming call whose session is ready for a first block. */
async function ringing({ server }: Setup): Promise<string> {
  const r = await control(server.url, 'trigger/call', { from: '+6598765432', outcome: 'answer' });
  return r.json.session as string;
}

async function block({ server }: Setup, api: string, params: Record<string, string>) {
  const r = await hoiio(server.url, api, params);
  expect(r.status).toBe('success_ok');
}

const longMsg = 'x'.repeat(460);
const NOTIFY = 'http://127.0.0.1:9/n';

const ROWS: Row[] = [
  // credentials, in order
  { status: 'error_app_id_param_missing', api: 'user/get_balance', credentials: { access_token: 'sandbox' } },
  { status: 'error_access_token_param_missing', api: 'user/get_balance', credentials: { app_id: 'sandbox' } },
  { status: 'error_invalid_app_id', api: 'user/get_balance', credentials: { app_id: 'other', access_token: 'x' } },
  {
    status: 'error_invalid_access_token',
    api: 'user/get_balance',
    credentials: { app_id: 'sandbox', access_token: 'x' },
  },
  // common values
  {
    status: 'error_tag_invalid_length',
    api: 'sms/send',
    params: { dest: '+6591110000', msg: 'hi', tag: 't'.repeat(257) },
  },
  {
    status: 'error_invalid_notify_url',
    api: 'sms/send',
    params: { dest: '+6591110000', msg: 'hi', notify_url: 'ftp://x' },
  },
  {
    status: 'error_invalid_notify_url',
    api: 'sms/send',
    params: { dest: '+6591110000', msg: 'hi', notify_url: `https://a.example/${'p'.repeat(4000)}` },
  },
  {
    status: 'error_unable_to_resolve_notify_url',
    api: 'sms/send',
    params: { dest: '+6591110000', msg: 'hi', notify_url: 'https://nowhere.invalid/x' },
  },
  {
    status: 'error_unable_to_complete_ssl_handshake_notify_url',
    api: 'sms/send',
    params: { dest: '+6591110000', msg: 'hi', notify_url: 'https://app.badtls.test/x' },
  },
  {
    status: 'error_insufficient_credit',
    api: 'sms/send',
    params: { dest: '+6591110000', msg: 'hi' },
    account: { balance: '0.010' },
  },
  {
    status: 'error_not_allowed_for_trial',
    api: 'sms/send',
    params: { dest: '+6591110000', msg: 'hi' },
    account: { trial: true },
  },
  // sms
  { status: 'error_dest_param_missing', api: 'sms/send', params: { msg: 'hi' } },
  { status: 'error_msg_param_missing', api: 'sms/send', params: { dest: '+6591110000' } },
  { status: 'error_dest_invalid', api: 'sms/send', params: { dest: '91110000', msg: 'hi' } },
  { status: 'error_dest_not_supported', api: 'sms/send', params: { dest: '+6590000040', msg: 'hi' } },
  { status: 'error_msg_empty', api: 'sms/send', params: { dest: '+6591110000', msg: '' } },
  { status: 'error_msg_too_big', api: 'sms/send', params: { dest: '+6591110000', msg: longMsg } },
  {
    status: 'error_sms_rebrand_not_enabled',
    api: 'sms/send',
    params: { dest: '+6591110000', msg: 'hi', sender_name: 'Acme' },
    account: { sms_rebrand: false },
  },
  {
    status: 'error_invalid_sender_name',
    api: 'sms/send',
    params: { dest: '+6591110000', msg: 'hi', sender_name: 'A!' },
  },
  {
    status: 'error_dest_too_many',
    api: 'sms/bulk_send',
    params: {
      dest: Array.from({ length: 1001 }, (_, i) => `+659111${String(i).padStart(4, '0')}`).join(','),
      msg: 'hi',
    },
  },
  { status: 'error_no_valid_dests', api: 'sms/bulk_send', params: { dest: '+6591110000;+6591110001', msg: 'hi' } },
  {
    status: 'error_dest_incoming_both_present',
    api: 'sms/get_rate',
    params: { dest: '+6591110000', incoming: SANDBOX_VOICE_NUMBER },
  },
  { status: 'error_dest_incoming_both_missing', api: 'sms/get_rate', params: {} },
  { status: 'error_incoming_sms_not_supported', api: 'sms/get_rate', params: { incoming: SANDBOX_FAX_NUMBER } },
  { status: 'error_txn_ref_param_missing', api: 'sms/query_status', params: {} },
  { status: 'error_invalid_txn_ref', api: 'sms/query_status', params: { txn_ref: 'AA-S-1' } },
  { status: 'error_from_invalid', api: 'sms/get_history', params: { from: '2024-13-01 00:00:00' } },
  { status: 'error_to_invalid', api: 'sms/get_history', params: { to: 'yesterday' } },
  {
    status: 'error_to_before_from',
    api: 'sms/get_history',
    params: { from: '2024-02-01 00:00:00', to: '2024-01-01 00:00:00' },
  },
  { status: 'error_page_invalid', api: 'voice/get_history', params: { page: '0' } },
  // voice and conference
  { status: 'error_dest2_param_missing', api: 'voice/call', params: {} },
  { status: 'error_dest1_invalid', api: 'voice/call', params: { dest1: 'abc', dest2: '+6591110000' } },
  { status: 'error_dest2_invalid', api: 'voice/call', params: { dest2: '+65' } },
  { status: 'error_dest1_not_supported', api: 'voice/call', params: { dest1: '+6590000040', dest2: '+6591110000' } },
  { status: 'error_dest2_not_supported', api: 'voice/call', params: { dest2: '+6590000040' } },
  { status: 'error_same_dest1_dest2', api: 'voice/call', params: { dest1: '+6591110000', dest2: '+6591110000' } },
  { status: 'error_caller_id_invalid', api: 'voice/call', params: { dest2: '+6591110000', caller_id: '+6591119999' } },
  { status: 'error_max_duration_invalid', api: 'voice/call', params: { dest2: '+6591110000', max_duration: '0' } },
  { status: 'error_invalid_room', api: 'conference/call', params: { dest: '+6591110000', room: 'bad room!' } },
  {
    status: 'error_dest_too_many',
    api: 'voice/conference',
    params: { dest: Array.from({ length: 9 }, (_, i) => `+65911100${10 + i}`).join(',') },
  },
  { status: 'error_action_param_missing', api: 'conference/moderate', params: { txn_ref: 'AA-C-1' } },
  { status: 'error_invalid_action', api: 'conference/moderate', params: { txn_ref: 'AA-C-1', action: 'shout' } },
  { status: 'error_invalid_txn_ref', api: 'voice/hangup', params: { txn_ref: 'AA-C-1' } },
  // ivr
  { status: 'error_session_param_missing', api: 'ivr/middle/play', params: { msg: 'hi' } },
  { status: 'error_invalid_session', api: 'ivr/middle/play', params: { session: 'S1', msg: 'hi' } },
  { status: 'error_msg_invalid_length', api: 'ivr/start/dial', params: { dest: '+6591110000', msg: 'm'.repeat(1001) } },
  { status: 'error_msg_invalid_xml', api: 'ivr/start/dial', params: { dest: '+6591110000', msg: '<speech>hi' } },
  {
    status: 'error_msg_invalid_language',
    api: 'ivr/start/dial',
    params: { dest: '+6591110000', msg: '<speech language="xx-YY">hi</speech>' },
  },
  {
    status: 'error_msg_invalid_gender',
    api: 'ivr/start/dial',
    params: { dest: '+6591110000', msg: '<speech gender="robot">hi</speech>' },
  },
  { status: 'error_msg_invalid_url', api: 'ivr/start/dial', params: { dest: '+6591110000', msg: '<url>nope</url>' } },
  {
    status: 'error_msg_invalid_file_format',
    api: 'ivr/start/dial',
    params: { dest: '+6591110000', msg: '<url>https://a.example/x.ogg</url>' },
  },
  {
    status: 'error_msg_download_failed',
    api: 'ivr/start/dial',
    params: { dest: '+6591110000', msg: '<url>https://nowhere.invalid/x.mp3</url>' },
  },
  {
    status: 'error_invalid_max_duration',
    api: 'ivr/start/dial',
    params: { dest: '+6591110000', max_duration: '86401' },
  },
  { status: 'error_invalid_max_digits', api: 'ivr/middle/gather', params: { session: 'S1', max_digits: '256' } },
  { status: 'error_invalid_timeout', api: 'ivr/middle/gather', params: { session: 'S1', timeout: 'soon' } },
  { status: 'error_invalid_attempts', api: 'ivr/middle/gather', params: { session: 'S1', attempts: '0' } },
  {
    status: 'error_on_failure_invalid',
    api: 'ivr/end/transfer',
    params: { session: 'S1', dest: '+6591110000', on_failure: 'retry' },
  },
  { status: 'error_dest_param_missing', api: 'ivr/end/transfer', params: { session: 'S1' } },
  { status: 'error_invalid_room', api: 'ivr/end/transfer', params: { session: 'S1', dest: 'room:a b' } },
  {
    status: 'error_session_not_ready',
    api: 'ivr/middle/play',
    params: async (s) => {
      const session = await ringing(s);
      await block(s, 'ivr/middle/play', { session, msg: 'first', notify_url: NOTIFY });
      return { session, msg: 'second' };
    },
  },
  {
    status: 'error_session_not_ready',
    api: 'ivr/end/hangup',
    params: async (s) => {
      const session = await ringing(s);
      await block(s, 'ivr/middle/hold', { session });
      return { session };
    },
  },
  {
    status: 'error_session_not_on_hold',
    api: 'ivr/middle/unhold',
    params: async (s) => ({ session: await ringing(s) }),
  },
  {
    status: 'error_session_ended',
    api: 'ivr/middle/play',
    params: async (s) => {
      const session = await ringing(s);
      await block(s, 'ivr/end/hangup', { session, force: 'enabled' });
      return { session, msg: 'too late' };
    },
  },
  {
    status: 'error_monitor_in_progress',
    api: 'ivr/middle/monitor',
    params: async (s) => {
      const session = await ringing(s);
      const notify = `${s.receiver.url}/m`;
      await block(s, 'ivr/middle/monitor', { session, notify_url: notify });
      await s.receiver.waitFor((r) => r.form.get('ivr_block') === 'monitor' && r.form.get('session') === session);
      return { session, notify_url: notify };
    },
  },
  {
    status: 'error_concurrent_call_limit_reached',
    api: 'voice/call',
    params: async (s) => {
      for (let i = 0; i < 8; i++) await block(s, 'voice/call', { dest2: '+6590000014' });
      return { dest2: '+6591110000' };
    },
  },
  // fax
  { status: 'error_file_param_missing', api: 'fax/send', params: { dest: '+6562220000' } },
  {
    status: 'error_file_invalid',
    api: 'fax/send',
    params: { dest: '+6562220000', file: Buffer.from('hello').toString('base64') },
  },
  {
    status: 'error_file_too_big',
    api: 'fax/send',
    params: { dest: '+6562220000', file: Buffer.alloc(2 * 1024 * 1024 + 1, 1).toString('base64') },
  },
  {
    status: 'error_page_size_invalid',
    api: 'fax/send',
    params: async () => ({ dest: '+6562220000', file: await pdf([300, 300]) }),
  },
  {
    status: 'error_dest_not_supported',
    api: 'fax/send',
    params: async () => ({ dest: '+14155550100', file: await pdf() }),
  },
  {
    status: 'error_fax_header_invalid',
    api: 'fax/send',
    params: async () => ({ dest: '+6562220000', file: await pdf(), fax_header: 'Hello <World>' }),
  },
  { status: 'error_invalid_type', api: 'fax/get_history', params: { type: 'sideways' } },
  { status: 'error_service_not_available', api: 'fax/get_rate', params: { dest: '+14155550100' } },
  // number
  { status: 'error_country_param_missing', api: 'number/get_choices', params: {} },
  { status: 'error_state_param_missing', api: 'number/get_choices', params: { country: 'US' } },
  { status: 'error_no_number_available', api: 'number/get_choices', params: { country: 'FR' } },
  { status: 'error_number_param_missing', api: 'number/subscribe', params: { duration: '1' } },
  { status: 'error_duration_param_missing', api: 'number/subscribe', params: { number: '+6531590010' } },
  { status: 'error_number_invalid', api: 'number/subscribe', params: { number: 'x', duration: '1' } },
  { status: 'error_invalid_duration', api: 'number/subscribe', params: { number: '+6531590010', duration: '2' } },
  { status: 'error_number_not_available', api: 'number/subscribe', params: { number: '+6591110000', duration: '1' } },
  { status: 'error_number_not_assigned', api: 'number/update_forwarding', params: { number: '+6591110000' } },
  {
    status: 'error_forward_to_invalid',
    api: 'number/update_forwarding',
    params: { number: SANDBOX_VOICE_NUMBER, forward_to: 'nope' },
  },
  {
    status: 'error_unable_to_resolve_forward_to',
    api: 'number/update_forwarding',
    params: { number: SANDBOX_VOICE_NUMBER, forward_to: 'https://x.invalid/' },
  },
  {
    status: 'error_mode_invalid',
    api: 'number/update_forwarding',
    params: { number: SANDBOX_VOICE_NUMBER, mode: 'fax' },
  },
  {
    status: 'error_incoming_sms_not_supported',
    api: 'number/update_forwarding',
    params: { number: SANDBOX_FAX_NUMBER, forward_sms_to: 'https://a.example/sms' },
  },
  // connect
  {
    status: 'error_code_param_missing',
    api: 'connect/get_token',
    params: { app_secret: 's' },
    credentials: { app_id: 'sandbox' },
  },
  {
    status: 'error_app_secret_param_missing',
    api: 'connect/get_token',
    params: { code: 'c' },
    credentials: { app_id: 'sandbox' },
  },
  {
    status: 'error_code_expired',
    api: 'connect/get_token',
    params: { code: 'expired', app_secret: 's' },
    credentials: { app_id: 'sandbox' },
  },
  {
    status: 'error_invalid_code',
    api: 'connect/get_token',
    params: { code: 'nope', app_secret: 's' },
    credentials: { app_id: 'sandbox' },
  },
];

describe('sandbox error statuses', () => {
  test.each(ROWS.map((row) => [row.status, row.api, row] as const))('%s from %s', async (_status, _api, row) => {
    // A long time scale keeps blocks running while the row is checked (no race with completion).
    const receiver = await startReceiver();
    const server = await startTestSandbox({
      timeScale: row.status === 'error_monitor_in_progress' ? 0.005 : 1000,
      forwarding: { voice: `${receiver.url}/voice` },
    });
    if (row.account) expect((await control(server.url, 'account', row.account)).status).toBe(200);
    const params = typeof row.params === 'function' ? await row.params({ server, receiver }) : (row.params ?? {});
    const res = await fetch(`${server.url}/open/${row.api}`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ ...(row.credentials ?? { app_id: 'sandbox', access_token: 'sandbox' }), ...params }),
    });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: row.status });
  });

  test('every request to the same query API beyond 60 a minute is error_rate_limit_exceeded; other APIs are not affected', async () => {
    let now = Date.UTC(2024, 0, 1);
    const server = await startTestSandbox({ now: () => new Date(now) });
    for (let i = 0; i < 60; i++) expect((await hoiio(server.url, 'user/get_balance')).status).toBe('success_ok');
    expect(await hoiio(server.url, 'user/get_balance')).toEqual({ status: 'error_rate_limit_exceeded' });
    expect((await hoiio(server.url, 'user/get_info')).status).toBe('success_ok');
    expect((await hoiio(server.url, 'sms/send', { dest: '+6591110000', msg: 'sends are not limited' })).status).toBe(
      'success_ok',
    );
    now += 60_001;
    expect((await hoiio(server.url, 'user/get_balance')).status).toBe('success_ok');
  });

  test('methods other than GET and POST, undecodable parameters and unknown APIs still answer a JSON status', async () => {
    const server = await startTestSandbox();
    const put = await fetch(`${server.url}/open/sms/send`, { method: 'PUT' });
    expect(put.status).toBe(200);
    expect(await put.json()).toEqual({ status: 'error_invalid_http_method' });
    for (const query of [
      'app_id=sandbox&access_token=sandbox&msg=%ZZ',
      'app_id=sandbox&access_token=sandbox&msg=%C3%28',
    ]) {
      const bad = await fetch(`${server.url}/open/sms/send?${query}`);
      expect(await bad.json()).toEqual({ status: 'error_malformed_params' });
    }
    const unknown = await fetch(`${server.url}/open/sms/teleport?app_id=sandbox&access_token=sandbox`);
    expect(unknown.status).toBe(404);
    expect(await unknown.json()).toMatchObject({ status: 'error_invalid_api' });
    const root = await fetch(`${server.url}/open/`);
    expect(await root.json()).toMatchObject({ status: 'error_invalid_api' });
  });

  test('an error reveals no success field and changes nothing', async () => {
    const server = await startTestSandbox();
    const before = await hoiio(server.url, 'user/get_balance');
    expect(await hoiio(server.url, 'sms/send', { dest: '+6591110000', msg: longMsg })).toEqual({
      status: 'error_msg_too_big',
    });
    expect((await hoiio(server.url, 'user/get_balance')).balance).toBe(before.balance);
    const outbox = (await (await fetch(`${server.url}/api/outbox`)).json()) as { items: unknown[] };
    expect(outbox.items).toEqual([]);
  });
});
