import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createRecordSealer, kidOf } from './recordSealer.ts';

const k1 = randomBytes(32);
const k2 = randomBytes(32);
const idHashKey = randomBytes(32);
const text = Buffer.from('{"hoVaTen":"Nguyễn Văn A","ngaySinh":"1990-01-02"}');

describe('recordSealer', () => {
  it('seals without plaintext and opens with the same key and associated data', () => {
    const sealer = createRecordSealer({ keys: { k1 }, currentKid: 'k1', idHashKey });
    const sealed = sealer.seal(text, 'rc:key');
    expect(sealed.includes(Buffer.from('Nguyễn'))).toBe(false);
    expect(sealed.includes(Buffer.from('1990-01-02'))).toBe(false);
    expect(kidOf(sealed)).toBe('k1');
    expect(sealer.open(sealed, 'rc:key')).toEqual(text);
  });

  it('refuses a value moved under another key, tampered with, or sealed with an unknown kid', () => {
    const sealer = createRecordSealer({ keys: { k1 }, currentKid: 'k1', idHashKey });
    const sealed = sealer.seal(text, 'rc:a');
    expect(sealer.open(sealed, 'rc:b')).toBeUndefined();
    const tampered = Buffer.from(sealed);
    tampered[tampered.length - 1] = (tampered[tampered.length - 1] as number) ^ 1;
    expect(sealer.open(tampered, 'rc:a')).toBeUndefined();
    const stranger = createRecordSealer({ keys: { k9: k2 }, currentKid: 'k9', idHashKey });
    expect(sealer.open(stranger.seal(text, 'rc:a'), 'rc:a')).toBeUndefined();
    expect(sealer.open(Buffer.from('garbage'), 'rc:a')).toBeUndefined();
  });

  it('rotates: old values still open, new ones use the new kid, id hashes stay stable', () => {
    const before = createRecordSealer({ keys: { k1 }, currentKid: 'k1', idHashKey });
    const after = createRecordSealer({ keys: { k2, k1 }, currentKid: 'k2', idHashKey });
    const old = before.seal(text, 'rc:a');
    expect(after.open(old, 'rc:a')).toEqual(text);
    expect(kidOf(after.seal(text, 'rc:a'))).toBe('k2');
    expect(after.hashId('001090000001')).toEqual(before.hashId('001090000001'));
    expect(after.hashId('001090000001').digest).not.toContain('001090000001');
  });

  it('rejects bad key material at construction', () => {
    expect(() => createRecordSealer({ keys: { k1: randomBytes(16) }, currentKid: 'k1' })).toThrow('32 bytes');
    expect(() => createRecordSealer({ keys: { k1 }, currentKid: 'k2' })).toThrow('not among the keys');
    expect(() => createRecordSealer({ keys: {}, currentKid: 'k1' })).toThrow('at least one key');
  });
});
