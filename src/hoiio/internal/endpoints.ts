/** Which Hoiio endpoints are reads (safe to repeat) and which are sends (never repeated blindly). */

/**
 * Endpoints that only read: the client retries them on network errors, timeouts, 5xx and rate
 * limits. Every other endpoint may send, charge or change state, so it is retried only when the
 * caller passes `maxRetries` for that call.
 */
export const READ_ENDPOINTS: ReadonlySet<string> = new Set([
  'sms/get_history',
  'sms/get_rate',
  'sms/query_status',
  'voice/get_history',
  'voice/get_rate',
  'voice/query_status',
  'fax/get_history',
  'fax/get_rate',
  'fax/query_status',
  'number/get_countries',
  'number/get_choices',
  'number/get_rates',
  'number/get_active',
  'user/get_balance',
  'user/get_info',
]);

/** Whether `endpoint` (e.g. `sms/query_status`) is a read that may be retried by default. */
export function isReadEndpoint(endpoint: string): boolean {
  return READ_ENDPOINTS.has(endpoint);
}
