/**
 * HTML pages of the approval endpoint. Pure: every value is escaped here, pages carry no script,
 * no external resource and never a task token (they are rendered only from the facts and the id).
 */
import type { Fact } from './actions';
import type { ApprovalDecision } from './contracts/approvals';

/** What the confirmation page shows: the same facts as the email. */
export interface PageSummary {
  title: string;
  facts: Fact[];
}

/** A rendered page with its HTTP status. */
export interface Page {
  statusCode: number;
  html: string;
}

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;', '`': '&#96;' };

/** Escapes text for HTML element content and quoted attribute values. */
export function escapeHtml(text: string): string {
  return String(text).replace(/[&<>"'`]/g, (c) => ESCAPES[c]);
}

const STYLE = [
  'body{font-family:system-ui,-apple-system,Segoe UI,sans-serif;max-width:46rem;margin:2rem auto;padding:0 1rem;color:#1d1d1f;line-height:1.45}',
  'h1{font-size:1.4rem}',
  'table{border-collapse:collapse;margin:1rem 0;width:100%}',
  'th,td{text-align:left;vertical-align:top;padding:.35rem .6rem;border-bottom:1px solid #ddd;word-break:break-word}',
  'th{width:13rem;color:#555;font-weight:600}',
  'form{display:inline-block;margin:1rem 1rem 0 0}',
  'button{font-size:1rem;padding:.6rem 1.2rem;border-radius:.4rem;border:1px solid #888;cursor:pointer}',
  'button.approve{background:#1f7a34;color:#fff;border-color:#1f7a34}',
  'button.reject{background:#b3261e;color:#fff;border-color:#b3261e}',
  '.note{color:#555;font-size:.9rem}',
].join('');

/** The whole document around `body` (already HTML). */
function layout(title: string, body: string): string {
  return [
    '<!DOCTYPE html>',
    '<html lang="en"><head><meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    '<meta name="robots" content="noindex, nofollow">',
    `<title>${escapeHtml(title)} – Personalize Monitor</title>`,
    `<style>${STYLE}</style>`,
    '</head><body>',
    body,
    '</body></html>',
  ].join('\n');
}

/** The facts as a two-column table. */
export function factsTable(facts: Fact[]): string {
  if (facts.length === 0) return '';
  const rows = facts.map((f) => `<tr><th scope="row">${escapeHtml(f.label)}</th><td>${escapeHtml(f.value)}</td></tr>`);
  return `<table>${rows.join('')}</table>`;
}

function decisionForm(path: string, decision: ApprovalDecision, title: string): string {
  const label = decision === 'approve' ? `Approve: ${title}` : `Reject: ${title}`;
  return [
    `<form method="post" action="${escapeHtml(path)}">`,
    `<input type="hidden" name="decision" value="${decision}">`,
    `<button type="submit" class="${decision}">${escapeHtml(label)}</button>`,
    '</form>',
  ].join('');
}

/**
 * The confirmation page a link opens. It changes nothing; its button POSTs the decision to
 * `path`. Without a decision (a bare link) it offers both buttons.
 */
export function confirmationPage(summary: PageSummary, path: string, decision: ApprovalDecision | undefined, expiresAt: number): Page {
  const ask =
    decision === 'approve'
      ? 'Please confirm that you approve this action.'
      : decision === 'reject'
        ? 'Please confirm that you reject this action. Nothing will be changed.'
        : 'Approve or reject this action.';
  const buttons = decision ? decisionForm(path, decision, summary.title) : decisionForm(path, 'approve', summary.title) + decisionForm(path, 'reject', summary.title);
  const body = [
    `<h1>${escapeHtml(summary.title)}</h1>`,
    `<p>${escapeHtml(ask)}</p>`,
    factsTable(summary.facts),
    buttons,
    `<p class="note">${escapeHtml(`Opening this page decided nothing. The request expires at ${new Date(expiresAt).toISOString()}. Before acting, the monitor checks the resource again and skips the action if it is in use or has changed.`)}</p>`,
  ].join('\n');
  return { statusCode: 200, html: layout(summary.title, body) };
}

/** A page that reports an outcome or a problem: a heading, sentences, and optionally the facts. */
export function messagePage(statusCode: number, heading: string, sentences: string[], summary?: PageSummary): Page {
  const body = [
    `<h1>${escapeHtml(heading)}</h1>`,
    ...sentences.map((s) => `<p>${escapeHtml(s)}</p>`),
    summary ? `<h2>${escapeHtml(summary.title)}</h2>${factsTable(summary.facts)}` : '',
  ].join('\n');
  return { statusCode, html: layout(heading, body) };
}
