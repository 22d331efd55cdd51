/**
 * A HoiioClient for a test app's embedded sandbox (`/sandbox/open/` on the app's own port) whose every request
 * passes through `through` first: to rewrite it (say, point its notify_url at nothing) or to lose its answer after
 * the sandbox acted on it (see {@link loseAnswer}).
 *
 * ```ts
 * const sandbox = sandboxClientThrough(async ({ path, forward }) => {
 *   const res = await forward();
 *   return path.endsWith('/voice/call') ? loseAnswer(res) : res;
 * });
 * const t = await startTestApp({ hoiio: sandbox.hoiio });
 * sandbox.attach(t.url);
 * ```
 */
import { HoiioClient } from '../../src/hoiio/index.js';

export interface SandboxRequest {
  /** e.g. `/sandbox/open/sms/send`. */
  readonly path: string;
  /** The form body (empty for a GET); change it and pass it to `forward`. */
  readonly form: URLSearchParams;
  /** Sends the request on to the sandbox, with `form` as its body when given. */
  forward(form?: URLSearchParams): Promise<Response>;
}

export function sandboxClientThrough(through: (request: SandboxRequest) => Promise<Response>): {
  hoiio: HoiioClient;
  attach(origin: string): void;
} {
  let origin = '';
  const hoiio = new HoiioClient({
    appId: 'sandbox',
    accessToken: 'sandbox',
    baseUrl: 'http://sandbox.invalid/sandbox/open/',
    fetch: (input, init) => {
      if (origin === '') throw new Error('sandboxClientThrough: attach(t.url) once the app listens');
      const url = new URL(String(input));
      const target = `${origin}${url.pathname}${url.search}`;
      return through({
        path: url.pathname,
        form: new URLSearchParams(String(init?.body ?? '')),
        forward: (form) => fetch(target, form === undefined ? init : { ...init, body: form.toString() }),
      });
    },
  });
  return {
    hoiio,
    attach(appOrigin) {
      origin = appOrigin;
    },
  };
}

/** What a connection reset after the server acted looks like to the caller: the answer is read and lost. */
export async function loseAnswer(res: Response): Promise<never> {
  await res.arrayBuffer();
  throw new TypeError('fetch failed', { cause: Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }) });
}
