import type {
  AllMiddlewareArgs,
  BlockAction,
  BlockButtonAction,
  MessageShortcut,
  SlackActionMiddlewareArgs,
  SlackShortcutMiddlewareArgs,
  SlackViewMiddlewareArgs,
  ViewSubmitAction,
} from '@slack/bolt';
import { isOptedOut } from '../../../db/repositories/opt-outs.js';
import { findPhoneNumbers, isE164 } from '../../../hoiio/index.js';
import type { BotDeps } from '../../deps.js';
import { SMS_FIELD } from '../../ids.js';
import { slackTextToPlain } from '../../slack-text.js';
import { SpendCapRefusedError } from '../admin/spend-cap.js';
import { createOutboundSms, smsTag } from './outbound-sms.js';
import { readSmsForm, readSmsModalMeta, sendSmsModal, smsEstimateText, validateSmsForm } from './sms-modal.js';
import { openSmsModal, refreshSmsModal, type SmsModalDeps } from './sms-modal-flow.js';

type Deps = Pick<BotDeps, 'db' | 'config' | 'logger' | 'jobWake'>;

const NO_NUMBER_HINT = ':mag: I found no phone number in that message; type the number below.';

/** Message shortcut "Send SMS to a number in this message": the modal, prefilled with the first number found. */
export function handleSmsShortcut(modal: SmsModalDeps) {
  return async ({ shortcut, ack, client }: SlackShortcutMiddlewareArgs<MessageShortcut> & AllMiddlewareArgs) => {
    const numbers = findPhoneNumbers(slackTextToPlain(shortcut.message.text ?? ''), modal.deps.config.defaultCountry);
    const to = numbers[0];
    const threadTs = shortcut.message['thread_ts'] ?? shortcut.message.ts;
    const meta = { channel: shortcut.channel.id, threadTs };
    const hint = to === undefined ? NO_NUMBER_HINT : undefined;
    const viewId = await openSmsModal(client, shortcut.trigger_id, { meta, to, hint });
    await ack();
    if (viewId !== undefined && to !== undefined) await refreshSmsModal(modal, client, viewId, { meta, to, text: '' });
  };
}

/** The "Send SMS" button on any card (value = the number): the modal, prefilled, the card's thread as target. */
export function handleContactSendSms(modal: SmsModalDeps) {
  return async ({ body, action, ack, client }: SlackActionMiddlewareArgs<BlockButtonAction> & AllMiddlewareArgs) => {
    const to = isE164(action.value ?? '') ? action.value : undefined;
    const channel = body.channel?.id ?? body.container['channel_id'] ?? body.user.id;
    const message = body.message as { ts?: string; thread_ts?: string } | undefined;
    const threadTs = message?.thread_ts ?? message?.ts;
    const meta = threadTs === undefined ? { channel } : { channel, threadTs };
    const viewId = await openSmsModal(client, body.trigger_id, { meta, to });
    await ack();
    if (viewId !== undefined && to !== undefined) await refreshSmsModal(modal, client, viewId, { meta, to, text: '' });
  };
}

/** Typing in To or Message: refreshes the estimate (and the opt-out checkbox) with views.update. */
export function handleSmsModalInput(modal: SmsModalDeps) {
  return async ({ body, ack, client }: SlackActionMiddlewareArgs<BlockAction> & AllMiddlewareArgs) => {
    await ack();
    const view = body.view;
    const meta = readSmsModalMeta(view?.private_metadata);
    if (view === undefined || meta === undefined) return;
    const form = readSmsForm(view.state.values);
    await refreshSmsModal(modal, client, view.id, { meta, to: form.to, text: form.text });
  };
}

/**
 * Submission: field errors for a bad number, an empty or too-long text, a bad sender name, or an unconfirmed
 * opted-out number; else the send is committed (tag `hs-v-<view.id>`: a double submit sends once) and the modal
 * closes.
 */
export function handleSmsSubmission(deps: Deps) {
  return async ({ ack, body, view }: SlackViewMiddlewareArgs<ViewSubmitAction> & AllMiddlewareArgs) => {
    const meta = readSmsModalMeta(view.private_metadata);
    if (meta === undefined) {
      await ack({
        response_action: 'errors',
        errors: { [SMS_FIELD.to]: 'This form is out of date; close it and open a new one.' },
      });
      return;
    }
    const form = readSmsForm(view.state.values);
    const result = validateSmsForm(form, deps.config.defaultCountry);
    if (!result.ok) {
      await ack({ response_action: 'errors', errors: result.errors });
      return;
    }
    const optedOut = await isOptedOut(deps.db, result.to);
    if (optedOut && !form.confirmOptOut) {
      if (view.blocks.some((b) => b.block_id === SMS_FIELD.confirmOptOut)) {
        const error = 'This number replied STOP. Tick the box to send anyway, or Cancel.';
        await ack({ response_action: 'errors', errors: { [SMS_FIELD.confirmOptOut]: error } });
      } else {
        const estimate = smsEstimateText(form.text, undefined);
        const updated = sendSmsModal({ meta, to: form.to, text: form.text, optedOut, optOutWarning: true, estimate });
        await ack({ response_action: 'update', view: updated });
      }
      return;
    }
    let txn: Awaited<ReturnType<typeof createOutboundSms>>;
    try {
      txn = await deps.db.transaction().execute((trx) =>
        createOutboundSms(trx, {
          to: result.to,
          text: result.text,
          senderName: result.senderName,
          tag: smsTag('view', view.id),
          user: body.user.id,
          team: body.team?.id,
          channel: meta.channel,
          threadTs: meta.threadTs,
          optOutConfirmed: optedOut,
        }),
      );
    } catch (error) {
      if (!(error instanceof SpendCapRefusedError)) throw error;
      await ack({ response_action: 'errors', errors: { [SMS_FIELD.message]: error.message } });
      return;
    }
    if (txn !== null) deps.jobWake.wake();
    await ack();
  };
}
