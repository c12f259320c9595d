// Server-rendered HTML for the admin pages. Every interpolated value is escaped unless it is already
// SafeHtml (built by this same template), so a client id, officer name or dossier id taken from a
// token or a header can never become markup. The one CSS block is allowed by its hash in the
// Content-Security-Policy; no script runs on these pages at all.
import { createHash } from 'node:crypto';

export class SafeHtml {
  readonly value: string;
  constructor(value: string) {
    this.value = value;
  }
  toString(): string {
    return this.value;
  }
}

const ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ESCAPES[c]!);
}

function render(value: unknown): string {
  if (value instanceof SafeHtml) return value.value;
  if (Array.isArray(value)) return value.map(render).join('');
  if (value === null || value === undefined || value === false) return '';
  return escapeHtml(String(value));
}

/** Tagged template: `html\`<td>${clientId}</td>\`` escapes clientId. */
export function html(strings: TemplateStringsArray, ...values: unknown[]): SafeHtml {
  let out = strings[0] ?? '';
  values.forEach((value, i) => {
    out += render(value) + (strings[i + 1] ?? '');
  });
  return new SafeHtml(out);
}

const CSS = `
body{font:15px/1.45 system-ui,sans-serif;margin:0;color:#1d2430;background:#f6f7f9}
header{display:flex;gap:1rem;align-items:center;justify-content:space-between;padding:.6rem 1.5rem;background:#14325c;color:#fff}
header a{color:#fff}main{padding:1rem 1.5rem;max-width:80rem}
h1{font-size:1.3rem;margin:.4rem 0 1rem}h2{font-size:1.1rem;margin:1.6rem 0 .6rem}
section{background:#fff;border:1px solid #d9dde3;border-radius:6px;padding:.8rem 1rem;margin-bottom:1rem}
form.filters{display:flex;flex-wrap:wrap;gap:.6rem;align-items:end}
label{display:flex;flex-direction:column;font-size:.8rem;color:#4a5566}
input,select,textarea,button{font:inherit;padding:.3rem .4rem}
button{background:#14325c;color:#fff;border:0;border-radius:4px;padding:.4rem .9rem;cursor:pointer}
table{border-collapse:collapse;width:100%;font-size:.85rem}
th,td{text-align:left;border-bottom:1px solid #e3e6ea;padding:.3rem .4rem;vertical-align:top}
th{background:#eef1f5}code{font-size:.8rem;word-break:break-all}
.ok{color:#146c2e}.bad{color:#a61b1b;font-weight:600}.muted{color:#6b7585}
.outcome-denied,.outcome-error{color:#a61b1b}.outcome-partial{color:#8a5a00}
ol.timeline{list-style:none;padding:0;border-left:3px solid #14325c;margin-left:.5rem}
ol.timeline li{margin:0 0 .8rem 1rem}ol.timeline time{font-weight:600}
textarea{width:100%;max-width:44rem;height:8rem;font-family:monospace;font-size:.8rem}
.inline{display:inline}
`;

const STYLE_HASH = createHash('sha256').update(CSS).digest('base64');

/** No scripts, no external anything: the pages work on a closed network and nothing injected can run. */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  `style-src 'sha256-${STYLE_HASH}'`,
  "img-src 'self'",
  "form-action 'self'",
  "frame-ancestors 'none'",
  "base-uri 'none'",
].join('; ');

/** Served by the pages themselves: otherwise the browser asks for /favicon.ico, outside /admin. */
export const FAVICON_SVG =
  '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 16 16"><rect width="16" height="16" rx="3" fill="#14325c"/><path d="M4 8l3 3 5-6" stroke="#fff" stroke-width="2" fill="none"/></svg>';

export interface LayoutOptions {
  readonly title: string;
  /** Who is signed in, shown in the header with a sign-out button. */
  readonly signedInAs?: string;
  /** The session's CSRF token, for the sign-out form. */
  readonly csrf?: string;
}

export function layout(options: LayoutOptions, body: SafeHtml): string {
  const signOut = options.signedInAs
    ? html`<span>Signed in as <strong>${options.signedInAs}</strong>
        <form class="inline" method="post" action="/admin/logout">
          <input type="hidden" name="csrf" value="${options.csrf}"><button type="submit">Sign out</button>
        </form></span>`
    : '';
  return `<!doctype html>${html`<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="icon" href="/admin/favicon.svg"><title>${options.title} · lienthong audit</title><style>${new SafeHtml(CSS)}</style></head>
<body><header><a href="/admin/"><strong>lienthong</strong> · audit</a>${signOut}</header>
<main>${body}</main></body></html>`}`;
}
