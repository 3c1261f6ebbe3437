// The admin console at /admin and /admin/:view: for an admin session only (no session: sign in and
// come back; a signed-in non-admin: a 403 message). It draws the console's navigation and the view.
import { api } from '../api.js';
import { h } from '../dom.js';
import { showError } from '../components/errors.js';
import { here, navigate } from '../router.js';
import { currentUser } from '../session.js';
import { views } from './views.js';

/** Every view of the console in menu order; one not (yet) in the registry is left out. */
const MENU = [
  ['fleet', 'Fleet'],
  ['configs', 'Configs'],
  ['apply', 'Apply'],
  ['audit', 'Audit'],
  ['rooms', 'Rooms & streams'],
  ['scheduler', 'Scheduler'],
];

function signIn() {
  navigate('/signin?next=' + encodeURIComponent(here()), true);
}

export function adminPage(main, params, query) {
  const name = currentUser();
  if (!name) {
    signIn();
    return undefined;
  }
  const view = params.view ?? 'fleet';
  const label = (MENU.find(([key]) => key === view) ?? [view, 'Admin'])[1];
  document.title = `${label} · Admin · mediamesh`;
  const status = h('p', { class: 'loading', role: 'status' }, 'Loading…');
  main.append(status);
  let left = false;
  let leaveView = null;

  api.user(name).then((user) => {
    if (left) {
      return;
    }
    status.remove();
    if (user.role !== 'admin') {
      main.append(h('section', { class: 'console-denied' },
        h('h1', {}, 'Admin console'),
        h('p', { class: 'error', role: 'alert' }, h('strong', { class: 'code' }, '403'),
          ` Forbidden: ${name} is not an admin. The console is for admins only.`),
        h('p', {}, h('a', { href: '/' }, 'Back to the site'))));
      return;
    }
    const container = h('div', { class: 'console-view' });
    main.append(h('div', { class: 'console' }, menu(view), container));
    const render = views[view];
    if (!render) {
      container.append(h('h1', {}, 'No such view'),
        h('p', {}, 'The console has no view "', view, '". ', h('a', { href: '/admin' }, 'Go to the fleet'), '.'));
      return;
    }
    container.append(h('h1', { id: 'console-title' }, label));
    const leave = render(container, query);
    leaveView = typeof leave === 'function' ? leave : null;
  }).catch((error) => {
    if (left) {
      return;
    }
    status.remove();
    showError(main, error);
  });

  return () => {
    left = true;
    leaveView?.();
  };
}

function menu(current) {
  return h('nav', { class: 'console-nav', 'aria-label': 'Admin console' },
    h('ul', {}, MENU.filter(([key]) => views[key]).map(([key, text]) =>
      h('li', {}, h('a', { href: `/admin/${key}`, 'aria-current': key === current ? 'page' : undefined }, text)))));
}
