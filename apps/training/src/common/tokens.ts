/** Injection tokens of the training service's ports. */
export const REGISTRY = Symbol('training.registry');
export const WORKER_POOL = Symbol('training.worker-pool');
