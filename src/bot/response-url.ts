/**
 * Ephemeral answers sent later (from a job) to a Slack `response_url`. Only to Slack's hooks host or the origin of
 * SLACK_API_URL (tests, proxies): a stored URL is never a way to make us POST elsewhere.
 */
import type { Config } from '../config.js';

/** Whether `url` is a `response_url` we may post to. */
export function isSlackResponseUrl(url: string, config: Pick<Config, 'slackApiUrl'>): boolean {
  let origin: string;
  try {
    origin = new URL(url).origin;
  } catch {
    return false;
  }
  return origin === 'https://hooks.slack.com' || origin === new URL(config.slackApiUrl).origin;
}

/** Slack refused or could not be reached; the job retries. */
export class ResponseUrlError extends Error {
  readonly code = 'response_url_failed';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'ResponseUrlError';
  }
}

/**
 * Posts `text` as an ephemeral message (not replacing the original) to `url`.
 * @throws ResponseUrlError when the URL is not Slack's or Slack does not take it.
 */
export async function postEphemeral(
  config: Pick<Config, 'slackApiUrl'>,
  url: string,
  text: string,
  signal?: AbortSignal,
): Promise<void> {
  if (!isSlackResponseUrl(url, config)) throw new ResponseUrlError('not a Slack response_url');
  const timeout = AbortSignal.timeout(10_000);
  let res: Response;
  try {
    res = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ response_type: 'ephemeral', replace_original: false, text }),
      signal: signal ? AbortSignal.any([signal, timeout]) : timeout,
    });
  } catch (error) {
    throw new ResponseUrlError('could not reach the response_url', { cause: error });
  }
  await res.arrayBuffer().catch(() => undefined);
  if (!res.ok) throw new ResponseUrlError(`the response_url answered HTTP ${res.status}`);
}
