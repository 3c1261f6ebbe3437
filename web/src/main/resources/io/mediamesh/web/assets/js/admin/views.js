// The console's views by the name in /admin/:view. Each is (container, query) => optional leave().
import { auditView } from './audit.js';
import { configsView } from './configs.js';
import { fleetView } from './fleet.js';
import { schedulerView } from './scheduler.js';

export const views = { fleet: fleetView, configs: configsView, audit: auditView, scheduler: schedulerView };
