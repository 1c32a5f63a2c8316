using Grpc.Core;

namespace K8sNet.Samples.Grpc;

/// <summary>The greeter the pods run: it says which pod IP answered.</summary>
internal sealed class GreeterService : Greeter.GreeterBase
{
    public override Task<HelloReply> SayHello(HelloRequest request, ServerCallContext context) =>
        Task.FromResult(new HelloReply
        {
            Message = "Hello " + request.Name,
            PodIp = context.GetHttpContext().Connection.LocalIpAddress?.ToString() ?? "?",
            Authority = context.Host,
        });

    public override async Task Stream(StreamRequest request, IServerStreamWriter<HelloReply> responseStream, ServerCallContext context)
    {
        for (var i = 0; i < request.Count; i++)
        {
            await responseStream.WriteAsync(new HelloReply { Message = $"#{i}" });
            await Task.Delay(request.IntervalMs, context.CancellationToken);
        }
    }
}
