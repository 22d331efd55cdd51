import type { types } from '@slack/bolt';
import type { JsonObject } from '../../../db/json.js';
import type { NumberRouteRow } from '../../../db/tables/number-routes.js';
import { formatPhoneNumber, toE164 } from '../../../hoiio/index.js';
import { context, numberInput, plainTextInput } from '../../cards/card-parts.js';
import { ADMIN_FIELD as F, VIEW } from '../../ids.js';
import { menuToRichText, parseMenuText, type RichTextValue, richTextToPlain } from './menu-text.js';

/** Kept in the route modal's private_metadata. */
export interface RouteModalMeta {
  /** Who opened it (an admin); a submission by anyone else is refused. */
  readonly by: string;
  /** The number being edited, when editing. */
  readonly editing?: string;
}

/** A Hoiio number to offer in the select. */
export interface NumberChoiceView {
  readonly number: string;
  readonly mode: string | undefined;
  readonly capabilities: readonly string[];
}

export interface RouteModalInput {
  readonly meta: RouteModalMeta;
  /** The account's numbers, or why they could not be listed (the number is then typed). */
  readonly numbers: readonly NumberChoiceView[] | { readonly problem: string };
  readonly route?: NumberRouteRow | undefined;
  /** Preselected number (new route) and channel. */
  readonly number?: string | undefined;
  readonly channelId?: string | undefined;
}

const TITLE = { type: 'plain_text', text: 'Route a number' } as const;

/** What the modal shows while the numbers are being fetched (views.open must go out at once). */
export function routeLoadingModal(meta: RouteModalMeta): types.ModalView {
  return {
    type: 'modal',
    callback_id: VIEW.adminRoute,
    private_metadata: JSON.stringify(meta),
    title: TITLE,
    close: { type: 'plain_text', text: 'Close' },
    blocks: [
      { type: 'section', text: { type: 'mrkdwn', text: ':hourglass_flowing_sand: Loading your Hoiio numbers…' } },
    ],
  };
}

/** A modal with one message and a Close button (refusals, results). */
export function routeNoticeModal(text: string): types.ModalView {
  return {
    type: 'modal',
    title: TITLE,
    close: { type: 'plain_text', text: 'Close' },
    blocks: [{ type: 'section', text: { type: 'mrkdwn', text } }],
  };
}

function option(n: NumberChoiceView): types.PlainTextOption {
  const what = [n.mode ?? 'voice', ...n.capabilities.filter((c) => c.toUpperCase() === 'SMS').map(() => 'SMS')];
  return {
    text: { type: 'plain_text', text: `${formatPhoneNumber(n.number)} · ${what.join(' + ')}` },
    value: n.number,
  };
}

/** The add/edit form: number, channel, label, greeting, ring list, ring timeout, voicemail, optional menu. */
export function routeModal(input: RouteModalInput): types.ModalView {
  const { route } = input;
  const selected = route?.number ?? input.number;
  const blocks: types.KnownBlock[] = [];
  if ('problem' in input.numbers) {
    blocks.push(
      context(`:warning: ${input.numbers.problem}`),
      plainTextInput(F.routeNumber, 'Hoiio number', {
        maxLength: 32,
        placeholder: '+65 3158 0000',
        initial: selected || undefined,
      }),
    );
  } else {
    const options = input.numbers.map(option);
    const initial = options.find((o) => o.value === selected);
    blocks.push({
      type: 'input',
      block_id: F.routeNumber,
      label: { type: 'plain_text', text: 'Hoiio number' },
      element: {
        type: 'static_select',
        action_id: F.routeNumber,
        placeholder: { type: 'plain_text', text: 'Pick one of your numbers' },
        options:
          options.length > 0
            ? options.slice(0, 100)
            : [{ text: { type: 'plain_text', text: '(none)' }, value: 'none' }],
        ...(initial ? { initial_option: initial } : {}),
      },
    });
  }
  const channel = route?.channel_id ?? input.channelId;
  blocks.push(
    {
      type: 'input',
      block_id: F.routeChannel,
      label: { type: 'plain_text', text: 'Channel' },
      hint: { type: 'plain_text', text: 'Calls, voicemails, faxes and SMS to this number are posted here.' },
      element: {
        type: 'conversations_select',
        action_id: F.routeChannel,
        filter: { include: ['public', 'private'], exclude_bot_users: true, exclude_external_shared_channels: true },
        ...(channel && /^[CG]/.test(channel) ? { initial_conversation: channel } : {}),
      },
    },
    textInput(F.routeLabel, 'Label', route?.label ?? undefined, { max: 80, placeholder: 'Support line' }),
    textInput(F.routeGreeting, 'Greeting', route?.greeting ?? undefined, {
      max: 500,
      multiline: true,
      placeholder: 'Thank you for calling Acme. Please hold while we connect you.',
    }),
    {
      type: 'input',
      block_id: F.routeRingUsers,
      optional: true,
      label: { type: 'plain_text', text: 'Ring these people' },
      hint: { type: 'plain_text', text: 'Their phones (from /hoiio me) ring in turn for an incoming call.' },
      element: {
        type: 'multi_users_select',
        action_id: F.routeRingUsers,
        max_selected_items: 20,
        ...(route && route.ring_user_ids.length > 0 ? { initial_users: route.ring_user_ids } : {}),
      },
    },
    numberInput(F.routeRingTimeout, 'Ring for (seconds)', { min: 5, max: 120, initial: route?.ring_timeout ?? 30 }),
    {
      type: 'input',
      block_id: F.routeVoicemail,
      optional: true,
      label: { type: 'plain_text', text: 'Voicemail' },
      element: {
        type: 'checkboxes',
        action_id: F.routeVoicemail,
        options: [VOICEMAIL_OPTION],
        ...((route?.voicemail ?? true) ? { initial_options: [VOICEMAIL_OPTION] } : {}),
      },
    },
  );
  const menu = menuToRichText(route?.menu);
  blocks.push({
    type: 'input',
    block_id: F.routeMenu,
    optional: true,
    label: { type: 'plain_text', text: 'Menu (optional)' },
    hint: {
      type: 'plain_text',
      text: 'One option per line, e.g. "1=sales: @alice @bob". Optional first line "prompt: …". Other keys ring the list above.',
    },
    element: {
      type: 'rich_text_input',
      action_id: F.routeMenu,
      // menuToRichText builds a rich_text block; it is typed as JSON for the db side.
      ...(menu ? { initial_value: menu as unknown as types.RichTextBlock } : {}),
    },
  });
  return {
    type: 'modal',
    callback_id: VIEW.adminRoute,
    private_metadata: JSON.stringify(input.meta),
    title: TITLE,
    submit: { type: 'plain_text', text: 'Save' },
    close: { type: 'plain_text', text: 'Cancel' },
    blocks,
  };
}

const VOICEMAIL_OPTION: types.PlainTextOption = {
  text: { type: 'plain_text', text: 'Take a voicemail when nobody answers' },
  value: 'on',
};

/** An optional text field of the form; an empty `initial` is left out. */
function textInput(
  id: string,
  label: string,
  initial: string | undefined,
  { max, multiline = false, placeholder }: { max: number; multiline?: boolean; placeholder: string },
): types.InputBlock {
  return plainTextInput(id, label, {
    optional: true,
    maxLength: max,
    multiline,
    placeholder,
    initial: initial || undefined,
  });
}

/** Reads private_metadata; undefined when it is not ours. */
export function readRouteModalMeta(text: string | undefined): RouteModalMeta | undefined {
  try {
    const v: unknown = JSON.parse(text ?? '');
    if (typeof v !== 'object' || v === null) return undefined;
    const { by, editing } = v as { by?: unknown; editing?: unknown };
    if (typeof by !== 'string') return undefined;
    return typeof editing === 'string' ? { by, editing } : { by };
  } catch {
    return undefined;
  }
}

interface StateValue {
  value?: string | null;
  selected_option?: { value: string } | null;
  selected_options?: { value: string }[];
  selected_conversation?: string | null;
  selected_users?: string[];
  rich_text_value?: RichTextValue | null;
}
export type RouteStateValues = Record<string, Record<string, StateValue>>;

/** A valid route form. */
export interface RouteForm {
  readonly number: string;
  readonly channelId: string;
  readonly label: string | null;
  readonly greeting: string | null;
  readonly ringUserIds: string[];
  readonly ringTimeout: number;
  readonly voicemail: boolean;
  readonly menu: JsonObject | null;
}

export type RouteFormResult =
  | { readonly ok: true; readonly form: RouteForm }
  | { readonly ok: false; readonly errors: Record<string, string> };

/** Validates a submitted route form; errors are keyed by block id (`response_action: 'errors'`). */
export function readRouteForm(values: RouteStateValues | undefined, defaultCountry: string): RouteFormResult {
  const v = (id: string): StateValue | undefined => values?.[id]?.[id];
  const errors: Record<string, string> = {};
  const numberText = v(F.routeNumber)?.selected_option?.value ?? v(F.routeNumber)?.value ?? '';
  const number = numberText === 'none' ? undefined : toE164(numberText.trim(), defaultCountry);
  if (number === undefined) errors[F.routeNumber] = 'Pick a Hoiio number.';
  else if (!number.ok) errors[F.routeNumber] = number.problem;
  const channelId = v(F.routeChannel)?.selected_conversation ?? '';
  if (!/^[CG][A-Z0-9]+$/.test(channelId)) errors[F.routeChannel] = 'Pick a channel (not a DM).';
  const timeout = Number(v(F.routeRingTimeout)?.value ?? '30');
  if (!Number.isInteger(timeout) || timeout < 5 || timeout > 120) {
    errors[F.routeRingTimeout] = 'Use whole seconds from 5 to 120.';
  }
  const menu = parseMenuText(richTextToPlain(v(F.routeMenu)?.rich_text_value));
  if (!menu.ok) errors[F.routeMenu] = menu.problem;
  if (Object.keys(errors).length > 0 || number === undefined || !number.ok || !menu.ok) return { ok: false, errors };
  const clean = (s: string | null | undefined) => (s ?? '').trim() || null;
  return {
    ok: true,
    form: {
      number: number.e164,
      channelId,
      label: clean(v(F.routeLabel)?.value),
      greeting: clean(v(F.routeGreeting)?.value),
      ringUserIds: [...new Set(v(F.routeRingUsers)?.selected_users ?? [])],
      ringTimeout: timeout,
      voicemail: (v(F.routeVoicemail)?.selected_options ?? []).some((o) => o.value === 'on'),
      menu: menu.menu,
    },
  };
}
