import { isMp3 } from './audio.js';

/** The kinds of untrusted media we accept. */
export type MediaKind = 'pdf' | 'mp3';

const PDF_MAGIC = [0x25, 0x50, 0x44, 0x46, 0x2d]; // %PDF-

/** Whether the bytes start with `%PDF-`. */
export function isPdf(bytes: Uint8Array): boolean {
  return PDF_MAGIC.every((byte, i) => bytes[i] === byte);
}

/** How many leading bytes `hasMagic` needs to decide. */
export const MAGIC_LENGTH: Readonly<Record<MediaKind, number>> = { pdf: PDF_MAGIC.length, mp3: 4 };

/** Whether the bytes start like a file of this kind, whatever any content type claims. */
export function hasMagic(kind: MediaKind, bytes: Uint8Array): boolean {
  return kind === 'pdf' ? isPdf(bytes) : isMp3(bytes);
}
