/** The identity feature's pages: sign up, sign in, sign out, account. */
import type { WebPages } from '../../../web/index.js';
import { accountPages } from './account.pages.js';
import { authPages } from './auth.pages.js';

export const identityPages: WebPages = async (app, ctx) => {
  await app.register(authPages, ctx);
  await app.register(accountPages, ctx);
};
