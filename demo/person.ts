/**
 * A person answering an approval email: open the link (GET: the page changes nothing), read the
 * page, find the form of the chosen decision and submit it (POST) – what a browser does, with
 * nothing known in advance about the page beyond HTML forms.
 */

/** One HTML form as a browser would submit it. */
export interface PageForm {
  method: string;
  action: string;
  fields: Record<string, string>;
  buttonText: string;
}

/** What the person saw and did. */
export interface ApprovalVisit {
  link: string;
  getStatus: number;
  pageTitle: string;
  pageText: string;
  postStatus?: number;
  resultTitle?: string;
  resultText?: string;
}

/** Links (http/https) in a text, in order. */
export function linksIn(text: string): string[] {
  return [...text.matchAll(/https?:\/\/[^\s<>"')]+/g)].map((m) => m[0]);
}

/** The forms of a page (method, absolute action, hidden/named inputs, submit label). */
export function formsIn(html: string, pageUrl: string): PageForm[] {
  return [...html.matchAll(/<form\b([^>]*)>([\s\S]*?)<\/form>/gi)].map((m) => {
    const attrs = m[1];
    const inner = m[2];
    const attr = (s: string, name: string) => new RegExp(`${name}\\s*=\\s*"([^"]*)"`, 'i').exec(s)?.[1];
    const fields: Record<string, string> = {};
    for (const input of inner.matchAll(/<input\b([^>]*)>/gi)) {
      const name = attr(input[1], 'name');
      if (name) fields[decodeEntities(name)] = decodeEntities(attr(input[1], 'value') ?? '');
    }
    const button = /<button\b[^>]*>([\s\S]*?)<\/button>/i.exec(inner)?.[1] ?? '';
    return {
      method: (attr(attrs, 'method') ?? 'get').toUpperCase(),
      action: new URL(decodeEntities(attr(attrs, 'action') ?? ''), pageUrl).toString(),
      fields,
      buttonText: textOf(button),
    };
  });
}

/** Visible text of an HTML fragment, whitespace collapsed. */
export function textOf(html: string): string {
  return decodeEntities(html.replace(/<(script|style)\b[\s\S]*?<\/\1>/gi, ' ').replace(/<[^>]+>/g, ' '))
    .replace(/\s+/g, ' ')
    .trim();
}

function decodeEntities(s: string): string {
  return s
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;|&#x27;/g, "'")
    .replace(/&amp;/g, '&');
}

function titleOf(html: string): string {
  return textOf(/<h1\b[^>]*>([\s\S]*?)<\/h1>/i.exec(html)?.[1] ?? /<title>([\s\S]*?)<\/title>/i.exec(html)?.[1] ?? '');
}

/**
 * Opens `link`, reads the page and submits the form whose fields or button say `decision`.
 * Throws when the page offers no such form (that is a broken approval page).
 */
export async function answerApproval(link: string, decision: 'approve' | 'reject'): Promise<ApprovalVisit> {
  const page = await fetch(link, { redirect: 'follow' });
  const html = await page.text();
  const visit: ApprovalVisit = { link, getStatus: page.status, pageTitle: titleOf(html), pageText: textOf(html) };
  const form = formsIn(html, link).find((f) => Object.values(f.fields).some((v) => v.toLowerCase() === decision) || f.buttonText.toLowerCase().startsWith(decision));
  if (!form) throw new Error(`the approval page at ${link} (HTTP ${page.status}) has no "${decision}" form: ${visit.pageText.slice(0, 200)}`);
  const res = await fetch(form.action, {
    method: form.method,
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: form.method === 'GET' ? undefined : new URLSearchParams(form.fields).toString(),
  });
  const result = await res.text();
  return { ...visit, postStatus: res.status, resultTitle: titleOf(result), resultText: textOf(result) };
}
