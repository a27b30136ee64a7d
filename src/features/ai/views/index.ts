/** The AI feature's pages and the hooks other pages place (report panels, "Suggest a fix", usage). */
export { aiPages } from './ai.pages.js';
export { AiReportSlot, AiUsageSlot, SuggestFixCell, SuggestFixHead } from './ai-slots.view.js';
