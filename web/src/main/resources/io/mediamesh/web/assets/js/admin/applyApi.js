// The apply routes: recorded applies, and promote or cancel of a running one from outside the socket
// that started it (after a reload, or by another admin).
import { call } from '../api.js';

const enc = encodeURIComponent;

export const applyApi = {
  applies: (kind) => call('GET', '/api/admin/configs/applies' + (kind ? `?kind=${enc(kind)}` : '')),
  apply: (id) => call('GET', `/api/admin/configs/applies/${enc(id)}`),
  promote: (id) => call('POST', `/api/admin/configs/applies/${enc(id)}/promote`),
  cancel: (id, reason) => call('POST', `/api/admin/configs/applies/${enc(id)}/cancel`, { reason }),
};

/** The interactive apply's socket on this site (the session cookie goes with it). */
export function applySocket() {
  const scheme = location.protocol === 'https:' ? 'wss:' : 'ws:';
  return new WebSocket(`${scheme}//${location.host}/api/admin/configs/apply/ws`);
}
