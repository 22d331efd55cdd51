// `npm run bench`: runs every bench module below, in order, prints the results as markdown and writes them to
// bench/results.md (date, machine, load average, one table per bench, the named baselines).
// A module exports `run(): Promise<BenchResult[]>`; modules not written yet are skipped, and one that throws is
// reported as failed while the others still run. PostgreSQL: BENCH_DATABASE_URL, else TEST_DATABASE_URL, else
// postgres://postgres@127.0.0.1:5432/test when it answers; without one, PGlite only.
// The whole run is bounded: past RUN_LIMIT_MS it writes what it has and exits non-zero.
import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { cpus, loadavg, platform, release, totalmem } from 'node:os';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { benchDatabaseUrl, reachable } from './support/scratch-database.js';

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

/** Bench modules, relative to this file, with the title of their table. */
const MODULES: readonly { path: string; title: string }[] = [
  { path: './queue.ts', title: 'Job queue throughput' },
  { path: './ack.ts', title: 'Slack ack latency' },
  { path: './intake.ts', title: 'Webhook intake and SMS relay' },
  { path: './post-latency.ts', title: 'Notification → Slack post latency' },
  { path: './ivr.ts', title: 'IVR notification → next block' },
  { path: './rss.ts', title: 'Memory (RSS)' },
];

const DEFAULT_DATABASE_URL = 'postgres://postgres@127.0.0.1:5432/test';
const RUN_LIMIT_MS = 7 * 60_000;

interface Section {
  title: string;
  module: string;
  seconds: number;
  results: BenchResult[];
  error?: string;
}

const cell = (value: string | number) => String(value).replaceAll('|', '\\|').replaceAll('\n', ' ');

/** One table per set of rows sharing their figures' names: a column per figure. */
function tables(results: readonly BenchResult[]): string[] {
  const groups = new Map<string, BenchResult[]>();
  for (const r of results) {
    const key = Object.keys(r.figures).join('\u0000');
    groups.set(key, [...(groups.get(key) ?? []), r]);
  }
  return [...groups.values()].map((rows) => {
    const keys = Object.keys(rows[0]?.figures ?? {});
    const head = ['bench', ...keys, 'ratio', 'baseline', 'note'];
    const lines = [
      `| ${head.join(' | ')} |`,
      `|${head.map((_, i) => (i > 0 && i <= keys.length + 1 ? '---:' : '---')).join('|')}|`,
      ...rows.map((r) => {
        const values = [r.name, ...keys.map((k) => r.figures[k] ?? ''), r.ratio.toFixed(3), r.baseline, r.note ?? ''];
        return `| ${values.map(cell).join(' | ')} |`;
      }),
    ];
    return lines.join('\n');
  });
}

async function postgresVersion(url: string | undefined): Promise<string> {
  if (url === undefined) return 'not used (PGlite only)';
  const client = new pg.Client({ connectionString: url });
  try {
    await client.connect();
    const { rows } = await client.query<{ server_version: string }>('show server_version');
    return `PostgreSQL ${rows[0]?.server_version ?? '?'} (${new URL(url).host})`;
  } catch {
    return 'unreachable';
  } finally {
    await client.end().catch(() => undefined);
  }
}

async function render(sections: readonly Section[], started: Date, load: { start: number[]; end: number[] }) {
  const cores = cpus();
  const fmt = (l: number[]) => l.map((v) => v.toFixed(2)).join(' / ');
  const baselines = new Map<string, Set<string>>();
  for (const s of sections) {
    for (const r of s.results) baselines.set(r.baseline, (baselines.get(r.baseline) ?? new Set()).add(s.title));
  }
  const parts = [
    '# Benchmarks',
    '',
    '`npm run bench` — every figure is compared with a baseline measured in the same run, on the same machine;',
    'compare ratios, not absolute numbers, between machines. See bench/README.md for what each bench does.',
    '',
    `- date: ${started.toISOString()} (${((Date.now() - started.getTime()) / 1000).toFixed(0)} s)`,
    `- machine: ${cores.length} × ${cores[0]?.model.trim() ?? 'unknown CPU'}, ${(totalmem() / 2 ** 30).toFixed(1)} GiB, ${platform()} ${release()}`,
    `- Node ${process.version}; database: ${await postgresVersion(benchDatabaseUrl())} and PGlite (in memory)`,
    `- load average (1 / 5 / 15 min) at start: ${fmt(load.start)}; at end: ${fmt(load.end)} (the bench itself keeps up to 2 cores busy)`,
    '',
  ];
  for (const s of sections) {
    parts.push(`## ${s.title} (\`bench/${s.module.slice(2)}\`, ${s.seconds.toFixed(0)} s)`, '');
    if (s.error !== undefined) parts.push(`**Failed:** ${cell(s.error)}`, '');
    for (const t of tables(s.results)) parts.push(t, '');
  }
  parts.push('## Baselines', '');
  for (const [name, used] of baselines) parts.push(`- ${name} — ${[...used].join(', ')}`);
  return `${parts.join('\n')}\n`;
}

async function main(): Promise<void> {
  const started = new Date();
  const loadStart = loadavg();
  if (benchDatabaseUrl() === undefined && (await reachable(DEFAULT_DATABASE_URL))) {
    process.env['BENCH_DATABASE_URL'] = DEFAULT_DATABASE_URL;
  }
  const sections: Section[] = [];
  const write = async () => {
    const markdown = await render(sections, started, { start: loadStart, end: loadavg() });
    await writeFile(new URL('./results.md', import.meta.url), markdown);
    return markdown;
  };
  const watchdog = setTimeout(() => {
    console.error(`bench: still running after ${RUN_LIMIT_MS / 1000} s; writing what there is and stopping`);
    const current = sections.at(-1);
    if (current) current.error = `stopped: the run exceeded ${RUN_LIMIT_MS / 1000} s`;
    void write().finally(() => process.exit(1));
  }, RUN_LIMIT_MS);
  for (const { path, title } of MODULES) {
    const url = new URL(path, import.meta.url);
    if (!existsSync(fileURLToPath(url))) continue;
    console.error(`bench: ${path}`);
    const section: Section = { title, module: path, seconds: 0, results: [] };
    sections.push(section);
    const t0 = performance.now();
    try {
      const mod = (await import(url.href)) as { run(): Promise<BenchResult[]> };
      section.results = await mod.run();
    } catch (error) {
      console.error(`bench: ${path} failed`, error);
      section.error = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
    }
    section.seconds = (performance.now() - t0) / 1000;
  }
  clearTimeout(watchdog);
  const markdown = await write();
  // Exit even if a failed bench left a server or pool open; after stdout is flushed.
  const code = sections.some((s) => s.error !== undefined) ? 1 : 0;
  process.stdout.write(markdown, () => process.exit(code));
}

await main();
