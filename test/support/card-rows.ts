import { enqueueCardSync } from '../../src/bot/cards/enqueue-card-sync.js';
import { insertTransaction } from '../../src/db/repositories/transactions.js';
import type { NewTransactionRow, TransactionRow } from '../../src/db/tables/transactions.js';
import type { RecordedCall } from './fake-slack.js';
import type { TestApp } from './test-app.js';

/** The customer number the poster tests' rows are about. */
export const CARD_CUSTOMER = '+6591234567';

/**
 * A transaction row (an outbound SMS unless `fields` say otherwise) and its first card sync, in one db
 * transaction, as a feature would write them; then the worker is woken.
 */
export async function insertCardRow(t: TestApp, fields: Partial<NewTransactionRow> = {}): Promise<TransactionRow> {
  const txn = await t.db.transaction().execute(async (trx) => {
    const row = await insertTransaction(trx, {
      kind: 'sms',
      direction: 'out',
      status: 'queued',
      to_number: CARD_CUSTOMER,
      contact_number: CARD_CUSTOMER,
      text: 'Your parcel is ready',
      slack_channel_id: 'C0SUPPORT',
      ...fields,
    });
    if (!row) throw new Error('not inserted');
    await enqueueCardSync(trx, row);
    return row;
  });
  t.deps.jobWake.wake();
  return txn;
}

/** Whether a recorded Slack call succeeded (HTTP 200 and `ok: true`). */
export const okCall = (c: RecordedCall) =>
  c.response.status === 200 && (c.response.body as { ok?: boolean }).ok === true;
