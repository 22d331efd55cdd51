import type { Migration } from 'kysely';
import * as createSchema from './2025_11_25_1600_create_schema.js';

/**
 * Every migration, by name, in the order they apply. A static record so migrations run the same
 * under tsx, vitest and built JavaScript (no FileMigrationProvider). Add new files here.
 */
export const migrations: Record<string, Migration> = {
  '2025_11_25_1600_create_schema': createSchema,
};
