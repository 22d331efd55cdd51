// A server under test as a child process (`node --import tsx <script>`), its URL read from its first stdout line
// that names one, and its resident set size read from /proc/<pid>/status (Linux).
import { type ChildProcess, spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';

export interface ChildApp {
  readonly pid: number;
  /** `http://127.0.0.1:<port>`. */
  readonly url: string;
  /** VmRSS in KiB, now. */
  rssKiB(): Promise<number>;
  /** SIGTERM, then SIGKILL after `graceMs`; resolves when the process has exited. */
  stop(graceMs?: number): Promise<void>;
}

const READY_MS = 90_000;

/** Whether RSS can be read here (Linux /proc). */
export async function canReadRss(): Promise<boolean> {
  return readRssKiB(process.pid).then(
    () => true,
    () => false,
  );
}

export async function readRssKiB(pid: number): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  const match = /^VmRSS:\s+(\d+)\s+kB/m.exec(status);
  if (!match?.[1]) throw Object.assign(new Error(`no VmRSS for ${pid}`), { code: 'bench_no_rss' });
  return Number(match[1]);
}

function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => child.once('exit', () => resolve()));
}

/**
 * Starts `script` under tsx in `cwd` with exactly `env` (plus PATH and HOME), and waits for a line of stdout
 * containing `http://127.0.0.1:<port>`. Its stderr is kept and shown if it dies first.
 */
export async function startChild(script: string, env: Record<string, string>, cwd: string): Promise<ChildApp> {
  const tsx = import.meta.resolve('tsx');
  const child = spawn(process.execPath, ['--import', tsx, script], {
    cwd,
    env: { PATH: process.env['PATH'] ?? '', HOME: process.env['HOME'] ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-4000);
  });
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => fail(new Error(`${script} not ready within ${READY_MS} ms`)), READY_MS);
    function fail(error: Error) {
      clearTimeout(timer);
      child.kill('SIGKILL');
      reject(Object.assign(error, { code: 'bench_child_failed', stderr }));
    }
    const onExit = (code: number | null) =>
      fail(new Error(`${script} exited (${code}) before listening: ${stderr.slice(-800)}`));
    const onData = (chunk: Buffer) => {
      out += chunk.toString();
      const match = /http:\/\/127\.0\.0\.1:\d+/.exec(out);
      if (!match) return;
      clearTimeout(timer);
      child.stdout?.off('data', onData);
      child.off('exit', onExit);
      resolve(match[0]);
    };
    child.stdout?.on('data', onData);
    child.once('exit', onExit);
  });
  child.stdout?.resume();
  const pid = child.pid ?? 0;
  return {
    pid,
    url,
    rssKiB: () => readRssKiB(pid),
    async stop(graceMs = 10_000) {
      const done = exited(child);
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      await done;
      clearTimeout(timer);
    },
  };
}
