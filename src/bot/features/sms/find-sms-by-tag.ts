import { findHistoryEntryByTag, type HoiioClient, type SmsRecord } from '../../../hoiio/index.js';

/**
 * The SMS Hoiio has with our `tag`, sent at or after `since` (our row's creation), or undefined when Hoiio has no
 * record of it. Throws Hoiio errors (rate limit, outage): the caller's job retries.
 */
export function findSmsByTag(
  hoiio: HoiioClient,
  tag: string,
  since: Date,
  signal?: AbortSignal,
): Promise<SmsRecord | undefined> {
  return findHistoryEntryByTag((p) => hoiio.sms.getHistory(p, { signal }), tag, since);
}
