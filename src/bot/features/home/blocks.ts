/** Pure Block Kit builders of App Home: data in, a home view out. Outside text is escaped here. */
import type { types } from '@slack/bolt';
import type { Job } from '../../../db/job-queue.js';
import type { InboundEventRow } from '../../../db/tables/inbound-events.js';
import type { NumberRouteRow } from '../../../db/tables/number-routes.js';
import type { TransactionRow } from '../../../db/tables/transactions.js';
import { formatMoney, formatPhoneNumber, type Money } from '../../../hoiio/index.js';
import { button, numberInput, plainTextInput, slackDate } from '../../cards/card-parts.js';
import { ACTION, ADMIN_FIELD, VIEW } from '../../ids.js';
import { escapeMrkdwn, inlineCode, truncateText } from '../../slack-text.js';
import { historyLine, routeLine } from '../admin/blocks.js';

/** Everything App Home shows one user. */
export interface HomeInput {
  readonly userId: string;
  readonly admin: boolean;
  /** The user's DM channel with the app (where sends from App Home post their cards). */
  readonly dmChannel: string | undefined;
  readonly balance: { readonly amount: Money; readonly currency: string } | { readonly problem: string };
  readonly spent: Money;
  readonly month: string;
  readonly cap: { readonly amount: Money; readonly currency: string } | undefined;
  readonly undoSeconds: number;
  readonly phone: string | undefined;
  /** The phone was confirmed with an SMS code (`/hoiio me`); one typed in the ask-once modal is not. */
  readonly phoneVerified?: boolean | undefined;
  readonly routes: readonly NumberRouteRow[];
  readonly recent: readonly TransactionRow[];
  readonly unhandled: readonly TransactionRow[];
  readonly events: readonly InboundEventRow[];
  /** Admins only. */
  readonly deadJobs: readonly Job[];
  readonly names: ReadonlyMap<string, string>;
}

function section(text: string): types.SectionBlock {
  return { type: 'section', text: { type: 'mrkdwn', text: truncateText(text, 2990) } };
}

function header(text: string): types.HeaderBlock {
  return { type: 'header', text: { type: 'plain_text', text } };
}

/** `SGD 0.850 of the SGD 1.000 cap (85 %)`. Floats only for the display percentage. */
export function spendLine(spent: Money, cap: HomeInput['cap'], currency: string | undefined): string {
  const c = cap?.currency ?? currency;
  const shown = c ? formatMoney(spent, c) : spent;
  if (!cap) return `${shown} (no monthly cap)`;
  const pct = Number(cap.amount) > 0 ? Math.round((Number(spent) / Number(cap.amount)) * 100) : 0;
  return `${shown} of the ${formatMoney(cap.amount, cap.currency)} cap (${pct} %)${pct >= 80 ? ' :warning:' : ''}`;
}

/** The App Home tab. */
export function homeView(input: HomeInput): types.HomeView {
  const blocks: types.KnownBlock[] = [header('Hoiio for Slack')];
  const dm = input.dmChannel ?? '';
  const currency = 'currency' in input.balance ? input.balance.currency : undefined;
  const quick: types.Button[] = [
    button('Send SMS', ACTION.homeSendSms, dm, 'primary'),
    button('Send fax', ACTION.homeSendFax, dm),
    button('Call a number', ACTION.homeCall, dm),
  ];
  if (input.admin) quick.push(button('Settings', ACTION.homeSettings, currency ?? input.cap?.currency ?? ''));
  blocks.push({ type: 'actions', elements: quick });

  const balance =
    'problem' in input.balance
      ? `unavailable — ${escapeMrkdwn(input.balance.problem)}`
      : formatMoney(input.balance.amount, input.balance.currency);
  blocks.push(
    section(
      `*Balance:* ${balance}\n*Spent this month* (${input.month}): ${spendLine(input.spent, input.cap, currency)}\n` +
        `*Undo window:* ${input.undoSeconds > 0 ? `${input.undoSeconds}s` : 'off'}`,
    ),
    section(
      input.phone
        ? `*Your phone:* ${formatPhoneNumber(input.phone)} (${input.phoneVerified ? 'verified' : 'not verified'}) — rung first when you call. ${
            input.phoneVerified ? 'Change it' : 'Confirm it with an SMS code'
          } with \`/hoiio me <number>\`.`
        : '*Your phone:* not set. Set it with `/hoiio me <number>` so calls can ring you first.',
    ),
    { type: 'divider' },
    section(
      `*Routes*\n${
        input.routes.length === 0 ? 'No number is routed to a channel yet.' : input.routes.map(routeLine).join('\n')
      }`,
    ),
    section(
      `*Missed calls and voicemails not handled yet*\n${
        input.unhandled.length === 0
          ? 'None. :tada:'
          : input.unhandled
              .map((t) => `${historyLine(t, input.names)}${t.slack_channel_id ? ` in <#${t.slack_channel_id}>` : ''}`)
              .join('\n')
      }`,
    ),
  );
  if (input.events.length > 0) {
    blocks.push(
      section(
        `*Unrouted or unverified events*\n${input.events
          .map(
            (e) =>
              `• ${e.kind} ${e.state} ${slackDate(e.created_at)}${e.error ? ` — ${escapeMrkdwn(truncateText(e.error, 120))}` : ''}`,
          )
          .join('\n')}\nRoute the number with \`/hoiio route\` or set DEFAULT_CHANNEL so such events reach a channel.`,
      ),
    );
  }
  blocks.push(
    section(
      `*Your recent activity*\n${
        input.recent.length === 0 ? 'Nothing yet.' : input.recent.map((t) => historyLine(t, input.names)).join('\n')
      }`,
    ),
  );
  if (input.admin) {
    blocks.push(
      { type: 'divider' },
      section(`*Dead jobs* (${input.deadJobs.length === 0 ? 'none' : input.deadJobs.length})`),
    );
    for (const job of input.deadJobs.slice(0, 20)) {
      const error = job.last_error ? ` — ${escapeMrkdwn(truncateText(job.last_error, 200))}` : '';
      blocks.push({
        ...section(`${inlineCode(job.queue)} #${job.id}, ${job.attempts} attempt(s)${error}`),
        accessory: button('Redrive', ACTION.homeRedrive, String(job.id)),
      });
    }
  }
  return { type: 'home', private_metadata: dm, blocks: blocks.slice(0, 100) };
}

/** Spend cap and undo window (admins). */
export function settingsModal(current: {
  cap: Money | undefined;
  undoSeconds: number;
  currency: string;
}): types.ModalView {
  return {
    type: 'modal',
    callback_id: VIEW.adminSettings,
    private_metadata: current.currency,
    title: { type: 'plain_text', text: 'Settings' },
    submit: { type: 'plain_text', text: 'Save' },
    close: { type: 'plain_text', text: 'Cancel' },
    blocks: [
      plainTextInput(ADMIN_FIELD.spendCap, 'Monthly spend cap', {
        optional: true,
        hint: "In the account's currency. Empty: no cap. Admins get a DM at 80 %.",
        placeholder: '50',
        initial: current.cap || undefined,
      }),
      numberInput(ADMIN_FIELD.undoWindow, 'Undo window (seconds, 0 = off)', {
        min: 0,
        max: 300,
        initial: current.undoSeconds,
        hint: 'A send waits this long on its card with a Cancel button before it goes.',
      }),
    ],
  };
}

/** App Home's "Call a number" modal (the call feature places the call). */
export function homeCallModal(dmChannel: string): types.ModalView {
  return {
    type: 'modal',
    callback_id: VIEW.homeCall,
    private_metadata: dmChannel,
    title: { type: 'plain_text', text: 'Call a number' },
    submit: { type: 'plain_text', text: 'Call' },
    close: { type: 'plain_text', text: 'Cancel' },
    blocks: [
      plainTextInput(ADMIN_FIELD.homeCallNumber, 'Number to call', {
        hint: 'Hoiio rings your phone first, then connects you.',
        placeholder: '+65 6123 4567',
      }),
    ],
  };
}
