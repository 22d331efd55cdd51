import { randomBytes } from 'node:crypto';
import { countJobs } from '../../../db/job-queue.js';
import { lastInboundEventTimes } from '../../../db/repositories/inbound-events.js';
import type { InboundEventKind } from '../../../db/tables/inbound-events.js';
import { formatMoney } from '../../../hoiio/index.js';
import type { BotDeps } from '../../deps.js';
import { WEBHOOK_KINDS, type WebhookKind } from '../../webhook-urls.js';
import { hoiioProblem } from './forwarding.js';

/** The bot scopes manifest.yml asks for; auth.test's `x-oauth-scopes` header says which the token has. */
export const REQUIRED_SCOPES = [
  'commands',
  'chat:write',
  'chat:write.public',
  'channels:join',
  'channels:read',
  'groups:read',
  'channels:history',
  'groups:history',
  'im:history',
  'files:read',
  'files:write',
  'users:read',
  'users.profile:read',
  'im:write',
] as const;

/** One line of the self-check. */
export interface Check {
  readonly name: string;
  readonly ok: boolean | 'unknown';
  readonly detail: string;
}

/** Everything `/hoiio status` found. */
export interface StatusReport {
  readonly checks: readonly Check[];
  readonly lastEvents: Partial<Record<InboundEventKind, Date>>;
  readonly queues: readonly { queue: string; waiting: number; dead: number }[];
  readonly webhookUrls: readonly { kind: WebhookKind; url: string }[];
}

const PROBE_TIMEOUT_MS = 3000;

/** Runs every check at once; none throws. `admin` decides whether the webhook URLs are shown in full. */
export async function runStatusChecks(deps: BotDeps, { admin }: { admin: boolean }): Promise<StatusReport> {
  const [info, balance, health, webhook, database, scopes, lastEvents, queues] = await Promise.all([
    checkHoiioCredentials(deps),
    checkBalance(deps),
    probeHealth(deps.webhookUrls.publicUrl),
    probeWebhookRoute(deps.webhookUrls.publicUrl),
    checkDatabase(deps),
    checkScopes(deps),
    lastInboundEventTimes(deps.db).catch(() => ({})),
    queueDepths(deps).catch(() => []),
  ]);
  const deadTotal = queues.reduce((sum, q) => sum + q.dead, 0);
  const jobs: Check = {
    name: 'Job queue',
    ok: deadTotal === 0,
    detail:
      deadTotal === 0
        ? `${queues.reduce((s, q) => s + q.waiting, 0)} waiting, no dead jobs`
        : `${deadTotal} dead job(s): an admin can redrive them from App Home`,
  };
  return {
    checks: [info, balance, health, webhook, database, jobs, scopes],
    lastEvents,
    queues,
    webhookUrls: WEBHOOK_KINDS.map((kind) => ({
      kind,
      url: admin ? deps.webhookUrls.url(kind) : deps.webhookUrls.masked(kind),
    })),
  };
}

async function checkHoiioCredentials(deps: BotDeps): Promise<Check> {
  const name = 'Hoiio credentials';
  try {
    const info = await deps.hoiio.account.getInfo();
    const mode = deps.config.sandboxMode ? ' (sandbox mode: nothing real is sent)' : '';
    return {
      name,
      ok: true,
      detail: `accepted: account ${info.uid}${info.userStatus ? `, ${info.userStatus}` : ''}${mode}`,
    };
  } catch (error) {
    return { name, ok: false, detail: hoiioProblem(error) };
  }
}

async function checkBalance(deps: BotDeps): Promise<Check> {
  try {
    const b = await deps.hoiio.account.getBalance();
    return { name: 'Balance', ok: true, detail: formatMoney(b.balance, b.currency) };
  } catch (error) {
    return { name: 'Balance', ok: false, detail: hoiioProblem(error) };
  }
}

async function probe(url: string): Promise<{ status: number } | { error: string }> {
  try {
    const res = await fetch(url, { redirect: 'manual', signal: AbortSignal.timeout(PROBE_TIMEOUT_MS) });
    await res.body?.cancel();
    return { status: res.status };
  } catch (error) {
    const e = error as { name?: string; cause?: { code?: string } };
    return { error: e.name === 'TimeoutError' ? 'no answer within 3 s' : (e.cause?.code ?? 'unreachable') };
  }
}

/** `GET <PUBLIC_URL>/healthz` must answer 200 (this app, database up). */
export async function probeHealth(publicUrl: string): Promise<Check> {
  const name = 'PUBLIC_URL reachable';
  const r = await probe(`${publicUrl}/healthz`);
  if ('error' in r) return { name, ok: false, detail: `${publicUrl}/healthz: ${r.error}` };
  return r.status === 200
    ? { name, ok: true, detail: `${publicUrl}/healthz answered 200 (from this server; Hoiio must reach it too)` }
    : { name, ok: false, detail: `${publicUrl}/healthz answered ${r.status}, not 200` };
}

/**
 * The webhook route behind PUBLIC_URL: a GET with a made-up token must be refused by our intake (401). A 404 means
 * PUBLIC_URL leads somewhere that does not route `/hoiio/…` to this app. The real token is never sent.
 */
export async function probeWebhookRoute(publicUrl: string): Promise<Check> {
  const name = 'Webhook route';
  const r = await probe(`${publicUrl}/hoiio/probe-${randomBytes(12).toString('base64url')}/status`);
  if ('error' in r) return { name, ok: false, detail: r.error };
  if (r.status === 401 || r.status === 405) {
    return { name, ok: true, detail: `/hoiio/… answers through PUBLIC_URL (a wrong token got ${r.status})` };
  }
  return {
    name,
    ok: false,
    detail:
      r.status === 404
        ? '/hoiio/… is not routed to this app through PUBLIC_URL (404): check the proxy or PUBLIC_URL'
        : `/hoiio/… answered ${r.status} to a wrong token, expected 401`,
  };
}

async function checkDatabase(deps: BotDeps): Promise<Check> {
  try {
    await deps.database.ping();
    return {
      name: 'Database',
      ok: true,
      detail: `${deps.database.engine === 'postgres' ? 'PostgreSQL' : 'embedded PGlite'} answers`,
    };
  } catch {
    return { name: 'Database', ok: false, detail: 'does not answer' };
  }
}

async function checkScopes(deps: BotDeps): Promise<Check> {
  const name = 'Slack scopes';
  try {
    const res = await deps.slack.auth.test();
    const granted = res.response_metadata?.scopes;
    if (!granted || granted.length === 0) {
      return { name, ok: 'unknown', detail: 'token accepted; Slack did not list its scopes' };
    }
    const missing = REQUIRED_SCOPES.filter((s) => !granted.includes(s));
    return missing.length === 0
      ? { name, ok: true, detail: 'token accepted, every scope granted' }
      : { name, ok: false, detail: `missing: ${missing.join(', ')} (reinstall the app from manifest.yml)` };
  } catch (error) {
    const code = (error as { data?: { error?: string } }).data?.error ?? 'Slack did not answer';
    return { name, ok: false, detail: `auth.test failed: ${code}` };
  }
}

async function queueDepths(deps: BotDeps): Promise<{ queue: string; waiting: number; dead: number }[]> {
  const counts = await countJobs(deps.db);
  const byQueue = new Map<string, { waiting: number; dead: number }>();
  for (const c of counts) {
    const q = byQueue.get(c.queue) ?? { waiting: 0, dead: 0 };
    if (c.state === 'pending' || c.state === 'running') q.waiting += Number(c.count);
    if (c.state === 'dead') q.dead += Number(c.count);
    byQueue.set(c.queue, q);
  }
  return [...byQueue].filter(([, q]) => q.waiting > 0 || q.dead > 0).map(([queue, q]) => ({ queue, ...q }));
}
