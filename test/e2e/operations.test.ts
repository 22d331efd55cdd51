/**
 * Operations: one request id follows a flow from its intake line (Slack request or Hoiio webhook) into the log
 * lines of the jobs it caused (and the jobs those enqueued), and /metrics shows requests, ack latency, webhooks,
 * jobs, Slack calls and Hoiio calls moving.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { waitForCard } from '../support/slack-cards.js';
import { slashCommand } from '../support/slack-requests.js';
import { startTestApp, type TestApp } from '../support/test-app.js';

interface LogLine {
  msg?: string;
  request_id?: string;
  queue?: string;
  job_id?: number;
  route?: string;
  kind?: string;
  outcome?: string;
  path?: string;
}

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp({ env: { DEFAULT_CHANNEL: 'C0DEFAULT' } });
});
afterAll(async () => {
  await t?.stop();
});

/** A card in `channel` posted or updated with a text matching `pattern` (a post shows the state reached so far). */
const lines = (): LogLine[] => t.logs.map((l) => JSON.parse(l) as LogLine);

async function scrape(): Promise<string> {
  const res = await fetch(`${t.url}/metrics`);
  expect(res.status).toBe(200);
  return res.text();
}

/** The value of the sample `name{labels…}` (all given labels must match; others may be present). */
function sample(text: string, name: string, labels: Record<string, string> = {}): number {
  let total = 0;
  for (const line of text.split('\n')) {
    const m = /^([a-z_]+)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!m || m[1] !== name) continue;
    const have = Object.fromEntries([...(m[2] ?? '').matchAll(/(\w+)="([^"]*)"/g)].map((l) => [l[1], l[2]]));
    if (Object.entries(labels).every(([k, v]) => have[k] === v)) total += Number(m[3]);
  }
  return total;
}

describe('request ids', () => {
  test('a slash command: the intake line and every job it caused carry its request id', async () => {
    const res = await t.sendSigned(slashCommand({ text: 'sms +65 9123 4567 Parcel ready', channel_id: 'C0OPS' }), {
      headers: { 'x-request-id': 'req-ops-slash-0001' },
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('x-request-id')).toBe('req-ops-slash-0001');
    await waitForCard(t.slack, 'C0OPS', /sent|delivered/);
    await t.whenIdle();

    const mine = lines().filter((l) => l.request_id === 'req-ops-slash-0001');
    expect(mine).toContainEqual(
      expect.objectContaining({ msg: 'slack request', kind: 'slash_command', route: '/slack/events' }),
    );
    const jobs = mine.filter((l) => l.msg === 'job done');
    expect(jobs.map((l) => l.queue)).toEqual(expect.arrayContaining(['sms.send', 'slack.post']));
    for (const job of jobs) expect(job.job_id).toBeGreaterThan(0);
    // The payload carried it: the jobs of this request are the ones with this id, nobody else's.
    const stored = await t.db.selectFrom('jobs').select(['queue', 'payload']).execute();
    const tagged = stored.filter((j) => (j.payload as { request_id?: string }).request_id === 'req-ops-slash-0001');
    expect(tagged.map((j) => j.queue)).toEqual(expect.arrayContaining(['sms.send', 'slack.post']));
  });

  test('a webhook: the intake line, the relay job and the Slack post carry one fresh request id', async () => {
    await t.sandbox.trigger.sms({ from: '+6598765432', msg: 'hello ops' });
    await t.slack.waitForCall('chat.postMessage', (c) => /hello ops/.test(JSON.stringify(c.args)));
    await t.whenIdle();

    const intake = lines().find((l) => l.msg === 'webhook request' && l.path === '/hoiio/****/sms');
    expect(t.logs.some((l) => l.includes('/hoiio/****/sms'))).toBe(true);
    expect(intake?.request_id).toMatch(/^[0-9a-f]{16}$/);
    const mine = lines().filter((l) => l.request_id === intake?.request_id);
    const queues = mine.filter((l) => l.msg === 'job done').map((l) => l.queue);
    expect(queues).toEqual(expect.arrayContaining(['inbound.relay', 'slack.post']));
    // The webhook URL holds the token: never logged unmasked.
    expect(t.logs.join('\n')).not.toContain(t.deps.webhookUrls.token);
  });

  test('a malformed X-Request-Id is replaced, not trusted', async () => {
    const res = await fetch(`${t.url}/healthz`, { headers: { 'x-request-id': 'bad id <script>' } });
    expect(res.headers.get('x-request-id')).toMatch(/^[0-9a-f]{16}$/);
  });
});

describe('/metrics', () => {
  test('counts requests, ack latency, webhooks, jobs, Slack calls and Hoiio calls', async () => {
    const before = await scrape();
    await t.sendSigned(slashCommand({ text: 'sms +65 9123 4567 Metrics please', channel_id: 'C0MET' }));
    await t.sandbox.trigger.sms({ from: '+6598765432', msg: 'metrics inbound' });
    await t.slack.waitForCall('chat.postMessage', (c) => /metrics inbound/.test(JSON.stringify(c.args)));
    await waitForCard(t.slack, 'C0MET', /sent|delivered/);
    await t.whenIdle();
    const bad = await fetch(`${t.url}/hoiio/not-the-token-at-all-0000000/sms`, { method: 'POST', body: 'x=1' });
    expect(bad.status).toBe(401);
    const after = await scrape();

    const grew = (name: string, labels: Record<string, string>) =>
      expect(sample(after, name, labels), `${name} ${JSON.stringify(labels)}`).toBeGreaterThan(
        sample(before, name, labels),
      );
    grew('hoiio_slack_http_requests_total', { route: '/slack/events', status: '200' });
    grew('hoiio_slack_http_request_duration_seconds_count', { route: '/slack/events' });
    grew('hoiio_slack_slack_ack_seconds_count', { kind: 'slash_command' });
    grew('hoiio_slack_webhooks_total', { kind: 'sms', outcome: 'stored' });
    grew('hoiio_slack_webhooks_total', { outcome: 'unauthorized' });
    grew('hoiio_slack_jobs_total', { queue: 'sms.send', outcome: 'done' });
    grew('hoiio_slack_jobs_total', { queue: 'slack.post', outcome: 'done' });
    grew('hoiio_slack_jobs', { queue: 'sms.send', state: 'done' });
    grew('hoiio_slack_slack_api_calls_total', { method: 'chat.postMessage', outcome: 'ok' });
    grew('hoiio_slack_hoiio_api_calls_total', { endpoint: 'sms/send' });
    expect(sample(after, 'hoiio_slack_jobs', { state: 'dead' })).toBe(0);
    // Labels never hold the raw path (the webhook token) or a secret.
    expect(after).not.toContain(t.deps.webhookUrls.token);
    expect(after).not.toContain('not-the-token-at-all');
  });

  test('a failed Slack call is counted by its outcome', async () => {
    const before = await scrape();
    t.slack.failNext('chat.postMessage', { status: 503 });
    await t.sendSigned(slashCommand({ text: 'sms +65 9123 4567 After an outage', channel_id: 'C0FAIL' }));
    // After the 503 the retried post shows whatever state the card has reached.
    await waitForCard(t.slack, 'C0FAIL', /delivered/);
    await t.whenIdle();
    const after = await scrape();
    expect(
      sample(after, 'hoiio_slack_slack_api_calls_total', { method: 'chat.postMessage', outcome: 'http_503' }),
    ).toBe(
      sample(before, 'hoiio_slack_slack_api_calls_total', { method: 'chat.postMessage', outcome: 'http_503' }) + 1,
    );
    expect(sample(after, 'hoiio_slack_jobs_total', { queue: 'slack.post', outcome: 'retry' })).toBeGreaterThan(
      sample(before, 'hoiio_slack_jobs_total', { queue: 'slack.post', outcome: 'retry' }),
    );
  });
});
