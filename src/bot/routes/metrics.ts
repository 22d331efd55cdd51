import type { IncomingMessage, ServerResponse } from 'node:http';
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';
import type { JobCount } from '../../db/job-queue.js';
import type { HoiioAttempt } from '../../hoiio/index.js';

/** The app's Prometheus metrics, on a registry of their own (one per app instance, never the global one). */
export interface Metrics {
  readonly registry: Registry;
  /** Every HTTP request by route label (never the raw path: it may hold the webhook token), method and status. */
  readonly httpRequests: Counter<'route' | 'method' | 'status'>;
  /** Time from request start to the response, e.g. the ack latency of `/slack/events`. */
  readonly httpDuration: Histogram<'route'>;
  /** Time from a Slack request's arrival to its ack (the HTTP response), by kind (slash_command, view_submission…). */
  readonly slackAck: Histogram<'kind'>;
  readonly jobsProcessed: Counter<'queue' | 'outcome'>;
  readonly jobDuration: Histogram<'queue'>;
  /** Slack Web API calls by method and outcome (`ok`, a Slack error code, `rate_limited`, `http_503`, `network`). */
  readonly slackCalls: Counter<'method' | 'outcome'>;
  readonly hoiioCalls: Counter<'endpoint' | 'outcome'>;
  readonly hoiioDuration: Histogram<'endpoint'>;
}

export function createMetrics({ defaultMetrics = true }: { defaultMetrics?: boolean } = {}): Metrics {
  const registry = new Registry();
  if (defaultMetrics) collectDefaultMetrics({ register: registry, prefix: 'hoiio_slack_' });
  const registers = [registry];
  return {
    registry,
    httpRequests: new Counter({
      name: 'hoiio_slack_http_requests_total',
      help: 'HTTP requests by route, method and status',
      labelNames: ['route', 'method', 'status'],
      registers,
    }),
    httpDuration: new Histogram({
      name: 'hoiio_slack_http_request_duration_seconds',
      help: 'Time to the HTTP response (for /slack/events: the ack latency)',
      labelNames: ['route'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers,
    }),
    slackAck: new Histogram({
      name: 'hoiio_slack_slack_ack_seconds',
      help: 'Slack request ack latency (arrival to HTTP response) by request kind',
      labelNames: ['kind'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
      registers,
    }),
    jobsProcessed: new Counter({
      name: 'hoiio_slack_jobs_total',
      help: 'Jobs run by queue and outcome (done, retry, dead)',
      labelNames: ['queue', 'outcome'],
      registers,
    }),
    jobDuration: new Histogram({
      name: 'hoiio_slack_job_duration_seconds',
      help: 'Job run time by queue',
      labelNames: ['queue'],
      registers,
    }),
    slackCalls: new Counter({
      name: 'hoiio_slack_slack_api_calls_total',
      help: 'Slack Web API calls by method and outcome',
      labelNames: ['method', 'outcome'],
      registers,
    }),
    hoiioCalls: new Counter({
      name: 'hoiio_slack_hoiio_api_calls_total',
      help: 'Hoiio API calls by endpoint and outcome',
      labelNames: ['endpoint', 'outcome'],
      registers,
    }),
    hoiioDuration: new Histogram({
      name: 'hoiio_slack_hoiio_api_duration_seconds',
      help: 'Hoiio API call latency by endpoint',
      labelNames: ['endpoint'],
      registers,
    }),
  };
}

/** `GET /metrics`: the registry in Prometheus text format. */
export function metricsRoute(metrics: Metrics) {
  return async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { allow: 'GET, HEAD' }).end();
      return;
    }
    const body = await metrics.registry.metrics();
    res.writeHead(200, { 'content-type': metrics.registry.contentType, 'cache-control': 'no-store' });
    res.end(req.method === 'HEAD' ? undefined : body);
  };
}

/** Records each Hoiio API attempt (HoiioClient `onAttempt`): by endpoint and outcome (`success`, an error code). */
export function hoiioAttemptRecorder(metrics: Metrics): (attempt: HoiioAttempt) => void {
  return ({ endpoint, durationMs, status, errorCode }) => {
    metrics.hoiioCalls.inc({ endpoint, outcome: errorCode ?? status ?? 'no_status' });
    metrics.hoiioDuration.observe({ endpoint }, durationMs / 1000);
  };
}

const JOBS_GAUGE = 'hoiio_slack_jobs';

/**
 * `hoiio_slack_jobs{queue,state}`: jobs in the queue table by queue and state, counted when /metrics is scraped
 * (all instances share the table, so every instance reports the same figures). A failed count leaves it empty.
 */
export function registerJobsGauge(metrics: Metrics, count: () => Promise<JobCount[]>): void {
  if (metrics.registry.getSingleMetric(JOBS_GAUGE) !== undefined) return;
  new Gauge({
    name: JOBS_GAUGE,
    help: 'Jobs by queue and state (pending, running, done, dead), counted at scrape time',
    labelNames: ['queue', 'state'],
    registers: [metrics.registry],
    async collect() {
      this.reset();
      let counts: JobCount[];
      try {
        counts = await count();
      } catch {
        return; // the database is down: /healthz says so; the scrape still answers
      }
      for (const { queue, state, count: n } of counts) this.set({ queue, state }, Number(n));
    },
  });
}
