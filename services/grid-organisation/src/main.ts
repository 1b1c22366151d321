import 'reflect-metadata';
import { runMain } from '@civgrid/service-kit';
import { gridOrganisation } from './definition';

void runMain(gridOrganisation);
