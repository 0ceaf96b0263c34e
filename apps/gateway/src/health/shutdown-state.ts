import { Injectable } from '@nestjs/common';

/** Flipped when a shutdown begins, so readiness turns 503 and load balancers stop routing here. */
@Injectable()
export class ShutdownState {
  draining = false;
}
