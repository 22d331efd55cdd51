import type { IncomingMessage, ServerResponse } from 'node:http';
import { Counter, type Registry } from 'prom-client';
import { enqueueJob } from '../../db/job-queue.js';
import type { JsonObject } from '../../db/json.js';
import { insertInboundEvent } from '../../db/repositories/inbound-events.js';
import {
  HOIIO_SIGNATURE_HEADER,
  type HoiioNotification,
  HoiioNotificationError,
  mergeParams,
  parseNotification,
  verifyHoiioSignature,
} from '../../hoiio/index.js';
import type { BotDeps } from '../deps.js';
import { readBody, WEBHOOK_BODY_LIMIT } from '../http-server.js';
import { QUEUE } from '../ids.js';
import { notificationDedupeKey, rejectedDedupeKey } from '../inbound/dedupe-key.js';
import { isWebhookKind, type WebhookKind } from '../webhook-urls.js';

/** The payload of an `inbound.relay` job. */
export interface InboundRelayJob {
  readonly eventId: number;
}

type Outcome = 'stored' | 'duplicate' | 'rejected' | 'unauthorized' | 'bad_signature' | 'too_large' | 'not_found';

/**
 * `GET|POST /hoiio/<token>/{sms,voice,fax,status}`: Hoiio's notifications. Wrong token → 401 (constant time);
 * body over 64 KiB → 413; a bad `X-Hoiio-Signature` (when present) → 401; parsed, stored in `inbound_events` with
 * its `inbound.relay` job in one db transaction, then 200 (a duplicate: 200, nothing new). A payload that can
 * never be processed → 400 with the reason, kept as `rejected`. The worker is woken after the commit.
 */
export function hoiioWebhookRoute(deps: BotDeps) {
  const counter = webhookCounter(deps.metrics.registry);
  const log = deps.logger.child({ component: 'hoiio-webhooks' });
  const signingKey = deps.config.hoiio.mode === 'live' ? deps.config.hoiio.accessToken : 'sandbox';

  return async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const [, root, token, kindText, ...rest] = url.pathname.split('/');
    const kind: WebhookKind | undefined = kindText !== undefined && isWebhookKind(kindText) ? kindText : undefined;
    const count = (outcome: Outcome) => counter.inc({ kind: kind ?? 'unknown', outcome });
    if (root !== 'hoiio' || token === undefined || !deps.webhookUrls.accepts(decodeSegment(token))) {
      count('unauthorized');
      return answer(req, res, 401, { ok: false, error: 'unauthorized' });
    }
    if (kind === undefined || rest.length > 0) {
      count('not_found');
      return answer(req, res, 404, { ok: false, error: 'not found' });
    }
    if (req.method !== 'GET' && req.method !== 'POST') {
      return answer(req, res, 405, { ok: false, error: 'method not allowed' }, { allow: 'GET, POST' });
    }
    const body = await readBody(req, res, WEBHOOK_BODY_LIMIT);
    if (body === undefined) {
      count('too_large');
      return;
    }
    const signature = req.headers[HOIIO_SIGNATURE_HEADER];
    if (signature !== undefined && !verifyHoiioSignature(body, String(signature), signingKey)) {
      count('bad_signature');
      log.warn({ kind }, 'webhook with a bad X-Hoiio-Signature refused');
      return answer(req, res, 401, { ok: false, error: 'bad signature' });
    }
    const params = mergeParams(url.searchParams, new URLSearchParams(body.toString('utf8')));
    let notification: HoiioNotification;
    try {
      notification = parseNotification(params, kind);
    } catch (error) {
      if (!(error instanceof HoiioNotificationError)) throw error;
      await insertInboundEvent(deps.db, {
        kind,
        dedupeKey: rejectedDedupeKey(kind, params),
        params: params as JsonObject,
        txnRef: typeof params['txn_ref'] === 'string' ? params['txn_ref'].slice(0, 100) : null,
        state: 'rejected',
        error: error.reason,
      });
      count('rejected');
      log.warn({ kind, reason: error.reason }, 'webhook rejected');
      return answer(req, res, 400, { ok: false, error: error.reason });
    }
    const stored = await deps.db.transaction().execute(async (trx) => {
      const event = await insertInboundEvent(trx, {
        kind,
        dedupeKey: notificationDedupeKey(kind, notification),
        params: params as JsonObject,
        txnRef: notification.txnRef,
      });
      if (event === null) return false;
      const payload: InboundRelayJob = { eventId: event.id };
      await enqueueJob(trx, { queue: QUEUE.inboundRelay, payload: { ...payload }, dedupeKey: `inbound:${event.id}` });
      return true;
    });
    count(stored ? 'stored' : 'duplicate');
    answer(req, res, 200, { ok: true });
    if (stored) deps.jobWake.wake();
  };
}

function answer(
  req: IncomingMessage,
  res: ServerResponse,
  status: number,
  body: Record<string, unknown>,
  headers: Record<string, string> = {},
): void {
  if (res.headersSent) return;
  // An answer before the body was read (401, 404): drop the rest so the client sees the answer, and hang up after.
  const early = !req.readableEnded;
  if (early) req.resume();
  res.writeHead(status, {
    'content-type': 'application/json',
    'cache-control': 'no-store',
    ...(early ? { connection: 'close' } : {}),
    ...headers,
  });
  res.end(JSON.stringify(body));
}

function decodeSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

const COUNTER_NAME = 'hoiio_slack_webhooks_total';

function webhookCounter(registry: Registry): Counter<'kind' | 'outcome'> {
  const existing = registry.getSingleMetric(COUNTER_NAME);
  if (existing instanceof Counter) return existing as Counter<'kind' | 'outcome'>;
  return new Counter({
    name: COUNTER_NAME,
    help: 'Hoiio webhooks by kind (sms, voice, fax, status) and outcome',
    labelNames: ['kind', 'outcome'],
    registers: [registry],
  });
}
