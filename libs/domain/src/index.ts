// libs/domain: the transport-neutral building blocks of a bounded context: DomainError with its kinds,
// field validation (one naming rule for every service) and paging. Pure: no I/O, no Nest.
export * from './domain-error';
export * from './validate';
export * from './paging';
