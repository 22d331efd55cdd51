import type { BotDeps } from '../../deps.js';
import { downloadSlackFile, formatBytes, inspectPdf, isPdf, PdfError, SlackFileError } from '../../media/index.js';
import { FAX_MAX_BYTES } from './blocks.js';
import { CoverPageError, prependCoverPage } from './cover-page.js';

/** A problem with the file itself (not a PDF, too large, unreadable, no pages, gone from Slack): nothing is sent. */
export class FaxFileProblem extends Error {
  override readonly name = 'FaxFileProblem';
  readonly code: string;
  readonly userMessage: string;

  constructor(code: string, userMessage: string, options: { cause?: unknown } = {}) {
    super(`Fax file problem (${code}): ${userMessage}`, options);
    this.code = code;
    this.userMessage = userMessage;
  }
}

export interface PrepareFaxFileInput {
  readonly fileId: string;
  readonly fileName?: string | undefined;
  readonly coverNote?: string | undefined;
  readonly userId?: string | undefined;
  /** Who it goes to, for the cover page. */
  readonly recipient: string;
  readonly date: Date;
  readonly signal?: AbortSignal | undefined;
}

/** The bytes to fax, their page count (with the cover page) and the file name Hoiio gets. */
export interface PreparedFaxFile {
  readonly bytes: Uint8Array;
  readonly pages: number;
  readonly fileName: string;
}

const LIMIT_NOTE = 'Hoiio accepts for a fax';

/**
 * Fetches the Slack file (files.info → `url_private`, with the bot token, only from Slack's file host or the
 * SLACK_API_URL origin, at most 2 MB), checks it is a readable PDF with pages, and prepends the cover page.
 * @throws FaxFileProblem for a file that cannot be faxed; other errors (Slack unreachable) are worth a retry.
 */
export async function prepareFaxFile(deps: BotDeps, input: PrepareFaxFileInput): Promise<PreparedFaxFile> {
  const { config, slack } = deps;
  let info: { url?: string | undefined; name?: string | undefined; size?: number | undefined };
  try {
    const res = await slack.files.info({ file: input.fileId });
    info = { url: res.file?.url_private, name: res.file?.name, size: res.file?.size };
  } catch (error) {
    const code = slackErrorCode(error);
    if (code === 'file_not_found' || code === 'file_deleted') {
      throw new FaxFileProblem(code, 'The file is no longer available in Slack (was it deleted?).', { cause: error });
    }
    throw error;
  }
  const fileName = sanitizeFileName(info.name ?? input.fileName ?? 'fax.pdf');
  if (info.url === undefined) {
    throw new FaxFileProblem('no_url', 'Slack did not give the app access to this file.');
  }
  if (info.size !== undefined && info.size > FAX_MAX_BYTES) throw tooLarge();

  let bytes: Uint8Array;
  try {
    bytes = await downloadSlackFile(info.url, {
      botToken: config.slackBotToken,
      allowedOrigins: ['https://files.slack.com', new URL(config.slackApiUrl).origin],
      maxBytes: FAX_MAX_BYTES,
      limitNote: LIMIT_NOTE,
      ...(input.signal !== undefined ? { signal: input.signal } : {}),
    });
  } catch (error) {
    if (error instanceof SlackFileError && !error.retryable) {
      throw new FaxFileProblem(`download_${error.code}`, error.userMessage, { cause: error });
    }
    throw error;
  }
  if (!isPdf(bytes)) throw new FaxFileProblem('not_pdf', 'The file is not a PDF. Only PDFs can be faxed.');
  let pages: number;
  try {
    pages = (await inspectPdf(bytes, { maxTextChars: 0 })).pages;
  } catch (error) {
    if (error instanceof PdfError) throw new FaxFileProblem(error.code, error.userMessage, { cause: error });
    throw error;
  }
  if (input.coverNote === undefined || input.coverNote.trim() === '') return { bytes, pages, fileName };

  let withCover: { bytes: Uint8Array; pages: number };
  try {
    withCover = await prependCoverPage(bytes, {
      note: input.coverNote,
      from: await senderName(deps, input.userId),
      to: input.recipient,
      date: input.date,
      timeZone: await senderTimeZone(deps, input.userId),
    });
  } catch (error) {
    if (error instanceof CoverPageError) throw new FaxFileProblem(error.code, error.userMessage, { cause: error });
    throw error;
  }
  if (withCover.bytes.byteLength > FAX_MAX_BYTES) {
    throw new FaxFileProblem(
      'too_large_with_cover',
      `With the cover page the PDF is ${formatBytes(withCover.bytes.byteLength)}, more than the ${formatBytes(FAX_MAX_BYTES)} ${LIMIT_NOTE}. Send it without a cover note, or make the PDF smaller.`,
    );
  }
  return { bytes: withCover.bytes, pages: withCover.pages, fileName };
}

function tooLarge(): FaxFileProblem {
  return new FaxFileProblem('too_large', `The file is larger than the ${formatBytes(FAX_MAX_BYTES)} ${LIMIT_NOTE}.`);
}

const profiles = new WeakMap<object, Map<string, Promise<{ name?: string; tz?: string }>>>();

async function profile(deps: BotDeps, userId: string | undefined): Promise<{ name?: string; tz?: string }> {
  if (userId === undefined) return {};
  // One users.info per user per job run at most (name and zone both come from it).
  let cache = profiles.get(deps);
  if (cache === undefined) {
    cache = new Map();
    profiles.set(deps, cache);
  }
  let pending = cache.get(userId);
  if (pending === undefined) {
    pending = deps.slack.users
      .info({ user: userId })
      .then((r) => {
        const name = r.user?.profile?.real_name || r.user?.real_name || r.user?.profile?.display_name || r.user?.name;
        return { ...(name ? { name } : {}), ...(r.user?.tz ? { tz: r.user.tz } : {}) };
      })
      .catch(() => ({}));
    cache.set(userId, pending);
    void pending.finally(() => cache?.delete(userId));
  }
  return pending;
}

async function senderName(deps: BotDeps, userId: string | undefined): Promise<string> {
  return (await profile(deps, userId)).name ?? 'A Slack user';
}

async function senderTimeZone(deps: BotDeps, userId: string | undefined): Promise<string | undefined> {
  return (await profile(deps, userId)).tz;
}

function slackErrorCode(error: unknown): string | undefined {
  if (error === null || typeof error !== 'object') return undefined;
  const data: unknown = Reflect.get(error, 'data');
  const code: unknown = data !== null && typeof data === 'object' ? Reflect.get(data, 'error') : undefined;
  return typeof code === 'string' ? code : undefined;
}

/** A file name fit for Hoiio's `filename`: no path, no control characters, at most 100 characters, ends in .pdf. */
export function sanitizeFileName(name: string): string {
  const base = name.split(/[\\/]/).pop() ?? '';
  const clean = Array.from(base.replace(/[\p{Cc}\p{Cf}"]/gu, '').trim())
    .slice(0, 100)
    .join('');
  if (clean === '') return 'fax.pdf';
  return /\.pdf$/i.test(clean) ? clean : `${clean}.pdf`;
}
