/**
 * AWS Chatbot (Amazon Q Developer in chat applications) custom notifications, and the SNS
 * `MessageStructure: 'json'` body that carries one next to the email text. Pure.
 *
 * Chatbot renders only messages in its own schema (or the AWS events it knows); anything else
 * published to a topic it watches is dropped. The custom schema:
 * `{"version":"1.0","source":"custom","content":{"textType":"client-markdown","title",
 * "description","nextSteps":[…],"keywords":[…]}}` (AWS Chatbot admin guide, "Custom
 * notifications"). With `textType: client-markdown` the text is Slack markdown (mrkdwn), so
 * text from the product is escaped here (`&`, `<`, `>`: Slack's control characters, which also
 * stop `<!channel>`-style mentions and `<url|label>` links sneaking in) and values are shown as
 * inline code so `_`/`*` in an ARN or name do not turn into formatting.
 *
 * Limits: the schema's field lengths below are this module's own caps, chosen under the limits
 * the Chatbot guide gives for custom notifications; the whole SNS body must also stay within
 * SNS's 256 KB (`SNS_MESSAGE_MAX_BYTES`), which `snsJsonMessage` enforces by cutting the chat
 * description first, never the email text.
 */

/** Caps of the fields we send (characters / items). */
export const CHAT_LIMITS = {
  title: 250,
  description: 8000,
  nextSteps: 5,
  nextStep: 300,
  keywords: 10,
  keyword: 75,
} as const;

/** SNS Publish: the whole message (all protocols of a json structure together), in bytes. */
export const SNS_MESSAGE_MAX_BYTES = 262_144;

const ELLIPSIS = '…';

/** What we want a chat channel to show. */
export interface ChatContent {
  title: string;
  description: string;
  nextSteps?: string[];
  keywords?: string[];
}

/** An AWS Chatbot custom notification (the subset of the schema we use). */
export interface ChatbotCustomNotification {
  version: '1.0';
  source: 'custom';
  content: {
    textType: 'client-markdown';
    title: string;
    description: string;
    nextSteps?: string[];
    keywords?: string[];
  };
}

/** Escapes Slack mrkdwn control characters (`&`, `<`, `>`). */
export function escapeChatText(text: string): string {
  return String(text).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** Inline code for a value: backticks inside would end it early, so they become `'`. */
export function chatCode(value: string): string {
  const v = escapeChatText(value).replace(/`/g, "'").replace(/[\r\n]+/g, ' ');
  return v === '' ? '' : `\`${v}\``;
}

/** Cuts `text` to `max` characters (never inside an escape such as `&amp;`), ending with `…` when cut. */
export function limitText(text: string, max: number): string {
  if (text.length <= max) return text;
  let cut = text.slice(0, Math.max(0, max - ELLIPSIS.length));
  const amp = cut.lastIndexOf('&');
  if (amp >= 0 && !cut.slice(amp).includes(';')) cut = cut.slice(0, amp);
  // An unmatched backtick would leave the rest of the message as code.
  if ((cut.match(/`/g) ?? []).length % 2 === 1) cut = cut.slice(0, cut.lastIndexOf('`'));
  return cut + ELLIPSIS;
}

/** One line (no line breaks), escaped and cut. */
function line(text: string, max: number): string {
  return limitText(escapeChatText(text.replace(/[\r\n]+/g, ' ').trim()), max);
}

/**
 * The custom notification for `content`: title/steps/keywords on one line each, escaped and cut
 * to `CHAT_LIMITS`; the description is taken as already-formatted mrkdwn (build it with
 * `escapeChatText` / `chatCode`) and only cut. Empty steps/keywords are left out.
 */
export function chatbotNotification(content: ChatContent): ChatbotCustomNotification {
  const title = line(content.title, CHAT_LIMITS.title) || 'Personalize Monitor';
  const description = limitText(content.description.trim(), CHAT_LIMITS.description);
  const nextSteps = (content.nextSteps ?? []).map((s) => line(s, CHAT_LIMITS.nextStep)).filter(Boolean).slice(0, CHAT_LIMITS.nextSteps);
  // Keywords are tags: no spaces inside one.
  const keywords = [...new Set((content.keywords ?? []).map((k) => line(k, CHAT_LIMITS.keyword).replace(/\s+/g, '-')).filter(Boolean))].slice(0, CHAT_LIMITS.keywords);
  return {
    version: '1.0',
    source: 'custom',
    content: {
      textType: 'client-markdown',
      title,
      description,
      ...(nextSteps.length ? { nextSteps } : {}),
      ...(keywords.length ? { keywords } : {}),
    },
  };
}

/** `Label:   value` fact lines of an email (`factLines` output) as chat lines `*Label:* value`. */
const FACT_LINE = /^([A-Z][A-Za-z0-9 ()/.-]{0,40}):\s+(\S.*)$/;

export interface EmailToChatOptions {
  /** Lines (of the email body) to leave out of the chat copy, e.g. links only the mail's recipient should follow. */
  omitLine?: (line: string) => boolean;
  /** Shown instead of the omitted lines (once), when any were omitted. */
  omittedNote?: string;
  keywords?: string[];
}

/**
 * A chat version of a plain-text email: the subject (without the `Personalize Monitor - `
 * prefix) as title; the body's first paragraph as the lead sentence; `Label: value` lines as
 * `*Label:* \`value\``; other lines escaped as they are.
 */
export function chatContentFromEmail(subject: string, body: string, options: EmailToChatOptions = {}): ChatContent {
  const title = subject.replace(/^Personalize Monitor - /, '');
  const out: string[] = [];
  let omitted = false;
  for (const raw of body.split('\n')) {
    if (options.omitLine?.(raw)) {
      if (!omitted && options.omittedNote) out.push(`_${escapeChatText(options.omittedNote)}_`);
      omitted = true;
      continue;
    }
    const fact = FACT_LINE.exec(raw);
    out.push(fact ? `*${escapeChatText(fact[1])}:* ${chatCode(fact[2].trim())}` : escapeChatText(raw));
  }
  const description = out.join('\n').replace(/\n{3,}/g, '\n\n');
  return { title, description, keywords: options.keywords };
}

/**
 * The SNS body for `MessageStructure: 'json'`: `email` = the email text unchanged, `default` =
 * the Chatbot custom notification (what every other protocol, Chatbot's https subscription
 * among them, receives). The description is cut further if the whole would exceed SNS's limit.
 * @throws when the email text alone is too large for SNS.
 */
export function snsJsonMessage(emailText: string, chat: ChatContent): string {
  let description = chat.description;
  for (;;) {
    const body = JSON.stringify({ default: JSON.stringify(chatbotNotification({ ...chat, description })), email: emailText });
    const bytes = new TextEncoder().encode(body).length;
    if (bytes <= SNS_MESSAGE_MAX_BYTES) return body;
    if (description.length <= 1) throw new Error(`SNS message would be ${bytes} bytes (limit ${SNS_MESSAGE_MAX_BYTES}) even without the chat description`);
    description = limitText(description, Math.floor(description.length / 2));
  }
}
