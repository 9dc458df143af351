// The web client helpers without a browser: the real connect-web gRPC-Web transport over a fake fetch
// that answers like the host does (gRPC-Web frames, trailers with grpc-status-details-bin).
import { create, toBinary } from "@bufbuild/protobuf";
import { anyPack, type Any } from "@bufbuild/protobuf/wkt";
import { base64Encode } from "@bufbuild/protobuf/wire";
import { describe, expect, it } from "vitest";
import { Code, createPosClients, decodeStatusDetailsBin, describeError, errorLines, fieldLabel, reconnectDelayMs, type PlainError } from "../src/client";
import { createI18n } from "../src/i18n";
import { BadRequestSchema, ErrorInfoSchema, PreconditionFailureSchema, RetryInfoSchema } from "../src/gen/google/rpc/error_details_pb";
import { StatusSchema } from "../src/gen/google/rpc/status_pb";
import { ListDepartmentsResponseSchema } from "../src/gen/pos/departments/v1/department_service_pb";

const encoder = new TextEncoder();
const english = createI18n("en-GB");
const danish = createI18n("da-DK");
const inEnglish = (error: unknown) => describeError(error, english);

function frame(flag: number, data: Uint8Array): Uint8Array {
  const out = new Uint8Array(5 + data.length);
  out[0] = flag;
  new DataView(out.buffer).setUint32(1, data.length);
  out.set(data, 5);
  return out;
}

function grpcWebResponse(message: Uint8Array | null, trailers: Record<string, string>): Response {
  const trailerText = Object.entries(trailers).map(([k, v]) => `${k}: ${v}\r\n`).join("");
  const parts = [...(message ? [frame(0x00, message)] : []), frame(0x80, encoder.encode(trailerText))];
  const body = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let offset = 0;
  for (const p of parts) { body.set(p, offset); offset += p.length; }
  return new Response(body, { status: 200, headers: { "content-type": "application/grpc-web+proto" } });
}

/** A fetch that records requests and answers with the given response. */
function fakeFetch(answer: () => Response) {
  const requests: { url: string; headers: Headers }[] = [];
  const fetch = async (input: RequestInfo | URL, init?: RequestInit) => {
    requests.push({ url: String(input), headers: new Headers(init?.headers) });
    return answer();
  };
  return { fetch: fetch as typeof globalThis.fetch, requests };
}

function statusDetails(code: Code, message: string, ...details: Any[]): string {
  const status = create(StatusSchema, { code, message, details });
  return base64Encode(toBinary(StatusSchema, status));
}

describe("createPosClients", () => {
  it("calls the gRPC-Web path with a bearer token asked per call", async () => {
    const departments = create(ListDepartmentsResponseSchema, { departments: [{ departmentId: 10n, clientId: 1n, name: "Copenhagen Store" }] });
    const { fetch, requests } = fakeFetch(() => grpcWebResponse(toBinary(ListDepartmentsResponseSchema, departments), { "grpc-status": "0" }));
    let asked = 0;
    const clients = createPosClients("http://127.0.0.1:5081/", () => `token-${++asked}`, { fetch });

    const first = await clients.departments.listDepartments({ clientId: 1n });
    await clients.departments.listDepartments({ clientId: 1n });

    expect(first.departments.map((d) => d.name)).toEqual(["Copenhagen Store"]);
    expect(requests.map((r) => r.url)).toEqual([
      "http://127.0.0.1:5081/pos.departments.v1.DepartmentService/ListDepartments",
      "http://127.0.0.1:5081/pos.departments.v1.DepartmentService/ListDepartments",
    ]);
    expect(requests.map((r) => r.headers.get("authorization"))).toEqual(["Bearer token-1", "Bearer token-2"]);
    expect(requests[0].headers.get("content-type")).toBe("application/grpc-web+proto");
  });
});

describe("describeError", () => {
  it("reads BadRequest field violations from grpc-status-details-bin", async () => {
    const details = statusDetails(Code.InvalidArgument, "The request has invalid fields.",
      anyPack(ErrorInfoSchema, create(ErrorInfoSchema, { reason: "INVALID_ARGUMENT", domain: "pos.samesystem.com" })),
      anyPack(BadRequestSchema, create(BadRequestSchema, { fieldViolations: [
        { field: "from_date", description: "must be a date like 2025-01-31" },
        { field: "department_ids", description: "pick at least one department" },
      ] })));
    const { fetch } = fakeFetch(() => grpcWebResponse(null, {
      "grpc-status": "3", "grpc-message": "The request has invalid fields.", "grpc-status-details-bin": details,
    }));
    const clients = createPosClients("http://host", () => "t", { fetch });

    const error = await clients.imports.startImport({ clientId: 1n }).then(() => null, inEnglish);

    expect(error?.code).toBe(Code.InvalidArgument);
    expect(error?.reason).toBe("INVALID_ARGUMENT");
    expect(error?.fields).toEqual([
      { field: "from_date", description: "must be a date like 2025-01-31" },
      { field: "department_ids", description: "pick at least one department" },
    ]);
    expect(errorLines(error!, english)).toEqual([
      { ours: "Some of the entries need fixing.", server: "" },
      { ours: "From", server: "must be a date like 2025-01-31" },
      { ours: "Departments", server: "pick at least one department" },
    ]);
  });

  it("reads PreconditionFailure descriptions", async () => {
    const details = statusDetails(Code.FailedPrecondition, "POS import is off.",
      anyPack(PreconditionFailureSchema, create(PreconditionFailureSchema, { violations: [
        { type: "SETTINGS", subject: "pos_import_enabled", description: "Turn on POS import in the general settings first." },
      ] })));
    const { fetch } = fakeFetch(() => grpcWebResponse(null, { "grpc-status": "9", "grpc-message": "POS import is off.", "grpc-status-details-bin": details }));
    const clients = createPosClients("http://host", () => "t", { fetch });

    const error = await clients.imports.startImport({ clientId: 1n }).then(() => null, inEnglish);

    expect(error?.summary).toBe("This cannot be done yet.");
    expect(error?.preconditions).toEqual(["Turn on POS import in the general settings first."]);
  });

  it("says UNIMPLEMENTED and UNAUTHENTICATED in plain words", async () => {
    let status = "12";
    const { fetch } = fakeFetch(() => grpcWebResponse(null, { "grpc-status": status, "grpc-message": "" }));
    const clients = createPosClients("http://host", () => "t", { fetch });

    const unimplemented = await clients.lightspeedAuth.listConnections({ clientId: 1n }).then(() => null, inEnglish);
    status = "16";
    const unauthenticated = await clients.settings.getGeneralSettings({ clientId: 1n }).then(() => null, inEnglish);

    expect(unimplemented?.summary).toBe("This server does not offer this feature yet.");
    expect(unauthenticated?.summary).toMatch(/did not accept your token/);
  });

  it("says how long a rate-limited caller must wait, from RetryInfo", async () => {
    const details = statusDetails(Code.ResourceExhausted, "Too many calls from this caller; retry in 1 s.",
      anyPack(ErrorInfoSchema, create(ErrorInfoSchema, { reason: "RATE_LIMITED", domain: "pos.samesystem.com" })),
      anyPack(RetryInfoSchema, create(RetryInfoSchema, { retryDelay: { seconds: 0n, nanos: 400_000_000 } })));
    const { fetch } = fakeFetch(() => grpcWebResponse(null, { "grpc-status": "8", "grpc-message": "Too many calls", "grpc-status-details-bin": details }));
    const clients = createPosClients("http://host", () => "t", { fetch });

    const error = await clients.settings.getGeneralSettings({ clientId: 1n }).then(() => null, inEnglish);

    expect(error?.reason).toBe("RATE_LIMITED");
    expect(error?.retryAfterSeconds).toBe(1);
    expect(error?.summary.replace(/\u00a0/g, " ")).toBe("Too many requests in a short time. Try again in 1 sec.");
  });

  it("re-opens a dropped watch after a growing delay, and after the rate limit's delay at least", () => {
    const plain = (code: Code, retryAfterSeconds?: number): PlainError =>
      ({ code, summary: "", serverMessage: "", reason: "", fields: [], preconditions: [], retryAfterSeconds });

    expect(reconnectDelayMs(plain(Code.Unavailable), 1)).toBe(2000);
    expect(reconnectDelayMs(plain(Code.Unavailable), 3)).toBe(6000);
    expect(reconnectDelayMs(plain(Code.ResourceExhausted, 9), 1)).toBe(9000);
    expect(reconnectDelayMs(plain(Code.ResourceExhausted, 1), 2)).toBe(4000);
    expect(reconnectDelayMs(plain(Code.Unavailable), 6)).toBeUndefined();
    expect(reconnectDelayMs(plain(Code.Unauthenticated), 1)).toBeUndefined();
    expect(reconnectDelayMs(plain(Code.NotFound), 1)).toBeUndefined();
  });

  it("says it in Danish: our summary and labels, the server's descriptions as sent", async () => {
    const details = statusDetails(Code.InvalidArgument, "The request has invalid fields.",
      anyPack(BadRequestSchema, create(BadRequestSchema, { fieldViolations: [{ field: "department_ids", description: "name at least one department" }] })));
    let trailers: Record<string, string> = { "grpc-status": "3", "grpc-message": "invalid", "grpc-status-details-bin": details };
    const { fetch } = fakeFetch(() => grpcWebResponse(null, trailers));
    const clients = createPosClients("http://host", () => "t", { fetch });

    const invalid = await clients.imports.startImport({ clientId: 1n }).then(() => null, (e) => describeError(e, danish));
    trailers = { "grpc-status": "8", "grpc-message": "Too many calls", "grpc-status-details-bin": statusDetails(Code.ResourceExhausted, "Too many calls",
      anyPack(RetryInfoSchema, create(RetryInfoSchema, { retryDelay: { seconds: 3n, nanos: 0 } }))) };
    const limited = await clients.imports.startImport({ clientId: 1n }).then(() => null, (e) => describeError(e, danish));

    expect(errorLines(invalid!, danish)).toEqual([
      { ours: "Nogle af felterne skal rettes.", server: "" },
      { ours: "Afdelinger", server: "name at least one department" },
    ]);
    expect(limited?.summary.replace(/\u00a0/g, " ")).toBe("For mange forespørgsler på kort tid. Vent 3 sek., og prøv igen.");
  });

  it("says an unreachable server in plain words", async () => {
    const clients = createPosClients("http://host", () => "t", { fetch: (async () => { throw new TypeError("fetch failed"); }) as typeof globalThis.fetch });

    const error = await clients.settings.getGeneralSettings({ clientId: 1n }).then(() => null, inEnglish);

    expect(error?.summary).toMatch(/cannot be reached/);
  });
});

describe("decodeStatusDetailsBin and fieldLabel", () => {
  it("decodes padded and unpadded base64", () => {
    const value = statusDetails(Code.NotFound, "Department 7 not found.");
    expect(decodeStatusDetailsBin(value).message).toBe("Department 7 not found.");
    expect(decodeStatusDetailsBin(value.replace(/=+$/, "")).code).toBe(Code.NotFound);
  });

  it("makes a label of a field path", () => {
    expect(fieldLabel("settings.time_zone", english)).toBe("Time zone");
    expect(fieldLabel("department_ids[2]", english)).toBe("Departments");
    expect(fieldLabel("department_ids[2]", danish)).toBe("Afdelinger");
    expect(fieldLabel("until_date", danish)).toBe("Til og med");
  });
});
