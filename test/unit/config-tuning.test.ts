import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from 'vitest';
import { ConfigError, type Env, loadConfig } from '../../src/config.js';

const SLACK = { SLACK_BOT_TOKEN: 'xoxb-1-2-abc', SLACK_SIGNING_SECRET: 'sign-secret' };
const load = (env: Env) => loadConfig(env, { cwd: mkdtempSync(join(tmpdir(), 'config-tuning-')) });

test('timing knobs default to the components’ own defaults', () => {
  expect(load(SLACK).tuning).toEqual({
    jobPollMs: undefined,
    jobLeaseMs: undefined,
    jobBackoffBaseMs: undefined,
    jobBackoffCapMs: undefined,
    slackChannelIntervalMs: undefined,
  });
});

test('timing knobs are read as milliseconds', () => {
  const c = load({
    ...SLACK,
    JOB_POLL_MS: '50',
    JOB_LEASE_MS: '3000',
    JOB_BACKOFF_BASE_MS: '20',
    JOB_BACKOFF_CAP_MS: '500',
    SLACK_CHANNEL_INTERVAL_MS: '0',
  });
  expect(c.tuning).toEqual({
    jobPollMs: 50,
    jobLeaseMs: 3000,
    jobBackoffBaseMs: 20,
    jobBackoffCapMs: 500,
    slackChannelIntervalMs: 0,
  });
  expect(Object.isFrozen(c.tuning)).toBe(true);
});

test('bad timing knobs are reported with the others', () => {
  let problems: readonly string[] = [];
  try {
    load({ ...SLACK, JOB_POLL_MS: 'soon', JOB_LEASE_MS: '10', PORT: 'x' });
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    problems = (error as ConfigError).problems;
  }
  expect(problems).toEqual([
    'PORT must be a port number (0-65535)',
    'JOB_POLL_MS must be a whole number of milliseconds (at least 10)',
    'JOB_LEASE_MS must be at least 1000 ms',
  ]);
});
