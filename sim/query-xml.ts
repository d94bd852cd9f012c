/**
 * The AWS query protocol's XML answers (SNS, CloudFormation): one envelope for results and one for
 * errors, each in the service's namespace. Lists render as `<member>` items, as the SDKs expect.
 */
import type { SimError } from './errors';

/** `<ActionResponse><ActionResult>…</ActionResult><ResponseMetadata>…` of a successful call. */
export function queryResultXml(xmlns: string, action: string, output: Record<string, unknown> | undefined, requestId: string): string {
  return (
    `<${action}Response xmlns="${xmlns}"><${action}Result>${toXml(output)}</${action}Result>` +
    `<ResponseMetadata><RequestId>${requestId}</RequestId></ResponseMetadata></${action}Response>`
  );
}

/** `<ErrorResponse>` of a failed call. */
export function queryErrorXml(xmlns: string, e: SimError, requestId: string): string {
  return (
    `<ErrorResponse xmlns="${xmlns}"><Error><Type>${e.faultType}</Type><Code>${escapeXml(e.queryCode)}</Code>` +
    `<Message>${escapeXml(e.message)}</Message></Error><RequestId>${requestId}</RequestId></ErrorResponse>`
  );
}

function toXml(value: Record<string, unknown> | undefined): string {
  if (!value) return '';
  return Object.entries(value)
    .filter(([, v]) => v !== undefined && v !== null)
    .map(([k, v]) => {
      if (Array.isArray(v)) return `<${k}>${v.map((item) => `<member>${typeof item === 'object' ? toXml(item as Record<string, unknown>) : escapeXml(String(item))}</member>`).join('')}</${k}>`;
      if (typeof v === 'object') return `<${k}>${toXml(v as Record<string, unknown>)}</${k}>`;
      return `<${k}>${escapeXml(String(v))}</${k}>`;
    })
    .join('');
}

function escapeXml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&apos;');
}
