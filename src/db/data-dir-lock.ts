import { randomBytes } from 'node:crypto';
import { linkSync, mkdirSync, readFileSync, renameSync, unlinkSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';

/** The lock file's name inside `DATA_DIR`. */
export const LOCK_FILE_NAME = 'hoiio-slack.lock';

/** Thrown when another live process holds the `DATA_DIR` lock. */
export class DataDirLockedError extends Error {
  readonly code = 'data_dir_locked';
  constructor(
    readonly dataDir: string,
    readonly pid: number,
    readonly host: string,
  ) {
    super(
      `The data directory ${dataDir} is in use by another process (pid ${pid} on ${host}). ` +
        'Stop that process, or point DATA_DIR elsewhere, or use DATABASE_URL for several instances.',
    );
    this.name = 'DataDirLockedError';
  }
}

interface LockInfo {
  pid: number;
  host: string;
  token: string;
}

/** Paths locked by this process, so a second open in the same process fails too. */
const heldHere = new Set<string>();

function readLock(path: string): LockInfo | undefined {
  try {
    const parsed: unknown = JSON.parse(readFileSync(path, 'utf8'));
    if (typeof parsed !== 'object' || parsed === null) return undefined;
    const { pid, host, token } = parsed as Record<string, unknown>;
    if (typeof pid !== 'number' || typeof token !== 'string') return undefined;
    return { pid, host: typeof host === 'string' ? host : 'unknown host', token };
  } catch {
    return undefined;
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function errno(error: unknown): string | undefined {
  return (error as NodeJS.ErrnoException | undefined)?.code;
}

/** A held lock; `release()` removes the file if it is still ours. */
export interface DataDirLock {
  readonly path: string;
  release(): void;
}

/**
 * Takes the lock file in `dataDir` (created if missing). A lock whose process is alive (or that this
 * process already holds) throws {@link DataDirLockedError}; a lock left by a dead process is taken
 * over and reported through `onStale`. Creation is atomic (`link`), so two processes racing for a free
 * or stale lock cannot both win.
 */
export function acquireDataDirLock(
  dataDir: string,
  onStale: (stale: { pid: number; host: string }) => void,
): DataDirLock {
  mkdirSync(dataDir, { recursive: true });
  const path = join(dataDir, LOCK_FILE_NAME);
  if (heldHere.has(path)) throw new DataDirLockedError(dataDir, process.pid, hostname());
  const mine: LockInfo = { pid: process.pid, host: hostname(), token: randomBytes(12).toString('hex') };
  const temp = `${path}.${mine.token}`;
  writeFileSync(temp, JSON.stringify(mine));
  try {
    for (let attempt = 0; attempt < 5; attempt++) {
      try {
        linkSync(temp, path);
        heldHere.add(path);
        return { path, release: () => release(path, mine.token) };
      } catch (error) {
        if (errno(error) !== 'EEXIST') throw error;
      }
      const holder = readLock(path);
      // A holder with our own pid that this process does not hold is a previous incarnation (pid 1 in containers).
      if (holder && holder.pid !== process.pid && isAlive(holder.pid)) {
        throw new DataDirLockedError(dataDir, holder.pid, holder.host);
      }
      // Stale (or unreadable): move it aside atomically, then check we moved what we judged.
      const aside = `${path}.stale.${mine.token}`;
      try {
        renameSync(path, aside);
      } catch (error) {
        if (errno(error) === 'ENOENT') continue;
        throw error;
      }
      const moved = readLock(aside);
      if (holder && moved && moved.token !== holder.token) {
        // Someone else took it over between our read and our rename: put theirs back and give up.
        try {
          linkSync(aside, path);
        } catch {}
        unlinkSync(aside);
        throw new DataDirLockedError(dataDir, moved.pid, moved.host);
      }
      unlinkSync(aside);
      onStale({ pid: holder?.pid ?? -1, host: holder?.host ?? 'unknown host' });
    }
    throw Object.assign(new Error(`Could not take the lock ${path}`), { code: 'data_dir_lock_failed' });
  } finally {
    try {
      unlinkSync(temp);
    } catch {}
  }
}

function release(path: string, token: string): void {
  heldHere.delete(path);
  if (readLock(path)?.token !== token) return;
  try {
    unlinkSync(path);
  } catch {}
}
