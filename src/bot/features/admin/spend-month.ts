/** Hoiio bills in Singapore time (GMT+8): a "month" of spend starts at midnight GMT+8 on the 1st. */
const OFFSET_MS = 8 * 60 * 60 * 1000;

/** The instant the spend month containing `now` began (00:00 GMT+8 on the 1st). */
export function spendMonthStart(now: Date): Date {
  const local = new Date(now.getTime() + OFFSET_MS);
  return new Date(Date.UTC(local.getUTCFullYear(), local.getUTCMonth(), 1) - OFFSET_MS);
}

/** `YYYY-MM` of the spend month containing `now`. */
export function spendMonthLabel(now: Date): string {
  const local = new Date(now.getTime() + OFFSET_MS);
  return `${local.getUTCFullYear()}-${String(local.getUTCMonth() + 1).padStart(2, '0')}`;
}
