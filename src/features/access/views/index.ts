/** The access feature's pages: the account's API tokens. */
export { tokensPages } from './tokens.pages.js';
