/** The one table of HTTP statuses: every error of the core has its status, chosen at the edge. */
import { expect } from 'chai';
import * as core from '../../src/core/errors.js';
import { statusOf, toProblem } from '../../src/server/problem.js';

const serviceErrors = Object.entries(core).filter(
  ([, value]) => typeof value === 'function' && value.prototype instanceof core.ServiceError,
) as [string, new (detail: string) => core.ServiceError][];

describe('HTTP statuses of the core errors', () => {
  it('names a client or availability status for every ServiceError of the core', () => {
    const statuses = Object.fromEntries(serviceErrors.map(([name, Type]) => [name, statusOf(new Type('x'))]));
    expect(statuses).to.deep.equal({
      InvalidInputError: 400,
      IncompleteDocumentError: 422,
      NonConformingDocumentError: 422,
      PayloadTooLargeError: 413,
      UnsupportedMediaTypeError: 415,
      NotFoundError: 404,
      RenderUnavailableError: 503,
      BusyError: 429,
      UnauthorizedError: 401,
      ForbiddenError: 403,
      ConflictError: 409,
      MethodNotAllowedError: 405,
      NotAcceptableError: 406,
    });
  });

  it('marks only the momentary failures as transient', () => {
    const transient = serviceErrors.filter(([, Type]) => new Type('x').transient).map(([name]) => name);
    expect(transient.sort()).to.deep.equal(['BusyError', 'RenderUnavailableError']);
  });

  it('answers an error class the table does not know as an internal error, without its words', () => {
    class Unknown extends core.ServiceError {
      readonly slug = 'secret';
      readonly title = 'Secret';
    }
    const problem = toProblem(new Unknown('détail interne'), '/x');
    expect(problem.status).to.equal(500);
    expect(JSON.stringify(problem)).not.to.contain('détail interne').and.not.to.contain('secret');
  });
});
