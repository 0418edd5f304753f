// Reading zip archives (APPNOTE.TXT): the central directory, Zip64 included because an
// ecosystem's OSV export holds more than 65,535 records, and stored or deflated members read
// one at a time so that an archive of any size never sits in memory whole.
import { closeSync, fstatSync, openSync, readSync } from "node:fs";
import { inflateRawSync } from "node:zlib";

export class ZipError extends Error {}

export interface ZipEntry {
  name: string;
  method: number;
  crc32: number;
  compressedSize: number;
  size: number;
  localHeaderOffset: number;
  encrypted: boolean;
}

const EOCD = 0x06054b50;
const ZIP64_LOCATOR = 0x07064b50;
const ZIP64_EOCD = 0x06064b50;
const CENTRAL = 0x02014b50;
const LOCAL = 0x04034b50;
const MAX32 = 0xffffffff;
const MAX16 = 0xffff;

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

export function crc32(data: Uint8Array): number {
  let c = 0xffffffff;
  for (const byte of data) c = (CRC_TABLE[(c ^ byte) & 0xff] as number) ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

export class ZipReader {
  private constructor(
    private readonly fd: number,
    readonly path: string,
    readonly entries: ZipEntry[],
  ) {}

  static open(path: string): ZipReader {
    const fd = openSync(path, "r");
    try {
      return new ZipReader(fd, path, readCentralDirectory(fd, path));
    } catch (err) {
      closeSync(fd);
      throw err;
    }
  }

  read(entry: ZipEntry): Buffer {
    if (entry.encrypted) throw new ZipError(`${this.path}: ${entry.name} is encrypted`);
    const header = readAt(this.fd, entry.localHeaderOffset, 30);
    if (header.readUInt32LE(0) !== LOCAL) throw new ZipError(`${this.path}: no local header for ${entry.name}`);
    const start = entry.localHeaderOffset + 30 + header.readUInt16LE(26) + header.readUInt16LE(28);
    const raw = readAt(this.fd, start, entry.compressedSize);
    let data: Buffer;
    if (entry.method === 0) data = raw;
    else if (entry.method === 8) data = inflateRawSync(raw);
    else throw new ZipError(`${this.path}: ${entry.name} uses compression method ${entry.method}; only stored and deflated members can be read`);
    if (data.length !== entry.size || crc32(data) !== entry.crc32) throw new ZipError(`${this.path}: ${entry.name} is corrupt (size or CRC mismatch)`);
    return data;
  }

  close(): void {
    closeSync(this.fd);
  }
}

function readAt(fd: number, position: number, length: number): Buffer {
  const buf = Buffer.alloc(length);
  let done = 0;
  while (done < length) {
    const n = readSync(fd, buf, done, length - done, position + done);
    if (n === 0) throw new ZipError("unexpected end of the zip file");
    done += n;
  }
  return buf;
}

function readCentralDirectory(fd: number, path: string): ZipEntry[] {
  const size = fstatSync(fd).size;
  // The end record is 22 bytes plus a comment of up to 65,535 bytes.
  const tailLength = Math.min(size, 22 + MAX16);
  const tail = readAt(fd, size - tailLength, tailLength);
  let eocd = -1;
  for (let i = tail.length - 22; i >= 0; i--) {
    if (tail.readUInt32LE(i) === EOCD) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) throw new ZipError(`${path} is not a zip file (no end of central directory)`);
  let count = tail.readUInt16LE(eocd + 10);
  let cdSize = tail.readUInt32LE(eocd + 12);
  let cdOffset = tail.readUInt32LE(eocd + 16);
  if (count === MAX16 || cdSize === MAX32 || cdOffset === MAX32) {
    const locatorAt = eocd - 20;
    if (locatorAt < 0 || tail.readUInt32LE(locatorAt) !== ZIP64_LOCATOR) throw new ZipError(`${path}: Zip64 end of central directory locator missing`);
    const record = readAt(fd, Number(tail.readBigUInt64LE(locatorAt + 8)), 56);
    if (record.readUInt32LE(0) !== ZIP64_EOCD) throw new ZipError(`${path}: Zip64 end of central directory missing`);
    count = Number(record.readBigUInt64LE(32));
    cdSize = Number(record.readBigUInt64LE(40));
    cdOffset = Number(record.readBigUInt64LE(48));
  }
  const cd = readAt(fd, cdOffset, cdSize);
  const entries: ZipEntry[] = [];
  let p = 0;
  for (let i = 0; i < count; i++) {
    if (p + 46 > cd.length || cd.readUInt32LE(p) !== CENTRAL) throw new ZipError(`${path}: central directory entry ${i + 1} of ${count} is damaged`);
    const nameLength = cd.readUInt16LE(p + 28);
    const extraLength = cd.readUInt16LE(p + 30);
    const commentLength = cd.readUInt16LE(p + 32);
    const entry: ZipEntry = {
      name: cd.toString("utf8", p + 46, p + 46 + nameLength),
      method: cd.readUInt16LE(p + 10),
      crc32: cd.readUInt32LE(p + 16),
      compressedSize: cd.readUInt32LE(p + 20),
      size: cd.readUInt32LE(p + 24),
      localHeaderOffset: cd.readUInt32LE(p + 42),
      encrypted: (cd.readUInt16LE(p + 8) & 1) === 1,
    };
    applyZip64Extra(entry, cd.subarray(p + 46 + nameLength, p + 46 + nameLength + extraLength));
    entries.push(entry);
    p += 46 + nameLength + extraLength + commentLength;
  }
  return entries;
}

/** Sizes and offsets too large for 32 bits live in the Zip64 extra field, in this order, only when their 32-bit field is saturated. */
function applyZip64Extra(entry: ZipEntry, extra: Buffer): void {
  for (let p = 0; p + 4 <= extra.length;) {
    const id = extra.readUInt16LE(p);
    const length = extra.readUInt16LE(p + 2);
    if (id === 0x0001) {
      let q = p + 4;
      for (const field of ["size", "compressedSize", "localHeaderOffset"] as const) {
        if (entry[field] !== MAX32 || q + 8 > p + 4 + length) continue;
        entry[field] = Number(extra.readBigUInt64LE(q));
        q += 8;
      }
      return;
    }
    p += 4 + length;
  }
}
