/**
 * The Hoiio API at `<root>/open/<group>/<action>`: GET or POST, query and form merged (multipart
 * for files), credentials checked first, then the per-API rate limit, then the endpoint. Every
 * answer is a JSON object with a `status`; API errors are HTTP 200, as on Hoiio.
 */
import { timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { SandboxContext } from './context.js';
import type { EndpointSpec } from './endpoint.js';
import { MalformedParamsError, parseParams, readBody, sendJson } from './http-io.js';
import { HoiioStatusError, Params } from './validation.js';

/** Requests per minute per application on each query API. */
export const QUERY_RATE_LIMIT = 60;
const WINDOW_MS = 60_000;

/** Sliding one-minute windows, one per API. */
export class RateLimiter {
  readonly #hits = new Map<string, number[]>();

  constructor(private readonly now: () => Date) {}

  /** Counts a request; false when the API is over its limit (the request is then not counted). */
  allow(api: string): boolean {
    const t = this.now().getTime();
    const hits = (this.#hits.get(api) ?? []).filter((h) => h > t - WINDOW_MS);
    const ok = hits.length < QUERY_RATE_LIMIT;
    if (ok) hits.push(t);
    this.#hits.set(api, hits);
    return ok;
  }

  clear(): void {
    this.#hits.clear();
  }
}

function same(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/** The status for a request's credentials, or undefined when they are right. */
function credentialProblem(ctx: SandboxContext, p: Params, spec: EndpointSpec): string | undefined {
  const appId = p.get('app_id');
  if (appId === undefined) return 'error_app_id_param_missing';
  const token = p.get('access_token');
  if (token === undefined && !spec.noAccessToken) return 'error_access_token_param_missing';
  if (!same(appId, ctx.state.account.appId)) return 'error_invalid_app_id';
  if (!spec.noAccessToken && !same(token ?? '', ctx.state.account.accessToken)) return 'error_invalid_access_token';
  return undefined;
}

/** Handles one request to `open/<api>`; answers the HTTP status sent. */
export async function handleOpenApi(
  ctx: SandboxContext,
  endpoints: Map<string, EndpointSpec>,
  limiter: RateLimiter,
  api: string,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<number> {
  const answer = (status: number, body: Record<string, unknown>): number => {
    sendJson(res, status, body);
    return status;
  };
  const body = await readBody(req);
  if (req.method !== 'GET' && req.method !== 'POST') return answer(200, { status: 'error_invalid_http_method' });
  if (body === undefined) {
    return answer(200, { status: api === 'fax/send' ? 'error_file_too_big' : 'error_malformed_params' });
  }
  let params: Params;
  try {
    const parsed = await parseParams(req, body);
    params = new Params(parsed.values, parsed.files);
  } catch (error) {
    if (error instanceof MalformedParamsError) return answer(200, { status: 'error_malformed_params' });
    throw error;
  }
  const spec = endpoints.get(api);
  if (!spec) return answer(404, { status: 'error_invalid_api', message: `No such Hoiio API: ${api.slice(0, 80)}` });
  const problem = credentialProblem(ctx, params, spec);
  if (problem) return answer(200, { status: problem });
  if (spec.query && !limiter.allow(api)) return answer(200, { status: 'error_rate_limit_exceeded' });
  try {
    const result = await spec.handler(ctx, params);
    return answer(200, { ...result, status: 'success_ok' });
  } catch (error) {
    if (error instanceof HoiioStatusError) return answer(200, { status: error.status });
    ctx.logger.error({ err: error, api }, 'sandbox: endpoint failed');
    return answer(500, { status: 'error_internal_server_error' });
  }
}
