/**
 * A 53-bit hash of a string (two 32-bit FNV-1a variants), so uniqueness over many values can be
 * tracked as numbers instead of keeping every string. A collision can only make a unique column
 * look non-unique, which is the safe direction for a draft schema.
 */
export function hash53(text: string): number {
  let h1 = 0x811c9dc5;
  let h2 = 0x01000193 ^ text.length;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    h1 = Math.imul(h1 ^ c, 0x01000193);
    h2 = Math.imul(h2 ^ c, 0x5bd1e995);
    h2 ^= h2 >>> 15;
  }
  return (h1 >>> 0) * 0x200000 + ((h2 >>> 0) & 0x1fffff);
}
