// The console's views by the name in /admin/:view. Each is (container, query) => optional leave().
import { applyView } from './apply.js';
import { auditView } from './audit.js';
import { configsView } from './configs.js';
import { fleetView } from './fleet.js';
import { roomsView } from './rooms.js';
import { schedulerView } from './scheduler.js';

export const views = {
  fleet: fleetView, configs: configsView, apply: applyView, audit: auditView, rooms: roomsView,
  scheduler: schedulerView,
};
