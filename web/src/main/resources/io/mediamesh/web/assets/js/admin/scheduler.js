// Scheduler: the deletion tasks by state, with attempts, last error and next run; a FAILED task can
// be given another round.
import { h, localDate, replace } from '../dom.js';
import { showError } from '../components/errors.js';
import { adminApi } from './consoleApi.js';
import { badge, cell, humanize, toneOf } from './ui.js';

const STATES = ['pending', 'running', 'succeeded', 'failed'];

export function schedulerView(container, query) {
  const state = STATES.includes(query.get('state')) ? query.get('state') : '';
  const tabs = h('nav', { class: 'segmented', 'aria-label': 'Task state' },
    h('span', { class: 'segmented-label' }, 'State'),
    h('ul', {}, [['', 'All'], ...STATES.map((s) => [s, humanize(s)])].map(([value, text]) =>
      h('li', {}, h('a', { href: value ? `/admin/scheduler?state=${value}` : '/admin/scheduler',
                           'aria-current': value === state ? 'page' : undefined }, text)))));
  const body = h('tbody');
  const status = h('p', { class: 'list-status', role: 'status' }, 'Loading…');
  const more = h('button', { type: 'button', class: 'more', hidden: true }, 'More tasks');
  const errors = h('div');
  container.append(tabs, errors, h('div', { class: 'table-scroll' }, h('table', { class: 'admin-table tasks' },
    h('caption', { class: 'visually-hidden' }, `${state ? humanize(state) : 'All'} tasks, newest first`),
    h('thead', {}, h('tr', {}, ['Task', 'State', 'Attempts', 'Last error', 'Next run', 'Updated', 'Actions']
      .map((t) => h('th', { scope: 'col' }, t)))),
    body)), status, more);
  let cursor = null;

  function row(task) {
    const retry = task.state === 'failed'
      ? h('button', { type: 'button', class: 'small', 'aria-label': `Retry task ${task.id}` }, 'Retry')
      : null;
    const element = h('tr', { 'data-task': task.id },
      h('th', { scope: 'row', 'data-label': 'Task' }, `#${task.id}`,
        h('span', { class: 'meta' }, ` ${humanize(task.kind)}, video ${task.video_id}`)),
      cell('State', badge(task.state, toneOf(task.state)),
        task.lease_owner ? h('p', { class: 'meta' }, `on ${task.lease_owner}`) : null),
      cell('Attempts', `${task.attempts} of ${task.max_attempts}`),
      cell('Last error', task.last_error
        ? [task.last_error_code ? h('strong', { class: 'code' }, task.last_error_code, ' ') : null, task.last_error]
        : h('span', { class: 'muted' }, '—')),
      cell('Next run', task.state === 'pending' ? localDate(task.next_run_at) : h('span', { class: 'muted' }, '—')),
      cell('Updated', localDate(task.completed_at ?? task.updated_at)),
      cell('Actions', retry ?? h('span', { class: 'muted' }, '—')));
    retry?.addEventListener('click', async () => {
      retry.disabled = true;
      try {
        const updated = row(await adminApi.retryTask(task.id));
        element.replaceWith(updated);
        updated.querySelector('th').setAttribute('tabindex', '-1');
        updated.querySelector('th').focus();
      } catch (error) {
        retry.disabled = false;
        showError(errors, error);
      }
    });
    return element;
  }

  async function load() {
    more.disabled = true;
    try {
      const page = await adminApi.tasks(state, cursor ?? undefined);
      body.append(...page.tasks.map(row));
      cursor = page.next_cursor;
      more.hidden = !cursor;
      replace(status, body.childElementCount ? '' : 'No tasks.');
    } catch (error) {
      replace(status);
      showError(errors, error);
    } finally {
      more.disabled = false;
    }
  }

  more.addEventListener('click', load);
  load();
}
