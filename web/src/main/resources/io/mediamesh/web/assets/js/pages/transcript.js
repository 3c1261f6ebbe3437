// A text room's transcript, for its owner: what was said and announced while recording was on, oldest
// first, a page at a time. Senders are named as the room showed them (their display name, kept with
// each message), their room username only where none was kept; announcements are marked as such.
import { api } from '../api.js';
import { h, localDate, replace } from '../dom.js';
import { showError } from '../components/errors.js';
import { pagedList } from '../components/pagedList.js';
import { roomName } from '../components/roomShell.js';
import { currentUser } from '../session.js';

const PAGE = 100;

export function transcriptPage(main, { room: roomId }) {
  const heading = h('h1', {}, 'Transcript');
  const meta = h('p', { class: 'meta' });
  const body = h('div', { class: 'transcript' });
  main.append(h('div', { class: 'room-head' }, heading, meta), body);
  if (!currentUser()) {
    replace(body, h('p', { class: 'notice' },
      h('a', { href: `/signin?next=${encodeURIComponent(location.pathname)}` }, 'Sign in'), ' to read this transcript.'));
    return;
  }
  load();

  async function load() {
    let room;
    try {
      ({ room } = await api.textRoom(roomId));
    } catch (error) {
      heading.textContent = 'Transcript unavailable';
      showError(body, error);
      return;
    }
    const name = roomName(room, 'Text room');
    document.title = `Transcript of ${name} · mediamesh`;
    heading.textContent = `Transcript of ${name}`;
    replace(meta, h('a', { href: `/rooms/text/${roomId}` }, 'Back to the room'),
      room.recording ? h('span', { class: 'badge live' }, 'Recording') : ' · not recording now',
      ' · people are named as the room showed them');
    const list = pagedList({
      label: 'Messages',
      className: 'transcript-lines',
      load: async (cursor) => {
        const page = await api.transcript(roomId, PAGE, cursor);
        return { items: page.messages, next: page.next_cursor };
      },
      item: (message) => h('article', { class: message.type === 'announcement' ? 'announcement' : 'message' },
        h('span', { class: 'from' },
          message.type === 'announcement' ? 'Announcement' : message.sender_display || message.sender),
        h('time', { datetime: message.sent_at }, localDate(message.sent_at)),
        message.recipients.length ? h('span', { class: 'meta' }, ` to ${message.recipients.join(', ')}`) : null,
        h('p', { class: 'text' }, message.text)),
      empty: 'Nothing was recorded yet. Turn recording on in the room, and what is said from then on is kept here.',
    });
    body.append(list.root);
  }
}
