// Runs every bench module below, in order, prints a markdown table and writes bench/results.md.
// A module exports `run(): Promise<BenchResult[]>`; modules not written yet are skipped.
import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';

/** One measured figure against a baseline measured in the same run. */
export interface BenchResult {
  /** What was measured, e.g. `queue enqueue+claim+complete (postgres)`. */
  name: string;
  /** What it is compared with, e.g. `raw pg INSERT`. */
  baseline: string;
  /** Human-readable figures, e.g. `{ 'jobs/s': 1234, 'baseline rows/s': 5678 }`. */
  figures: Record<string, string | number>;
  /** subject ÷ baseline, in the unit the name states (throughput: higher is better; latency: lower). */
  ratio: number;
  note?: string;
}

/** Bench modules, relative to this file. */
const MODULES = ['./queue.ts', './ack.ts', './intake.ts', './ivr.ts'];

function table(results: BenchResult[]): string {
  const lines = [
    '| bench | baseline | figures | ratio |',
    '|---|---|---|---|',
    ...results.map((r) => {
      const figures = Object.entries(r.figures)
        .map(([k, v]) => `${k}: ${v}`)
        .join(', ');
      const note = r.note ? ` (${r.note})` : '';
      return `| ${r.name} | ${r.baseline} | ${figures}${note} | ${r.ratio.toFixed(3)} |`;
    }),
  ];
  return lines.join('\n');
}

async function main(): Promise<void> {
  const results: BenchResult[] = [];
  for (const module of MODULES) {
    const url = new URL(module, import.meta.url);
    if (!existsSync(fileURLToPath(url))) continue;
    console.error(`bench: ${module}`);
    const mod = (await import(url.href)) as { run(): Promise<BenchResult[]> };
    results.push(...(await mod.run()));
  }
  const markdown = `# Benchmarks\n\n${new Date().toISOString()} · Node ${process.version}\n\n${table(results)}\n`;
  await writeFile(new URL('./results.md', import.meta.url), markdown);
  console.log(markdown);
}

await main();
