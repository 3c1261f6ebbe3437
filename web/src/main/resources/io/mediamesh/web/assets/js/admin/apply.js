// Apply, live: what to apply (kind, roles, revision, policy, promotion), then its progress as it
// happens over the WebSocket, with Promote and Cancel. The running apply's id goes into the address
// (?apply=ID), so a reload, or a second admin opening the console, finds it again: its recorded
// events are drawn, and the record is read again every second until the apply ends (a socket
// cannot attach to an apply it did not start); Promote and Cancel then go through the REST routes.
import { ApiError } from '../api.js';
import { h, replace } from '../dom.js';
import { errorBox, showError } from '../components/errors.js';
import { ApplyProgress } from './applyProgress.js';
import { applyApi, applySocket } from './applyApi.js';

const POLL_MS = 1000;
const ROLES = ['origin', 'relay', 'edge'];

function choice(name, legend, options, checked) {
  return h('fieldset', { class: 'choices' }, h('legend', {}, legend),
    options.map(([value, label]) => h('label', {},
      h('input', { type: 'radio', name, value, checked: value === checked }), ' ', label)));
}

function applyForm() {
  return h('form', { class: 'form apply-form card', 'aria-label': 'Start an apply' },
    h('div', { class: 'field' }, h('label', { for: 'apply-kind' }, 'Kind'),
      h('select', { id: 'apply-kind', name: 'kind' },
        ['nginx', 'janus', 'coturn'].map((kind) => h('option', { value: kind }, kind)))),
    h('fieldset', { class: 'choices' }, h('legend', {}, 'Roles'),
      ROLES.map((role) => h('label', {}, h('input', { type: 'checkbox', name: 'roles', value: role, checked: true }),
        ' ', role))),
    h('div', { class: 'field' }, h('label', { for: 'apply-revision' }, 'Revision (empty: the latest of each role)'),
      h('input', { id: 'apply-revision', name: 'revision', type: 'number', min: 1, inputmode: 'numeric' })),
    choice('policy', 'When a server fails', [['all_or_nothing', 'All or nothing: roll every server back'],
      ['best_effort', 'Best effort: only that server keeps its old files']], 'all_or_nothing'),
    choice('promotion', 'Between stages', [['automatic', 'Go on automatically'],
      ['manual', 'Wait for me to promote']], 'manual'),
    h('div', { class: 'field' }, h('label', { for: 'apply-message' }, 'Note for the audit (optional)'),
      h('input', { id: 'apply-message', name: 'message', type: 'text', maxlength: 1000 })),
    h('div', { class: 'form-actions' }, h('button', { type: 'submit' }, 'Start apply')));
}

export function applyView(container, query) {
  const form = applyForm();
  const status = h('p', { class: 'apply-status', role: 'status', 'aria-live': 'polite' });
  const promote = h('button', { type: 'button', disabled: true }, 'Promote');
  const cancel = h('button', { type: 'button', class: 'danger', disabled: true }, 'Cancel apply');
  const controls = h('div', { class: 'apply-controls', hidden: true }, promote, cancel);
  const errors = h('div', { class: 'apply-errors' });
  const running = h('div', { class: 'apply-running' });
  const progressBox = h('div');
  replace(container, h('h2', {}, 'Apply a configuration'), form, running, controls, status, errors, progressBox);

  let socket = null;
  let poll = null;
  let left = false;
  let progress = null;

  const setAddress = (id) => {
    const url = new URL(location.href);
    url.searchParams.set('apply', id);
    history.replaceState(null, '', url.pathname + url.search);
  };

  const stopPolling = () => {
    clearTimeout(poll);
    poll = null;
  };

  /** Draws the controls and the status line from what the progress knows. */
  const refresh = () => {
    const ended = Boolean(progress?.summary);
    const awaiting = progress && !ended ? progress.awaiting ?? (socket ? null : progress.inferAwaiting()) : null;
    controls.hidden = !progress;
    promote.disabled = !awaiting;
    cancel.disabled = !progress || ended;
    form.querySelector('button[type=submit]').disabled = Boolean(socket) && !ended;
    if (!progress) {
      replace(status);
    } else if (ended) {
      replace(status, `Apply ${progress.applyId} ended: ${progress.summary.outcome.replace(/_/g, ' ')}.`);
    } else if (awaiting) {
      replace(status, `${awaiting.completed_role.toUpperCase()} is done. Promote to start ` +
        `${awaiting.next_role.toUpperCase()}, or cancel.`);
    } else {
      replace(status, `Apply ${progress.applyId} is running…`);
    }
  };

  const newProgress = () => {
    progress = new ApplyProgress();
    replace(progressBox, progress.element);
    replace(errors);
    return progress;
  };

  /** One message of the socket. */
  const receive = (message) => {
    switch (message.type) {
      case 'started':
        stopPolling();
        newProgress().start(message);
        setAddress(message.apply_id);
        break;
      case 'event':
        progress.awaitPromotion(null);
        progress.event(message);
        break;
      case 'awaiting_promotion':
        progress.awaitPromotion(message);
        break;
      case 'summary':
        progress.finish(message);
        showRunning();
        break;
      case 'error':
        showError(errors, new ApiError(message.code === 'CONFIG_APPLY_IN_PROGRESS' ? 409 : 400, message.code,
          message.message));
        break;
      default:
        break;
    }
    refresh();
  };

  /** Follows a running apply this page did not start (or no longer has the socket of). */
  const follow = async (id) => {
    stopPolling();
    try {
      const { apply, events } = await applyApi.apply(id);
      if (left) {
        return;
      }
      if (!progress || progress.applyId !== apply.apply_id) {
        newProgress().start(apply);
        setAddress(apply.apply_id);
      }
      events.forEach((event) => progress.event(event));
      if (apply.summary) {
        progress.finish(apply.summary);
        showRunning();
      } else {
        poll = setTimeout(() => follow(id), POLL_MS);
      }
      refresh();
    } catch (error) {
      showError(errors, error);
      if (!left && error.status !== 404 && error.status !== 401) {
        poll = setTimeout(() => follow(id), POLL_MS * 3);
      }
    }
  };

  // What is shown stays until the new apply has started: a refused start (another apply of that
  // kind runs) leaves it in view, with the refusal.
  const start = (body) => {
    replace(errors);
    const ws = applySocket();
    socket = ws;
    ws.addEventListener('open', () => ws.send(JSON.stringify({ type: 'start', ...body })));
    ws.addEventListener('message', (event) => receive(JSON.parse(event.data)));
    ws.addEventListener('close', () => {
      if (socket !== ws) {
        return;
      }
      socket = null;
      // Cut off before the end (the network, the gateway): the apply goes on; follow its record.
      if (progress && !progress.summary && !left) {
        follow(progress.applyId);
      }
      refresh();
    });
    refresh();
  };

  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const data = new FormData(form);
    const roles = data.getAll('roles');
    if (roles.length === 0) {
      replace(errors, errorBox(new ApiError(400, 'INVALID_CONFIG_TARGET', 'Choose at least one role.')));
      return;
    }
    const revision = data.get('revision');
    start({
      kind: data.get('kind'), roles, policy: data.get('policy'), promotion: data.get('promotion'),
      revision: revision ? Number(revision) : undefined, message: data.get('message') || undefined,
    });
  });

  const act = async (button, viaSocket, viaRest) => {
    button.disabled = true;
    try {
      if (socket && socket.readyState === WebSocket.OPEN) {
        socket.send(JSON.stringify(viaSocket));
      } else {
        await viaRest(progress.applyId);
        follow(progress.applyId);
      }
    } catch (error) {
      showError(errors, error);
      refresh();
    }
  };
  promote.addEventListener('click', () => {
    progress.awaitPromotion(null);
    act(promote, { type: 'promote' }, applyApi.promote);
  });
  cancel.addEventListener('click', () => act(cancel, { type: 'cancel', reason: 'Cancelled in the console.' },
    (id) => applyApi.cancel(id, 'Cancelled in the console.')));

  /** Running applies of any kind: another admin's, or this page's before a reload. */
  const showRunning = async () => {
    try {
      const { applies } = await applyApi.applies();
      const active = applies.filter((apply) => apply.outcome === 'running');
      if (left) {
        return;
      }
      if (active.length === 0) {
        replace(running);
        return;
      }
      replace(running, h('div', { class: 'notice' }, h('strong', {}, 'Running now: '),
        active.map((apply) => h('span', { class: 'running-apply' }, `apply ${apply.apply_id} of ${apply.kind} by `,
          apply.author, ' ', h('button', { type: 'button', class: 'link', onclick: () => follow(apply.apply_id) },
            `Follow apply ${apply.apply_id}`)))));
      const asked = Number(query.get('apply'));
      if (!asked && !progress) {
        follow(active[0].apply_id);
      }
    } catch (error) {
      showError(errors, error);
    }
  };

  const asked = query.get('apply');
  if (asked) {
    follow(asked);
  }
  showRunning();

  return () => {
    left = true;
    stopPolling();
    // Leaving the page does not stop the apply (the gateway leaves it running); it is found again here.
    socket?.close();
  };
}
