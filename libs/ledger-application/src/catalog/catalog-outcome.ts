import type { PlanState, ProductState } from '../../../billing/src/index.js';
import type { StreamOutcome } from '../../../application/src/index.js';

/** A product as a command left it, and the position of its events (or of the stream's last one). */
export type ProductOutcome = StreamOutcome<ProductState>;

/** A plan as a command left it (every version), and the position of its events (or of the stream's last one). */
export type PlanOutcome = StreamOutcome<PlanState>;
