import type { WebAPICallResult } from '@slack/web-api';
import { findContactNames } from '../../db/repositories/contacts.js';
import type { BotDeps } from '../deps.js';
import type { CardContext } from './card-registry.js';
import { type SlackGate, SlackPlatformError } from './slack-gate.js';

/** What a `slack.post` op runs with. */
export interface PosterContext {
  readonly deps: BotDeps;
  readonly gate: SlackGate;
  readonly signal: AbortSignal;
}

/** The channel cannot take our posts (private and we are not in it, archived, gone). */
export class ChannelUnavailableError extends Error {
  readonly code = 'slack_channel_unavailable';
  constructor(
    readonly channel: string,
    readonly slackError: string,
    options?: { cause?: unknown },
  ) {
    super(`Cannot post in channel ${channel}: ${slackError}`, options);
    this.name = 'ChannelUnavailableError';
  }
}

const NOT_A_MEMBER = new Set(['not_in_channel', 'channel_not_found']);
const CHANNEL_GONE = new Set(['is_archived', 'channel_is_archived', 'restricted_action', 'team_access_not_granted']);

/**
 * Runs a write to `channel` (paced by the gate). When Slack says we are not in it, joins it if it is public and
 * writes once more; a channel we cannot join (private, archived) throws `ChannelUnavailableError`.
 */
export async function writeToChannel<T = WebAPICallResult>(
  ctx: PosterContext,
  channel: string,
  method: string,
  args: Record<string, unknown>,
): Promise<T> {
  const call = () => ctx.gate.call<T>(method, args, { paceChannel: channel, signal: ctx.signal });
  try {
    return await call();
  } catch (error) {
    if (!(error instanceof SlackPlatformError)) throw error;
    if (CHANNEL_GONE.has(error.slackError))
      throw new ChannelUnavailableError(channel, error.slackError, { cause: error });
    if (!NOT_A_MEMBER.has(error.slackError) || !isChannelId(channel)) throw error;
  }
  try {
    await ctx.gate.call('conversations.join', { channel }, { signal: ctx.signal });
    ctx.deps.logger.info({ channel }, 'joined channel to post');
  } catch (error) {
    if (error instanceof SlackPlatformError) {
      throw new ChannelUnavailableError(channel, error.slackError, { cause: error });
    }
    throw error;
  }
  return call();
}

/** A public or private channel id (C…/G…), as opposed to a DM or a user id. */
export function isChannelId(id: string): boolean {
  return /^[CG][A-Z0-9]+$/.test(id);
}

/** A channel or a DM (D…): a conversation whose history can be read, as opposed to a user id. */
export function isConversationId(id: string): boolean {
  return /^[CGD][A-Z0-9]+$/.test(id);
}

/** The renderers' context: the db, deps, and contact names. */
export function cardContext(deps: BotDeps): CardContext {
  return {
    db: deps.db,
    deps,
    contactName: async (number) => (await findContactNames(deps.db, [number])).get(number),
  };
}
