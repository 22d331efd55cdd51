import { afterAll, beforeAll, expect, test } from 'vitest';
import { SmsRateCache } from '../../../src/bot/features/sms/sms-rate-cache.js';
import { HoiioClient } from '../../../src/hoiio/index.js';
import { type SandboxServer, startSandboxServer } from '../../../src/hoiio/sandbox/server.js';
import type { SandboxRequestEvent } from '../../../src/hoiio/sandbox/types.js';

let sandbox: SandboxServer;
const rateCalls: string[] = [];
let now = new Date('2026-01-01T00:00:00Z');
const clock = { now: () => now };

beforeAll(async () => {
  sandbox = await startSandboxServer({ port: 0 });
  sandbox.sandbox.events.on('request', (e: SandboxRequestEvent) => {
    if (e.path.endsWith('/sms/get_rate')) rateCalls.push(e.path);
  });
});
afterAll(async () => {
  await sandbox.close();
});

function client(baseUrl = `${sandbox.url}/open/`): HoiioClient {
  return new HoiioClient({ appId: 'sandbox', accessToken: 'sandbox', baseUrl });
}

test('one get_rate per destination country per hour', async () => {
  rateCalls.length = 0;
  const cache = new SmsRateCache(client(), clock);
  const [a, b] = await Promise.all([cache.get('+6591234567'), cache.get('+6581234567')]);
  expect(a).toEqual({ currency: 'SGD', rate: '0.038' });
  expect(b).toEqual(a);
  expect(await cache.peek('+6598765432')).toEqual(a);
  expect(rateCalls).toHaveLength(1);
  expect(await cache.get('+85291234567')).toEqual({ currency: 'SGD', rate: '0.045' });
  expect(rateCalls).toHaveLength(2);
  now = new Date(now.getTime() + 61 * 60 * 1000);
  expect(await cache.peek('+6591234567')).toBeUndefined();
  await cache.get('+6591234567');
  expect(rateCalls).toHaveLength(3);
});

test('Hoiio unreachable: undefined ("cost unavailable"), never a throw', async () => {
  const cache = new SmsRateCache(client('http://127.0.0.1:9/open/'), clock);
  await expect(cache.get('+6591234567')).resolves.toBeUndefined();
});
