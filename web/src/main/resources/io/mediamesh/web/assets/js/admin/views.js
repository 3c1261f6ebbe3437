// The console's views by path name: /admin/:view.
import { applyView } from './apply.js';

export const views = { apply: applyView };
