/**
 * The Hoiio sandbox: a faithful local Hoiio Open API with its own state, inbound call, fax and SMS
 * simulation, signed media, a JSON control API and a console page. Mount `handle()` at `basePath`
 * in any `node:http` server (its `maxHeaderSize` must allow long request lines: see
 * `SANDBOX_MAX_HEADER_SIZE`), or run it alone with `startSandboxServer()`.
 *
 * Paths under the root: `open/<group>/<action>` (the Hoiio API), `api/…` (JSON API), `media/…`
 * (signed fax PDFs and recordings) and the console page at the root itself.
 */
import { EventEmitter } from 'node:events';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { renderConsolePage } from './console-page.js';
import type { SandboxContext } from './context.js';
import { handleControlApi } from './control-api.js';
import type { EndpointSpec } from './endpoint.js';
import { sendBytes, sendJson } from './http-io.js';
import { IvrEngine } from './ivr-engine.js';
import { MediaStore } from './media-store.js';
import { Notifier } from './notifier.js';
import { ACCOUNT_ENDPOINTS } from './open-account.js';
import { handleOpenApi, RateLimiter } from './open-api.js';
import { FAX_ENDPOINTS } from './open-fax.js';
import { ivrEndpoints } from './open-ivr.js';
import { SMS_ENDPOINTS } from './open-sms.js';
import { VOICE_ENDPOINTS } from './open-voice.js';
import { sessionItem, txnItem } from './outbox.js';
import { Scheduler } from './scheduler.js';
import { SandboxState } from './state.js';
import type { Sandbox, SandboxLogger, SandboxOptions, SandboxRequestEvent } from './types.js';

const SILENT: SandboxLogger = { debug: () => {}, info: () => {}, warn: () => {}, error: () => {} };

function normaliseBase(basePath: string | undefined): string {
  const trimmed = (basePath ?? '').replace(/\/+$/, '');
  return trimmed === '' ? '' : trimmed.startsWith('/') ? trimmed : `/${trimmed}`;
}

/**
 * Creates a sandbox with a fresh default account (app id and access token `sandbox`, SGD 100.000,
 * a voice+SMS number and a fax number forwarded per `options.forwarding`). Starts no server.
 */
export function createSandbox(options: SandboxOptions): Sandbox {
  const basePath = normaliseBase(options.basePath);
  const publicUrl = options.publicUrl.replace(/\/+$/, '');
  const now = options.now ?? (() => new Date());
  const logger = options.logger ?? SILENT;
  const events = new EventEmitter();
  const state = new SandboxState(now, options.forwarding ?? {}, options.credentials);
  const scheduler = new Scheduler(options.timeScale ?? 1, logger);
  const notifier = new Notifier({
    fetch: options.fetch ?? fetch,
    accessToken: () => state.account.accessToken,
    scheduler,
    events,
    logger,
    now,
  });
  const media = new MediaStore(publicUrl, now, options.mediaTtlSeconds ?? 3600);
  let ivr: IvrEngine;
  const ctx: SandboxContext = {
    state,
    scheduler,
    notifier,
    media,
    events,
    logger,
    now,
    random: options.random ?? Math.random,
    touched: (txn) => {
      const item = txnItem(ctx, txn);
      if (item) events.emit('outbox', item);
    },
    sessionTouched: (id) => {
      const s = ivr.sessions.get(id);
      const item = s ? sessionItem(s) : undefined;
      if (item) events.emit('outbox', item);
    },
  };
  ivr = new IvrEngine(ctx);
  const endpoints = new Map<string, EndpointSpec>(
    Object.entries({
      ...SMS_ENDPOINTS,
      ...VOICE_ENDPOINTS,
      ...ivrEndpoints(() => ivr),
      ...FAX_ENDPOINTS,
      ...ACCOUNT_ENDPOINTS,
    }),
  );
  const limiter = new RateLimiter(now);

  const reset = (): void => {
    scheduler.cancelAll();
    state.reset();
    ivr.reset();
    media.clear();
    notifier.clear();
    limiter.clear();
  };

  async function route(path: string, req: IncomingMessage, res: ServerResponse): Promise<number> {
    if (path === '' || path === '/') {
      if (req.method !== 'GET' && req.method !== 'HEAD') {
        sendJson(res, 405, { error: 'the console page is GET only' });
        return 405;
      }
      sendBytes(res, 200, 'text/html; charset=utf-8', renderConsolePage(basePath));
      return 200;
    }
    if (path.startsWith('/open/')) {
      return handleOpenApi(ctx, endpoints, limiter, path.slice('/open/'.length).replace(/\/+$/, ''), req, res);
    }
    if (path === '/open') return handleOpenApi(ctx, endpoints, limiter, '', req, res);
    if (path.startsWith('/api/')) return handleControlApi({ ctx, ivr, reset }, path.slice('/api/'.length), req, res);
    if (path.startsWith('/media/')) {
      const q = new URL(req.url ?? '/', 'http://sandbox').searchParams;
      return media.serve(decodeURIComponent(path.slice('/media/'.length)), q, req.method ?? 'GET', res);
    }
    sendJson(res, 404, { error: 'not found' });
    return 404;
  }

  function handle(req: IncomingMessage, res: ServerResponse): void {
    const target = req.url ?? '/';
    const q = target.indexOf('?');
    const fullPath = q === -1 ? target : target.slice(0, q);
    const path = fullPath.startsWith(basePath) ? fullPath.slice(basePath.length) : undefined;
    const done = (status: number): void => {
      const event: SandboxRequestEvent = { path: fullPath, status };
      events.emit('request', event);
    };
    if (path === undefined || (path !== '' && !path.startsWith('/'))) {
      sendJson(res, 404, { error: 'not found' });
      done(404);
      return;
    }
    route(path, req, res).then(done, (error: unknown) => {
      logger.error({ err: error, path: fullPath }, 'sandbox: request failed');
      if (!res.headersSent) {
        sendJson(
          res,
          500,
          path.startsWith('/open') ? { status: 'error_internal_server_error' } : { error: 'internal' },
        );
      } else res.destroy();
      done(500);
    });
  }

  return {
    handle,
    reset,
    events,
    whenIdle: () => scheduler.whenIdle(),
    close: () => scheduler.close(),
    get accessToken() {
      return state.account.accessToken;
    },
  };
}
