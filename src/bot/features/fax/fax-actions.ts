import type { AllMiddlewareArgs, BlockButtonAction, SlackActionMiddlewareArgs } from '@slack/bolt';
import { findTransactionById, mergeTransactionMeta } from '../../../db/repositories/transactions.js';
import type { TransactionRow } from '../../../db/tables/transactions.js';
import { formatPhoneNumber, isE164 } from '../../../hoiio/index.js';
import { enqueueCardSync } from '../../cards/enqueue-card-sync.js';
import type { BotDeps } from '../../deps.js';
import { SpendCapRefusedError } from '../admin/spend-cap.js';
import { faxModal } from './blocks.js';
import { createOutboundFax, readFaxMeta } from './fax-repository.js';

type Args = SlackActionMiddlewareArgs<BlockButtonAction> & AllMiddlewareArgs;

/** "Reply by fax" on an inbound fax card (value = the sender's number): the fax modal, prefilled, in its thread. */
export function handleFaxReply({ logger }: Pick<BotDeps, 'logger'>) {
  return async ({ ack, body, action, client }: Args): Promise<void> => {
    const channel = body.channel?.id ?? body.container?.['channel_id'];
    if (typeof channel !== 'string') {
      await ack();
      return;
    }
    const threadTs: unknown = body.message?.['thread_ts'] ?? body.container?.['thread_ts'];
    try {
      await client.views.open({
        trigger_id: body.trigger_id,
        view: faxModal({
          number: isE164(action.value ?? '') ? formatPhoneNumber(action.value ?? '') : undefined,
          metadata: { channel, threadTs: typeof threadTs === 'string' ? threadTs : undefined },
        }),
      });
    } catch (error) {
      logger.warn({ err: error }, 'could not open the fax modal for a reply');
    }
    await ack();
  };
}

/**
 * Retry on a failed fax card (value = its id): a new fax linked to it (same number, file and cover note; tag
 * `hs-r-<id>`, so a double click or a second Retry adds nothing), and the old card loses its button — in ONE db
 * transaction, then the ack. Refused by the monthly spend cap: nothing is written and the user is told why.
 */
export function handleFaxRetry(deps: Pick<BotDeps, 'db' | 'jobWake' | 'logger'>) {
  return async ({ ack, body, action, respond }: Args): Promise<void> => {
    const id = Number(action.value);
    const parent = Number.isSafeInteger(id) ? await findTransactionById(deps.db, id) : undefined;
    const meta = parent === undefined ? undefined : readFaxMeta(parent.meta);
    const to = parent?.to_number ?? parent?.contact_number;
    if (
      parent === undefined ||
      meta === undefined ||
      parent.kind !== 'fax' ||
      parent.direction !== 'out' ||
      parent.status !== 'failed' ||
      meta.retryable === false ||
      meta.file_id === undefined ||
      !to ||
      !parent.slack_channel_id
    ) {
      await ack();
      await respond({
        response_type: 'ephemeral',
        replace_original: false,
        text: 'There is nothing to retry on this fax.',
      });
      return;
    }
    const channelId = parent.slack_channel_id;
    const fileId = meta.file_id;
    let child: TransactionRow | null;
    try {
      child = await deps.db.transaction().execute(async (trx) => {
        const created = await createOutboundFax(trx, {
          to,
          fileId,
          fileName: meta.file_name,
          coverNote: meta.cover_note,
          tag: `hs-r-${parent.id}`,
          userId: body.user.id,
          teamId: body.team?.id ?? body.user.team_id,
          channelId,
          threadTs: parent.slack_thread_ts ?? undefined,
          parentId: parent.id,
        });
        if (created === null) return null;
        await mergeTransactionMeta(trx, parent.id, { retried_by: created.id });
        await enqueueCardSync(trx, parent);
        return created;
      });
    } catch (error) {
      if (!(error instanceof SpendCapRefusedError)) throw error;
      // Nothing was written: the card keeps its Retry for when an admin raises the cap.
      await ack();
      await respond({ response_type: 'ephemeral', replace_original: false, text: `:no_entry: ${error.message}` });
      return;
    }
    await ack();
    if (child === null) {
      deps.logger.info({ transactionId: parent.id }, 'fax retry clicked again: already retried');
      return;
    }
    deps.jobWake.wake();
  };
}
