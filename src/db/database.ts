import type { AuditLogTable } from './tables/audit-log.js';
import type { ContactThreadTable } from './tables/contact-threads.js';
import type { ContactTable } from './tables/contacts.js';
import type { InboundEventTable } from './tables/inbound-events.js';
import type { IvrSessionTable } from './tables/ivr-sessions.js';
import type { JobTable } from './tables/jobs.js';
import type { NumberRouteTable } from './tables/number-routes.js';
import type { OptOutTable } from './tables/opt-outs.js';
import type { SettingTable } from './tables/settings.js';
import type { TransactionTable } from './tables/transactions.js';
import type { UserProfileTable } from './tables/user-profiles.js';

/**
 * The schema as kysely sees it: table name → table interface. Column names are snake_case, as in SQL.
 *
 * JavaScript types are the same on both engines (PGlite and `pg`): `numeric` → decimal string,
 * `bigint`/`int8` (ids, `count(*)`, `sum` of integers) → `number` (ours never exceed 2^53; a larger
 * value throws instead of losing precision), `timestamptz` → `Date`, `jsonb` → parsed JSON,
 * `text[]` → `string[]`, `date` → `'YYYY-MM-DD'` string. jsonb is written as JSON text (see `json()`).
 */
export interface Database {
  transactions: TransactionTable;
  jobs: JobTable;
  inbound_events: InboundEventTable;
  number_routes: NumberRouteTable;
  contacts: ContactTable;
  contact_threads: ContactThreadTable;
  user_profiles: UserProfileTable;
  opt_outs: OptOutTable;
  ivr_sessions: IvrSessionTable;
  audit_log: AuditLogTable;
  settings: SettingTable;
}
