/** Domain events and the outbox. Other code reaches them only through this file. */
export { EVENT_TYPES, type DomainEvent, type EventType, type OutboxEvent } from './event-types.js';
export { dispatchPendingEvents, recordEvent, type FanOut } from './events.service.js';
export { registerEventJobs } from './events.jobs.js';
