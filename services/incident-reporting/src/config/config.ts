import { BaseConfig, baseConfigSchema } from '@civgrid/service-kit';

export const configSchema = baseConfigSchema;
export type IncidentReportingConfig = BaseConfig;
