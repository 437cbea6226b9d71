// Calls to corridor-web's JSON gateway with the signed-in user's token.
// Errors carry the service's own message, to be shown as it is.
import { serviceError } from './i18n.js';

export class ApiError extends Error {
  // `reason`: the stable ErrorInfo reason; `fieldViolations`: [{field,
  // description}] for a refused field (proto/corridor/v1/common.proto).
  constructor(status, code, message, reason = '', fieldViolations = []) {
    super(message);
    this.status = status;
    this.code = code;
    this.reason = reason;
    this.fieldViolations = fieldViolations;
  }
}

// What to show for a failed call: the service's refusal in the chosen
// language (i18n.js serviceError), or the browser's own error.
export function errorText(error) {
  return error instanceof ApiError ? serviceError(error.reason, error.message)
    : String(error.message || error);
}

const TOKEN_KEY = 'corridor-token';

export const session = {
  get token() { return sessionStorage.getItem(TOKEN_KEY) || ''; },
  set token(value) {
    if (value) sessionStorage.setItem(TOKEN_KEY, value); else sessionStorage.removeItem(TOKEN_KEY);
  },
};

function headers(extra = {}) {
  const h = { ...extra };
  if (session.token) h.Authorization = `Bearer ${session.token}`;
  return h;
}

async function replyOf(response) {
  const text = await response.text();
  let body;
  try { body = text ? JSON.parse(text) : {}; } catch { body = { error: { message: text } }; }
  if (!response.ok) {
    const error = body.error || {};
    throw new ApiError(response.status, error.code || 'UNKNOWN', error.message || response.statusText,
      error.reason || '', error.fieldViolations || []);
  }
  return body;
}

// One RPC, e.g. call('AreaService/ListAreas', {page: {page_size: 200}}).
export async function call(method, request = {}) {
  const response = await fetch(`/api/v1/${method}`, {
    method: 'POST',
    headers: headers({ 'Content-Type': 'application/json' }),
    body: JSON.stringify(request),
  });
  return replyOf(response);
}

// Every page of a listing: `field` is the repeated field, e.g. 'areas'.
export async function listAll(method, request, field, limit = 10000) {
  const all = [];
  let token = '';
  do {
    const reply = await call(method, { ...request, page: { page_size: 500, page_token: token } });
    all.push(...(reply[field] || []));
    token = reply.next_page_token || '';
  } while (token && all.length < limit);
  return all;
}

export async function enums() {
  return replyOf(await fetch('/api/v1/enums'));
}

// Follows a service's change feed (server-sent events over fetch, so that
// the token travels in a header, never in the URL). Calls onReady once
// subscribed and onChange for each change; reconnects from the last index
// seen + 1 after a disconnect, so nothing is missed or seen twice. Returns
// a function that stops following.
export function follow(service, { onChange, onReady, onDown }) {
  const controller = new AbortController();
  let next = null;  // the first index not yet seen; null: only new changes
  let stopped = false;
  const run = async () => {
    while (!stopped) {
      try {
        const query = next === null ? 'from_end=1' : `start=${next}`;
        const response = await fetch(`/api/v1/changes?service=${service}&${query}`, {
          headers: headers(), signal: controller.signal,
        });
        if (!response.ok) await replyOf(response);
        const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
        let buffer = '';
        for (;;) {
          const { value, done } = await reader.read();
          if (done) break;
          buffer += value;
          let cut;
          while ((cut = buffer.indexOf('\n\n')) >= 0) {
            const block = buffer.slice(0, cut);
            buffer = buffer.slice(cut + 2);
            const event = /^event: (.*)$/m.exec(block)?.[1];
            const data = /^data: (.*)$/m.exec(block)?.[1];
            if (event === 'ready') onReady?.();
            if (event === 'change' && data) {
              const change = JSON.parse(data);
              next = Number(change.index) + 1;
              onChange(change);
            }
            if (event === 'end' && data) {
              const { code, message } = JSON.parse(data).error;
              throw new ApiError(503, code, message);  // the server stopped: resume
            }
          }
        }
      } catch (error) {
        if (stopped) return;
        onDown?.(error);
        // Refusals do not heal by retrying; a stopped server or network does.
        if (error instanceof ApiError && [400, 401, 403, 404].includes(error.status)) return;
      }
      await new Promise((resolve) => setTimeout(resolve, 1000));
    }
  };
  run();
  return () => { stopped = true; controller.abort(); };
}

// Downloads an export as a file: fetched with the token, then saved.
export async function download(path, fallbackName) {
  const response = await fetch(path, { headers: headers() });
  if (!response.ok) await replyOf(response);
  const blob = await response.blob();
  const name = /filename="([^"]+)"/.exec(response.headers.get('Content-Disposition') || '')?.[1];
  const link = document.createElement('a');
  link.href = URL.createObjectURL(blob);
  link.download = name || fallbackName;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(link.href), 10000);
}
