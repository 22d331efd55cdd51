import { randomBytes } from 'node:crypto';
import type { App } from '@slack/bolt';
import type { BotDeps } from './deps.js';

// Bolt does not export these from its entry point; the last `error()` overload takes the extended handler.
type ExtendedErrorHandler = Parameters<App['error']>[0];
type ExtendedErrorHandlerArgs = Parameters<ExtendedErrorHandler>[0];

/**
 * The one `app.error` handler: logs the error (the logger redacts secrets) with an error id, and when the request
 * carried a `response_url` tells the user, ephemerally, that something went wrong. Never throws.
 */
export function handleAppError({ logger }: Pick<BotDeps, 'logger'>): ExtendedErrorHandler {
  const log = logger.child({ component: 'app-error' });
  return async ({ error, body }: ExtendedErrorHandlerArgs) => {
    const errorId = randomBytes(4).toString('hex');
    const original = 'original' in error ? error.original : undefined;
    const originals = 'originals' in error ? error.originals : undefined;
    log.error({ err: error, original, originals, errorId, request: describe(body) }, 'a Slack listener failed');
    const responseUrl = stringField(body, 'response_url');
    if (responseUrl === undefined) return;
    try {
      const res = await fetch(responseUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          response_type: 'ephemeral',
          replace_original: false,
          text: `:warning: Something went wrong on our side while handling that (error id \`${errorId}\`). Please try again in a moment; if it keeps failing, ask an admin to look up the error id in the app's logs.`,
        }),
        signal: AbortSignal.timeout(5000),
      });
      if (!res.ok) log.warn({ errorId, status: res.status }, 'could not tell the user about the error');
    } catch (notifyError) {
      log.warn({ err: notifyError, errorId }, 'could not tell the user about the error');
    }
  };
}

function stringField(body: unknown, key: string): string | undefined {
  if (typeof body !== 'object' || body === null) return undefined;
  const value = (body as Record<string, unknown>)[key];
  return typeof value === 'string' && /^https?:\/\//.test(value) ? value : undefined;
}

interface RequestShape {
  type?: unknown;
  command?: unknown;
  callback_id?: unknown;
  view?: { callback_id?: unknown };
  user_id?: unknown;
  user?: { id?: unknown };
  channel_id?: unknown;
}

/** What kind of request failed, without its content (which may hold personal data). */
function describe(body: unknown): Record<string, unknown> {
  if (typeof body !== 'object' || body === null) return {};
  const b = body as RequestShape;
  return {
    type: b.type ?? (b.command !== undefined ? 'slash_command' : undefined),
    command: b.command,
    callback_id: b.callback_id ?? b.view?.callback_id,
    user: b.user_id ?? b.user?.id,
    channel: b.channel_id,
  };
}
