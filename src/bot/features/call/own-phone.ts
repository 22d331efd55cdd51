/**
 * The user's own phone (leg 1 of click-to-call) from the ask-once modal (VIEW.callOwnPhone, from the "Enter my
 * phone" button of a call card still waiting for it): saved unverified (the call rings it at once, while the user
 * watches) and that call continues. `/hoiio me <number>` (me-command.ts) confirms a phone with an SMS code.
 */
import type {
  AllMiddlewareArgs,
  BlockButtonAction,
  SlackActionMiddlewareArgs,
  SlackViewMiddlewareArgs,
  ViewSubmitAction,
} from '@slack/bolt';
import { z } from 'zod';
import { findTransactionById, mergeTransactionMeta, updateTransaction } from '../../../db/repositories/transactions.js';
import { findUserProfile, setUserPhone } from '../../../db/repositories/user-profiles.js';
import { formatPhoneNumber, toE164 } from '../../../hoiio/index.js';
import { enqueueCardSync } from '../../cards/enqueue-card-sync.js';
import type { BotDeps } from '../../deps.js';
import { CALL_FIELD } from '../../ids.js';
import { ownPhoneModal } from './blocks.js';
import { metaFlag } from './call-meta.js';
import { enqueueStartCall } from './outbound-call.js';

type ButtonArgs = SlackActionMiddlewareArgs<BlockButtonAction> & AllMiddlewareArgs;
type SubmitArgs = SlackViewMiddlewareArgs<ViewSubmitAction> & AllMiddlewareArgs;

const OwnPhoneMetadata = z.object({ transactionId: z.number().int().positive() });

/** "Enter my phone" on a waiting call card: opens the ask-once modal for that call (its caller only). */
export function handleEnterPhoneButton(deps: Pick<BotDeps, 'db' | 'logger'>) {
  return async ({ action, body, ack, respond, client }: ButtonArgs) => {
    const id = Number(action.value);
    const txn = Number.isSafeInteger(id) && id > 0 ? await findTransactionById(deps.db, id) : undefined;
    const waiting =
      txn !== undefined && txn.kind === 'call' && txn.status === 'queued' && metaFlag(txn.meta, 'needs_phone');
    if (txn === undefined || !waiting || txn.slack_user_id !== body.user.id) {
      await ack();
      const text =
        txn !== undefined && txn.slack_user_id !== body.user.id
          ? `Only <@${txn.slack_user_id}> can give their phone for this call.`
          : 'This call is no longer waiting for your phone.';
      await respond({ response_type: 'ephemeral', replace_original: false, text });
      return;
    }
    const saved = (await findUserProfile(deps.db, body.user.id))?.phone ?? undefined;
    try {
      await client.views.open({
        trigger_id: body.trigger_id,
        view: ownPhoneModal({
          privateMetadata: JSON.stringify({ transactionId: txn.id }),
          calling: txn.to_number ?? undefined,
          initialPhone: saved !== undefined ? formatPhoneNumber(saved) : undefined,
        }),
      });
    } catch (error) {
      deps.logger.warn({ err: error }, 'could not open the phone modal');
      await ack();
      await respond({
        response_type: 'ephemeral',
        replace_original: false,
        text: 'Slack did not let me open the form. Set your phone with `/hoiio me <your phone>`, then call again.',
      });
      return;
    }
    await ack();
  };
}

/** The ask-once modal's submission: saves the phone and continues the waiting call. */
export function handleOwnPhoneSubmission(deps: Pick<BotDeps, 'db' | 'config' | 'jobWake'>) {
  return async ({ view, body, ack }: SubmitArgs) => {
    const typed = view.state.values[CALL_FIELD.phone]?.[CALL_FIELD.phone]?.value ?? '';
    const phone = toE164(typed, deps.config.defaultCountry);
    if (!phone.ok) {
      await ack({ response_action: 'errors', errors: { [CALL_FIELD.phone]: phone.problem } });
      return;
    }
    const meta = OwnPhoneMetadata.safeParse(safeJson(view.private_metadata));
    const user = body.user.id;
    const outcome = await deps.db.transaction().execute(async (trx) => {
      const txn = meta.success ? await findTransactionById(trx, meta.data.transactionId) : undefined;
      const continues =
        txn !== undefined &&
        txn.kind === 'call' &&
        txn.slack_user_id === user &&
        txn.status === 'queued' &&
        metaFlag(txn.meta, 'needs_phone');
      if (continues && txn.to_number === phone.e164) return 'own_number' as const;
      // The phone already saved (perhaps confirmed by SMS code) stays as it is; another one is saved unconfirmed.
      if ((await findUserProfile(trx, user))?.phone !== phone.e164) await setUserPhone(trx, user, phone.e164);
      if (!continues) return 'saved' as const;
      await updateTransaction(trx, txn.id, { from_number: phone.e164 });
      const row = await mergeTransactionMeta(trx, txn.id, { needs_phone: false, phone_source: 'modal' });
      await enqueueStartCall(trx, txn.id, 'phone');
      if (row) await enqueueCardSync(trx, row);
      return 'continued' as const;
    });
    if (outcome === 'own_number') {
      await ack({
        response_action: 'errors',
        errors: { [CALL_FIELD.phone]: 'That is the number you are calling. Enter your own phone, which rings first.' },
      });
      return;
    }
    if (outcome === 'continued') deps.jobWake.wake();
    await ack();
  };
}

function safeJson(text: string | undefined): unknown {
  try {
    return JSON.parse(text ?? '');
  } catch {
    return undefined;
  }
}
