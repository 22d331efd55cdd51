/**
 * Pure Block Kit builders of the admin feature: route list, history pages, balance, contacts. Data in, blocks
 * out. Names, labels, greetings and message text are untrusted and escaped here.
 */
import type { types } from '@slack/bolt';
import type { ContactRow } from '../../../db/tables/contacts.js';
import type { NumberRouteRow } from '../../../db/tables/number-routes.js';
import type { TransactionRow } from '../../../db/tables/transactions.js';
import { formatMoney, formatPhoneNumber, type Money } from '../../../hoiio/index.js';
import { button, context, section, slackDate } from '../../cards/card-parts.js';
import { ACTION } from '../../ids.js';
import { escapeMrkdwn, truncateText } from '../../slack-text.js';
import type { HistoryKind } from './admin-args.js';

/** An ephemeral answer: fallback text plus blocks. */
export interface Message {
  readonly text: string;
  readonly blocks: types.KnownBlock[];
}

/** `Alice (+65 9123 4567)` (escaped) or the formatted number. */
export function partyLabel(number: string | null, names: ReadonlyMap<string, string>): string {
  if (number === null) return 'unknown number';
  const name = names.get(number);
  return name ? `${escapeMrkdwn(name)} (${formatPhoneNumber(number)})` : formatPhoneNumber(number);
}

/** One route as a line: number, label, channel, ring list, forwarding state. */
export function routeLine(route: NumberRouteRow): string {
  const label = route.label ? ` (${escapeMrkdwn(route.label)})` : '';
  const ring = route.ring_user_ids.length > 0 ? route.ring_user_ids.map((u) => `<@${u}>`).join(' ') : 'nobody';
  const forwarding =
    route.forwarding_status === 'ok'
      ? 'forwarding points here'
      : route.forwarding_status
        ? `forwarding not set: ${escapeMrkdwn(route.forwarding_status)}`
        : 'forwarding not set yet';
  return (
    `*${formatPhoneNumber(route.number)}*${label} → <#${route.channel_id}>\n` +
    `rings ${ring} for ${route.ring_timeout}s · voicemail ${route.voicemail ? 'on' : 'off'}` +
    `${route.menu ? ' · menu' : ''} · ${forwarding}`
  );
}

/** `/hoiio route`: every route with Edit / Remove, and Add. */
export function routeListMessage(routes: readonly NumberRouteRow[]): Message {
  const blocks: types.KnownBlock[] = [section('*Number routes*')];
  if (routes.length === 0)
    blocks.push(section('No routes yet: events to your numbers go to DEFAULT_CHANNEL or App Home.'));
  for (const route of routes.slice(0, 40)) {
    blocks.push({
      ...section(routeLine(route)),
      accessory: {
        type: 'overflow',
        action_id: ACTION.routeEdit,
        options: [
          { text: { type: 'plain_text', text: 'Edit' }, value: `edit:${route.number}` },
          { text: { type: 'plain_text', text: 'Remove' }, value: `remove:${route.number}` },
        ],
      },
    });
  }
  blocks.push({ type: 'actions', elements: [button('Add a route', ACTION.routeAdd, 'add', 'primary')] });
  const text = routes.length === 0 ? 'No number routes yet.' : `${routes.length} number route(s).`;
  return { text, blocks };
}

const KIND_LABEL: Readonly<Record<TransactionRow['kind'], string>> = {
  sms: 'SMS',
  fax: 'Fax',
  call: 'Call',
  ivr: 'Call',
};
const KIND_EMOJI: Readonly<Record<TransactionRow['kind'], string>> = {
  sms: ':speech_balloon:',
  fax: ':fax:',
  call: ':telephone_receiver:',
  ivr: ':telephone_receiver:',
};

/** One transaction as a history line. */
export function historyLine(txn: TransactionRow, names: ReadonlyMap<string, string>): string {
  const dir = txn.direction === 'in' ? 'from' : 'to';
  const money = txn.debit && txn.currency ? ` · ${formatMoney(txn.debit, txn.currency)}` : '';
  const snippet =
    txn.kind === 'sms' && txn.text ? `\n>${escapeMrkdwn(truncateText(txn.text.replace(/\s+/g, ' '), 120))}` : '';
  return (
    `${KIND_EMOJI[txn.kind]} ${KIND_LABEL[txn.kind]} ${dir} ${partyLabel(txn.contact_number, names)} · ` +
    `*${txn.status}* · ${slackDate(txn.created_at)}${money}${snippet}`
  );
}

/** The query a history page was made with; the paging buttons carry it. */
export interface HistoryQuery {
  readonly kind?: HistoryKind | undefined;
  readonly number?: string | undefined;
  readonly channel: string;
  readonly offset: number;
}

export const HISTORY_PAGE_SIZE = 10;

/** A history page: `rows` may hold one more than a page (there is a next page). */
export function historyMessage(
  query: HistoryQuery,
  rows: readonly TransactionRow[],
  names: ReadonlyMap<string, string>,
): Message {
  const page = rows.slice(0, HISTORY_PAGE_SIZE);
  const what = `${query.kind ? KIND_LABEL[query.kind] : 'SMS, calls and faxes'}${
    query.number ? ` with ${partyLabel(query.number, names)}` : ''
  } in <#${query.channel}>`;
  const from = query.offset + 1;
  const header =
    page.length === 0
      ? query.offset === 0
        ? `No ${what} yet.`
        : `No more ${what}.`
      : `*History*: ${what} · ${from}–${query.offset + page.length}, newest first`;
  const blocks: types.KnownBlock[] = [section(header)];
  if (page.length > 0) blocks.push(section(page.map((t) => historyLine(t, names)).join('\n')));
  const nav: types.Button[] = [];
  const value = (offset: number) => JSON.stringify({ ...query, offset });
  if (query.offset > 0)
    nav.push(button('Previous', ACTION.historyPage, value(Math.max(0, query.offset - HISTORY_PAGE_SIZE))));
  if (rows.length > HISTORY_PAGE_SIZE)
    nav.push(button('Next', ACTION.historyPage, value(query.offset + HISTORY_PAGE_SIZE)));
  if (nav.length > 0) blocks.push({ type: 'actions', elements: nav });
  const text = page.length === 0 ? header : `History: ${page.length} transaction(s)`;
  return { text, blocks };
}

/** Reads a paging button's value; undefined when it is not ours. */
export function readHistoryQuery(value: string | undefined): HistoryQuery | undefined {
  try {
    const v = JSON.parse(value ?? '') as Record<string, unknown>;
    const kind = v['kind'];
    const number = v['number'];
    const channel = v['channel'];
    const offset = v['offset'];
    if (typeof channel !== 'string' || typeof offset !== 'number' || !Number.isInteger(offset) || offset < 0)
      return undefined;
    if (kind !== undefined && kind !== 'sms' && kind !== 'fax' && kind !== 'call') return undefined;
    if (number !== undefined && typeof number !== 'string') return undefined;
    return { channel, offset, ...(kind ? { kind } : {}), ...(typeof number === 'string' ? { number } : {}) };
  } catch {
    return undefined;
  }
}

/** What `/hoiio balance` shows. */
export interface BalanceView {
  readonly balance?: { readonly amount: Money; readonly currency: string } | undefined;
  /** Why the balance is missing. */
  readonly balanceProblem?: string | undefined;
  readonly spent: Money;
  readonly month: string;
  readonly cap?: { readonly amount: Money; readonly currency: string } | undefined;
  readonly undoSeconds: number;
}

/** Balance, spend this month, the cap and the undo window. */
export function balanceMessage(view: BalanceView): Message {
  const currency = view.balance?.currency ?? view.cap?.currency ?? '';
  const money = (m: Money) => (currency ? formatMoney(m, currency) : m);
  const lines = [
    view.balance
      ? `*Balance:* ${formatMoney(view.balance.amount, view.balance.currency)}`
      : `*Balance:* unavailable — ${escapeMrkdwn(view.balanceProblem ?? 'Hoiio did not answer')}`,
    `*Spent this month* (${view.month}): ${money(view.spent)}`,
    view.cap ? `*Monthly cap:* ${formatMoney(view.cap.amount, view.cap.currency)}` : '*Monthly cap:* none',
    `*Undo window:* ${view.undoSeconds > 0 ? `${view.undoSeconds}s` : 'off'}`,
  ];
  return {
    text: lines.join('\n').replace(/\*/g, ''),
    blocks: [
      section(lines.join('\n')),
      context('Admins: `/hoiio balance cap <amount|off>`, `/hoiio balance undo <seconds|off>`.'),
    ],
  };
}

/** `/hoiio contact list`. */
export function contactListMessage(contacts: readonly ContactRow[]): Message {
  if (contacts.length === 0) {
    return {
      text: 'No contacts yet.',
      blocks: [section('No contacts yet. Add one with `/hoiio contact add +65 9123 4567 Acme Logistics`.')],
    };
  }
  const lines = contacts.map((c) => `• ${escapeMrkdwn(c.name)} — ${formatPhoneNumber(c.number)}`);
  return { text: `${contacts.length} contact(s)`, blocks: [section(`*Contacts*\n${lines.join('\n')}`.slice(0, 2990))] };
}
