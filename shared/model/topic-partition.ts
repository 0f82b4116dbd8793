/** Kafka's TopicPartition: one partition of one topic, by name. */
export interface TopicPartition {
  topic: string;
  partition: number;
}

/** A group's assignment: member id → the partitions it owns. */
export type Assignment = Record<string, TopicPartition[]>;

/** The map key of a partition, `{topic}#{partition}`. */
export const tpKey = (tp: TopicPartition): string => `${tp.topic}#${tp.partition}`;
