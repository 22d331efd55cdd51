/** Walks a paged Hoiio list (`page` 1, 2, …) until `total_entries_count` entries were seen. */

/** One page of a Hoiio list endpoint, already mapped. */
export interface Page<E> {
  readonly totalEntriesCount: number;
  readonly entries: readonly E[];
}

/**
 * Yields every entry of every page from page 1. Stops once `totalEntriesCount` entries were
 * yielded, or at the first empty page (so a miscounting server cannot loop forever).
 */
export async function* paginate<E>(fetchPage: (page: number) => Promise<Page<E>>): AsyncGenerator<E, void, undefined> {
  let seen = 0;
  for (let page = 1; ; page++) {
    const result = await fetchPage(page);
    for (const entry of result.entries) yield entry;
    seen += result.entries.length;
    if (result.entries.length === 0 || seen >= result.totalEntriesCount) return;
  }
}
