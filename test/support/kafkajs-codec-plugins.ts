/**
 * kafkajs reads zstd and lz4 batches only through codec plugins (its own @kafkajs/zstd is
 * native and not in this registry). These are the tiny adapters a kafkajs user writes,
 * around decoders that are not the ones our server decodes with: fzstd for zstd, and
 * lz4js's own frame decoder for lz4. Registering them makes kafkajs's RecordBatch decoder
 * (and encoder) handle attributes 3 and 4.
 */
import { createRequire } from 'node:module';
import { compress as lz4Compress, decompress as lz4Decompress } from 'lz4js';
import { decompress as zstdDecompress } from 'fzstd';

const require = createRequire(import.meta.url);

interface KafkajsCodec {
  compress(encoder: { buffer: Buffer }): Promise<Buffer>;
  decompress(buffer: Buffer): Promise<Buffer>;
}
const { Codecs, Types } = require('kafkajs/src/protocol/message/compression') as {
  Codecs: Record<number, () => KafkajsCodec>;
  Types: { LZ4: number; ZSTD: number };
};

const toBuffer = (b: Uint8Array) => Buffer.from(b.buffer, b.byteOffset, b.byteLength);

let registered = false;

export function registerKafkajsCodecPlugins(zstdCompress?: (plain: Uint8Array) => Uint8Array): void {
  if (registered) return;
  registered = true;
  Codecs[Types.ZSTD] = () => ({
    compress: async (encoder) => {
      if (!zstdCompress) throw new Error('no zstd compressor registered for kafkajs');
      return toBuffer(zstdCompress(encoder.buffer));
    },
    decompress: async (buffer) => toBuffer(zstdDecompress(buffer)),
  });
  Codecs[Types.LZ4] = () => ({
    compress: async (encoder) => toBuffer(lz4Compress(encoder.buffer)),
    decompress: async (buffer) => toBuffer(lz4Decompress(buffer)),
  });
}
