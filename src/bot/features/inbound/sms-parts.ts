/**
 * Joining the parts of a long incoming SMS. Hoiio delivers a message over 160 characters as several
 * notifications of at most 152 characters each, with nothing linking them. We join an incoming part to the
 * contact's previous incoming SMS when, taken together and ordered by Hoiio's reference, every part but the last
 * is full (a part shorter than a full one ends a message), they came from the same number to the same number,
 * within {@link JOIN_WINDOW_MS} of each other, with nothing else from that contact in between, and there are at
 * most {@link MAX_PARTS}. Parts may arrive out of order: the joined text is always in reference order.
 */

/** The longest part Hoiio sends; non-final parts have exactly this many characters. */
export const PART_LENGTH = 152;
/**
 * A part at least this long counts as full. Hoiio documents "≤ 152 characters each"; the slack allows for a
 * splitter that does not cut exactly at 152 (a GSM extension character counts twice).
 */
export const FULL_PART_MIN = 150;
/** Parts further apart than this are separate messages. */
export const JOIN_WINDOW_MS = 60_000;
/** A message has at most this many parts (Hoiio's own limit for a sent SMS is 3; received ones run longer). */
export const MAX_PARTS = 10;

/** One received part, as kept in the transaction's meta. */
export interface SmsPart {
  readonly txnRef: string;
  readonly text: string;
  /** When Hoiio says it was received (else when we received it), ISO 8601. */
  readonly at: string;
}

/** Sort key of a reference: its trailing number (`AA-SI-85` → 85), else undefined. */
export function partSequence(txnRef: string): number | undefined {
  const match = /(\d+)$/.exec(txnRef);
  return match?.[1] === undefined ? undefined : Number(match[1]);
}

/** Whether a part is long enough to have been cut from a longer message. */
export function isFullPart(text: string): boolean {
  const length = Array.from(text).length;
  return length >= FULL_PART_MIN && length <= PART_LENGTH + 1;
}

/** Parts in the order Hoiio issued them (references without a number keep their arrival order, last). */
export function orderParts(parts: readonly SmsPart[]): SmsPart[] {
  return parts
    .map((part, index) => ({ part, index, seq: partSequence(part.txnRef) }))
    .sort((a, b) => {
      if (a.seq !== undefined && b.seq !== undefined && a.seq !== b.seq) return a.seq - b.seq;
      if (a.seq === undefined && b.seq !== undefined) return 1;
      if (b.seq === undefined && a.seq !== undefined) return -1;
      return a.index - b.index;
    })
    .map((x) => x.part);
}

/**
 * Whether `next` continues the message made of `parts` (see the module comment). `parts` are those of the
 * contact's latest incoming SMS; the caller checks that it is the latest and from the same numbers.
 */
export function continuesMessage(parts: readonly SmsPart[], next: SmsPart): boolean {
  if (parts.length === 0 || parts.length >= MAX_PARTS) return false;
  if (parts.some((p) => p.txnRef === next.txnRef)) return false;
  const times = [...parts, next].map((p) => Date.parse(p.at));
  if (times.some(Number.isNaN)) return false;
  if (Math.max(...times) - Math.min(...times) > JOIN_WINDOW_MS) return false;
  const ordered = orderParts([...parts, next]);
  return ordered.slice(0, -1).every((p) => isFullPart(p.text));
}

/** The message text of its parts, in reference order. */
export function joinParts(parts: readonly SmsPart[]): string {
  return orderParts(parts)
    .map((p) => p.text)
    .join('');
}
