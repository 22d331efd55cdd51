import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';

const CHILD = fileURLToPath(new URL('./fixtures/db-child.ts', import.meta.url));

/** A running db-child.ts, with its output so far and a way to wait for a line. */
export interface Child {
  proc: ChildProcess;
  output(): string;
  waitForLine(pattern: RegExp): Promise<RegExpMatchArray>;
  exited: Promise<number | null>;
}

/** Starts test/integration/db/fixtures/db-child.ts under tsx with `env` added. */
export function startChild(args: string[], env: Record<string, string>): Child {
  const proc = spawn(process.execPath, ['--import', 'tsx', CHILD, ...args], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  const waiters: Array<{ pattern: RegExp; resolve: (m: RegExpMatchArray) => void }> = [];
  const check = () => {
    for (const w of [...waiters]) {
      const m = out.match(w.pattern);
      if (m) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve(m);
      }
    }
  };
  proc.stdout?.on('data', (d: Buffer) => {
    out += d.toString();
    check();
  });
  proc.stderr?.on('data', (d: Buffer) => {
    out += d.toString();
  });
  const exited = once(proc, 'exit').then(([code]) => code as number | null);
  return {
    proc,
    output: () => out,
    exited,
    waitForLine(pattern) {
      return new Promise((resolve, reject) => {
        waiters.push({ pattern, resolve });
        check();
        exited.then((code) => reject(new Error(`child exited (${code}) before ${pattern}:\n${out}`)));
      });
    },
  };
}
