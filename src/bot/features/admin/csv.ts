import type { TransactionRow } from '../../../db/tables/transactions.js';
import { maskPhoneNumber } from '../../../hoiio/index.js';

const FORMULA_START = /^[=+\-@\t\r]/;

/**
 * One CSV cell (RFC 4180): quoted when it holds a comma, quote or line break; a cell that a spreadsheet would
 * read as a formula (starting with = + - @, tab or CR) is prefixed with `'` (CSV injection).
 */
export function csvCell(value: string | number | null | undefined): string {
  if (value === null || value === undefined) return '';
  let text = String(value);
  if (FORMULA_START.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** Rows of cells as CSV text, CRLF line ends. */
export function toCsv(rows: readonly (readonly (string | number | null | undefined)[])[]): string {
  return `${rows.map((row) => row.map(csvCell).join(',')).join('\r\n')}\r\n`;
}

export const EXPORT_COLUMNS = [
  'created_at_utc',
  'kind',
  'direction',
  'status',
  'contact_number',
  'contact_name',
  'our_number',
  'from_number',
  'to_number',
  'txn_ref',
  'currency',
  'rate',
  'debit',
  'duration_seconds',
  'pages',
  'segments',
  'error_code',
  'slack_user_id',
  'slack_channel_id',
  'text',
] as const;

export interface ExportOptions {
  /** Show numbers as country code + last 4 digits, and leave out contact names and message text (non-admins). */
  readonly mask: boolean;
  readonly contactNames: ReadonlyMap<string, string>;
}

/** A transaction as export cells, in {@link EXPORT_COLUMNS} order. Our own Hoiio numbers are never masked. */
export function exportRow(txn: TransactionRow, { mask, contactNames }: ExportOptions): (string | number | null)[] {
  const outside = (n: string | null) => (n === null ? null : mask ? maskPhoneNumber(n) : n);
  // from/to: the outside party is masked, our own number is not.
  const party = (n: string | null) => (n !== null && n === txn.our_number ? n : outside(n));
  const name = txn.contact_number ? contactNames.get(txn.contact_number) : undefined;
  return [
    txn.created_at.toISOString(),
    txn.kind,
    txn.direction,
    txn.status,
    outside(txn.contact_number),
    mask ? null : (name ?? null),
    txn.our_number,
    party(txn.from_number),
    party(txn.to_number),
    txn.txn_ref,
    txn.currency,
    txn.rate,
    txn.debit,
    txn.duration,
    txn.pages,
    txn.segments,
    txn.error_code,
    txn.slack_user_id,
    txn.slack_channel_id,
    mask ? null : txn.text,
  ];
}
