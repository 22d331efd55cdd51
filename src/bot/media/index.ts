export { isMp3, mp3DurationSeconds } from './audio.js';
export { describeUrl, errorForStatus, formatBytes, MediaFetchError, type MediaFetchErrorCode } from './errors.js';
export type { MediaKind } from './magic.js';
export { type MediaHostRule, MediaHostsError, matchMediaHost, parseMediaHosts } from './media-hosts.js';
export { inspectPdf, isPdf, PdfError, type PdfErrorCode, type PdfSummary } from './pdf.js';
export { presignedUrlExpiresAt } from './presigned-url.js';
export { isPublicAddress } from './public-address.js';
export { type FetchedMedia, type FetchMediaOptions, fetchMedia, MEDIA_MAX_BYTES } from './safe-fetch.js';
export {
  type DownloadSlackFileOptions,
  downloadSlackFile,
  SlackFileError,
  type SlackFileErrorCode,
} from './slack-file.js';
