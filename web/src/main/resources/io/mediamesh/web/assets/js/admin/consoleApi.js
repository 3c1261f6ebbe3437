// The admin API calls of the console's fleet, configs, audit and scheduler views (API.md's admin
// and scheduler routes, and the ones the console added: rendered files, applies, task retry).
import { call } from '../api.js';

const enc = encodeURIComponent;

function query(params) {
  const entries = Object.entries(params).filter(([, v]) => v !== undefined && v !== null && v !== '');
  return entries.length ? '?' + new URLSearchParams(entries).toString() : '';
}

export const adminApi = {
  servers: (limit = 500) => call('GET', '/api/admin/servers' + query({ limit })),
  serversOfRole: (role) => call('GET', '/api/admin/servers' + query({ role, limit: 500 })),
  createServer: (server) => call('POST', '/api/admin/servers', server),
  updateServer: (id, server) => call('PUT', `/api/admin/servers/${enc(id)}`, server),
  deleteServer: (id) => call('DELETE', `/api/admin/servers/${enc(id)}`),
  rendered: (serverId, kind, revision) =>
    call('GET', `/api/admin/servers/${enc(serverId)}/configs/${enc(kind)}` + query({ revision })),
  config: (kind, role) => call('GET', `/api/admin/configs/${enc(kind)}/${enc(role)}`),
  saveConfig: (kind, role, document, message) =>
    call('PUT', `/api/admin/configs/${enc(kind)}/${enc(role)}`, { document, message }),
  revisions: (kind, role, limit, cursor) =>
    call('GET', `/api/admin/configs/${enc(kind)}/${enc(role)}/revisions` + query({ limit, cursor })),
  revision: (kind, role, revision) =>
    call('GET', `/api/admin/configs/${enc(kind)}/${enc(role)}/revisions/${enc(revision)}`),
  revert: (kind, role, revision) =>
    call('POST', `/api/admin/configs/${enc(kind)}/${enc(role)}/revert`, { revision }),
  applies: (filters, cursor) => call('GET', '/api/admin/configs/applies' + query({ ...filters, cursor })),
  apply: (id) => call('GET', `/api/admin/configs/applies/${enc(id)}`),
  tasks: (state, cursor) => call('GET', '/scheduler/tasks' + query({ state, cursor, limit: 100 })),
  retryTask: (id) => call('POST', `/scheduler/tasks/${enc(id)}/retry`, {}),
};

export const KINDS = ['nginx', 'janus', 'coturn'];
export const ROLES = ['origin', 'relay', 'edge'];
