import { expect, test } from 'vitest';
import { firstPdfFile } from '../../../src/bot/features/fax/fax-shortcut.js';
import { faxCardStatus, faxOutcome } from '../../../src/bot/features/fax/fax-status.js';
import { sanitizeFileName } from '../../../src/bot/features/fax/prepare-fax-file.js';
import { explainFaxError } from '../../../src/hoiio/index.js';

test('fax_status maps to our status with the reason explained', () => {
  expect(faxOutcome('answered')).toEqual({ status: 'delivered' });
  expect(faxOutcome('ongoing')).toEqual({ status: 'sent' });
  expect(faxOutcome('failed', 'file_err')).toEqual({
    status: 'failed',
    errorCode: 'file_err',
    error: explainFaxError('file_err'),
  });
  expect(faxOutcome('busy')).toMatchObject({ status: 'failed', errorCode: 'busy', error: explainFaxError('busy') });
  expect(faxOutcome('unanswered')).toMatchObject({ status: 'failed', errorCode: 'unanswered' });
  expect(faxOutcome('unanswered')?.error).toMatch(/did not answer/);
  expect(faxOutcome('something_new')).toBeUndefined();
});

test('card status words', () => {
  expect(faxCardStatus('queued')).toBe('queued');
  expect(faxCardStatus('sending')).toBe('queued');
  expect(faxCardStatus('sent')).toBe('sent');
  expect(faxCardStatus('delivered')).toBe('delivered');
  expect(faxCardStatus('failed')).toBe('failed');
  expect(faxCardStatus('unknown')).toBe('unknown');
});

test('file names for Hoiio: no path, no control characters, .pdf', () => {
  expect(sanitizeFileName('contract.pdf')).toBe('contract.pdf');
  expect(sanitizeFileName('../../etc/passwd')).toBe('passwd.pdf');
  expect(sanitizeFileName('a\u0000b\u202e.PDF')).toBe('ab.PDF');
  expect(sanitizeFileName('   ')).toBe('fax.pdf');
  expect(sanitizeFileName(`${'x'.repeat(300)}.pdf`).length).toBeLessThanOrEqual(104);
});

test('the first PDF of a message is found by filetype, mimetype or name', () => {
  expect(firstPdfFile(undefined)).toBeUndefined();
  expect(firstPdfFile([{ id: 'F1', name: 'a.png', filetype: 'png' }])).toBeUndefined();
  expect(
    firstPdfFile([
      { id: 'F1', name: 'a.png', filetype: 'png' },
      { id: 'F2', name: 'scan', mimetype: 'application/pdf' },
    ]),
  ).toEqual({ id: 'F2', name: 'scan' });
  expect(firstPdfFile([{ id: 'F3', name: 'X.PDF' }])).toEqual({ id: 'F3', name: 'X.PDF' });
});
