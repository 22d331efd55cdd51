import { PermanentJobError } from '../db/job-errors.js';
import type { SlackPostJob } from './cards/enqueue-card-sync.js';
import { permanentIfPlatform, syncCard } from './cards/post-card.js';
import { uploadMedia } from './cards/post-media.js';
import { ChannelUnavailableError, type PosterContext, writeToChannel } from './cards/poster-context.js';
import { SlackGate } from './cards/slack-gate.js';
import type { BotDeps } from './deps.js';
import type { JobContext, JobHandler, QueuedJob } from './features/index.js';
import { type MediaHostRule, parseMediaHosts } from './media/index.js';

export interface SlackPosterOptions {
  /** Least time between two writes to one channel; default 1000 ms. */
  readonly channelIntervalMs?: number;
}

/**
 * The handler of the `slack.post` queue: every Slack write a worker makes (cards, media, notes). One per process:
 * it holds the in-process rate-limit blocks and per-channel pacing (see {@link SlackGate}). Jobs carry the serial
 * key `channel:<id>`, so one channel's posts run one at a time and in order.
 */
export class SlackPoster {
  readonly gate: SlackGate;
  readonly #deps: BotDeps;

  constructor(deps: BotDeps, options: SlackPosterOptions = {}) {
    this.#deps = deps;
    this.gate = new SlackGate({
      slack: deps.slack,
      metrics: deps.metrics,
      logger: deps.logger.child({ component: 'slack-poster' }),
      ...(options.channelIntervalMs !== undefined ? { channelIntervalMs: options.channelIntervalMs } : {}),
    });
  }

  /** The job handler to register for `QUEUE.slackPost`. */
  readonly run: JobHandler = async (job: QueuedJob, context: JobContext): Promise<void> => {
    const payload = parsePayload(job.payload);
    const ctx: PosterContext = { deps: this.#deps, gate: this.gate, signal: context.signal };
    switch (payload.op) {
      case 'card':
        return syncCard(ctx, payload.transactionId);
      case 'media':
        return uploadMedia(ctx, payload.transactionId, mediaHostRules(this.#deps));
      case 'message':
        return postMessage(ctx, payload);
    }
  };
}

async function postMessage(ctx: PosterContext, message: Extract<SlackPostJob, { op: 'message' }>): Promise<void> {
  try {
    await writeToChannel(ctx, message.channel, 'chat.postMessage', {
      channel: message.channel,
      text: message.text,
      ...(message.blocks ? { blocks: message.blocks } : {}),
      ...(message.threadTs ? { thread_ts: message.threadTs } : {}),
      unfurl_links: false,
      unfurl_media: false,
    });
  } catch (error) {
    if (error instanceof ChannelUnavailableError) {
      // A note nobody can read: record why in the job (dead, visible to admins) instead of retrying for a day.
      throw new PermanentJobError(error.message, { cause: error });
    }
    throw permanentIfPlatform(error);
  }
}

/**
 * Where media may come from: HOIIO_MEDIA_HOSTS, and in sandbox mode the built-in sandbox at the app's public URL
 * (its actual address once listening, which matters with PORT=0).
 */
export function mediaHostRules(deps: BotDeps): MediaHostRule[] {
  const rules = parseMediaHosts(deps.config.hoiioMediaHosts.join(','));
  if (deps.config.sandboxMode) {
    const url = new URL(deps.webhookUrls.publicUrl);
    rules.push(
      url.protocol === 'http:'
        ? { kind: 'http-origin', origin: url.origin }
        : { kind: 'https', host: url.hostname, port: url.port, subdomains: false },
    );
  }
  return rules;
}

function parsePayload(payload: unknown): SlackPostJob {
  const p = (typeof payload === 'object' && payload !== null ? payload : {}) as Record<string, unknown>;
  if ((p['op'] === 'card' || p['op'] === 'media') && Number.isSafeInteger(p['transactionId'])) {
    return { op: p['op'], transactionId: p['transactionId'] as number };
  }
  if (p['op'] === 'message' && typeof p['channel'] === 'string' && typeof p['text'] === 'string') {
    return p as unknown as SlackPostJob;
  }
  throw new PermanentJobError('slack.post job with an unknown payload');
}
