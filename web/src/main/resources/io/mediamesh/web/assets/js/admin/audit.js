// Audit: past applies (who, when, what, how each server ended, the events on demand) and the config
// writes and reverts with their authors, filtered by kind and, for applies, by outcome.
import { h, localDate, replace } from '../dom.js';
import { showError } from '../components/errors.js';
import { adminApi, KINDS, ROLES } from './consoleApi.js';
import { badge, cell, humanize, toneOf } from './ui.js';

const OUTCOMES = ['running', 'succeeded', 'partial', 'rolled_back', 'cancelled', 'failed'];

function select(id, label, anyText, values, current) {
  return h('div', { class: 'field' }, h('label', { for: id }, label),
    h('select', { id, name: id.replace('audit-', '') }, h('option', { value: '' }, anyText),
      values.map((value) => h('option', { value, selected: value === current }, humanize(value)))));
}

function resultsTable(apply) {
  if (!apply.summary) {
    return h('p', { class: 'meta' }, 'Still running: the results come at its end.');
  }
  return h('div', { class: 'table-scroll' }, h('table', { class: 'admin-table' },
    h('caption', { class: 'visually-hidden' }, `How each server ended in apply ${apply.apply_id}`),
    h('thead', {}, h('tr', {}, ['Server', 'Role', 'Result', 'Version', 'Detail'].map((t) => h('th', { scope: 'col' }, t)))),
    h('tbody', {}, apply.summary.results.map((result) => h('tr', {},
      h('th', { scope: 'row', 'data-label': 'Server' }, result.server_name),
      cell('Role', result.role),
      cell('Result', badge(humanize(result.status), toneOf(result.status))),
      cell('Version', h('span', { class: 'code' }, (result.previous_version || '—').slice(0, 12), ' → ',
        (result.version || '—').slice(0, 12))),
      cell('Detail', result.error_code ? h('strong', { class: 'code' }, result.error_code, ' ') : null, result.message,
        result.tool_output ? h('pre', { class: 'tool-output' }, result.tool_output) : null))))));
}

function eventsTable(events) {
  return h('div', { class: 'table-scroll' }, h('table', { class: 'admin-table events' },
    h('caption', {}, 'Events'),
    h('thead', {}, h('tr', {}, ['#', 'Time', 'Server', 'Step', 'Detail'].map((t) => h('th', { scope: 'col' }, t)))),
    h('tbody', {}, events.map((event) => h('tr', {},
      h('th', { scope: 'row', 'data-label': '#' }, String(event.sequence)),
      cell('Time', new Date(event.at).toLocaleTimeString()),
      cell('Server', `${event.server_name} (${event.role})`),
      cell('Step', badge(humanize(event.step), toneOf(event.step))),
      cell('Detail', event.error_code ? h('strong', { class: 'code' }, event.error_code, ' ') : null, event.message,
        event.tool_output ? h('pre', { class: 'tool-output' }, event.tool_output) : null))))));
}

function applyCard(apply, open) {
  const stages = apply.stages.map((stage) => `${stage.role} r${stage.revision}`).join(' → ');
  const events = h('div', { class: 'events-place' });
  const details = h('details', { class: 'card apply-record', open, id: `apply-${apply.apply_id}` },
    h('summary', {}, h('span', { class: 'apply-title' }, `#${apply.apply_id} ${apply.kind}`), ' ',
      badge(humanize(apply.outcome), toneOf(apply.outcome)), ' ',
      h('span', { class: 'meta' }, `by ${apply.author} · ${localDate(apply.started_at)} · ${stages || 'no servers'}`)),
    h('p', { class: 'meta' }, `${humanize(apply.policy)}, ${apply.promotion} promotion`,
      apply.requested_revision ? `, revision ${apply.requested_revision}` : ', latest revisions',
      apply.finished_at ? `; finished ${localDate(apply.finished_at)}` : '',
      apply.message ? ` — “${apply.message}”` : '',
      apply.cancel_reason ? ` — cancelled: ${apply.cancel_reason}` : ''),
    apply.summary?.message ? h('p', {}, apply.summary.message) : null,
    resultsTable(apply), events);
  const loadEvents = async () => {
    if (events.childElementCount) {
      return;
    }
    try {
      replace(events, eventsTable((await adminApi.apply(apply.apply_id)).events));
    } catch (error) {
      showError(events, error);
    }
  };
  details.addEventListener('toggle', () => details.open && loadEvents());
  if (open) {
    loadEvents();
  }
  return details;
}

export function auditView(container, query) {
  const filters = h('form', { class: 'filters', novalidate: true, 'aria-label': 'Filter' },
    select('audit-kind', 'Kind', 'Every kind', KINDS, query.get('kind') ?? ''),
    select('audit-outcome', 'Apply outcome', 'Any outcome', OUTCOMES, query.get('outcome') ?? ''));
  const applies = h('div', { class: 'apply-list' });
  const more = h('button', { type: 'button', class: 'more', hidden: true }, 'More applies');
  const writes = h('div', { class: 'writes' });
  container.append(filters,
    h('section', { 'aria-labelledby': 'applies-title' }, h('h2', { id: 'applies-title' }, 'Applies'), applies, more),
    h('section', { 'aria-labelledby': 'writes-title' }, h('h2', { id: 'writes-title' }, 'Config writes and reverts'),
      h('p', { class: 'meta' }, 'Newest first, by kind; the outcome filter is about applies only.'), writes));

  const wanted = Number(query.get('apply')) || null;
  let cursor = null;

  const current = () => ({ kind: filters.elements.kind.value, outcome: filters.elements.outcome.value });

  async function loadApplies(reset) {
    if (reset) {
      cursor = null;
      replace(applies, h('p', { class: 'meta', role: 'status' }, 'Loading…'));
    }
    more.disabled = true;
    try {
      const page = await adminApi.applies({ ...current(), limit: 20 }, cursor ?? undefined);
      if (reset) {
        replace(applies);
      }
      applies.append(...page.applies.map((apply) => applyCard(apply, apply.apply_id === wanted)));
      if (!applies.childElementCount) {
        replace(applies, h('p', { class: 'list-status' }, 'No applies match.'));
      }
      cursor = page.next_cursor;
      more.hidden = !cursor;
    } catch (error) {
      showError(applies, error);
    } finally {
      more.disabled = false;
    }
  }

  async function loadWrites() {
    const { kind } = current();
    const targets = (kind ? [kind] : KINDS).flatMap((k) => ROLES.map((role) => [k, role]));
    try {
      const pages = await Promise.all(targets.map(([k, role]) => adminApi.revisions(k, role, 20)));
      const all = pages.flatMap((page) => page.revisions)
        .sort((x, y) => y.created_at.localeCompare(x.created_at)).slice(0, 40);
      replace(writes, h('div', { class: 'table-scroll' }, h('table', { class: 'admin-table' },
        h('caption', { class: 'visually-hidden' }, 'Config writes and reverts, newest first'),
        h('thead', {}, h('tr', {}, ['When', 'Author', 'Config', 'Revision', 'Message'].map((t) => h('th', { scope: 'col' }, t)))),
        h('tbody', {}, all.map((revision) => h('tr', {},
          h('th', { scope: 'row', 'data-label': 'When' }, localDate(revision.created_at)),
          cell('Author', revision.author),
          cell('Config', h('a', { href: `/admin/configs?kind=${revision.kind}&role=${revision.role}` },
            `${revision.kind} · ${revision.role}`)),
          cell('Revision', `r${revision.revision}`,
            revision.reverted_from ? [' ', badge(`revert of r${revision.reverted_from}`, 'warn')] : null),
          cell('Message', revision.message || h('span', { class: 'muted' }, '—'))))))));
    } catch (error) {
      showError(writes, error);
    }
  }

  filters.addEventListener('change', () => {
    const { kind, outcome } = current();
    const params = new URLSearchParams(Object.entries({ kind, outcome }).filter(([, v]) => v));
    history.replaceState(null, '', '/admin/audit' + (params.size ? `?${params}` : ''));
    loadApplies(true);
    loadWrites();
  });
  more.addEventListener('click', () => loadApplies(false));
  loadApplies(true);
  loadWrites();
}
