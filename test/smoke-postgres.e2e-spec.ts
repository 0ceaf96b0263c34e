import { smokeSuite } from './smoke.js';

smokeSuite('postgres');
