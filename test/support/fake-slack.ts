/**
 * A fake Slack Web API on 127.0.0.1 (port 0) for tests: records every call and answers the methods the app uses.
 * Point SLACK_API_URL at `fake.apiUrl`. Unknown methods answer `unknown_method` and are recorded, so a test can
 * assert `fake.unexpectedCalls()` is empty. Started with an `appToken`, it also speaks Socket Mode: it answers
 * `apps.connections.open` for that token and serves the websocket (`fake.socketMode`, fake-slack-socket.ts).
 */
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { FakeSocketMode } from './fake-slack-socket.js';

export interface RecordedCall {
  /** Web API method (`chat.postMessage`), or `response_url`, `file_upload`, `file_download`. */
  readonly method: string;
  readonly args: Record<string, any>;
  readonly headers: IncomingHttpHeaders;
  /** The token sent (Bearer header or `token` argument). */
  readonly token: string | undefined;
  /** Order of arrival, from 1. */
  readonly seq: number;
  /** When the request arrived (`Date.now()`), e.g. to check a Retry-After was honoured. */
  readonly at: number;
  /** What the fake answered (status and JSON body). */
  readonly response: { status: number; body: unknown };
}

export type Failure =
  | { readonly error: string; readonly status?: undefined }
  | { readonly status: 429; readonly retryAfter: number }
  | { readonly status: number; readonly retryAfter?: undefined; readonly error?: undefined };

export interface FakeUser {
  readonly id: string;
  readonly name?: string;
  readonly is_admin?: boolean;
  readonly is_owner?: boolean;
  readonly tz?: string;
  readonly profile?: { phone?: string; real_name?: string; display_name?: string; email?: string };
}

export interface FakeChannel {
  readonly id: string;
  readonly name?: string;
  readonly is_private?: boolean;
  readonly is_member?: boolean;
}

export interface FakeFile {
  readonly id: string;
  readonly name: string;
  readonly mimetype: string;
  readonly size: number;
  readonly url_private: string;
  readonly url_private_download: string;
}

/** A message as the fake keeps it (conversations.history / conversations.replies answer these). */
export interface FakeMessage {
  readonly ts: string;
  text: unknown;
  blocks: unknown;
  readonly thread_ts?: string;
  readonly metadata?: unknown;
  readonly bot_id: string;
}

/**
 * Runs after the fake has decided its answer to a call and before it is sent: e.g. stop the app right after Slack
 * answered a post. The answer is sent once the hook's promise settles (a rejected hook still answers).
 */
export type CallHook = (call: RecordedCall) => void | Promise<void>;

export interface FakeSlackOptions {
  /** The only bot token accepted; default `xoxb-test-token`. */
  readonly botToken?: string;
  /** An app-level token (`xapp-…`): the only one `apps.connections.open` accepts; Socket Mode is served. */
  readonly appToken?: string;
}

export const FAKE_TEAM_ID = 'T0FAKETEAM';
export const FAKE_BOT_USER_ID = 'U0FAKEBOT';
export const FAKE_BOT_ID = 'B0FAKEBOT';
/** The app's id (`api_app_id` in requests, `connection_info.app_id` in Socket Mode's hello). */
export const FAKE_APP_ID = 'A0FAKEAPP';

const JSON_ARGS = new Set(['blocks', 'attachments', 'view', 'files', 'metadata', 'unfurls']);
const MAX_BODY = 64 * 1024 * 1024;

export class FakeSlack {
  readonly botToken: string;
  readonly appToken: string | undefined;
  #origin = '';
  #socketMode: FakeSocketMode | undefined;
  #server = createServer((req, res) => {
    this.#handle(req, res).catch((error: unknown) => {
      if (!res.headersSent) res.writeHead(500);
      res.end(String(error));
    });
  });
  #calls: RecordedCall[] = [];
  #waiters: { method: string; predicate: (c: RecordedCall) => boolean; resolve: (c: RecordedCall) => void }[] = [];
  #failures = new Map<string, Failure[]>();
  #users = new Map<string, FakeUser>();
  #channels = new Map<string, FakeChannel>();
  #files = new Map<string, { file: FakeFile; bytes: Buffer }>();
  #uploads = new Map<string, Buffer>();
  /** Messages posted, by channel, oldest first. */
  #messages = new Map<string, FakeMessage[]>();
  #hooks: { method: string; hook: CallHook }[] = [];
  #tsMicros = 0;
  #ids = 0;

  constructor({ botToken = 'xoxb-test-token', appToken }: FakeSlackOptions = {}) {
    this.botToken = botToken;
    this.appToken = appToken;
  }

  /** Starts the fake on 127.0.0.1, port 0 (and, with an `appToken`, its Socket Mode websocket on another port). */
  static async start(options?: FakeSlackOptions): Promise<FakeSlack> {
    const fake = new FakeSlack(options);
    await new Promise<void>((resolve) => fake.#server.listen(0, '127.0.0.1', resolve));
    fake.#origin = `http://127.0.0.1:${(fake.#server.address() as AddressInfo).port}`;
    if (fake.appToken !== undefined) fake.#socketMode = await FakeSocketMode.start(FAKE_APP_ID);
    return fake;
  }

  /** The Socket Mode side (only when started with an `appToken`). */
  get socketMode(): FakeSocketMode {
    if (this.#socketMode === undefined) throw new Error('fake Slack: started without an appToken: no Socket Mode');
    return this.#socketMode;
  }

  get origin(): string {
    return this.#origin;
  }

  /** The SLACK_API_URL to configure. */
  get apiUrl(): string {
    return `${this.#origin}/api/`;
  }

  /** A fresh `response_url` on the fake; `respond()` to it is recorded as method `response_url`. */
  responseUrl(): string {
    return `${this.#origin}/response/${this.#id('R')}`;
  }

  /** Recorded calls, optionally of one method, in order. */
  calls(method?: string): RecordedCall[] {
    return this.#calls.filter((c) => method === undefined || c.method === method);
  }

  /** Calls of methods the fake does not know. */
  unexpectedCalls(): RecordedCall[] {
    return this.#calls.filter(
      (c) => c.response.body !== null && (c.response.body as { error?: string }).error === 'unknown_method',
    );
  }

  /** Resolves with the first call of `method` matching `predicate`, already made or still to come. */
  waitForCall(method: string, predicate: (call: RecordedCall) => boolean = () => true): Promise<RecordedCall> {
    const past = this.#calls.find((c) => c.method === method && predicate(c));
    if (past !== undefined) return Promise.resolve(past);
    return new Promise((resolve) => this.#waiters.push({ method, predicate, resolve }));
  }

  /** The next call of `method` fails as given (queued: call twice to fail twice). */
  failNext(method: string, failure: Failure): void {
    this.#failures.set(method, [...(this.#failures.get(method) ?? []), failure]);
  }

  /** Runs `hook` for every call of `method` once answered, before the answer goes out (see {@link CallHook}). */
  onCall(method: string, hook: CallHook): () => void {
    const entry = { method, hook };
    this.#hooks.push(entry);
    return () => {
      this.#hooks = this.#hooks.filter((h) => h !== entry);
    };
  }

  /** The messages posted to `channel` (top level and replies), oldest first, as last updated. */
  messages(channel: string): readonly FakeMessage[] {
    return this.#messages.get(channel) ?? [];
  }

  setUser(user: FakeUser): void {
    this.#users.set(user.id, user);
  }

  setChannel(channel: FakeChannel): void {
    this.#channels.set(channel.id, channel);
  }

  /** Registers a file; its `url_private` serves `bytes` to the bot token only. */
  addFile(bytes: Uint8Array, { name = 'file.pdf', mimetype = 'application/pdf' } = {}): FakeFile {
    const id = this.#id('F');
    const url = `${this.#origin}/files-pri/${FAKE_TEAM_ID}-${id}/${encodeURIComponent(name)}`;
    const file: FakeFile = { id, name, mimetype, size: bytes.length, url_private: url, url_private_download: url };
    this.#files.set(id, { file, bytes: Buffer.from(bytes) });
    return file;
  }

  /** Bytes uploaded through `files.getUploadURLExternal`'s upload_url, by file id. */
  uploadedBytes(fileId: string): Buffer | undefined {
    return this.#uploads.get(fileId);
  }

  async close(): Promise<void> {
    await this.#socketMode?.close();
    this.#server.closeAllConnections();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }

  #id(prefix: string): string {
    this.#ids += 1;
    return `${prefix}0${String(this.#ids).padStart(8, '0')}`;
  }

  /** Message ts as Slack makes them: the current time in seconds with microseconds, unique and increasing. */
  #nextTs(): string {
    this.#tsMicros = Math.max(this.#tsMicros + 1, Date.now() * 1000);
    return `${Math.floor(this.#tsMicros / 1e6)}.${String(this.#tsMicros % 1e6).padStart(6, '0')}`;
  }

  async #handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', this.#origin);
    const raw = await readAll(req);
    const token = bearer(req.headers.authorization);
    if (url.pathname.startsWith('/api/')) {
      const method = url.pathname.slice('/api/'.length);
      const args = parseArgs(raw, req.headers['content-type']);
      const { token: argToken } = args;
      const callToken = token ?? (typeof argToken === 'string' ? argToken : undefined);
      const failure = this.#failures.get(method)?.shift();
      let status = 200;
      let body: Record<string, unknown>;
      const headers: Record<string, string> = { 'content-type': 'application/json' };
      if (failure !== undefined && failure.status !== undefined) {
        status = failure.status;
        body = { ok: false, error: status === 429 ? 'ratelimited' : 'service_unavailable' };
        if (failure.retryAfter !== undefined) headers['retry-after'] = String(failure.retryAfter);
      } else if (failure !== undefined && failure.error !== undefined) {
        body = { ok: false, error: failure.error };
      } else if (method === 'apps.connections.open') {
        body = this.#connectionsOpen(callToken);
      } else if (callToken !== this.botToken) {
        body = { ok: false, error: this.#tokenError(callToken) };
      } else {
        body = this.#answer(method, args);
      }
      const recorded = this.#record({
        method,
        args,
        headers: req.headers,
        token: callToken,
        response: { status, body },
      });
      for (const { hook } of this.#hooks.filter((h) => h.method === method)) {
        try {
          await hook(recorded);
        } catch {
          // a failing hook still lets the answer go out
        }
      }
      res.writeHead(status, headers).end(JSON.stringify(body));
      return;
    }
    if (url.pathname.startsWith('/response/') && req.method === 'POST') {
      const args = parseArgs(raw, req.headers['content-type']);
      const body = { ok: true };
      this.#record({
        method: 'response_url',
        args: { ...args, url: url.href },
        headers: req.headers,
        token,
        response: { status: 200, body },
      });
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(body));
      return;
    }
    if (url.pathname.startsWith('/upload/') && req.method === 'POST') {
      const fileId = url.pathname.slice('/upload/'.length);
      this.#uploads.set(fileId, raw);
      this.#record({
        method: 'file_upload',
        args: { file_id: fileId, size: raw.length },
        headers: req.headers,
        token,
        response: { status: 200, body: null },
      });
      res.writeHead(200, { 'content-type': 'text/plain' }).end(`OK - ${raw.length}`);
      return;
    }
    if (url.pathname.startsWith('/files-pri/')) {
      const id = url.pathname.split('/')[2]?.split('-')[1] ?? '';
      const entry = this.#files.get(id);
      const allowed = token === this.botToken && entry !== undefined;
      const status = entry === undefined ? 404 : allowed ? 200 : 403;
      this.#record({
        method: 'file_download',
        args: { file_id: id },
        headers: req.headers,
        token,
        response: { status, body: null },
      });
      if (status !== 200 || entry === undefined) {
        res.writeHead(status, { 'content-type': 'text/html' }).end('<html>Sign in to Slack</html>');
        return;
      }
      res
        .writeHead(200, { 'content-type': entry.file.mimetype, 'content-length': entry.bytes.length })
        .end(entry.bytes);
      return;
    }
    this.#record({
      method: `http ${req.method} ${url.pathname}`,
      args: {},
      headers: req.headers,
      token,
      response: { status: 404, body: { ok: false, error: 'unknown_method' } },
    });
    res.writeHead(404).end();
  }

  /** Socket Mode's URL, for the app-level token only (a bot token is the wrong type of token, as on Slack). */
  #connectionsOpen(token: string | undefined): Record<string, unknown> {
    if (this.#socketMode === undefined || token !== this.appToken) {
      return { ok: false, error: token === this.botToken ? 'not_allowed_token_type' : this.#tokenError(token) };
    }
    return { ok: true, url: this.#socketMode.openUrl() };
  }

  #tokenError(token: string | undefined): string {
    if (token === undefined) return 'not_authed';
    return token === this.appToken ? 'not_allowed_token_type' : 'invalid_auth';
  }

  #record(call: Omit<RecordedCall, 'seq' | 'at'>): RecordedCall {
    const recorded: RecordedCall = { ...call, seq: this.#calls.length + 1, at: Date.now() };
    this.#calls.push(recorded);
    const ready = this.#waiters.filter((w) => w.method === recorded.method && w.predicate(recorded));
    this.#waiters = this.#waiters.filter((w) => !ready.includes(w));
    for (const w of ready) w.resolve(recorded);
    return recorded;
  }

  /**
   * conversations.history (top-level messages, newest first) and conversations.replies (the thread `ts`, parent
   * first, oldest first), honouring `oldest`/`latest` (exclusive unless `inclusive`), `limit` (default 100) and
   * `cursor`; message metadata only with `include_all_metadata`.
   */
  #history(method: string, args: Record<string, any>): Record<string, unknown> {
    const channel = String(args['channel'] ?? '');
    const all = this.#messages.get(channel) ?? [];
    let list: FakeMessage[];
    if (method === 'conversations.replies') {
      const parent = String(args['ts'] ?? '');
      list = all.filter((m) => m.ts === parent || m.thread_ts === parent);
      if (!list.some((m) => m.ts === parent)) return { ok: false, error: 'thread_not_found' };
    } else {
      list = all.filter((m) => m.thread_ts === undefined || m.thread_ts === m.ts).reverse();
    }
    const inclusive = args['inclusive'] === true || args['inclusive'] === 'true' || args['inclusive'] === '1';
    const oldest = tsNumber(args['oldest']);
    const latest = tsNumber(args['latest']);
    list = list.filter((m) => {
      const t = Number(m.ts);
      if (oldest !== undefined && (inclusive ? t < oldest : t <= oldest)) return false;
      if (latest !== undefined && (inclusive ? t > latest : t >= latest)) return false;
      return true;
    });
    const limit = Math.max(1, Math.min(1000, Number(args['limit'] ?? 100) || 100));
    const start = Number(args['cursor'] ?? 0) || 0;
    const page = list.slice(start, start + limit);
    const more = start + limit < list.length;
    const withMetadata = args['include_all_metadata'] === true || args['include_all_metadata'] === 'true';
    return {
      ok: true,
      messages: page.map(({ metadata, ...m }) => ({
        type: 'message',
        ...m,
        ...(withMetadata && metadata !== undefined ? { metadata } : {}),
      })),
      has_more: more,
      response_metadata: { next_cursor: more ? String(start + limit) : '' },
    };
  }

  #answer(method: string, args: Record<string, any>): Record<string, unknown> {
    const { channel: channelArg, text, blocks, thread_ts, ts, message_ts, view_id, view, user, file, files } = args;
    const channel = typeof channelArg === 'string' ? channelArg : undefined;
    switch (method) {
      case 'auth.test':
        return {
          ok: true,
          url: 'https://fake.slack.com/',
          team: 'Fake',
          user: 'hoiio',
          team_id: FAKE_TEAM_ID,
          user_id: FAKE_BOT_USER_ID,
          bot_id: FAKE_BOT_ID,
        };
      case 'chat.postMessage': {
        const ts = this.#nextTs();
        const threadTs = typeof thread_ts === 'string' && thread_ts !== '' ? thread_ts : undefined;
        const metadata = args['metadata'];
        if (channel !== undefined) {
          const list = this.#messages.get(channel) ?? [];
          list.push({
            ts,
            text,
            blocks,
            bot_id: FAKE_BOT_ID,
            ...(threadTs !== undefined ? { thread_ts: threadTs } : {}),
            ...(metadata !== undefined ? { metadata } : {}),
          });
          this.#messages.set(channel, list);
        }
        return {
          ok: true,
          channel,
          ts,
          message: {
            type: 'message',
            text: text,
            blocks: blocks,
            ts,
            bot_id: FAKE_BOT_ID,
            thread_ts: thread_ts,
          },
        };
      }
      case 'chat.update': {
        const message = this.#messages.get(channel ?? '')?.find((m) => m.ts === ts);
        if (message !== undefined) {
          message.text = text;
          if (blocks !== undefined) message.blocks = blocks;
        }
        return { ok: true, channel, ts, text: text };
      }
      case 'conversations.history':
      case 'conversations.replies':
        return this.#history(method, args);
      case 'chat.postEphemeral':
        return { ok: true, message_ts: this.#nextTs() };
      case 'chat.getPermalink':
        return {
          ok: true,
          channel,
          permalink: `${this.#origin}/archives/${channel}/p${String(message_ts).replace('.', '')}`,
        };
      case 'views.open':
      case 'views.update':
      case 'views.publish': {
        const viewArg = (view ?? {}) as Record<string, unknown>;
        return {
          ok: true,
          view: {
            ...viewArg,
            id: typeof view_id === 'string' ? view_id : this.#id('V'),
            hash: this.#id('H'),
            state: { values: {} },
          },
        };
      }
      case 'conversations.join': {
        const c = this.#channels.get(channel ?? '') ?? { id: channel ?? '', name: 'general' };
        if (c.is_private) return { ok: false, error: 'method_not_supported_for_channel_type' };
        this.#channels.set(c.id, { ...c, is_member: true });
        return { ok: true, channel: { id: c.id, name: c.name ?? 'general', is_member: true } };
      }
      case 'conversations.info': {
        const c = this.#channels.get(channel ?? '') ?? {
          id: channel ?? '',
          name: 'general',
          is_private: false,
          is_member: true,
        };
        return { ok: true, channel: { is_private: false, is_member: true, name: 'general', ...c } };
      }
      case 'conversations.open': {
        const users = typeof args['users'] === 'string' ? args['users'] : '';
        return { ok: true, channel: { id: `D${users.split(',')[0]?.slice(1) ?? ''}` } };
      }
      case 'users.list':
        return {
          ok: true,
          members: [...this.#users.values()].map((u) => ({ is_admin: false, is_owner: false, deleted: false, ...u })),
          response_metadata: { next_cursor: '' },
        };
      case 'users.info': {
        const id = String(user);
        const u = this.#users.get(id) ?? { id };
        return {
          ok: true,
          user: {
            name: id.toLowerCase(),
            is_admin: false,
            is_owner: false,
            tz: 'Asia/Singapore',
            ...u,
            profile: { real_name: id, display_name: id, ...u.profile },
          },
        };
      }
      case 'files.getUploadURLExternal': {
        const fileId = this.#id('F');
        return { ok: true, upload_url: `${this.#origin}/upload/${fileId}`, file_id: fileId };
      }
      case 'files.completeUploadExternal': {
        const list = (Array.isArray(files) ? files : []) as { id: string; title?: string }[];
        // Completed files exist for files.info (before completion Slack does not know them: file_not_found).
        for (const f of list) {
          if (this.#files.has(f.id)) continue;
          const bytes = this.#uploads.get(f.id) ?? Buffer.alloc(0);
          const url = `${this.#origin}/files-pri/${FAKE_TEAM_ID}-${f.id}/${encodeURIComponent(f.title ?? 'file')}`;
          const name = f.title ?? 'file';
          const mimetype = name.endsWith('.pdf') ? 'application/pdf' : 'audio/mpeg';
          const file: FakeFile = {
            id: f.id,
            name,
            mimetype,
            size: bytes.length,
            url_private: url,
            url_private_download: url,
          };
          this.#files.set(f.id, { file, bytes });
        }
        return { ok: true, files: list.map((f) => ({ id: f.id, title: f.title ?? '' })) };
      }
      case 'files.info': {
        const entry = this.#files.get(String(file));
        return entry === undefined ? { ok: false, error: 'file_not_found' } : { ok: true, file: entry.file };
      }
      default:
        return { ok: false, error: 'unknown_method' };
    }
  }
}

function tsNumber(value: unknown): number | undefined {
  if (value === undefined || value === '') return undefined;
  const n = Number(value);
  return Number.isFinite(n) ? n : undefined;
}

function bearer(header: string | undefined): string | undefined {
  const match = /^Bearer (.+)$/i.exec(header ?? '');
  return match?.[1];
}

function parseArgs(raw: Buffer, contentType: string | undefined): Record<string, any> {
  const text = raw.toString('utf8');
  if (text.length === 0) return {};
  if ((contentType ?? '').startsWith('application/json')) {
    try {
      return JSON.parse(text) as Record<string, any>;
    } catch {
      return { _raw: text };
    }
  }
  const args: Record<string, any> = {};
  for (const [key, value] of new URLSearchParams(text)) {
    if (JSON_ARGS.has(key)) {
      try {
        args[key] = JSON.parse(value);
        continue;
      } catch {
        // not JSON: keep the string
      }
    }
    args[key] = value;
  }
  return args;
}

function readAll(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY) req.destroy(new Error('fake Slack: body too large'));
      else chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}
