/**
 * Workspace admin and visibility (issue 9): `/hoiio route`, `contact`, `balance` (with the spend cap and undo
 * window settings), `history`, `export`, `status`; the route modal (which also points Hoiio forwarding at us); the
 * Cancel button of the undo window; the admins' 80 % spend warning job.
 */
import type { BlockAction, BlockButtonAction, OverflowAction, ViewSubmitAction } from '@slack/bolt';
import { ACTION, QUEUE, VIEW } from '../../ids.js';
import type { FeatureContext } from '../index.js';
import { createAdminCheck } from './admin-check.js';
import { handleBalanceCommand } from './balance-command.js';
import { handleCancelSend } from './cancel-send.js';
import { handleContactCommand } from './contact-command.js';
import { handleExportCommand } from './export-command.js';
import { handleHistoryCommand, handleHistoryPage } from './history.js';
import {
  handleRouteAddButton,
  handleRouteCommand,
  handleRouteOverflow,
  handleRouteRemoveButton,
  handleRouteSubmission,
} from './route-handlers.js';
import { runSpendWarning } from './spend-warning.js';
import { handleStatusCommand } from './status-command.js';

export { type AdminCheck, createAdminCheck, notAdminText } from './admin-check.js';
export { checkSpendCap, getSpendCap, type SpendCap, type SpendCapCheck, SpendCapRefusedError } from './spend-cap.js';
export { cancelSendButton, getUndoWindowSeconds, inUndoWindow, undoRunAt } from './undo-window.js';

/** Registers the admin feature's subcommands, listeners and the spend warning job. */
export function register({ app, deps, subcommands, jobs }: FeatureContext): void {
  const admins = createAdminCheck(deps);
  subcommands.add('route', handleRouteCommand(deps, admins), {
    usage: '[add | edit <number> | remove <number> | <number> #channel]',
    description: "Route a Hoiio number's calls, faxes and SMS to a channel (lists routes without arguments)",
    example: '/hoiio route +65 3158 0000 #support-line',
    adminOnly: true,
  });
  subcommands.add('contact', handleContactCommand(deps), {
    usage: 'add <number> <name> | list | remove <number>',
    description: 'Name a number: the name is shown on cards and in history',
    example: '/hoiio contact add +65 9123 4567 Acme Logistics',
  });
  subcommands.add('balance', handleBalanceCommand(deps, admins), {
    usage: '[cap <amount|off> | undo <seconds|off>]',
    description: "Balance and this month's spend; admins set the monthly spend cap and the undo window",
    example: '/hoiio balance cap 50',
  });
  subcommands.add('history', handleHistoryCommand(deps), {
    usage: '[sms|fax|call] [number]',
    description: 'Recent SMS, calls and faxes in this channel, optionally with one number',
    example: '/hoiio history sms +65 9123 4567',
  });
  subcommands.add('export', handleExportCommand(deps, admins), {
    usage: '[days]',
    description: 'The transaction log as CSV in a DM (default 30 days; numbers masked for non-admins)',
    example: '/hoiio export 7',
  });
  subcommands.add('status', handleStatusCommand(deps, admins), {
    usage: '',
    description: 'Self-check: Hoiio credentials, balance, webhooks, database, queues, Slack scopes',
    example: '/hoiio status',
  });
  app.view<ViewSubmitAction>(VIEW.adminRoute, handleRouteSubmission(deps));
  app.action<BlockButtonAction>(ACTION.routeAdd, handleRouteAddButton(deps, admins));
  app.action<BlockAction<OverflowAction>>(ACTION.routeEdit, handleRouteOverflow(deps, admins));
  app.action<BlockButtonAction>(ACTION.routeRemove, handleRouteRemoveButton(deps, admins));
  app.action<BlockButtonAction>(ACTION.historyPage, handleHistoryPage(deps));
  app.action<BlockButtonAction>(ACTION.txnCancel, handleCancelSend(deps, admins));
  jobs.add(QUEUE.spendCapWarning, runSpendWarning(deps));
}
