// Typed clients of the seven Pos.Grpc services over gRPC-Web (the host's HTTP/1.1 port, 5081 by default).
import { createClient, type Client, type Interceptor, type Transport } from "@connectrpc/connect";
import { createGrpcWebTransport } from "@connectrpc/connect-web";
import { DepartmentService } from "../gen/pos/departments/v1/department_service_pb";
import { FieldMappingService } from "../gen/pos/field_mapping/v1/field_mapping_service_pb";
import { ImportHealthService } from "../gen/pos/imports/v1/import_health_pb";
import { ImportService } from "../gen/pos/imports/v1/import_service_pb";
import { LightspeedAuthService } from "../gen/pos/lightspeed_auth/v1/lightspeed_auth_service_pb";
import { SettingsService } from "../gen/pos/settings/v1/settings_service_pb";
import { WeeklyBalanceService } from "../gen/pos/weekly_balance/v1/weekly_balance_service_pb";

/** Returns the bearer token (without "Bearer "); asked before every call, so it may renew tokens itself. */
export type TokenProvider = () => string | Promise<string>;

export interface PosClients {
  settings: Client<typeof SettingsService>;
  departments: Client<typeof DepartmentService>;
  fieldMapping: Client<typeof FieldMappingService>;
  lightspeedAuth: Client<typeof LightspeedAuthService>;
  imports: Client<typeof ImportService>;
  importHealth: Client<typeof ImportHealthService>;
  weeklyBalance: Client<typeof WeeklyBalanceService>;
}

export interface PosClientOptions {
  /** A fetch to use instead of the global one (tests, or a fetch with credentials). */
  fetch?: typeof globalThis.fetch;
  /** Default timeout of every call in milliseconds; undefined = none. Streams should pass their own. */
  defaultTimeoutMs?: number;
}

/** Adds "authorization: Bearer <token>" to every request, asking the provider each time. */
export function bearerTokenInterceptor(tokenProvider: TokenProvider): Interceptor {
  return (next) => async (request) => {
    const token = (await tokenProvider()).trim();
    if (token !== "") request.header.set("authorization", `Bearer ${token}`);
    return next(request);
  };
}

/** The gRPC-Web transport to a Pos.Grpc host, e.g. createPosTransport("http://127.0.0.1:5081", () => token). */
export function createPosTransport(baseUrl: string, tokenProvider: TokenProvider, options: PosClientOptions = {}): Transport {
  return createGrpcWebTransport({
    baseUrl: baseUrl.replace(/\/+$/, ""),
    interceptors: [bearerTokenInterceptor(tokenProvider)],
    fetch: options.fetch,
    defaultTimeoutMs: options.defaultTimeoutMs,
  });
}

/** Typed clients of the seven services, sharing one gRPC-Web transport with the bearer-token interceptor. */
export function createPosClients(baseUrl: string, tokenProvider: TokenProvider, options: PosClientOptions = {}): PosClients {
  const transport = createPosTransport(baseUrl, tokenProvider, options);
  return {
    settings: createClient(SettingsService, transport),
    departments: createClient(DepartmentService, transport),
    fieldMapping: createClient(FieldMappingService, transport),
    lightspeedAuth: createClient(LightspeedAuthService, transport),
    imports: createClient(ImportService, transport),
    importHealth: createClient(ImportHealthService, transport),
    weeklyBalance: createClient(WeeklyBalanceService, transport),
  };
}
