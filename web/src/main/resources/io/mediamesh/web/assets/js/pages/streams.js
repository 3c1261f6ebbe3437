// Live streams: the streams you own, and a form to make one (you are sent to it for its ingest
// instructions and its link).
import { api } from '../api.js';
import { h } from '../dom.js';
import { field, onSubmit } from '../components/form.js';
import { pagedList } from '../components/pagedList.js';
import { navigate } from '../router.js';
import { currentUser } from '../session.js';

const PAGE = 20;

export function streamsPage(main) {
  document.title = 'Live streams · mediamesh';
  if (!currentUser()) {
    main.append(h('h1', {}, 'Live streams'),
      h('p', { class: 'notice' }, h('a', { href: '/signin?next=%2Fstreams' }, 'Sign in'), ' to make a live stream.'));
    return;
  }
  const form = h('form', { class: 'form card create', novalidate: true },
    h('h2', {}, 'New live stream'),
    field({ name: 'name', label: 'Name', maxlength: 64, placeholder: 'Launch event', required: true }),
    h('fieldset', { class: 'choices' }, h('legend', {}, 'It carries'),
      choice('video', 'Video (VP8)'), choice('audio', 'Sound (Opus)')),
    h('div', { class: 'form-actions' }, h('button', { type: 'submit' }, 'Create stream')));
  onSubmit(form, { INVALID_NAME: 'name', INVALID_REQUEST: 'name' }, async (data) => {
    const created = await api.createStream({
      name: data.get('name').trim(), video: data.has('video'), audio: data.has('audio'),
    });
    navigate(`/streams/${created.stream_id}`);
  });
  const list = pagedList({
    label: 'Your live streams',
    className: 'cards streams',
    load: async (cursor) => {
      const page = await api.myStreams(PAGE, cursor);
      return { items: page.streams, next: page.next_cursor };
    },
    item: (stream) => h('article', { class: 'card' },
      h('h3', { class: 'card-title' }, h('a', { href: `/streams/${stream.stream_id}` }, streamName(stream))),
      h('p', { class: 'meta' }, carries(stream), liveBadge(stream))),
    empty: 'You have no live streams yet. Make one above: it tells you how to send it.',
  });
  main.append(h('h1', {}, 'Live streams'), form, h('h2', {}, 'Your streams'), list.root);
}

function choice(name, label) {
  return h('label', { class: 'choice' }, h('input', { type: 'checkbox', name, checked: true }), label);
}

/** A stream's name for people: its name, or its number. */
export function streamName(stream) {
  return stream.name || `Live stream ${stream.stream_id}`;
}

/** "Video and sound", "Video only", ... */
export function carries(stream) {
  if (stream.video && stream.audio) {
    return 'Video and sound';
  }
  return stream.video ? 'Video only' : 'Sound only';
}

/** A badge saying whether people can watch now (forwarded to edges and started), or that its owner paused it. */
export function liveBadge(stream) {
  if (stream.watchable) {
    return h('span', { class: 'badge live' }, 'Live');
  }
  return h('span', { class: 'badge' }, stream.forwarding && !stream.enabled ? 'Paused' : 'Not live');
}
