import { createHash } from 'node:crypto';
import type { HoiioNotification } from '../../hoiio/index.js';
import type { WebhookKind } from '../webhook-urls.js';

/**
 * The `inbound_events.dedupe_key` of a notification: the same notification delivered twice gets the same key,
 * a new state of the same transaction a new one.
 * - `sms.status`, `fax.outgoing`, `fax.incoming`: kind + txn_ref + status;
 * - `call.status`: kind + txn_ref + both leg statuses;
 * - `sms.incoming`: kind + txn_ref (each part of a long SMS has its own txn_ref);
 * - `ivr`: kind + txn_ref + session + block + call_state + a digest of every parameter, because one call sends
 *   many notifications of the same block (two Gathers, say) that differ only in their tag or digits. The calls
 *   feature should give each block request its own tag so that two legitimately equal answers stay distinct.
 */
export function notificationDedupeKey(urlKind: WebhookKind, n: HoiioNotification): string {
  switch (n.kind) {
    case 'sms.status':
      return key(n.kind, n.txnRef, n.smsStatus);
    case 'sms.incoming':
      return key(n.kind, n.txnRef);
    case 'call.status':
      return key(n.kind, n.txnRef, n.callStatusDest1 ?? '-', n.callStatusDest2 ?? '-');
    case 'fax.outgoing':
    case 'fax.incoming':
      return key(n.kind, n.txnRef, n.faxStatus);
    case 'ivr':
      return key(n.kind, n.txnRef, n.session, n.block, n.callState, paramsDigest(urlKind, n.raw));
  }
}

/** The key of a payload that could not be parsed: the same garbage twice is stored once. */
export function rejectedDedupeKey(urlKind: WebhookKind, params: Record<string, string>): string {
  return key('rejected', urlKind, paramsDigest(urlKind, params));
}

function key(...parts: string[]): string {
  // Parts are Hoiio ids and status words; cap each so a hostile txn_ref cannot make the key huge.
  return parts.map((p) => p.slice(0, 100)).join(':');
}

function paramsDigest(urlKind: WebhookKind, params: Record<string, string>): string {
  const canonical = JSON.stringify([
    urlKind,
    ...Object.entries(params).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)),
  ]);
  return createHash('sha256').update(canonical).digest('base64url').slice(0, 22);
}
