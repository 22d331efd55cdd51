/**
 * Hoiio webhook notifications (hoiio-api.md §5): {@link mergeParams} to combine query string and
 * body, {@link parseNotification} to turn them into a typed {@link HoiioNotification}.
 */
export { mergeParams } from './notifications/merge-params.js';
export { HoiioNotificationError, type HoiioNotificationProblem } from './notifications/notification-error.js';
export { parseNotification } from './notifications/parse-notification.js';
export {
  type Billing,
  CALL_STATES,
  CALL_STATUSES,
  type CallState,
  type CallStatus,
  type CallStatusNotification,
  FAX_STATUSES,
  type FaxStatus,
  type HoiioNotification,
  type HoiioNotificationKind,
  type IncomingFaxNotification,
  type IncomingSmsNotification,
  IVR_BLOCKS,
  type IvrBlock,
  type IvrNotification,
  type NotificationBase,
  type NotificationHint,
  type OutgoingFaxNotification,
  RECORD_STATUSES,
  type RecordStatus,
  SMS_STATUSES,
  type SmsStatus,
  type SmsStatusNotification,
} from './notifications/types.js';
