// Fleet: every media server with its role, relay group, addresses, agent health, active config
// version per kind and last apply result; add, edit, enable/disable, delete. It polls every few
// seconds while the tab is visible and says so when a server turns unhealthy.
import { h, localDate, replace } from '../dom.js';
import { showError } from '../components/errors.js';
import { adminApi, KINDS } from './consoleApi.js';
import { serverForm } from './serverForm.js';
import { badge, cell, poll, toneOf } from './ui.js';

const EVERY_MS = 4000;

/** Per server id, the latest recorded apply that touched it (running ones included). */
function lastApplies(applies) {
  const last = new Map();
  for (const apply of applies) {
    const results = apply.summary ? apply.summary.results
      : apply.stages.flatMap((stage) => stage.servers.map((server) => ({ server_id: server.server_id, status: 'running' })));
    for (const result of results) {
      if (!last.has(result.server_id)) {
        last.set(result.server_id, { apply, status: result.status, message: result.message });
      }
    }
  }
  return last;
}

export function fleetView(container) {
  const formPlace = h('div', { class: 'form-place' });
  const alerts = h('div', { class: 'alerts', role: 'alert' });
  const updated = h('p', { class: 'meta updated' });
  // A failed poll is replaced by the next one; a refused action stays until the next action.
  const errors = h('div', { class: 'poll-errors' });
  const actionErrors = h('div', { class: 'action-errors' });
  const body = h('tbody');
  const table = h('table', { class: 'admin-table fleet' },
    h('caption', { class: 'visually-hidden' }, 'Media servers'),
    h('thead', {}, h('tr', {}, ['Server', 'Role', 'Relay group', 'Addresses', 'Agent', 'Active configs', 'Last apply',
      'Actions'].map((title) => h('th', { scope: 'col' }, title)))),
    body);
  const empty = h('p', { class: 'list-status', hidden: true }, 'No media servers yet.');
  const add = h('button', { type: 'button' }, 'Add server');
  container.append(h('div', { class: 'toolbar' }, add, updated), alerts, formPlace, errors, actionErrors,
    h('div', { class: 'table-scroll' }, table), empty);

  let servers = [];
  let lastSeen = '';
  /** Health as last drawn, to tell when a server has just turned unhealthy. */
  const health = new Map();

  function openForm(server) {
    const close = () => {
      replace(formPlace);
      add.disabled = false;
      (server ? body.querySelector(`[data-key="${server.id}:edit"]`) : add)?.focus();
    };
    const form = serverForm(server, async (fields) => {
      if (server) {
        await adminApi.updateServer(server.id, fields);
      } else {
        await adminApi.createServer(fields);
      }
      close();
      await refresh();
    }, close);
    add.disabled = true;
    replace(formPlace, form);
    form.querySelector('input').focus();
  }

  async function toggle(server) {
    const fields = (({ name, role, public_address, internal_address, relay_group, agent_endpoint, overrides }) =>
      ({ name, role, public_address, internal_address, relay_group, agent_endpoint, overrides }))(server);
    await adminApi.updateServer(server.id, { ...fields, enabled: !server.enabled });
    await refresh();
  }

  async function remove(server) {
    if (!confirm(`Delete the media server "${server.name}"? Its files stay on the host; it leaves the registry.`)) {
      return;
    }
    await adminApi.deleteServer(server.id);
    await refresh();
    add.focus();
  }

  function action(server, key, text, label, run, className) {
    return h('button', { type: 'button', class: `small ${className ?? 'secondary'}`, 'data-key': `${server.id}:${key}`,
                         'aria-label': label, onclick: async (event) => {
      event.currentTarget.disabled = true;
      replace(actionErrors);
      try {
        await run(server);
      } catch (error) {
        showError(actionErrors, error);
      } finally {
        body.querySelector(`[data-key="${server.id}:${key}"]`)?.removeAttribute('disabled');
      }
    } }, text);
  }

  function row(server, last) {
    const configs = KINDS.map((kind) => {
      const state = server.configs.find((config) => config.kind === kind);
      return h('li', {}, h('span', { class: 'kind' }, kind), ' ',
        state && state.active_version
          ? h('span', { class: 'code', title: `activated ${localDate(state.activated_at)}` }, state.active_version)
          : h('span', { class: 'muted' }, 'none'));
    });
    const unhealthy = server.status === 'unhealthy';
    return h('tr', { class: [unhealthy ? 'unhealthy' : '', server.enabled ? '' : 'disabled'].join(' ').trim() || undefined,
                     'data-server': server.name },
      h('th', { scope: 'row', 'data-label': 'Server' }, server.name,
        server.enabled ? null : h('span', { class: 'badge' }, 'disabled')),
      cell('Role', server.role),
      cell('Relay group', server.relay_group || h('span', { class: 'muted' }, '—')),
      cell('Addresses', h('dl', { class: 'pairs' },
        h('dt', {}, 'public'), h('dd', { class: 'code' }, server.public_address),
        h('dt', {}, 'internal'), h('dd', { class: 'code' }, server.internal_address),
        h('dt', {}, 'agent'), h('dd', { class: 'code' }, server.agent_endpoint))),
      cell('Agent', badge(server.status, toneOf(server.status)),
        server.status_message ? h('p', { class: 'meta' }, server.status_message) : null,
        server.last_checked_at ? h('p', { class: 'meta' }, 'checked ', localDate(server.last_checked_at)) : null),
      cell('Active configs', h('ul', { class: 'plain' }, configs)),
      cell('Last apply', last
        ? [badge(last.status.replace(/_/g, ' '), toneOf(last.status)), ' ',
           h('a', { href: `/admin/audit?apply=${last.apply.apply_id}` }, `${last.apply.kind} #${last.apply.apply_id}`),
           last.message ? h('p', { class: 'meta' }, last.message) : null]
        : h('span', { class: 'muted' }, 'none')),
      cell('Actions', h('div', { class: 'actions' },
        action(server, 'edit', 'Edit', `Edit ${server.name}`, openForm),
        action(server, 'toggle', server.enabled ? 'Disable' : 'Enable',
          `${server.enabled ? 'Disable' : 'Enable'} ${server.name}`, toggle),
        action(server, 'delete', 'Delete', `Delete ${server.name}`, remove, 'danger'))));
  }

  function draw(applies) {
    const last = lastApplies(applies);
    const focused = document.activeElement?.dataset?.key;
    replace(body, servers.map((server) => row(server, last.get(server.id))));
    if (focused) {
      body.querySelector(`[data-key="${focused}"]`)?.focus();
    }
    empty.hidden = servers.length > 0;
    const turned = servers.filter((server) => server.status === 'unhealthy' && health.get(server.id) !== 'unhealthy' &&
                                              health.has(server.id));
    if (turned.length) {
      replace(alerts, h('p', { class: 'error' }, h('strong', {}, 'Unhealthy: '),
        turned.map((server) => `${server.name}${server.status_message ? ` (${server.status_message})` : ''}`).join(', '),
        ' ', h('button', { type: 'button', class: 'link', onclick: () => replace(alerts) }, 'Dismiss')));
    }
    health.clear();
    servers.forEach((server) => health.set(server.id, server.status));
  }

  async function refresh() {
    try {
      const [page, applies] = await Promise.all([adminApi.servers(), adminApi.applies({ limit: 50 })]);
      servers = page.servers;
      const seen = JSON.stringify([servers, applies.applies]);
      if (seen !== lastSeen) {
        lastSeen = seen;
        draw(applies.applies);
      }
      replace(errors);
      replace(updated, 'Updated ', new Date().toLocaleTimeString(), ' · refreshes every few seconds');
    } catch (error) {
      showError(errors, error);
    }
  }

  add.addEventListener('click', () => openForm(null));
  return poll(refresh, EVERY_MS);
}
