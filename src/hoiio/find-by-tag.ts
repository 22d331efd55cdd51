/** Finding one of our sends in a Hoiio history by the `tag` we gave it (Hoiio has no idempotency key). */
import type { HoiioPage } from './resources/hoiio-resource.js';

/** How far before our own record Hoiio's clock may put the send (clock skew, second precision). */
export const TAG_SEARCH_SKEW_MS = 5 * 60 * 1000;
/** Pages of 100 looked through at most: one send is searched for, not the account's whole history. */
export const TAG_SEARCH_MAX_PAGES = 5;

/**
 * The history entry with our `tag`, sent at or after `since` (our record's creation, less
 * {@link TAG_SEARCH_SKEW_MS}), looking through at most {@link TAG_SEARCH_MAX_PAGES} pages; undefined when Hoiio
 * has no record of it. Newest pages are not guaranteed first, so the range is kept tight.
 * @param getPage one page of the history, e.g. `(p) => client.sms.getHistory(p, { signal })`.
 * @throws whatever `getPage` throws (rate limit, outage): the caller retries later.
 */
export async function findHistoryEntryByTag<E extends { readonly tag?: string | undefined }>(
  getPage: (params: { from: Date; page: number }) => Promise<HoiioPage<E>>,
  tag: string,
  since: Date,
): Promise<E | undefined> {
  const from = new Date(since.getTime() - TAG_SEARCH_SKEW_MS);
  for (let page = 1; page <= TAG_SEARCH_MAX_PAGES; page += 1) {
    const result = await getPage({ from, page });
    const hit = result.entries.find((e) => e.tag === tag);
    if (hit !== undefined) return hit;
    if (result.entries.length === 0 || page * 100 >= result.totalEntriesCount) return undefined;
  }
  return undefined;
}
