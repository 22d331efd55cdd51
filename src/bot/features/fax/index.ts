/**
 * Outbound fax (issue 6): `/hoiio fax [number]`, the "Fax this PDF" message shortcut and "Reply by fax" open a
 * modal (number, PDF, optional cover note); the `fax.send` job checks and sends the PDF; a living card shows
 * queued → sent → delivered / failed (Retry) / unknown (Check status).
 */
import type { BlockButtonAction, MessageShortcut, ViewSubmitAction } from '@slack/bolt';
import { ACTION, QUEUE, SHORTCUT, VIEW } from '../../ids.js';
import type { FeatureContext } from '../index.js';
import { handleFaxReply, handleFaxRetry } from './fax-actions.js';
import { renderOutboundFax } from './fax-card.js';
import { handleFaxCommand } from './fax-command.js';
import { handleFaxSubmission } from './fax-modal.js';
import { handleFaxShortcut } from './fax-shortcut.js';
import { relayOutgoingFax } from './fax-status-relay.js';
import { runSendFax } from './send-fax-job.js';

export { faxReplyButton } from './blocks.js';
export { reconcileFax } from './reconcile-fax.js';

export function register({ app, deps, subcommands, jobs, cards, inbound }: FeatureContext): void {
  subcommands.add('fax', handleFaxCommand(deps));
  app.view<ViewSubmitAction>(VIEW.faxSend, handleFaxSubmission(deps));
  app.shortcut<MessageShortcut>(SHORTCUT.faxFromMessage, handleFaxShortcut(deps));
  app.action<BlockButtonAction>(ACTION.faxReply, handleFaxReply(deps));
  app.action<BlockButtonAction>(ACTION.faxRetry, handleFaxRetry(deps));
  jobs.add(QUEUE.faxSend, runSendFax(deps));
  cards.register('fax', 'out', renderOutboundFax);
  inbound.register('fax.outgoing', relayOutgoingFax);
}
