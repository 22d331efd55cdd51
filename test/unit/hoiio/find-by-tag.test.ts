import { expect, test } from 'vitest';
import { findHistoryEntryByTag, type HoiioPage, TAG_SEARCH_SKEW_MS } from '../../../src/hoiio/index.js';

type Entry = { tag?: string; n: number };

/** A history of `total` entries, 100 a page, entry i tagged `t<i>`; records the pages asked for. */
function history(total: number) {
  const asked: { from: Date; page: number }[] = [];
  const getPage = async (p: { from: Date; page: number }): Promise<HoiioPage<Entry>> => {
    asked.push(p);
    const start = (p.page - 1) * 100;
    const entries = Array.from({ length: Math.max(0, Math.min(100, total - start)) }, (_, i) => ({
      tag: `t${start + i}`,
      n: start + i,
    }));
    return { totalEntriesCount: total, entriesCount: entries.length, entries };
  };
  return { asked, getPage };
}

const since = new Date('2030-01-01T00:10:00Z');

test('finds the entry on a later page, asking from a little before our record', async () => {
  const h = history(250);
  expect(await findHistoryEntryByTag(h.getPage, 't230', since)).toEqual({ tag: 't230', n: 230 });
  expect(h.asked.map((p) => p.page)).toEqual([1, 2, 3]);
  expect(h.asked[0]?.from.getTime()).toBe(since.getTime() - TAG_SEARCH_SKEW_MS);
});

test('not found: stops after the last page, and never reads more than 5 pages', async () => {
  const short = history(150);
  expect(await findHistoryEntryByTag(short.getPage, 'nope', since)).toBeUndefined();
  expect(short.asked.map((p) => p.page)).toEqual([1, 2]);
  const long = history(10_000);
  expect(await findHistoryEntryByTag(long.getPage, 't9000', since)).toBeUndefined();
  expect(long.asked).toHaveLength(5);
});

test('an empty page ends the search even when the total says more', async () => {
  const asked: number[] = [];
  const found = await findHistoryEntryByTag(
    async ({ page }) => {
      asked.push(page);
      return { totalEntriesCount: 500, entriesCount: 0, entries: [] as Entry[] };
    },
    't1',
    since,
  );
  expect(found).toBeUndefined();
  expect(asked).toEqual([1]);
});

test('errors of a page propagate', async () => {
  await expect(
    findHistoryEntryByTag(
      async () => {
        throw new Error('rate limited');
      },
      't1',
      since,
    ),
  ).rejects.toThrow('rate limited');
});
