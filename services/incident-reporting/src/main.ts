import 'reflect-metadata';
import { runMain } from '@civgrid/service-kit';
import { incidentReporting } from './definition';

void runMain(incidentReporting);
