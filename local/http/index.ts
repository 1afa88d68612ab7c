/** The local stand-in for API Gateway's HTTP API: the tasks' routes with the Cognito JWT authorizer. */
export {
  type HttpApi,
  type HttpApiOptions,
  type HttpRoute,
  type JwtAuthorizer,
  startHttpApi,
} from './server.ts';
