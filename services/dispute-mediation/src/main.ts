import 'reflect-metadata';
import { runMain } from '@civgrid/service-kit';
import { disputeMediation } from './definition';

void runMain(disputeMediation);
