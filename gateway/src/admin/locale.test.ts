import type { IncomingMessage } from 'node:http';
import { describe, expect, it } from 'vitest';
import { langOf, langOfAcceptLanguage } from './locale.ts';

const request = (headers: Record<string, string>) => ({ headers }) as unknown as IncomingMessage;
const url = (query = '') => new URL(`http://gateway.test/admin/${query}`);

describe('langOf', () => {
  it('speaks Vietnamese when nothing asks otherwise', () => {
    expect(langOf(request({}), url())).toEqual({ lang: 'vi', chosen: false });
  });

  it('honours ?lang=en, and says the choice is to be remembered', () => {
    expect(langOf(request({ 'accept-language': 'vi' }), url('?lang=en'))).toEqual({
      lang: 'en',
      chosen: true,
    });
  });

  it('prefers a remembered choice to the browser language', () => {
    const req = request({ cookie: 'lienthong_admin=x; lienthong_lang=en', 'accept-language': 'vi-VN' });
    expect(langOf(req, url()).lang).toBe('en');
  });

  it('ignores an unknown language on the URL and in the cookie', () => {
    expect(langOf(request({ cookie: 'lienthong_lang=fr' }), url('?lang=fr')).lang).toBe('vi');
  });
});

describe('langOfAcceptLanguage', () => {
  it('takes the first of vi and en by quality, then header order', () => {
    expect(langOfAcceptLanguage('en-US,en;q=0.9,vi;q=0.8')).toBe('en');
    expect(langOfAcceptLanguage('fr-FR, vi;q=0.9, en;q=0.9')).toBe('vi');
    expect(langOfAcceptLanguage('en;q=0.5, vi-VN')).toBe('vi');
    expect(langOfAcceptLanguage('en;q=0, de')).toBeUndefined();
    expect(langOfAcceptLanguage(undefined)).toBeUndefined();
  });
});
