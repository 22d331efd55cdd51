/**
 * Requests as Slack sends them: slash commands and interactivity payloads form-encoded (content type exactly
 * `application/x-www-form-urlencoded`), events as JSON, signed over the exact bytes sent.
 */
import { createHmac, randomBytes } from 'node:crypto';
import { FAKE_TEAM_ID } from './fake-slack.js';

export const FORM = 'application/x-www-form-urlencoded';

/** A request body and its content type, not yet signed. */
export interface SlackRequest {
  readonly body: string;
  readonly contentType: typeof FORM | 'application/json';
}

export interface SlashCommandFields {
  readonly text?: string;
  readonly command?: string;
  readonly user_id?: string;
  readonly user_name?: string;
  readonly channel_id?: string;
  readonly channel_name?: string;
  readonly team_id?: string;
  readonly response_url?: string;
  readonly trigger_id?: string;
  readonly [extra: string]: string | undefined;
}

/** A `/hoiio` slash command (form fields as Slack sends them). */
export function slashCommand(fields: SlashCommandFields = {}): SlackRequest {
  const params = new URLSearchParams({
    token: 'deprecated-verification-token',
    team_id: FAKE_TEAM_ID,
    team_domain: 'fake',
    channel_id: 'C0TESTCHAN',
    channel_name: 'support-line',
    user_id: 'U0TESTUSER',
    user_name: 'tester',
    command: '/hoiio',
    text: '',
    api_app_id: 'A0FAKEAPP',
    is_enterprise_install: 'false',
    response_url: 'https://hooks.slack.com/commands/T0FAKETEAM/1/placeholder',
    trigger_id: randomTriggerId(),
  });
  for (const [key, value] of Object.entries(fields)) if (value !== undefined) params.set(key, value);
  return { body: params.toString(), contentType: FORM };
}

/** An interactivity payload (block_actions, view_submission, message_action, …): `payload=<JSON>`. */
export function interaction(payload: Record<string, unknown>): SlackRequest {
  const full = { team: { id: FAKE_TEAM_ID, domain: 'fake' }, api_app_id: 'A0FAKEAPP', token: 'deprecated', ...payload };
  return { body: new URLSearchParams({ payload: JSON.stringify(full) }).toString(), contentType: FORM };
}

/** An Events API `event_callback` wrapping `event`. */
export function eventCallback(event: Record<string, unknown>): SlackRequest {
  return {
    body: JSON.stringify({
      token: 'deprecated',
      team_id: FAKE_TEAM_ID,
      api_app_id: 'A0FAKEAPP',
      event: { event_ts: `${Date.now() / 1000}`, ...event },
      type: 'event_callback',
      event_id: `Ev${randomBytes(5).toString('hex').toUpperCase()}`,
      event_time: Math.floor(Date.now() / 1000),
      authorizations: [{ team_id: FAKE_TEAM_ID, user_id: 'U0FAKEBOT', is_bot: true, is_enterprise_install: false }],
    }),
    contentType: 'application/json',
  };
}

export interface SignOptions {
  readonly signingSecret: string;
  /** Unix seconds; default now. */
  readonly timestamp?: number;
}

/** Slack's signature headers over exactly `body`. */
export function signatureHeaders(body: string, { signingSecret, timestamp }: SignOptions): Record<string, string> {
  const ts = String(timestamp ?? Math.floor(Date.now() / 1000));
  const signature = `v0=${createHmac('sha256', signingSecret).update(`v0:${ts}:${body}`).digest('hex')}`;
  return { 'x-slack-request-timestamp': ts, 'x-slack-signature': signature };
}

export interface SendOptions extends SignOptions {
  /** Replaces the computed signature (forgeries). */
  readonly signature?: string;
  readonly headers?: Record<string, string>;
}

/**
 * POSTs a signed request to `<baseUrl>/slack/events`. The body is sent as a string with the content type set
 * explicitly (a URLSearchParams body would add `;charset=UTF-8`). Reuse the returned headers to replay it.
 */
export async function sendSigned(baseUrl: string, request: SlackRequest, options: SendOptions): Promise<Response> {
  const headers = {
    'content-type': request.contentType,
    ...signatureHeaders(request.body, options),
    ...(options.signature !== undefined ? { 'x-slack-signature': options.signature } : {}),
    ...options.headers,
  };
  return fetch(new URL('/slack/events', baseUrl), { method: 'POST', headers, body: request.body });
}

function randomTriggerId(): string {
  return `${Date.now()}.${randomBytes(6).toString('hex')}`;
}
