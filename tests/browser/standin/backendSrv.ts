// Grafana's BackendSrv over the browser's fetch: the requests a plugin makes through
// @grafana/runtime (DataSourceWithBackend's /api/ds/query, getResource, the health check) go to
// the stand-in as Grafana would send them. Errors are Grafana's FetchError shape ({status, data,
// statusText, config}), which DataSourceWithBackend reads.
import type { BackendSrv, BackendSrvRequest, FetchResponse } from '@grafana/runtime';
import { Observable, lastValueFrom } from 'rxjs';

function urlOf(options: BackendSrvRequest): string {
  const url = new URL(options.url, window.location.origin);
  for (const [key, value] of Object.entries(options.params ?? {})) {
    for (const v of Array.isArray(value) ? value : [value]) {
      if (v !== undefined && v !== null) {
        url.searchParams.append(key, String(v));
      }
    }
  }
  return url.pathname + url.search;
}

async function send<T>(options: BackendSrvRequest): Promise<FetchResponse<T>> {
  const method = (options.method ?? 'GET').toUpperCase();
  const headers: Record<string, string> = { Accept: 'application/json', ...(options.headers ?? {}) };
  let body: BodyInit | undefined;
  if (options.data !== undefined && method !== 'GET') {
    body = typeof options.data === 'string' ? options.data : JSON.stringify(options.data);
    headers['Content-Type'] ??= 'application/json';
  }
  const url = urlOf(options);
  const res = await fetch(url, { method, headers, body });
  const text = await res.text();
  let data: unknown = text;
  try {
    data = text === '' ? undefined : JSON.parse(text);
  } catch {
    // not JSON: the text itself
  }
  const response = {
    data: data as T,
    status: res.status,
    statusText: res.statusText,
    ok: res.ok,
    headers: res.headers,
    redirected: res.redirected,
    type: res.type,
    url: res.url,
    config: options,
  };
  if (!res.ok) {
    throw { ...response, message: (data as { message?: string })?.message ?? res.statusText };
  }
  return response;
}

function fetchObservable<T>(options: BackendSrvRequest): Observable<FetchResponse<T>> {
  return new Observable((subscriber) => {
    send<T>(options).then(
      (response) => {
        subscriber.next(response);
        subscriber.complete();
      },
      (error) => subscriber.error(error)
    );
  });
}

/** A verb's shortcut: the response's data. */
function verb(method: string) {
  return async <T>(url: string, data?: unknown, options?: Partial<BackendSrvRequest>): Promise<T> =>
    (await lastValueFrom(fetchObservable<T>({ ...options, url, data, method }))).data;
}

export const fetchBackendSrv = {
  fetch: fetchObservable,
  async request<T>(options: BackendSrvRequest): Promise<T> {
    return (await send<T>(options)).data;
  },
  datasourceRequest: send,
  async get<T>(
    url: string,
    params?: BackendSrvRequest['params'],
    requestId?: string,
    options?: Partial<BackendSrvRequest>
  ) {
    return (await lastValueFrom(fetchObservable<T>({ ...options, url, params, requestId, method: 'GET' }))).data;
  },
  delete: verb('DELETE'),
  post: verb('POST'),
  patch: verb('PATCH'),
  put: verb('PUT'),
} as unknown as BackendSrv;
