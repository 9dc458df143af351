// The web client of Pos.Grpc: typed gRPC-Web clients, errors and progress in plain words, imported totals.
export * from "./clients";
export * from "./errors";
export * from "./progress";
export * from "./weekly-totals";
