/**
 * A private PostgreSQL cluster for one test: `initdb` into a temp directory, `pg_ctl` start/stop on a free port
 * of 127.0.0.1 with its socket in the same directory. Never touches the machine's shared server on 5432, so a test
 * may stop and restart it at will. Run as root, the binaries run as the `postgres` OS user (`runuser`).
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chmod, chown, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { freePort } from './app-process.js';

const run = promisify(execFile);
const BIN = process.env['PG_BIN'] ?? '/usr/lib/postgresql/15/bin';

/** Why a private cluster cannot be made here, or undefined when it can. */
export function pgClusterUnavailable(): string | undefined {
  if (!existsSync(join(BIN, 'initdb'))) return `no PostgreSQL binaries in ${BIN} (set PG_BIN)`;
  if (process.getuid?.() === 0 && !existsSync('/usr/sbin/runuser') && !existsSync('/sbin/runuser')) {
    return 'running as root without runuser';
  }
  return undefined;
}

export class PgCluster {
  readonly dir: string;
  readonly port: number;
  #running = false;

  private constructor(dir: string, port: number) {
    this.dir = dir;
    this.port = port;
  }

  /** initdb (trust auth, user `postgres`) and start. */
  static async create(): Promise<PgCluster> {
    const dir = await mkdtemp(join(tmpdir(), 'hoiio-pg-'));
    await chmod(dir, 0o700);
    if (process.getuid?.() === 0) {
      const { stdout } = await run('id', ['-u', 'postgres']);
      const { stdout: gid } = await run('id', ['-g', 'postgres']);
      await chown(dir, Number(stdout.trim()), Number(gid.trim()));
    }
    const cluster = new PgCluster(dir, await freePort());
    await cluster.#pg('initdb', ['-D', cluster.dataDir, '-U', 'postgres', '--auth=trust', '--no-sync', '-E', 'UTF8']);
    await cluster.start();
    return cluster;
  }

  get dataDir(): string {
    return join(this.dir, 'data');
  }

  /** `postgres://postgres@127.0.0.1:<port>/<database>`. */
  url(database = 'postgres'): string {
    return `postgres://postgres@127.0.0.1:${this.port}/${database}`;
  }

  get running(): boolean {
    return this.#running;
  }

  /** Starts the server and waits until it accepts connections. */
  async start(): Promise<void> {
    const options = [
      `-p ${this.port}`,
      `-k ${this.dir}`,
      '-c listen_addresses=127.0.0.1',
      '-c fsync=off', // a killed server keeps its data (only an OS crash would not): enough for tests
      '-c max_connections=50',
    ].join(' ');
    await this.#pg('pg_ctl', ['-D', this.dataDir, '-o', options, '-l', join(this.dir, 'server.log'), '-w', 'start']);
    this.#running = true;
  }

  /**
   * Stops the server: `fast` (clients disconnected, a clean shutdown) or `immediate` (as a crash: every backend
   * killed, recovery at the next start).
   */
  async stop(mode: 'fast' | 'immediate' = 'fast'): Promise<void> {
    if (!this.#running) return;
    await this.#pg('pg_ctl', ['-D', this.dataDir, '-m', mode, '-w', 'stop']);
    this.#running = false;
  }

  /** Creates database `name` (the app migrates it itself at start). */
  async createDatabase(name: string): Promise<string> {
    await this.#pg('createdb', ['-h', '127.0.0.1', '-p', String(this.port), '-U', 'postgres', name]);
    return this.url(name);
  }

  /** Stops the server (immediately) and removes its directory. */
  async destroy(): Promise<void> {
    try {
      if (this.#running) await this.stop('immediate');
    } finally {
      await rm(this.dir, { recursive: true, force: true });
    }
  }

  async #pg(binary: string, args: string[]): Promise<void> {
    const path = join(BIN, binary);
    const asPostgres = process.getuid?.() === 0 && userInfo().username !== 'postgres';
    const [file, argv] = asPostgres ? ['runuser', ['-u', 'postgres', '--', path, ...args]] : [path, args];
    try {
      await run(file, argv, { cwd: this.dir, timeout: 60_000 });
    } catch (error) {
      const { stderr, stdout } = error as { stderr?: string; stdout?: string };
      throw new Error(`${binary} failed: ${stderr || stdout || String(error)}`, { cause: error });
    }
  }
}
