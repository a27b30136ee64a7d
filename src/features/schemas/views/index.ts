/** The schemas feature's pages: list, editor, versions. */
export { schemasPages } from './schemas.pages.js';
