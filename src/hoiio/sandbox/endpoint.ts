/**
 * The shape of one Hoiio API endpoint in the sandbox, and helpers shared by the endpoint groups.
 */
import { formatHoiioDateTime } from '../hoiio-time.js';
import { compareMoney, type Money, roundMoney } from '../money.js';
import type { SandboxContext } from './context.js';
import { fail, type Params } from './validation.js';

/** Success fields of an answer (the dispatcher adds `status`). */
export type EndpointResult = Record<string, unknown>;

/** One endpoint: its handler, and whether it is a query API (60 requests/min). */
export interface EndpointSpec {
  handler: (ctx: SandboxContext, p: Params) => EndpointResult | Promise<EndpointResult>;
  query?: boolean;
  /** `connect/get_token` authenticates with an app secret instead of an access token. */
  noAccessToken?: boolean;
}

/** The most calls and faxes live at once. */
export const MAX_CONCURRENT = 8;

/** Hoiio's date format. */
export const hoiioDate = formatHoiioDateTime;

/** An amount as Hoiio prints it: 3 decimals. */
export function amount(value: Money): string {
  return roundMoney(value, 3);
}

/** Refuses the request unless the balance covers `cost`. */
export function requireCredit(ctx: SandboxContext, cost: Money): void {
  if (compareMoney(cost, '0') > 0 && !ctx.state.canAfford(cost)) fail('error_insufficient_credit');
}

/** Refuses the request unless `extra` more calls/faxes fit under the limit. */
export function requireLine(ctx: SandboxContext, extra = 1): void {
  if (ctx.state.liveCount() + extra > MAX_CONCURRENT) fail('error_concurrent_call_limit_reached');
}

/** Refuses sending to anyone but the registered mobile number on a trial account. */
export function requireTrialAllows(ctx: SandboxContext, ...dests: string[]): void {
  const { trial, mobileNumber } = ctx.state.account;
  if (trial && dests.some((d) => d !== mobileNumber)) fail('error_not_allowed_for_trial');
}

/** Whole minutes billed for `seconds` of talk (0 for none, else rounded up). */
export function billedMinutes(seconds: number): number {
  return seconds <= 0 ? 0 : Math.ceil(seconds / 60);
}
