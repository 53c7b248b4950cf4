// The WebSocket (docs/websocket-protocol.md): one per tab, reconnected with exponential backoff
// and jitter; requests carry an id and are answered by a frame with the same id.

import type { Frame } from './model';

export type Connection =
  | { kind: 'connecting' }
  | { kind: 'open' }
  | { kind: 'waiting'; attempt: number; retryAt: number }
  | { kind: 'offline' };

/** The server refused an event (an `error` frame); `code` is from the protocol's list. */
export class SocketError extends Error {
  constructor(readonly code: string, message: string) {
    super(message);
  }

  get transient(): boolean {
    return this.code === 'rate_limited' || this.code === 'overloaded' || this.code === 'internal_error';
  }
}

/** The socket closed (or never opened) before the answer came. */
export class Disconnected extends Error {
  readonly transient = true;
}

const BASE_DELAY_MS = 500;
const MAX_DELAY_MS = 8_000;
const REQUEST_TIMEOUT_MS = 10_000;

interface Waiting {
  resolve: (frame: Frame) => void;
  reject: (error: Error) => void;
  timer: number;
}

export class ChatSocket {
  connection: Connection = { kind: 'connecting' };
  private ws: WebSocket | null = null;
  private waiting = new Map<string, Waiting>();
  private attempt = 0;
  private retryTimer = 0;
  private sequence = 0;
  private running = false;

  /** Live events (everything that is not the answer to one of our requests). */
  onEvent: (frame: Frame) => void = () => {};
  /** Each time the socket opens; after the first time, everything since the last message must be synced. */
  onOpen: () => void = () => {};
  onConnection: (connection: Connection) => void = () => {};

  constructor(private readonly token: () => Promise<string>, private readonly renewToken: () => Promise<string>) {}

  get open(): boolean {
    return this.connection.kind === 'open' && this.ws?.readyState === WebSocket.OPEN;
  }

  start(): void {
    this.running = true;
    window.addEventListener('online', this.wake);
    window.addEventListener('offline', this.wentOffline);
    void this.connect();
  }

  stop(): void {
    this.running = false;
    window.removeEventListener('online', this.wake);
    window.removeEventListener('offline', this.wentOffline);
    window.clearTimeout(this.retryTimer);
    const ws = this.ws;
    this.ws = null;
    ws?.close(1000, 'signed out');
    this.failWaiting();
  }

  /** Skips the rest of the backoff (the "Retry now" button, or the network coming back). */
  retryNow(): void {
    if (!this.running || this.ws) return;
    window.clearTimeout(this.retryTimer);
    void this.connect();
  }

  /** A fire-and-forget event; false when the socket is not open. */
  emit(event: string, data: unknown): boolean {
    if (!this.open) return false;
    this.ws!.send(JSON.stringify({ event, data }));
    return true;
  }

  /** A request whose answer (ack, sync:result) is awaited; an `error` answer rejects with SocketError. */
  request(event: string, data: unknown, timeoutMs = REQUEST_TIMEOUT_MS): Promise<Frame> {
    if (!this.open) return Promise.reject(new Disconnected('not connected'));
    const id = `r${++this.sequence}`;
    return new Promise<Frame>((resolve, reject) => {
      const timer = window.setTimeout(() => {
        this.waiting.delete(id);
        reject(new Disconnected('no answer in time'));
      }, timeoutMs);
      this.waiting.set(id, { resolve, reject, timer });
      this.ws!.send(JSON.stringify({ event, data, id }));
    });
  }

  private wake = (): void => this.retryNow();

  private wentOffline = (): void => {
    this.ws?.close(4000, 'offline');
  };

  private setConnection(connection: Connection): void {
    this.connection = connection;
    this.onConnection(connection);
  }

  private async connect(): Promise<void> {
    if (!this.running) return;
    if (!navigator.onLine) {
      this.setConnection({ kind: 'offline' }); // the 'online' event wakes us
      return;
    }
    this.setConnection({ kind: 'connecting' });
    let token: string;
    try {
      token = await this.token();
    } catch {
      this.scheduleRetry();
      return;
    }
    if (!this.running) return;
    const scheme = location.protocol === 'https:' ? 'wss' : 'ws';
    // browsers cannot set headers on a WebSocket: the gateway takes the token from the query and never logs it
    const ws = new WebSocket(`${scheme}://${location.host}/ws?access_token=${encodeURIComponent(token)}`);
    this.ws = ws;
    ws.onopen = () => {
      this.attempt = 0;
      this.setConnection({ kind: 'open' });
      this.onOpen();
    };
    ws.onmessage = event => this.received(String(event.data));
    ws.onclose = event => {
      if (this.ws !== ws) return;
      this.ws = null;
      this.failWaiting();
      if (!this.running) return;
      if (event.code === 1008 && event.reason === 'token_expired') {
        // not an outage: a fresh token and straight back
        this.renewToken().then(() => this.connect(), () => this.scheduleRetry());
        return;
      }
      this.scheduleRetry();
    };
  }

  private scheduleRetry(): void {
    if (!this.running) return;
    this.attempt++;
    // exponential, capped, with "equal jitter" so that many clients do not come back in step
    const ceiling = Math.min(MAX_DELAY_MS, BASE_DELAY_MS * 2 ** (this.attempt - 1));
    const delay = ceiling / 2 + Math.random() * (ceiling / 2);
    window.clearTimeout(this.retryTimer);
    this.retryTimer = window.setTimeout(() => void this.connect(), delay);
    this.setConnection(navigator.onLine
      ? { kind: 'waiting', attempt: this.attempt, retryAt: Date.now() + delay }
      : { kind: 'offline' });
  }

  private received(raw: string): void {
    let frame: Frame;
    try {
      frame = JSON.parse(raw) as Frame;
    } catch {
      return;
    }
    const ref = frame.id ?? (frame.event === 'error' ? frame.data?.ref : undefined);
    const waiting = ref ? this.waiting.get(ref) : undefined;
    if (waiting && ref) {
      this.waiting.delete(ref);
      window.clearTimeout(waiting.timer);
      if (frame.event === 'error') {
        waiting.reject(new SocketError(frame.data?.code ?? 'error', frame.data?.message ?? 'refused'));
      } else {
        waiting.resolve(frame);
      }
      return;
    }
    this.onEvent(frame);
  }

  private failWaiting(): void {
    for (const waiting of this.waiting.values()) {
      window.clearTimeout(waiting.timer);
      waiting.reject(new Disconnected('connection closed'));
    }
    this.waiting.clear();
  }
}
