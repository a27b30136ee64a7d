/** Admins' AI usage: the page and the dashboard box (same numbers as GET /api/v1/ai/usage). */
import { renderPage, type WebPages } from '../../../web/index.js';
import type { AiServices } from '../index.js';
import { UsagePage, UsagePanel } from './ai-usage.view.js';

export function aiUsagePages(ai: AiServices): WebPages {
  return async (app, ctx) => {
    const reason = (): string | null => ai.gateway.status().reason;

    app.get(
      '/ai/usage',
      { config: { requires: 'admin.access' }, schema: { hide: true } },
      async (request, reply) => {
        const usage = await ai.usage.usage({});
        return renderPage(
          reply,
          <UsagePage page={await ctx.page(request)} usage={usage} reason={reason()} />,
        );
      },
    );

    app.get(
      '/ai/usage/panel',
      { config: { requires: 'admin.access' }, schema: { hide: true } },
      async (_request, reply) => {
        const usage = await ai.usage.usage({});
        return renderPage(reply, <UsagePanel usage={usage} reason={reason()} />);
      },
    );
  };
}
