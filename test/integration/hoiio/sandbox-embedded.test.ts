/**
 * The sandbox embedded in another server at `/sandbox`, as the app mounts it in sandbox mode:
 * every path under the base path is the sandbox's, others are not, media URLs use the public URL,
 * and request events carry paths only (never the query with the access token).
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Script } from 'node:vm';
import { describe, expect, onTestFinished, test } from 'vitest';
import { createSandbox, SANDBOX_MAX_HEADER_SIZE, type SandboxRequestEvent } from '../../../src/hoiio/sandbox/index.js';
import { startReceiver } from './sandbox-support.js';

async function embedded(forwardFax: string) {
  const server = createServer({ maxHeaderSize: SANDBOX_MAX_HEADER_SIZE });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const sandbox = createSandbox({
    basePath: '/sandbox',
    publicUrl: `${origin}/sandbox`,
    forwarding: { fax: forwardFax },
    timeScale: 0.005,
  });
  server.on('request', (req, res) => {
    if (req.url === '/sandbox' || req.url?.startsWith('/sandbox/')) sandbox.handle(req, res);
    else res.writeHead(418).end('the app');
  });
  onTestFinished(async () => {
    await sandbox.close();
    await new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
  });
  return { origin, sandbox };
}

describe('sandbox embedded at /sandbox', () => {
  test('console, Hoiio API, JSON API and media all live under the base path', async () => {
    const receiver = await startReceiver();
    const { origin, sandbox } = await embedded(`${receiver.url}/fax`);
    const requests: SandboxRequestEvent[] = [];
    sandbox.events.on('request', (e: SandboxRequestEvent) => requests.push(e));

    const page = await (await fetch(`${origin}/sandbox`)).text();
    expect(page).toContain('const BASE = "/sandbox"');
    // The page's script is valid JavaScript (the browser test runs it; this checks it without Chromium).
    const script = /<script>([\s\S]*)<\/script>/.exec(page)?.[1] ?? '';
    expect(() => new Script(script)).not.toThrow();
    const balance = await (
      await fetch(`${origin}/sandbox/open/user/get_balance?app_id=sandbox&access_token=sandbox`)
    ).json();
    expect(balance).toMatchObject({ status: 'success_ok', balance: '100.000' });
    const numbers = (await (await fetch(`${origin}/sandbox/api/numbers`)).json()) as {
      items: { forward_to: string }[];
    };
    expect(numbers.items.map((n) => n.forward_to)).toEqual(['', `${receiver.url}/fax`]);

    const t = await fetch(`${origin}/sandbox/api/trigger/fax`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ from: '+6562000001' }),
    });
    const { txn_ref } = (await t.json()) as { txn_ref: string };
    const fax = await receiver.waitFor((r) => r.form.get('txn_ref') === txn_ref);
    const faxUrl = fax.form.get('fax_url') as string;
    expect(faxUrl.startsWith(`${origin}/sandbox/media/infax/`)).toBe(true);
    expect((await fetch(faxUrl)).status).toBe(200);

    expect((await fetch(`${origin}/other`)).status).toBe(418);
    expect((await fetch(`${origin}/sandbox/nothing`)).status).toBe(404);
    expect(requests.map((r) => r.path)).toContain('/sandbox/open/user/get_balance');
    expect(requests.every((r) => !r.path.includes('access_token') && !r.path.includes('?'))).toBe(true);
  });

  test('reset() brings back a fresh account with the initial forwarding', async () => {
    const { origin, sandbox } = await embedded('https://app.example.com/hoiio/t/fax');
    const q = 'app_id=sandbox&access_token=sandbox';
    await fetch(`${origin}/sandbox/open/sms/send?${q}&dest=%2B6591112222&msg=hi`);
    await fetch(`${origin}/sandbox/open/number/update_forwarding?${q}&number=%2B6531580002&forward_to=`);
    sandbox.reset();
    const outbox = (await (await fetch(`${origin}/sandbox/api/outbox`)).json()) as { items: unknown[] };
    expect(outbox.items).toEqual([]);
    const active = (await (await fetch(`${origin}/sandbox/open/number/get_active?${q}`)).json()) as {
      entries: { number: string; forward_to: string }[];
    };
    expect(active.entries.find((e) => e.number === '+6531580002')?.forward_to).toBe(
      'https://app.example.com/hoiio/t/fax',
    );
    const balance = (await (await fetch(`${origin}/sandbox/open/user/get_balance?${q}`)).json()) as { balance: string };
    expect(balance.balance).toBe('100.000');
  });
});
