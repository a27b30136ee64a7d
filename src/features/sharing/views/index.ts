/** The sharing feature's page parts: the Sharing card other features' pages place. */
export { SharingCard, type SharingCardProps } from './sharing-card.view.js';
