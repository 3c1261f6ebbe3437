// What the video and text room pages share around their join form and their stage: the head naming
// the room and its owner, a status line, a place for problems, and going back out of the room.
import { h, replace } from '../dom.js';
import { showError } from './errors.js';

/** A room's name for people: its description, or its {@code kind} and number. */
export function roomName(room, kind) {
  return room.description || `${kind} ${room.room_id}`;
}

/** The parts of a room page of {@code kind} ('Video room', 'Text room'), before the room is read. */
export function roomShell(kind) {
  const heading = h('h1', {}, kind);
  const meta = h('p', { class: 'meta' });
  const status = h('p', { class: 'room-status', role: 'status' });
  const problems = h('div', { class: 'room-problems' });
  return {
    heading,
    status,
    problems,
    head: h('div', { class: 'room-head' }, heading, meta),

    /**
     * Reads the room through {@code read} for {@code me} and names it in the head; resolves to the
     * room, or to null after saying why not (not signed in, or the API's error).
     */
    async open(me, read) {
      if (!me) {
        replace(problems, h('p', { class: 'notice' },
          h('a', { href: `/signin?next=${encodeURIComponent(location.pathname)}` }, 'Sign in'), ' to join this room.'));
        return null;
      }
      let room;
      try {
        ({ room } = await read());
      } catch (error) {
        heading.textContent = 'Room unavailable';
        showError(problems, error);
        return null;
      }
      const name = roomName(room, kind);
      document.title = `${name} · mediamesh`;
      heading.textContent = name;
      replace(meta, `Owner ${room.owner.user_name} · share this page's address to invite people`);
      return room;
    },

    /**
     * Shows the page out of the room: {@code stage} hidden, {@code joinForm} back, and {@code why} as
     * the status, or as an alert when it is a {@code problem}.
     */
    outside(stage, joinForm, why, problem) {
      stage.hidden = true;
      joinForm.hidden = false;
      if (problem) {
        replace(status);
        problems.append(h('div', { class: 'error', role: 'alert' }, why));
      } else {
        replace(status, why);
      }
    },
  };
}
