/**
 * The public surface of `src/hoiio`: everything about Hoiio and nothing about Slack.
 * Import from here, not from the files behind it (the sandbox has its own entry point,
 * `src/hoiio/sandbox/sandbox.ts`).
 */

export * from './errors.js';
export * from './fax-errors.js';
export * from './find-by-tag.js';
export type {
  BackoffOptions,
  HoiioAttempt,
  HoiioClientOptions,
  HoiioFilePart,
  HoiioLogger,
  HoiioParams,
  HoiioParamValue,
  HoiioResponse,
  RequestOptions,
} from './hoiio-client.js';
export { HoiioClient } from './hoiio-client.js';
export * from './hoiio-time.js';
export * from './money.js';
// The notification parsers' status unions are the strict ones (the resources accept any string
// Hoiio may add); these explicit exports settle the name clash between the two.
export type { CallStatus, FaxStatus, SmsStatus } from './notifications.js';
export * from './notifications.js';
export * from './phone-number.js';
export type * from './resources/account.js';
export type {
  ConferenceCallParams,
  ConferenceCallResult,
  ConferenceModerateAction,
  ConferenceModerateParams,
} from './resources/conference.js';
export type * from './resources/fax.js';
export type { HistoryPageParams, HistoryRange, HoiioPage } from './resources/hoiio-resource.js';
export type * from './resources/ivr.js';
export type * from './resources/number.js';
export type * from './resources/sms.js';
export type * from './resources/voice.js';
export * from './sms-segments.js';
export * from './status.js';
export * from './webhook-signature.js';
