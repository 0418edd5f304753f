// Run ids: 10 characters of start time then 16 of randomness, in lowercase Crockford base32 (no
// i, l, o, u), so ids sort by start time as plain strings, need no coordination between processes,
// and read unambiguously when typed back as a prefix.
import { randomBytes } from "node:crypto";

const ALPHABET = "0123456789abcdefghjkmnpqrstvwxyz";
const TIME_CHARS = 10;
const RANDOM_BYTES = 10;
const MAX_TIME = 2 ** 48 - 1;

let lastTime = -1;
let lastRandom = Buffer.alloc(RANDOM_BYTES);

function encode(value: bigint, chars: number): string {
  let out = "";
  for (let i = 0; i < chars; i++) {
    out = (ALPHABET[Number(value & 31n)] ?? "") + out;
    value >>= 5n;
  }
  return out;
}

/** Adds one to a big-endian number in place; false when it overflowed. */
function increment(bytes: Buffer): boolean {
  for (let i = bytes.length - 1; i >= 0; i--) {
    const byte = bytes[i] ?? 0;
    if (byte < 255) {
      bytes[i] = byte + 1;
      return true;
    }
    bytes[i] = 0;
  }
  return false;
}

/**
 * A new run id for a run started at `time` (ms). Two ids made in this process for the same
 * millisecond still sort in the order they were made.
 */
export function newRunId(time: number): string {
  if (!Number.isInteger(time) || time < 0 || time > MAX_TIME) throw new RangeError(`run start time out of range: ${time}`);
  if (time !== lastTime || !increment(lastRandom)) lastRandom = randomBytes(RANDOM_BYTES);
  lastTime = time;
  return encode(BigInt(time), TIME_CHARS) + encode(BigInt(`0x${lastRandom.toString("hex")}`), 16);
}

/** True when `text` could be (a prefix of) a run id. */
export function isRunIdPrefix(text: string): boolean {
  return /^[0-9a-hjkmnp-tv-z]{1,26}$/.test(text);
}
