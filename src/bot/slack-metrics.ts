import type { WebClient } from '@slack/web-api';
import type { Metrics } from './routes/metrics.js';

const INSTRUMENTED = Symbol('hoiio-slack.metrics');
type Marked = WebClient & { [INSTRUMENTED]?: true };

/**
 * Counts every Web API call `client` makes in `hoiio_slack_slack_api_calls_total{method,outcome}`. Wraps the
 * client's `apiCall`, through which every method (and `files.uploadV2`'s steps) goes. Idempotent, so Bolt's
 * per-request clients can be passed on every request.
 */
export function instrumentSlackClient(client: WebClient, metrics: Metrics): void {
  const marked = client as Marked;
  if (marked[INSTRUMENTED]) return;
  marked[INSTRUMENTED] = true;
  const original = client.apiCall.bind(client);
  client.apiCall = async (method, options) => {
    try {
      const result = await original(method, options);
      metrics.slackCalls.inc({ method, outcome: 'ok' });
      return result;
    } catch (error) {
      metrics.slackCalls.inc({ method, outcome: slackCallOutcome(error) });
      throw error;
    }
  };
}

/** A failed Web API call as a metric label: `rate_limited`, the Slack error code, `http_<status>`, `network`. */
export function slackCallOutcome(error: unknown): string {
  const e = error as { code?: unknown; statusCode?: unknown; data?: { error?: unknown } };
  if (e.code === 'slack_webapi_rate_limited_error') return 'rate_limited';
  if (e.code === 'slack_webapi_platform_error' && typeof e.data?.error === 'string') return e.data.error.slice(0, 40);
  if (e.code === 'slack_webapi_http_error' && typeof e.statusCode === 'number') return `http_${e.statusCode}`;
  if (e.code === 'slack_webapi_request_error') return 'network';
  return 'error';
}
