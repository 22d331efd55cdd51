import { type HoiioAttempt, HoiioClient } from '../hoiio/index.js';
import { createSandbox } from '../hoiio/sandbox/sandbox.js';
import type { Sandbox } from '../hoiio/sandbox/types.js';
import type { Logger } from '../logger.js';
import type { RouteTable } from './http-server.js';
import type { WebhookUrls } from './webhook-urls.js';

/** Where the sandbox is mounted on our listener. */
export const SANDBOX_PATH = '/sandbox';
// The Hoiio client is built before we listen (PORT=0 picks the port only then): it uses this origin, which the
// fetch below replaces with the listener's actual one.
const PLACEHOLDER_ORIGIN = 'http://embedded-sandbox.invalid';

/**
 * Sandbox mode: the built-in Hoiio sandbox on our own listener at /sandbox, its two numbers forwarding to this
 * app's webhook URLs, and a Hoiio client (app id and token `sandbox`) that talks to it.
 */
export interface EmbeddedSandbox {
  readonly hoiio: HoiioClient;
  /** The sandbox, once {@link start}ed. */
  readonly sandbox: Sandbox | undefined;
  /** Mounts /sandbox (answering 503 until started). */
  mount(routes: RouteTable): void;
  /**
   * Creates the sandbox now that the listener's URL is known: its API is reached at `<localUrl>/sandbox`, its
   * media URLs and forwarding use `webhookUrls` (the public URL). `existing`: adopt a sandbox created earlier
   * (a test restarting the app keeps the sandbox's state) instead of creating one.
   */
  start(localUrl: string, webhookUrls: WebhookUrls, existing?: Sandbox): Sandbox;
  close(): Promise<void>;
}

export interface EmbeddedSandboxOptions {
  readonly logger: Logger;
  readonly onAttempt?: (attempt: HoiioAttempt) => void;
  /** The sandbox's simulated delays multiplier (tests: small). */
  readonly timeScale?: number;
  /** `fetch` the sandbox sends its notifications with (default: the global one). */
  readonly notifyFetch?: typeof fetch;
}

export function createEmbeddedSandbox(options: EmbeddedSandboxOptions): EmbeddedSandbox {
  let sandbox: Sandbox | undefined;
  let localOrigin: string | undefined;
  const hoiio = new HoiioClient({
    appId: 'sandbox',
    accessToken: 'sandbox',
    baseUrl: `${PLACEHOLDER_ORIGIN}${SANDBOX_PATH}/open/`,
    logger: options.logger.child({ component: 'hoiio' }),
    ...(options.onAttempt ? { onAttempt: options.onAttempt } : {}),
    fetch: (input, init) => {
      const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
      if (localOrigin === undefined || !url.startsWith(PLACEHOLDER_ORIGIN)) {
        const refused = Object.assign(new Error('the embedded sandbox is not listening yet'), { code: 'ECONNREFUSED' });
        return Promise.reject(new TypeError('fetch failed', { cause: refused }));
      }
      return fetch(`${localOrigin}${url.slice(PLACEHOLDER_ORIGIN.length)}`, init);
    },
  });
  return {
    hoiio,
    get sandbox() {
      return sandbox;
    },
    mount(routes) {
      routes.mount(SANDBOX_PATH, (req, res) => {
        if (sandbox) sandbox.handle(req, res);
        else res.writeHead(503, { 'content-type': 'application/json' }).end('{"error":"sandbox starting"}');
      });
    },
    start(localUrl, webhookUrls, existing) {
      if (sandbox) return sandbox;
      localOrigin = new URL(localUrl).origin;
      sandbox =
        existing ??
        createSandbox({
          basePath: SANDBOX_PATH,
          publicUrl: `${webhookUrls.publicUrl}${SANDBOX_PATH}`,
          forwarding: { voice: webhookUrls.url('voice'), fax: webhookUrls.url('fax'), sms: webhookUrls.url('sms') },
          logger: options.logger.child({ component: 'sandbox' }),
          ...(options.timeScale !== undefined ? { timeScale: options.timeScale } : {}),
          ...(options.notifyFetch !== undefined ? { fetch: options.notifyFetch } : {}),
        });
      return sandbox;
    },
    async close() {
      await sandbox?.close();
    },
  };
}
