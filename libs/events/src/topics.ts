import { Admin, ITopicConfig } from 'kafkajs';

export interface TopicSettings {
  /** Prepended to every topic name: tests give each run its own. */
  prefix: string;
  partitions: number;
  retentionMs: number;
}

/** `civgrid.<domain>.events`, one topic per domain. */
export const eventsTopic = (settings: Pick<TopicSettings, 'prefix'>, domain: string): string =>
  `${settings.prefix}civgrid.${domain}.events`;

/** Where a consumer parks what it could not apply, with the reason in the headers. */
export const deadLetterTopic = (settings: Pick<TopicSettings, 'prefix'>, consumer: string): string =>
  `${settings.prefix}civgrid.${consumer}.dlq`;

/** Where `events dlq redrive` puts parked events back, read by that one consumer only. */
export const redriveTopic = (settings: Pick<TopicSettings, 'prefix'>, consumer: string): string =>
  `${settings.prefix}civgrid.${consumer}.redrive`;

/** Topics are made by the project with stated partitions and retention, never by broker auto-creation. */
export async function ensureTopics(admin: Admin, names: string[], settings: TopicSettings): Promise<void> {
  const existing = new Set(await admin.listTopics());
  const missing = names.filter((n) => !existing.has(n));
  if (missing.length === 0) return;
  const topics: ITopicConfig[] = missing.map((topic) => ({
    topic,
    numPartitions: settings.partitions,
    replicationFactor: -1,
    configEntries: [{ name: 'retention.ms', value: String(settings.retentionMs) }],
  }));
  try {
    await admin.createTopics({ topics, waitForLeaders: true });
  } catch (error) {
    // Another instance may have created it between list and create.
    if ((error as { type?: string }).type !== 'TOPIC_ALREADY_EXISTS') throw error;
  }
}
