import type { BotDeps } from '../../deps.js';

/** Who may change routes and settings: workspace admins/owners (users.info) and ADMIN_USER_IDS. */
export interface AdminCheck {
  isAdmin(userId: string): Promise<boolean>;
}

interface CacheEntry {
  readonly admin: boolean;
  readonly until: number;
}

/**
 * An admin check that asks Slack's `users.info` at most once per user per `ttlMs` (default 60 s). A failed lookup
 * is not cached and counts as "not an admin" (the refusal says so), so a Slack outage never grants rights.
 * Call it after `ack()`: it may call Slack.
 */
export function createAdminCheck(
  deps: Pick<BotDeps, 'config' | 'slack' | 'clock' | 'logger'>,
  { ttlMs = 60_000 }: { ttlMs?: number } = {},
): AdminCheck {
  const cache = new Map<string, CacheEntry>();
  return {
    async isAdmin(userId) {
      if (deps.config.adminUserIds.includes(userId)) return true;
      const now = deps.clock.now().getTime();
      const hit = cache.get(userId);
      if (hit !== undefined && hit.until > now) return hit.admin;
      try {
        const res = await deps.slack.users.info({ user: userId });
        const admin = res.user?.is_admin === true || res.user?.is_owner === true || res.user?.is_primary_owner === true;
        if (cache.size > 5000) cache.clear();
        cache.set(userId, { admin, until: now + ttlMs });
        return admin;
      } catch (error) {
        deps.logger.warn({ err: error, userId }, 'users.info failed: treating the user as not an admin');
        return false;
      }
    },
  };
}

/** The refusal a non-admin gets for an admin action. */
export function notAdminText(what: string): string {
  return (
    `Only workspace admins and owners (or users listed in ADMIN_USER_IDS) can ${what}. ` +
    'Ask one of them, or ask whoever runs this app to add you to ADMIN_USER_IDS.'
  );
}
