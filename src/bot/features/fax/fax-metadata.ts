import { z } from 'zod';

/** What the fax modal carries between opening and submission (`private_metadata`). */
export interface FaxModalMetadata {
  /** Where the card goes. */
  readonly channel: string;
  readonly threadTs?: string | undefined;
  /** A PDF from a message (the shortcut): used unless the user uploads another. */
  readonly fileId?: string | undefined;
  readonly fileName?: string | undefined;
}

const schema = z.object({
  c: z.string().min(1).max(40),
  t: z.string().max(40).optional(),
  f: z.string().max(40).optional(),
  n: z.string().max(500).optional(),
});

/** Compact JSON for `private_metadata` (3000 characters at most). */
export function encodeFaxModalMetadata(m: FaxModalMetadata): string {
  return JSON.stringify({
    c: m.channel,
    ...(m.threadTs !== undefined ? { t: m.threadTs } : {}),
    ...(m.fileId !== undefined ? { f: m.fileId } : {}),
    ...(m.fileName !== undefined ? { n: m.fileName.slice(0, 500) } : {}),
  });
}

/** The metadata back, or undefined when it is not ours (a forged or stale view). */
export function decodeFaxModalMetadata(text: string): FaxModalMetadata | undefined {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    return undefined;
  }
  const parsed = schema.safeParse(raw);
  if (!parsed.success) return undefined;
  const { c, t, f, n } = parsed.data;
  return { channel: c, threadTs: t, fileId: f, fileName: n };
}
