/** The set-up most e2e files share: one database per describe block, reset between tests, and the app on it. */
import { afterAll, beforeAll, beforeEach, onTestFinished } from 'vitest';
import { startTestApp, type TestApp, type TestAppOptions } from './test-app.js';
import { openTestDatabase, type TestDatabase, type TestEngine } from './test-db.js';

export interface TestAppSetup {
  /** This block's database: open from its `beforeAll` to its `afterAll`, emptied before each test. */
  readonly database: TestDatabase;
  /** Starts the app on `database`; it stops when the current test finishes. */
  startApp(options?: Omit<TestAppOptions, 'database'>): Promise<TestApp>;
}

/** Call inside a `describe`: registers the open, reset and close hooks of `engine`'s test database. */
export function useTestApp(engine: TestEngine): TestAppSetup {
  let database: TestDatabase | undefined;
  const current = (): TestDatabase => {
    if (!database) throw Object.assign(new Error('the test database is not open'), { code: 'test_db_not_open' });
    return database;
  };
  beforeAll(async () => {
    database = await openTestDatabase(engine);
  });
  afterAll(async () => {
    await current().close();
  });
  beforeEach(async () => {
    await current().reset();
  });
  return {
    get database() {
      return current();
    },
    async startApp(options = {}) {
      const t = await startTestApp({ ...options, database: current() });
      onTestFinished(() => t.stop());
      return t;
    },
  };
}
