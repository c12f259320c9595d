// Server-rendered HTML for the admin pages. Every interpolated value is escaped unless it is already
// SafeHtml (built by this same template), so a client id, officer name or dossier id taken from a
// token or a header can never become markup. The one CSS block is allowed by its hash in the
// Content-Security-Policy; no script runs on these pages at all.
import { createHash } from 'node:crypto';
import type { Lang } from './locale.ts';
import { messages } from './messages.ts';

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
body{font:15px/1.45 "Noto Sans",system-ui,sans-serif;margin:0;color:#1d2430;background:#f6f7f9}
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
.ok{color:#146c2e}.bad{color:#a61b1b;font-weight:600}.muted{color:#566070}
.outcome-denied,.outcome-error{color:#a61b1b}.outcome-partial{color:#8a5a00}
ol.timeline{list-style:none;padding:0;border-left:3px solid #14325c;margin-left:.5rem}
ol.timeline li{margin:0 0 .8rem 1rem}ol.timeline time{font-weight:600}
textarea{width:100%;max-width:44rem;height:8rem;font-family:monospace;font-size:.8rem}
.inline{display:inline}
header{flex-wrap:wrap}header button{background:#fff;color:#14325c}header nav{display:flex;gap:1rem;align-items:center;flex-wrap:wrap}
a:focus-visible,button:focus-visible,input:focus-visible,select:focus-visible,textarea:focus-visible{outline:3px solid #d98e04;outline-offset:2px}
.scroll{overflow-x:auto}.field{border-bottom:1px dotted #6b7585}
svg.chart{display:block;max-width:760px;height:auto}svg.bars{max-width:480px}
ul.legend{display:flex;flex-wrap:wrap;gap:.3rem 1.2rem;list-style:none;padding:0;margin:.5rem 0 0;font-size:.85rem}
.charts{display:grid;gap:1rem;grid-template-columns:repeat(auto-fit,minmax(17rem,1fr))}
.verdict{display:flex;gap:.8rem;align-items:flex-start;border:2px solid #8a94a3;border-radius:6px;padding:.6rem .8rem;background:#f1f3f6}
.verdict p{margin:.2rem 0}.verdict-icon{font-size:1.8rem;line-height:1;font-weight:700}
.verdict-ok{border-color:#146c2e;background:#eaf6ee}.verdict-ok .verdict-icon{color:#146c2e}
.verdict-bad{border-color:#a61b1b;background:#fdecec}.verdict-bad .verdict-icon{color:#a61b1b}
ul.accesses{list-style:none;padding:0;margin:0}ul.accesses li{border:1px solid #d9dde3;border-radius:6px;padding:.7rem .8rem;margin:0 0 .7rem;background:#fff}
dl.access{display:grid;grid-template-columns:minmax(6rem,max-content) 1fr;gap:.25rem .7rem;margin:0}dl.access dt{color:#4a5566}dl.access dd{margin:0}
.inclusion{font-weight:600}.inclusion-detail{display:block;font-size:.8rem}.inclusion-failed+.inclusion-detail{color:#a61b1b}
@media (max-width:40rem){header{padding:.5rem .8rem}main{padding:.6rem .7rem}section{padding:.6rem .7rem}dl.access{grid-template-columns:1fr}dl.access dd{margin-bottom:.3rem}}
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

/** Where a page belongs: its home, its sign-out form and its favicon live under this path. */
export type Area = '/admin' | '/cong-dan';

export interface LayoutOptions {
  readonly title: string;
  /** The page's language; default Vietnamese. */
  readonly lang?: Lang;
  /** Default the admin pages. */
  readonly area?: Area;
  /** Who is signed in, shown in the header with a sign-out button. */
  readonly signedInAs?: string;
  /** The session's CSRF token, for the sign-out form. */
  readonly csrf?: string;
}

export function layout(options: LayoutOptions, body: SafeHtml): string {
  const lang = options.lang ?? 'vi';
  const area = options.area ?? '/admin';
  const t = messages(lang);
  const other = lang === 'vi' ? 'en' : 'vi';
  const brand = area === '/admin' ? t.brandAdmin : t.brandCitizen;
  const signOut = options.signedInAs
    ? html`<span>${t.signedInAs} <strong>${options.signedInAs}</strong>
        <form class="inline" method="post" action="${area}/logout">
          <input type="hidden" name="csrf" value="${options.csrf}"><button type="submit">${t.signOut}</button>
        </form></span>`
    : '';
  return `<!doctype html>${html`<html lang="${lang}"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="icon" href="${area}/favicon.svg"><title>${options.title} · lienthong</title><style>${new SafeHtml(CSS)}</style></head>
<body><header><a href="${area}/"><strong>lienthong</strong> · ${brand}</a><nav>
<a href="${area}/?lang=${other}" hreflang="${other}" lang="${other}">${messages(other).langName}</a>${signOut}</nav></header>
<main>${body}</main></body></html>`}`;
}
