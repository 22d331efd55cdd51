/**
 * Every Hoiio result status (hoiio-api.md §6) and how the client classes it. Status strings stay
 * verbatim; `classifyStatus()` also classes statuses this table does not know, by their shape.
 */

/** The status of every successful Hoiio response. */
export const SUCCESS_STATUS = 'success_ok';

/** Which error class a status becomes (see `errorFromStatus()` in errors.ts). */
export type HoiioStatusClass =
  | 'success'
  | 'api'
  | 'auth'
  | 'insufficient_credit'
  | 'invalid_request'
  | 'rate_limit'
  | 'session'
  | 'service';

/** What went wrong with an IVR session (`HoiioSessionError.kind`). */
export type HoiioSessionErrorKind = 'not_ready' | 'ended' | 'invalid' | 'access_denied' | 'not_on_hold';

/** How one status is classed: its error class, the request parameter it names, its meaning. */
export interface HoiioStatusInfo {
  readonly class: HoiioStatusClass;
  /** The request parameter at fault, for `invalid_request` statuses that name one. */
  readonly param?: string;
  /** For `session` statuses. */
  readonly session?: HoiioSessionErrorKind;
  /** A short plain-language meaning, safe to show to users. */
  readonly meaning: string;
}

const ok = (meaning: string): HoiioStatusInfo => ({ class: 'success', meaning });
const api = (meaning: string): HoiioStatusInfo => ({ class: 'api', meaning });
const auth = (meaning: string): HoiioStatusInfo => ({ class: 'auth', meaning });
const service = (meaning: string): HoiioStatusInfo => ({ class: 'service', meaning });
const invalid = (param: string | undefined, meaning: string): HoiioStatusInfo =>
  param === undefined ? { class: 'invalid_request', meaning } : { class: 'invalid_request', param, meaning };
const session = (kind: HoiioSessionErrorKind, meaning: string): HoiioStatusInfo => ({
  class: 'session',
  session: kind,
  meaning,
});

/** Parameters whose `error_<param>_param_missing` status is documented. */
const MISSING_PARAMS = [
  'dest',
  'msg',
  'txn_ref',
  'session',
  'notify_url',
  'country',
  'state',
  'number',
  'duration',
  'file',
  'incoming',
  'dest1',
  'dest2',
  'caller_id',
  'action',
] as const;

/**
 * Every status listed in hoiio-api.md §6 (generic and endpoint-specific, both spellings where the
 * sources disagree), with its class. Statuses not listed here are classed by `classifyStatus()`.
 */
export const HOIIO_STATUSES: Readonly<Record<string, HoiioStatusInfo>> = {
  success_ok: ok('processed successfully'),

  // §6.1 generic
  error_invalid_http_method: invalid(undefined, 'the HTTP method is not GET or POST'),
  error_malformed_params: invalid(undefined, 'the request parameters contain unreadable bytes'),
  error_app_id_param_missing: auth('the app id is missing'),
  error_access_token_param_missing: auth('the access token is missing'),
  error_invalid_access_token: auth('the access token is invalid, expired or revoked'),
  error_invalid_app_id: auth('the app id is invalid or revoked'),
  error_developer_suspended: auth('the developer account is suspended'),
  error_user_not_found: auth('the Hoiio user was not found'),
  error_user_not_live: auth('the Hoiio account is not live'),
  error_permission_denied: auth('permission denied'),
  error_not_allowed_for_trial: auth('trial accounts may only call or message their registered mobile number'),
  error_tag_invalid_length: invalid('tag', 'the tag is longer than 256 characters'),
  error_invalid_notify_url: invalid('notify_url', 'the notify URL is not a valid URL'),
  error_unable_to_resolve_notify_url: invalid('notify_url', 'the notify URL host cannot be resolved'),
  error_unable_to_complete_ssl_handshake_notify_url: invalid(
    'notify_url',
    'the TLS handshake to the notify URL failed',
  ),
  error_insufficient_credit: { class: 'insufficient_credit', meaning: 'not enough credit' },
  error_rate_limit_exceeded: { class: 'rate_limit', meaning: 'too many requests to this API; try again later' },
  error_concurrent_call_limit_reached: service('more than 8 calls or faxes at once; try again later'),
  error_internal_server_error: service('Hoiio had an internal error; try again later'),

  // §6.2 endpoint-specific
  error_dest_invalid: invalid('dest', 'the destination is not a valid number'),
  error_invalid_destination: invalid('dest', 'the destination is not a valid number'),
  error_dest_not_supported: invalid('dest', 'that destination is not served'),
  error_destination_not_supported: invalid('dest', 'that destination is not served'),
  error_dest_invalid_number_id: invalid('dest', 'the destination is not a valid number'),
  error_dest1_invalid_number_id: invalid('dest1', 'the first number is not valid'),
  error_dest2_invalid_number_id: invalid('dest2', 'the second number is not valid'),
  error_dest1_invalid: invalid('dest1', 'the first number is not valid'),
  error_dest2_invalid: invalid('dest2', 'the second number is not valid'),
  error_dest1_not_supported: invalid('dest1', 'the first number is not served'),
  error_dest2_not_supported: invalid('dest2', 'the second number is not served'),
  error_same_dest1_dest2: invalid('dest2', 'both numbers of the call are the same'),
  error_dest_too_many: invalid('dest', 'too many destinations'),
  error_no_valid_dests: invalid('dest', 'no valid number among the destinations'),
  error_dest_incoming_both_present: invalid('dest', 'give either a destination or an incoming number, not both'),
  error_dest_incoming_both_missing: invalid('dest', 'give a destination or an incoming number'),
  error_msg_empty: invalid('msg', 'the message is empty'),
  error_msg_too_big: invalid('msg', 'the message is longer than 3 SMS parts'),
  error_sms_rebrand_not_enabled: invalid('sender_name', 'SMS sender names are not enabled on this account'),
  error_invalid_sender_name: invalid('sender_name', 'the sender name is not allowed'),
  error_incoming_sms_not_supported: invalid('incoming', 'that number cannot receive SMS'),
  error_sms_service_not_available: service('the SMS service is not available for that destination'),
  error_call_service_not_available: service('the call service is not available for that destination'),
  error_service_not_available: service('the service is not available for that destination'),
  error_caller_id_invalid: invalid('caller_id', 'the caller id is not allowed'),
  error_max_duration_invalid: invalid('max_duration', 'the maximum duration is not valid'),
  error_invalid_max_duration: invalid('max_duration', 'the maximum duration is not valid'),
  error_invalid_room: invalid('room', 'the conference room id is not valid'),
  error_invalid_txn_ref: invalid('txn_ref', 'unknown transaction reference'),
  error_txn_ref_invalid: invalid('txn_ref', 'unknown transaction reference'),
  error_txn_ref_access_denied: invalid('txn_ref', 'that transaction belongs to another application'),
  error_from_invalid: invalid('from', 'the start date is not valid'),
  error_to_invalid: invalid('to', 'the end date is not valid'),
  error_to_before_from: invalid('to', 'the end date is before the start date'),
  error_page_invalid: invalid('page', 'the page number is not valid'),
  error_invalid_type: invalid('type', 'the fax history type is not incoming, outgoing or all'),
  error_msg_invalid_length: invalid('msg', 'the spoken message is too long'),
  error_msg_cannot_convert_text: invalid('msg', 'the text could not be converted to speech'),
  error_msg_download_failed: invalid('msg', 'the audio file could not be downloaded'),
  error_msg_invalid_file_format: invalid('msg', 'the audio file format is not supported'),
  error_msg_invalid_file_size: invalid('msg', 'the audio file is too big'),
  error_msg_invalid_url: invalid('msg', 'the audio URL is not valid'),
  error_msg_invalid_language: invalid('msg', 'the speech language is not supported'),
  error_msg_invalid_gender: invalid('msg', 'the speech gender is not supported'),
  error_msg_invalid_xml: invalid('msg', 'the speech markup is not valid'),
  error_invalid_session: session('invalid', 'unknown call session'),
  error_session_access_denied: session('access_denied', 'that call session belongs to another application'),
  error_session_ended: session('ended', 'the call has ended'),
  error_session_not_ready: session('not_ready', 'the call is not ready for the next step yet'),
  error_session_not_on_hold: session('not_on_hold', 'the call is not on hold'),
  error_invalid_max_digits: invalid('max_digits', 'the maximum number of digits is not valid'),
  error_invalid_timeout: invalid('timeout', 'the timeout is not valid'),
  error_invalid_attempts: invalid('attempts', 'the number of attempts is not valid'),
  error_on_failure_invalid: invalid('on_failure', 'on_failure must be hangup or continue'),
  error_monitor_in_progress: api('the call is already being monitored'),
  error_file_invalid: invalid('file', 'the file is not a PDF'),
  error_file_too_big: invalid('file', 'the file is larger than 2 MB'),
  error_page_size_invalid: invalid('file', 'a page of the PDF is not A4 or Letter'),
  error_number_invalid: invalid('number', 'the number is not valid'),
  error_number_not_assigned: invalid('number', 'the number is not assigned to this account'),
  error_number_not_available: invalid('number', 'the number is not available'),
  error_no_number_available: invalid('country', 'no number is available there'),
  error_pick_number_not_available: invalid('number', 'the number is not available'),
  error_subscribe_number_not_available: invalid('number', 'the number cannot be subscribed'),
  error_exceed_max_subscriptions: invalid('number', 'the account has the maximum number of subscriptions'),
  error_invalid_duration: invalid('duration', 'the subscription duration is not valid'),
  error_auto_extend_not_available: invalid('duration', 'automatic extension is not available'),
  error_forward_to_invalid: invalid('forward_to', 'the forwarding URL is not valid'),
  error_unable_to_resolve_forward_to: invalid('forward_to', 'the forwarding URL host cannot be resolved'),
  error_mode_invalid: invalid('mode', 'the mode must be voice or fax'),
  error_add_notification_failed: api('Hoiio could not set up the forwarding'),
  error_code_expired: invalid('code', 'the authorisation code has expired'),
  error_invalid_code: invalid('code', 'the authorisation code is not valid'),
  error_connect_not_enabled: auth('Hoiio Connect is not enabled for this application'),
  error_application_not_published: auth('the application is not published'),

  ...Object.fromEntries(
    MISSING_PARAMS.map((p) => [`error_${p}_param_missing`, invalid(p, `the ${p} parameter is missing`)]),
  ),
};

/** The IVR session error kind of a status, or undefined. */
export function sessionErrorKind(status: string): HoiioSessionErrorKind | undefined {
  return Object.hasOwn(HOIIO_STATUSES, status) ? HOIIO_STATUSES[status]?.session : undefined;
}

/**
 * How a status is classed. Known statuses come from `HOIIO_STATUSES`; an unknown one is classed by
 * its shape (`error_<p>_param_missing`, `error_<p>_invalid`, `error_invalid_<p>` → invalid request
 * naming `<p>`; `*_service_not_available` → service) and otherwise is a plain `api` error. Never throws.
 */
export function classifyStatus(status: string): HoiioStatusInfo {
  const known = Object.hasOwn(HOIIO_STATUSES, status) ? HOIIO_STATUSES[status] : undefined;
  if (known) return known;
  const missing = /^error_([a-z0-9_]+?)_param_missing$/.exec(status);
  if (missing?.[1]) return invalid(missing[1], `the ${missing[1]} parameter is missing`);
  if (/^error_([a-z0-9_]+_)?service_not_available$/.test(status)) return service('the service is not available');
  const bad = /^error_([a-z0-9_]+?)_invalid(?:_[a-z_]+)?$/.exec(status) ?? /^error_invalid_([a-z0-9_]+)$/.exec(status);
  if (bad?.[1]) return invalid(bad[1], `the ${bad[1]} parameter is not valid`);
  if (status === 'error_param_missing') return invalid(undefined, 'a parameter is missing');
  return api('Hoiio returned an unexpected status');
}
