import { isOptedOut } from '../../../db/repositories/opt-outs.js';
import type { BotDeps } from '../../deps.js';
import type { SubcommandHandler } from '../../hoiio-command.js';
import { SpendCapRefusedError } from '../admin/spend-cap.js';
import { smsAlreadyQueuedMessage, smsOptedOutMessage, smsQueuedMessage, smsUsageMessage } from './blocks.js';
import { createOutboundSms, smsTag } from './outbound-sms.js';
import { parseSmsArgs } from './parse-sms-args.js';
import { openSmsModal, refreshSmsModal, type SmsModalDeps } from './sms-modal-flow.js';

/**
 * `/hoiio sms <number> <text>` sends at once: the transaction and its jobs are committed (tag `hs-c-<trigger_id>`,
 * so a replayed request sends nothing new) before the ephemeral ack. `/hoiio sms [number]` opens the modal.
 */
export function handleSmsCommand(
  deps: Pick<BotDeps, 'db' | 'config' | 'logger' | 'jobWake'>,
  modal: SmsModalDeps,
): SubcommandHandler {
  return async ({ args, command, ack, client }) => {
    const parsed = parseSmsArgs(args, deps.config.defaultCountry);
    if (parsed.kind === 'invalid') {
      await ack({ response_type: 'ephemeral', text: smsUsageMessage(parsed.problem) });
      return;
    }
    if (parsed.kind === 'modal') {
      const meta = { channel: command.channel_id };
      let viewId: string | undefined;
      try {
        viewId = await openSmsModal(client, command.trigger_id, { meta, to: parsed.to });
      } catch (error) {
        deps.logger.warn({ err: error }, 'could not open the SMS modal');
        await ack({
          response_type: 'ephemeral',
          text: ':warning: Slack did not let me open the form. Try `/hoiio sms` again, or send inline: `/hoiio sms <number> <message>`.',
        });
        return;
      }
      await ack();
      if (viewId !== undefined && parsed.to !== undefined) {
        await refreshSmsModal(modal, client, viewId, { meta, to: parsed.to, text: '' });
      }
      return;
    }
    if (await isOptedOut(deps.db, parsed.to)) {
      await ack({ response_type: 'ephemeral', text: smsOptedOutMessage(parsed.to) });
      return;
    }
    const rate = await modal.rates.peek(parsed.to);
    let txn: Awaited<ReturnType<typeof createOutboundSms>>;
    try {
      txn = await deps.db.transaction().execute((trx) =>
        createOutboundSms(trx, {
          to: parsed.to,
          text: parsed.text,
          tag: smsTag('command', command.trigger_id),
          user: command.user_id,
          channel: command.channel_id,
          team: command.team_id,
          rate,
        }),
      );
    } catch (error) {
      if (!(error instanceof SpendCapRefusedError)) throw error;
      await ack({ response_type: 'ephemeral', text: `:no_entry: ${error.message}` });
      return;
    }
    if (txn !== null) deps.jobWake.wake();
    await ack({
      response_type: 'ephemeral',
      text: txn === null ? smsAlreadyQueuedMessage() : smsQueuedMessage(parsed.to),
    });
  };
}
