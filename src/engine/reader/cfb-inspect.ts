import type { FileHandle } from 'node:fs/promises';

/**
 * Minimal reader of an OLE2 / Compound File Binary container's directory: just enough to tell a
 * password-protected OOXML package (streams `EncryptionInfo` + `EncryptedPackage`) from a legacy
 * .xls (stream `Workbook` or `Book`). Every loop is bounded: the file may be hostile.
 */

export const CFB_SIGNATURE = Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]);

const END_OF_CHAIN = 0xfffffffe;
const MAX_DIRECTORY_SECTORS = 4096;

async function readAt(fh: FileHandle, position: number, length: number): Promise<Buffer> {
  const buf = Buffer.alloc(length);
  const { bytesRead } = await fh.read(buf, 0, length, position);
  return buf.subarray(0, bytesRead);
}

/** Names of the directory entries (streams and storages). Returns what it could read on damage. */
export async function listCfbEntryNames(fh: FileHandle, fileSize: number): Promise<string[]> {
  const header = await readAt(fh, 0, 512);
  if (header.length < 512) return [];
  const sectorShift = header.readUInt16LE(0x1e);
  if (sectorShift !== 9 && sectorShift !== 12) return [];
  const sectorSize = 1 << sectorShift;
  const sectorOffset = (sector: number): number => (sector + 1) * sectorSize;
  const difat: number[] = [];
  for (let i = 0; i < 109; i++) difat.push(header.readUInt32LE(0x4c + i * 4));
  const perFatSector = sectorSize / 4;
  const fatCache = new Map<number, Buffer>();

  const nextSector = async (sector: number): Promise<number> => {
    const fatIndex = Math.floor(sector / perFatSector);
    const fatSector = difat[fatIndex];
    if (fatSector === undefined || fatSector >= END_OF_CHAIN) return END_OF_CHAIN;
    let fat = fatCache.get(fatSector);
    if (!fat) {
      fat = await readAt(fh, sectorOffset(fatSector), sectorSize);
      fatCache.set(fatSector, fat);
    }
    const at = (sector % perFatSector) * 4;
    return at + 4 <= fat.length ? fat.readUInt32LE(at) : END_OF_CHAIN;
  };

  const names: string[] = [];
  const seen = new Set<number>();
  let sector = header.readUInt32LE(0x30);
  while (sector < END_OF_CHAIN && !seen.has(sector) && seen.size < MAX_DIRECTORY_SECTORS) {
    seen.add(sector);
    const offset = sectorOffset(sector);
    if (offset >= fileSize) break;
    const dir = await readAt(fh, offset, sectorSize);
    for (let p = 0; p + 128 <= dir.length; p += 128) {
      const nameBytes = dir.readUInt16LE(p + 0x40);
      const type = dir[p + 0x42];
      if (type === 0 || nameBytes < 2 || nameBytes > 64) continue;
      names.push(dir.toString('utf16le', p, p + nameBytes - 2));
    }
    sector = await nextSector(sector);
  }
  return names;
}
