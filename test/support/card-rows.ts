import { enqueueCardSync, enqueueMediaUpload } from '../../src/bot/cards/enqueue-card-sync.js';
import type { Feature } from '../../src/bot/features/index.js';
import { json } from '../../src/db/json.js';
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

/**
 * The poster tests' feature, through the public registries: a plain card for outbound SMS (and, with
 * `incomingSms`, for incoming ones), and a relay that files each incoming fax in C0FAXES with its card and PDF
 * upload.
 */
export function posterTestFeature({ incomingSms = false }: { incomingSms?: boolean } = {}): Feature {
  return {
    name: 'test-cards',
    register({ cards, inbound }) {
      cards.register('sms', 'out', async (txn) => ({
        text: `SMS #${txn.id} to ${txn.to_number}: ${txn.status}`,
        blocks: [{ type: 'section', text: { type: 'mrkdwn', text: `SMS #${txn.id} · ${txn.status}` } }],
      }));
      if (incomingSms) {
        cards.register('sms', 'in', async (txn) => ({
          text: `SMS #${txn.id} from ${txn.from_number}: ${txn.text}`,
          blocks: [{ type: 'section', text: { type: 'mrkdwn', text: `SMS #${txn.id}` } }],
        }));
      }
      inbound.register('fax.incoming', async (n, { deps }) => {
        await deps.db.transaction().execute(async (trx) => {
          const row = await insertTransaction(trx, {
            kind: 'fax',
            direction: 'in',
            status: 'received',
            txn_ref: n.txnRef,
            from_number: n.from,
            to_number: n.to,
            contact_number: n.from,
            slack_channel_id: 'C0FAXES',
            meta: json({ media_url: n.faxUrl }),
          });
          if (row) {
            await enqueueCardSync(trx, row);
            await enqueueMediaUpload(trx, row);
          }
        });
        return undefined;
      });
    },
  };
}
