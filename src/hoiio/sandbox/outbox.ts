/**
 * The outbox (design.md §5, `api/outbox`): what applications sent — SMS, faxes, calls and IVR
 * calls with the blocks sent — newest first. Inbound events are not listed, but the blocks an
 * application sent to answer an incoming call are (as an `ivr` item with `direction: incoming`).
 */
import type { SandboxContext } from './context.js';
import { amount, hoiioDate } from './endpoint.js';
import type { IvrSession } from './ivr-engine.js';
import type { Txn } from './state.js';

/** One outbox item (snake_case, like Hoiio). */
export type OutboxItem = Record<string, unknown> & {
  kind: 'sms' | 'fax' | 'call' | 'ivr';
  txn_ref: string;
  seq: number;
};

/** The outbox item of an outgoing transaction, or undefined for inbound ones and IVR legs. */
export function txnItem(ctx: SandboxContext, txn: Txn): OutboxItem | undefined {
  if (txn.direction !== 'outgoing') return undefined;
  const common = { txn_ref: txn.txn_ref, date: hoiioDate(txn.date), tag: txn.tag, seq: txn.seq };
  switch (txn.kind) {
    case 'sms':
      return {
        kind: 'sms',
        ...common,
        status: txn.sms_status,
        dest: txn.dest,
        msg: txn.msg,
        sender_name: txn.sender_name,
        split_count: txn.split_count,
        bulk_txn_ref: txn.bulk_txn_ref,
        debit: amount(txn.debit),
      };
    case 'fax':
      return {
        kind: 'fax',
        ...common,
        status: txn.fax_status,
        dest: txn.dest,
        pages: txn.fax_pages,
        fax_error_code: txn.fax_error_code,
        filename: txn.filename,
        file_url: txn.media && ctx.media.get(txn.media) ? ctx.media.url(txn.media) : undefined,
        debit: txn.debit,
      };
    case 'call':
      if (txn.type === 'ivr') return undefined;
      return {
        kind: 'call',
        ...common,
        status: txn.live ? 'ongoing' : txn.call_status_dest2 === 'answered' ? 'answered' : 'ended',
        type: txn.type,
        dest1: txn.dest1,
        dest2: txn.dest2,
        call_status_dest1: txn.call_status_dest1,
        call_status_dest2: txn.call_status_dest2,
        room: txn.room,
        duration: txn.duration,
        debit: txn.debit,
      };
  }
}

/** The outbox item of an IVR session (once the application has sent it a block). */
export function sessionItem(s: IvrSession): OutboxItem | undefined {
  if (s.blocks.length === 0) return undefined;
  return {
    kind: 'ivr',
    txn_ref: s.txn.txn_ref,
    seq: s.seq,
    status: s.state,
    date: hoiioDate(s.txn.date),
    session: s.session,
    direction: s.direction,
    from: s.from,
    to: s.to,
    dest: s.dest,
    held: s.held,
    blocks: s.blocks.map((b) => ({ block: b.block, date: b.date, ...b.params })),
  };
}

/** Every item, newest first. */
export function buildOutbox(ctx: SandboxContext, sessions: Iterable<IvrSession>): OutboxItem[] {
  const items: OutboxItem[] = [];
  for (const txn of ctx.state.txns.values()) {
    const item = txnItem(ctx, txn);
    if (item) items.push(item);
  }
  for (const s of sessions) {
    const item = sessionItem(s);
    if (item) items.push(item);
  }
  return items.sort((a, b) => b.seq - a.seq);
}
