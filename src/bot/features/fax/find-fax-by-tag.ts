import { type FaxRecord, findHistoryEntryByTag, type HoiioClient } from '../../../hoiio/index.js';

/**
 * The outgoing fax Hoiio has with our `tag`, sent at or after `since` (our row's creation), or undefined when
 * Hoiio has no record of it. Hoiio errors (rate limit, outage) propagate: the caller's job retries.
 */
export function findFaxByTag(
  hoiio: HoiioClient,
  tag: string,
  since: Date,
  signal?: AbortSignal,
): Promise<FaxRecord | undefined> {
  return findHistoryEntryByTag((p) => hoiio.fax.getHistory({ ...p, type: 'outgoing' }, { signal }), tag, since);
}
