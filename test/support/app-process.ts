/**
 * The app as a real process (`node --import tsx src/main.ts`, one process: a SIGKILL kills the app itself, not a
 * launcher), for fault-injection tests. Its output is kept (the last 256 KiB) for failure messages.
 *
 * ```ts
 * const app = AppProcess.start({ port, env: appEnv({ ... }) });
 * await app.waitHealthy();
 * await app.kill(); // SIGKILL, resolves once the process is gone
 * ```
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { join } from 'node:path';

const ROOT = join(import.meta.dirname, '..', '..');
const OUTPUT_LIMIT = 256 * 1024;

export interface AppProcessOptions {
  /** The whole environment of the child (see {@link appEnv}); nothing is inherited. */
  readonly env: Record<string, string>;
  /** Shown in failure messages. */
  readonly name?: string;
}

export interface ExitStatus {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
}

export class AppProcess {
  readonly child: ChildProcess;
  readonly name: string;
  /** `http://127.0.0.1:<PORT>`. */
  readonly url: string;
  /** Resolves when the process has exited (any way). */
  readonly exited: Promise<ExitStatus>;
  #output = '';

  private constructor({ env, name = 'app' }: AppProcessOptions) {
    this.name = name;
    this.url = `http://127.0.0.1:${env['PORT'] ?? '3000'}`;
    this.child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
      cwd: ROOT,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const keep = (chunk: Buffer) => {
      this.#output = (this.#output + chunk.toString()).slice(-OUTPUT_LIMIT);
    };
    this.child.stdout?.on('data', keep);
    this.child.stderr?.on('data', keep);
    this.exited = new Promise((resolve) => {
      this.child.once('exit', (code, signal) => resolve({ code, signal }));
    });
  }

  /** Spawns the app. */
  static start(options: AppProcessOptions): AppProcess {
    return new AppProcess(options);
  }

  /** What the process wrote so far (the last 256 KiB). */
  get output(): string {
    return this.#output;
  }

  get running(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  /**
   * Resolves on the first `GET /healthz` answering 200. Rejects, with the process's output, when it exits first
   * or `timeoutMs` (default 60 s: PGlite starts in seconds on a loaded machine) passes.
   */
  async waitHealthy(timeoutMs = 60_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    let exited = false;
    void this.exited.then(() => {
      exited = true;
    });
    for (;;) {
      if (exited) throw new Error(`${this.name} exited before it was healthy:\n${this.output}`);
      if (Date.now() > deadline) throw new Error(`${this.name} not healthy after ${timeoutMs} ms:\n${this.output}`);
      if ((await this.health(1000)) === 200) return;
      // The next probe waits for the process to make progress (output) or a short timer, whichever comes first.
      await this.#nextSign(100);
    }
  }

  /** Status of `GET /healthz` (0 when it did not answer within `timeoutMs`). */
  async health(timeoutMs = 5000): Promise<number> {
    try {
      const res = await fetch(`${this.url}/healthz`, { signal: AbortSignal.timeout(timeoutMs) });
      await res.arrayBuffer();
      return res.status;
    } catch {
      return 0;
    }
  }

  /** Sends `signal` (default SIGKILL) and resolves once the process is gone. */
  async kill(signal: NodeJS.Signals = 'SIGKILL'): Promise<ExitStatus> {
    if (this.running) this.child.kill(signal);
    return this.exited;
  }

  /** SIGTERM (a graceful stop), then SIGKILL after `graceMs`. */
  async stop(graceMs = 15_000): Promise<ExitStatus> {
    if (!this.running) return this.exited;
    this.child.kill('SIGTERM');
    const timer = setTimeout(() => this.child.kill('SIGKILL'), graceMs);
    try {
      return await this.exited;
    } finally {
      clearTimeout(timer);
    }
  }

  #nextSign(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.child.stdout?.off('data', done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.child.stdout?.once('data', done);
    });
  }
}

export interface AppEnvOptions {
  readonly port: number;
  readonly slackApiUrl: string;
  readonly botToken: string;
  readonly signingSecret: string;
  /** Root URL of a standalone sandbox (startSandboxServer), or a proxy in front of it. */
  readonly hoiioUrl: string;
  /** Where fax PDFs and recordings come from (the sandbox's own URL); default `hoiioUrl`. */
  readonly mediaUrl?: string;
  readonly webhookToken: string;
  /** `{ DATABASE_URL }` or `{ DATA_DIR }`. */
  readonly storage: Record<string, string>;
  /** Anything else (DEFAULT_CHANNEL, knobs), over the defaults. */
  readonly extra?: Record<string, string>;
}

/**
 * The environment of a test app process: live mode against the given sandbox (app id and token `sandbox`), fast
 * timing knobs (job poll 100 ms, lease 3 s, backoff 50 ms doubling to 500 ms, Slack pacing 20 ms), logs at `warn`.
 */
export function appEnv(o: AppEnvOptions): Record<string, string> {
  const inherited: Record<string, string> = {};
  for (const name of ['PATH', 'HOME', 'TMPDIR', 'LANG']) {
    const value = process.env[name];
    if (value !== undefined) inherited[name] = value;
  }
  return {
    ...inherited,
    NODE_ENV: 'production',
    SLACK_BOT_TOKEN: o.botToken,
    SLACK_SIGNING_SECRET: o.signingSecret,
    SLACK_API_URL: o.slackApiUrl,
    HOIIO_APP_ID: 'sandbox',
    HOIIO_ACCESS_TOKEN: 'sandbox',
    HOIIO_API_URL: `${o.hoiioUrl}/open/`,
    HOIIO_MEDIA_HOSTS: o.mediaUrl ?? o.hoiioUrl,
    HOIIO_WEBHOOK_TOKEN: o.webhookToken,
    PORT: String(o.port),
    HOST: '127.0.0.1',
    PUBLIC_URL: `http://127.0.0.1:${o.port}`,
    LOG_LEVEL: 'warn',
    JOB_POLL_MS: '100',
    JOB_LEASE_MS: '3000',
    JOB_BACKOFF_BASE_MS: '50',
    JOB_BACKOFF_CAP_MS: '500',
    SLACK_CHANNEL_INTERVAL_MS: '20',
    ...o.storage,
    ...o.extra,
  };
}

/** A port free right now on 127.0.0.1 (for a process that must keep its port across restarts). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}
