// The admin console at /admin/:view: admins only (a visitor signs in first, anyone else gets a 403),
// a nav of the views, and the view the path names.
import { api } from '../api.js';
import { h, replace } from '../dom.js';
import { showError } from '../components/errors.js';
import { here, navigate } from '../router.js';
import { currentUser } from '../session.js';
import { views } from './views.js';

const TITLES = { apply: 'Apply', rooms: 'Rooms and streams' };

export function adminPage(main, params, query) {
  const name = currentUser();
  if (!name) {
    navigate('/signin?next=' + encodeURIComponent(here()), true);
    return undefined;
  }
  const view = params.view ?? Object.keys(views)[0];
  const nav = h('nav', { class: 'console-nav', 'aria-label': 'Console' },
    Object.keys(views).map((key) => h('a', { href: `/admin/${key}`, 'aria-current': key === view ? 'page' : undefined },
      TITLES[key] ?? key)));
  const body = h('div', { class: 'console-view' });
  replace(main, h('h1', {}, 'Admin console'), nav, body);
  let leave = () => {};
  let left = false;
  api.user(name).then((user) => {
    if (left) {
      return;
    }
    if (user.role !== 'admin') {
      replace(body, h('div', { class: 'error', role: 'alert' }, h('strong', { class: 'code' }, 'PERMISSION_DENIED'),
        ' The console is for admins.'));
      return;
    }
    const render = views[view];
    if (!render) {
      replace(body, h('p', {}, 'No such view.'));
      return;
    }
    leave = render(body, query) ?? leave;
  }, (error) => showError(body, error));
  return () => {
    left = true;
    leave();
  };
}
