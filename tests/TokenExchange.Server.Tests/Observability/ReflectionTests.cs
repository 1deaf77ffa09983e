using Grpc.Core;
using Grpc.Net.Client;
using Grpc.Reflection.V1Alpha;

namespace TokenExchange.Server.Tests.Observability;

/// <summary>gRPC server reflection, as grpcurl uses it: list the services, then fetch a service's descriptor.</summary>
[Collection(ServerCollection.Name)]
public sealed class ReflectionTests(ServerFixture fixture)
{
    [Fact]
    public async Task Lists_both_services_and_describes_them()
    {
        using var channel = GrpcChannel.ForAddress(fixture.Grpc);
        using var call = new ServerReflection.ServerReflectionClient(channel).ServerReflectionInfo();

        await call.RequestStream.WriteAsync(new ServerReflectionRequest { ListServices = "" });
        Assert.True(await call.ResponseStream.MoveNext());
        var services = call.ResponseStream.Current.ListServicesResponse.Service.Select(s => s.Name).ToList();
        await call.RequestStream.WriteAsync(new ServerReflectionRequest { FileContainingSymbol = "tokenexchange.v1.TokenExchange" });
        Assert.True(await call.ResponseStream.MoveNext());
        var descriptors = call.ResponseStream.Current.FileDescriptorResponse.FileDescriptorProto
            .Select(bytes => Google.Protobuf.Reflection.FileDescriptorProto.Parser.ParseFrom(bytes)).ToList();
        await call.RequestStream.CompleteAsync();

        Assert.Contains("tokenexchange.v1.TokenExchange", services);
        Assert.Contains("tokenexchange.v1.Admin", services);
        Assert.Contains("grpc.health.v1.Health", services);
        var exchange = descriptors.SelectMany(d => d.Service).Single(s => s.Name == "TokenExchange");
        Assert.Contains(exchange.Method, m => m.Name == "Exchange");
    }
}
