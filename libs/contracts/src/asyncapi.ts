import { JsonSchema } from '@civgrid/events';
import { supersededBy } from './compatibility';
import { eventSchemas } from './index';

const DOMAINS: Record<string, { service: string; summary: string }> = {
  grid: { service: 'grid-organisation', summary: 'The administrative tree, grids, grid members, departments, reshaping.' },
  population: {
    service: 'population-registry',
    summary: 'Dwellings, households, residents, care, visits, needs: ids only, never personal data.',
  },
  incident: { service: 'incident-reporting', summary: 'Incidents and their workflow, service levels, whistles.' },
  mediation: { service: 'dispute-mediation', summary: 'Disputes, sessions, outcomes.' },
};

const messageName = (type: string): string => type.replace(/^civgrid\./, '').replace(/[.-](\w)/g, (_, c: string) => c.toUpperCase());

/**
 * The AsyncAPI 3.0 document for analysts: one channel per domain topic, one message per event
 * type, each payload the CloudEvents envelope around the type's JSON Schema. A type a later version
 * supersedes is marked deprecated (the payload schema's `deprecated`, and `x-superseded-by`).
 */
export function asyncApiDocument(schemas: Readonly<Record<string, JsonSchema>> = eventSchemas): Record<string, unknown> {
  const superseded = supersededBy(Object.keys(schemas));
  const channels: Record<string, unknown> = {};
  const operations: Record<string, unknown> = {};
  const messages: Record<string, unknown> = {};
  for (const [domain, info] of Object.entries(DOMAINS)) {
    const types = Object.keys(schemas)
      .filter((t) => t.split('.')[1] === domain)
      .sort();
    const channelMessages: Record<string, unknown> = {};
    for (const type of types) {
      const name = messageName(type);
      const successor = superseded.get(type);
      messages[name] = {
        name: type,
        title: (schemas[type] as { title?: string }).title,
        ...(successor
          ? { summary: `Deprecated: superseded by ${successor}; published beside it for the transition.`, 'x-superseded-by': successor }
          : {}),
        contentType: 'application/cloudevents+json',
        headers: { type: 'object', properties: { ce_type: { const: type }, ce_id: { type: 'string' } } },
        payload: {
          ...(successor ? { deprecated: true } : {}),
          type: 'object',
          required: ['specversion', 'id', 'source', 'type', 'subject', 'time', 'data'],
          properties: {
            specversion: { const: '1.0' },
            id: { type: 'string', format: 'uuid' },
            source: { const: `/civgrid/${info.service}` },
            type: { const: type },
            subject: { type: 'string', description: 'The aggregate id; also the Kafka key.' },
            time: { type: 'string', format: 'date-time' },
            datacontenttype: { const: 'application/json' },
            data: schemas[type],
          },
        },
      };
      channelMessages[name] = { $ref: `#/components/messages/${name}` };
    }
    channels[domain] = {
      address: `civgrid.${domain}.events`,
      description: `${info.summary} Published by ${info.service}; keyed by aggregate id, so one aggregate's events keep their order.`,
      messages: channelMessages,
    };
    operations[`receive${domain[0].toUpperCase()}${domain.slice(1)}Events`] = {
      action: 'receive',
      channel: { $ref: `#/channels/${domain}` },
    };
  }
  return {
    asyncapi: '3.0.0',
    info: {
      title: 'CivGrid event streams',
      version: '1.0.0',
      description:
        'Every change other services or analysts may care about, as CloudEvents 1.0 in structured mode. Events carry ids and codes, never personal data.',
    },
    defaultContentType: 'application/cloudevents+json',
    channels,
    operations,
    components: { messages },
  };
}
