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
