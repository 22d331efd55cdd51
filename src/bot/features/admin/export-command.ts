import { findContactNames } from '../../../db/repositories/contacts.js';
import { listTransactions } from '../../../db/repositories/transactions.js';
import type { TransactionRow } from '../../../db/tables/transactions.js';
import type { BotDeps } from '../../deps.js';
import type { SubcommandHandler } from '../../hoiio-command.js';
import { parseExportArgs } from './admin-args.js';
import type { AdminCheck } from './admin-check.js';
import { EXPORT_COLUMNS, exportRow, toCsv } from './csv.js';

/** At most this many rows in one export (a month of a busy line is far less). */
export const EXPORT_MAX_ROWS = 50_000;

/** Transactions created in the last `days` days, newest first, keyset-paged through the repository. */
export async function exportTransactions(deps: Pick<BotDeps, 'db'>, since: Date): Promise<TransactionRow[]> {
  const rows: TransactionRow[] = [];
  let before: Pick<TransactionRow, 'created_at' | 'id'> | undefined;
  while (rows.length < EXPORT_MAX_ROWS) {
    const page = await listTransactions(deps.db, { since, limit: 1000, ...(before ? { before } : {}) });
    rows.push(...page);
    const last = page.at(-1);
    if (page.length < 1000 || last === undefined) break;
    before = { created_at: last.created_at, id: last.id };
  }
  return rows.slice(0, EXPORT_MAX_ROWS);
}

/**
 * `/hoiio export [days]` (default 30): a CSV of the transaction log sent to the user in a DM from the app
 * (conversations.open + files.uploadV2). Numbers are masked (country code + last 4 digits), and names and message
 * text left out, unless the user is an admin. Cells are CSV-injection safe.
 */
export function handleExportCommand(
  deps: Pick<BotDeps, 'db' | 'clock' | 'logger'>,
  admins: AdminCheck,
): SubcommandHandler {
  return async ({ args, command, ack, respond, client }) => {
    const parsed = parseExportArgs(args);
    if (!parsed.ok) {
      await ack({ response_type: 'ephemeral', text: parsed.problem });
      return;
    }
    await ack({ response_type: 'ephemeral', text: `Preparing the export of the last ${parsed.days} day(s)…` });
    const user = command.user_id;
    const admin = await admins.isAdmin(user);
    const now = deps.clock.now();
    const rows = await exportTransactions(deps, new Date(now.getTime() - parsed.days * 86_400_000));
    const names = admin
      ? await findContactNames(
          deps.db,
          rows.flatMap((r) => (r.contact_number ? [r.contact_number] : [])),
        )
      : new Map<string, string>();
    const csv = toCsv([[...EXPORT_COLUMNS], ...rows.map((r) => exportRow(r, { mask: !admin, contactNames: names }))]);
    const filename = `hoiio-transactions-${now.toISOString().slice(0, 10)}-${parsed.days}d.csv`;
    try {
      const dm = await client.conversations.open({ users: user });
      const channel = dm.channel?.id;
      if (!channel) throw Object.assign(new Error('conversations.open returned no channel'), { code: 'no_dm_channel' });
      await client.filesUploadV2({
        channel_id: channel,
        file: Buffer.from(csv, 'utf8'),
        filename,
        title: filename,
        initial_comment:
          `Your Hoiio transaction log, last ${parsed.days} day(s): ${rows.length} row(s).` +
          (admin ? '' : ' Numbers are masked, names and message text left out (admins get the full log).'),
      });
      await respond({ response_type: 'ephemeral', text: `Sent to you in a DM: ${filename} (${rows.length} row(s)).` });
    } catch (error) {
      deps.logger.warn({ err: error }, 'export upload failed');
      await respond({
        response_type: 'ephemeral',
        text: ':warning: I could not send the CSV to your DM (Slack refused the upload). Try again in a minute.',
      });
    }
  };
}
