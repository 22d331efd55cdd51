/**
 * Calls (issue 8). Click-to-call: `/hoiio call`, the Call back button on every card, the message shortcut, `/hoiio
 * me` (the own phone, confirmed by an SMS code: the `phone.verify` job) and the ask-once phone modal, the
 * `call.start` job, the `call.status` relay handler and the living card.
 * Inbound calls: the `ivr` relay handler drives greeting → (menu) → ring list → voicemail, with one card per call
 * (ringing → answered by / voicemail / missed) and Mark handled.
 */
import type { BlockButtonAction, MessageShortcut, ViewSubmitAction } from '@slack/bolt';
import { ACTION, QUEUE, SHORTCUT, VIEW } from '../../ids.js';
import type { FeatureContext } from '../index.js';
import { handleCallBackButton } from './call-back-button.js';
import { renderInboundCall, renderOutboundCall } from './call-cards.js';
import { handleCallCommand } from './call-command.js';
import { handleCallShortcut, handlePickNumberSubmission } from './call-shortcut.js';
import { relayCallStatus } from './call-status.js';
import { relayIvr } from './ivr-handler.js';
import { runIvrSweep } from './ivr-sweep.js';
import { handleMarkHandled } from './mark-handled.js';
import { handleMeCommand } from './me-command.js';
import { handleEnterPhoneButton, handleOwnPhoneSubmission } from './own-phone.js';
import { runStartCall } from './start-call-job.js';
import { runVerifyPhone } from './verify-phone-job.js';
import { inspectVoicemail } from './voicemail-inspector.js';

export { reconcileCall } from './reconcile-call.js';
export { parseRouteMenu, type RouteMenu } from './route-menu.js';

/** Registers the call feature's subcommands, listeners, job, relay handlers and card renderers. */
export function register({ app, deps, subcommands, jobs, cards, inbound }: FeatureContext): void {
  subcommands.add('call', handleCallCommand(deps));
  subcommands.add('me', handleMeCommand(deps));
  app.action<BlockButtonAction>(ACTION.contactCallBack, handleCallBackButton(deps));
  app.action<BlockButtonAction>(ACTION.callEnterPhone, handleEnterPhoneButton(deps));
  app.action<BlockButtonAction>(ACTION.callMarkHandled, handleMarkHandled(deps));
  app.shortcut<MessageShortcut>(SHORTCUT.callFromMessage, handleCallShortcut(deps));
  app.view<ViewSubmitAction>(VIEW.callPickNumber, handlePickNumberSubmission(deps));
  app.view<ViewSubmitAction>(VIEW.callOwnPhone, handleOwnPhoneSubmission(deps));
  jobs.add(QUEUE.callStart, runStartCall(deps));
  jobs.add(QUEUE.phoneVerify, runVerifyPhone({ ...deps, statusUrl: () => deps.webhookUrls.url('status') }));
  jobs.add(QUEUE.ivrSweep, runIvrSweep(deps));
  inbound.register('call.status', relayCallStatus);
  inbound.register('ivr', relayIvr);
  cards.register('call', 'out', renderOutboundCall);
  cards.register('ivr', 'in', renderInboundCall);
  cards.registerMediaInspector('ivr', 'in', inspectVoicemail);
}
