// Which language a page speaks. The users are Vietnamese civil servants, inspectors and citizens, so
// Vietnamese is the default; English is kept for foreign auditors and developers. The choice, in
// order: `?lang=` on the URL (remembered in a cookie of the pages' own path), that cookie, the
// browser's Accept-Language, then Vietnamese.
import type { IncomingMessage } from 'node:http';

export const LANGS = ['vi', 'en'] as const;
export type Lang = (typeof LANGS)[number];

export const LANG_COOKIE = 'lienthong_lang';

const isLang = (value: string | null | undefined): value is Lang => value === 'vi' || value === 'en';

function cookieValue(req: IncomingMessage, name: string): string | undefined {
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const [key, ...rest] = part.trim().split('=');
    if (key === name) return rest.join('=');
  }
  return undefined;
}

/** The first of vi/en in the header's preference order (q-values honoured, ties in header order). */
export function langOfAcceptLanguage(header: string | undefined): Lang | undefined {
  if (!header) return undefined;
  const ranked = header
    .split(',')
    .map((part, index) => {
      const [tag = '', ...params] = part.trim().toLowerCase().split(';');
      const q = params.map((p) => /^\s*q=([0-9.]+)\s*$/.exec(p)?.[1]).find((v) => v !== undefined);
      return { primary: tag.split('-')[0] ?? '', q: q === undefined ? 1 : Number(q), index };
    })
    .filter((entry) => entry.q > 0 && !Number.isNaN(entry.q))
    .sort((a, b) => b.q - a.q || a.index - b.index);
  return ranked.map((entry) => entry.primary).find(isLang);
}

export interface LangChoice {
  readonly lang: Lang;
  /** Set when the URL chose the language: the pages remember it in a cookie. */
  readonly chosen: boolean;
}

export function langOf(req: IncomingMessage, url: URL): LangChoice {
  const asked = url.searchParams.get('lang');
  if (isLang(asked)) return { lang: asked, chosen: true };
  const remembered = cookieValue(req, LANG_COOKIE);
  if (isLang(remembered)) return { lang: remembered, chosen: false };
  return { lang: langOfAcceptLanguage(req.headers['accept-language']) ?? 'vi', chosen: false };
}

/** The cookie that remembers a language chosen on the URL, for the pages under `path` only. */
export function langCookie(lang: Lang, path: string): string {
  return `${LANG_COOKIE}=${lang}; Path=${path}; SameSite=Strict; Max-Age=31536000`;
}
