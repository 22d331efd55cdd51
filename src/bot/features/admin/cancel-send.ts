import type { AllMiddlewareArgs, BlockButtonAction, SlackActionMiddlewareArgs } from '@slack/bolt';
import { findTransactionById } from '../../../db/repositories/transactions.js';
import { enqueueCardSync } from '../../cards/enqueue-card-sync.js';
import type { BotDeps } from '../../deps.js';
import type { AdminCheck } from './admin-check.js';
import { cancelQueuedSend } from './undo-window.js';

/**
 * Cancel on a card waiting out the undo window: the sender (or an admin) turns `queued` into `canceled`, and the
 * card is re-rendered. The send job then does nothing. Too late (already sending or sent): says so.
 */
export function handleCancelSend(
  deps: Pick<BotDeps, 'db' | 'jobWake'>,
  admins: AdminCheck,
): (args: SlackActionMiddlewareArgs<BlockButtonAction> & AllMiddlewareArgs) => Promise<void> {
  return async ({ ack, action, body, respond }) => {
    await ack();
    const id = Number(action.value);
    const txn = Number.isSafeInteger(id) ? await findTransactionById(deps.db, id) : undefined;
    if (txn === undefined) return;
    const user = body.user.id;
    if (txn.slack_user_id !== user && !(await admins.isAdmin(user))) {
      await respond({
        response_type: 'ephemeral',
        replace_original: false,
        text: `Only <@${txn.slack_user_id}> (who sent it) or an admin can cancel this.`,
      });
      return;
    }
    const canceled = await deps.db.transaction().execute(async (trx) => {
      const row = await cancelQueuedSend(trx, id);
      if (row) await enqueueCardSync(trx, row);
      return row;
    });
    if (canceled) {
      deps.jobWake.wake();
      await respond({ response_type: 'ephemeral', replace_original: false, text: 'Canceled: it will not be sent.' });
      return;
    }
    await respond({
      response_type: 'ephemeral',
      replace_original: false,
      text: txn.status === 'canceled' ? 'It was already canceled.' : `Too late to cancel: it is already ${txn.status}.`,
    });
  };
}
