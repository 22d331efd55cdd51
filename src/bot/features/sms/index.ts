/**
 * Outbound SMS (issue 6): `/hoiio sms`, the SMS modal (estimate as you type), the message shortcut, the contact
 * "Send SMS" button, the living card (queued → sent → delivered / failed / unknown) with Retry and Check status,
 * the `sms.send` and `txn.reconcile` jobs and the `sms.status` relay handler.
 */
import type {
  BlockAction,
  BlockButtonAction,
  BlockElementAction,
  MessageShortcut,
  ViewSubmitAction,
} from '@slack/bolt';
import type { TransactionRow } from '../../../db/tables/transactions.js';
import type { CardContext, RenderedCard } from '../../cards/card-registry.js';
import { ACTION, QUEUE, SHORTCUT, SMS_FIELD, VIEW } from '../../ids.js';
import { inUndoWindow } from '../admin/undo-window.js';
import type { FeatureContext } from '../index.js';
import { smsCard } from './blocks.js';
import { runReconcileTransaction } from './reconcile-job.js';
import { runSendSms } from './send-sms-job.js';
import { handleCheckStatus, handleSmsRetry } from './sms-card-actions.js';
import { handleSmsCommand } from './sms-command.js';
import {
  handleContactSendSms,
  handleSmsModalInput,
  handleSmsShortcut,
  handleSmsSubmission,
} from './sms-modal-handlers.js';
import { SmsRateCache } from './sms-rate-cache.js';
import { relaySmsStatus } from './sms-status-relay.js';

export { createOutboundSms, type OutboundSmsInput, smsTag } from './outbound-sms.js';
export { reconcileSms } from './reconcile-job.js';

/** Registers the SMS feature's subcommand, listeners, jobs, relay handler and card renderer. */
export function register({ app, deps, subcommands, jobs }: FeatureContext): void {
  const modal = { deps, rates: new SmsRateCache(deps.hoiio, deps.clock) };
  subcommands.add('sms', handleSmsCommand(deps, modal));
  app.shortcut<MessageShortcut>(SHORTCUT.smsFromMessage, handleSmsShortcut(modal));
  app.action<BlockButtonAction>(ACTION.contactSendSms, handleContactSendSms(modal));
  app.action<BlockAction<BlockElementAction>>(SMS_FIELD.to, handleSmsModalInput(modal));
  app.action<BlockAction<BlockElementAction>>(SMS_FIELD.message, handleSmsModalInput(modal));
  app.view<ViewSubmitAction>(VIEW.smsSend, handleSmsSubmission(deps));
  app.action<BlockButtonAction>(ACTION.txnRetry, handleSmsRetry(deps));
  app.action<BlockButtonAction>(ACTION.txnCheckStatus, handleCheckStatus(deps));
  jobs.add(QUEUE.smsSend, runSendSms({ ...deps, statusUrl: () => deps.webhookUrls.url('status') }));
  jobs.add(QUEUE.txnReconcile, runReconcileTransaction(deps));
  deps.inbound.register('sms.status', relaySmsStatus(deps));
  deps.cards.register('sms', 'out', renderOutboundSms);
}

/** The card of an outbound SMS, from its row. */
export async function renderOutboundSms(txn: TransactionRow, context: CardContext): Promise<RenderedCard> {
  const to = txn.to_number ?? txn.contact_number ?? '';
  return smsCard({
    id: txn.id,
    status: txn.status,
    to,
    contactName: to === '' ? undefined : await context.contactName(to),
    userId: txn.slack_user_id ?? undefined,
    text: txn.text ?? '',
    senderName: txn.sender_name ?? undefined,
    txnRef: txn.txn_ref ?? undefined,
    segments: txn.segments ?? undefined,
    currency: txn.currency ?? undefined,
    debit: txn.debit ?? undefined,
    errorCode: txn.error_code ?? undefined,
    parentId: txn.parent_id ?? undefined,
    retried: typeof txn.meta['retried_by'] === 'number',
    checking: txn.meta['checking'] === true,
    cancelable: inUndoWindow(txn, new Date()),
  });
}
