import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { sql } from 'kysely';
import { describe, expect, onTestFinished, test } from 'vitest';
import { LOCK_FILE_NAME } from '../../../src/db/data-dir-lock.js';
import { countJobs, enqueueJob, findJobById } from '../../../src/db/job-queue.js';
import { JobWorker } from '../../../src/db/job-worker.js';
import { DataDirLockedError, type DbLogger, openDatabase } from '../../../src/db/open-database.js';
import { prepareTestDataDir } from '../../support/test-db.js';
import { type Child, startChild } from './child-process.js';

const run = promisify(execFile);

function recordingLogger(): DbLogger & { warnings: Array<{ obj: object; msg?: string }> } {
  const warnings: Array<{ obj: object; msg?: string }> = [];
  return { info() {}, error() {}, warn: (obj, msg) => void warnings.push({ obj, ...(msg ? { msg } : {}) }), warnings };
}

/** A temp dir removed after the test. */
async function tempDir(prepared = false): Promise<string> {
  const dir = prepared ? await prepareTestDataDir() : await mkdtemp(join(tmpdir(), 'hoiio-lock-'));
  onTestFinished(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

function startHolder(dataDir: string, args: string[] = ['hold'], env: Record<string, string> = {}): Child {
  const child = startChild(args, { DATA_DIR: dataDir, ...env });
  onTestFinished(async () => {
    if (child.proc.exitCode === null && child.proc.signalCode === null) child.proc.kill('SIGKILL');
    await child.exited;
  });
  return child;
}

describe('DATA_DIR lock (PGlite)', () => {
  test('a second process fails at once naming the pid; once it dies, the stale lock is taken over', async () => {
    const dataDir = await tempDir(true);
    const holder = startHolder(dataDir);
    const [, pid] = (await holder.waitForLine(/ready (\d+)/)) as RegExpMatchArray;
    const error = await openDatabase({ dataDir }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DataDirLockedError);
    expect((error as DataDirLockedError).code).toBe('data_dir_locked');
    expect((error as Error).message).toContain(`pid ${pid}`);

    holder.proc.kill('SIGKILL');
    await holder.exited;
    const logger = recordingLogger();
    const handle = await openDatabase({ dataDir, logger });
    onTestFinished(() => handle.close());
    await handle.ping();
    expect(logger.warnings).toMatchObject([{ obj: { stalePid: Number(pid) }, msg: 'took over a stale DATA_DIR lock' }]);
    const lock = JSON.parse(await readFile(join(dataDir, LOCK_FILE_NAME), 'utf8'));
    expect(lock.pid).toBe(process.pid);
  });

  test('the same process cannot open one DATA_DIR twice; close releases it', async () => {
    const dataDir = await tempDir();
    const first = await openDatabase({ dataDir });
    await expect(openDatabase({ dataDir })).rejects.toBeInstanceOf(DataDirLockedError);
    await first.close();
    const second = await openDatabase({ dataDir });
    await second.close();
  });

  test('an unreadable lock file is treated as stale', async () => {
    const dataDir = await tempDir();
    await writeFile(join(dataDir, LOCK_FILE_NAME), 'garbage');
    const logger = recordingLogger();
    const handle = await openDatabase({ dataDir, logger });
    await handle.close();
    expect(logger.warnings).toHaveLength(1);
  });

  test('a PGlite worker killed mid-job: after a restart the job runs again once its lease expires', async () => {
    const dataDir = await tempDir(true);
    {
      const setup = await openDatabase({ dataDir });
      await sql`create table test_job_runs (job_id bigint not null, owner text not null)`.execute(setup.db);
      await enqueueJob(setup.db, { queue: 'hang' });
      await setup.close();
    }
    const doomed = startHolder(dataDir, ['worker', 'doomed'], { LEASE_MS: '1000' });
    await doomed.waitForLine(/started 1/);
    doomed.proc.kill('SIGKILL');
    await doomed.exited;

    const handle = await openDatabase({ dataDir });
    onTestFinished(() => handle.close());
    expect((await findJobById(handle.db, 1))?.state).toBe('running');
    const worker = new JobWorker({
      handle,
      pollMs: 50,
      handlers: {
        hang: async (job) => {
          await sql`insert into test_job_runs values (${job.id}, 'restarted')`.execute(handle.db);
        },
      },
    });
    onTestFinished(() => worker.stop());
    const done = new Promise((resolve) => worker.once('job:done', resolve));
    await worker.start();
    await done;
    await worker.whenIdle();
    expect(await countJobs(handle.db)).toEqual([{ queue: 'hang', state: 'done', count: 1 }]);
    const { rows } = await sql<{ owner: string }>`select owner from test_job_runs order by owner`.execute(handle.db);
    expect(rows.map((r) => r.owner)).toEqual(['doomed', 'restarted']);
  });
});

describe('npm run db:migrate', () => {
  const cli = ['--import', 'tsx', 'src/db/migrate.ts'];

  test('migrates a fresh DATA_DIR and exits 0; a locked one exits non-zero naming the holder', async () => {
    const dataDir = await tempDir();
    const env = { ...process.env, DATA_DIR: dataDir, DATABASE_URL: '' };
    const first = await run(process.execPath, cli, { env });
    expect(first.stdout).toMatch(/pglite: 1 migration\(s\) applied/);
    const again = await run(process.execPath, cli, { env });
    expect(again.stdout).toMatch(/pglite: 0 migration\(s\) applied/);

    const holder = startHolder(dataDir);
    const [, pid] = (await holder.waitForLine(/ready (\d+)/)) as RegExpMatchArray;
    const locked = await run(process.execPath, cli, { env }).catch((e: { code: number; stderr: string }) => e);
    expect(locked).toMatchObject({ code: 1 });
    expect((locked as { stderr: string }).stderr).toContain(`pid ${pid}`);
  });
});
