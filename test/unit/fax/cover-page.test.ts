import { PDFDocument, StandardFonts } from 'pdf-lib';
import { describe, expect, test } from 'vitest';
import { CoverPageError, prependCoverPage, wrap } from '../../../src/bot/features/fax/cover-page.js';
import { inspectPdf } from '../../../src/bot/media/index.js';

async function pdfOf(pages: number, size: [number, number] = [612, 792]): Promise<Uint8Array> {
  const doc = await PDFDocument.create();
  const font = await doc.embedFont(StandardFonts.Helvetica);
  for (let i = 1; i <= pages; i++) doc.addPage(size).drawText(`Original page ${i}`, { x: 50, y: 700, font, size: 14 });
  return doc.save();
}

const cover = {
  note: 'Please sign page 2 and fax it back.\nThanks!',
  from: 'Jane Tan',
  to: 'Acme Logistics (+65 6123 4567)',
  date: new Date('2025-01-02T03:04:05Z'),
};

describe('prependCoverPage', () => {
  test('adds one A4 page in front, keeping the original pages and their order', async () => {
    const { bytes, pages } = await prependCoverPage(await pdfOf(3), cover);
    expect(pages).toBe(4);
    const doc = await PDFDocument.load(bytes);
    expect(doc.getPageCount()).toBe(4);
    const first = doc.getPage(0);
    expect(Math.round(first.getWidth())).toBe(595);
    expect(Math.round(first.getHeight())).toBe(842);
    expect(Math.round(doc.getPage(1).getWidth())).toBe(612);
    const summary = await inspectPdf(bytes, { maxTextChars: 2000 });
    expect(summary.pages).toBe(4);
    expect(summary.text).toContain('FAX');
    expect(summary.text).toContain('Jane Tan');
    expect(summary.text).toContain('Acme Logistics (+65 6123 4567)');
    expect(summary.text).toContain('Please sign page 2 and fax it back.');
    expect(summary.text).toContain('4 including this cover page');
    expect(summary.text).toContain('2 January 2025');
  });

  test('characters the standard font cannot draw become ? instead of failing', async () => {
    const { bytes } = await prependCoverPage(await pdfOf(1), { ...cover, note: 'Hello 世界 ✓ café', from: 'Zoë 😀' });
    const summary = await inspectPdf(bytes, { maxTextChars: 2000 });
    expect(summary.text).toContain('Hello ?? ? café');
    expect(summary.text).toContain('Zoë ?');
  });

  test('a long note is wrapped and cut at the page bottom rather than overflowing', async () => {
    const note = Array.from({ length: 200 }, (_, i) => `word${i}`).join(' ');
    const { bytes, pages } = await prependCoverPage(await pdfOf(1), { ...cover, note });
    expect(pages).toBe(2);
    expect((await inspectPdf(bytes, { maxTextChars: 5000 })).text).toContain('word0');
  });

  test('an unreadable document is a CoverPageError with a user message', async () => {
    const error = await prependCoverPage(new TextEncoder().encode('%PDF-1.4 garbage'), cover).catch((e) => e);
    expect(error).toBeInstanceOf(CoverPageError);
    expect(error.code).toBe('fax_cover_page_failed');
    expect(error.userMessage).toMatch(/cover page could not be added/);
  });
});

test('wrap splits on words and cuts words longer than a line', async () => {
  const doc = await PDFDocument.create();
  const font = await doc.embedFont(StandardFonts.Helvetica);
  const lines = wrap(`short words here ${'x'.repeat(300)}`, font, 12, 200);
  expect(lines[0]).toBe('short words here');
  for (const line of lines) expect(font.widthOfTextAtSize(line, 12)).toBeLessThanOrEqual(200);
  expect(lines.join('')).toContain('x'.repeat(50));
});
