/** `/hoiio call <number>`: validates the number, places the call durably, then acks with what happens next. */
import type { BotDeps } from '../../deps.js';
import type { SubcommandHandler } from '../../hoiio-command.js';
import { callUsageText } from './blocks.js';
import { parseNumberArg } from './call-args.js';
import { callTag } from './outbound-call.js';
import { placeCallOrRefuse, placeCallText } from './place-call.js';

export function handleCallCommand(deps: Pick<BotDeps, 'db' | 'config' | 'jobWake'>): SubcommandHandler {
  return async ({ args, command, ack }) => {
    const parsed = parseNumberArg(args, deps.config.defaultCountry);
    if (!parsed.ok) {
      await ack({ response_type: 'ephemeral', text: callUsageText(parsed.problem) });
      return;
    }
    const outcome = await placeCallOrRefuse(deps, {
      to: parsed.e164,
      user: command.user_id,
      team: command.team_id,
      channel: command.channel_id,
      tag: callTag('command', command.trigger_id),
      source: 'command',
    });
    const text = 'refused' in outcome ? outcome.refused : placeCallText(parsed.e164, outcome.placed);
    await ack({ response_type: 'ephemeral', text });
  };
}
