import { describe, expect, it } from 'vitest';
import { isPrivateAddress, parseWebhookUrl, resolvePublicAddresses, UnsafeUrlError } from './url-guard.js';

describe('isPrivateAddress', () => {
  it.each([
    '127.0.0.1',
    '127.255.0.9',
    '10.1.2.3',
    '172.16.0.1',
    '172.31.255.255',
    '192.168.1.1',
    '169.254.169.254',
    '100.64.0.1',
    '0.0.0.0',
    '224.0.0.1',
    '255.255.255.255',
    '::1',
    '::',
    'fe80::1',
    'fd00::1',
    'fc00::abcd',
    'ff02::1',
    '::ffff:127.0.0.1',
    '::ffff:7f00:1',
    '::ffff:10.0.0.1',
    '0:0:0:0:0:ffff:169.254.169.254',
    'not-an-ip',
  ])('%s is not public', (address) => {
    expect(isPrivateAddress(address)).toBe(true);
  });

  it.each(['8.8.8.8', '1.1.1.1', '172.32.0.1', '93.184.216.34', '2606:4700:4700::1111', '::ffff:8.8.8.8'])(
    '%s is public',
    (address) => {
      expect(isPrivateAddress(address)).toBe(false);
    },
  );
});

describe('parseWebhookUrl', () => {
  it('accepts http and https', () => {
    expect(parseWebhookUrl('https://example.com/a?b=1').hostname).toBe('example.com');
    expect(parseWebhookUrl('http://example.com').protocol).toBe('http:');
  });

  it.each(['file:///etc/passwd', 'gopher://x', 'javascript:alert(1)', 'https://a:b@example.com', 'nonsense'])(
    'refuses %s',
    (url) => {
      expect(() => parseWebhookUrl(url)).toThrow(UnsafeUrlError);
    },
  );
});

describe('resolvePublicAddresses', () => {
  it('refuses loopback names and literals unless private targets are allowed', async () => {
    for (const url of [
      'http://localhost:9/x',
      'http://127.0.0.1/x',
      'http://[::1]/x',
      'http://169.254.169.254/',
    ]) {
      await expect(resolvePublicAddresses(new URL(url), false)).rejects.toThrow(
        /private, loopback or link-local/,
      );
      await expect(resolvePublicAddresses(new URL(url), true)).resolves.not.toHaveLength(0);
    }
  });

  it('accepts a public literal without DNS', async () => {
    await expect(resolvePublicAddresses(new URL('http://8.8.8.8/'), false)).resolves.toEqual([
      { address: '8.8.8.8', family: 4 },
    ]);
  });
});
