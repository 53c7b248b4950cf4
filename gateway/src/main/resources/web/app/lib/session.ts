// Who is signed in. The access token lives in this object only (never in storage); the refresh
// token is in an httpOnly cookie that the gateway sets and reads, so no script can see it
// (docs/security.md, "Browser sessions").

import { ApiError, read, request } from './api';
import type { Account } from './model';

interface AuthAnswer {
  user: Account;
  accessToken: string;
  expiresIn: number;
}

/** Not a secret: only "this browser may have a session cookie", so a first visit asks nothing. */
const HINT = 'parley.session';
/** Renew this long before the access token expires. */
const MARGIN_MS = 60_000;

/** One renewal at a time across tabs: the cookie rotates, and a token presented twice ends the session. */
async function exclusively<T>(work: () => Promise<T>): Promise<T> {
  const locks = (navigator as Navigator & { locks?: LockManager }).locks;
  return locks ? locks.request('parley-session', work) : work();
}

export class Session {
  account: Account | null = null;
  private accessToken: string | null = null;
  private expiresAt = 0;
  private renewing: Promise<string> | null = null;
  private timer = 0;

  /** Called when the session ends by itself (expired, revoked, signed out in another tab). */
  onEnded: (why: string) => void = () => {};

  constructor() {
    window.addEventListener('storage', event => {
      if (event.key === HINT && event.newValue === null && this.account) {
        this.forget();
        this.onEnded('You signed out in another window.');
      }
    });
  }

  async signIn(login: string, password: string): Promise<void> {
    const body = login.includes('@') ? { email: login, password } : { username: login, password };
    this.accept(await read<AuthAnswer>(await request('POST', '/auth/login', { body, web: true })));
  }

  async signUp(username: string, email: string, password: string): Promise<void> {
    this.accept(await read<AuthAnswer>(await request('POST', '/auth/register', {
      body: { username, email, password }, web: true,
    })));
  }

  /** On page load: the session this browser kept, if any. */
  async restore(): Promise<boolean> {
    if (localStorage.getItem(HINT) === null) return false;
    try {
      await this.renew();
      return true;
    } catch (error) {
      if (error instanceof ApiError && error.status === 401) return false;
      throw error;
    }
  }

  /** An access token good for a while longer, renewed first when it is about to expire. */
  async token(): Promise<string> {
    if (this.accessToken && Date.now() < this.expiresAt - MARGIN_MS / 2) return this.accessToken;
    return this.renew();
  }

  /** New tokens from the refresh cookie (the gateway rotates it). */
  renew(): Promise<string> {
    if (!this.renewing) {
      this.renewing = exclusively(async () => {
        const answer = await read<AuthAnswer>(await request('POST', '/auth/refresh', { web: true }));
        this.accept(answer);
        return answer.accessToken;
      }).catch(error => {
        if (error instanceof ApiError && error.status === 401) {
          const hadSession = this.account !== null;
          this.forget();
          if (hadSession) this.onEnded('Your session has ended. Please sign in again.');
        }
        throw error;
      }).finally(() => {
        this.renewing = null;
      });
    }
    return this.renewing;
  }

  /** An API call with the access token; an expired one is renewed once and the call repeated. */
  async call<T>(method: string, path: string, body?: unknown): Promise<T> {
    const attempt = async (token: string) => read<T>(await request(method, path, { body, token }));
    try {
      return await attempt(await this.token());
    } catch (error) {
      if (error instanceof ApiError && error.status === 401) return attempt(await this.renew());
      throw error;
    }
  }

  /** Ends the session at the server too: the refresh token stops working. */
  async signOut(): Promise<void> {
    try {
      await read<void>(await request('POST', '/auth/logout', { web: true }));
    } finally {
      this.forget();
    }
  }

  private accept(answer: AuthAnswer): void {
    this.account = answer.user;
    this.accessToken = answer.accessToken;
    this.expiresAt = Date.now() + answer.expiresIn * 1000;
    localStorage.setItem(HINT, '1');
    window.clearTimeout(this.timer);
    this.timer = window.setTimeout(() => this.renewQuietly(), Math.max(5_000, answer.expiresIn * 1000 - MARGIN_MS));
  }

  private renewQuietly(): void {
    this.renew().catch(error => {
      if (!(error instanceof ApiError && error.status === 401)) {
        this.timer = window.setTimeout(() => this.renewQuietly(), 15_000); // offline: try again
      }
    });
  }

  private forget(): void {
    window.clearTimeout(this.timer);
    this.account = null;
    this.accessToken = null;
    this.expiresAt = 0;
    localStorage.removeItem(HINT);
  }
}
