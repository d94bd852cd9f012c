/** Minimal markdown of text widgets, as HTML. Pure. */
import { esc } from './format';

/** Inline markdown: links (http/https only), bold, italics, code. */
function inline(t: string): string {
  return esc(t)
    .replace(/\[([^\]]+)\]\((https?:[^)\s]+)\)/g, '<a href="$2">$1</a>')
    .replace(/\*\*([^*]+)\*\*/g, '<b>$1</b>')
    .replace(/\*([^*]+)\*/g, '<i>$1</i>')
    .replace(/`([^`]+)`/g, '<code>$1</code>');
}

const cells = (line: string) => line.trim().replace(/^\|/, '').replace(/\|$/, '').split('|').map((c) => c.trim());

/**
 * Headings, links, bold, code, bullet lines, tables and paragraphs. A table sits in a
 * `.table-scroll` box: its cells wrap at spaces only, and a row too wide for the widget (long ARNs)
 * scrolls horizontally instead of breaking words.
 */
export function markdown(md: string): string {
  const out: string[] = [];
  const lines = md.split(/\n/);
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    if (/^\s*\|/.test(line)) {
      const rows: string[][] = [];
      while (i < lines.length && /^\s*\|/.test(lines[i])) rows.push(cells(lines[i++]));
      i -= 1;
      const body = rows.filter((r) => !r.every((c) => /^:?-{3,}:?$/.test(c)));
      const [head, ...rest] = body;
      out.push(
        `<div class="table-scroll"><table><tr>${(head ?? []).map((c) => `<th>${inline(c)}</th>`).join('')}</tr>${rest.map((r) => `<tr>${r.map((c) => `<td>${inline(c)}</td>`).join('')}</tr>`).join('')}</table></div>`,
      );
      continue;
    }
    const h = /^(#{1,4})\s+(.*)$/.exec(line);
    if (h) out.push(`<h${h[1].length + 2}>${inline(h[2])}</h${h[1].length + 2}>`);
    else if (/^\s*[-*]\s+/.test(line)) out.push(`<div class="li">• ${inline(line.replace(/^\s*[-*]\s+/, ''))}</div>`);
    else if (line.trim()) out.push(`<p>${inline(line)}</p>`);
  }
  return out.join('\n');
}
