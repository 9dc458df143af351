// The web client of Pos.Grpc: typed gRPC-Web clients and errors in plain words.
export * from "./clients";
export * from "./errors";
export * from "./progress";
