import type { types } from '@slack/bolt';
import { INBOUND_EVENT_KINDS } from '../../../db/tables/inbound-events.js';
import { slackDate } from '../../cards/card-parts.js';
import type { BotDeps } from '../../deps.js';
import type { SubcommandHandler } from '../../hoiio-command.js';
import type { AdminCheck } from './admin-check.js';
import type { Message } from './blocks.js';
import { runStatusChecks, type StatusReport } from './status-checks.js';

const MARK = { true: ':white_check_mark:', false: ':x:', unknown: ':grey_question:' } as const;

/** The self-check as a message. */
export function statusMessage(report: StatusReport, { admin }: { admin: boolean }): Message {
  const checks = report.checks.map((c) => `${MARK[String(c.ok) as keyof typeof MARK]} *${c.name}*: ${c.detail}`);
  const events = INBOUND_EVENT_KINDS.map((kind) => {
    const at = report.lastEvents[kind];
    return `• ${kind}: ${at ? slackDate(at) : 'never'}`;
  });
  const queues =
    report.queues.length === 0
      ? ['• all queues empty']
      : report.queues.map((q) => `• ${q.queue}: ${q.waiting} waiting${q.dead > 0 ? `, *${q.dead} dead*` : ''}`);
  const urls = report.webhookUrls.map((w) => `• ${w.kind}: \`${w.url}\``);
  const blocks: types.KnownBlock[] = [
    { type: 'section', text: { type: 'mrkdwn', text: `*Hoiio for Slack: self-check*\n${checks.join('\n')}` } },
    { type: 'section', text: { type: 'mrkdwn', text: `*Last notification from Hoiio*\n${events.join('\n')}` } },
    { type: 'section', text: { type: 'mrkdwn', text: `*Queues*\n${queues.join('\n')}` } },
    {
      type: 'section',
      text: {
        type: 'mrkdwn',
        text: `*Webhook URLs*${admin ? '' : ' (token hidden; admins see the full URLs)'}\n${urls.join('\n')}`,
      },
    },
  ];
  const failing = report.checks.filter((c) => c.ok === false).map((c) => c.name);
  const text = failing.length === 0 ? 'Self-check: all good' : `Self-check: problems with ${failing.join(', ')}`;
  return { text, blocks };
}

/** `/hoiio status`: anyone may run it; admins see the full webhook URLs. */
export function handleStatusCommand(deps: BotDeps, admins: AdminCheck): SubcommandHandler {
  return async ({ ack, command, respond }) => {
    await ack({ response_type: 'ephemeral', text: 'Checking Hoiio, the webhooks, the database and Slack…' });
    const admin = await admins.isAdmin(command.user_id);
    const report = await runStatusChecks(deps, { admin });
    await respond({ response_type: 'ephemeral', ...statusMessage(report, { admin }) });
  };
}
