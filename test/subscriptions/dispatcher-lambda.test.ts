import { describe, expect, it } from 'vitest';
import { topicIdsOf } from '../../functions/dispatcher.js';

describe('the dispatcher Lambda', () => {
  it('wakes only for new log index entries in the DynamoDB stream, naming their topic incarnations', () => {
    const record = (eventName: string, pk: string, sk: string) => ({ eventName, dynamodb: { Keys: { pk: { S: pk }, sk: { S: sk } } } });
    const ids = topicIdsOf([
      record('INSERT', 'LOG#01JTOPICA#0', 'O#00000000000000000009'),
      record('INSERT', 'LOG#01JTOPICA#3', 'O#00000000000000000001'),
      record('INSERT', 'LOG#01JTOPICB#12', 'O#00000000000000000000'),
      record('MODIFY', 'LOG#01JTOPICC#0', 'HEAD'),
      record('INSERT', 'LOG#01JTOPICD#0', 'HEAD'),
      record('INSERT', 'GROUP#g', 'META'),
      record('REMOVE', 'LOG#01JTOPICE#0', 'O#00000000000000000000'),
    ]);
    expect([...ids].sort()).toEqual(['01JTOPICA', '01JTOPICB']);
  });
});
