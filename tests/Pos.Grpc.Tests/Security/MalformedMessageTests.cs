using Google.Rpc;
using Grpc.Core;
using Pos.Grpc.Host.Infrastructure.Auth;
using Pos.Grpc.Tests.Hosting;
using Pos.Grpc.Tests.Infrastructure;

namespace Pos.Grpc.Tests.Security;

/// <summary>
/// Request bodies that are not a readable message (issue 10, item 3). The framework reads them before any interceptor:
/// they must still answer INVALID_ARGUMENT with the usual details (never UNKNOWN or INTERNAL), over gRPC and gRPC-Web.
/// </summary>
public sealed class MalformedMessageTests(PosHostFixture host) : IClassFixture<PosHostFixture>
{
    private const string GetSettings = "pos.settings.v1.SettingsService/GetGeneralSettings";
    private const string GetImportJob = "pos.imports.v1.ImportService/GetImportJob";

    /// <summary>GetGeneralSettingsRequest is client_id = 1 (int64); GetImportJobRequest is job_id = 1 (string).</summary>
    public static readonly IReadOnlyDictionary<string, (string Method, byte[] Body)> Forms = new Dictionary<string, (string, byte[])>
    {
        ["truncated varint"] = (GetSettings, RawGrpc.Frame([0x08, 0xff])),
        ["wire type 7"] = (GetSettings, RawGrpc.Frame([0x0f, 0x01])),
        ["tag 0"] = (GetSettings, RawGrpc.Frame([0x00, 0x01])),
        ["a field declaring 4 GB"] = (GetSettings, RawGrpc.Frame([0x0a, 0xff, 0xff, 0xff, 0xff, 0x0f])),
        ["a frame declaring 4 GB"] = (GetSettings, RawGrpc.Header(uint.MaxValue)),
        ["a nested length past the end"] = (GetSettings, RawGrpc.Frame([0x0a, 0x05, 0x08])),
        ["invalid UTF-8 in a string"] = (GetImportJob, RawGrpc.Frame([0x0a, 0x02, 0xc3, 0x28])),
        ["two messages in a unary call"] = (GetSettings, [.. RawGrpc.Frame([0x08, 0x07]), .. RawGrpc.Frame([0x08, 0x07])]),
        ["a message cut short"] = (GetSettings, [.. RawGrpc.Header(10), 0x08]),
        ["compressed without an encoding"] = (GetSettings, RawGrpc.Frame([0x08, 0x07], flag: 1)),
        ["an unknown compressed flag"] = (GetSettings, RawGrpc.Frame([0x08, 0x07], flag: 7)),
    };

    public static TheoryData<string, Transport> Cases()
    {
        var cases = new TheoryData<string, Transport>();
        foreach (var form in Forms.Keys)
            foreach (var transport in new[] { Transport.Native, Transport.GrpcWeb, Transport.GrpcWebText })
                cases.Add(form, transport);
        return cases;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task MalformedRequest_IsInvalidArgument_NamingTheRequest(string form, Transport transport)
    {
        var (method, body) = Forms[form];
        var answer = await RawGrpc.CallAsync(host, transport, method, body, PosHostFixture.Supervisor(7));

        Assert.True(answer.Code == StatusCode.InvalidArgument, $"{form}: {answer.Code} {answer.Message}");
        Assert.Equal("pos.samesystem.com", answer.Detail<ErrorInfo>()?.Domain);
        Assert.Equal("request", Assert.Single(answer.Detail<BadRequest>()!.FieldViolations).Field);
        Assert.DoesNotContain("   at ", answer.Message);
    }

    [Theory]
    [InlineData(Transport.Native)]
    [InlineData(Transport.GrpcWebText)]
    public async Task AMessageDeclaredLargerThanTheLimit_IsResourceExhausted_WithErrorInfo(Transport transport)
    {
        var answer = await RawGrpc.CallAsync(host, transport, GetSettings, RawGrpc.Header(16 * 1024 * 1024), PosHostFixture.Supervisor(7));

        Assert.Equal(StatusCode.ResourceExhausted, answer.Code);
        Assert.Equal("MESSAGE_TOO_LARGE", answer.Reason);
    }

    [Fact]
    public async Task AWellFormedRawCall_StillWorks()
    {
        var answer = await RawGrpc.CallAsync(host, Transport.Native, GetSettings, RawGrpc.Frame([0x08, 0x07]), PosHostFixture.Supervisor(7));
        Assert.Equal(StatusCode.OK, answer.Code);
    }
}

/// <summary>Malformed messages are calls like any other: they use up the caller's rate limit.</summary>
public sealed class MalformedMessageRateLimitTests(SmallRateLimitFixture host) : IClassFixture<SmallRateLimitFixture>
{
    [Fact]
    public async Task MalformedMessages_CountAgainstTheCallersLimit()
    {
        var token = PosHostFixture.Token(PosRoles.Supervisor, 901, subject: "sends-garbage");
        for (var i = 0; i < SmallRateLimitFixture.Burst; i++)
        {
            var answer = await RawGrpc.CallAsync(host, Transport.Native, "pos.settings.v1.SettingsService/GetGeneralSettings", RawGrpc.Frame([0x08, 0xff]), token);
            Assert.Equal(StatusCode.InvalidArgument, answer.Code);
        }

        var refused = await RawGrpc.CallAsync(host, Transport.Native, "pos.settings.v1.SettingsService/GetGeneralSettings", RawGrpc.Frame([0x08, 0x07]), token);
        Assert.Equal(StatusCode.ResourceExhausted, refused.Code);
        Assert.Equal("RATE_LIMITED", refused.Reason);
    }
}
