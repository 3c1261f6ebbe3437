// Configs: per kind and role, the typed document as a form; saving makes a revision or shows the
// real tool's refusal (nginx -t, janus-cfgconv, coturn's trial run) as it printed it. Below, the
// history with authors and messages, revert, and a side-by-side diff of any two revisions, as
// documents or as the files a chosen server would get.
import { h, localDate, replace } from '../dom.js';
import { showError } from '../components/errors.js';
import { adminApi, KINDS, ROLES } from './consoleApi.js';
import { diffTable } from './diffView.js';
import { documentForm } from './docForm.js';
import { cell, showApiError } from './ui.js';

function choice(label, values, current, hrefOf) {
  return h('nav', { class: 'segmented', 'aria-label': label },
    h('span', { class: 'segmented-label' }, label),
    h('ul', {}, values.map((value) => h('li', {}, h('a', { href: hrefOf(value), 'aria-current': value === current ? 'page' : undefined }, value)))));
}

export function configsView(container, query) {
  const kind = KINDS.includes(query.get('kind')) ? query.get('kind') : 'nginx';
  const role = ROLES.includes(query.get('role')) ? query.get('role') : 'origin';
  const href = (k, r) => `/admin/configs?kind=${k}&role=${r}`;
  const editor = h('section', { class: 'card config-editor', 'aria-labelledby': 'editor-title' },
    h('h2', { id: 'editor-title' }, `${kind} · ${role}`), h('p', { class: 'loading', role: 'status' }, 'Loading…'));
  const history = h('section', { class: 'card', 'aria-labelledby': 'history-title' },
    h('h2', { id: 'history-title' }, 'History'));
  const compare = h('section', { class: 'card', 'aria-labelledby': 'compare-title' },
    h('h2', { id: 'compare-title' }, 'Compare'));
  container.append(h('div', { class: 'toolbar' },
    choice('Kind', KINDS, kind, (k) => href(k, role)), choice('Role', ROLES, role, (r) => href(kind, r))),
  editor, history, compare);

  let revisions = [];
  let left = false;

  async function load() {
    try {
      const [current, page, servers] = await Promise.all([adminApi.config(kind, role),
        adminApi.revisions(kind, role, 100), adminApi.serversOfRole(role)]);
      if (left) {
        return;
      }
      revisions = page.revisions;
      drawEditor(current);
      drawHistory();
      drawCompare(servers.servers);
    } catch (error) {
      showError(editor, error);
    }
  }

  function drawEditor(current) {
    const form = documentForm(kind, current.document);
    const status = h('div', { class: 'save-status', 'aria-live': 'polite' });
    const message = h('input', { type: 'text', id: 'save-message', maxlength: 1000, autocomplete: 'off' });
    const save = h('button', { type: 'submit' }, 'Save revision');
    const element = h('form', { class: 'doc-form', novalidate: true, 'aria-label': `${kind} document for ${role}` },
      h('p', { class: 'meta' }, `Revision ${current.revision} by ${current.author}, ${localDate(current.created_at)}`,
        current.message ? ` — “${current.message}”` : ''),
      form.element,
      h('div', { class: 'field' }, h('label', { for: 'save-message' }, 'Message (why this change)'), message),
      status,
      h('div', { class: 'form-actions sticky' }, save));
    element.addEventListener('submit', async (event) => {
      event.preventDefault();
      save.disabled = true;
      replace(status, h('p', { class: 'meta', role: 'status' }, `Checking with ${kind}'s own tool…`));
      try {
        const written = await adminApi.saveConfig(kind, role, form.read(), message.value);
        replace(status, h('p', { class: 'notice', role: 'status' }, `Saved revision ${written.revision}.`,
          written.validated ? ` ${kind} accepted it.` : ' (Not checked by the tool.)',
          written.tool_output ? h('pre', { class: 'tool-output' }, written.tool_output) : null));
        const page = await adminApi.revisions(kind, role, 100);
        revisions = page.revisions;
        drawHistory();
        refreshChoices();
        element.querySelector('.meta').textContent =
          `Revision ${written.revision} by ${written.author}, ${localDate(written.created_at)}` +
          (written.message ? ` — “${written.message}”` : '');
        message.value = '';
      } catch (error) {
        replace(status);
        showApiError(status, error);
      } finally {
        save.disabled = false;
      }
    });
    replace(editor, h('h2', { id: 'editor-title' }, `${kind} · ${role}`), element);
  }

  function drawHistory() {
    const latest = revisions[0]?.revision;
    const rows = revisions.map((revision) => h('tr', {},
      h('th', { scope: 'row', 'data-label': 'Revision' }, `r${revision.revision}`,
        revision.revision === latest ? h('span', { class: 'badge' }, 'current') : null),
      cell('Author', revision.author),
      cell('When', localDate(revision.created_at)),
      cell('Message', revision.message || h('span', { class: 'muted' }, '—'),
        revision.reverted_from ? h('span', { class: 'meta' }, ` (revert of r${revision.reverted_from})`) : null),
      cell('Actions', revision.revision === latest ? h('span', { class: 'muted' }, '—') : h('div', { class: 'actions' },
        h('button', { type: 'button', class: 'small secondary', 'aria-label': `Compare r${revision.revision} with the current revision`,
                      onclick: () => showCompare(revision.revision, latest) }, 'Diff with current'),
        h('button', { type: 'button', class: 'small danger', 'aria-label': `Revert to r${revision.revision}`,
                      onclick: (event) => revert(revision, event.currentTarget) }, 'Revert')))));
    replace(history, h('h2', { id: 'history-title' }, 'History'),
      h('div', { class: 'table-scroll' }, h('table', { class: 'admin-table' },
        h('caption', { class: 'visually-hidden' }, `Revisions of ${kind} for ${role}, newest first`),
        h('thead', {}, h('tr', {}, ['Revision', 'Author', 'When', 'Message', 'Actions'].map((t) => h('th', { scope: 'col' }, t)))),
        h('tbody', {}, rows))));
  }

  async function revert(revision, button) {
    if (!confirm(`Make r${revision.revision} of ${kind} for ${role} current again? This writes a new revision.`)) {
      return;
    }
    button.disabled = true;
    try {
      await adminApi.revert(kind, role, revision.revision);
      await load();
    } catch (error) {
      button.disabled = false;
      showApiError(history, error);
    }
  }

  const oldSelect = h('select', { id: 'diff-old' });
  const newSelect = h('select', { id: 'diff-new' });
  const asSelect = h('select', { id: 'diff-as' });
  const output = h('div', { class: 'diff-output', 'aria-live': 'polite' });

  function refreshChoices() {
    const keep = [oldSelect.value, newSelect.value];
    [oldSelect, newSelect].forEach((select, index) => {
      replace(select, revisions.map((revision) => h('option', { value: revision.revision },
        `r${revision.revision} · ${revision.author} · ${localDate(revision.created_at)}`)));
      select.value = keep[index] || String(revisions[index === 0 ? Math.min(1, revisions.length - 1) : 0]?.revision ?? '');
    });
  }

  function drawCompare(servers) {
    replace(asSelect, h('option', { value: '' }, 'the documents (JSON)'),
      servers.map((server) => h('option', { value: server.id }, `the files ${server.name} would get`)));
    refreshChoices();
    const form = h('form', { class: 'compare-form', novalidate: true },
      h('div', { class: 'field' }, h('label', { for: 'diff-old' }, 'Old'), oldSelect),
      h('div', { class: 'field' }, h('label', { for: 'diff-new' }, 'New'), newSelect),
      h('div', { class: 'field' }, h('label', { for: 'diff-as' }, 'Show as'), asSelect),
      h('div', { class: 'form-actions' }, h('button', { type: 'submit' }, 'Show diff')));
    form.addEventListener('submit', (event) => {
      event.preventDefault();
      runDiff();
    });
    replace(compare, h('h2', { id: 'compare-title' }, 'Compare'), form, output);
  }

  function showCompare(older, newer) {
    oldSelect.value = String(older);
    newSelect.value = String(newer);
    runDiff();
    compare.scrollIntoView({ block: 'start' });
    oldSelect.focus({ preventScroll: true });
  }

  async function runDiff() {
    const [a, b] = [oldSelect.value, newSelect.value];
    const serverId = asSelect.value;
    replace(output, h('p', { class: 'meta', role: 'status' }, 'Comparing…'));
    try {
      if (!serverId) {
        const [before, after] = await Promise.all([adminApi.revision(kind, role, a), adminApi.revision(kind, role, b)]);
        replace(output, diffTable(`r${a} → r${b}, ${kind} document for ${role}`,
          JSON.stringify(before.document, null, 2), JSON.stringify(after.document, null, 2), `r${a}`, `r${b}`));
        return;
      }
      const server = asSelect.selectedOptions[0].textContent.replace(/^the files (.*) would get$/, '$1');
      const [before, after] = await Promise.all([adminApi.rendered(serverId, kind, a), adminApi.rendered(serverId, kind, b)]);
      const names = [...new Set([...before.files, ...after.files].map((file) => file.name))];
      const text = (files, name) => files.find((file) => file.name === name)?.content ?? '';
      replace(output, names.map((name) => diffTable(`${name} for ${server}: r${a} → r${b}`,
        text(before.files, name), text(after.files, name), `r${a} (${before.version.slice(0, 12)})`,
        `r${b} (${after.version.slice(0, 12)})`)));
    } catch (error) {
      replace(output);
      showApiError(output, error);
    }
  }

  load();
  return () => {
    left = true;
  };
}
