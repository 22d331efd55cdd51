import { formatMoney, type HoiioClient } from '../../../hoiio/index.js';
import type { BotDeps } from '../../deps.js';
import type { SubcommandHandler } from '../../hoiio-command.js';
import { parseBalanceArgs } from './admin-args.js';
import { type AdminCheck, notAdminText } from './admin-check.js';
import { balanceMessage, type Message } from './blocks.js';
import { hoiioProblem } from './forwarding.js';
import { getSpendCap, setSpendCap, spendThisMonth } from './spend-cap.js';
import { spendMonthLabel } from './spend-month.js';
import { getUndoWindowSeconds, setUndoWindowSeconds } from './undo-window.js';

type BalanceDeps = Pick<BotDeps, 'db' | 'hoiio' | 'clock' | 'logger'>;

/** Balance (Hoiio), spend this month (our log), cap and undo window, as `/hoiio balance` shows them. */
export async function balanceView(deps: BalanceDeps): Promise<Message> {
  const now = deps.clock.now();
  const [balance, spent, cap, undoSeconds] = await Promise.all([
    fetchBalance(deps.hoiio),
    spendThisMonth(deps.db, now),
    getSpendCap(deps.db),
    getUndoWindowSeconds(deps.db),
  ]);
  return balanceMessage({
    ...('problem' in balance ? { balanceProblem: balance.problem } : { balance }),
    spent,
    month: spendMonthLabel(now),
    cap,
    undoSeconds,
  });
}

/** The Hoiio balance, or why it could not be read. */
export async function fetchBalance(
  hoiio: HoiioClient,
): Promise<{ amount: string; currency: string } | { problem: string }> {
  try {
    const b = await hoiio.account.getBalance();
    return { amount: b.balance, currency: b.currency };
  } catch (error) {
    return { problem: hoiioProblem(error) };
  }
}

/** `/hoiio balance` for everyone; `cap <amount|off>` and `undo <seconds|off>` for admins. */
export function handleBalanceCommand(deps: BalanceDeps, admins: AdminCheck): SubcommandHandler {
  return async ({ args, command, ack, respond }) => {
    const parsed = parseBalanceArgs(args);
    if (parsed.op === 'invalid') {
      await ack({ response_type: 'ephemeral', text: parsed.problem });
      return;
    }
    await ack();
    if (parsed.op === 'show') {
      await respond({ response_type: 'ephemeral', ...(await balanceView(deps)) });
      return;
    }
    const user = command.user_id;
    if (!(await admins.isAdmin(user))) {
      await respond({ response_type: 'ephemeral', text: notAdminText('change the spend cap or the undo window') });
      return;
    }
    if (parsed.op === 'undo') {
      await deps.db.transaction().execute((trx) => setUndoWindowSeconds(trx, parsed.seconds, user));
      await respond({
        response_type: 'ephemeral',
        text:
          parsed.seconds > 0
            ? `Undo window set: new sends wait ${parsed.seconds}s on their card with a Cancel button before they go.`
            : 'Undo window off: sends go at once.',
      });
      return;
    }
    if (parsed.amount === null) {
      await deps.db.transaction().execute((trx) => setSpendCap(trx, null, user));
      await respond({ response_type: 'ephemeral', text: 'Monthly spend cap removed.' });
      return;
    }
    const balance = await fetchBalance(deps.hoiio);
    const currency = 'currency' in balance ? balance.currency : (await getSpendCap(deps.db))?.currency;
    if (currency === undefined) {
      await respond({
        response_type: 'ephemeral',
        text: `I need the account's currency from Hoiio to set a cap, but ${'problem' in balance ? balance.problem : 'Hoiio did not answer'}. Try again later.`,
      });
      return;
    }
    const amount = parsed.amount;
    await deps.db.transaction().execute((trx) => setSpendCap(trx, { amount, currency }, user));
    await respond({
      response_type: 'ephemeral',
      text:
        `Monthly spend cap set to ${formatMoney(amount, currency)}. Sends that would pass it are refused; ` +
        'admins get a DM at 80 %.',
    });
  };
}
