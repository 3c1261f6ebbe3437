// The console's views by path name: /admin/:view.
import { applyView } from './apply.js';
import { roomsView } from './rooms.js';

export const views = { apply: applyView, rooms: roomsView };
