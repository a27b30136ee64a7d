import { describe, expect, it } from 'vitest';
import { isCommonPassword, PASSWORD_MAX_LENGTH, validatePassword } from './password-validator.js';
import { createPasswordHasher } from './password-hasher.js';

const rules = { minLength: 8 };
const codes = (password: string, user = {}) => validatePassword(password, rules, user).map((p) => p.code);

describe('validatePassword', () => {
  it.each<[string, string, Record<string, string>, string[]]>([
    ['a strong passphrase', 'violet-Pelican-harbour-93', { email: 'ada@example.com' }, []],
    ['too short', 'Xq7!zp', {}, ['password_too_short']],
    ['only digits', '8302947561', {}, ['password_entirely_numeric']],
    ['common', 'password1', {}, ['password_too_common']],
    ['common, in another case', 'PassWord1', {}, ['password_too_common']],
    [
      'common and short and numeric',
      '123456',
      {},
      ['password_too_short', 'password_entirely_numeric', 'password_too_common'],
    ],
    [
      'the email local part',
      'margaret.hamilton',
      { email: 'margaret.hamilton@nasa.example' },
      ['password_too_similar'],
    ],
    [
      'close to a part of the email',
      'Margaret1',
      { email: 'margaret.hamilton@nasa.example' },
      ['password_too_similar'],
    ],
    ['the email domain', 'nasaexample', { email: 'mh@nasaexample.org' }, ['password_too_similar']],
    [
      'the first name',
      'Katherine1',
      { email: 'x@y.example', firstName: 'Katherine' },
      ['password_too_similar'],
    ],
    [
      'long and merely containing a short attribute',
      'my dog ada likes long walks by the sea',
      { email: 'ada@x.io' },
      [],
    ],
  ])('%s', (_name, password, user, expected) => {
    expect(codes(password, user).sort()).toEqual([...expected].sort());
  });

  it('respects the configured minimum length', () => {
    expect(validatePassword('violet-Pelican', { minLength: 20 }).map((p) => p.code)).toEqual([
      'password_too_short',
    ]);
  });

  it('accepts a 4096-character password whole and rejects a longer one clearly (no truncation)', () => {
    const long = 'Ab3$'.repeat(1024);
    expect(long).toHaveLength(PASSWORD_MAX_LENGTH);
    expect(codes(long)).toEqual([]);
    const tooLong = validatePassword(`${long}x`, rules);
    expect(tooLong.map((p) => p.code)).toEqual(['password_too_long']);
    expect(tooLong[0]?.message).toMatch(/at most 4096 characters/);
  });

  it('names the field it is given', () => {
    expect(validatePassword('short', rules, {}, 'new_password')[0]?.field).toBe('new_password');
  });

  it('ships a list of at least 10,000 common passwords', () => {
    expect(isCommonPassword('qwerty')).toBe(true);
    expect(isCommonPassword('violet-Pelican-harbour-93')).toBe(false);
  });
});

describe('password hasher', () => {
  const hasher = createPasswordHasher();

  it('hashes with Argon2id m=19456 t=2 p=1 as a PHC string and verifies', async () => {
    const phc = await hasher.hash('violet-Pelican-harbour-93');
    expect(phc).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
    expect(await hasher.verify(phc, 'violet-Pelican-harbour-93')).toBe(true);
    expect(await hasher.verify(phc, 'violet-Pelican-harbour-94')).toBe(false);
    expect(hasher.needsRehash(phc)).toBe(false);
  });

  it('never truncates: passwords differing only after byte 72 (or 4000) differ', async () => {
    const base = 'x'.repeat(4000);
    const phc = await hasher.hash(`${base}A`);
    expect(await hasher.verify(phc, `${base}B`)).toBe(false);
    expect(await hasher.verify(phc, `${base}A`)).toBe(true);
  });

  it('flags other parameters for rehash, and a malformed hash verifies nothing', async () => {
    const weak = await createPasswordHasher({ memoryCost: 4096, timeCost: 1, parallelism: 1 }).hash(
      'pw-pw-pw-pw',
    );
    expect(hasher.needsRehash(weak)).toBe(true);
    expect(await hasher.verify('not-a-hash', 'anything')).toBe(false);
    expect(hasher.needsRehash('not-a-hash')).toBe(true);
  });
});
