import { describe, expect, it } from 'vitest';
import { REDACTED, redactSecrets } from './log-redaction.js';

describe('redactSecrets', () => {
  it('returns the same object when there is nothing to hide (no copy on the hot path)', () => {
    const line = {
      req: { method: 'GET', url: '/x', ip: '127.0.0.1' },
      res: { statusCode: 200 },
      responseTime: 1.2,
    };
    expect(redactSecrets(line)).toBe(line);
  });

  it('replaces secret keys at any depth, case-insensitively, without touching the input', () => {
    const input = {
      Password: 'a',
      body: { email: 'e@x.io', new_password: 'b', nested: [{ refresh_token: 'c' }, { ok: 1 }] },
      headers: { Authorization: 'Bearer d', cookie: 'e', accept: 'json' },
      deep: { a: { b: { c: { token: 'f' } } } },
    };
    const snapshot = structuredClone(input);
    const out = redactSecrets(input);
    expect(out).toEqual({
      Password: REDACTED,
      body: { email: 'e@x.io', new_password: REDACTED, nested: [{ refresh_token: REDACTED }, { ok: 1 }] },
      headers: { Authorization: REDACTED, cookie: REDACTED, accept: 'json' },
      deep: { a: { b: { c: { token: REDACTED } } } },
    });
    expect(input).toEqual(snapshot);
    // Untouched branches are shared, not copied.
    expect(out.body.nested[1]).toBe(input.body.nested[1]);
  });

  it('redacts own fields of errors, keeping class, message and stack', () => {
    const clean = Object.assign(new TypeError('fine'), { code: 'E1' });
    expect(redactSecrets({ err: clean }).err).toBe(clean);
    const leaky = Object.assign(new TypeError('request failed'), {
      config: { headers: { authorization: 'Bearer x' } },
    });
    const out = redactSecrets({ err: leaky }).err;
    expect(out).toBeInstanceOf(TypeError);
    expect(out.message).toBe('request failed');
    expect(out.stack).toBe(leaky.stack);
    expect(out.config.headers.authorization).toBe(REDACTED);
    expect(leaky.config.headers.authorization).toBe('Bearer x');
  });

  it('leaves other class instances to their serializers and survives cycles', () => {
    class Thing {
      token = 'serialized-elsewhere';
    }
    const thing = new Thing();
    expect(redactSecrets({ thing }).thing).toBe(thing);
    const cyclic: Record<string, unknown> = { name: 'loop' };
    cyclic.self = cyclic;
    expect(() => redactSecrets(cyclic)).not.toThrow();
  });
});
