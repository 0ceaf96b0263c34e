import createClient, { type Middleware } from 'openapi-fetch';
import type { paths } from './schema';
import { accessTokenExpired, getAccessToken, refreshSession } from './session';

/** The OpenAI error envelope every Switchyard error uses. */
export interface ErrorEnvelope {
  error: { message: string; type?: string; code?: string | null; param?: string | null };
}

/** An API error: the envelope's fields, the status, and Retry-After when the API gave one. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly type: string | undefined,
    readonly code: string | undefined,
    readonly param: string | undefined,
    message: string,
    readonly retryAfterSeconds?: number,
  ) {
    super(message);
    this.name = 'ApiError';
  }

  static async from(res: Response): Promise<ApiError> {
    let body: Partial<ErrorEnvelope> | undefined;
    try {
      body = (await res.clone().json()) as Partial<ErrorEnvelope>;
    } catch {
      body = undefined;
    }
    const retry = Number(res.headers.get('retry-after'));
    return new ApiError(
      res.status,
      body?.error?.type,
      body?.error?.code ?? undefined,
      body?.error?.param ?? undefined,
      body?.error?.message ?? `The gateway answered ${res.status} ${res.statusText}.`.trim(),
      Number.isFinite(retry) && retry > 0 ? retry : undefined,
    );
  }
}

/**
 * fetch with the session's access token: refreshed first when it is about to expire, and once
 * more when the API answers 401 (the token was revoked or expired in between).
 */
export async function authedFetch(input: Request | string, init?: RequestInit): Promise<Response> {
  const request = typeof input === 'string' ? new Request(new URL(input, window.location.href), init) : input;
  if (accessTokenExpired()) await refreshSession();
  const send = (req: Request) => {
    const token = getAccessToken();
    if (token) req.headers.set('authorization', `Bearer ${token}`);
    return fetch(req);
  };
  const retry = request.clone();
  const res = await send(request);
  if (res.status !== 401 || !getAccessToken()) return res;
  return (await refreshSession()) ? send(retry) : res;
}

/** Turns every non-2xx answer into a thrown ApiError, so queries and mutations fail properly. */
const throwOnError: Middleware = {
  async onResponse({ response }) {
    if (!response.ok) throw await ApiError.from(response);
    return undefined;
  },
};

/** The typed management API client: paths, parameters and bodies come from the OpenAPI document. */
export const api = createClient<paths>({ baseUrl: '', fetch: authedFetch });
api.use(throwOnError);

/** The data of an openapi-fetch answer (errors have already been thrown by the middleware). */
export function data<T>(result: { data?: T }): T {
  return result.data as T;
}
