// Sign in and sign up: on success the session cookie is set by the API, and the page goes back to
// where the person came from (?next=), or to their own page.
import { api } from '../api.js';
import { h } from '../dom.js';
import { field, onSubmit } from '../components/form.js';
import { navigate } from '../router.js';
import { signedInAs } from '../session.js';

const FIELDS = {
  INVALID_USER_NAME: 'user_name',
  USER_ALREADY_EXISTS: 'user_name',
  USER_NOT_FOUND: 'user_name',
  MISSING_FIELD: 'user_name',
  INVALID_PASSWORD: 'pwd',
};

/** Only a path of this site, so that ?next= cannot send anyone elsewhere. */
function nextPath(query, userName) {
  const next = query.get('next');
  return next && next.startsWith('/') && !next.startsWith('//') ? next : `/u/${encodeURIComponent(userName)}`;
}

function accountPage(main, query, { title, submit, call, autocomplete, other }) {
  document.title = `${title} · mediamesh`;
  const form = h('form', { class: 'card form', novalidate: true, 'aria-labelledby': 'form-title' },
    h('h1', { id: 'form-title' }, title),
    query.get('expired') ? h('p', { class: 'notice', role: 'status' }, 'Your session ended. Sign in again to go on.') : null,
    field({ name: 'user_name', label: 'User name', autocomplete: 'username', required: true, autocapitalize: 'none',
            spellcheck: 'false' }),
    field({ name: 'pwd', label: 'Password', type: 'password', autocomplete, required: true }),
    h('div', { class: 'form-actions' }, h('button', { type: 'submit' }, submit)),
    h('p', { class: 'switch' }, other));
  onSubmit(form, FIELDS, async (data) => {
    const userName = String(data.get('user_name')).trim();
    await call(userName, String(data.get('pwd')));
    signedInAs(userName);
    navigate(nextPath(query, userName), true);
  });
  main.append(form);
  form.elements.namedItem('user_name').focus();
}

export function signInPage(main, params, query) {
  accountPage(main, query, {
    title: 'Sign in', submit: 'Sign in', call: api.login, autocomplete: 'current-password',
    other: ['No account yet? ', h('a', { href: '/signup' + location.search }, 'Sign up')],
  });
}

export function signUpPage(main, params, query) {
  accountPage(main, query, {
    title: 'Sign up', submit: 'Create account', call: api.register, autocomplete: 'new-password',
    other: ['Have an account? ', h('a', { href: '/signin' + location.search }, 'Sign in')],
  });
}
