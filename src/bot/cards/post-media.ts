import { PermanentJobError } from '../../db/job-errors.js';
import { findTransactionById, mergeTransactionMeta } from '../../db/repositories/transactions.js';
import type { TransactionRow } from '../../db/tables/transactions.js';
import { fetchMedia, MediaFetchError, type MediaHostRule, presignedUrlExpiresAt } from '../media/index.js';
import type { MediaUrlSource } from './card-registry.js';
import { enqueueCardSync } from './enqueue-card-sync.js';
import { ChannelUnavailableError, type PosterContext, writeToChannel } from './poster-context.js';
import { SlackPlatformError, SlackUnavailableError } from './slack-gate.js';

/** What a media upload records in the transaction's `meta`. */
interface PendingUpload {
  file_id: string;
  filename: string;
  /** Set (and committed) just before files.completeUploadExternal is called. */
  completing_at?: string;
}

/**
 * The `media` op: fetches the transaction's media (`meta.media_url`; refreshed through its media source when
 * expired) with the safe fetcher and uploads it next to the card (files.uploadV2's three steps). Each step is
 * recorded, so a retry never uploads twice: bytes sent → `meta.pending_upload`; shared → `meta.file_id`.
 * Media that can never be fetched (not allowed, too large, wrong type) → `meta.media_error` and a card sync.
 */
export async function uploadMedia(ctx: PosterContext, transactionId: number, hosts: readonly MediaHostRule[]) {
  const { deps } = ctx;
  const txn = await findTransactionById(deps.db, transactionId);
  if (!txn?.slack_channel_id || typeof txn.meta['file_id'] === 'string') return;
  const channel = txn.slack_channel_id;
  let pending = pendingUpload(txn);
  if (pending === undefined) {
    const bytes = await fetchTransactionMedia(ctx, txn, hosts);
    if (bytes === undefined) return;
    await deps.cards.mediaInspector(txn.kind, txn.direction)?.(txn, bytes, deps);
    pending = await sendBytes(ctx, txn, bytes);
  }
  try {
    const uploaded = pending.file_id;
    if (pending.completing_at !== undefined && (await alreadyCompleted(ctx, uploaded))) {
      // Completed by an earlier attempt whose answer was lost (killed, or the database write failed).
      ctx.deps.logger.info({ transactionId: txn.id }, 'media found shared by an earlier attempt');
      await deps.db.transaction().execute(async (trx) => {
        await mergeTransactionMeta(trx, txn.id, { file_id: uploaded, pending_upload: null });
        await enqueueCardSync(trx, txn);
      });
      return;
    }
    // Recorded before the call: a retry then asks files.info whether the file was shared before completing again.
    pending = { ...pending, completing_at: new Date().toISOString() };
    await mergeTransactionMeta(deps.db, txn.id, { pending_upload: { ...pending } });
    const completed = await writeToChannel<{ files?: { id?: string }[] }>(
      ctx,
      channel,
      'files.completeUploadExternal',
      {
        files: [{ id: pending.file_id, title: pending.filename }],
        channel_id: channel,
        ...(txn.slack_thread_ts ? { thread_ts: txn.slack_thread_ts } : {}),
      },
    );
    const fileId = completed.files?.[0]?.id ?? pending.file_id;
    await deps.db.transaction().execute(async (trx) => {
      await mergeTransactionMeta(trx, txn.id, { file_id: fileId, pending_upload: null });
      await enqueueCardSync(trx, txn); // a renderer may show the attachment
    });
  } catch (error) {
    if (error instanceof SlackPlatformError) {
      // The uploaded bytes are no good any more (expired, unknown file): start over on the next attempt.
      await mergeTransactionMeta(deps.db, txn.id, { pending_upload: null });
      throw new SlackUnavailableError('files.completeUploadExternal', error.slackError, { cause: error });
    }
    if (error instanceof ChannelUnavailableError) {
      throw new PermanentJobError(`media of transaction ${txn.id} not uploaded: ${error.message}`, { cause: error });
    }
    throw error;
  }
}

function pendingUpload(txn: TransactionRow): PendingUpload | undefined {
  const value = txn.meta['pending_upload'];
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
  const { file_id: fileId, filename, completing_at: completingAt } = value;
  if (typeof fileId !== 'string' || typeof filename !== 'string') return undefined;
  return { file_id: fileId, filename, ...(typeof completingAt === 'string' ? { completing_at: completingAt } : {}) };
}

/**
 * Whether the uploaded file `fileId` was completed already. Slack knows a file uploaded by
 * files.getUploadURLExternal only once files.completeUploadExternal has completed it (until then files.info says
 * `file_not_found`); the file id is ours from step 1, so no search is needed. Completing always shares into the
 * card's channel, so a completed file is the card's attachment.
 */
async function alreadyCompleted(ctx: PosterContext, fileId: string): Promise<boolean> {
  try {
    const info = await ctx.gate.call<{ file?: { id?: string } }>(
      'files.info',
      { file: fileId },
      { signal: ctx.signal },
    );
    return info.file?.id === fileId;
  } catch (error) {
    if (!(error instanceof SlackPlatformError)) throw error;
    if (error.slackError !== 'file_not_found') {
      ctx.deps.logger.warn({ slackError: error.slackError }, 'files.info failed; completing the upload again');
    }
    return false;
  }
}

async function fetchTransactionMedia(
  ctx: PosterContext,
  txn: TransactionRow,
  hosts: readonly MediaHostRule[],
): Promise<Buffer | undefined> {
  const kind = txn.kind === 'fax' ? 'pdf' : 'mp3';
  let url = typeof txn.meta['media_url'] === 'string' ? txn.meta['media_url'] : undefined;
  const expiresAt = url === undefined ? undefined : presignedUrlExpiresAt(url);
  if (url === undefined || (expiresAt !== undefined && expiresAt.getTime() <= Date.now())) {
    url = await refreshMediaUrl(ctx, txn);
  }
  for (let attempt = 0; url !== undefined; attempt++) {
    try {
      return (await fetchMedia(url, { kind, hosts, signal: ctx.signal })).bytes;
    } catch (error) {
      if (!(error instanceof MediaFetchError)) throw error;
      if (error.code === 'expired' && attempt === 0) {
        url = await refreshMediaUrl(ctx, txn);
        continue;
      }
      if (error.retryable) throw error;
      return failMedia(ctx, txn, error.code);
    }
  }
  return failMedia(ctx, txn, 'no_url');
}

async function refreshMediaUrl(ctx: PosterContext, txn: TransactionRow): Promise<string | undefined> {
  const source = ctx.deps.cards.mediaSource(txn.kind, txn.direction) ?? (txn.kind === 'fax' ? faxUrl : undefined);
  const url = source ? await source(txn, ctx.deps) : undefined;
  if (url !== undefined) await mergeTransactionMeta(ctx.deps.db, txn.id, { media_url: url });
  return url;
}

/** The built-in media source of faxes: fax/query_status's `fax_url`. */
const faxUrl: MediaUrlSource = async (txn, deps) =>
  txn.txn_ref ? (await deps.hoiio.fax.queryStatus({ txnRef: txn.txn_ref })).faxUrl : undefined;

async function failMedia(ctx: PosterContext, txn: TransactionRow, code: string): Promise<undefined> {
  ctx.deps.logger.warn({ transactionId: txn.id, code }, 'media not fetched; the card says so');
  await ctx.deps.db.transaction().execute(async (trx) => {
    await mergeTransactionMeta(trx, txn.id, { media_error: code });
    await enqueueCardSync(trx, txn);
  });
  return undefined;
}

/** Steps 1 and 2 of files.uploadV2: an upload URL, then the bytes. Recorded once the bytes are there. */
async function sendBytes(ctx: PosterContext, txn: TransactionRow, bytes: Buffer): Promise<PendingUpload> {
  const filename = mediaFilename(txn);
  const target = await ctx.gate.call<{ upload_url?: string; file_id?: string }>(
    'files.getUploadURLExternal',
    { filename, length: bytes.length },
    { signal: ctx.signal },
  );
  if (!target.upload_url || !target.file_id) throw new PermanentJobError('files.getUploadURLExternal gave no URL');
  let res: Response;
  try {
    res = await fetch(target.upload_url, {
      method: 'POST',
      headers: { 'content-type': 'application/octet-stream' },
      body: bytes,
      signal: AbortSignal.any([ctx.signal, AbortSignal.timeout(60_000)]),
    });
    await res.arrayBuffer();
  } catch (cause) {
    throw new SlackUnavailableError('file upload', 'no response', { cause });
  }
  if (res.status !== 200) throw new SlackUnavailableError('file upload', `HTTP ${res.status}`);
  const pending = { file_id: target.file_id, filename };
  await mergeTransactionMeta(ctx.deps.db, txn.id, { pending_upload: pending });
  return pending;
}

/** `fax-<from>-<date>.pdf` or `voicemail-<from>-<date>.mp3`, the date in UTC (`2025-11-25-0803`). */
export function mediaFilename(txn: Pick<TransactionRow, 'kind' | 'from_number' | 'contact_number' | 'created_at'>) {
  const from = (txn.from_number ?? txn.contact_number ?? 'unknown').replace(/[^0-9A-Za-z]/g, '');
  const iso = txn.created_at.toISOString();
  const date = `${iso.slice(0, 10)}-${iso.slice(11, 13)}${iso.slice(14, 16)}`;
  return txn.kind === 'fax' ? `fax-${from}-${date}.pdf` : `voicemail-${from}-${date}.mp3`;
}
