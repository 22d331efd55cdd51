/** Pure Block Kit builders of the call feature: the call cards, the call modals, the ephemeral answers. */
import type { types } from '@slack/bolt';
import { formatMoney, formatPhoneNumber, type Money, maskPhoneNumber } from '../../../hoiio/index.js';
import {
  button,
  CANCELED_NOTE,
  checkStatusButton,
  contactButtons,
  context,
  partyName,
  plainTextInput,
  refText,
  SEND_STATUS_EMOJI,
  section,
  slackDate,
  UNDO_WINDOW_NOTE,
} from '../../cards/card-parts.js';
import type { RenderedCard } from '../../cards/card-registry.js';
import { ACTION, CALL_FIELD, COMMAND, VIEW } from '../../ids.js';
import { escapeMrkdwn, truncateText } from '../../slack-text.js';
import { cancelSendButton } from '../admin/undo-window.js';

/** What a card returns: the notification fallback (with the plain status word) and the blocks. */
export type CardMessage = RenderedCard;

/** The status words of a click-to-call card. */
export type OutboundCallStatus =
  | 'queued'
  | 'ringing'
  | 'answered'
  | 'unanswered'
  | 'busy'
  | 'failed'
  | 'unknown'
  | 'canceled';

/** What the click-to-call card shows; built from the transaction row by the renderer. */
export interface OutboundCallCardInput {
  readonly id: number;
  readonly status: OutboundCallStatus;
  /** The number called (leg 2), E.164. */
  readonly to: string;
  readonly contactName?: string | undefined;
  readonly userId?: string | undefined;
  /** The user's own phone (leg 1), E.164; shown masked. */
  readonly ownPhone?: string | undefined;
  /** Our number shown to the callee. */
  readonly callerId?: string | undefined;
  /** Still waiting for the user's own phone (no saved phone, none in the Slack profile). */
  readonly needsPhone?: boolean | undefined;
  /** Whole minutes, as Hoiio bills them. */
  readonly minutes?: number | undefined;
  readonly debit?: { readonly amount: Money; readonly currency: string } | undefined;
  readonly txnRef?: string | undefined;
  /** Why it did not connect, in words. */
  readonly reason?: string | undefined;
  /** A Check status is running. */
  readonly checking?: boolean | undefined;
  /** Still waiting out the undo window: the card offers Cancel. */
  readonly cancelable?: boolean | undefined;
}

const OUT_EMOJI: Readonly<Record<OutboundCallStatus, string>> = {
  ...SEND_STATUS_EMOJI,
  ringing: ':telephone_receiver:',
  answered: ':white_check_mark:',
  unanswered: ':no_bell:',
  busy: ':no_entry:',
};
/** The click-to-call card: "Calling … for @user" → answered / unanswered / busy / failed, in place. */
export function outboundCallCard(call: OutboundCallCardInput): CardMessage {
  const party = escapeMrkdwn(truncateText(partyName(call.to, call.contactName), 200));
  const who = call.userId !== undefined ? ` for <@${call.userId}>` : '';
  const live = call.status === 'queued' || call.status === 'ringing';
  const headline = `${OUT_EMOJI[call.status]} *${live ? 'Calling' : 'Call with'} ${party}*${who} · *${call.status}*`;
  const blocks: types.KnownBlock[] = [section(headline)];
  const details: string[] = [];
  if (call.minutes !== undefined && call.status === 'answered') details.push(minutesText(call.minutes));
  if (call.debit !== undefined) details.push(formatMoney(call.debit.amount, call.debit.currency));
  if (call.callerId !== undefined) details.push(`shown as ${formatPhoneNumber(call.callerId)}`);
  if (call.txnRef !== undefined) details.push(refText(call.txnRef));
  const note = outboundNote(call);
  const lines = [note, details.join(' · ')].filter((s) => s !== undefined && s !== '').join('\n');
  if (lines !== '') blocks.push(context(lines));
  const buttons = outboundButtons(call);
  if (buttons.length > 0) blocks.push({ type: 'actions', elements: buttons });
  const reason = call.reason !== undefined && !live ? ` — ${escapeMrkdwn(truncateText(call.reason, 200))}` : '';
  // The fallback text is mrkdwn too (and notifies): the party's name is escaped like in the blocks.
  const text = `${live ? 'Calling' : 'Call with'} ${party}${
    call.userId !== undefined ? ` for <@${call.userId}>` : ''
  }: ${call.status}${reason}`;
  return { text, blocks };
}

function outboundNote(call: OutboundCallCardInput): string | undefined {
  const own = call.ownPhone !== undefined ? ` (${maskPhoneNumber(call.ownPhone)})` : '';
  switch (call.status) {
    case 'queued':
      if (call.cancelable) return UNDO_WINDOW_NOTE;
      return call.needsPhone
        ? ':warning: I need your own phone number to ring you first: use *Enter my phone*.'
        : `Your phone${own} rings first; pick up and you are connected.`;
    case 'canceled':
      return CANCELED_NOTE;
    case 'ringing':
      return `Ringing your phone${own} first, then connecting you.`;
    case 'answered':
      return undefined;
    case 'unknown':
      return call.checking
        ? ':mag: Checking with Hoiio what became of this call…'
        : 'The connection to Hoiio broke while placing the call, so it is not known whether it went out. It will not be placed again blindly: use Check status.';
    default:
      return call.reason !== undefined ? escapeMrkdwn(call.reason) : undefined;
  }
}

function outboundButtons(call: OutboundCallCardInput): types.Button[] {
  if (call.status === 'queued' && call.cancelable) return [cancelSendButton(call.id)];
  if (call.status === 'queued' && call.needsPhone) {
    return [button('Enter my phone', ACTION.callEnterPhone, String(call.id), 'primary')];
  }
  if (call.status === 'unknown') {
    return call.checking ? [] : [checkStatusButton(call.id)];
  }
  if (call.status === 'queued' || call.status === 'ringing') return [];
  return [button('Call again', ACTION.contactCallBack, call.to)];
}

/** The status words of an incoming call card. */
export type InboundCallStatus = 'ringing' | 'answered' | 'voicemail' | 'missed';

/** What the incoming call card shows. */
export interface InboundCallCardInput {
  readonly id: number;
  readonly status: InboundCallStatus;
  /** The caller, E.164 (undefined for a withheld number). */
  readonly from?: string | undefined;
  readonly contactName?: string | undefined;
  /** Our number that was called, and its route label. */
  readonly to?: string | undefined;
  readonly label?: string | undefined;
  /** Whose phone rings now. */
  readonly ringingUserId?: string | undefined;
  readonly answeredBy?: string | undefined;
  /** Keys pressed at the menu, and the option they chose. */
  readonly digits?: string | undefined;
  readonly menuChoice?: string | undefined;
  /** Voicemail length in seconds. */
  readonly voicemailSeconds?: number | undefined;
  /** The recording is uploaded (in the thread, next to the card). */
  readonly voicemailFile?: boolean | undefined;
  /** Why the recording could not be fetched (a media error code). */
  readonly mediaError?: string | undefined;
  readonly minutes?: number | undefined;
  readonly debit?: { readonly amount: Money; readonly currency: string } | undefined;
  readonly handledBy?: string | undefined;
  readonly handledAt?: Date | undefined;
  /** The call came to a number without a route. */
  readonly unrouted?: boolean | undefined;
  /** The call rang while the app could not hear it (its answer notification never came): no greeting was played. */
  readonly unseen?: boolean | undefined;
}

const IN_EMOJI: Readonly<Record<InboundCallStatus, string>> = {
  ringing: ':telephone_receiver:',
  answered: ':white_check_mark:',
  voicemail: ':mailbox_with_mail:',
  missed: ':no_bell:',
};

/** The incoming call card: ringing → answered by … / voicemail / missed, edited in place. */
export function inboundCallCard(call: InboundCallCardInput): CardMessage {
  const caller = call.from !== undefined ? partyName(call.from, call.contactName) : 'a withheld number';
  const line = call.to !== undefined ? formatPhoneNumber(call.to) : undefined;
  const onLine =
    line === undefined ? '' : ` to ${call.label ? `${escapeMrkdwn(truncateText(call.label, 80))} (${line})` : line}`;
  const headline = `${IN_EMOJI[call.status]} *Call from ${escapeMrkdwn(truncateText(caller, 200))}*${onLine} · *${
    call.status
  }*`;
  const blocks: types.KnownBlock[] = [section(headline)];
  const lines: string[] = [];
  const state = inboundState(call);
  if (state !== undefined) lines.push(state);
  if (call.digits !== undefined) {
    const pressed = call.digits === '' ? 'no key' : `\`${escapeMrkdwn(call.digits)}\``;
    const choice = call.menuChoice !== undefined ? ` → ${escapeMrkdwn(truncateText(call.menuChoice, 80))}` : '';
    lines.push(`Menu: pressed ${pressed}${choice}`);
  }
  const money: string[] = [];
  if (call.minutes !== undefined && call.status !== 'ringing') money.push(minutesText(call.minutes));
  if (call.debit !== undefined) money.push(formatMoney(call.debit.amount, call.debit.currency));
  if (money.length > 0) lines.push(money.join(' · '));
  if (call.unseen) lines.push('_The app was unreachable when this call came in, so nobody was rung._');
  if (call.unrouted) lines.push(`_This number has no route: use \`${COMMAND.hoiio} route\` to send its calls here._`);
  if (call.handledBy !== undefined) {
    lines.push(
      `:heavy_check_mark: Handled by <@${call.handledBy}>${call.handledAt ? ` ${slackDate(call.handledAt)}` : ''}`,
    );
  }
  if (lines.length > 0) blocks.push(context(lines.join('\n')));
  const buttons: types.Button[] = [];
  if (call.from !== undefined) {
    buttons.push(...contactButtons(call.from));
  }
  if (call.status !== 'ringing' && call.handledBy === undefined) {
    buttons.push(button('Mark handled', ACTION.callMarkHandled, String(call.id)));
  }
  if (buttons.length > 0) blocks.push({ type: 'actions', elements: buttons });
  const by = call.status === 'answered' && call.answeredBy !== undefined ? ` by <@${call.answeredBy}>` : '';
  return { text: `Call from ${escapeMrkdwn(truncateText(caller, 200))}: ${call.status}${by}`, blocks };
}

function inboundState(call: InboundCallCardInput): string | undefined {
  switch (call.status) {
    case 'ringing':
      return call.ringingUserId !== undefined ? `Ringing <@${call.ringingUserId}>…` : 'The caller is on the line…';
    case 'answered':
      return call.answeredBy !== undefined ? `Answered by <@${call.answeredBy}>` : 'Answered';
    case 'voicemail': {
      const length = call.voicemailSeconds !== undefined ? ` (${clock(call.voicemailSeconds)})` : '';
      const file = call.voicemailFile
        ? ': the recording is in this thread'
        : call.mediaError !== undefined
          ? `, but the recording could not be fetched (${escapeMrkdwn(call.mediaError)})`
          : '';
      return `Left a voicemail${length}${file}`;
    }
    case 'missed':
      return 'Missed: the caller hung up without leaving a message';
  }
}

/** `3 min` (Hoiio bills whole minutes). */
function minutesText(minutes: number): string {
  return `${minutes} min`;
}

/** `0:42`, `12:05`. */
export function clock(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`;
}

/** The ask-once modal: the user's own phone, saved and used for this call and the next ones. */
export function ownPhoneModal({
  privateMetadata,
  calling,
  initialPhone,
}: {
  readonly privateMetadata: string;
  /** The number about to be called, E.164 (absent when the modal only saves the phone). */
  readonly calling?: string | undefined;
  readonly initialPhone?: string | undefined;
}): types.ModalView {
  const intro =
    calling !== undefined
      ? `To call ${formatPhoneNumber(calling)}, Hoiio rings *your* phone first and connects you when you pick up. Which phone should ring? I'll remember it (change it later with \`${COMMAND.hoiio} me <number>\`).`
      : `Hoiio rings this phone first when you place a call from Slack.`;
  return {
    type: 'modal',
    callback_id: VIEW.callOwnPhone,
    title: { type: 'plain_text', text: 'Your phone' },
    submit: { type: 'plain_text', text: calling !== undefined ? 'Save and call' : 'Save' },
    close: { type: 'plain_text', text: 'Cancel' },
    private_metadata: privateMetadata,
    blocks: [
      section(intro),
      plainTextInput(CALL_FIELD.phone, 'Your phone number', {
        hint: 'With the country code, e.g. +65 9123 4567',
        placeholder: '+65 9123 4567',
        initial: initialPhone,
      }),
    ],
  };
}

/** The picker of the call shortcut: the message has several numbers; which one? */
export function pickNumberModal({
  numbers,
  privateMetadata,
}: {
  readonly numbers: readonly string[];
  readonly privateMetadata: string;
}): types.ModalView {
  const options = numbers.slice(0, 10).map((n) => ({
    text: { type: 'plain_text' as const, text: formatPhoneNumber(n) },
    value: n,
  }));
  return {
    type: 'modal',
    callback_id: VIEW.callPickNumber,
    title: { type: 'plain_text', text: 'Call a number' },
    submit: { type: 'plain_text', text: 'Call' },
    close: { type: 'plain_text', text: 'Cancel' },
    private_metadata: privateMetadata,
    blocks: [
      {
        type: 'input',
        block_id: CALL_FIELD.number,
        label: { type: 'plain_text', text: 'This message has several numbers. Which one?' },
        element: {
          type: 'radio_buttons',
          action_id: CALL_FIELD.number,
          options,
          ...(options[0] !== undefined ? { initial_option: options[0] } : {}),
        },
      },
    ],
  };
}

/** The ephemeral answer once a call is queued. */
export function callQueuedText(to: string, ownPhone: string | undefined): string {
  const target = formatPhoneNumber(to);
  return ownPhone !== undefined
    ? `:telephone_receiver: Calling ${target}: your phone (${maskPhoneNumber(ownPhone)}) rings first; pick up and you are connected.`
    : `:telephone_receiver: Calling ${target}: I'll ring the phone in your Slack profile first. No phone there? I'll ask for one on the card.`;
}

/** `/hoiio call` usage, with what was wrong. */
export function callUsageText(problem?: string): string {
  const head = problem !== undefined ? `${escapeMrkdwn(problem)}\n` : '';
  return `${head}Usage: \`${COMMAND.hoiio} call <number>\`, e.g. \`${COMMAND.hoiio} call +65 6123 4567\`. Your own phone rings first, then you are connected to the number.`;
}

/** What `/hoiio me` shows about the user's phone. */
export interface MePhoneState {
  /** The saved phone, E.164. */
  readonly phone?: string | undefined;
  /** Confirmed with an SMS code. */
  readonly verified?: boolean | undefined;
  /** A code sent and not yet typed: to which phone, and whole minutes left (at least 1). */
  readonly pending?: { readonly phone: string; readonly minutesLeft: number } | undefined;
}

const ME = `${COMMAND.hoiio} me`;

/** The end of every answer that closes a verification without confirming it. */
export const ASK_NEW_CODE = `Ask for a new code with \`${ME} <your phone>\`.`;

/** `/hoiio me` without arguments (or with a problem): the phone, whether it is verified, a pending code, usage. */
export function meUsageText(state: MePhoneState, problem?: string): string {
  const lines: string[] = problem !== undefined ? [escapeMrkdwn(problem)] : [];
  if (state.phone === undefined) lines.push('You have not set your phone for calls yet.');
  else {
    const how = state.verified ? 'verified' : 'not verified';
    lines.push(`Your phone for calls is ${formatPhoneNumber(state.phone)} (${how}).`);
  }
  if (state.pending !== undefined) {
    lines.push(
      `A code sent to ${formatPhoneNumber(state.pending.phone)} is waiting: type \`${ME} confirm <code>\` within ${minutes(state.pending.minutesLeft)}.`,
    );
  }
  lines.push(
    `Set or change it with \`${ME} <your phone>\`, e.g. \`${ME} +65 9876 5432\`: I text a code to it, and \`${ME} confirm <code>\` confirms it.`,
  );
  return lines.join('\n');
}

/** The answer once a code is on its way. */
export function codeOnItsWayText({
  phone,
  current,
  sandbox,
}: {
  readonly phone: string;
  /** The saved phone calls keep using meanwhile, if any. */
  readonly current?: string | undefined;
  /** The sandbox console's URL in sandbox mode. */
  readonly sandbox?: string | undefined;
}): string {
  const meanwhile =
    current !== undefined && current !== phone
      ? `Calls keep using ${formatPhoneNumber(current)} until then.`
      : 'Calls keep using your current phone until then.';
  const lines = [
    `:incoming_envelope: A code is on its way to ${formatPhoneNumber(phone)}. Type \`${ME} confirm <code>\` within 10 minutes to confirm this phone. ${meanwhile}`,
  ];
  if (sandbox !== undefined) {
    lines.push(
      `:test_tube: Sandbox mode: nothing real is sent. The code is in the sandbox console's outbox (${sandbox}).`,
    );
  }
  return lines.join('\n');
}

function minutes(n: number): string {
  return n === 1 ? '1 minute' : `${n} minutes`;
}
