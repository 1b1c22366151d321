import { BaseConfig, baseConfigSchema } from '@civgrid/service-kit';

export const configSchema = baseConfigSchema;
export type DisputeMediationConfig = BaseConfig;
