import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { ConfigError, type Env, loadConfig } from '../../src/config.js';

const SLACK = { SLACK_BOT_TOKEN: 'xoxb-1-2-abc', SLACK_SIGNING_SECRET: 'sign-secret' };

function emptyDir(): string {
  return mkdtempSync(join(tmpdir(), 'config-test-'));
}

function load(env: Env, cwd = emptyDir()) {
  return loadConfig(env, { cwd });
}

function problemsOf(env: Env, cwd = emptyDir()): readonly string[] {
  try {
    loadConfig(env, { cwd });
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).code).toBe('config_invalid');
    return (error as ConfigError).problems;
  }
  throw new Error('expected a ConfigError');
}

describe('defaults', () => {
  test('only the Slack credentials are required; everything else has its documented default', () => {
    const c = load(SLACK, '/srv/app');
    expect(c).toMatchObject({
      slackBotToken: 'xoxb-1-2-abc',
      slackSigningSecret: 'sign-secret',
      slackAppToken: undefined,
      socketMode: false,
      slackApiUrl: 'https://slack.com/api/',
      hoiio: { mode: 'sandbox' },
      sandboxMode: true,
      hoiioWebhookToken: undefined,
      hoiioMediaHosts: ['hoiio.s3.amazonaws.com', 'http://localhost:3000'],
      publicUrl: 'http://localhost:3000',
      databaseUrl: undefined,
      dataDir: '/srv/app/data',
      port: 3000,
      host: '0.0.0.0',
      defaultChannel: undefined,
      adminUserIds: [],
      defaultCountry: 'SG',
      logLevel: 'info',
    });
  });

  test('the result is frozen', () => {
    const c = load(SLACK);
    expect(Object.isFrozen(c)).toBe(true);
    expect(Object.isFrozen(c.adminUserIds)).toBe(true);
    expect(() => {
      (c as { port: number }).port = 1;
    }).toThrow(TypeError);
  });
});

describe('every variable', () => {
  test('is read and normalised', () => {
    const c = load({
      ...SLACK,
      SLACK_APP_TOKEN: 'xapp-1-A1-xyz',
      SLACK_API_URL: 'http://127.0.0.1:9999/api',
      HOIIO_APP_ID: 'app-1',
      HOIIO_ACCESS_TOKEN: 'hoiio-secret',
      HOIIO_API_URL: 'http://127.0.0.1:4010/open',
      HOIIO_WEBHOOK_TOKEN: 'abcdefghijklmnopqrstuv',
      HOIIO_MEDIA_HOSTS: 'Hoiio.S3.amazonaws.com, *.example.org ,http://127.0.0.1:4010',
      PUBLIC_URL: 'https://hoiio-slack.example.com/',
      DATABASE_URL: 'postgres://app:pw@db:5432/hoiio',
      DATA_DIR: '/var/lib/hoiio',
      PORT: '8080',
      HOST: '127.0.0.1',
      DEFAULT_CHANNEL: 'C0123456789',
      ADMIN_USER_IDS: 'U0123456789, W0987654321',
      DEFAULT_COUNTRY: 'my',
      LOG_LEVEL: 'debug',
    });
    expect(c).toMatchObject({
      slackAppToken: 'xapp-1-A1-xyz',
      socketMode: true,
      slackApiUrl: 'http://127.0.0.1:9999/api/',
      hoiio: { mode: 'live', appId: 'app-1', accessToken: 'hoiio-secret', apiUrl: 'http://127.0.0.1:4010/open/' },
      sandboxMode: false,
      hoiioWebhookToken: 'abcdefghijklmnopqrstuv',
      hoiioMediaHosts: ['hoiio.s3.amazonaws.com', '*.example.org', 'http://127.0.0.1:4010'],
      publicUrl: 'https://hoiio-slack.example.com',
      databaseUrl: 'postgres://app:pw@db:5432/hoiio',
      dataDir: '/var/lib/hoiio',
      port: 8080,
      host: '127.0.0.1',
      defaultChannel: 'C0123456789',
      adminUserIds: ['U0123456789', 'W0987654321'],
      defaultCountry: 'MY',
      logLevel: 'debug',
    });
  });

  test('PUBLIC_URL defaults to the configured port', () => {
    expect(load({ ...SLACK, PORT: '4567' }).publicUrl).toBe('http://localhost:4567');
  });

  test('live Hoiio uses the real API URL by default', () => {
    const c = load({ ...SLACK, HOIIO_APP_ID: 'a', HOIIO_ACCESS_TOKEN: 't' });
    expect(c.hoiio).toEqual({ mode: 'live', appId: 'a', accessToken: 't', apiUrl: 'https://secure.hoiio.com/open/' });
  });

  test('a relative DATA_DIR is resolved against cwd', () => {
    expect(load({ ...SLACK, DATA_DIR: 'state/db' }, '/opt/hoiio').dataDir).toBe('/opt/hoiio/state/db');
  });

  test('empty values count as unset', () => {
    const c = load({ ...SLACK, PORT: '', LOG_LEVEL: ' ', HOIIO_APP_ID: '', HOIIO_ACCESS_TOKEN: '' });
    expect(c.port).toBe(3000);
    expect(c.logLevel).toBe('info');
    expect(c.sandboxMode).toBe(true);
  });
});

describe('problems', () => {
  test('are all reported at once', () => {
    const problems = problemsOf({
      SLACK_BOT_TOKEN: 'not-a-bot-token',
      SLACK_SIGNING_SECRET: 's',
      SLACK_API_URL: 'ftp://slack',
      HOIIO_APP_ID: 'only-the-id',
      HOIIO_WEBHOOK_TOKEN: 'short',
      HOIIO_MEDIA_HOSTS: 'ok.example.com,bad host,ftp://x.example.com,http://h:1/path',
      PUBLIC_URL: 'nope',
      DATABASE_URL: 'mysql://x',
      PORT: '70000',
      DEFAULT_CHANNEL: 'general',
      ADMIN_USER_IDS: 'U0123456789,bob',
      DEFAULT_COUNTRY: 'XX',
      LOG_LEVEL: 'loud',
    });
    const expected = [
      /^SLACK_BOT_TOKEN must start with xoxb-/,
      /^SLACK_API_URL must be an http\(s\) URL/,
      /^HOIIO_ACCESS_TOKEN is missing: set both/,
      /^HOIIO_WEBHOOK_TOKEN must be at least 22 URL-safe characters/,
      /^HOIIO_MEDIA_HOSTS entry "bad host"/,
      /^HOIIO_MEDIA_HOSTS entry "ftp:\/\/x.example.com"/,
      /^HOIIO_MEDIA_HOSTS entry "http:\/\/h:1\/path"/,
      /^PUBLIC_URL must be an http\(s\) URL/,
      /^DATABASE_URL must be a postgres:\/\/ URL/,
      /^PORT must be a port number/,
      /^DEFAULT_CHANNEL must be a Slack channel id/,
      /^ADMIN_USER_IDS has "bob"/,
      /^DEFAULT_COUNTRY must be an ISO 3166 region code/,
      /^LOG_LEVEL must be one of/,
    ];
    for (const pattern of expected)
      expect(
        problems.some((p) => pattern.test(p)),
        String(pattern),
      ).toBe(true);
    expect(problems).toHaveLength(expected.length);
  });

  test('the error message lists every problem', () => {
    expect(() => load({ PORT: 'x', LOG_LEVEL: 'loud' })).toThrow(/SLACK_BOT_TOKEN[\s\S]*PORT[\s\S]*LOG_LEVEL/);
  });

  test('missing Slack credentials name what is missing and point at manifest.yml', () => {
    const problems = problemsOf({});
    expect(problems).toHaveLength(1);
    expect(problems[0]).toContain('Slack credentials missing: SLACK_BOT_TOKEN, SLACK_SIGNING_SECRET.');
    expect(problems[0]).toContain('manifest.yml');
    expect(problems[0]).toContain('README.md');
  });

  test('the signing secret is not required in Socket Mode', () => {
    const c = load({ SLACK_BOT_TOKEN: 'xoxb-1', SLACK_APP_TOKEN: 'xapp-1' });
    expect(c.socketMode).toBe(true);
    expect(c.slackSigningSecret).toBeUndefined();
    expect(problemsOf({ SLACK_BOT_TOKEN: 'xoxb-1', SLACK_APP_TOKEN: 'xoxb-wrong' })).toEqual([
      'SLACK_APP_TOKEN must start with xapp-',
    ]);
  });

  test('Hoiio credentials come both or neither; HOIIO_API_URL needs them', () => {
    expect(problemsOf({ ...SLACK, HOIIO_ACCESS_TOKEN: 't' })[0]).toMatch(/^HOIIO_APP_ID is missing/);
    expect(problemsOf({ ...SLACK, HOIIO_API_URL: 'http://127.0.0.1:4010/open/' })[0]).toMatch(
      /^HOIIO_API_URL is set without HOIIO_APP_ID and HOIIO_ACCESS_TOKEN/,
    );
  });
});

describe('HOIIO_WEBHOOK_TOKEN', () => {
  test('needs at least 22 URL-safe characters', () => {
    expect(load({ ...SLACK, HOIIO_WEBHOOK_TOKEN: 'A-b_0123456789012345678' }).hoiioWebhookToken).toBe(
      'A-b_0123456789012345678',
    );
    expect(load({ ...SLACK, HOIIO_WEBHOOK_TOKEN: 'a'.repeat(22) }).hoiioWebhookToken).toBe('a'.repeat(22));
    expect(problemsOf({ ...SLACK, HOIIO_WEBHOOK_TOKEN: 'a'.repeat(21) })).toHaveLength(1);
    expect(problemsOf({ ...SLACK, HOIIO_WEBHOOK_TOKEN: `${'a'.repeat(22)}/x` })).toHaveLength(1);
    expect(problemsOf({ ...SLACK, HOIIO_WEBHOOK_TOKEN: `${'a'.repeat(22)}+=` })).toHaveLength(1);
  });
});

describe('HOIIO_MEDIA_HOSTS', () => {
  test("live mode: Hoiio's media host by default; sandbox mode adds the sandbox at PUBLIC_URL", () => {
    const live = { ...SLACK, HOIIO_APP_ID: 'a', HOIIO_ACCESS_TOKEN: 't' };
    expect(load(live).hoiioMediaHosts).toEqual(['hoiio.s3.amazonaws.com']);
    expect(load({ ...live, HOIIO_MEDIA_HOSTS: 'media.example.com' }).hoiioMediaHosts).toEqual(['media.example.com']);
    expect(load({ ...SLACK, PORT: '4000' }).hoiioMediaHosts).toEqual([
      'hoiio.s3.amazonaws.com',
      'http://localhost:4000',
    ]);
    expect(load({ ...SLACK, PUBLIC_URL: 'https://hoiio.example.com' }).hoiioMediaHosts).toEqual([
      'hoiio.s3.amazonaws.com',
      'hoiio.example.com',
    ]);
    expect(
      load({ ...SLACK, HOIIO_MEDIA_HOSTS: 'm.example.com', PUBLIC_URL: 'http://10.0.0.5:8080/' }).hoiioMediaHosts,
    ).toEqual(['m.example.com', 'http://10.0.0.5:8080']);
  });

  test('bare hosts (https only), wildcards, https:// hosts and http://host:port origins', () => {
    const c = load({
      ...SLACK,
      HOIIO_APP_ID: 'a',
      HOIIO_ACCESS_TOKEN: 't',
      HOIIO_MEDIA_HOSTS:
        'media.example.com,*.cdn.example.com,https://files.example.net,http://localhost:4010,http://[::1]:8080',
    });
    expect(c.hoiioMediaHosts).toEqual([
      'media.example.com',
      '*.cdn.example.com',
      'files.example.net',
      'http://localhost:4010',
      'http://[::1]:8080',
    ]);
  });

  test('rejects paths, credentials, other schemes, ports on https entries and junk', () => {
    for (const bad of [
      'http://h:1/x',
      'http://user:pw@h:1',
      'ftp://h',
      'https://h.example.com:8443',
      'h.example.com/path',
      'h_x.example.com',
      '*',
    ]) {
      expect(problemsOf({ ...SLACK, HOIIO_MEDIA_HOSTS: bad }), bad).toHaveLength(1);
    }
  });
});

describe('.env', () => {
  test('is read from cwd and the real environment wins', () => {
    const dir = emptyDir();
    writeFileSync(
      join(dir, '.env'),
      '# comment\nSLACK_BOT_TOKEN=xoxb-from-file\nSLACK_SIGNING_SECRET="file secret"\nPORT=4000\nLOG_LEVEL=warn\n',
    );
    const env: Record<string, string> = { SLACK_BOT_TOKEN: 'xoxb-from-env', PORT: '5000' };
    const c = loadConfig(env, { cwd: dir });
    expect(c.slackBotToken).toBe('xoxb-from-env');
    expect(c.slackSigningSecret).toBe('file secret');
    expect(c.port).toBe(5000);
    expect(c.logLevel).toBe('warn');
    // nothing is written back into the environment
    expect(env).toEqual({ SLACK_BOT_TOKEN: 'xoxb-from-env', PORT: '5000' });
  });

  test('never mutates process.env', () => {
    const dir = emptyDir();
    writeFileSync(join(dir, '.env'), 'SLACK_BOT_TOKEN=xoxb-x\nSLACK_SIGNING_SECRET=s\nHOIIO_CONFIG_TEST_MARKER=1\n');
    loadConfig({}, { cwd: dir });
    expect('HOIIO_CONFIG_TEST_MARKER' in process.env).toBe(false);
  });

  test('problems in .env are reported like the others', () => {
    const dir = emptyDir();
    writeFileSync(join(dir, '.env'), 'PORT=abc\n');
    expect(problemsOf({ ...SLACK }, dir)).toEqual(['PORT must be a port number (0-65535)']);
  });
});

describe('secrets()', () => {
  test('lists every secret value, including the database password in raw and decoded form', () => {
    const c = load({
      SLACK_BOT_TOKEN: 'xoxb-bot',
      SLACK_SIGNING_SECRET: 'signing',
      SLACK_APP_TOKEN: 'xapp-app',
      HOIIO_APP_ID: 'app-id',
      HOIIO_ACCESS_TOKEN: 'hoiio-token',
      HOIIO_WEBHOOK_TOKEN: 'w'.repeat(24),
      DATABASE_URL: 'postgres://user:p%40ss@db/hoiio',
    });
    expect(new Set(c.secrets())).toEqual(
      new Set(['xoxb-bot', 'signing', 'xapp-app', 'hoiio-token', 'w'.repeat(24), 'p%40ss', 'p@ss']),
    );
    // the app id is not a secret
    expect(c.secrets()).not.toContain('app-id');
  });

  test('has nothing for unset secrets', () => {
    expect(load(SLACK).secrets()).toEqual(['xoxb-1-2-abc', 'sign-secret']);
  });
});
