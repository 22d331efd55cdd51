import { expect, test } from 'vitest';
import { readFaxSubmission } from '../../../src/bot/features/fax/fax-submission.js';
import { FAX_FIELD } from '../../../src/bot/ids.js';

function values(to: string, files: any[] = [], cover = ''): any {
  return {
    [FAX_FIELD.to]: { [FAX_FIELD.to]: { type: 'plain_text_input', value: to } },
    [FAX_FIELD.file]: { [FAX_FIELD.file]: { type: 'file_input', files } },
    [FAX_FIELD.cover]: { [FAX_FIELD.cover]: { type: 'plain_text_input', value: cover } },
  };
}
const pdf = { id: 'F1', name: 'a.pdf', filetype: 'pdf', size: 1000 };

test('a valid submission gives E.164, the file and the trimmed note', () => {
  expect(readFaxSubmission(values('6123 4567', [pdf], '  hi  '), { channel: 'C1' }, 'SG')).toEqual({
    ok: true,
    submission: { to: '+6561234567', fileId: 'F1', fileName: 'a.pdf', coverNote: 'hi' },
  });
});

test('field errors: missing or bad number, no file, not a PDF, too large, note too long', () => {
  const r1 = readFaxSubmission(values('', []), { channel: 'C1' }, 'SG');
  expect(r1.ok).toBe(false);
  if (!r1.ok) expect(Object.keys(r1.errors).sort()).toEqual([FAX_FIELD.file, FAX_FIELD.to].sort());
  const r2 = readFaxSubmission(values('12', [pdf]), { channel: 'C1' }, 'SG');
  expect(!r2.ok && r2.errors[FAX_FIELD.to]).toMatch(/number/);
  const r3 = readFaxSubmission(values('+6561234567', [{ ...pdf, filetype: 'docx' }]), { channel: 'C1' }, 'SG');
  expect(!r3.ok && r3.errors[FAX_FIELD.file]).toMatch(/not a PDF/);
  const r4 = readFaxSubmission(values('+6561234567', [{ ...pdf, size: 3_000_000 }]), { channel: 'C1' }, 'SG');
  expect(!r4.ok && r4.errors[FAX_FIELD.file]).toMatch(/2 MB/);
  const r5 = readFaxSubmission(values('+6561234567', [pdf], 'x'.repeat(1501)), { channel: 'C1' }, 'SG');
  expect(!r5.ok && r5.errors[FAX_FIELD.cover]).toMatch(/1500/);
});

test('without an upload, the message file from the metadata is used', () => {
  const r = readFaxSubmission(values('+6561234567', []), { channel: 'C1', fileId: 'F9', fileName: 'm.pdf' }, 'SG');
  expect(r).toEqual({
    ok: true,
    submission: { to: '+6561234567', fileId: 'F9', fileName: 'm.pdf', coverNote: undefined },
  });
});
