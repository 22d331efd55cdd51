/**
 * Starting a click-to-call from any surface (command, Call back button, shortcut, modal): the user's saved phone
 * (user_profiles) as leg 1 — or, when there is none, the job looks in their Slack profile, and failing that the
 * card asks for it — then the transaction, job and card sync in one db transaction, and a wake-up of the worker.
 */
import { findUserProfile } from '../../../db/repositories/user-profiles.js';
import { formatPhoneNumber } from '../../../hoiio/index.js';
import type { BotDeps } from '../../deps.js';
import { SpendCapRefusedError } from '../admin/spend-cap.js';
import { callQueuedText } from './blocks.js';
import { createOutboundCall, type OutboundCallInput, type OutboundCallResult } from './outbound-call.js';

export type PlaceCallDeps = Pick<BotDeps, 'db' | 'jobWake'>;

/** Places the call (durably; the job does the rest). `ownPhone` is looked up here. */
export async function placeCall(
  deps: PlaceCallDeps,
  input: Omit<OutboundCallInput, 'ownPhone'>,
): Promise<{ result: OutboundCallResult; ownPhone: string | undefined }> {
  const ownPhone = (await findUserProfile(deps.db, input.user))?.phone ?? undefined;
  const result = await deps.db.transaction().execute((trx) => createOutboundCall(trx, { ...input, ownPhone }));
  if (result.kind === 'created') deps.jobWake.wake();
  return { result, ownPhone };
}

export type PlacedCall = Awaited<ReturnType<typeof placeCall>>;

/**
 * {@link placeCall}, with a refusal by the monthly spend cap returned as what to tell the user (nothing was
 * written) instead of thrown.
 */
export async function placeCallOrRefuse(
  deps: PlaceCallDeps,
  input: Omit<OutboundCallInput, 'ownPhone'>,
): Promise<{ readonly placed: PlacedCall } | { readonly refused: string }> {
  try {
    return { placed: await placeCall(deps, input) };
  } catch (error) {
    if (!(error instanceof SpendCapRefusedError)) throw error;
    return { refused: `:no_entry: ${error.message}` };
  }
}

/** What to tell the user (ephemeral) about a call just requested. */
export function placeCallText(to: string, { result, ownPhone }: Awaited<ReturnType<typeof placeCall>>): string {
  switch (result.kind) {
    case 'created':
      return callQueuedText(to, ownPhone);
    case 'duplicate':
      return `:ok_hand: Already on it: calling ${formatPhoneNumber(to)}.`;
    case 'live':
      return `:telephone_receiver: You are already calling ${formatPhoneNumber(to)} (see its card). Pick up your phone, or wait for that call to end before calling again.`;
    case 'own_number':
      return `${formatPhoneNumber(to)} is your own phone: Hoiio rings your phone first and then the number, so they must differ.`;
  }
}
