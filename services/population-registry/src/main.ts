import 'reflect-metadata';
import { runMain } from '@civgrid/service-kit';
import { populationRegistry } from './definition';

void runMain(populationRegistry);
