// @deploy-actions/core/http: the HTTP client (time limits, latency capture) and retry with backoff.
export {
  createHttpClient,
  type HttpClient,
  type HttpClientOptions,
  type HttpRequest,
  type HttpResponse
} from './client.ts';
export { backoffDelay, type RetryOptions, withRetry } from './retry.ts';
