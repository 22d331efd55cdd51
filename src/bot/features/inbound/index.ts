/**
 * The inbound feature (issue 7): incoming SMS and faxes become cards in the contact's thread of the routed
 * channel; the Reply button answers an SMS from a modal; STOP/START keep `opt_outs`.
 */

import type { BlockButtonAction, ViewSubmitAction } from '@slack/bolt';
import { ACTION, VIEW } from '../../ids.js';
import type { FeatureContext } from '../index.js';
import { renderIncomingFax, renderIncomingSms } from './cards.js';
import { inspectFaxPdf, refreshFaxUrl, relayIncomingFax } from './incoming-fax.js';
import { relayIncomingSms } from './incoming-sms.js';
import { handleReplyButton, handleReplySubmission } from './reply-modal.js';

export { type InboundRoute, routeInbound } from './routing.js';

/** Registers the relay handlers, card renderers and the Reply button and modal. */
export function register({ app, deps, inbound, cards }: FeatureContext): void {
  inbound.register('sms.incoming', relayIncomingSms);
  inbound.register('fax.incoming', relayIncomingFax);
  cards.register('sms', 'in', renderIncomingSms);
  cards.register('fax', 'in', renderIncomingFax);
  cards.registerMediaSource('fax', 'in', refreshFaxUrl);
  cards.registerMediaInspector('fax', 'in', inspectFaxPdf);
  app.action<BlockButtonAction>(ACTION.inboundSmsReply, handleReplyButton(deps));
  app.view<ViewSubmitAction>(VIEW.inboundSmsReply, handleReplySubmission(deps));
}
