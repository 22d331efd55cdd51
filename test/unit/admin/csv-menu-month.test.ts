import { describe, expect, test } from 'vitest';
import { csvCell, exportRow, toCsv } from '../../../src/bot/features/admin/csv.js';
import { parseMenuText, richTextToPlain } from '../../../src/bot/features/admin/menu-text.js';
import { spendMonthLabel, spendMonthStart } from '../../../src/bot/features/admin/spend-month.js';
import type { TransactionRow } from '../../../src/db/tables/transactions.js';

describe('CSV', () => {
  test('quotes, escapes and defuses formulas', () => {
    expect(csvCell('plain')).toBe('plain');
    expect(csvCell('a,b')).toBe('"a,b"');
    expect(csvCell('say "hi"')).toBe('"say ""hi"""');
    expect(csvCell('line\nbreak')).toBe('"line\nbreak"');
    for (const evil of ['=1+1', '+1', '-1', '@SUM(A1)', '\tx', '\rx'])
      expect(csvCell(evil).replace(/^"/, '').startsWith("'")).toBe(true);
    expect(csvCell('=HYPERLINK("x","y")')).toBe(`"'=HYPERLINK(""x"",""y"")"`);
    expect(csvCell(null)).toBe('');
    expect(csvCell(3)).toBe('3');
    expect(
      toCsv([
        ['a', 'b'],
        ['1', null],
      ]),
    ).toBe('a,b\r\n1,\r\n');
  });

  test('masking keeps our own number and drops names and text', () => {
    const txn = {
      created_at: new Date('2025-01-02T03:04:05Z'),
      kind: 'sms',
      direction: 'in',
      status: 'received',
      contact_number: '+6591234567',
      our_number: '+6531580001',
      from_number: '+6591234567',
      to_number: '+6531580001',
      text: 'secret',
    } as TransactionRow;
    const names = new Map([['+6591234567', 'Alice']]);
    const masked = exportRow(txn, { mask: true, contactNames: names });
    expect(masked).toContain('+65 ••••4567');
    expect(masked).not.toContain('+6591234567');
    expect(masked).not.toContain('Alice');
    expect(masked).not.toContain('secret');
    expect(masked.filter((c) => c === '+6531580001')).toHaveLength(2);
    expect(exportRow(txn, { mask: false, contactNames: names })).toEqual(expect.arrayContaining(['Alice', 'secret']));
  });
});

describe('route menu text', () => {
  test('rich text with mentions becomes the call feature menu', () => {
    const plain = richTextToPlain({
      type: 'rich_text',
      elements: [
        {
          type: 'rich_text_section',
          elements: [
            { type: 'text', text: 'prompt: Press 1 for sales\n1=sales: ' },
            { type: 'user', user_id: 'U0AAA' },
            { type: 'text', text: ' ' },
            { type: 'user', user_id: 'U0BBB' },
          ],
        },
      ],
    });
    expect(plain).toBe('prompt: Press 1 for sales\n1=sales: <@U0AAA> <@U0BBB>\n');
    expect(parseMenuText(plain)).toEqual({
      ok: true,
      menu: { prompt: 'Press 1 for sales', options: { '1': { label: 'sales', ring_user_ids: ['U0AAA', 'U0BBB'] } } },
    });
  });

  test('empty is no menu; bad lines and duplicate keys are explained', () => {
    expect(parseMenuText('  \n ')).toEqual({ ok: true, menu: null });
    expect(parseMenuText('1=a\n1=b')).toMatchObject({ ok: false, problem: /twice/ });
    expect(parseMenuText('sales please')).toMatchObject({ ok: false, problem: /one option per line/ });
    expect(parseMenuText('2 = support')).toMatchObject({ ok: true, menu: { prompt: 'Press 2 for support.' } });
  });
});

describe('spend month (GMT+8)', () => {
  test('starts at midnight Singapore time on the 1st', () => {
    // 2025-02-28 17:00 UTC is already March 1st 01:00 in Singapore.
    const at = new Date('2025-02-28T17:00:00Z');
    expect(spendMonthLabel(at)).toBe('2025-03');
    expect(spendMonthStart(at).toISOString()).toBe('2025-02-28T16:00:00.000Z');
    expect(spendMonthStart(new Date('2025-02-28T15:59:59Z')).toISOString()).toBe('2025-01-31T16:00:00.000Z');
  });
});
