import { describe, expect, onTestFinished, test } from 'vitest';
import { downloadSlackFile, SlackFileError } from '../../../src/bot/media/slack-file.js';
import { closed, type Handler, type RecordingServer, startServer } from './media-server.js';

const TOKEN = 'xoxb-test-token-not-real';
const PDF = Buffer.from('%PDF-1.4\nfake fax body\n%%EOF\n');

async function serve(handler: Handler): Promise<RecordingServer> {
  const server = await startServer(handler);
  onTestFinished(() => server.close());
  return server;
}

async function failure(promise: Promise<unknown>): Promise<SlackFileError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(SlackFileError);
  return error as SlackFileError;
}

describe('downloadSlackFile', () => {
  test('downloads from the allowed origin with the bot token', async () => {
    const slack = await serve((_req, res) => res.writeHead(200, { 'content-type': 'application/pdf' }).end(PDF));
    const bytes = await downloadSlackFile(`${slack.origin}/files-pri/T1-F1/fax.pdf`, {
      botToken: TOKEN,
      allowedOrigins: ['https://files.slack.com', `${slack.origin}/api/`],
      maxBytes: 2 * 1024 * 1024,
    });
    expect(bytes.equals(PDF)).toBe(true);
    expect(slack.requests).toMatchObject([
      { url: '/files-pri/T1-F1/fax.pdf', headers: { authorization: `Bearer ${TOKEN}` } },
    ]);
  });

  test('a URL on another origin is refused without any request', async () => {
    const other = await serve((_req, res) => res.end(PDF));
    const error = await failure(
      downloadSlackFile(`${other.origin}/files-pri/T1-F1/fax.pdf`, {
        botToken: TOKEN,
        allowedOrigins: ['https://files.slack.com', 'http://127.0.0.1:1'],
        maxBytes: 1024,
      }),
    );
    expect(error.code).toBe('origin_not_allowed');
    expect(error.userMessage).toMatch(/could not download/);
    expect(other.connections).toHaveLength(0);
  });

  test('a redirect within the allowed origins is followed with the token', async () => {
    const slack = await serve((req, res) => {
      if (req.url === '/files-pri/T1-F1/fax.pdf') res.writeHead(302, { location: '/files-tmb/T1-F1/fax.pdf' }).end();
      else res.end(PDF);
    });
    const bytes = await downloadSlackFile(`${slack.origin}/files-pri/T1-F1/fax.pdf`, {
      botToken: TOKEN,
      allowedOrigins: [slack.origin],
      maxBytes: 1024,
    });
    expect(bytes.equals(PDF)).toBe(true);
    expect(slack.requests.map((r) => [r.url, r.headers.authorization])).toEqual([
      ['/files-pri/T1-F1/fax.pdf', `Bearer ${TOKEN}`],
      ['/files-tmb/T1-F1/fax.pdf', `Bearer ${TOKEN}`],
    ]);
  });

  test('a redirect to another origin is not followed: the token never leaves', async () => {
    const elsewhere = await serve((_req, res) => res.end(PDF));
    const slack = await serve((_req, res) => res.writeHead(302, { location: `${elsewhere.origin}/steal` }).end());
    const error = await failure(
      downloadSlackFile(`${slack.origin}/files-pri/T1-F1/fax.pdf`, {
        botToken: TOKEN,
        allowedOrigins: [slack.origin],
        maxBytes: 1024,
      }),
    );
    expect(error.code).toBe('redirect');
    expect(error.status).toBe(302);
    expect(slack.requests).toHaveLength(1);
    expect(elsewhere.connections).toHaveLength(0);
  });

  test('a redirect loop stops', async () => {
    const slack = await serve((_req, res) => res.writeHead(302, { location: '/again' }).end());
    const error = await failure(
      downloadSlackFile(`${slack.origin}/start`, { botToken: TOKEN, allowedOrigins: [slack.origin], maxBytes: 1024 }),
    );
    expect(error.code).toBe('redirect');
    expect(slack.requests.length).toBeLessThanOrEqual(4);
  });

  test('a Content-Length over the cap is refused with a message for the user', async () => {
    const slack = await serve((_req, res) => {
      res.writeHead(200, { 'content-length': String(3 * 1024 * 1024) });
      res.flushHeaders(); // and never the body: only the header can make this fail fast
    });
    const error = await failure(
      downloadSlackFile(`${slack.origin}/big.pdf`, {
        botToken: TOKEN,
        allowedOrigins: [slack.origin],
        maxBytes: 2 * 1024 * 1024,
        limitNote: 'Hoiio accepts for a fax',
      }),
    );
    expect(error.code).toBe('too_large');
    expect(error.retryable).toBe(false);
    expect(error.userMessage).toBe('The file is larger than the 2 MB Hoiio accepts for a fax.');
  });

  test('an endless body is cut at the cap', async () => {
    const slack = await serve((_req, res) => {
      const chunk = Buffer.alloc(16 * 1024, 0x41);
      const pump = (): void => {
        while (!res.destroyed && res.write(chunk)) {}
      };
      res.on('drain', pump);
      pump();
    });
    const error = await failure(
      downloadSlackFile(`${slack.origin}/endless`, {
        botToken: TOKEN,
        allowedOrigins: [slack.origin],
        maxBytes: 100_000,
      }),
    );
    expect(error.code).toBe('too_large');
    expect(error.userMessage).toBe('The file is larger than the 97.7 KB limit.');
    await closed(slack.connections[0]);
  });

  test.each([
    [500, true],
    [429, true],
    [404, false],
    [403, false],
  ])('HTTP %i -> http_status, retryable %s', async (status, retryable) => {
    const slack = await serve((_req, res) => res.writeHead(status).end('nope'));
    const error = await failure(
      downloadSlackFile(`${slack.origin}/f`, { botToken: TOKEN, allowedOrigins: [slack.origin], maxBytes: 1024 }),
    );
    expect(error).toMatchObject({ code: 'http_status', status, retryable });
  });

  test('a server that never answers times out', async () => {
    const slack = await serve(() => {});
    const error = await failure(
      downloadSlackFile(`${slack.origin}/f`, {
        botToken: TOKEN,
        allowedOrigins: [slack.origin],
        maxBytes: 1024,
        timeoutMs: 150,
      }),
    );
    expect(error.code).toBe('timeout');
    expect(error.retryable).toBe(true);
  });

  test('the token never appears in errors', async () => {
    const slack = await serve((_req, res) => res.writeHead(503).end());
    const error = await failure(
      downloadSlackFile(`${slack.origin}/f?t=${TOKEN}`, {
        botToken: TOKEN,
        allowedOrigins: [slack.origin],
        maxBytes: 1,
      }),
    );
    expect(`${error.message} ${error.userMessage} ${error.stack} ${JSON.stringify(error)}`).not.toContain(TOKEN);
  });
});
