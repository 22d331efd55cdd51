import type { IncomingMessage, ServerResponse } from 'node:http';
import { format } from 'node:util';
import {
  type Logger as BoltLogger,
  ErrorCode,
  HTTPReceiver,
  LogLevel,
  type ReceiverDispatchErrorHandlerArgs,
  SocketModeReceiver,
} from '@slack/bolt';
import type { Config } from '../config.js';
import type { Logger } from '../logger.js';

/**
 * How Slack reaches the app. HTTP mode: Bolt's request listener, mounted by our own server at /slack/events
 * (so the body limit and the other routes live on one listener). Socket Mode: a websocket to Slack; our server
 * still serves the other routes.
 */
export type BotReceiver =
  | { readonly mode: 'http'; readonly receiver: HTTPReceiver; readonly listener: SlackRequestListener }
  | { readonly mode: 'socket'; readonly receiver: SocketModeReceiver };

export type SlackRequestListener = (req: IncomingMessage, res: ServerResponse) => void;

export function createReceiver(config: Config, logger: Logger): BotReceiver {
  const boltLogger = toSlackLogger(logger.child({ component: 'bolt' }));
  if (config.socketMode && config.slackAppToken !== undefined) {
    const receiver = new SocketModeReceiver({
      appToken: config.slackAppToken,
      logger: boltLogger,
      // The socket client's own WebClient (apps.connections.open) must honour SLACK_API_URL too.
      installerOptions: { clientOptions: { slackApiUrl: config.slackApiUrl } },
    });
    return { mode: 'socket', receiver };
  }
  const receiver = new HTTPReceiver({
    signingSecret: config.slackSigningSecret ?? '',
    logger: boltLogger,
    processBeforeResponse: false,
    dispatchErrorHandler: dispatchError,
  });
  return { mode: 'http', receiver, listener: receiver.requestListener };
}

function dispatchError({ error, logger, request, response }: ReceiverDispatchErrorHandlerArgs): void {
  const code = 'code' in error ? error.code : undefined;
  if (code === ErrorCode.HTTPReceiverDeferredRequestError) {
    response.writeHead(404).end();
    return;
  }
  logger.error(`Dispatch failed for ${request.method} (${String(code)}): ${error.message}`);
  if (!response.headersSent) response.writeHead(500);
  if (!response.writableEnded) response.end();
}

/** Adapts our logger to the `@slack/logger` interface Bolt, WebClient and the socket client expect. */
export function toSlackLogger(logger: Logger): BoltLogger {
  let level: LogLevel = LogLevel.INFO;
  let name: string | undefined;
  const line = (msg: unknown[]) => maskTickets(name === undefined ? format(...msg) : `${name} ${format(...msg)}`);
  return {
    debug: (...msg: unknown[]) => logger.debug(line(msg)),
    info: (...msg: unknown[]) => logger.info(line(msg)),
    warn: (...msg: unknown[]) => logger.warn(line(msg)),
    error: (...msg: unknown[]) => logger.error(line(msg)),
    // Our logger's level (LOG_LEVEL) decides; Bolt's setLevel calls only record what they asked for.
    setLevel: (next: LogLevel) => {
      level = next;
    },
    getLevel: () => level,
    setName: (next: string) => {
      name = next;
    },
  };
}

/**
 * Socket Mode's websocket URL (apps.connections.open's answer, which the WebClient logs at debug) carries a ticket
 * that lets whoever holds it connect as this app: it is masked like a secret.
 */
function maskTickets(text: string): string {
  return text.replace(/([?&]ticket=)[^&\s"'\\]+/g, '$1****');
}
