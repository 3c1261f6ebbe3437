// A text room: join, chat with everyone in it, see who is there and the owner's announcements. The
// site's API hands out the room's Janus URL, a username and a join token; the chat itself goes over
// a DataChannel to Janus's TextRoom plugin (components/janus.js). The owner also announces, removes
// people and turns the transcript's recording on and off. What people wrote is only ever set as text.
import { api } from '../api.js';
import { h, replace } from '../dom.js';
import { errorBox } from '../components/errors.js';
import { field, onSubmit } from '../components/form.js';
import { attachTextRoom, connect, enterRoom, MediaError } from '../components/janus.js';
import { recordingSwitch } from '../components/recordingSwitch.js';
import { roomShell } from '../components/roomShell.js';
import { currentUser } from '../session.js';

// Longest message the page sends (Janus's transcript keeps up to 16,000 characters).
const MAX_MESSAGE = 4000;

export function textRoomPage(main, { room: roomId }) {
  const me = currentUser();
  const shell = roomShell('Text room');
  const { status, problems } = shell;
  const joinForm = h('form', { class: 'form card join', novalidate: true, hidden: true },
    h('h2', {}, 'Join'),
    field({ name: 'display', label: 'Your name in the room', maxlength: 64, value: me ?? '', autocomplete: 'nickname' }),
    h('div', { class: 'form-actions' }, h('button', { type: 'submit' }, 'Join room')));
  const people = h('ul', { class: 'people', 'aria-label': 'People here' });
  // A log rather than a list: screen readers read out what is added to it.
  const log = h('div', { class: 'chat-log', role: 'log', 'aria-label': 'Messages' });
  const sendForm = h('form', { class: 'chat-send', novalidate: true },
    h('textarea', { name: 'text', rows: 2, maxlength: MAX_MESSAGE, required: true, 'aria-label': 'Your message',
                    placeholder: 'Write a message' }),
    h('button', { type: 'submit' }, 'Send'));
  const leaveButton = h('button', { type: 'button', class: 'danger' }, 'Leave room');
  // The chat, shown while this page is in the room.
  const stage = h('div', { class: 'chat', hidden: true },
    h('section', { class: 'chat-main', 'aria-label': 'Chat' }, log, sendForm),
    h('section', { class: 'chat-people card', 'aria-labelledby': 'people-heading' },
      h('h2', { id: 'people-heading' }, 'Who is here'), people, leaveButton));
  const owner = h('section', { class: 'owner card', hidden: true, 'aria-labelledby': 'owner-heading' });
  main.append(h('div', { class: 'text-room' },
    shell.head, problems, joinForm, status, stage, owner));

  let room = null;
  let chat = null;
  let left = false;

  load();

  async function load() {
    room = await shell.open(me, () => api.textRoom(roomId), joinForm);
    if (room?.owner.user_name === me) {
      ownerPanel();
    }
  }

  joinForm.addEventListener('submit', (event) => {
    event.preventDefault();
    join();
  });
  leaveButton.addEventListener('click', () => end('You left the room.'));
  sendForm.addEventListener('submit', (event) => {
    event.preventDefault();
    const box = sendForm.elements.namedItem('text');
    const text = box.value.trim();
    if (text && chat) {
      chat.request({ textroom: 'message', room: chat.roomId, text });
      box.value = '';
      box.focus();
    }
  });
  // Enter sends; Shift+Enter starts a new line.
  sendForm.elements.namedItem('text').addEventListener('keydown', (event) => {
    if (event.key === 'Enter' && !event.shiftKey && !event.isComposing) {
      event.preventDefault();
      sendForm.requestSubmit();
    }
  });

  async function join() {
    const display = joinForm.elements.namedItem('display').value.trim();
    const inRoom = await shell.join(joinForm, stage, async () => {
      const ticket = await api.joinTextRoom(roomId, display);
      chat = await enter(ticket, display);
    }, 'You are in the room.');
    if (inRoom) {
      sendForm.elements.namedItem('text').focus();
    }
  }

  /**
   * Connects to Janus, sets up the DataChannel and joins over it; resolves to the chat once Janus
   * has let this page in.
   */
  async function enter(ticket, display) {
    const session = await connect(ticket.server_url, {
      onLost: () => end('The connection to the media server was lost. Join again when it is back.', true),
    });
    const current = { session, handle: null, roomId: ticket.room_id, username: ticket.username, names: new Map(),
                      pending: new Map(), next: 0 };
    /** Sends {@code message} over the DataChannel; {@code onAnswer} gets Janus's answer to it. */
    current.request = (message, onAnswer = answered) => {
      const transaction = `t${current.next += 1}`;
      current.pending.set(transaction, onAnswer);
      current.handle.data({ text: JSON.stringify({ ...message, transaction }) });
    };
    await enterRoom(session, async (joined, refused) => {
      current.handle = await attachTextRoom(session, {
        onmessage: (message, jsep) => {
          if (message.error) {
            refused(new MediaError(`The media server refused the chat (${message.error_code}: ${message.error}).`));
          }
          if (jsep) {
            current.handle.createAnswer({
              jsep,
              tracks: [{ type: 'data' }],
              success: (answer) => current.handle.send({ message: { request: 'ack' }, jsep: answer }),
              error: () => refused(new MediaError('This browser could not open the chat\'s connection.')),
            });
          }
        },
        ondataopen: () => current.request({ textroom: 'join', room: ticket.room_id, username: ticket.username,
                                            display, token: ticket.token }, (answer) => {
          if (answer.textroom === 'error') {
            refused(new MediaError(refusal(answer)));
            return;
          }
          showPeople(current, [{ username: ticket.username, display }, ...(answer.participants ?? [])]);
          joined();
        }),
        ondata: (data) => heard(current, JSON.parse(data)),
        // The DataChannel's connection went away while the page was in the room (ICE failed, Janus hung up).
        oncleanup: () => {
          if (chat === current) {
            end('The chat\'s connection to the media server was closed. Join again.', true);
          }
        },
      });
      current.handle.send({ message: { request: 'setup' } });
    });
    return current;
  }

  /** An answer to one of this page's own requests that needs nothing but a failure shown. */
  function answered(answer) {
    if (answer.textroom === 'error') {
      problems.append(h('div', { class: 'error', role: 'alert' },
        `The media server did not take that (${answer.error_code}: ${answer.error}).`));
    }
  }

  /** One thing Janus said over the DataChannel. */
  function heard(current, event) {
    if (event.transaction && current.pending.has(event.transaction)) {
      const onAnswer = current.pending.get(event.transaction);
      current.pending.delete(event.transaction);
      onAnswer(event);
      return;
    }
    switch (event.textroom) {
      case 'message':
        say(h('div', { class: 'message' }, h('span', { class: 'from' }, nameOf(current, event.from)),
          h('time', { datetime: isoDate(event.date) }, clock(event.date)), h('p', { class: 'text' }, event.text)));
        break;
      case 'announcement':
        say(h('div', { class: 'announcement' }, h('span', { class: 'from' }, 'Announcement'),
          h('time', { datetime: isoDate(event.date) }, clock(event.date)), h('p', { class: 'text' }, event.text)));
        break;
      case 'join':
        showPeople(current, [{ username: event.username, display: event.display }]);
        say(h('div', { class: 'event' }, event.username === current.username ? 'You joined the room.'
                                                                              : `${nameOf(current, event.username)} joined.`));
        break;
      case 'leave':
        say(h('div', { class: 'event' }, `${nameOf(current, event.username)} left.`));
        dropPerson(current, event.username);
        break;
      case 'kicked':
        if (event.username === current.username) {
          end('The room\'s owner removed you from this room.', true);
          return;
        }
        say(h('div', { class: 'event' }, `${nameOf(current, event.username)} was removed.`));
        dropPerson(current, event.username);
        break;
      case 'destroyed':
        end('This room was closed by its owner.', true);
        break;
      default:
        break;
    }
  }

  function say(line) {
    // Keeps the newest line in view unless the reader scrolled up to read older ones.
    const atEnd = log.scrollHeight - log.scrollTop - log.clientHeight < 40;
    log.append(line);
    if (atEnd) {
      log.scrollTop = log.scrollHeight;
    }
  }

  function nameOf(current, username) {
    return current.names.get(username) ?? username;
  }

  function showPeople(current, joining) {
    for (const person of joining) {
      current.names.set(person.username, person.display || person.username);
      people.querySelector(`[data-username="${CSS.escape(person.username)}"]`)?.remove();
      people.append(personRow(current, person));
    }
  }

  function dropPerson(current, username) {
    people.querySelector(`[data-username="${CSS.escape(username)}"]`)?.remove();
  }

  function personRow(current, person) {
    const name = person.display || person.username;
    const row = h('li', { class: 'person', 'data-username': person.username },
      h('span', { class: 'who' }, name, person.username === current.username ? h('span', { class: 'meta' }, ' (you)') : null));
    if (room.owner.user_name === me && person.username !== current.username) {
      const remove = h('button', { type: 'button', class: 'danger small', 'aria-label': `Remove ${name}` }, 'Remove');
      remove.addEventListener('click', async () => {
        remove.disabled = true;
        try {
          await api.kickFromTextRoom(roomId, person.username);
        } catch (error) {
          remove.disabled = false;
          problems.append(errorBox(error));
        }
      });
      row.append(remove);
    }
    return row;
  }

  /** Leaves Janus and shows {@code why}; {@code problem}: as an alert rather than a status. */
  function end(why, problem = false) {
    if (chat) {
      const ending = chat;
      chat = null;
      ending.request({ textroom: 'leave', room: ending.roomId }, () => {});
      ending.session.destroy({ notifyDestroyed: false });
    }
    people.replaceChildren();
    log.replaceChildren();
    if (!left) {
      shell.outside(stage, joinForm, why, problem);
    }
  }

  function ownerPanel() {
    const announceForm = h('form', { class: 'announce', novalidate: true },
      field({ name: 'announcement', label: 'Announcement to everyone in the room', multiline: true, rows: 2,
              maxlength: 4000 }),
      h('div', { class: 'form-actions' }, h('button', { type: 'submit' }, 'Announce')));
    onSubmit(announceForm, { INVALID_REQUEST: 'announcement' }, async (data) => {
      await api.announce(roomId, data.get('announcement').trim());
      announceForm.reset();
    });
    owner.hidden = false;
    replace(owner, h('h2', { id: 'owner-heading' }, 'Your room'), announceForm,
      recordingSwitch(room, (enabled) => api.recordTextRoom(roomId, enabled), owner),
      h('p', { class: 'meta' }, 'What is said while recording is on goes into the ',
        h('a', { href: `/rooms/text/${roomId}/transcript` }, 'transcript'), '.'));
  }

  return () => {
    left = true;
    end('');
  };
}

/** Janus writes dates as 2024-05-01T10:00:00+0000; browsers want the offset's colon. */
function isoDate(date) {
  return typeof date === 'string' ? date.replace(/([+-]\d\d)(\d\d)$/, '$1:$2') : '';
}

function clock(date) {
  const parsed = new Date(isoDate(date));
  return Number.isNaN(parsed.getTime()) ? '' : parsed.toLocaleTimeString(undefined, { timeStyle: 'short' });
}

/** What Janus's refusal of a join means for the person joining. */
function refusal(answer) {
  switch (answer.error_code) {
    case 419:
      return 'This room did not accept your pass: you may have been removed from it.';
    case 417:
      return 'This room no longer exists on its media server.';
    case 420:
      return 'You are already in this room in another window.';
    default:
      return `The media server refused to let you in (${answer.error_code}: ${answer.error}).`;
  }
}
