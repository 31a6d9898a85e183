import { inflateRawSync } from "node:zlib";
import {
  type AsyncFlateStreamHandler,
  type FlateError,
  Unzip,
  type UnzipDecoder,
  type UnzipFile,
} from "fflate";

/**
 * Largest decompressed member that `readZipMembers` keeps. The largest record in the OSV
 * sample archives of this repository is well under 1 MiB, so this only stops zip bombs:
 * a few hundred kilobytes of deflate data that expand to gigabytes.
 */
export const MAX_MEMBER_BYTES = 64 * 1024 * 1024;

/**
 * Compressed bytes handed to the unzipper at a time. Deflate expands at most about 1,032
 * times, so one slice yields at most about 66 MiB of decompressed members.
 */
const PUSH_SLICE_BYTES = 64 * 1024;

/** Zip compression methods (APPNOTE.TXT 4.4.5) that this reader decompresses. */
const STORED = 0;
const DEFLATED = 8;

/** One file member of a zip archive, decompressed. */
export interface ZipMember {
  name: string;
  /** The decompressed bytes, or null when they exceed `MAX_MEMBER_BYTES` (they are dropped). */
  data: Uint8Array | null;
}

/** A zip archive that ends early or cannot be decompressed, after `membersRead` good members. */
export class DamagedZipError extends Error {
  readonly membersRead: number;

  constructor(message: string, membersRead: number) {
    super(message);
    this.name = "DamagedZipError";
    this.membersRead = membersRead;
  }
}

// The end-of-central-directory record is 22 bytes plus a comment of up to 65,535 bytes.
const EOCD_SIGNATURE = 0x06054b50;
const EOCD_SIZE = 22;

/** Bytes at the end of a zip file that always contain its end-of-central-directory record. */
export const ZIP_TAIL_SIZE = EOCD_SIZE + 0xffff;

/** Location of a zip's central directory and the member count it lists. */
export interface CentralDirectory {
  offset: number;
  /** "zip64" when the count is in a ZIP64 record, which this reader does not parse. */
  memberCount: number | "zip64";
}

/**
 * Finds the end-of-central-directory record in the last `ZIP_TAIL_SIZE` bytes of a
 * zip file of `fileSize` bytes. Returns null when there is none, as in a truncated file.
 */
export function findCentralDirectory(tail: Uint8Array, fileSize: number): CentralDirectory | null {
  const view = new DataView(tail.buffer, tail.byteOffset, tail.byteLength);
  for (let offset = tail.length - EOCD_SIZE; offset >= 0; offset--) {
    if (view.getUint32(offset, true) !== EOCD_SIGNATURE) continue;
    const commentLength = view.getUint16(offset + 20, true);
    // A real record's comment runs exactly to the end of the file.
    if (offset + EOCD_SIZE + commentLength !== tail.length) continue;
    const total = view.getUint16(offset + 10, true);
    const directoryOffset = view.getUint32(offset + 16, true);
    const isZip64 = total === 0xffff || directoryOffset === 0xffffffff;
    if (!isZip64 && directoryOffset > fileSize) continue;
    return {
      offset: isZip64 ? fileSize : directoryOffset,
      memberCount: isZip64 ? "zip64" : total,
    };
  }
  return null;
}

/**
 * Decompresses the file members of a zip archive as its bytes arrive, yielding each
 * member once it is complete, so that memory keeps one input chunk and the members of
 * one 64 KiB slice of it at a time. Directory entries are not yielded.
 *
 * Members are found through their local headers (fflate's streaming `Unzip`), so a
 * damaged archive still yields the members before the damage. `directory`, from
 * `findCentralDirectory`, gives where the members end and how many there are; the
 * bytes from there on are not scanned. When it is null (no end-of-central-directory
 * record), when the member count differs, or when a member fails to decompress, this
 * throws `DamagedZipError` after the last good member.
 *
 * A member that decompresses to more than `maxMemberBytes` is yielded with `data` null,
 * and decompression stops at that size, so memory stays bounded even for a zip bomb.
 *
 * NOTE: member CRC-32 values are not checked. A flipped bit in deflate data usually
 * fails decompression, and JSON parsing catches most of the rest.
 */
export async function* readZipMembers(
  chunks: AsyncIterable<Uint8Array>,
  directory: CentralDirectory | null,
  maxMemberBytes = MAX_MEMBER_BYTES,
): AsyncGenerator<ZipMember> {
  const completed: ZipMember[] = [];
  let damage: string | null = null;
  let membersSeen = 0;
  let membersRead = 0;
  let pendingName: string | null = null;

  const unzip = new Unzip((file: UnzipFile) => {
    membersSeen += 1;
    if (file.name.endsWith("/")) return;
    // fflate reports an unknown method and then fails with a TypeError of its own, so check first.
    if (file.compression !== STORED && file.compression !== DEFLATED) {
      damage ??= `member ${file.name} could not be decompressed (unknown compression type ${file.compression}; only stored and deflate are supported)`;
      return;
    }
    pendingName = file.name;
    const parts: Uint8Array[] = [];
    let size = 0;
    let oversized = false;
    file.ondata = (error, data, final) => {
      if (error instanceof OversizedMemberError) {
        oversized = true;
      } else if (error) {
        damage ??= `member ${file.name} could not be decompressed (${error.message})`;
        return;
      } else if (!oversized) {
        // Stored (uncompressed) members arrive here in chunks, so count them as they come.
        size += data.length;
        oversized = size > maxMemberBytes;
        parts.push(data);
        if (oversized) parts.length = 0;
      }
      if (final) {
        pendingName = null;
        membersRead += 1;
        completed.push({ name: file.name, data: oversized ? null : concatenate(parts) });
      }
    };
    file.start();
  });
  unzip.register(bunInflateWithLimit(maxMemberBytes));

  // fflate would scan the central directory byte by byte for more local headers,
  // which took longer than inflating all 5,980 members of the sample archive.
  let remaining = directory?.offset ?? Number.POSITIVE_INFINITY;
  try {
    for await (const chunk of chunks) {
      if (remaining <= 0) break;
      const members = chunk.length > remaining ? chunk.subarray(0, remaining) : chunk;
      remaining -= members.length;
      // A file-stream chunk can hold hundreds of small deflated members. Pushing it in
      // slices and draining after each keeps only a few of them decompressed at a time.
      for (let start = 0; start < members.length; start += PUSH_SLICE_BYTES) {
        unzip.push(members.subarray(start, start + PUSH_SLICE_BYTES), false);
        yield* drain(completed);
        if (damage !== null) throw new DamagedZipError(damage, membersRead);
      }
    }
    unzip.push(new Uint8Array(0), true);
  } catch (error) {
    if (error instanceof DamagedZipError) throw error;
    // fflate throws "unexpected EOF" when the input stops inside a member.
    damage = pendingName
      ? `the archive ends inside member ${pendingName} (${(error as Error).message})`
      : `the archive could not be read (${(error as Error).message})`;
  }
  yield* drain(completed);
  if (damage !== null) throw new DamagedZipError(damage, membersRead);

  if (directory === null) {
    throw new DamagedZipError(
      "the archive has no end-of-central-directory record, so it is truncated or not a complete zip file",
      membersRead,
    );
  }
  if (remaining > 0) {
    throw new DamagedZipError(
      `the archive ends ${remaining} bytes before its central directory`,
      membersRead,
    );
  }
  if (directory.memberCount !== "zip64" && directory.memberCount !== membersSeen) {
    throw new DamagedZipError(
      `the central directory lists ${directory.memberCount} members but ${membersSeen} were found`,
      membersRead,
    );
  }
}

/** Raised by the inflater when a member would decompress to more than the size limit. */
class OversizedMemberError extends Error {
  readonly code = 0;
}

/**
 * Returns a decoder that inflates one deflate-compressed member with Bun's native zlib
 * once all its compressed bytes are in, and stops with `OversizedMemberError` once the
 * output passes `maxBytes`. fflate's own streaming inflater took 210 ms against 60 ms
 * for the 5,980-member sample archive (Bun 1.4.5, 2-core AMD EPYC VM).
 */
function bunInflateWithLimit(maxBytes: number) {
  return class BunInflate implements UnzipDecoder {
    static readonly compression = DEFLATED;
    ondata: AsyncFlateStreamHandler = () => {};
    private readonly parts: Uint8Array[] = [];

    push(chunk: Uint8Array, final: boolean): void {
      // fflate may pass views of its own buffers, which it does not promise to keep intact.
      this.parts.push(chunk.slice());
      if (!final) return;
      let inflated: Uint8Array<ArrayBuffer>;
      try {
        // A Buffer from zlib is backed by an ordinary ArrayBuffer, never a SharedArrayBuffer.
        inflated = inflateRawSync(concatenate(this.parts), {
          maxOutputLength: maxBytes,
        }) as Uint8Array<ArrayBuffer>;
      } catch (error) {
        const failure =
          (error as NodeJS.ErrnoException).code === "ERR_BUFFER_TOO_LARGE"
            ? new OversizedMemberError(`member decompresses to more than ${maxBytes} bytes`)
            : Object.assign(error as Error, { code: 0 });
        this.ondata(failure as FlateError, new Uint8Array(0), true);
        return;
      }
      this.ondata(null, inflated, true);
    }
  };
}

function* drain(completed: ZipMember[]): Generator<ZipMember> {
  while (completed.length > 0) {
    yield completed.shift() as ZipMember;
  }
}

function concatenate(parts: readonly Uint8Array[]): Uint8Array<ArrayBuffer> {
  const total = parts.reduce((sum, part) => sum + part.length, 0);
  const result = new Uint8Array(total);
  let offset = 0;
  for (const part of parts) {
    result.set(part, offset);
    offset += part.length;
  }
  return result;
}
