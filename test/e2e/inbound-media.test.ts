/**
 * Fax PDFs are untrusted: a verified fax whose `fax_url` (from query_status, here a scripted Hoiio) points at a
 * disallowed host, a private address, a redirect, HTML dressed as a PDF or an endless body gets a card that says
 * so, and nothing is fetched or uploaded beyond the limits. HOIIO_MEDIA_HOSTS allows one local http origin and
 * https to `localhost` (which resolves to a loopback address: refused).
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { PDFDocument } from 'pdf-lib';
import { beforeAll, describe, expect, onTestFinished, test } from 'vitest';
import { upsertNumberRoute } from '../../src/db/repositories/number-routes.js';
import { HoiioClient } from '../../src/hoiio/index.js';
import { type FakeHoiio, ok, startFakeHoiio } from '../support/fake-hoiio.js';
import { startTestApp, type TestApp } from '../support/test-app.js';
import { testEngines, useTestDatabase } from '../support/test-db.js';
import { CUSTOMER, latestVersion, posts, tsOf } from './inbound-helpers.js';

const FAXES = 'C0FAXES';
const OUR_FAX = '+6531580002';
const MEDIA_LIMIT = 25 * 1024 * 1024;

interface MediaServer {
  readonly url: string;
  readonly port: number;
  readonly paths: string[];
  connections: number;
  /** Bytes the endless route has handed to the socket. */
  endlessBytes: number;
}

async function twoPagePdf(): Promise<Uint8Array> {
  const doc = await PDFDocument.create();
  doc.addPage([595, 842]).drawText('Purchase order 4711', { x: 50, y: 780 });
  doc.addPage([595, 842]);
  return doc.save();
}

/** Serves /ok.pdf, /redirect (→ /ok.pdf), /html.pdf (HTML sent as application/pdf) and /endless. */
async function mediaServer(pdf: Uint8Array): Promise<MediaServer> {
  const state = { paths: [] as string[], connections: 0, endlessBytes: 0 };
  const server: Server = createServer((req, res) => {
    const path = req.url?.split('?')[0] ?? '';
    state.paths.push(path);
    if (path === '/ok.pdf') return void res.writeHead(200, { 'content-type': 'application/pdf' }).end(pdf);
    if (path === '/redirect') return void res.writeHead(302, { location: '/ok.pdf' }).end();
    if (path === '/html.pdf') {
      return void res.writeHead(200, { 'content-type': 'application/pdf' }).end('<html><body>Sign in</body></html>');
    }
    if (path === '/endless') {
      res.writeHead(200, { 'content-type': 'application/pdf' });
      res.write('%PDF-1.4\n');
      const chunk = Buffer.alloc(256 * 1024, 0x20);
      const pump = () => {
        while (!res.destroyed && state.endlessBytes < 4 * MEDIA_LIMIT) {
          state.endlessBytes += chunk.length;
          if (!res.write(chunk)) return void res.once('drain', pump);
        }
        res.end();
      };
      pump();
      return;
    }
    res.writeHead(404).end();
  });
  server.on('connection', () => {
    state.connections += 1;
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  onTestFinished(() => {
    server.closeAllConnections();
    return new Promise<void>((resolve) => server.close(() => resolve()));
  });
  const port = (server.address() as AddressInfo).port;
  return Object.assign(state, { url: `http://127.0.0.1:${port}`, port }) as MediaServer;
}

describe.each(testEngines())('incoming fax media safety (%s)', (engine) => {
  const database = useTestDatabase(engine);
  let pdf: Uint8Array;
  beforeAll(async () => {
    pdf = await twoPagePdf();
  });

  interface Setup {
    t: TestApp;
    hoiio: FakeHoiio;
    allowed: MediaServer;
    other: MediaServer;
  }

  /** The app on a scripted Hoiio; HOIIO_MEDIA_HOSTS allows `allowed`'s origin and https to `localhost`. */
  async function setup(): Promise<Setup> {
    const [allowed, other, hoiio] = await Promise.all([mediaServer(pdf), mediaServer(pdf), startFakeHoiio()]);
    onTestFinished(() => hoiio.stop());
    const client = new HoiioClient({
      appId: 'app',
      accessToken: 'fake-access-token',
      baseUrl: hoiio.baseUrl,
      maxRetries: 0,
    });
    const t = await startTestApp({
      database,
      hoiio: client,
      env: { HOIIO_MEDIA_HOSTS: `${allowed.url},localhost` },
    });
    onTestFinished(() => t.stop());
    await upsertNumberRoute(t.db, { number: OUR_FAX, channel_id: FAXES });
    return { t, hoiio, allowed, other };
  }

  /** Hoiio confirms the fax with `faxUrl`; its notification arrives; the app does everything it will do. */
  async function receiveFax({ t, hoiio }: Setup, faxUrl: string): Promise<void> {
    const fields = {
      txn_ref: 'AA-FI-700001',
      src: CUSTOMER,
      dest: OUR_FAX,
      fax_status: 'answered',
      fax_pages: '5',
      fax_url: faxUrl,
      date: '2025-11-25 10:00:00',
      duration: '1',
      currency: 'SGD',
      rate: '0.015',
      debit: '0.015',
    };
    hoiio.always('fax/query_status', ok(fields));
    const notification = new URLSearchParams({
      txn_ref: fields.txn_ref,
      fax_status: 'answered',
      from: CUSTOMER,
      to: OUR_FAX,
      fax_url: 'https://attacker.example/notification-url-is-never-used.pdf',
      date: fields.date,
      duration: '1',
      currency: 'SGD',
      debit: '0.015',
    });
    const res = await fetch(t.webhookUrl('fax'), {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: notification.toString(),
    });
    expect(res.status).toBe(200);
    await t.whenIdle();
  }

  function finalCard(t: TestApp): string {
    const card = posts(t.slack, FAXES)[1];
    return JSON.stringify(latestVersion(t.slack, FAXES, tsOf(card))?.args ?? {});
  }

  test('control: an allowed origin serving a real PDF → uploaded once, pages counted from the PDF', async () => {
    const s = await setup();
    await receiveFax(s, `${s.allowed.url}/ok.pdf?X-Amz-Expires=3600`);
    expect(s.allowed.paths).toEqual(['/ok.pdf']);
    expect(s.t.slack.calls('files.completeUploadExternal')).toHaveLength(1);
    const card = finalCard(s.t);
    expect(card).toContain('*Pages*\\n2'); // the PDF's own count, not Hoiio's 5
    expect(card).toContain('Purchase order 4711');
  });

  test.each([
    ['a host not in HOIIO_MEDIA_HOSTS', (s: Setup) => `${s.other.url}/ok.pdf`, /host we do not download from/],
    // Refused after DNS, before connecting: were it tried, localhost:443 would refuse and the card would differ.
    ['an allowed name that resolves to a private address', () => 'https://localhost/ok.pdf', /private network address/],
  ])('%s → never connected to, nothing uploaded, the card says why', async (_name, url, problem) => {
    const s = await setup();
    await receiveFax(s, url(s));
    expect(s.other.connections).toBe(0);
    expect(s.allowed.connections).toBe(0);
    expect(s.t.slack.calls('files.getUploadURLExternal')).toEqual([]);
    expect(finalCard(s.t)).toMatch(problem);
  });

  test('a redirect is not followed', async () => {
    const s = await setup();
    await receiveFax(s, `${s.allowed.url}/redirect`);
    expect(s.allowed.paths).toEqual(['/redirect']);
    expect(s.t.slack.calls('files.getUploadURLExternal')).toEqual([]);
    expect(finalCard(s.t)).toMatch(/redirected elsewhere/);
  });

  test('HTML served as application/pdf is refused by its bytes', async () => {
    const s = await setup();
    await receiveFax(s, `${s.allowed.url}/html.pdf`);
    expect(s.allowed.paths).toEqual(['/html.pdf']);
    expect(s.t.slack.calls('files.getUploadURLExternal')).toEqual([]);
    expect(finalCard(s.t)).toMatch(/not a PDF/);
  });

  test('an endless body is cut at the size limit', async () => {
    const s = await setup();
    await receiveFax(s, `${s.allowed.url}/endless`);
    expect(s.allowed.paths).toEqual(['/endless']);
    // the server stops by itself at 4× the limit; the app hung up long before (socket buffers aside)
    expect(s.allowed.endlessBytes).toBeLessThan(MEDIA_LIMIT + 16 * 1024 * 1024);
    expect(s.t.slack.calls('files.getUploadURLExternal')).toEqual([]);
    expect(finalCard(s.t)).toMatch(/larger than the 25 MiB limit/);
  });
});
