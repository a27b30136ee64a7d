/** The webhooks feature's pages: the account's endpoints and their deliveries. */
export { webhooksPages } from './webhooks.pages.js';
