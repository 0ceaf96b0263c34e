// The request context moved to core (it also carries /v1 request ids into log lines).
export { currentRequestContext } from '@switchyard/core';
