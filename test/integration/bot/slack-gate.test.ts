import { WebClient } from '@slack/web-api';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { SlackGate, SlackPlatformError, SlackUnavailableError } from '../../../src/bot/cards/slack-gate.js';
import { createMetrics } from '../../../src/bot/routes/metrics.js';
import { instrumentSlackClient } from '../../../src/bot/slack-metrics.js';
import { RetryAfterError } from '../../../src/db/job-errors.js';
import { createLogger } from '../../../src/logger.js';
import { FakeSlack } from '../../support/fake-slack.js';

let slack: FakeSlack;
beforeEach(async () => {
  slack = await FakeSlack.start({ botToken: 'xoxb-gate' });
});
afterEach(async () => {
  await slack.close();
});

function gate(clock: { now: number }, channelIntervalMs = 0) {
  const web = new WebClient('xoxb-gate', {
    slackApiUrl: slack.apiUrl,
    retryConfig: { retries: 0 },
    rejectRateLimitedCalls: true,
  });
  const metrics = createMetrics({ defaultMetrics: false });
  // As in the app: the client counts every call it makes; the gate counts the calls it blocks itself.
  instrumentSlackClient(web, metrics);
  const g = new SlackGate({
    slack: web,
    metrics,
    logger: createLogger({ level: 'silent' }),
    channelIntervalMs,
    now: () => clock.now,
    random: () => 0,
  });
  return { g, metrics };
}

describe('SlackGate', () => {
  test('a 429 blocks that method (not others) until Retry-After has passed, without calling Slack', async () => {
    const clock = { now: 1_000_000 };
    const { g, metrics } = gate(clock);
    slack.failNext('chat.postMessage', { status: 429, retryAfter: 30 });
    const first = await g.call('chat.postMessage', { channel: 'C1', text: 'a' }).catch((e: unknown) => e);
    expect(first).toBeInstanceOf(RetryAfterError);
    expect((first as RetryAfterError).ms).toBe(30_000);
    clock.now += 29_000;
    const blocked = await g.call('chat.postMessage', { channel: 'C2', text: 'b' }).catch((e: unknown) => e);
    expect(blocked).toBeInstanceOf(RetryAfterError);
    expect((blocked as RetryAfterError).ms).toBe(1000);
    expect(slack.calls('chat.postMessage')).toHaveLength(1);
    await expect(g.call('chat.update', { channel: 'C1', ts: '1.1', text: 'c' })).resolves.toMatchObject({ ok: true });
    clock.now += 1000;
    await expect(g.call('chat.postMessage', { channel: 'C2', text: 'b' })).resolves.toMatchObject({ ok: true });
    expect(slack.calls('chat.postMessage')).toHaveLength(2);
    const text = await metrics.registry.metrics();
    expect(text).toContain('method="chat.postMessage",outcome="rate_limited"} 1');
    expect(text).toContain('method="chat.postMessage",outcome="blocked"} 1');
  });

  test('5xx and network errors are retryable; ok:false errors carry Slack’s code', async () => {
    const { g } = gate({ now: 0 });
    slack.failNext('chat.postMessage', { status: 503 });
    await expect(g.call('chat.postMessage', { channel: 'C1', text: 'a' })).rejects.toBeInstanceOf(
      SlackUnavailableError,
    );
    slack.failNext('chat.postMessage', { error: 'internal_error' });
    await expect(g.call('chat.postMessage', { channel: 'C1', text: 'a' })).rejects.toBeInstanceOf(
      SlackUnavailableError,
    );
    slack.failNext('chat.postMessage', { error: 'invalid_blocks' });
    await expect(g.call('chat.postMessage', { channel: 'C1', text: 'a' })).rejects.toMatchObject({
      constructor: SlackPlatformError,
      slackError: 'invalid_blocks',
      code: 'slack_platform_error',
    });
    await slack.close();
    await expect(g.call('chat.postMessage', { channel: 'C1', text: 'a' })).rejects.toBeInstanceOf(
      SlackUnavailableError,
    );
    slack = await FakeSlack.start({ botToken: 'xoxb-gate' }); // for afterEach
  });

  test('writes to one channel are paced; other channels are not held up', async () => {
    const { g } = gate({ now: 0 }, 60_000);
    // the clock stands still: a second write to C1 would wait a minute, so it must not have happened yet
    await g.call('chat.postMessage', { channel: 'C1', text: '1' }, { paceChannel: 'C1' });
    const controller = new AbortController();
    const second = g.call(
      'chat.postMessage',
      { channel: 'C1', text: '2' },
      { paceChannel: 'C1', signal: controller.signal },
    );
    await g.call('chat.postMessage', { channel: 'C2', text: '3' }, { paceChannel: 'C2' });
    expect(slack.calls('chat.postMessage').map((c) => c.args['text'])).toEqual(['1', '3']);
    controller.abort(new Error('stopping'));
    await expect(second).rejects.toThrow('stopping');
  });
});
