/**
 * A horizontal bar chart of error codes as inline SVG: no chart library, no script, and readable
 * without colour (each bar carries its label and count as text; the SVG has a title and a table
 * fallback for screen readers).
 */
export interface Bar {
  readonly label: string;
  readonly count: number;
}

export function ErrorCodeChart({
  bars,
  title,
  id,
}: {
  bars: readonly Bar[];
  title: string;
  id: string;
}): JSX.Element {
  if (bars.length === 0) return <p class="text-sm text-slate-600">No errors in this period.</p>;
  const max = Math.max(...bars.map((b) => b.count));
  const rowHeight = 28;
  const labelWidth = 160;
  const width = 560;
  const barSpace = width - labelWidth - 70;
  const height = bars.length * rowHeight;
  return (
    <figure>
      <svg
        viewBox={`0 0 ${width} ${height}`}
        class="h-auto w-full max-w-2xl"
        role="img"
        aria-labelledby={`${id}-title`}
      >
        <title id={`${id}-title`} safe>
          {title}
        </title>
        {bars.map((b, i) => {
          const w = Math.max(2, Math.round((b.count / max) * barSpace));
          const y = i * rowHeight;
          return (
            <g>
              <text
                x={String(labelWidth - 8)}
                y={String(y + 18)}
                text-anchor="end"
                class="fill-slate-800 text-[13px]"
                safe
              >
                {b.label.length > 20 ? `${b.label.slice(0, 19)}…` : b.label}
              </text>
              <rect
                x={String(labelWidth)}
                y={String(y + 5)}
                width={String(w)}
                height="18"
                rx="3"
                class="fill-indigo-600"
              />
              <text x={String(labelWidth + w + 6)} y={String(y + 18)} class="fill-slate-800 text-[13px]">
                {b.count.toLocaleString('en-US')}
              </text>
            </g>
          );
        })}
      </svg>
      <table class="sr-only">
        <caption safe>{title}</caption>
        <tbody>
          {bars.map((b) => (
            <tr>
              <th scope="row" safe>
                {b.label}
              </th>
              <td>{String(b.count)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </figure>
  );
}
