using Google.Protobuf;
using Google.Protobuf.Reflection;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Pos.Grpc.Tests.Infrastructure;

namespace Pos.Grpc.Tests.Security;

/// <summary>
/// A seeded fuzz run over the request messages of every mutating RPC: well-formed protobuf with hostile
/// values (huge, negative, unknown enum numbers, odd text, real ids mixed in). No answer may be
/// INTERNAL or UNKNOWN: every rejection must be a deliberate one.
/// </summary>
public sealed class ProtobufFuzzTests(BadInputFixture host) : IClassFixture<BadInputFixture>
{
    private const int IterationsPerRpc = 150;

    public static TheoryData<string> MutatingRpcs() => new(RpcCatalogue.AllMethods.Where(RpcCatalogue.IsMutating));

    [Theory]
    [MemberData(nameof(MutatingRpcs))]
    public async Task Fuzz_MutatingRpc_NeverAnswersInternalOrUnknown(string fullMethod)
    {
        var (service, method) = Find(fullMethod);
        var random = new Random(fullMethod.GetHashCode(StringComparison.Ordinal) ^ 20261127);
        var generator = new MessageFuzzer(random);
        var rpc = new Method<IMessage, IMessage>(MethodType.Unary, service.FullName, method.Name,
            Marshallers.Create<IMessage>(m => m.ToByteArray(), bytes => method.InputType.Parser.ParseFrom(bytes)),
            Marshallers.Create<IMessage>(m => m.ToByteArray(), bytes => method.OutputType.Parser.ParseFrom(bytes)));
        var invokers = new[]
        {
            host.Channel(PosHostFixture.Supervisor(BadInputFixture.Client)).CreateCallInvoker(),
            host.Channel(PosHostFixture.Service()).CreateCallInvoker(),
        };

        var failures = new List<string>();
        for (var i = 0; i < IterationsPerRpc; i++)
        {
            var request = generator.Next(method.InputType);
            try
            {
                await invokers[i % 2].AsyncUnaryCall(rpc, null, new CallOptions(deadline: DateTime.UtcNow.AddSeconds(30)), request);
            }
            catch (RpcException e) when (e.StatusCode is StatusCode.Internal or StatusCode.Unknown)
            {
                failures.Add($"{e.StatusCode} {e.Status.Detail} for {request}");
            }
            catch (RpcException)
            {
                // A deliberate answer: that is all a fuzz run asks for.
            }
        }
        Assert.True(failures.Count == 0, string.Join("\n", failures.Take(5)));
    }

    private static (ServiceDescriptor Service, MethodDescriptor Method) Find(string fullMethod)
    {
        var service = RpcCatalogue.Services.Single(s => fullMethod.StartsWith(s.FullName + "/", StringComparison.Ordinal));
        return (service, service.Methods.Single(m => fullMethod.EndsWith("/" + m.Name, StringComparison.Ordinal)));
    }
}

/// <summary>Random, well-formed messages of any descriptor, biased toward values that reach deep into handlers.</summary>
public sealed class MessageFuzzer(Random random)
{
    private static readonly string[] InterestingText =
    [
        "", " ", "0", "1", "1001", "7", "701", "2025-01-15", "2026-03-29", "9999-12-31", "05:00", "23:59", "24:00", "Europe/Copenhagen",
        "America/New_York", "Etc/GMT+14", "../etc/passwd", "'; DROP TABLE departments; --", "\u0000", "😀", "ÆØÅ", "*", "a,b",
        "multi_cash_registers", "pos_terminal_numbers", "name", new string('9', 25), new string('x', 5000),
    ];

    private static readonly long[] InterestingIds = [0, -1, 1, 7, 8, 701, 702, 703, 801, 2025, long.MaxValue, long.MinValue, int.MaxValue];

    public IMessage Next(MessageDescriptor descriptor, int depth = 0)
    {
        var message = descriptor.Parser.ParseFrom(ByteString.Empty);
        if (descriptor.FullName == FieldMask.Descriptor.FullName)
        {
            var mask = (FieldMask)message;
            for (var i = random.Next(4); i > 0; i--) mask.Paths.Add(Text());
            return mask;
        }
        foreach (var field in descriptor.Fields.InFieldNumberOrder())
        {
            if (random.Next(4) == 0) continue;
            if (field.IsRepeated)
            {
                var list = (System.Collections.IList)field.Accessor.GetValue(message);
                for (var i = random.Next(random.Next(10) == 0 ? 200 : 4); i > 0; i--)
                    if (Value(field, depth) is { } item) list.Add(item);
            }
            else if (Value(field, depth) is { } value)
            {
                field.Accessor.SetValue(message, value);
            }
        }
        return message;
    }

    private object? Value(FieldDescriptor field, int depth) => field.FieldType switch
    {
        FieldType.Int64 or FieldType.SInt64 or FieldType.SFixed64 => Id(),
        FieldType.Int32 or FieldType.SInt32 or FieldType.SFixed32 => (int)Math.Clamp(Id() % 100_000, int.MinValue, int.MaxValue),
        FieldType.UInt32 or FieldType.Fixed32 => (uint)random.Next(),
        FieldType.UInt64 or FieldType.Fixed64 => (ulong)random.NextInt64(),
        FieldType.Bool => random.Next(2) == 0,
        FieldType.String => Text(),
        FieldType.Bytes => ByteString.CopyFrom(Enumerable.Range(0, random.Next(16)).Select(_ => (byte)random.Next(256)).ToArray()),
        FieldType.Double => random.NextDouble() * 1e12 - 5e11,
        FieldType.Float => (float)(random.NextDouble() * 1e6),
        // Known values and numbers no enum has.
        FieldType.Enum => random.Next(3) == 0 ? random.Next(-5, 1000) : field.EnumType.Values[random.Next(field.EnumType.Values.Count)].Number,
        FieldType.Message => depth < 3 ? Next(field.MessageType, depth + 1) : null,
        _ => null,
    };

    private long Id() => random.Next(3) == 0 ? random.NextInt64(long.MinValue, long.MaxValue) : InterestingIds[random.Next(InterestingIds.Length)];

    private string Text() => random.Next(4) switch
    {
        0 => new string(Enumerable.Range(0, random.Next(40)).Select(_ => (char)random.Next(1, 0xD7FF)).ToArray()),
        _ => InterestingText[random.Next(InterestingText.Length)],
    };
}
