/**
 * The Socket Mode side of the fake Slack (FakeSlack owns it when started with an `appToken`): a `ws` server on
 * 127.0.0.1, port 0, speaking Slack's protocol as docs.slack.dev "Using Socket Mode" describes it.
 *
 * - `apps.connections.open` (answered by FakeSlack with the app token) hands out `ws://…/link/?ticket=…`; a ticket
 *   opens one connection, once.
 * - On connect the fake sends `hello` (`num_connections`, `debug_info`, `connection_info.app_id`).
 * - `deliver()` sends an envelope `{ envelope_id, type, payload, accepts_response_payload }` (events_api also
 *   `retry_attempt`, `retry_reason`) and resolves with the app's acknowledgement `{ envelope_id, payload? }`.
 * - `drop()` ends the current connection as Slack does: a `disconnect` message (`refresh_requested`, …), a close
 *   frame with a code, or a dead TCP connection.
 */
import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import type { IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type WebSocket, WebSocketServer } from 'ws';
import type { SlackRequest } from './slack-requests.js';

export type EnvelopeType = 'slash_commands' | 'interactive' | 'events_api';

/** An envelope as Slack sends it over the socket. */
export interface Envelope {
  readonly envelope_id: string;
  readonly type: EnvelopeType;
  readonly payload: Record<string, unknown>;
  readonly accepts_response_payload: boolean;
  readonly retry_attempt?: number;
  readonly retry_reason?: string;
}

/** The app's acknowledgement of an envelope. */
export interface SocketAck {
  readonly envelope_id: string;
  readonly payload?: Record<string, any>;
}

export interface SocketConnection {
  /** 1 for the first connection, 2 after the first reconnect, … */
  readonly seq: number;
  readonly ticket: string;
  readonly openedAt: number;
  closedAt?: number;
  /** The close code the fake saw (1000: the client closed cleanly; 1006: the connection just died). */
  closeCode?: number;
  /** Every message the app sent on this connection (acks), parsed. */
  readonly received: Record<string, unknown>[];
}

export interface DeliverOptions {
  /** Default: a fresh UUID. Pass an earlier envelope's id to re-deliver it as Slack does when no ack came. */
  readonly envelopeId?: string;
  /** events_api only (default 0 and ''). */
  readonly retryAttempt?: number;
  readonly retryReason?: string;
  /** How long to wait for the ack before rejecting (default 10 s; Slack itself waits 3 s, then re-delivers). */
  readonly timeoutMs?: number;
}

/** How `drop()` ends the current connection. */
export type Drop =
  | { readonly disconnect: 'refresh_requested' | 'warning' | 'link_disabled' | 'too_many_websockets' }
  | { readonly closeCode: number; readonly reason?: string }
  | { readonly terminate: true };

interface Live {
  readonly info: SocketConnection;
  readonly ws: WebSocket;
  readonly closed: Promise<void>;
}

interface PendingAck {
  readonly envelopeId: string;
  readonly ws: WebSocket;
  readonly resolve: (ack: SocketAck) => void;
  readonly reject: (error: Error) => void;
  readonly timer: NodeJS.Timeout;
}

const DEFAULT_ACK_TIMEOUT_MS = 10_000;

export class FakeSocketMode {
  readonly appId: string;
  readonly #wss: WebSocketServer;
  readonly #origin: string;
  readonly #tickets: Set<string>;
  readonly #connections: SocketConnection[] = [];
  #live: Live | undefined;
  #pending: PendingAck[] = [];
  #connectionWaiters: { seq: number; resolve: (c: SocketConnection) => void }[] = [];
  /** How many connections have been sent their `hello`. */
  #greeted = 0;

  private constructor(wss: WebSocketServer, appId: string, tickets: Set<string>) {
    this.#wss = wss;
    this.#tickets = tickets;
    this.appId = appId;
    this.#origin = `ws://127.0.0.1:${(wss.address() as AddressInfo).port}`;
    wss.on('connection', (ws, req) => this.#connected(ws, new URL(req.url ?? '/', this.#origin)));
  }

  static async start(appId: string): Promise<FakeSocketMode> {
    const tickets = new Set<string>();
    const wss = new WebSocketServer({
      host: '127.0.0.1',
      port: 0,
      // A ticket is good for one connection: anything else is refused at the upgrade, as Slack does.
      verifyClient: ({ req }: { req: IncomingMessage }) => redeem(tickets, req.url),
    });
    await once(wss, 'listening');
    return new FakeSocketMode(wss, appId, tickets);
  }

  /** A fresh one-use websocket URL (what `apps.connections.open` answers). */
  openUrl(): string {
    const ticket = randomUUID();
    this.#tickets.add(ticket);
    return `${this.#origin}/link/?ticket=${ticket}&app_id=${this.appId}`;
  }

  /** Every connection so far, oldest first. */
  connections(): readonly SocketConnection[] {
    return this.#connections;
  }

  /** The open connection envelopes go to, if any. */
  current(): SocketConnection | undefined {
    return this.#live?.info;
  }

  /** Resolves once connection number `seq` (1-based) is open and greeted with `hello`. */
  waitForConnection(seq: number): Promise<SocketConnection> {
    const done = this.#connections[seq - 1];
    if (done !== undefined && seq <= this.#greeted) return Promise.resolve(done);
    return new Promise((resolve) => this.#connectionWaiters.push({ seq, resolve }));
  }

  /**
   * Sends an envelope on the open connection and resolves with the app's ack. Rejects when there is no open
   * connection, when it closes before the ack, or after `timeoutMs` without one.
   */
  deliver(type: EnvelopeType, payload: Record<string, unknown>, options: DeliverOptions = {}): Promise<SocketAck> {
    const live = this.#live;
    const envelope: Envelope = {
      envelope_id: options.envelopeId ?? randomUUID(),
      type,
      payload,
      accepts_response_payload: type !== 'events_api',
      ...(type === 'events_api'
        ? { retry_attempt: options.retryAttempt ?? 0, retry_reason: options.retryReason ?? '' }
        : {}),
    };
    if (live === undefined) {
      return Promise.reject(new Error(`fake Slack: no open Socket Mode connection to deliver ${type} to`));
    }
    const timeoutMs = options.timeoutMs ?? DEFAULT_ACK_TIMEOUT_MS;
    return new Promise<SocketAck>((resolve, reject) => {
      const entry: PendingAck = {
        envelopeId: envelope.envelope_id,
        ws: live.ws,
        resolve,
        reject,
        timer: setTimeout(() => {
          this.#pending = this.#pending.filter((p) => p !== entry);
          reject(new Error(`fake Slack: no ack for ${type} envelope ${envelope.envelope_id} within ${timeoutMs} ms`));
        }, timeoutMs),
      };
      this.#pending.push(entry);
      live.ws.send(JSON.stringify(envelope));
    });
  }

  /** Ends the open connection as told and resolves once it is closed (the client's reconnect is still to come). */
  async drop(how: Drop): Promise<SocketConnection> {
    const live = this.#live;
    if (live === undefined) throw new Error('fake Slack: no open Socket Mode connection to drop');
    if ('disconnect' in how) {
      live.ws.send(
        JSON.stringify({ type: 'disconnect', reason: how.disconnect, debug_info: { host: 'applink-fake' } }),
      );
    } else if ('closeCode' in how) {
      live.ws.close(how.closeCode, how.reason);
    } else {
      live.ws.terminate();
    }
    await live.closed;
    return live.info;
  }

  async close(): Promise<void> {
    for (const ws of this.#wss.clients) ws.terminate();
    await new Promise<void>((resolve) => this.#wss.close(() => resolve()));
  }

  #connected(ws: WebSocket, url: URL): void {
    const info: SocketConnection = {
      seq: this.#connections.length + 1,
      ticket: url.searchParams.get('ticket') ?? '',
      openedAt: Date.now(),
      received: [],
    };
    const closed = new Promise<void>((resolve) => {
      ws.on('close', (code) => {
        info.closedAt = Date.now();
        info.closeCode = code;
        if (this.#live?.ws === ws) this.#live = undefined;
        for (const p of this.#pending.filter((x) => x.ws === ws)) {
          clearTimeout(p.timer);
          p.reject(new Error(`fake Slack: the socket closed (${code}) before envelope ${p.envelopeId} was acked`));
        }
        this.#pending = this.#pending.filter((x) => x.ws !== ws);
        resolve();
      });
    });
    ws.on('message', (data, isBinary) => this.#message(info, ws, isBinary ? undefined : data.toString()));
    // Envelopes go to the newest connection, as they would to any of an app's open connections.
    this.#live = { info, ws, closed };
    this.#connections.push(info);
    const open = [...this.#wss.clients].filter((c) => c.readyState === c.OPEN).length;
    const hello = {
      type: 'hello',
      num_connections: open,
      debug_info: {
        host: 'applink-fake-1',
        started: new Date(info.openedAt).toISOString().replace('T', ' ').replace('Z', ''),
        build_number: 1,
        approximate_connection_time: 18060,
      },
      connection_info: { app_id: this.appId },
    };
    ws.send(JSON.stringify(hello), () => {
      this.#greeted = Math.max(this.#greeted, info.seq);
      const ready = this.#connectionWaiters.filter((w) => w.seq <= info.seq);
      this.#connectionWaiters = this.#connectionWaiters.filter((w) => !ready.includes(w));
      for (const w of ready) w.resolve(this.#connections[w.seq - 1] ?? info);
    });
  }

  #message(info: SocketConnection, ws: WebSocket, text: string | undefined): void {
    let message: Record<string, unknown>;
    try {
      message = JSON.parse(text ?? '') as Record<string, unknown>;
    } catch {
      message = { _unparsed: text ?? '<binary>' };
    }
    info.received.push(message);
    const id = message['envelope_id'];
    const entry = this.#pending.find((p) => p.envelopeId === id && p.ws === ws);
    if (entry === undefined) return;
    clearTimeout(entry.timer);
    this.#pending = this.#pending.filter((p) => p !== entry);
    const payload = message['payload'];
    entry.resolve({
      envelope_id: String(id),
      ...(payload !== undefined && payload !== null ? { payload: payload as Record<string, any> } : {}),
    });
  }
}

function redeem(tickets: Set<string>, url: string | undefined): boolean {
  const parsed = new URL(url ?? '/', 'ws://fake');
  const ticket = parsed.searchParams.get('ticket') ?? '';
  if (parsed.pathname !== '/link/' || !tickets.has(ticket)) return false;
  tickets.delete(ticket);
  return true;
}

/**
 * The payload Slack puts in an envelope for a request built for HTTP mode (slack-requests.ts): a slash command's
 * fields as an object, an interaction's parsed `payload`, an event callback as it is.
 */
export function socketPayload(request: SlackRequest): Record<string, unknown> {
  if (request.contentType === 'application/json') return JSON.parse(request.body) as Record<string, unknown>;
  const form = Object.fromEntries(new URLSearchParams(request.body));
  const { payload } = form;
  return typeof payload === 'string' ? (JSON.parse(payload) as Record<string, unknown>) : form;
}
