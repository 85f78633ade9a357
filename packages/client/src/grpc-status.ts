import { isGrpcServiceError } from '@temporalio/client';

// The gRPC status codes the client tells apart where the SDK has no error class of its own, named as
// `status` of `@grpc/grpc-js` names them (the client does not depend on grpc-js directly).
export const GRPC_STATUS = {
  NOT_FOUND: 5,
  FAILED_PRECONDITION: 9,
  UNAVAILABLE: 14,
} as const;

/** The gRPC status code of a failed call, when `error` is the SDK's gRPC service error. */
export function grpcStatusOf(error: unknown): number | undefined {
  if (!isGrpcServiceError(error)) return undefined;
  const code: number = error.code;
  return code;
}
