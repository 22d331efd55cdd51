import { SETTING, setSetting } from '../../../db/repositories/settings.js';
import { formatMoney } from '../../../hoiio/index.js';
import { enqueueSlackMessage } from '../../cards/enqueue-card-sync.js';
import type { BotDeps } from '../../deps.js';
import type { JobHandler } from '../index.js';
import type { SpendWarningPayload } from './spend-cap.js';

/**
 * `admin.spend_warning`: DMs every admin (ADMIN_USER_IDS and the workspace's admins and owners from users.list)
 * that spend reached 80 % of the cap. The DMs go through the Slack poster, each at most once per month.
 */
export function runSpendWarning(deps: BotDeps): JobHandler {
  return async (job) => {
    const p = job.payload as SpendWarningPayload;
    const admins = new Set(deps.config.adminUserIds);
    for (const id of await workspaceAdmins(deps)) admins.add(id);
    const text =
      `:warning: Hoiio spend this month (${p.month}) has reached ${formatMoney(p.spend, p.currency)}, ` +
      `at least 80 % of the monthly cap of ${formatMoney(p.cap, p.currency)}. Sends that would pass the cap will ` +
      'be refused. Raise it with `/hoiio balance cap <amount>`.';
    await deps.db.transaction().execute(async (trx) => {
      for (const user of admins) {
        await enqueueSlackMessage(trx, { channel: user, text, dedupeKey: `spend.warning:${p.month}:${user}` });
      }
      await setSetting(trx, SETTING.spendCapWarnedMonth, p.month);
    });
    if (admins.size === 0) deps.logger.warn({ month: p.month }, 'spend cap warning: no admins found to tell');
  };
}

async function workspaceAdmins(deps: BotDeps): Promise<string[]> {
  const found: string[] = [];
  try {
    let cursor: string | undefined;
    for (let page = 0; page < 50; page += 1) {
      const res = await deps.slack.users.list({ limit: 200, ...(cursor ? { cursor } : {}) });
      for (const m of res.members ?? []) {
        if (m.id && !m.deleted && !m.is_bot && (m.is_admin || m.is_owner)) found.push(m.id);
      }
      cursor = res.response_metadata?.next_cursor || undefined;
      if (!cursor) break;
    }
  } catch (error) {
    deps.logger.warn({ err: error }, 'users.list failed: warning ADMIN_USER_IDS only');
  }
  return found;
}
