import { insertAuditLog } from '../../../db/repositories/audit-log.js';
import { deleteContact, listContacts, upsertContact } from '../../../db/repositories/contacts.js';
import { formatPhoneNumber } from '../../../hoiio/index.js';
import type { BotDeps } from '../../deps.js';
import type { SubcommandHandler } from '../../hoiio-command.js';
import { escapeMrkdwn } from '../../slack-text.js';
import { parseContactArgs } from './admin-args.js';
import { contactListMessage } from './blocks.js';

/** `/hoiio contact add <number> <name>` · `list` · `remove <number>`: names shown wherever the number appears. */
export function handleContactCommand(deps: Pick<BotDeps, 'db' | 'config'>): SubcommandHandler {
  return async ({ args, command, ack }) => {
    const parsed = parseContactArgs(args, deps.config.defaultCountry);
    if (parsed.op === 'invalid') {
      await ack({ response_type: 'ephemeral', text: parsed.problem });
      return;
    }
    if (parsed.op === 'list') {
      await ack({ response_type: 'ephemeral', ...contactListMessage(await listContacts(deps.db, { limit: 100 })) });
      return;
    }
    const user = command.user_id;
    if (parsed.op === 'remove') {
      const removed = await deps.db.transaction().execute(async (trx) => {
        const ok = await deleteContact(trx, parsed.number);
        if (ok) await insertAuditLog(trx, { actorUserId: user, action: 'contact.remove', subject: parsed.number });
        return ok;
      });
      await ack({
        response_type: 'ephemeral',
        text: removed
          ? `Contact ${formatPhoneNumber(parsed.number)} removed.`
          : `There is no contact for ${formatPhoneNumber(parsed.number)}.`,
      });
      return;
    }
    await deps.db.transaction().execute(async (trx) => {
      await upsertContact(trx, { number: parsed.number, name: parsed.name, created_by: user });
      await insertAuditLog(trx, {
        actorUserId: user,
        action: 'contact.save',
        subject: parsed.number,
        details: { name: parsed.name },
      });
    });
    await ack({
      response_type: 'ephemeral',
      text: `Saved: ${formatPhoneNumber(parsed.number)} is now shown as *${escapeMrkdwn(parsed.name)}*.`,
    });
  };
}
