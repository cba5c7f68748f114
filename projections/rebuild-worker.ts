/**
 * The module each rebuild worker thread runs (rebuildProjectionsInParallel in libs/projection-runtime): it knows
 * every projection by name, since projections are code and only their names can be sent to a thread.
 */
import { serveRebuildWorker } from '../libs/projection-runtime/src/index.js';
import { allProjections } from './index.js';

await serveRebuildWorker(allProjections);
