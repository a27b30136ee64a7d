import { crc32, deflateRawSync } from 'node:zlib';
import { open } from 'node:fs/promises';

/**
 * A tiny zip writer for benchmark fixtures: parts are given as already-deflated chunks (so a
 * 400 MB sheet never has to exist uncompressed in memory) or as small strings.
 */
export interface ZipPart {
  readonly name: string;
  readonly deflated: readonly Buffer[];
  readonly crc32: number;
  readonly size: number;
}

export function smallPart(name: string, text: string): ZipPart {
  const data = Buffer.from(text, 'utf8');
  return { name, deflated: [deflateRawSync(data)], crc32: crc32(data), size: data.length };
}

export async function writeZip(path: string, parts: readonly ZipPart[]): Promise<number> {
  const fh = await open(path, 'w');
  const central: Buffer[] = [];
  let offset = 0;
  const write = async (buf: Buffer): Promise<void> => {
    await fh.write(buf);
    offset += buf.length;
  };
  try {
    for (const part of parts) {
      const name = Buffer.from(part.name, 'utf8');
      const compressed = part.deflated.reduce((n, b) => n + b.length, 0);
      const local = Buffer.alloc(30);
      local.writeUInt32LE(0x04034b50, 0);
      local.writeUInt16LE(20, 4);
      local.writeUInt16LE(0x0800, 6);
      local.writeUInt16LE(8, 8);
      local.writeUInt32LE(part.crc32 >>> 0, 14);
      local.writeUInt32LE(compressed, 18);
      local.writeUInt32LE(part.size, 22);
      local.writeUInt16LE(name.length, 26);
      const headerOffset = offset;
      await write(local);
      await write(name);
      for (const chunk of part.deflated) await write(chunk);
      const cd = Buffer.alloc(46);
      cd.writeUInt32LE(0x02014b50, 0);
      cd.writeUInt16LE(20, 4);
      cd.writeUInt16LE(20, 6);
      cd.writeUInt16LE(0x0800, 8);
      cd.writeUInt16LE(8, 10);
      cd.writeUInt32LE(part.crc32 >>> 0, 16);
      cd.writeUInt32LE(compressed, 20);
      cd.writeUInt32LE(part.size, 24);
      cd.writeUInt16LE(name.length, 28);
      cd.writeUInt32LE(headerOffset, 42);
      central.push(cd, name);
    }
    const cdStart = offset;
    for (const b of central) await write(b);
    const eocd = Buffer.alloc(22);
    eocd.writeUInt32LE(0x06054b50, 0);
    eocd.writeUInt16LE(parts.length, 8);
    eocd.writeUInt16LE(parts.length, 10);
    eocd.writeUInt32LE(offset - cdStart, 12);
    eocd.writeUInt32LE(cdStart, 16);
    await write(eocd);
  } finally {
    await fh.close();
  }
  return offset;
}
