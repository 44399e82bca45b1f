/**
 * Resolves a URL (possibly a tile template with {z}/{x}/{y} placeholders) against a base URL, keeping the braces
 * (the WHATWG URL parser would percent-encode them). Throws a clear error for an unparsable URL.
 */
export function resolveTemplateUrl(url: string, base: string): string {
  let href: string;
  try {
    href = new URL(url, base).href;
  } catch {
    throw new Error(`not a valid URL: '${url}'`);
  }
  return href.replace(/%7B/gi, '{').replace(/%7D/gi, '}');
}
