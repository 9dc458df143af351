using Pos.Grpc.LightspeedSimulator;

await SimulatorHost.Build(args).RunAsync();
