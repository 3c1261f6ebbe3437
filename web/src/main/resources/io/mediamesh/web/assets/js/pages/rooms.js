// Rooms: the video and text rooms you own, and a form to make each kind (you are sent to the new room,
// to share its link).
import { api } from '../api.js';
import { h } from '../dom.js';
import { field, onSubmit } from '../components/form.js';
import { pagedList } from '../components/pagedList.js';
import { roomName } from '../components/roomShell.js';
import { navigate } from '../router.js';
import { currentUser } from '../session.js';

const PAGE = 20;

export function roomsPage(main) {
  document.title = 'Rooms · mediamesh';
  if (!currentUser()) {
    main.append(h('h1', {}, 'Rooms'),
      h('p', { class: 'notice' }, h('a', { href: '/signin?next=%2Frooms' }, 'Sign in'), ' to make a room or join one.'));
    return;
  }
  const form = h('form', { class: 'form card create', novalidate: true },
    h('h2', {}, 'New video room'),
    field({ name: 'description', label: 'What is it about?', maxlength: 200, placeholder: 'Weekly catch-up' }),
    field({ name: 'max_publishers', label: 'Cameras at once (1 to 64)', type: 'number', min: 1, max: 64, value: 6,
            inputmode: 'numeric' }),
    h('div', { class: 'form-actions' }, h('button', { type: 'submit' }, 'Create room')));
  onSubmit(form, { INVALID_DESCRIPTION: 'description', INVALID_REQUEST: 'max_publishers' }, async (data) => {
    const room = await api.createVideoRoom({
      description: data.get('description').trim(),
      max_publishers: Number.parseInt(data.get('max_publishers'), 10) || 0,
    });
    navigate(`/rooms/video/${room.room_id}`);
  });
  const list = pagedList({
    label: 'Your video rooms',
    className: 'cards rooms',
    load: async (cursor) => {
      const page = await api.myVideoRooms(PAGE, cursor);
      return { items: page.rooms, next: page.next_cursor };
    },
    item: (room) => h('article', { class: 'card' },
      h('h3', { class: 'card-title' }, h('a', { href: `/rooms/video/${room.room_id}` }, roomName(room, 'Video room'))),
      h('p', { class: 'meta' }, `Up to ${room.max_publishers} cameras`,
        room.recording ? h('span', { class: 'badge' }, 'Recording') : null)),
    empty: 'You have no video rooms yet. Make one above and share its link.',
  });
  main.append(h('h1', {}, 'Rooms'),
    h('p', {}, 'To broadcast to many viewers instead, make a ', h('a', { href: '/streams' }, 'live stream'), '.'),
    form, h('h2', {}, 'Your video rooms'), list.root, ...textRooms());
}

/** The text room form and list. */
function textRooms() {
  const form = h('form', { class: 'form card create', novalidate: true },
    h('h2', {}, 'New text room'),
    field({ name: 'topic', label: 'Topic', maxlength: 200, placeholder: 'Release planning' }),
    h('div', { class: 'form-actions' }, h('button', { type: 'submit' }, 'Create text room')));
  onSubmit(form, { INVALID_DESCRIPTION: 'topic' }, async (data) => {
    const room = await api.createTextRoom({ description: data.get('topic').trim() });
    navigate(`/rooms/text/${room.room_id}`);
  });
  const list = pagedList({
    label: 'Your text rooms',
    className: 'cards text-rooms',
    load: async (cursor) => {
      const page = await api.myTextRooms(PAGE, cursor);
      return { items: page.rooms, next: page.next_cursor };
    },
    item: (room) => h('article', { class: 'card' },
      h('h3', { class: 'card-title' }, h('a', { href: `/rooms/text/${room.room_id}` }, roomName(room, 'Text room'))),
      h('p', { class: 'meta' }, h('a', { href: `/rooms/text/${room.room_id}/transcript` }, 'Transcript'),
        room.recording ? h('span', { class: 'badge' }, 'Recording') : null)),
    empty: 'You have no text rooms yet. Make one above and share its link.',
  });
  return [form, h('h2', {}, 'Your text rooms'), list.root];
}
