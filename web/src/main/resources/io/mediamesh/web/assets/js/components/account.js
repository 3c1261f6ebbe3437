// The header's account area: sign in / sign up, or your page and sign out.
import { api } from '../api.js';
import { h, replace } from '../dom.js';
import { navigate } from '../router.js';
import { currentUser, isAdmin, onChange, signedOut } from '../session.js';
import { showError } from './errors.js';

export function renderAccount(nav) {
  const draw = (name) => {
    if (!name) {
      replace(nav, h('a', { href: '/signin' }, 'Sign in'), h('a', { href: '/signup', class: 'button' }, 'Sign up'));
      return;
    }
    const signOut = h('button', { type: 'button', class: 'link' }, 'Sign out');
    signOut.addEventListener('click', async () => {
      signOut.disabled = true;
      try {
        await api.logout();
      } catch (error) {
        // An ended session is already signed out; anything else is worth telling.
        if (error.status !== 401) {
          signOut.disabled = false;
          showError(document.getElementById('main'), error, { prepend: true });
          return;
        }
      }
      signedOut();
      navigate('/');
    });
    const consoleLink = isAdmin() ? [h('a', { href: '/admin' }, 'Console')] : [];
    replace(nav, h('a', { href: `/u/${encodeURIComponent(name)}`, class: 'me' }, name), h('a', { href: '/rooms' }, 'Rooms'),
      h('a', { href: '/streams' }, 'Streams'), ...consoleLink, signOut);
  };
  onChange(draw);
  draw(currentUser());
}
