import { spawn } from 'node:child_process';
import { resolve } from 'node:path';
import { expect, onTestFinished, test } from 'vitest';

const root = resolve(import.meta.dirname, '../../..');

// pdf-parse runs pdf.js; if anything of it (a worker, a port, a timer) outlived inspectPdf, the
// child would never exit on its own and this test would time out.
test('inspectPdf leaves nothing that keeps the process alive', async () => {
  const child = spawn(process.execPath, ['--import', 'tsx', resolve(import.meta.dirname, 'pdf-exit-child.ts')], {
    cwd: root,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  onTestFinished(() => {
    if (child.exitCode === null) child.kill();
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => {
    stdout += chunk.toString();
  });
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const code = await new Promise<number | null>((done) => child.on('exit', done));
  expect(stderr).toBe('');
  expect(code).toBe(0);
  expect(JSON.parse(stdout)).toEqual({ pages: 3, resources: [] });
});
