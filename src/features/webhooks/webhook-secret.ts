/**
 * Endpoint signing secrets. Standard Webhooks secrets are `whsec_` + base64 of random bytes; the
 * signer needs the secret itself, so it is stored sealed (AES-256-GCM, key derived with HKDF from
 * SECRET_KEY, the endpoint id as associated data so a sealed secret cannot be moved to another row).
 */
import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';

const PREFIX = 'whsec_';

/** A new `whsec_…` secret: 32 random bytes. */
export function generateWebhookSecret(): string {
  return PREFIX + randomBytes(32).toString('base64');
}

export function deriveSecretKey(secretKey: string): Buffer {
  return Buffer.from(
    hkdfSync('sha256', secretKey, 'intake/webhook-secrets', 'aes-256-gcm webhook secrets', 32),
  );
}

/** iv (12) | tag (16) | ciphertext. */
export function sealSecret(key: Buffer, endpointId: string, secret: string): Buffer {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(Buffer.from(endpointId, 'utf8'));
  const body = Buffer.concat([cipher.update(secret, 'utf8'), cipher.final()]);
  return Buffer.concat([iv, cipher.getAuthTag(), body]);
}

export function openSecret(key: Buffer, endpointId: string, sealed: Buffer): string {
  const decipher = createDecipheriv('aes-256-gcm', key, sealed.subarray(0, 12));
  decipher.setAAD(Buffer.from(endpointId, 'utf8'));
  decipher.setAuthTag(sealed.subarray(12, 28));
  return Buffer.concat([decipher.update(sealed.subarray(28)), decipher.final()]).toString('utf8');
}
