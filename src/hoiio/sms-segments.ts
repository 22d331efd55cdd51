/**
 * SMS part counting as Hoiio bills it (hoiio-api.md §3.1).
 *
 * - A text made only of GSM 03.38 characters is sent as GSM-7: 160 septets in a single SMS,
 *   153 per part once it is split (the rest of each part carries the concatenation header).
 * - Characters of the GSM extension table (`^ { } \ [ ~ ] | €` and form feed) take two septets
 *   (escape + character). Hoiio's documentation also counts the line break `\n` double, so we do
 *   too: a counter that agrees with the bill is worth more than one that agrees with GSM 03.38.
 * - Anything else forces UCS-2: 70 UTF-16 code units in a single SMS, 67 per part; an emoji or any
 *   astral character is two code units.
 * - A two-septet character, or a surrogate pair, is never split across parts: when only one unit
 *   is left in a part it moves whole to the next one.
 * - Hoiio sends at most 3 parts (459 GSM-7 / 201 UCS-2); longer texts are refused with
 *   `error_msg_too_big`.
 */

/** The most parts Hoiio sends for one message. */
export const HOIIO_MAX_SMS_SEGMENTS = 3;

/** How a text is sent and how many parts it takes. */
export interface SmsSegmentCount {
  /** `GSM-7` when every character is in the GSM alphabet, else `UCS-2`. */
  encoding: 'GSM-7' | 'UCS-2';
  /** Septets (GSM-7) or UTF-16 code units (UCS-2) the text takes. */
  units: number;
  /** Parts billed; 0 for an empty text. */
  segments: number;
  /** Units per part: 160 or 153 (GSM-7), 70 or 67 (UCS-2), depending on whether the text is split. */
  perSegment: number;
  /** Units that can still be added without another part being needed (in the last part). */
  remainingInSegment: number;
}

const GSM_BASIC =
  '@£$¥èéùìòÇØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !"#¤%&\'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà';
/** Two septets each: the GSM extension table, plus `\n` as Hoiio counts it. */
const GSM_DOUBLE = '\f^{}\\[~]|€\n';

const BASIC = new Set(Array.from(GSM_BASIC));
const DOUBLE = new Set(Array.from(GSM_DOUBLE));

const LIMITS = {
  'GSM-7': { single: 160, multi: 153 },
  'UCS-2': { single: 70, multi: 67 },
} as const;

/** Units of each character as it would be sent, or undefined when the text is not GSM-7. */
function gsmUnits(chars: string[]): number[] | undefined {
  const units: number[] = [];
  for (const c of chars) {
    if (BASIC.has(c)) units.push(1);
    else if (DOUBLE.has(c)) units.push(2);
    else return undefined;
  }
  return units;
}

/** Packs indivisible widths into parts of `size` units; returns parts used and room left in the last. */
function pack(widths: number[], size: number): { parts: number; left: number } {
  let parts = 1;
  let used = 0;
  for (const w of widths) {
    if (used + w > size) {
      parts += 1;
      used = 0;
    }
    used += w;
  }
  return { parts, left: size - used };
}

/** Counts the parts, encoding and remaining room of an SMS text, as Hoiio bills it. */
export function countSmsSegments(text: string): SmsSegmentCount {
  const chars = Array.from(String(text)); // code points: a surrogate pair stays together
  const gsm = gsmUnits(chars);
  const encoding = gsm ? 'GSM-7' : 'UCS-2';
  const widths = gsm ?? chars.map((c) => c.length);
  const units = widths.reduce((sum, w) => sum + w, 0);
  const limit = LIMITS[encoding];
  if (units === 0) return { encoding, units, segments: 0, perSegment: limit.single, remainingInSegment: limit.single };
  if (units <= limit.single) {
    return { encoding, units, segments: 1, perSegment: limit.single, remainingInSegment: limit.single - units };
  }
  const { parts, left } = pack(widths, limit.multi);
  return { encoding, units, segments: parts, perSegment: limit.multi, remainingInSegment: left };
}

/** Whether Hoiio would refuse the text as longer than {@link HOIIO_MAX_SMS_SEGMENTS} parts. */
export function smsTooLong(text: string): boolean {
  return countSmsSegments(text).segments > HOIIO_MAX_SMS_SEGMENTS;
}
