/**
 * Looks at a voicemail MP3 before the poster uploads it: its length (from the MPEG frames), recorded as
 * `meta.media_seconds`, so the card shows the duration even when the record notification did not say it.
 */
import { mergeTransactionMeta } from '../../../db/repositories/transactions.js';
import type { MediaInspector } from '../../cards/card-registry.js';
import { mp3DurationSeconds } from '../../media/index.js';

export const inspectVoicemail: MediaInspector = async (txn, bytes, deps) => {
  const seconds = mp3DurationSeconds(bytes);
  if (seconds === undefined) return;
  await mergeTransactionMeta(deps.db, txn.id, { media_seconds: Math.round(seconds) });
};
