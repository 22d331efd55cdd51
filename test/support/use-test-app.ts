/** The set-up most e2e files share: one database per describe block, reset between tests, and the app on it. */
import { onTestFinished } from 'vitest';
import { startTestApp, type TestApp, type TestAppOptions } from './test-app.js';
import { type TestDatabase, type TestEngine, useTestDatabase } from './test-db.js';

export interface TestAppSetup {
  /** This block's database: open from its `beforeAll` to its `afterAll`, emptied before each test. */
  readonly database: TestDatabase;
  /** Starts the app on `database`; it stops when the current test finishes. */
  startApp(options?: Omit<TestAppOptions, 'database'>): Promise<TestApp>;
}

/** Call inside a `describe`: registers the open, reset and close hooks of `engine`'s test database. */
export function useTestApp(engine: TestEngine): TestAppSetup {
  const database = useTestDatabase(engine);
  return {
    database,
    async startApp(options = {}) {
      const t = await startTestApp({ ...options, database });
      onTestFinished(() => t.stop());
      return t;
    },
  };
}
