// A video in a list: a link to its watch page, its author and date; on its owner's page a delete
// button (with confirmation) and, while it has no file yet, an upload button.
import { h, localDate } from '../dom.js';

/** The card; {@code actions} are extra controls (the owner's) put under it. */
export function videoCard(video, actions = []) {
  const ready = video.state === 'ready';
  return h('article', { class: 'card', 'data-vid': video.id },
    h('a', { href: `/v/${video.id}`, class: 'thumb' + (ready ? '' : ' pending'), 'aria-hidden': 'true', tabindex: '-1' },
      h('span', { class: 'play' })),
    h('h3', { class: 'card-title' }, h('a', { href: `/v/${video.id}` }, video.name)),
    h('p', { class: 'meta' },
      h('a', { href: `/u/${encodeURIComponent(video.author)}` }, video.author), ' · ',
      h('time', { datetime: video.created_at }, localDate(video.created_at)),
      ready ? null : h('span', { class: 'badge' }, 'no file yet')),
    actions.length ? h('div', { class: 'actions' }, ...actions) : null);
}
