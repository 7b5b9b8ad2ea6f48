import { ConflictError, NotFoundError } from '../../lib/errors';

export class IncidentNotFoundError extends NotFoundError {
  constructor(readonly incidentId: string) {
    super(`incident ${incidentId} does not exist`);
  }
}

export class IncidentResolvedError extends ConflictError {
  constructor(readonly incidentId: string) {
    super(`incident ${incidentId} is already resolved`);
  }
}

export class IncidentNotResolvedError extends ConflictError {
  constructor(readonly incidentId: string) {
    super(`incident ${incidentId} is still open`);
  }
}

/** A transition lost its compare-and-set too many times in a row (many people changing one incident at once). */
export class IncidentBusyError extends ConflictError {
  constructor(readonly incidentId: string) {
    super(`incident ${incidentId} is being changed by others right now; try again`);
  }
}
