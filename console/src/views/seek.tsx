import { parseLocalTime } from '../format.js';
import { Form } from '../ui.js';

export type SeekTarget = 'earliest' | 'latest' | { offset: number } | { timestamp: number };

/** Earliest, latest, an offset or a time: the seek forms of groups and subscriptions. */
export function SeekForm({ seek, partitions, testId }: { seek: (to: SeekTarget, partition: number | undefined) => Promise<unknown>; partitions: number; testId?: string }) {
  return (
    <Form
      label="Seek"
      testId={testId}
      submit={async (f) => {
        const partition = f.partition === '' || f.partition === undefined ? undefined : Number(f.partition);
        const to: SeekTarget = f.to === 'offset' ? { offset: Number(f.value) } : f.to === 'time' ? { timestamp: parseLocalTime(f.value ?? '') } : (f.to as 'earliest' | 'latest');
        await seek(to, partition);
      }}
    >
      <select name="partition" aria-label="partition">
        <option value="">all partitions</option>
        {Array.from({ length: partitions }, (_, p) => (
          <option value={p} key={p}>
            partition {p}
          </option>
        ))}
      </select>
      <select name="to" aria-label="seek to">
        <option value="earliest">earliest</option>
        <option value="latest">latest</option>
        <option value="offset">offset</option>
        <option value="time">time (local)</option>
      </select>
      <input name="value" placeholder="offset, or 2026-12-01T10:00:00" aria-label="offset or time" />
    </Form>
  );
}
