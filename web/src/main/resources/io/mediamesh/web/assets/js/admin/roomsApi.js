// The room and stream routes the overview uses; as an admin, the lists hold everyone's rooms and
// streams, and the owner-or-admin actions are allowed on all of them.
import { call } from '../api.js';

const enc = encodeURIComponent;
const page = (cursor) => (cursor ? `?cursor=${enc(cursor)}` : '');

export const roomsApi = {
  rooms: (type, cursor) => call('GET', `/api/rooms/${type}` + page(cursor)),
  room: (type, id) => call('GET', `/api/rooms/${type}/${enc(id)}`),
  destroyRoom: (type, id) => call('DELETE', `/api/rooms/${type}/${enc(id)}`),
  kick: (type, id, who) => call('DELETE', `/api/rooms/${type}/${enc(id)}/participants/${enc(who)}`),
  recording: (type, id, enabled) => call('PUT', `/api/rooms/${type}/${enc(id)}/recording`, { enabled }),
  streams: (cursor) => call('GET', '/api/streams' + page(cursor)),
  stream: (id) => call('GET', `/api/streams/${enc(id)}`),
  stopForwarding: (id) => call('DELETE', `/api/streams/${enc(id)}/forward`),
  destroyStream: (id) => call('DELETE', `/api/streams/${enc(id)}`),
};
