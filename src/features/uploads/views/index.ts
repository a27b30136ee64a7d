/** The uploads feature's pages: dashboard, upload, report. */
import type { WebPages } from '../../../web/index.js';

export const uploadsPages: WebPages = async () => {};
