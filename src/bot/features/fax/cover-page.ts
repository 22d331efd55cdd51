import { PDFDocument, type PDFFont, type PDFPage, rgb, StandardFonts } from 'pdf-lib';

/** What the cover page says. All strings are shown as plain text; characters the font lacks become `?`. */
export interface CoverPageInput {
  readonly note: string;
  /** Who sends it (a person's name). */
  readonly from: string;
  /** To whom (a contact name and/or number). */
  readonly to: string;
  readonly date: Date;
  /** IANA zone for the date line; default Asia/Singapore (Hoiio's time). */
  readonly timeZone?: string | undefined;
}

/** The PDF could not be opened to add the cover page (encrypted, damaged beyond what pdf-lib reads). */
export class CoverPageError extends Error {
  override readonly name = 'CoverPageError';
  readonly code = 'fax_cover_page_failed';
  readonly userMessage =
    'The cover page could not be added to this PDF (it may be password-protected or damaged). ' +
    'Send it without a cover note, or export the PDF again.';

  constructor(options: { cause?: unknown } = {}) {
    super('Could not add a cover page to the PDF', options);
  }
}

const A4: [number, number] = [595.28, 841.89];
const MARGIN = 64;
const BODY_SIZE = 12;
const LINE_HEIGHT = 17;

/**
 * Prepends a generated A4 cover page (title, to, from, date, page count, the note) to `pdf`, whose pages are kept
 * as they are. Returns the new PDF and its page count.
 * @throws CoverPageError when pdf-lib cannot open the document.
 */
export async function prependCoverPage(
  pdf: Uint8Array,
  cover: CoverPageInput,
): Promise<{ bytes: Uint8Array; pages: number }> {
  try {
    // pdf-lib reads some damaged files without complaint and fails later: any failure here is the file's.
    const doc = await PDFDocument.load(pdf, { updateMetadata: false });
    if (doc.getPageCount() < 1) throw new Error('no pages');
    const regular = await doc.embedFont(StandardFonts.Helvetica);
    const bold = await doc.embedFont(StandardFonts.HelveticaBold);
    const page = doc.insertPage(0, A4);
    const total = doc.getPageCount();
    const write = writer(page, regular, bold);

    write.line('FAX', { font: bold, size: 28 });
    write.gap(12);
    write.field('To', cover.to);
    write.field('From', cover.from);
    write.field('Date', formatDate(cover.date, cover.timeZone ?? 'Asia/Singapore'));
    write.field('Pages', `${total} including this cover page`);
    write.gap(8);
    write.rule();
    write.gap(12);
    for (const paragraph of cover.note.split(/\r\n|\r|\n/)) write.paragraph(paragraph);
    return { bytes: await doc.save(), pages: total };
  } catch (cause) {
    throw new CoverPageError({ cause });
  }
}

function writer(page: PDFPage, regular: PDFFont, bold: PDFFont) {
  const width = page.getWidth() - 2 * MARGIN;
  let y = page.getHeight() - MARGIN;
  const bottom = MARGIN;
  const draw = (text: string, x: number, font: PDFFont, size: number): void => {
    if (y < bottom) return; // the note is capped upstream; anything that would run off the page is dropped
    page.drawText(encodable(text, font), { x, y, size, font, color: rgb(0, 0, 0) });
  };
  return {
    line(text: string, { font = regular, size = BODY_SIZE }: { font?: PDFFont; size?: number } = {}): void {
      y -= size;
      draw(text, MARGIN, font, size);
      y -= LINE_HEIGHT - BODY_SIZE;
    },
    field(label: string, value: string): void {
      y -= BODY_SIZE;
      draw(`${label}:`, MARGIN, bold, BODY_SIZE);
      const lines = wrap(encodable(value, regular), regular, BODY_SIZE, width - 60);
      lines.forEach((text, i) => {
        if (i > 0) y -= LINE_HEIGHT;
        draw(text, MARGIN + 60, regular, BODY_SIZE);
      });
      y -= LINE_HEIGHT - BODY_SIZE;
    },
    paragraph(text: string): void {
      const lines = text.trim() === '' ? [''] : wrap(encodable(text, regular), regular, BODY_SIZE, width);
      for (const line of lines) {
        y -= BODY_SIZE;
        draw(line, MARGIN, regular, BODY_SIZE);
        y -= LINE_HEIGHT - BODY_SIZE;
      }
    },
    rule(): void {
      page.drawLine({ start: { x: MARGIN, y }, end: { x: MARGIN + width, y }, thickness: 0.8, color: rgb(0, 0, 0) });
    },
    gap(points: number): void {
      y -= points;
    },
  };
}

/** Greedy word wrap by measured width; words longer than a line are cut. */
export function wrap(text: string, font: PDFFont, size: number, maxWidth: number): string[] {
  const lines: string[] = [];
  let current = '';
  for (const word of text.split(/\s+/).filter(Boolean)) {
    const candidate = current === '' ? word : `${current} ${word}`;
    if (font.widthOfTextAtSize(candidate, size) <= maxWidth) {
      current = candidate;
      continue;
    }
    if (current !== '') lines.push(current);
    current = word;
    while (font.widthOfTextAtSize(current, size) > maxWidth && current.length > 1) {
      let cut = current.length - 1;
      while (cut > 1 && font.widthOfTextAtSize(current.slice(0, cut), size) > maxWidth) cut--;
      lines.push(current.slice(0, cut));
      current = current.slice(cut);
    }
  }
  if (current !== '') lines.push(current);
  return lines;
}

/** The text with every character the (WinAnsi) standard font cannot draw replaced by `?`. */
function encodable(text: string, font: PDFFont): string {
  const supported = new Set(font.getCharacterSet());
  return Array.from(text.replace(/\t/g, ' '))
    .map((ch) => (supported.has(ch.codePointAt(0) ?? 0) ? ch : '?'))
    .join('');
}

function formatDate(date: Date, timeZone: string): string {
  const options: Intl.DateTimeFormatOptions = {
    day: 'numeric',
    month: 'long',
    year: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
    timeZoneName: 'short',
  };
  try {
    return new Intl.DateTimeFormat('en-GB', { ...options, timeZone }).format(date);
  } catch {
    return new Intl.DateTimeFormat('en-GB', { ...options, timeZone: 'Asia/Singapore' }).format(date);
  }
}
