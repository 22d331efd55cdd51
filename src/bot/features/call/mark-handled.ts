/**
 * "Mark handled" on an incoming call card (ACTION.callMarkHandled, value = the transaction id): records who handled
 * it and when, once (the first click wins; later clicks are told who did), and updates the card.
 */
import type { AllMiddlewareArgs, BlockButtonAction, SlackActionMiddlewareArgs } from '@slack/bolt';
import { sql } from 'kysely';
import { json } from '../../../db/json.js';
import { findTransactionById } from '../../../db/repositories/transactions.js';
import { enqueueCardSync } from '../../cards/enqueue-card-sync.js';
import type { BotDeps } from '../../deps.js';
import { metaString } from './call-meta.js';

type ButtonArgs = SlackActionMiddlewareArgs<BlockButtonAction> & AllMiddlewareArgs;

export function handleMarkHandled(deps: Pick<BotDeps, 'db' | 'clock' | 'jobWake'>) {
  return async ({ action, body, ack, respond }: ButtonArgs) => {
    const id = Number(action.value);
    const marked = await deps.db.transaction().execute(async (trx) => {
      if (!Number.isSafeInteger(id) || id <= 0) return false;
      const row = await trx
        .updateTable('transactions')
        .set({
          meta: sql<string>`meta || ${json({ handled_by: body.user.id, handled_at: deps.clock.now().toISOString() })}::jsonb`,
          updated_at: sql<Date>`now()`,
        })
        .where('id', '=', id)
        .where('kind', 'in', ['ivr', 'call'])
        .where(sql<boolean>`not (meta ? 'handled_by')`)
        .returningAll()
        .executeTakeFirst();
      if (row === undefined) return false;
      await enqueueCardSync(trx, row);
      return true;
    });
    if (marked) deps.jobWake.wake();
    await ack();
    if (!marked) {
      const txn = Number.isSafeInteger(id) && id > 0 ? await findTransactionById(deps.db, id) : undefined;
      const by = txn !== undefined ? metaString(txn.meta, 'handled_by') : undefined;
      await respond({
        response_type: 'ephemeral',
        replace_original: false,
        text: by !== undefined ? `<@${by}> already marked this call handled.` : 'That call no longer exists.',
      });
    }
  };
}
