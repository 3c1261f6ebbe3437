// A list that loads a page at a time from a cursor API: a "More" button while there is a next
// cursor, an empty state when there is nothing, errors in place. The list keeps its room while it
// loads, so the page does not jump.
import { h, replace } from '../dom.js';
import { showError } from './errors.js';

/**
 * @param {object} options
 * @param {string} options.label accessible name of the list
 * @param {(cursor?: string) => Promise<{items: any[], next: string|null}>} options.load
 * @param {(item: any, list: {remove: (el: Element) => void}) => Element} options.item renders one item
 * @param {string} options.empty what to say when there are none
 * @param {string} [options.className]
 */
export function pagedList({ label, load, item, empty, className = 'cards' }) {
  const list = h('ul', { class: className, 'aria-label': label });
  const status = h('p', { class: 'list-status', role: 'status' });
  const more = h('button', { type: 'button', class: 'more', hidden: true }, 'More');
  const root = h('section', { class: 'paged', 'aria-busy': 'true' }, list, status, more);
  let cursor = null;

  const control = {
    root,
    /** Drops an item's element (after its deletion), showing the empty state if it was the last. */
    remove(element) {
      element.remove();
      if (!list.children.length && more.hidden) {
        replace(status, empty);
      }
    },
    /** Puts a new item first (a comment just posted). */
    prepend(value) {
      list.prepend(h('li', {}, item(value, control)));
      replace(status);
    },
    /** Loads from the start again. */
    reload() {
      list.replaceChildren();
      cursor = null;
      return next();
    },
  };

  async function next() {
    root.setAttribute('aria-busy', 'true');
    more.disabled = true;
    replace(status, 'Loading…');
    try {
      const page = await load(cursor ?? undefined);
      for (const value of page.items) {
        list.append(h('li', {}, item(value, control)));
      }
      cursor = page.next;
      more.hidden = !cursor;
      replace(status, list.children.length ? '' : empty);
    } catch (error) {
      replace(status);
      showError(root, error);
    } finally {
      more.disabled = false;
      root.setAttribute('aria-busy', 'false');
    }
  }

  more.addEventListener('click', next);
  next();
  return control;
}
