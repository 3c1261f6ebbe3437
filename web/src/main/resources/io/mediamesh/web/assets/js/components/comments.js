// A video's comments, newest first, a page at a time; a form to post one when signed in; delete
// buttons on the comments the person may delete (their own, or all of them on their own video).
import { api } from '../api.js';
import { h, localDate } from '../dom.js';
import { showError } from './errors.js';
import { field, onSubmit } from './form.js';
import { pagedList } from './pagedList.js';

const PAGE = 20;
const FIELDS = { INVALID_COMMENT: 'content', MISSING_FIELD: 'content' };

export function comments(video, me) {
  const section = h('section', { class: 'comments', 'aria-labelledby': 'comments-title' },
    h('h2', { id: 'comments-title' }, 'Comments'));

  const render = (comment, control) => {
    const item = h('article', { class: 'comment', 'data-cid': comment.id },
      h('p', { class: 'meta' },
        h('a', { href: `/u/${encodeURIComponent(comment.author)}` }, comment.author), ' · ',
        h('time', { datetime: comment.created_at }, localDate(comment.created_at))),
      h('p', { class: 'content' }, comment.content));
    if (me && (me === comment.author || me === video.author)) {
      const remove = h('button', { type: 'button', class: 'danger small', 'aria-label': `Delete comment by ${comment.author}` },
        'Delete');
      remove.addEventListener('click', async () => {
        remove.disabled = true;
        try {
          await api.deleteComment(video.id, comment.id);
          control.remove(item.closest('li'));
        } catch (error) {
          remove.disabled = false;
          showError(item, error);
        }
      });
      item.append(remove);
    }
    return item;
  };

  const list = pagedList({
    label: 'Comments',
    className: 'comment-list',
    load: async (cursor) => {
      const page = await api.comments(video.id, PAGE, cursor);
      return { items: page.comments, next: page.next_cursor };
    },
    item: render,
    empty: 'No comments yet.',
  });

  if (me) {
    const form = h('form', { class: 'form comment-form', novalidate: true, 'aria-label': 'Post a comment' },
      field({ name: 'content', label: 'Your comment', multiline: true, rows: 3, required: true, maxlength: 2000 }),
      h('div', { class: 'form-actions' }, h('button', { type: 'submit' }, 'Post comment')));
    onSubmit(form, FIELDS, async (data) => {
      const comment = await api.postComment(video.id, String(data.get('content')).trim());
      form.reset();
      list.prepend(comment.comment);
    });
    section.append(form);
  } else {
    section.append(h('p', { class: 'notice' },
      h('a', { href: '/signin?next=' + encodeURIComponent(location.pathname) }, 'Sign in'), ' to comment.'));
  }
  section.append(list.root);
  return section;
}
