// HTTP to the gateway (same origin): JSON in, JSON or RFC 9457 problems out.

export interface FieldError {
  field: string;
  message: string;
}

/** A problem answer: `code` is stable and what the UI branches on. */
export class ApiError extends Error {
  constructor(readonly status: number, readonly code: string, message: string,
              readonly errors: FieldError[] = [], readonly retryAfterSeconds?: number) {
    super(message);
  }

  /** Worth trying again later (the service is down, busy, or we are too fast), not the request's fault. */
  get transient(): boolean {
    return this.status >= 500 || this.status === 429 || this.status === 408;
  }
}

/** No answer at all: offline, or the gateway is unreachable. */
export class Unreachable extends Error {
  readonly transient = true;
}

export interface RequestOptions {
  body?: unknown;
  token?: string | null;
  /** Marks a sign-in request as the web client's: the gateway keeps the refresh token in its cookie. */
  web?: boolean;
}

export async function request(method: string, path: string, options: RequestOptions = {}): Promise<Response> {
  const headers: Record<string, string> = { Accept: 'application/json, application/problem+json' };
  if (options.body !== undefined) headers['Content-Type'] = 'application/json';
  if (options.token) headers.Authorization = `Bearer ${options.token}`;
  if (options.web) headers['X-Parley-Client'] = 'web';
  try {
    return await fetch(path, {
      method,
      headers,
      body: options.body === undefined ? undefined : JSON.stringify(options.body),
      credentials: 'same-origin',
      cache: 'no-store',
    });
  } catch {
    throw new Unreachable('Parley cannot be reached');
  }
}

export async function read<T>(response: Response): Promise<T> {
  if (response.ok) {
    return (response.status === 204 ? undefined : await response.json()) as T;
  }
  let problem: { code?: string; detail?: string; title?: string; errors?: FieldError[] } = {};
  try {
    problem = await response.json();
  } catch {
    // not a problem body (a proxy in between): the status says enough
  }
  const retryAfter = Number(response.headers.get('Retry-After'));
  throw new ApiError(response.status, problem.code ?? `http_${response.status}`,
    problem.detail ?? problem.title ?? response.statusText, problem.errors ?? [],
    Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter : undefined);
}

/** Words for a person, from an error of any kind. */
export function explain(error: unknown): string {
  if (error instanceof Unreachable) return 'Parley cannot be reached. Check your connection and try again.';
  if (error instanceof ApiError) {
    switch (error.code) {
      case 'invalid_credentials': return 'That username or email and password do not match.';
      case 'username_taken': return 'That username is taken.';
      case 'email_taken': return 'An account with that email already exists.';
      case 'rate_limited': return `Too many attempts. Try again in ${error.retryAfterSeconds ?? 'a few'} seconds.`;
      case 'upstream_unavailable': return 'Parley is having trouble right now. Try again shortly.';
      case 'content_too_large': return 'That message is too long.';
      case 'validation_failed':
        return error.errors.length ? error.errors.map(e => `${e.field}: ${e.message}`).join('; ') : error.message;
      default: return error.message || `Something went wrong (${error.code}).`;
    }
  }
  return 'Something went wrong.';
}
