import { type Kysely, sql } from 'kysely';
import type { Database } from '../../../db/database.js';
import { listDeadJobs } from '../../../db/job-queue.js';
import { findContactNames } from '../../../db/repositories/contacts.js';
import { listInboundEvents } from '../../../db/repositories/inbound-events.js';
import { listNumberRoutes } from '../../../db/repositories/number-routes.js';
import { listTransactions } from '../../../db/repositories/transactions.js';
import { findUserProfile } from '../../../db/repositories/user-profiles.js';
import type { TransactionRow } from '../../../db/tables/transactions.js';
import type { BotDeps } from '../../deps.js';
import { fetchBalance } from '../admin/balance-command.js';
import { getSpendCap, spendThisMonth } from '../admin/spend-cap.js';
import { spendMonthLabel } from '../admin/spend-month.js';
import { getUndoWindowSeconds } from '../admin/undo-window.js';
import type { HomeInput } from './blocks.js';

/** Incoming calls that ended missed or in voicemail and nobody marked handled (`meta.handled_by`), newest first. */
export async function listUnhandledCalls(db: Kysely<Database>, limit = 10): Promise<TransactionRow[]> {
  return db
    .selectFrom('transactions')
    .selectAll()
    .where('kind', '=', 'ivr')
    .where('direction', '=', 'in')
    .where('status', 'in', ['missed', 'voicemail'])
    .where(sql<boolean>`meta->>'handled_by' is null`)
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .limit(limit)
    .execute();
}

/** Everything App Home shows `userId`. */
export async function loadHome(
  deps: Pick<BotDeps, 'db' | 'hoiio' | 'clock'>,
  { userId, admin, dmChannel }: { userId: string; admin: boolean; dmChannel: string | undefined },
): Promise<HomeInput> {
  const now = deps.clock.now();
  const [balance, spent, cap, undoSeconds, profile, routes, recent, unhandled, events, deadJobs] = await Promise.all([
    fetchBalance(deps.hoiio),
    spendThisMonth(deps.db, now),
    getSpendCap(deps.db),
    getUndoWindowSeconds(deps.db),
    findUserProfile(deps.db, userId),
    listNumberRoutes(deps.db),
    listTransactions(deps.db, { userId, limit: 5 }),
    listUnhandledCalls(deps.db),
    listInboundEvents(deps.db, { states: ['unrouted', 'unverified'], limit: 10 }),
    admin ? listDeadJobs(deps.db, { limit: 20 }) : Promise.resolve([]),
  ]);
  const numbers = [...recent, ...unhandled].flatMap((t) => (t.contact_number ? [t.contact_number] : []));
  return {
    userId,
    admin,
    dmChannel,
    balance,
    spent,
    month: spendMonthLabel(now),
    cap,
    undoSeconds,
    phone: profile?.phone ?? undefined,
    phoneVerified: profile?.phone != null && profile.phone_verified_at !== null,
    routes,
    recent,
    unhandled,
    events,
    deadJobs,
    names: await findContactNames(deps.db, numbers),
  };
}
