/**
 * The sandbox CLI (`npm run sandbox`): `trigger sms|fax|call` against a running sandbox through
 * `--url`, its error exit code, and the standalone server printing its URLs.
 */
import { execFile, spawn } from 'node:child_process';
import { once } from 'node:events';
import { resolve } from 'node:path';
import { describe, expect, onTestFinished, test } from 'vitest';
import { SANDBOX_FAX_NUMBER } from '../../../src/hoiio/sandbox/state.js';
import { startReceiver, startTestSandbox } from './sandbox-support.js';

const ROOT = resolve(import.meta.dirname, '../../..');
const TSX = resolve(ROOT, 'node_modules/.bin/tsx');
const CLI = resolve(ROOT, 'src/hoiio/sandbox/cli.ts');

function run(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((done) => {
    execFile(TSX, [CLI, ...args], { cwd: ROOT }, (error, stdout, stderr) => {
      const code = error && typeof error.code === 'number' ? error.code : error ? 1 : 0;
      done({ code, stdout, stderr });
    });
  });
}

describe('sandbox CLI', () => {
  test('trigger fax --from … --to … --pages 3 delivers a 3-page incoming fax', async () => {
    const receiver = await startReceiver();
    const server = await startTestSandbox({ forwarding: { fax: `${receiver.url}/fax` } });
    const out = await run([
      'trigger',
      'fax',
      '--from',
      '+6562000001',
      '--to',
      SANDBOX_FAX_NUMBER,
      '--pages',
      '3',
      '--url',
      server.url,
    ]);
    expect(out.stderr).toBe('');
    expect(out.code).toBe(0);
    const { txn_ref } = JSON.parse(out.stdout) as { txn_ref: string };
    expect(txn_ref).toMatch(/^AA-C-\d+$/);
    const fax = await receiver.waitFor((r) => r.form.get('txn_ref') === txn_ref);
    expect(fax.form.get('fax_pages')).toBe('3');
    expect(fax.form.get('from')).toBe('+6562000001');
  });

  test('trigger sms and trigger call reach the forwarding URLs', async () => {
    const receiver = await startReceiver();
    const server = await startTestSandbox({
      forwarding: { sms: `${receiver.url}/sms`, voice: `${receiver.url}/voice` },
    });
    const sms = await run([
      'trigger',
      'sms',
      '--from',
      '+6598765432',
      '--msg',
      'hello from a terminal',
      '--url',
      server.url,
    ]);
    expect(sms.code).toBe(0);
    const smsRef = (JSON.parse(sms.stdout) as { txn_ref: string }).txn_ref;
    expect((await receiver.waitFor((r) => r.form.get('txn_ref') === smsRef)).form.get('msg')).toBe(
      'hello from a terminal',
    );
    const call = await run([
      'trigger',
      'call',
      '--from',
      '+6598765432',
      '--outcome',
      'voicemail',
      '--seconds',
      '15',
      '--url',
      server.url,
    ]);
    expect(call.code).toBe(0);
    const { session } = JSON.parse(call.stdout) as { session: string };
    const answer = await receiver.waitFor((r) => r.form.get('session') === session);
    expect(answer.path).toBe('/voice');
    expect(answer.form.get('call_state')).toBe('ringing');
  });

  test('a refused trigger prints the reason and exits non-zero; a bad command prints usage', async () => {
    const server = await startTestSandbox();
    const bad = await run(['trigger', 'fax', '--from', 'nobody', '--url', server.url]);
    expect(bad.code).toBe(1);
    expect(JSON.parse(bad.stdout)).toMatchObject({ error: expect.stringContaining('from') });
    const usage = await run(['trigger', 'teleport', '--from', '+6598765432']);
    expect(usage.code).toBe(2);
    expect(usage.stderr).toContain('usage:');
  });

  test('run alone it prints its URLs and serves the console and the API', async () => {
    const child = spawn(TSX, [CLI, '--port', '0'], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    onTestFinished(async () => {
      if (child.exitCode === null) {
        child.kill('SIGTERM');
        await once(child, 'exit');
      }
    });
    let output = '';
    const url = await new Promise<string>((found, failed) => {
      child.stdout.on('data', (chunk: Buffer) => {
        output += chunk.toString();
        const m = /running at (http:\/\/127\.0\.0\.1:\d+)/.exec(output);
        if (m?.[1] && output.includes('media hosts')) found(m[1]);
      });
      child.once('exit', (code) => failed(new Error(`exited ${code}: ${output}`)));
    });
    expect(output).toContain(`${url}/open/`);
    const page = await fetch(`${url}/`);
    expect(await page.text()).toContain('<h1>Hoiio sandbox</h1>');
    const numbers = (await (await fetch(`${url}/api/numbers`)).json()) as { items: { forward_to: string }[] };
    expect(numbers.items.map((n) => n.forward_to)).toEqual(['', '']);
    child.kill('SIGTERM');
    const [code] = await once(child, 'exit');
    expect(code).toBe(0);
  });
});
