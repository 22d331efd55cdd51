import { isPdf } from './magic.js';

export { isPdf } from './magic.js';

/** Why a PDF cannot be used. */
export type PdfErrorCode = 'not_pdf' | 'unreadable' | 'no_pages';

const USER_MESSAGES: Readonly<Record<PdfErrorCode, string>> = {
  not_pdf: 'The file is not a PDF.',
  unreadable: 'The PDF could not be read; it may be damaged or incomplete.',
  no_pages: 'The PDF has no pages.',
};

/** A PDF that is not one, cannot be read, or has no pages; `userMessage` is fit to show in Slack. */
export class PdfError extends Error {
  override readonly name = 'PdfError';
  readonly code: PdfErrorCode;
  readonly userMessage: string;

  constructor(code: PdfErrorCode, options: { cause?: unknown; userMessage?: string } = {}) {
    const userMessage = options.userMessage ?? USER_MESSAGES[code];
    super(userMessage, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.userMessage = userMessage;
  }
}

export interface PdfSummary {
  pages: number;
  /** The first lines of text (from the first pages), trimmed, without control characters; '' when none. */
  text: string;
}

/** Text is looked for on this many leading pages at most: faxes are mostly scanned images. */
const TEXT_PAGES = 3;

/**
 * Counts the pages of a PDF and takes the first lines of its text, for a fax card or a fax send.
 * The input is copied, never detached or changed. Everything pdf-parse holds is released before
 * returning, so nothing keeps the process alive.
 * @throws PdfError `not_pdf` (no `%PDF-`), `unreadable` (corrupt, truncated, encrypted), `no_pages`.
 */
export async function inspectPdf(bytes: Uint8Array, options: { maxTextChars?: number } = {}): Promise<PdfSummary> {
  const maxTextChars = options.maxTextChars ?? 500;
  if (!isPdf(bytes)) throw new PdfError('not_pdf');
  // Loaded on first use: pdf.js is large, and most processes importing media never parse a PDF.
  const { PasswordException, PDFParse } = await import('pdf-parse');
  const parser = new PDFParse({
    data: new Uint8Array(bytes), // pdf.js may transfer (detach) the buffer it is given
    isEvalSupported: false,
    disableFontFace: true,
    useSystemFonts: false,
    stopAtErrors: false,
    verbosity: 0,
  });
  try {
    let pages: number;
    try {
      pages = (await parser.getInfo()).total;
    } catch (cause) {
      throw cause instanceof PasswordException
        ? new PdfError('unreadable', { cause, userMessage: 'The PDF is password-protected.' })
        : new PdfError('unreadable', { cause });
    }
    if (pages < 1) throw new PdfError('no_pages');
    const lines: string[] = [];
    let length = 0;
    for (let page = 1; page <= Math.min(pages, TEXT_PAGES) && length < maxTextChars; page++) {
      let pageText: string;
      try {
        pageText = (await parser.getText({ partial: [page], pageJoiner: '' })).text;
      } catch {
        continue; // a page whose text cannot be extracted still counts; the card just shows less
      }
      for (const line of cleanLines(pageText)) {
        lines.push(line);
        length += line.length + 1;
      }
    }
    return { pages, text: truncate(lines.join('\n'), maxTextChars) };
  } finally {
    await parser.destroy();
  }
}

// Control and format characters (bidi overrides, zero-width) from an untrusted document.
const INVISIBLE = /[\p{Cc}\p{Cf}\p{Co}\p{Cn}]/gu;

function cleanLines(text: string): string[] {
  return text
    .split(/\r\n|\r|\n|\u2028|\u2029/)
    .map((line) => line.replace(INVISIBLE, ' ').replace(/\s+/g, ' ').trim())
    .filter((line) => line.length > 0);
}

function truncate(text: string, max: number): string {
  const chars = Array.from(text); // never split a surrogate pair
  if (chars.length <= max) return text;
  if (max <= 1) return chars.slice(0, max).join('');
  return `${chars
    .slice(0, max - 1)
    .join('')
    .trimEnd()}…`;
}
