import * as oldCodec from '/work/main/shared/log/record-batch-codec.ts';
import * as newCodec from './shared/log/record-batch-codec.ts';
import { codecRecords } from './bench/codec-records.ts';
import { decodeWithKafkajs, encodeWithKafkajs, toKafkajsInput } from './bench/kafkajs-codec.ts';
import { gzipSync, gunzipSync } from 'node:zlib';
await newCodec.compressionReady('zstd');
const MiB = 1048576;
const round = async (f: () => unknown, payload: number, ms = 250) => { let b = 0; const s = performance.now(); while (performance.now() - s < ms) { await f(); b += payload; } return b / MiB / ((performance.now() - s) / 1000); };
const med = (a: number[]) => [...a].sort((x, y) => x - y)[Math.floor(a.length / 2)]!;
for (const [n, c] of [[100, 'none'], [1000, 'none'], [100, 'gzip'], [1000, 'gzip'], [1000, 'zstd']] as const) {
  const recs = codecRecords(n, 1024); const kin = toKafkajsInput(recs); const payload = recs.reduce((s, r) => s + r.key!.length + r.value!.length, 0);
  const ours = () => { for (const b of newCodec.decodeRecordBatches(newCodec.encodeRecordBatch(recs, { compression: c }))) void b; };
  const old = () => { for (const b of oldCodec.decodeRecordBatches(oldCodec.encodeRecordBatch(recs, { compression: c === 'zstd' ? 'gzip' : c }))) void b; };
  const kj = async () => { await decodeWithKafkajs(await encodeWithKafkajs(kin, c === 'none' ? 'none' : 'gzip')); };
  const o: number[] = [], p: number[] = [], k: number[] = [];
  await round(ours, payload, 200); await round(old, payload, 200); await round(kj, payload, 200);
  for (let i = 0; i < 5; i++) { o.push(await round(ours, payload)); p.push(await round(old, payload)); k.push(await round(kj, payload)); }
  const r = (a: number[], b: number[]) => med(a.map((x, i) => x / b[i]!)).toFixed(2);
  console.log(`${c} ${n}: new ${med(o).toFixed(0)} MiB/s, old ${med(p).toFixed(0)}${c === 'zstd' ? ' (old gzip)' : ''}, kafkajs ${med(k).toFixed(0)}; new/kafkajs ${r(o, k)}, old/kafkajs ${r(p, k)}, new/old ${r(o, p)}`);
}
// gzip levels: encode+decode of the records section of 1000 records
const plain = newCodec.encodeRecordBatch(codecRecords(1000, 1024), { compression: 'none' }).subarray(61);
for (const level of [1, 3, 6]) { const t = med(await Promise.all([0, 1, 2].map(() => 0)).then(async () => { const a = []; for (let i = 0; i < 3; i++) a.push(await round(() => gunzipSync(gzipSync(plain, { level })), plain.length)); return a; })); console.log(`gzip level ${level}: ${t.toFixed(0)} MiB/s, ${(gzipSync(plain, { level }).length / plain.length * 100).toFixed(1)} % of the bytes`); }
