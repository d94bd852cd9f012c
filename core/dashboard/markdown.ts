/** Markdown helpers for text widgets. Pure. */

/** Escapes text for a markdown table cell or link text (pipes, brackets, newlines). */
export function mdEscape(text: string): string {
  return text.replace(/\\/g, '\\\\').replace(/\|/g, '\\|').replace(/([[\]*_`])/g, '\\$1').replace(/\r?\n/g, ' ');
}

/** `[text](url)`, or the plain (escaped) text when there is no url (no console in the partition). */
export function mdLink(text: string, url: string | undefined): string {
  return url ? `[${mdEscape(text)}](${url})` : mdEscape(text);
}

/** A markdown table; cells are escaped by the caller (they may hold links). */
export function mdTable(headers: readonly string[], rows: readonly (readonly string[])[]): string {
  const line = (cells: readonly string[]) => `| ${cells.join(' | ')} |`;
  return [line(headers), line(headers.map(() => '---')), ...rows.map(line)].join('\n');
}

/** `2024-05-01 10:05 UTC` – minutes are enough on a dashboard, and UTC keeps the body deterministic. */
export function formatTime(epochMs: number): string {
  return `${new Date(epochMs).toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

/** `$1,234.50`. */
export function formatUsd(amount: number): string {
  return `$${amount.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;
}
