import type { AllMiddlewareArgs, BlockButtonAction, SlackActionMiddlewareArgs } from '@slack/bolt';
import { enqueueJob } from '../../../db/job-queue.js';
import { isOptedOut } from '../../../db/repositories/opt-outs.js';
import { findTransactionById, mergeTransactionMeta } from '../../../db/repositories/transactions.js';
import { formatPhoneNumber } from '../../../hoiio/index.js';
import { enqueueCardSync } from '../../cards/enqueue-card-sync.js';
import type { BotDeps } from '../../deps.js';
import { QUEUE } from '../../ids.js';
import { SpendCapRefusedError } from '../admin/spend-cap.js';
import { claimStatusCheck, createOutboundSms, smsTag } from './outbound-sms.js';
import type { ReconcilePayload } from './reconcile-job.js';

type Deps = Pick<BotDeps, 'db' | 'jobWake'>;
type ButtonArgs = SlackActionMiddlewareArgs<BlockButtonAction> & AllMiddlewareArgs;

const RETRY_ANSWERS = {
  gone: 'That SMS no longer exists.',
  notFailed: 'That SMS did not fail, so there is nothing to retry.',
  already: ':ok_hand: That SMS was already retried once; see the new card.',
  optedOut: (to: string) =>
    `:no_entry: ${formatPhoneNumber(to)} replied STOP since, so I did not retry. Use \`/hoiio sms ${formatPhoneNumber(to)}\` and tick “send anyway” if they asked you to.`,
} as const;

/**
 * Retry on a failed SMS card: a new send linked to the failed one (tag `hs-r-<parent id>`: one retry per failure,
 * however often the button is clicked), same text and number, its card beside the old one; the old card loses its
 * Retry button.
 */
export function handleSmsRetry(deps: Deps) {
  return async ({ action, body, ack, respond }: ButtonArgs) => {
    const parentId = Number(action.value);
    const outcome = await deps.db
      .transaction()
      .execute(async (trx): Promise<string | true> => {
        const parent = Number.isSafeInteger(parentId) ? await findTransactionById(trx, parentId) : undefined;
        if (parent === undefined || parent.kind !== 'sms' || parent.direction !== 'out' || !parent.to_number) {
          return RETRY_ANSWERS.gone;
        }
        if (parent.status !== 'failed') return RETRY_ANSWERS.notFailed;
        const confirmed = parent.meta['opt_out_confirmed'] === true;
        if (!confirmed && (await isOptedOut(trx, parent.to_number))) return RETRY_ANSWERS.optedOut(parent.to_number);
        const child = await createOutboundSms(trx, {
          to: parent.to_number,
          text: parent.text ?? '',
          senderName: parent.sender_name ?? undefined,
          tag: smsTag('retry', parent.id),
          user: body.user.id,
          team: body.team?.id,
          channel: parent.slack_channel_id ?? body.channel?.id ?? body.user.id,
          threadTs: parent.slack_thread_ts ?? undefined,
          parentId: parent.id,
          optOutConfirmed: confirmed,
        });
        if (child === null) return RETRY_ANSWERS.already;
        await mergeTransactionMeta(trx, parent.id, { retried_by: child.id });
        await enqueueCardSync(trx, parent);
        return true;
      })
      .catch((error: unknown) => {
        if (error instanceof SpendCapRefusedError) return `:no_entry: ${error.message}`;
        throw error;
      });
    if (outcome === true) deps.jobWake.wake();
    await ack();
    if (outcome !== true) await respond({ response_type: 'ephemeral', replace_original: false, text: outcome });
  };
}

/**
 * Check status on a card whose outcome is unknown: queues one `txn.reconcile` (a double click queues nothing more
 * while a check runs) and shows "asking Hoiio" on the card.
 */
export function handleCheckStatus(deps: Deps) {
  return async ({ action, ack, respond }: ButtonArgs) => {
    const id = Number(action.value);
    const claimed = await deps.db.transaction().execute(async (trx) => {
      const txn = Number.isSafeInteger(id) ? await claimStatusCheck(trx, id) : undefined;
      if (txn === undefined) return false;
      const payload: ReconcilePayload = { transactionId: txn.id };
      const checks = typeof txn.meta['checks'] === 'number' ? txn.meta['checks'] : 1;
      await enqueueJob(trx, {
        queue: QUEUE.txnReconcile,
        payload: { ...payload },
        dedupeKey: `txn.reconcile:${id}:${checks}`,
      });
      await enqueueCardSync(trx, txn);
      return true;
    });
    if (claimed) deps.jobWake.wake();
    await ack();
    if (!claimed) {
      await respond({
        response_type: 'ephemeral',
        replace_original: false,
        text: 'A status check is already running, or the status is already known; the card updates by itself.',
      });
    }
  };
}
