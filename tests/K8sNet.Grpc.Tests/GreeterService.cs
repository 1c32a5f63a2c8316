using Grpc.Core;
using K8sNet.Samples.Grpc;

namespace K8sNet.Grpc.Tests;

/// <summary>The greeter the tests' pods run: it says which pod IP answered, and waits when asked to.</summary>
public sealed class GreeterService : Greeter.GreeterBase
{
    public override async Task<HelloReply> SayHello(HelloRequest request, ServerCallContext context)
    {
        if (request.DelayMs > 0)
        {
            await context.WriteResponseHeadersAsync([]); // the caller sees which pod took it while it is still in flight
            await Task.Delay(request.DelayMs, context.CancellationToken);
        }

        return new HelloReply { Message = "Hello " + request.Name, PodIp = PodIp(context), Authority = context.Host };
    }

    public override async Task Stream(StreamRequest request, IServerStreamWriter<HelloReply> responseStream, ServerCallContext context)
    {
        for (var i = 0; i < request.Count; i++)
        {
            await responseStream.WriteAsync(new HelloReply { Message = $"#{i}", PodIp = PodIp(context) });
            await Task.Delay(request.IntervalMs, context.CancellationToken);
        }
    }

    private static string PodIp(ServerCallContext context) => context.GetHttpContext().Connection.LocalIpAddress?.ToString() ?? "?";
}
