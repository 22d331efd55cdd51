import {
  beginText,
  endText,
  moveText,
  PDFDocument,
  PDFHexString,
  StandardFonts,
  setFontAndSize,
  showText,
} from 'pdf-lib';
import { describe, expect, test } from 'vitest';
import { inspectPdf, isPdf, PdfError } from '../../../src/bot/media/pdf.js';

async function makePdf(pages: number, firstPageLines: string[] = []): Promise<Uint8Array> {
  const doc = await PDFDocument.create();
  const font = await doc.embedFont(StandardFonts.Helvetica);
  for (let i = 0; i < pages; i++) {
    const page = doc.addPage([595, 842]); // A4
    if (i > 0) continue;
    for (const [n, line] of firstPageLines.entries()) page.drawText(line, { x: 50, y: 780 - n * 20, size: 12, font });
  }
  return doc.save({ addDefaultPage: false });
}

/**
 * One page of text whose font maps A, B and C (through its ToUnicode CMap) to U+202E (right-to-left
 * override), U+0007 (bell) and U+001B (escape): what a hostile fax could smuggle into a card.
 */
async function pdfWithHostileText(raw: string): Promise<Uint8Array> {
  const doc = await PDFDocument.create();
  const cmap = [
    '/CIDInit /ProcSet findresource begin 12 dict begin begincmap',
    '/CMapName /Adobe-Identity-UCS def /CMapType 2 def',
    '1 begincodespacerange <00> <FF> endcodespacerange',
    '3 beginbfchar <41> <202E> <42> <0007> <43> <001B> endbfchar',
    'endcmap CMapName currentdict /CMap defineresource pop end end',
  ].join('\n');
  const toUnicode = doc.context.register(doc.context.stream(cmap));
  const font = doc.context.register(
    doc.context.obj({
      Type: 'Font',
      Subtype: 'Type1',
      BaseFont: 'Helvetica',
      Encoding: 'WinAnsiEncoding',
      ToUnicode: toUnicode,
    }),
  );
  const page = doc.addPage([595, 842]);
  const key = page.node.newFontDictionary('Helvetica', font);
  page.pushOperators(
    beginText(),
    setFontAndSize(key, 12),
    moveText(50, 780),
    showText(PDFHexString.of(Buffer.from(raw, 'latin1').toString('hex'))),
    endText(),
  );
  return doc.save();
}

async function pdfError(promise: Promise<unknown>): Promise<PdfError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(PdfError);
  return error as PdfError;
}

describe('inspectPdf', () => {
  test('counts pages and reads the first lines of text', async () => {
    const bytes = await makePdf(3, ['INVOICE 2024-117', 'ACME Logistics Pte Ltd', 'Amount due: SGD 420.00']);
    const copy = Uint8Array.from(bytes);
    const summary = await inspectPdf(bytes);
    expect(summary.pages).toBe(3);
    expect(summary.text).toBe('INVOICE 2024-117\nACME Logistics Pte Ltd\nAmount due: SGD 420.00');
    expect(Buffer.from(bytes).equals(Buffer.from(copy))).toBe(true); // the caller's bytes are untouched
  });

  test('a PDF without text has empty text', async () => {
    expect(await inspectPdf(await makePdf(2))).toEqual({ pages: 2, text: '' });
  });

  test('text is capped at maxTextChars', async () => {
    const long = 'x'.repeat(80);
    const bytes = await makePdf(1, ['Dear customer', ...Array.from({ length: 10 }, () => long)]);
    const summary = await inspectPdf(bytes, { maxTextChars: 100 });
    expect(Array.from(summary.text).length).toBe(100);
    expect(summary.text.startsWith('Dear customer\nxxx')).toBe(true);
    expect(summary.text.endsWith('x…')).toBe(true);
  });

  test('control characters in the text are removed', async () => {
    const summary = await inspectPdf(await pdfWithHostileText('PayAtoB nowC[31m!'));
    expect(summary.text).toMatch(/^Pay ?to now ?\[31m!$/);
    const invisible = Array.from(summary.text).filter((c) => c < ' ' || c === '\u007f' || c === '\u202e');
    expect(invisible).toEqual([]);
  });

  test('garbage is not_pdf', async () => {
    const error = await pdfError(inspectPdf(Buffer.from('<html><body>Sign in to Slack</body></html>')));
    expect(error.code).toBe('not_pdf');
    expect(error.userMessage).toBe('The file is not a PDF.');
  });

  test('a truncated PDF is unreadable', async () => {
    const bytes = await makePdf(3, ['hello']);
    const error = await pdfError(inspectPdf(bytes.subarray(0, Math.floor(bytes.length / 2))));
    expect(error.code).toBe('unreadable');
    expect(error.cause).toBeInstanceOf(Error);
  });

  test('a header alone is unreadable', async () => {
    expect((await pdfError(inspectPdf(Buffer.from('%PDF-1.7\n')))).code).toBe('unreadable');
  });

  test('a PDF with no pages is no_pages', async () => {
    const error = await pdfError(inspectPdf(await makePdf(0)));
    expect(error.code).toBe('no_pages');
  });
});

test('isPdf checks the %PDF- magic', () => {
  expect(isPdf(Buffer.from('%PDF-1.4'))).toBe(true);
  expect(isPdf(Buffer.from('%PDF'))).toBe(false);
  expect(isPdf(Buffer.from(' %PDF-1.4'))).toBe(false);
});
