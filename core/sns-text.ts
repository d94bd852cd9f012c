/**
 * What SNS accepts in an email subject: at most 100 printable ASCII characters on one line
 * (anything else fails the Publish, and with it the workflow step). Pure.
 */

export const MAX_SUBJECT_LENGTH = 100;

/** Printable ASCII only: dashes become `-`, anything else `?`; `keepNewlines` for message bodies. */
export function asciiText(text: string, keepNewlines = false): string {
  return text.replace(/[\u2013\u2014]/g, '-').replace(keepNewlines ? /[^\x20-\x7e\n]/g : /[^\x20-\x7e]/g, '?');
}

/** A valid SNS subject from any text: one line, printable ASCII, cut to 100 characters with `...`. */
export function snsSubject(text: string): string {
  const line = asciiText(text.replace(/[\r\n]+/g, ' '));
  return line.length <= MAX_SUBJECT_LENGTH ? line : line.slice(0, MAX_SUBJECT_LENGTH - 3) + '...';
}
