import { type Kysely, sql } from 'kysely';

// The whole first schema. Raw DDL because the CHECK constraints read best as SQL.
// Never import from src/: a migration is frozen once shipped, whatever the code becomes.

const E164 = `'^\\+[1-9][0-9]{6,14}$'`;

const TXN_STATUSES = [
  'queued',
  'sending',
  'sent',
  'delivered',
  'failed',
  'unknown',
  'canceled',
  'received',
  'ringing',
  'ongoing',
  'answered',
  'voicemail',
  'missed',
  'unanswered',
  'busy',
  'ended',
];

const list = (values: readonly string[]): string => values.map((v) => `'${v}'`).join(', ');

const UP = [
  `CREATE TABLE transactions (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    kind text NOT NULL CHECK (kind IN ('sms', 'fax', 'call', 'ivr')),
    direction text NOT NULL CHECK (direction IN ('in', 'out')),
    status text NOT NULL CHECK (status IN (${list(TXN_STATUSES)})),
    txn_ref text UNIQUE CHECK (txn_ref <> ''),
    tag text UNIQUE CHECK (tag <> ''),
    from_number text CHECK (from_number ~ ${E164}),
    to_number text CHECK (to_number ~ ${E164}),
    contact_number text CHECK (contact_number ~ ${E164}),
    our_number text CHECK (our_number ~ ${E164}),
    sender_name text,
    error_code text,
    currency text CHECK (currency ~ '^[A-Z]{3}$'),
    rate numeric CHECK (rate >= 0),
    debit numeric CHECK (debit >= 0),
    duration integer CHECK (duration >= 0),
    pages integer CHECK (pages >= 0),
    segments integer CHECK (segments >= 1),
    text text,
    slack_team_id text,
    slack_user_id text,
    slack_channel_id text,
    slack_message_ts text,
    slack_thread_ts text,
    parent_id bigint REFERENCES transactions (id) ON DELETE SET NULL,
    provider_date timestamptz,
    raw jsonb,
    meta jsonb NOT NULL DEFAULT '{}'::jsonb CHECK (jsonb_typeof(meta) = 'object'),
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now()
  )`,
  'CREATE INDEX transactions_channel_created_idx ON transactions (slack_channel_id, created_at DESC, id DESC)',
  'CREATE INDEX transactions_contact_created_idx ON transactions (contact_number, created_at DESC, id DESC)',
  'CREATE INDEX transactions_user_created_idx ON transactions (slack_user_id, created_at DESC, id DESC)',
  'CREATE INDEX transactions_created_idx ON transactions (created_at DESC, id DESC)',
  'CREATE INDEX transactions_parent_idx ON transactions (parent_id) WHERE parent_id IS NOT NULL',
  `CREATE INDEX transactions_open_status_idx ON transactions (status, updated_at)
    WHERE status IN ('queued', 'sending', 'unknown', 'ringing', 'ongoing')`,

  `CREATE TABLE jobs (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    queue text NOT NULL CHECK (queue <> ''),
    payload jsonb NOT NULL DEFAULT '{}'::jsonb,
    dedupe_key text UNIQUE CHECK (dedupe_key <> ''),
    serial_key text CHECK (serial_key <> ''),
    state text NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'running', 'done', 'dead')),
    run_at timestamptz NOT NULL DEFAULT now(),
    attempts integer NOT NULL DEFAULT 0 CHECK (attempts >= 0),
    max_age_ms bigint NOT NULL CHECK (max_age_ms > 0),
    deadline_at timestamptz NOT NULL,
    lease_owner text,
    lease_expires_at timestamptz,
    last_error text,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    finished_at timestamptz,
    CHECK ((state = 'running') = (lease_owner IS NOT NULL AND lease_expires_at IS NOT NULL)),
    CHECK ((state IN ('done', 'dead')) = (finished_at IS NOT NULL))
  )`,
  "CREATE INDEX jobs_pending_idx ON jobs (run_at, id) WHERE state = 'pending'",
  "CREATE INDEX jobs_running_lease_idx ON jobs (lease_expires_at) WHERE state = 'running'",
  `CREATE INDEX jobs_serial_idx ON jobs (serial_key, id)
    WHERE serial_key IS NOT NULL AND state IN ('pending', 'running')`,
  "CREATE INDEX jobs_dead_idx ON jobs (finished_at DESC, id DESC) WHERE state = 'dead'",
  "CREATE INDEX jobs_done_idx ON jobs (finished_at) WHERE state = 'done'",

  `CREATE TABLE inbound_events (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    kind text NOT NULL CHECK (kind IN ('sms', 'voice', 'fax', 'status')),
    dedupe_key text NOT NULL UNIQUE CHECK (dedupe_key <> ''),
    params jsonb NOT NULL CHECK (jsonb_typeof(params) = 'object'),
    state text NOT NULL DEFAULT 'received'
      CHECK (state IN ('received', 'processed', 'rejected', 'unverified', 'unrouted', 'ignored', 'failed')),
    error text,
    txn_ref text,
    transaction_id bigint REFERENCES transactions (id) ON DELETE SET NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    processed_at timestamptz
  )`,
  'CREATE INDEX inbound_events_kind_created_idx ON inbound_events (kind, created_at DESC)',
  'CREATE INDEX inbound_events_txn_ref_idx ON inbound_events (txn_ref) WHERE txn_ref IS NOT NULL',
  `CREATE INDEX inbound_events_attention_idx ON inbound_events (created_at DESC)
    WHERE state IN ('rejected', 'unverified', 'unrouted', 'failed')`,

  `CREATE TABLE number_routes (
    number text PRIMARY KEY CHECK (number ~ ${E164}),
    channel_id text NOT NULL CHECK (channel_id <> ''),
    label text,
    greeting text,
    ring_user_ids text[] NOT NULL DEFAULT '{}',
    ring_timeout integer NOT NULL DEFAULT 30 CHECK (ring_timeout BETWEEN 5 AND 120),
    voicemail boolean NOT NULL DEFAULT true,
    voicemail_max_seconds integer NOT NULL DEFAULT 120 CHECK (voicemail_max_seconds BETWEEN 5 AND 600),
    menu jsonb CHECK (menu IS NULL OR jsonb_typeof(menu) = 'object'),
    forwarding_status text,
    created_by text,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now()
  )`,
  'CREATE INDEX number_routes_channel_idx ON number_routes (channel_id)',

  `CREATE TABLE contacts (
    number text PRIMARY KEY CHECK (number ~ ${E164}),
    name text NOT NULL CHECK (length(btrim(name)) > 0),
    note text,
    created_by text,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now()
  )`,

  `CREATE TABLE contact_threads (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    channel_id text NOT NULL CHECK (channel_id <> ''),
    number text NOT NULL CHECK (number ~ ${E164}),
    thread_ts text,
    claim_owner text,
    claim_expires_at timestamptz,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    UNIQUE (channel_id, number)
  )`,
  'CREATE INDEX contact_threads_number_idx ON contact_threads (number)',

  `CREATE TABLE user_profiles (
    user_id text PRIMARY KEY CHECK (user_id <> ''),
    phone text CHECK (phone ~ ${E164}),
    phone_verified_at timestamptz,
    prefs jsonb NOT NULL DEFAULT '{}'::jsonb CHECK (jsonb_typeof(prefs) = 'object'),
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now()
  )`,

  `CREATE TABLE opt_outs (
    number text PRIMARY KEY CHECK (number ~ ${E164}),
    at timestamptz NOT NULL DEFAULT now(),
    keyword text,
    source_txn_ref text
  )`,

  `CREATE TABLE ivr_sessions (
    session text PRIMARY KEY CHECK (session <> ''),
    txn_ref text,
    transaction_id bigint REFERENCES transactions (id) ON DELETE SET NULL,
    from_number text CHECK (from_number ~ ${E164}),
    to_number text CHECK (to_number ~ ${E164}),
    state text NOT NULL DEFAULT 'answered' CHECK (state ~ '^[a-z][a-z_]*$'),
    step integer NOT NULL DEFAULT 0 CHECK (step >= 0),
    route jsonb,
    data jsonb NOT NULL DEFAULT '{}'::jsonb CHECK (jsonb_typeof(data) = 'object'),
    card_channel_id text,
    card_ts text,
    version integer NOT NULL DEFAULT 1 CHECK (version >= 1),
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    ended_at timestamptz
  )`,
  'CREATE INDEX ivr_sessions_txn_ref_idx ON ivr_sessions (txn_ref) WHERE txn_ref IS NOT NULL',
  'CREATE INDEX ivr_sessions_live_idx ON ivr_sessions (updated_at) WHERE ended_at IS NULL',

  `CREATE TABLE audit_log (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    actor_user_id text NOT NULL CHECK (actor_user_id <> ''),
    action text NOT NULL CHECK (action <> ''),
    subject text,
    details jsonb NOT NULL DEFAULT '{}'::jsonb,
    at timestamptz NOT NULL DEFAULT now()
  )`,
  'CREATE INDEX audit_log_at_idx ON audit_log (at DESC, id DESC)',

  `CREATE TABLE settings (
    key text PRIMARY KEY CHECK (key <> ''),
    value jsonb NOT NULL,
    updated_at timestamptz NOT NULL DEFAULT now()
  )`,
];

const TABLES = [
  'settings',
  'audit_log',
  'ivr_sessions',
  'opt_outs',
  'user_profiles',
  'contact_threads',
  'contacts',
  'number_routes',
  'inbound_events',
  'jobs',
  'transactions',
];

export async function up(db: Kysely<any>): Promise<void> {
  for (const statement of UP) await sql.raw(statement).execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const table of TABLES) await sql.raw(`DROP TABLE IF EXISTS ${table}`).execute(db);
}
