/**
 * The Reply button of an incoming SMS card and its modal. The button opens a modal with the last messages of the
 * conversation (from `transactions`) and a message input; submitting it creates an outbound SMS (the SMS
 * feature's `createOutboundSms`, tag `hs-v-<view id>`: a double submit sends once) whose card goes into the
 * contact's thread. People's own replies in the thread are never sent: only this modal sends.
 */
import type {
  BlockButtonAction,
  Middleware,
  SlackActionMiddlewareArgs,
  SlackViewMiddlewareArgs,
  ViewSubmitAction,
} from '@slack/bolt';
import { findContactThread } from '../../../db/repositories/contact-threads.js';
import { findContact } from '../../../db/repositories/contacts.js';
import { isOptedOut } from '../../../db/repositories/opt-outs.js';
import { findTransactionById, listTransactions } from '../../../db/repositories/transactions.js';
import { countSmsSegments, HOIIO_MAX_SMS_SEGMENTS } from '../../../hoiio/index.js';
import type { BotDeps } from '../../deps.js';
import { INBOUND_FIELD } from '../../ids.js';
import { SpendCapRefusedError } from '../admin/spend-cap.js';
import { createOutboundSms } from '../sms/index.js';
import { replyModal } from './blocks.js';
import { E164_PATTERN } from './incoming-sms.js';

/** How many messages of the conversation the modal shows. */
export const CONVERSATION_LENGTH = 6;

/** What the modal carries to its submission. */
interface ReplyMetadata {
  /** The incoming SMS transaction replied to. */
  readonly txn: number;
  readonly channel: string;
  readonly number: string;
}

function parseMetadata(text: string): ReplyMetadata | undefined {
  try {
    const value = JSON.parse(text) as Partial<ReplyMetadata>;
    if (typeof value.txn !== 'number' || typeof value.channel !== 'string' || typeof value.number !== 'string') {
      return undefined;
    }
    return E164_PATTERN.test(value.number)
      ? { txn: value.txn, channel: value.channel, number: value.number }
      : undefined;
  } catch {
    return undefined;
  }
}

/** The Reply button: acks, then opens the modal (trigger ids expire in 3 s: nothing slow before views.open). */
export function handleReplyButton({ db, logger }: BotDeps): Middleware<SlackActionMiddlewareArgs<BlockButtonAction>> {
  return async ({ ack, action, body, client, respond }) => {
    await ack();
    const txn = await findTransactionById(db, Number(action.value));
    const channel = txn?.slack_channel_id ?? body.channel?.id;
    const number = txn?.contact_number;
    if (txn?.kind !== 'sms' || txn.direction !== 'in' || !channel || !number) {
      await respond({ response_type: 'ephemeral', replace_original: false, text: 'That message is no longer known.' });
      return;
    }
    const [history, optedOut, contact] = await Promise.all([
      listTransactions(db, { kind: 'sms', number, channelId: channel, limit: CONVERSATION_LENGTH }),
      isOptedOut(db, number),
      findContact(db, number),
    ]);
    const metadata: ReplyMetadata = { txn: txn.id, channel, number };
    await client.views.open({
      trigger_id: body.trigger_id,
      view: replyModal({
        contact: { number, name: contact?.name },
        conversation: history.reverse().map((t) => ({
          direction: t.direction,
          text: t.text ?? '',
          at: t.provider_date ?? t.created_at,
          userId: t.slack_user_id,
          status: t.status,
        })),
        optedOut,
        privateMetadata: JSON.stringify(metadata),
      }),
    });
    logger.debug({ transactionId: txn.id }, 'reply modal opened');
  };
}

/** Field errors of a reply, by block id; empty when it can be sent. */
export function replyProblems(text: string, optedOut: boolean, confirmed: boolean): Record<string, string> {
  const errors: Record<string, string> = {};
  const segments = countSmsSegments(text).segments;
  if (text.trim().length === 0) errors[INBOUND_FIELD.message] = 'Type the reply to send.';
  else if (segments > HOIIO_MAX_SMS_SEGMENTS) {
    errors[INBOUND_FIELD.message] =
      `This reply needs ${segments} SMS parts; at most ${HOIIO_MAX_SMS_SEGMENTS} can be sent (459 plain characters, fewer with emoji). Shorten it.`;
  }
  if (optedOut && !confirmed) {
    errors[INBOUND_FIELD.confirmOptOut] =
      'They replied STOP. Tick the box to send anyway, only if they asked you to write to them.';
  }
  return errors;
}

/** The modal's submission: field errors, or the outbound SMS, its job and its card in one db transaction. */
export function handleReplySubmission({
  db,
  logger,
  jobWake,
}: BotDeps): Middleware<SlackViewMiddlewareArgs<ViewSubmitAction>> {
  return async ({ ack, view, body }) => {
    const metadata = parseMetadata(view.private_metadata);
    const values = view.state.values;
    const text = values[INBOUND_FIELD.message]?.[INBOUND_FIELD.message]?.value ?? '';
    if (!metadata) {
      await ack({
        response_action: 'errors',
        errors: { [INBOUND_FIELD.message]: 'This form is out of date: close it and click Reply again.' },
      });
      return;
    }
    const hasConfirm = values[INBOUND_FIELD.confirmOptOut] !== undefined;
    const confirmed =
      (values[INBOUND_FIELD.confirmOptOut]?.[INBOUND_FIELD.confirmOptOut]?.selected_options ?? []).length > 0;
    const optedOut = await isOptedOut(db, metadata.number);
    const errors = replyProblems(text, optedOut, confirmed);
    if (errors[INBOUND_FIELD.confirmOptOut] !== undefined && !hasConfirm) {
      // They opted out after the modal opened: the checkbox is not in this view.
      delete errors[INBOUND_FIELD.confirmOptOut];
      errors[INBOUND_FIELD.message] =
        'They have just replied STOP. Close this form and click Reply again to confirm you still want to send.';
    }
    if (Object.keys(errors).length > 0) {
      await ack({ response_action: 'errors', errors });
      return;
    }
    const thread = await findContactThread(db, metadata.channel, metadata.number);
    const incoming = thread?.thread_ts ? undefined : await findTransactionById(db, metadata.txn);
    const threadTs = thread?.thread_ts ?? incoming?.slack_thread_ts ?? undefined;
    let row: Awaited<ReturnType<typeof createOutboundSms>>;
    try {
      row = await db.transaction().execute((trx) =>
        createOutboundSms(trx, {
          to: metadata.number,
          text,
          tag: `hs-v-${view.id}`,
          user: body.user.id,
          channel: metadata.channel,
          team: body.team?.id,
          threadTs,
          optOutConfirmed: optedOut && confirmed,
        }),
      );
    } catch (error) {
      if (!(error instanceof SpendCapRefusedError)) throw error;
      await ack({ response_action: 'errors', errors: { [INBOUND_FIELD.message]: error.message } });
      return;
    }
    await ack(); // closes the modal; a double submit found the tag taken and sends nothing more
    if (row !== null) jobWake.wake();
    logger.info({ transactionId: row?.id, replyTo: metadata.txn, duplicate: row === null }, 'SMS reply queued');
  };
}
