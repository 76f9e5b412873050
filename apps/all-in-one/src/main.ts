/**
 * The all-in-one Shepherd process: every service on embedded adapters unless
 * engine URLs are set. This file only composes; logic lives in libs.
 */
import { runApp } from '@shepherd/bootstrap';

await runApp({
  name: 'all-in-one',
  backends: ['store', 'bus', 'ownership', 'blobs'],
  async start() {
    // Services join here as their issues land (gateway, config, rollout, ...).
  },
});
