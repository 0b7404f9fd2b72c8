// One fetch wrapper for the REST API (`/api/v1/...`): same-origin cookie, JSON in and out, and
// every failure as an ApiError carrying the server's code and, for a rejected configuration
// change, its list of problems (`path: message`).

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly problems: string[] = [],
    /** From `Retry-After` on a 429 (login lockout, rate limit). */
    readonly retryAfterSeconds?: number,
  ) {
    super(message);
  }

  /** The request never reached the server (offline, server down). */
  get network(): boolean {
    return this.status === 0;
  }
}

export interface RequestOptions {
  /** Raw body with its own content type (YAML import, a floor plan file). */
  raw?: { body: string | Blob; contentType: string };
  /** Answer as text, not JSON (YAML export). */
  text?: boolean;
}

export type Fetch = (input: string, init?: RequestInit) => Promise<Response>;

let fetchImpl: Fetch = (input, init) => globalThis.fetch(input, init);
/** Tests swap the transport. */
export function setFetch(f: Fetch): void {
  fetchImpl = f;
}

/** Called on every 401, so the app can go back to the login page. */
let onUnauthenticated: (() => void) | null = null;
export function setUnauthenticatedHandler(fn: (() => void) | null): void {
  onUnauthenticated = fn;
}

export async function request<T>(method: string, path: string, body?: unknown, options: RequestOptions = {}): Promise<T> {
  const headers: Record<string, string> = { accept: options.text ? '*/*' : 'application/json' };
  let payload: string | Blob | undefined;
  if (options.raw) {
    headers['content-type'] = options.raw.contentType;
    payload = options.raw.body;
  } else if (body !== undefined) {
    headers['content-type'] = 'application/json';
    payload = JSON.stringify(body);
  }
  let res: Response;
  try {
    res = await fetchImpl(path, { method, credentials: 'same-origin', headers, body: payload });
  } catch (err) {
    throw new ApiError(0, 'NETWORK', (err as Error)?.message ?? 'network error');
  }
  if (options.text && res.ok) return (await res.text()) as T;
  let data: unknown = null;
  try {
    const text = await res.text();
    data = text ? JSON.parse(text) : null;
  } catch {
    // empty or not JSON
  }
  if (!res.ok) {
    const d = (data ?? {}) as { code?: unknown; message?: unknown; problems?: unknown };
    const problems = Array.isArray(d.problems) ? d.problems.filter((p): p is string => typeof p === 'string') : [];
    if (res.status === 401 && path !== '/api/v1/session') onUnauthenticated?.();
    const retryAfter = Number(res.headers.get('retry-after'));
    throw new ApiError(res.status, typeof d.code === 'string' ? d.code : `HTTP_${res.status}`, typeof d.message === 'string' ? d.message : res.statusText, problems,
      Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter : undefined);
  }
  return data as T;
}
