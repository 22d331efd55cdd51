/**
 * Acked means durable: the app is SIGKILLed right after it acks `/hoiio sms`, restarted on the same database,
 * and the SMS is sent exactly once. The sandbox runs on its own (its state would die with the app otherwise).
 * The app is one process (AppProcess): the kill reaches the app itself, not a launcher.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { type SandboxServer, startSandboxServer } from '../../src/hoiio/sandbox/server.js';
import { AppProcess, appEnv, freePort } from '../support/app-process.js';
import { FakeSlack } from '../support/fake-slack.js';
import { waitForCard } from '../support/slack-cards.js';
import { sendSigned, slashCommand } from '../support/slack-requests.js';
import { openTestDatabase, prepareTestDataDir, type TestDatabase, testEngines } from '../support/test-db.js';

const BOT_TOKEN = 'xoxb-crash-test-token';
const SIGNING_SECRET = 'crash-test-signing-secret';

interface OutboxSms {
  kind: string;
  dest?: string;
  msg?: string;
  tag?: string;
  status?: string;
}

describe.each(testEngines())('SMS survives a crash right after the ack (%s)', (engine) => {
  let slack: FakeSlack;
  let sandbox: SandboxServer;
  let database: TestDatabase | undefined;
  let env: Record<string, string>;
  const apps: AppProcess[] = [];

  beforeAll(async () => {
    slack = await FakeSlack.start({ botToken: BOT_TOKEN });
    sandbox = await startSandboxServer({ port: 0 });
    let storage: Record<string, string>;
    if (engine === 'postgres') {
      database = await openTestDatabase('postgres');
      storage = { DATABASE_URL: database.databaseUrl ?? '' };
    } else {
      storage = { DATA_DIR: await prepareTestDataDir() };
    }
    env = appEnv({
      port: await freePort(),
      slackApiUrl: slack.apiUrl,
      botToken: BOT_TOKEN,
      signingSecret: SIGNING_SECRET,
      hoiioUrl: sandbox.url,
      webhookToken: 'crashTestWebhookToken_0123456789',
      storage,
    });
  });

  afterAll(async () => {
    for (const app of apps) await app.kill();
    await sandbox?.close();
    await slack?.close();
    await database?.close();
  });

  function start(name: string): AppProcess {
    const app = AppProcess.start({ env, name });
    apps.push(app);
    return app;
  }

  test('SIGKILL after the 200, restart: exactly one SMS, card delivered', { timeout: 180_000 }, async () => {
    const first = start('first');
    await first.waitHealthy();
    const request = slashCommand({ text: 'sms +65 9123 4567 Survives a crash', channel_id: 'C0CRASH' });
    const res = await sendSigned(first.url, request, { signingSecret: SIGNING_SECRET });
    const killed = first.kill(); // right after the ack: the send may or may not have started
    expect(res.status).toBe(200);
    expect(await res.text()).toMatch(/Sending your SMS/);
    expect(await killed).toEqual({ code: null, signal: 'SIGKILL' });
    expect(await first.health(1000)).toBe(0); // nothing answers on the port any more

    const second = start('second');
    await second.waitHealthy();
    // The restarted app finishes the work: the SMS goes out and its card reaches "delivered".
    await waitForCard(slack, 'C0CRASH', / delivered$/);
    const sent = (await outbox(sandbox)).filter((i) => i.kind === 'sms' && i.msg === 'Survives a crash');
    expect(sent).toHaveLength(1);
    expect(sent[0]).toMatchObject({ dest: '+6591234567', tag: expect.stringMatching(/^hs-c-/) });
    const cards = slack.calls('chat.postMessage').filter((c) => c.args['channel'] === 'C0CRASH');
    // One card even if the first process posted it and died before saving its ts (found again by its metadata).
    expect(cards).toHaveLength(1);
    expect(await second.stop()).toMatchObject({ code: 0 });
  });
});

async function outbox(sandbox: SandboxServer): Promise<OutboxSms[]> {
  const res = await fetch(`${sandbox.url}/api/outbox`);
  return ((await res.json()) as { items: OutboxSms[] }).items;
}
