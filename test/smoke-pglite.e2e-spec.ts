import { smokeSuite } from './smoke.js';

smokeSuite('pglite');
