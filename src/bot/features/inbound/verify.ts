/**
 * Verification of inbound notifications: nothing is posted or fetched until Hoiio's own query_status confirms
 * the txn_ref, and the facts we act on (text, media URL, pages) come from that answer.
 */
import { HoiioApiError, HoiioInvalidRequestError } from '../../../hoiio/index.js';

/** Whether `error` says Hoiio does not know the txn_ref (or it belongs to another account): a forgery. */
export function isUnknownTxnRef(error: unknown): boolean {
  if (error instanceof HoiioInvalidRequestError) return true;
  return error instanceof HoiioApiError && /txn_ref/.test(error.status);
}

/** Differences between what the notification claims and what Hoiio's record says (only fields both have). */
export function recordMismatch(
  claimed: Readonly<Record<string, string | undefined>>,
  record: Readonly<Record<string, string | undefined>>,
): string[] {
  return Object.keys(claimed).filter((field) => {
    const a = claimed[field];
    const b = record[field];
    return a !== undefined && a !== '' && b !== undefined && b !== '' && a !== b;
  });
}
