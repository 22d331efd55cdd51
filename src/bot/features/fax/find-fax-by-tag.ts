import type { FaxRecord, HoiioClient } from '../../../hoiio/index.js';

/** How far before our row's creation Hoiio's clock may put the send (clock skew, second precision). */
const SKEW_MS = 5 * 60 * 1000;
/** Pages of 100 looked through at most: one fax is searched, not the account's whole history. */
const MAX_PAGES = 5;

/**
 * The outgoing fax Hoiio has with our `tag`, sent at or after `since` (our row's creation), or undefined when
 * Hoiio has no record of it. Hoiio errors (rate limit, outage) propagate: the caller's job retries.
 */
export async function findFaxByTag(
  hoiio: HoiioClient,
  tag: string,
  since: Date,
  signal?: AbortSignal,
): Promise<FaxRecord | undefined> {
  const from = new Date(since.getTime() - SKEW_MS);
  for (let page = 1; page <= MAX_PAGES; page += 1) {
    const result = await hoiio.fax.getHistory({ from, page, type: 'outgoing' }, { signal });
    const hit = result.entries.find((e) => e.tag === tag);
    if (hit !== undefined) return hit;
    if (result.entries.length === 0 || page * 100 >= result.totalEntriesCount) return undefined;
  }
  return undefined;
}
