// How an API failure is shown: its code and message in an alert; a 401 sends the person to sign in
// and back here; a 429 or 503 says when to try again.
import { h } from '../dom.js';
import { here, navigate } from '../router.js';
import { signedOut } from '../session.js';

/** The alert element for {@code error} (an ApiError). */
export function errorBox(error) {
  const lines = [h('strong', { class: 'code' }, error.code), ' ', error.message];
  if (error.retryAfter !== undefined) {
    lines.push(h('span', { class: 'retry' }, ` Try again in ${error.retryAfter} s.`));
  }
  return h('div', { class: 'error', role: 'alert' }, ...lines);
}

/**
 * Shows {@code error} in {@code container} (replacing an earlier one there), or, for a 401, ends the
 * local sign-in and goes to the sign-in page, which comes back here afterwards.
 */
export function showError(container, error, { prepend = false } = {}) {
  if (error.status === 401 && error.code !== 'INVALID_CREDENTIALS') {
    signedOut();
    navigate('/signin?next=' + encodeURIComponent(here()) + '&expired=1');
    return;
  }
  container.querySelectorAll(':scope > .error').forEach((old) => old.remove());
  const box = errorBox(error);
  if (prepend) {
    container.prepend(box);
  } else {
    container.append(box);
  }
}
