/** The uploads feature's pages: dashboard, upload, report. */
export { uploadsPages } from './uploads.pages.js';
