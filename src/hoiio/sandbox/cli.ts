/**
 * `npm run sandbox [-- --port N --host H --time-scale X]` starts the sandbox alone and prints its URLs.
 * `npm run sandbox -- trigger <sms|fax|call> --from … [--to …] [options] [--url http://127.0.0.1:4010]`
 * makes a running sandbox deliver an inbound event:
 *   sms:  --msg TEXT
 *   fax:  --pages N  --fail busy|non_recoverable|cannot_establish_transmission|invalid_res|invalid_size
 *   call: --outcome answer|voicemail|hangup  --digits 1,23#  --seconds N
 * Also `outbox`, `numbers` and `reset` (same `--url`). Prints the JSON answer; exits 1 on an error.
 */
import { parseArgs } from 'node:util';
import { SANDBOX_MAGIC_NUMBERS } from './magic-numbers.js';
import { startSandboxServer } from './server.js';
import { SANDBOX_FAX_NUMBER, SANDBOX_VOICE_NUMBER } from './state.js';

const USAGE = `usage:
  sandbox [--port 4010] [--host 127.0.0.1] [--time-scale 1]
  sandbox trigger sms  --from +6598765432 [--to ${SANDBOX_VOICE_NUMBER}] --msg "text"
  sandbox trigger fax  --from +6562000001 [--to ${SANDBOX_FAX_NUMBER}] [--pages 3] [--fail busy]
  sandbox trigger call --from +6598765432 [--to ${SANDBOX_VOICE_NUMBER}] [--outcome answer|voicemail|hangup] [--digits 1,23] [--seconds 20]
  sandbox outbox | numbers | reset
  (client commands take --url, default http://127.0.0.1:4010)`;

const OPTIONS = {
  port: { type: 'string' },
  host: { type: 'string' },
  'time-scale': { type: 'string' },
  url: { type: 'string' },
  from: { type: 'string' },
  to: { type: 'string' },
  msg: { type: 'string' },
  pages: { type: 'string' },
  fail: { type: 'string' },
  outcome: { type: 'string' },
  digits: { type: 'string' },
  seconds: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

class UsageError extends Error {
  readonly code = 'sandbox_cli_usage';
}

async function call(base: string, path: string, body?: Record<string, string>): Promise<void> {
  const url = `${base.replace(/\/+$/, '')}/api/${path}`;
  let res: Response;
  try {
    res = await fetch(
      url,
      body === undefined
        ? {}
        : { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) },
    );
  } catch (error) {
    throw new Error(`cannot reach the sandbox at ${base} (is it running?)`, { cause: error });
  }
  const text = await res.text();
  process.stdout.write(`${text}\n`);
  if (!res.ok) process.exitCode = 1;
}

async function serve(values: { port?: string; host?: string; 'time-scale'?: string }): Promise<void> {
  const port = values.port === undefined ? 4010 : Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UsageError('--port must be 0–65535');
  const timeScale = values['time-scale'] === undefined ? 1 : Number(values['time-scale']);
  if (!(timeScale >= 0)) throw new UsageError('--time-scale must be a number ≥ 0');
  const host = typeof values.host === 'string' ? values.host : '127.0.0.1';
  const server = await startSandboxServer({ port, host, timeScale });
  const lines = [
    `Hoiio sandbox running at ${server.url}`,
    `  console:  ${server.url}/`,
    `  Hoiio API: ${server.url}/open/   (HOIIO_API_URL; app id "sandbox", access token "sandbox")`,
    `  JSON API: ${server.url}/api/outbox, /api/numbers, /api/trigger/{sms,fax,call}, /api/reset`,
    `  numbers:  ${SANDBOX_VOICE_NUMBER} (voice+SMS), ${SANDBOX_FAX_NUMBER} (fax) — no forwarding until number/update_forwarding`,
    `  magic destinations: ${Object.keys(SANDBOX_MAGIC_NUMBERS).join(', ')}`,
    `  media hosts for the app: HOIIO_MEDIA_HOSTS=${server.url}`,
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
  const stop = (): void => {
    void server.close().then(() => process.exit(0));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

async function main(argv: string[]): Promise<void> {
  const { values, positionals } = parseArgs({ args: argv, options: OPTIONS, allowPositionals: true });
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  const base = values.url ?? 'http://127.0.0.1:4010';
  const [command, kind] = positionals;
  if (command === undefined) return serve(values);
  if (command === 'outbox' || command === 'numbers') return call(base, command);
  if (command === 'reset') return call(base, 'reset', {});
  if (command !== 'trigger' || (kind !== 'sms' && kind !== 'fax' && kind !== 'call')) throw new UsageError(USAGE);
  if (values.from === undefined) throw new UsageError('--from is required');
  const body: Record<string, string> = {};
  for (const key of ['from', 'to', 'msg', 'pages', 'fail', 'outcome', 'digits', 'seconds'] as const) {
    const v = values[key];
    if (v !== undefined) body[key] = v;
  }
  return call(base, `trigger/${kind}`, body);
}

main(process.argv.slice(2)).catch((error: unknown) => {
  const message = error instanceof Error ? error.message : String(error);
  process.stderr.write(`${message}\n`);
  process.exitCode = error instanceof UsageError ? 2 : 1;
});
