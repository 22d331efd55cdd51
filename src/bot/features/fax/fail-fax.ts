import { mergeTransactionMeta, updateTransactionStatus } from '../../../db/repositories/transactions.js';
import type { TransactionRow } from '../../../db/tables/transactions.js';
import { enqueueCardSync, enqueueSlackMessage } from '../../cards/enqueue-card-sync.js';
import type { BotDeps } from '../../deps.js';
import { faxFileProblemNotice } from './blocks.js';

export interface FaxFailure {
  /** Why, in words for the card. */
  readonly error: string;
  /** A machine code (Hoiio status, fax_error_code, file problem code). */
  readonly errorCode?: string | undefined;
  /** Whether Retry is offered. */
  readonly retryable: boolean;
  /** Also tell the sender by DM (a problem with their file). */
  readonly notifySender?: { to: string; contactName?: string | undefined; fileName?: string | undefined } | undefined;
}

/**
 * Marks an outbound fax `failed` with the reason, syncs its card and, for a file problem, DMs the sender — in one
 * db transaction. A fax already final (a late notification won) is left as it is.
 */
export async function failFax(deps: BotDeps, txn: TransactionRow, failure: FaxFailure): Promise<void> {
  await deps.db.transaction().execute(async (trx) => {
    const changed = await updateTransactionStatus(
      trx,
      { id: txn.id },
      {
        status: 'failed',
        error_code: failure.errorCode ?? null,
      },
    );
    if (!changed) return;
    await mergeTransactionMeta(trx, txn.id, { error: failure.error, retryable: failure.retryable });
    await enqueueCardSync(trx, txn);
    const { notifySender } = failure;
    if (notifySender !== undefined && txn.slack_user_id) {
      await enqueueSlackMessage(trx, {
        channel: txn.slack_user_id,
        text: faxFileProblemNotice({ ...notifySender, reason: failure.error }),
        dedupeKey: `fax-problem:${txn.id}`,
      });
    }
  });
  deps.logger.info({ transactionId: txn.id, errorCode: failure.errorCode }, 'fax failed');
}
