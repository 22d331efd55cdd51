import { formatPhoneNumber, toE164 } from '../../../hoiio/index.js';
import type { BotDeps } from '../../deps.js';
import type { SubcommandHandler } from '../../hoiio-command.js';
import { escapeMrkdwn, inlineCode, slackTextToPlain, truncateText } from '../../slack-text.js';
import { faxModal } from './blocks.js';

/**
 * `/hoiio fax [number]`: opens the fax modal at once (views.open is the one call allowed before ack: the trigger
 * id expires in 3 s), the number prefilled when it parses. Nothing is written until the modal is submitted.
 */
export function handleFaxCommand({ config, logger }: Pick<BotDeps, 'config' | 'logger'>): SubcommandHandler {
  return async ({ command, args, ack, client }) => {
    const typed = slackTextToPlain(args).trim();
    const parsed = typed === '' ? undefined : toE164(typed, config.defaultCountry);
    const number = parsed?.ok ? formatPhoneNumber(parsed.e164) : typed === '' ? undefined : typed;
    const hint =
      parsed !== undefined && !parsed.ok
        ? `:warning: ${inlineCode(truncateText(typed, 40))} is not a fax number I can use: ${escapeMrkdwn(parsed.problem)}`
        : undefined;
    try {
      await client.views.open({
        trigger_id: command.trigger_id,
        view: faxModal({ number, hint, metadata: { channel: command.channel_id } }),
      });
    } catch (error) {
      logger.warn({ err: error }, 'could not open the fax modal');
      await ack({
        response_type: 'ephemeral',
        text: 'Slack did not open the fax form just now. Please run `/hoiio fax` again.',
      });
      return;
    }
    await ack();
  };
}
