/**
 * The optional IVR menu of a route (`number_routes.menu`, jsonb), owned by the call feature:
 *
 * ```json
 * { "prompt": "Press 1 for sales, 2 for support.",
 *   "options": { "1": { "label": "sales", "ring_user_ids": ["U123"] }, "2": { "label": "support", "ring_user_ids": ["U456"] } } }
 * ```
 *
 * A caller who presses a listed key rings that option's users; any other key (or none) rings the route's own ring
 * list. A malformed menu is ignored (the call goes on without it) rather than dropping the call.
 */
import { z } from 'zod';

const MenuSchema = z.object({
  prompt: z.string().trim().min(1).max(1000),
  options: z
    .record(
      z.string().regex(/^[0-9*#]$/),
      z.object({
        label: z.string().trim().min(1).max(80),
        ring_user_ids: z.array(z.string().regex(/^[UW][A-Z0-9]{2,30}$/)).max(20),
      }),
    )
    .refine((o) => Object.keys(o).length > 0, 'a menu needs at least one option'),
});

/** A route's menu with Slack user ids (phones are looked up when a call comes in). */
export interface RouteMenu {
  readonly prompt: string;
  readonly options: Readonly<Record<string, { readonly label: string; readonly ringUserIds: readonly string[] }>>;
}

/** The menu stored on a route, or null when there is none or it is malformed. */
export function parseRouteMenu(value: unknown): RouteMenu | null {
  if (value === null || value === undefined) return null;
  const parsed = MenuSchema.safeParse(value);
  if (!parsed.success) return null;
  const options: Record<string, { label: string; ringUserIds: string[] }> = {};
  for (const [digit, option] of Object.entries(parsed.data.options)) {
    options[digit] = { label: option.label, ringUserIds: option.ring_user_ids };
  }
  return { prompt: parsed.data.prompt, options };
}

/** Every user a menu may ring. */
export function menuUserIds(menu: RouteMenu | null): string[] {
  if (menu === null) return [];
  return [...new Set(Object.values(menu.options).flatMap((o) => o.ringUserIds))];
}
